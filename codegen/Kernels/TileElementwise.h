//===- TileElementwise.h - Elementwise ops fused into a kernel's C tile ---===//
//
// A convolution or linear layer lowers to three loop nests on buffers: an
// elementwise nest that writes C's initial value (bias, residual), the
// contraction, and an elementwise nest that applies the activation. Run
// separately, the first and last are each a full pass over C in memory; for
// the memory-bound layers of a CNN they cost as much as the contraction.
// The kernel instead evaluates them on each C tile in registers: the
// prologue where it would load the tile first, the epilogue where it would
// store it last. This file finds such neighbours and evaluates their bodies
// on vectors.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_KERNELS_TILE_ELEMENTWISE_H
#define TESSEL_CODEGEN_KERNELS_TILE_ELEMENTWISE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace tessel {

/// An elementwise linalg.generic (or a linalg.fill of C) over C's index
/// space, evaluated per tile.
struct TileElementwise {
  mlir::Operation *op = nullptr;
  /// The input that reads C (epilogue), or -1 (prologue: it writes C).
  int64_t cInput = -1;
  /// A prologue that updates C in place from its current value (its body
  /// reads its out value: attention's rescaling acc * alpha before the
  /// block's products accumulate into acc). The kernel loads the C tile and
  /// evaluates the body on it.
  bool readsC = false;

  explicit operator bool() const { return static_cast<bool>(op); }
  /// Where the epilogue writes (the prologue writes C itself).
  mlir::Value output() const {
    return mlir::cast<mlir::DestinationStyleOpInterface>(op).getDpsInits()[0];
  }

  /// The body's value for the `count` elements (of a vector of `lanes`)
  /// starting at C indices `cIndices`; `cValue` is C's vector there
  /// (an epilogue, or a prologue that reads C). Inputs are read as vectors along C's innermost index
  /// or as broadcast scalars; lanes past `count` are zero-filled.
  mlir::Value evaluate(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange cIndices,
                       int64_t count, int64_t lanes, mlir::Value cValue) const;
};

/// The op right before `contraction` when it fills C or writes all of C
/// elementwise, from its other inputs and possibly C's own value at the same
/// element, so that its value can be computed per tile.
TileElementwise matchPrologue(mlir::linalg::GenericOp contraction);

/// The op right after `contraction` when it reads C elementwise and C, a
/// local buffer, has no other reader, so that the kernel can write the
/// op's output directly.
TileElementwise matchEpilogue(mlir::linalg::GenericOp contraction);

} // namespace tessel

#endif // TESSEL_CODEGEN_KERNELS_TILE_ELEMENTWISE_H
