//===- Destinations.h - Computing a value into a destination ---*- C++ -*-===//
#ifndef TESSEL_CODEGEN_DYNAMICSHAPES_DESTINATIONS_H
#define TESSEL_CODEGEN_DYNAMICSHAPES_DESTINATIONS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace tessel {

/// Makes `value` be computed in `dest` (a destination argument of the same
/// type) and returns what to return for it. Where `value`'s destination
/// chain (the tied init of destination-style ops, an scf.for's init, a kernel
/// call's destination) starts at a tensor.empty, that use becomes `dest`, and
/// `value` itself is returned: bufferization then computes it in the
/// argument's buffer. Otherwise (a value read from elsewhere, an input
/// returned as it is) a bufferization.materialize_in_destination copies it.
/// (Upstream eliminate-empty-tensors would do the first on a
/// materialization, but leaves an in-place materialization of a loop result
/// that one-shot bufferization then rejects as a read-after-write conflict.
/// It still runs after this, for the tensor.empty a loop body's op computes
/// into before tensor.insert_slice puts it in the loop's tensor: the batch
/// loops' samples then compute straight into their slice of the output.)
mlir::Value computeInto(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                        mlir::Value dest);

} // namespace tessel

#endif // TESSEL_CODEGEN_DYNAMICSHAPES_DESTINATIONS_H
