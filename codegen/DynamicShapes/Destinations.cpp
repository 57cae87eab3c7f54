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
  if (auto call = dyn_cast<func::CallOp>(def); call && call->hasAttr(kDestinationResultsAttr))
    return &call->getOpOperand(call.getNumOperands() - call.getNumResults() +
                               result.getResultNumber());
  return nullptr;
}

Value computeInto(OpBuilder &b, Location loc, Value value, Value dest) {
  for (OpOperand *use = destinationOf(value); use; use = destinationOf(use->get())) {
    if (use->get().getType() != dest.getType())
      break;
    if (use->get().getDefiningOp<tensor::EmptyOp>()) {
      use->set(dest);
      return value;
    }
  }
  return bufferization::MaterializeInDestinationOp::create(b, loc, value, dest).getResult();
}

} // namespace tessel
