//===- LoweringUtils.cpp --------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "dialects/Tessel/NodeNames.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace tessel {

Value dimSize(OpBuilder &b, Location loc, Value tensor, int64_t dim) {
  return tensor::DimOp::create(b, loc, tensor, dim);
}

std::string nodeDescription(Location loc) {
  llvm::SetVector<StringRef> names;
  collectNodeNames(loc, names);
  if (names.empty())
    return "the model";
  std::string text = names.size() == 1 ? "node '" : "nodes '";
  text += llvm::join(names.getArrayRef(), "', '");
  return text + "'";
}

/// A check `actual pred expected`, its message's {0} and {1} the two sides.
/// The comparison keeps a constant on the right, as canonicalization would
/// put it (which would swap the sides the message names).
static void checkCompare(OpBuilder &b, Location loc, arith::CmpIPredicate pred, Value actual,
                         Value expected, const Twine &what) {
  std::string message = (nodeDescription(loc) + ": " + what).str();
  // (tensor.dim of a static dimension folds to a constant later.)
  auto constant = [](Value v) {
    if (matchPattern(v, m_Constant()))
      return true;
    auto dim = v.getDefiningOp<tensor::DimOp>();
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    return index && !cast<RankedTensorType>(dim.getSource().getType()).isDynamicDim(*index);
  };
  if (constant(actual) && !constant(expected)) {
    std::swap(actual, expected);
    // (Only eq and sge are made here.)
    pred = pred == arith::CmpIPredicate::sge ? arith::CmpIPredicate::sle : pred;
    std::string swapped;
    for (size_t i = 0; i < message.size(); ++i) {
      if (message.compare(i, 3, "{0}") == 0 || message.compare(i, 3, "{1}") == 0) {
        swapped += message[i + 1] == '0' ? "{1}" : "{0}";
        i += 2;
      } else {
        swapped += message[i];
      }
    }
    message = swapped;
  }
  Value holds = arith::CmpIOp::create(b, loc, pred, actual, expected);
  cf::AssertOp::create(b, loc, holds, message);
}

void checkSize(OpBuilder &b, Location loc, Value actual, Value expected, const Twine &what) {
  checkCompare(b, loc, arith::CmpIPredicate::eq, actual, expected, what);
}

void checkSizeAtLeast(OpBuilder &b, Location loc, Value actual, Value minimum,
                      const Twine &what) {
  checkCompare(b, loc, arith::CmpIPredicate::sge, actual, minimum, what);
}

Value shapeEntry(OpBuilder &b, Location loc, Value vector, int64_t i) {
  Value at = arith::ConstantIndexOp::create(b, loc, i);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                    tensor::ExtractOp::create(b, loc, vector, ValueRange{at}));
}

SmallVector<Value> runTimeAxes(OpBuilder &b, Location loc, Value axes, int64_t rank,
                               StringRef op) {
  int64_t count = cast<RankedTensorType>(axes.getType()).getDimSize(0);
  auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
  SmallVector<Value> named;
  for (int64_t j = 0; j < count; ++j) {
    Value a = arith::IndexCastOp::create(
        b, loc, b.getIndexType(), tensor::ExtractOp::create(b, loc, axes, ValueRange{cst(j)}));
    Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a, cst(0));
    named.push_back(arith::SelectOp::create(b, loc, negative,
                                            arith::AddIOp::create(b, loc, a, cst(rank)), a));
  }
  SmallVector<Value> flags;
  Value distinct = cst(0);
  for (int64_t p = 0; p < rank; ++p) {
    Value is = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
    for (Value a : named)
      is = arith::OrIOp::create(
          b, loc, is, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, cst(p)));
    flags.push_back(is);
    distinct = arith::AddIOp::create(b, loc, distinct,
                                     arith::SelectOp::create(b, loc, is, cst(1), cst(0)));
  }
  // Repeats and entries out of range name fewer positions than entries.
  checkSize(b, loc, distinct, cst(count),
            op + "'s axes name {0} distinct axes in [-" + Twine(rank) + ", " + Twine(rank) +
                "), it has {1} entries");
  return flags;
}

Value selectAt(OpBuilder &b, Location loc, ValueRange values, Value index) {
  Value result = values.front();
  for (int64_t i = 1; i < (int64_t)values.size(); ++i) {
    Value at = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, index,
                                     arith::ConstantIndexOp::create(b, loc, i));
    result = arith::SelectOp::create(b, loc, at, values[i], result);
  }
  return result;
}

/// A lowering that lets a dynamic size through must name its source: a
/// compiler bug, reported (failing the compile) rather than guessed.
static Value missingSize(OpBuilder &b, Location loc, RankedTensorType type, int64_t dim) {
  emitError(loc) << "internal error: no source for dynamic dimension " << dim << " of " << type;
  return arith::ConstantIndexOp::create(b, loc, 0);
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type, ValueRange sizeSources) {
  SmallVector<Value> dynamicSizes;
  int64_t rank = type.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    if (!type.isDynamicDim(i))
      continue;
    Value size;
    for (Value source : sizeSources) {
      auto st = cast<RankedTensorType>(source.getType());
      int64_t p = i - (rank - st.getRank());
      if (p >= 0 && st.isDynamicDim(p)) {
        size = dimSize(b, loc, source, p);
        break;
      }
    }
    dynamicSizes.push_back(size ? size : missingSize(b, loc, type, i));
  }
  return tensor::EmptyOp::create(b, loc, type, dynamicSizes);
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

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type, double value,
                   ValueRange sizeSources) {
  Value scalar = scalarConstant(b, loc, type.getElementType(), value);
  return linalg::FillOp::create(b, loc, scalar, emptyTensor(b, loc, type, sizeSources))
      .getResult(0);
}

Value filledTensorOfSizes(OpBuilder &b, Location loc, RankedTensorType type, double value,
                          ValueRange dynamicSizes) {
  Value scalar = scalarConstant(b, loc, type.getElementType(), value);
  Value empty = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
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

void checkBroadcast(OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
                    Value init) {
  int64_t rank = resultType.getRank();
  // Which input gives each dynamic result size (as emptyTensor chose).
  SmallVector<int64_t> source(rank, -1);
  for (int64_t i = 0; i < rank; ++i)
    for (auto [j, in] : llvm::enumerate(inputs)) {
      auto it = cast<RankedTensorType>(in.getType());
      int64_t p = i - (rank - it.getRank());
      if (source[i] < 0 && resultType.isDynamicDim(i) && p >= 0 && it.isDynamicDim(p))
        source[i] = j;
    }
  for (auto [j, in] : llvm::enumerate(inputs)) {
    auto it = cast<RankedTensorType>(in.getType());
    for (int64_t p = 0; p < it.getRank(); ++p) {
      int64_t i = p + rank - it.getRank();
      if (!it.isDynamicDim(p) || source[i] == (int64_t)j)
        continue;
      Value actual = dimSize(b, loc, in, p);
      Value expected = resultType.isDynamicDim(i)
                           ? dimSize(b, loc, init, i)
                           : arith::ConstantIndexOp::create(b, loc, resultType.getDimSize(i));
      // A dynamic size is never stretched: it must be the broadcast size.
      checkSize(b, loc, actual, expected,
                "dimension " + Twine(p) + " of operand " + Twine(j) + " is {0}, the other "
                "operands need {1}");
    }
  }
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarBodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastIndexingMap(ctx, cast<RankedTensorType>(in.getType()).getShape(),
                                        resultType.getShape()));
  Value init = emptyTensor(b, loc, resultType, inputs);
  if (!resultType.hasStaticShape() || llvm::any_of(inputs, [](Value v) {
        return !cast<RankedTensorType>(v.getType()).hasStaticShape();
      }))
    checkBroadcast(b, loc, resultType, inputs, init);
  return buildElementwiseInto(b, loc, init, inputs, maps, body);
}

Value buildElementwiseMapped(OpBuilder &b, Location loc, RankedTensorType resultType,
                             ValueRange inputs, ArrayRef<AffineMap> inputMaps, ScalarBodyFn body) {
  // Each dynamic result dimension from an input that the maps read with it.
  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < resultType.getRank(); ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    Value size;
    for (auto [in, map] : llvm::zip(inputs, inputMaps)) {
      for (auto [p, expr] : llvm::enumerate(map.getResults()))
        if (auto d = dyn_cast<AffineDimExpr>(expr);
            d && d.getPosition() == i && cast<RankedTensorType>(in.getType()).isDynamicDim(p)) {
          size = dimSize(b, loc, in, p);
          break;
        }
      if (size)
        break;
    }
    dynamicSizes.push_back(size ? size : missingSize(b, loc, resultType, i));
  }
  Value init = tensor::EmptyOp::create(b, loc, resultType, dynamicSizes);
  return buildElementwiseInto(b, loc, init, inputs, inputMaps, body);
}

Value buildElementwiseInto(OpBuilder &b, Location loc, Value init, ValueRange inputs,
                           ArrayRef<AffineMap> inputMaps, ScalarBodyFn body) {
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(init.getType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
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
    int64_t count = type.hasStaticShape() ? type.getNumElements() : ShapedType::kDynamic;
    auto flatType = RankedTensorType::get({count}, type.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, value, allDims(type.getRank()));
  }
  if (target.getRank() == 1)
    return flat.getType() == target ? flat : tensor::CastOp::create(b, loc, target, flat);
  // tessel.reshape keeps each dynamic dimension: the result's k-th takes the
  // size of the input's k-th.
  SmallVector<OpFoldResult> sizes;
  SmallVector<int64_t> dynamicDims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicDims.push_back(d);
  for (int64_t d = 0, k = 0; d < target.getRank(); ++d)
    sizes.push_back(target.isDynamicDim(d)
                        ? OpFoldResult(dimSize(b, loc, value, dynamicDims[k++]))
                        : OpFoldResult(b.getIndexAttr(target.getDimSize(d))));
  return tensor::ExpandShapeOp::create(b, loc, target, flat, allDims(target.getRank()), sizes);
}

static SmallVector<ReassociationIndices> leadingGroups(int64_t rank) {
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t i = 0; i + 1 < rank; ++i)
    groups.back().push_back(i);
  groups.push_back({rank - 1});
  return groups;
}

Value collapseLeadingDims(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 2)
    return value;
  if (type.getRank() < 2) // [K] -> [1, K]
    return reshapeTensor(b, loc, value, {1, type.getDimSize(0)});
  return tensor::CollapseShapeOp::create(b, loc, value, leadingGroups(type.getRank()));
}

Value expandLeadingDims(OpBuilder &b, Location loc, Value value, RankedTensorType type,
                        Value like) {
  if (type.getRank() == 2)
    return value;
  if (type.getRank() < 2)
    return reshapeTensor(b, loc, value, type.getShape());
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i + 1 < type.getRank(); ++i)
    sizes.push_back(type.isDynamicDim(i) ? OpFoldResult(dimSize(b, loc, like, i))
                                         : OpFoldResult(b.getIndexAttr(type.getDimSize(i))));
  sizes.push_back(b.getIndexAttr(type.getShape().back()));
  return tensor::ExpandShapeOp::create(b, loc, type, value, leadingGroups(type.getRank()), sizes);
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
    if (!ShapedType::isDynamic(shape[lead + i]))
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
  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(axes, i) && type.isDynamicDim(i))
      dynamicSizes.push_back(dimSize(b, loc, input, i));
  Value empty = tensor::EmptyOp::create(b, loc, resultType, dynamicSizes);
  Value acc = linalg::FillOp::create(b, loc, init, empty).getResult(0);
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
