//===- Destinations.cpp ---------------------------------------------------===//
#include "codegen/DynamicShapes/Destinations.h"
#include "codegen/DynamicShapes/RunTimeSizes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

namespace tessel {

/// The operand `value` is computed into (its tied destination), if any.
static OpOperand *destinationOf(Value value) {
  auto result = dyn_cast<OpResult>(value);
  if (!result)
    return nullptr;
  Operation *def = result.getOwner();
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
    return dps.getDpsInitOperand(result.getResultNumber());
  if (auto loop = dyn_cast<scf::ForOp>(def))
    return &loop.getInitArgsMutable()[result.getResultNumber()];
  if (auto branch = dyn_cast<scf::IfOp>(def); branch && branch.elseBlock()) {
    // One branch yields a value as it is, the other updates it (a tile of
    // the remainder rows, where there are any): that value is the
    // destination of both.
    unsigned i = result.getResultNumber();
    auto updates = [&](Value updated, Value original) {
      for (OpOperand *use = destinationOf(updated); use; use = destinationOf(use->get()))
        if (use->get() == original)
          return true;
      return false;
    };
    OpOperand &thenValue = branch.thenYield()->getOpOperand(i);
    OpOperand &elseValue = branch.elseYield()->getOpOperand(i);
    if (updates(thenValue.get(), elseValue.get()))
      return &elseValue;
    if (updates(elseValue.get(), thenValue.get()))
      return &thenValue;
    return nullptr;
  }
  if (auto call = dyn_cast<func::CallOp>(def); call && call->hasAttr(kDestinationResultsAttr))
    return &call->getOpOperand(call.getNumOperands() - call.getNumResults() +
                               result.getResultNumber());
  return nullptr;
}

/// The use of a tensor.empty of type `type` that starts `value`'s
/// destination chain, if any.
static OpOperand *emptyDestination(Value value, Type type) {
  for (OpOperand *use = destinationOf(value); use; use = destinationOf(use->get())) {
    if (use->get().getType() != type)
      return nullptr;
    if (use->get().getDefiningOp<tensor::EmptyOp>())
      return use;
  }
  return nullptr;
}

Value computeInto(OpBuilder &b, Location loc, Value value, Value dest) {
  if (OpOperand *use = emptyDestination(value, dest.getType())) {
    use->set(dest);
    return value;
  }
  // A result reshaped at the end (a linear layer computes its [B*S, N] rows
  // and returns [B, S, N]): computed into the same reshape of `dest`, a view
  // of its buffer, rather than into a buffer of its own then copied.
  if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>()) {
    if (OpOperand *use = emptyDestination(expand.getSrc(), expand.getSrcType())) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfterValue(dest);
      auto collapsed =
          tensor::CollapseShapeOp::create(b, loc, dest, expand.getReassociationIndices());
      if (collapsed.getType() == expand.getSrcType()) {
        use->set(collapsed);
        return value;
      }
      collapsed.erase();
    }
  }
  return bufferization::MaterializeInDestinationOp::create(b, loc, value, dest).getResult();
}

} // namespace tessel
