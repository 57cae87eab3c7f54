//===- ContractionAnalysis.h - Roles of a contraction's loops -------------===//
//
// Matmuls, linear layers, batched matmuls and convolutions all lower to one
// linalg.generic of the form  C[out] += A[..] * B[..]  (float32, mulf then
// addf). The register-blocked kernel computes a tile of C as an outer
// product per reduction step: a column of A broadcast against a row of B held
// in vector registers. This analysis assigns the loops those roles:
//
//   n   the vectorized loop: C's innermost index, read by B in its innermost
//       index (contiguously when its coefficient is 1, else with a stride)
//       and not read by A at all;
//   m   the register-row loop (optional): a parallel loop of C that A reads
//       and B does not, so each A element is broadcast against a B row;
//   outer the remaining parallel loops, reductions the reduction loops.
//
// A convolution's n is the output width (B = the input image, read at
// ow*stride + kw*dilation), its m the output channel (A = the filters); a
// matmul's n and m are its columns and rows.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_KERNELS_CONTRACTION_ANALYSIS_H
#define TESSEL_CODEGEN_KERNELS_CONTRACTION_ANALYSIS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace tessel {

struct ContractionRoles {
  /// Input operand numbers of A (broadcast) and B (vectors).
  unsigned a = 0, b = 1;
  /// The register-row loop, or -1 where no loop qualifies.
  int64_t m = -1;
  /// The vectorized loop and its coefficient in B's innermost index.
  int64_t n = -1, nStride = 1;
  /// B's indices depend on n other than through a positive coefficient in
  /// the innermost one (a convolution over flattened output pixels reads
  /// (p floordiv OW) * s + kh, (p mod OW) * s + kw), but every index is a
  /// sum of a term in n alone and a term free of n: B's vectors are gathers
  /// at per-lane offsets that depend on the column alone (nStride is 0).
  bool nGathered = false;
  /// A gathered B that reads rows of W elements s apart: its innermost
  /// index is (n mod W) * s plus terms free of n, the one before it
  /// (n floordiv W) * a plus such terms, no other reads n. A vector of
  /// columns is then at most a few runs, each within one row of B. 0 where
  /// not so.
  int64_t nRowLength = 0, nRowStride = 0;
  llvm::SmallVector<int64_t> outer, reductions;
  /// Whether A depends on an outer loop. Where it does not (a convolution's
  /// filters against its output rows and images), every outer iteration
  /// reads all of A again.
  bool aReadsOuter = false;
  /// Static trip count of every loop.
  llvm::SmallVector<int64_t> ranges;

  int64_t rows() const { return m < 0 ? 1 : ranges[m]; }
  int64_t columns() const { return ranges[n]; }
  /// Multiply-adds of the whole contraction.
  int64_t macs() const;
};

/// The roles of `op`'s loops, or failure where `op` is not a float32
/// multiply-accumulate on buffers with static shapes whose C and B are
/// contiguous along n.
mlir::FailureOr<ContractionRoles> analyzeContraction(mlir::linalg::GenericOp op);

/// True when the body is `yield(addf(out, mulf(in0, in1)))` in any operand
/// order (on tensors or buffers).
bool isMultiplyAccumulate(mlir::linalg::GenericOp op);

/// The coefficient of loop `dim` in `expr` when `expr` is affine in it
/// (0 where it does not occur), or nullopt (floordiv, mod, products of loops).
std::optional<int64_t> linearCoefficient(mlir::AffineExpr expr, unsigned dim);

} // namespace tessel

#endif // TESSEL_CODEGEN_KERNELS_CONTRACTION_ANALYSIS_H
