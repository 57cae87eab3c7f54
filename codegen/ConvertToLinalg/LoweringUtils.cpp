//===- LoweringUtils.cpp --------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace tessel {

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  if (type.isInteger(1))
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value != 0));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, (int64_t)value));
}

Value lowestValue(OpBuilder &b, Location loc, Type type) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/true)));
  unsigned width = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, width == 1 ? APInt(1, 0) : APInt::getSignedMinValue(width)));
}

Value highestValue(OpBuilder &b, Location loc, Type type) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/false)));
  unsigned width = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, width == 1 ? APInt(1, 1) : APInt::getSignedMaxValue(width)));
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Value scalar = scalarConstant(b, loc, type.getElementType(), value);
  return linalg::FillOp::create(b, loc, scalar, emptyTensor(b, loc, type)).getResult(0);
}

AffineMap broadcastIndexingMap(MLIRContext *ctx, ArrayRef<int64_t> inputShape,
                               ArrayRef<int64_t> resultShape) {
  size_t offset = resultShape.size() - inputShape.size();
  SmallVector<AffineExpr> exprs;
  for (size_t i = 0; i < inputShape.size(); ++i) {
    if (inputShape[i] == 1 && resultShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarBodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastIndexingMap(ctx, cast<RankedTensorType>(in.getType()).getShape(),
                                        resultType.getShape()));
  return buildElementwiseMapped(b, loc, resultType, inputs, maps, body);
}

Value buildElementwiseMapped(OpBuilder &b, Location loc, RankedTensorType resultType,
                             ValueRange inputs, ArrayRef<AffineMap> inputMaps, ScalarBodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{emptyTensor(b, loc, resultType)}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value buildMatmulGeneric(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init,
                         AffineMap lhsMap, AffineMap rhsMap) {
  MLIRContext *ctx = b.getContext();
  AffineMap outMap = AffineMap::get(3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
             SmallVector<AffineMap>{lhsMap, rhsMap, outMap},
             SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::reduction},
             yieldMultiplyAccumulate)
      .getResult(0);
}

void yieldMultiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Value product = createMul(b, loc, args[0], args[1]);
  linalg::YieldOp::create(b, loc, ValueRange{createAdd(b, loc, args[2], product)});
}

Value reshapeTensor(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto target = RankedTensorType::get(shape, type.getElementType());
  // Rank 0 <-> all-ones shapes: an empty reassociation.
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, target, value, ArrayRef<ReassociationIndices>{});
  if (target.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, target, value,
                                           ArrayRef<ReassociationIndices>{});
  // Otherwise through a 1-D tensor: always valid for static shapes and free
  // after bufferization (both steps are views of the same buffer).
  auto allDims = [](int64_t rank) {
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t i = 0; i < rank; ++i)
      groups.back().push_back(i);
    return groups;
  };
  Value flat = value;
  if (type.getRank() != 1) {
    auto flatType = RankedTensorType::get({type.getNumElements()}, type.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, value, allDims(type.getRank()));
  }
  if (target.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, target, flat, allDims(target.getRank()));
}

Value padSpatial(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> pads,
                 Value padValue) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  int64_t spatial = pads.size() / 2, lead = type.getRank() - spatial;
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0), shape(type.getShape());
  for (int64_t i = 0; i < spatial; ++i) {
    low[lead + i] = pads[i];
    high[lead + i] = pads[spatial + i];
    shape[lead + i] += pads[i] + pads[spatial + i];
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, value, getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high), padValue);
}

Value buildReduction(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
                     function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iterators.push_back(reduced ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    if (!reduced) {
      shape.push_back(type.getDimSize(i));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value acc = linalg::FillOp::create(b, loc, init, emptyTensor(b, loc, resultType)).getResult(0);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(type.getRank(), ctx),
                              AffineMap::get(type.getRank(), 0, outExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{input}, ValueRange{acc}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args[1], args[0]));
      });
  return generic.getResult(0);
}

Value createAdd(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value createMul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value createMax(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  if (x.getType().isInteger(1))
    return arith::OrIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value createMin(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  if (x.getType().isInteger(1))
    return arith::AndIOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

} // namespace tessel
