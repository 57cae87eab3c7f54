//===- RunTimeSizes.cpp ---------------------------------------------------===//
#include "codegen/DynamicShapes/RunTimeSizes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace tessel {

FailureOr<Value> RunTimeSizes::sizeOfDim(OpBuilder &b, Location loc, Value tensor, int64_t dim) {
  auto type = dyn_cast<RankedTensorType>(tensor.getType());
  if (!type || dim < 0 || dim >= type.getRank())
    return failure();
  if (!type.isDynamicDim(dim))
    return Value(arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim)));
  auto key = std::make_pair(tensor, dim);
  if (auto it = sizes.find(key); it != sizes.end())
    return it->second;

  FailureOr<Value> size = failure();
  Operation *def = tensor.getDefiningOp();
  auto result = dyn_cast<OpResult>(tensor);
  if (!def) {
    size = leaf(b, loc, tensor, dim);
  } else if (auto empty = dyn_cast<tensor::EmptyOp>(def)) {
    size = rebuild(b, empty.getDynamicSize(dim));
  } else if (auto call = dyn_cast<func::CallOp>(def)) {
    if (call->hasAttr(kDestinationResultsAttr))
      size = sizeOfDim(b, loc,
                       call.getOperand(call.getNumOperands() - call.getNumResults() +
                                       result.getResultNumber()),
                       dim);
  } else if (auto dps = dyn_cast<DestinationStyleOpInterface>(def)) {
    size = sizeOfDim(b, loc, dps.getDpsInitOperand(result.getResultNumber())->get(), dim);
  } else if (auto castOp = dyn_cast<tensor::CastOp>(def)) {
    // A cast changes what is known of a size, never the size.
    size = sizeOfDim(b, loc, castOp.getSource(), dim);
  } else if (auto loop = dyn_cast<scf::ForOp>(def)) {
    // A loop-carried tensor keeps its type, and its shape with it.
    size = sizeOfDim(b, loc, loop.getInitArgs()[result.getResultNumber()], dim);
  } else if (auto branch = dyn_cast<scf::IfOp>(def)) {
    // Both branches must yield the same size (as one computation).
    unsigned i = result.getResultNumber();
    if (!branch.elseBlock())
      return failure();
    FailureOr<Value> then = sizeOfDim(b, loc, branch.thenYield().getOperand(i), dim);
    FailureOr<Value> other = sizeOfDim(b, loc, branch.elseYield().getOperand(i), dim);
    if (succeeded(then) && succeeded(other) && *then == *other)
      size = *then;
  } else if (isa<ReifyRankedShapedTypeOpInterface>(def)) {
    // The op states its result shape in terms of its operands, built next
    // to it; that expression is then rebuilt here.
    OpBuilder at(def);
    FailureOr<OpFoldResult> reified =
        reifyDimOfResult(at, def, result.getResultNumber(), dim);
    if (succeeded(reified)) {
      if (auto attr = dyn_cast<Attribute>(*reified))
        size = Value(
            arith::ConstantIndexOp::create(b, loc, cast<IntegerAttr>(attr).getInt()));
      else
        size = rebuild(b, cast<Value>(*reified));
    }
  }
  if (succeeded(size))
    sizes[key] = *size;
  return size;
}

FailureOr<Value> RunTimeSizes::rebuild(OpBuilder &b, Value value) {
  if (auto it = rebuilt.find(value); it != rebuilt.end())
    return it->second;
  Operation *def = value.getDefiningOp();
  if (!def)
    return failure(); // An index argument or induction variable: not a size.
  FailureOr<Value> result = failure();
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    if (std::optional<int64_t> index = dim.getConstantIndex())
      result = sizeOfDim(b, def->getLoc(), dim.getSource(), *index);
  } else if (auto extract = dyn_cast<tensor::ExtractOp>(def)) {
    SmallVector<Value> indices;
    for (Value index : extract.getIndices()) {
      FailureOr<Value> rebuiltIndex = rebuild(b, index);
      if (failed(rebuiltIndex))
        return failure();
      indices.push_back(*rebuiltIndex);
    }
    result = element(b, def->getLoc(), extract.getTensor(), indices);
  } else if (def->getNumRegions() == 0 && isMemoryEffectFree(def) &&
             isa<arith::ArithDialect, affine::AffineDialect, math::MathDialect>(
                 def->getDialect()) &&
             llvm::all_of(def->getOperandTypes(),
                          [](Type t) { return t.isIntOrIndexOrFloat(); })) {
    IRMapping mapping;
    for (Value operand : def->getOperands()) {
      FailureOr<Value> rebuiltOperand = rebuild(b, operand);
      if (failed(rebuiltOperand))
        return failure();
      mapping.map(operand, *rebuiltOperand);
    }
    result = b.clone(*def, mapping)->getResult(cast<OpResult>(value).getResultNumber());
  }
  if (succeeded(result))
    rebuilt[value] = *result;
  return result;
}

FailureOr<Value> RunTimeSizes::element(OpBuilder &b, Location loc, Value tensor,
                                       ValueRange indices) {
  auto type = dyn_cast<RankedTensorType>(tensor.getType());
  if (!type || !type.hasStaticShape() || (int64_t)indices.size() != type.getRank())
    return failure();
  if (isa<BlockArgument>(tensor))
    return elementLeaf ? elementLeaf(b, loc, tensor, indices) : FailureOr<Value>(failure());
  // Where the element is known at compile time: its row-major position.
  std::optional<int64_t> position = 0;
  for (auto [index, size] : llvm::zip(indices, type.getShape())) {
    std::optional<int64_t> i = getConstantIntValue(index);
    if (!i || *i < 0 || *i >= size || !position) {
      position = std::nullopt;
      break;
    }
    *position = *position * size + *i;
  }
  Operation *def = tensor.getDefiningOp();
  if (auto elements = dyn_cast_or_null<tensor::FromElementsOp>(def))
    return position ? rebuild(b, elements.getElements()[*position]) : FailureOr<Value>(failure());
  DenseElementsAttr values;
  if (def && position && matchPattern(def->getResult(0), m_Constant(&values)))
    return Value(arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(values.getValues<Attribute>()[*position])));
  return failure();
}

} // namespace tessel
