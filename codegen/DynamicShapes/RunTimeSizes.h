//===- RunTimeSizes.h - Sizes of dynamic dimensions as code -----*- C++ -*-===//
//
// The passes that give dynamic shapes a run-time form (kernel destinations,
// the model's shape function) all ask one question: which computation, built
// at some point of the IR, yields dimension d of tensor t? The answer walks
// t's definition: a static size is a constant; a tensor.empty names its
// sizes; a destination-style op (linalg, tensor.insert_slice, a kernel call
// with destinations) has its destination's; an op that can reify its result
// shape (reshapes, pads, slices) says it in terms of its operands; what is
// left (a function argument) is a leaf that the caller resolves. The index
// arithmetic between (arith, affine.apply, and the float arithmetic of
// scales and Range bounds) is rebuilt at the insertion point.
// (Divisions included, though not speculatable: the model's main function is
// straight-line code, so a size it computes was computed on every run, and
// shape arithmetic guards its divisors: ComputedReshapeLowering.)
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_DYNAMICSHAPES_RUNTIMESIZES_H
#define TESSEL_CODEGEN_DYNAMICSHAPES_RUNTIMESIZES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace tessel {

/// Builds (at the builder's insertion point) dimension `dim` of a tensor
/// that sizeOfDim cannot see through: a block argument, typically. Returns
/// failure where it has no answer.
using DimLeafFn = llvm::function_ref<mlir::FailureOr<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::Value tensor, int64_t dim)>;

/// Marks a func.call whose trailing operands are the destinations of its
/// results (result i is written into operand numOperands - numResults + i),
/// as tessel-kernel-destinations makes them.
inline constexpr llvm::StringLiteral kDestinationResultsAttr = "tessel.destination_results";
/// Marks a function whose trailing arguments are the destinations of its
/// results, one per result in order (tessel-kernel-destinations,
/// tessel-build-shape-function); tessel-drop-destination-results removes
/// those results once bufferization has made them the arguments' buffers.
inline constexpr llvm::StringLiteral kDestinationsAttr = "tessel.destinations";

/// Builds element `indices` of a tensor argument that `rebuild` reads a size
/// from (a kernel's shape-vector operand, say); failure where its data is
/// not available (the model's shape function cannot read tensor data).
using ElementLeafFn = llvm::function_ref<mlir::FailureOr<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::Value tensor, mlir::ValueRange indices)>;

class RunTimeSizes {
public:
  RunTimeSizes(DimLeafFn leaf, ElementLeafFn elementLeaf = nullptr)
      : leaf(leaf), elementLeaf(elementLeaf) {}

  /// The size of dimension `dim` of `tensor`, built at b's insertion point.
  /// Fails where it depends on something other than the leaves and index
  /// arithmetic (tensor data, say).
  mlir::FailureOr<mlir::Value> sizeOfDim(mlir::OpBuilder &b, mlir::Location loc,
                                         mlir::Value tensor, int64_t dim);

  /// `value` (index or integer arithmetic over tensor.dim, constants and
  /// affine.apply) rebuilt at b's insertion point, each tensor.dim through
  /// sizeOfDim, each tensor.extract through element. Fails on anything else.
  mlir::FailureOr<mlir::Value> rebuild(mlir::OpBuilder &b, mlir::Value value);

  /// Element `indices` (values rebuilt already) of `tensor`, rebuilt at b's
  /// insertion point: an element of a tensor.from_elements or of a constant,
  /// or of an argument (the element leaf). Shape vectors reach kernels this
  /// way (a Range's limit, an Expand's shape).
  mlir::FailureOr<mlir::Value> element(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value tensor, mlir::ValueRange indices);

private:
  DimLeafFn leaf;
  ElementLeafFn elementLeaf;
  llvm::DenseMap<mlir::Value, mlir::Value> rebuilt;
  llvm::DenseMap<std::pair<mlir::Value, int64_t>, mlir::Value> sizes;
};

} // namespace tessel

#endif // TESSEL_CODEGEN_DYNAMICSHAPES_RUNTIMESIZES_H
