//===- ShapeArithmetic.h - Shape vectors computed at run time ---*- C++ -*-===//
//
// Exporters compute Reshape targets (and Expand shapes, Slice bounds...) from
// the run-time sizes of tensors: Shape -> Gather / Slice -> Unsqueeze ->
// Concat (-> Mul / Div / Cast) -> Reshape. With static shapes all of it folds
// to constants at import. With dynamic dimensions it is *shape arithmetic*:
// ops on small integer vectors that depend on tessel.shape / tessel.size.
// Such ops are not kernels: they stay in the model's main function
// (tessel-outline-kernels) and lower to scalar index arithmetic, so that the
// sizes they compute are ordinary SSA values that the dynamic-shape passes
// (RunTimeSizes) rebuild in callers and in the model's shape function.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_SHAPE_ARITHMETIC_H
#define TESSEL_SHAPE_ARITHMETIC_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace tessel {

/// Shape vectors hold at most this many elements (a shape has one per
/// dimension; 64 leaves room for concatenated pieces).
constexpr int64_t kShapeVectorElements = 64;

/// A static tensor of rank 0 or 1 with at most kShapeVectorElements integer
/// (or f32/f64, for scale arithmetic) elements.
bool isShapeVectorType(mlir::Type type);

/// True for tessel.shape and tessel.size of a tensor with a dynamic
/// dimension, and for the ops that compute on their results: gather,
/// concat, slice, reshape, cast and elementwise ops whose operands and
/// results are all shape vectors and one operand is shape arithmetic.
bool isShapeArithmetic(mlir::Operation *op);

/// True if `value` is a shape vector computed from constants, the run-time
/// sizes of tensors and shape inputs only (never from other tensor data):
/// what the model's shape function can compute before a run.
bool isSizeComputation(mlir::Value value);

/// True for an argument of a function marked tessel.shape_input (the
/// graph input's values set sizes; ModelAttributes.h).
bool isShapeInput(mlir::Value value);

/// If `value` is a shape vector computed through ops on shape vectors from
/// constants, run-time sizes and graph inputs of shape-vector type, with at
/// least one graph input among them: marks those inputs as shape inputs and
/// returns true (isSizeComputation holds from then on). False, marking
/// nothing, otherwise.
bool markShapeInputs(mlir::Value value);

/// The entries of the int64 vector `shape` that are known at compile time
/// (std::nullopt for the others), looking through constants, tessel.shape
/// of static dimensions, concat, slice, gather by constant indices and
/// reshapes of vectors.
llvm::SmallVector<std::optional<int64_t>> knownShapeEntries(mlir::Value shape);

/// The static result shape of ONNX Reshape of a tensor of shape `input` to
/// `entries` (knownShapeEntries): known entries stay, 0 copies the input's
/// dimension (unless allowZero), -1 is inferred where everything else is
/// static; the rest is dynamic.
llvm::SmallVector<int64_t> computedReshapeShape(llvm::ArrayRef<int64_t> input,
                                                llvm::ArrayRef<std::optional<int64_t>> entries,
                                                bool allowZero);

} // namespace tessel

#endif // TESSEL_SHAPE_ARITHMETIC_H
