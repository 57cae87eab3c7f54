//===- KernelConfig.h - Per-op codegen strategy ---------------------------===//
//
// The one place where tile sizes are chosen. tessel-select-kernel-config
// attaches a `#tessel.kernel_config` attribute to every contraction it can
// lower with the register-blocked outer-product kernel; the kernel generator
// only reads it. The sizes derive from the target description alone.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_KERNELS_KERNEL_CONFIG_H
#define TESSEL_CODEGEN_KERNELS_KERNEL_CONFIG_H

#include "codegen/Kernels/ContractionAnalysis.h"
#include "codegen/Target/TargetDescription.h"
#include "dialects/Tessel/TesselDialect.h"

namespace tessel {

inline constexpr llvm::StringLiteral kKernelConfigAttrName = "tessel.kernel_config";

struct KernelConfig {
  /// Float32 lanes per vector register.
  int64_t lanes = 8;
  /// Register tile: `rows` of C (broadcasts of A) by `vectors` vector
  /// registers of C's columns; rows * vectors accumulators stay in registers.
  int64_t rows = 1, vectors = 1;
  /// Reduction block of the outermost reduction loop (0: unblocked), so that
  /// the B panel one register tile streams stays in L1 while the row tiles
  /// sweep it.
  int64_t reductionBlock = 0;
  /// Rows of C per block (0: all), a multiple of `rows`, so that the A rows
  /// of one reduction block stay in half of L2 while the column tiles sweep
  /// them.
  int64_t rowBlock = 0;
  /// Columns of C per block (0: all), a multiple of lanes * vectors, so
  /// that the C block a row block accumulates over all reduction blocks stays
  /// in half of L2 instead of streaming through memory once per block.
  int64_t columnBlock = 0;
  /// Copy the B panel of each column tile (one reduction block of it) into a
  /// contiguous, zero-padded scratch panel first; the row tiles then read
  /// full vectors from it.
  bool packB = false;
  /// Copy the A elements of each row block (one reduction block of it) into
  /// [tile][step][row] order first, so that a row tile's broadcasts read one
  /// contiguous stream instead of `rows` streams a row apart (which, 4 KiB
  /// apart, share one L1 set with the B panel). Worth it where many column
  /// tiles reuse the block.
  bool packA = false;
  /// Keep A stationary: row blocks outermost, then reduction blocks, and
  /// only inside those the outer loops and column tiles. Where A is the
  /// same for every outer iteration and too big for L2 (the filters of a
  /// convolution on a small feature map), the default order would stream
  /// all of A from memory once per output row; this one reads each A block
  /// from memory once, packs it, and sweeps every output row against it.
  bool stationaryA = false;
  /// The register tile's vectors are consecutive iterations of the innermost
  /// outer loop (output rows), each over all of C's columns, rather than
  /// consecutive runs of columns: for rows no wider than one vector (7x7
  /// maps), where one vector per tile would cost a broadcast per FMA. Only
  /// with a stationary A, whose order runs the outer loops inside the tiles'
  /// blocks.
  bool foldOuter = false;
  /// Which loop runs its iterations on the thread pool: none, the outermost
  /// parallel loop outside the tiles (a convolution's output rows, a batch),
  /// the column tiles, the row blocks (stationary A, or few column tiles),
  /// or the column blocks (matrix-vector products in reduction blocks).
  /// Each iteration writes its own part of C, with the same arithmetic in
  /// the same order whatever the thread count.
  using Parallel = ParallelLoop;
  Parallel parallel = Parallel::None;

  int64_t columns() const { return lanes * vectors; }
  /// The attribute, which verifies the combination (KernelConfigAttr::verify).
  KernelConfigAttr toAttr(mlir::MLIRContext *ctx) const;
  static KernelConfig fromAttr(KernelConfigAttr attr);
};

/// The target-dependent choices made outside the per-contraction config,
/// while lowering to linalg and tiling on tensors, and the thresholds the
/// config shares with them: all derived here from the target description,
/// so that no pass holds a size of its own. Measured on AVX2 (docs/pipeline.md,
/// "Code generation for the CPU"); the AVX-512 values follow the same rules
/// and were not measured on an AVX-512 host.
struct LoweringStrategy {
  /// Float32 lanes of the vectors kernels use: the target's full width.
  int64_t lanes = 8;
  /// Vectors of C per register-tile row: two with 16 registers (6 x 2
  /// accumulators on AVX2), four with 32 (6 x 4 on AVX-512), enough
  /// independent FMAs to cover the FMA latency times the FMA units.
  int64_t tileVectors = 2;
  /// Columns of a full register tile (16 on AVX2, 64 on AVX-512). A
  /// convolution whose output rows are ragged against it is lowered over
  /// its flattened output pixels (NNLowering: isPointwise, hasRaggedRows).
  int64_t tileColumns() const { return lanes * tileVectors; }
  /// Attention's blocks (FusedLowering): 32 keys, and up to 256 query rows
  /// (so that each key block's rescaling is shared by many rows) as long as
  /// one block of scores fits in L1 (256 x 32 floats: 32 KiB).
  int64_t attentionQueryBlock = 256, attentionKeyBlock = 32;
  /// Bytes of padded input planes one depthwise-convolution tile holds
  /// (tessel-tile-depthwise-channels): an eighth of L2, so that the tile's
  /// padded input stays in L2 beside its output.
  int64_t depthwiseTileBytes = 64 * 1024;
  /// Contractions below this many multiply-adds run on one thread: a fork
  /// and join of the pool costs several microseconds, which a small model's
  /// dozens of small kernels would pay again and again. 2^17 cycles of the
  /// core's FMAs (2^21 on AVX2 with two FMA units: about 50 us at the peak).
  int64_t parallelMinMacs = int64_t(1) << 21;
  /// A contraction with one dynamic loop (tessel-tile-dynamic-contractions)
  /// runs as static tiles of this many iterations of it, then at most one
  /// tile of each smaller size of dynamicTiles(), then one zero-padded
  /// tile of dynamicMinTile: full register tiles everywhere, under
  /// dynamicMinTile iterations of waste. The largest is a static kernel's
  /// row block for a long reduction (half of L2 over the A rows of one
  /// reduction block of half of L1: 256 rows on AVX2's 16-column tiles),
  /// so that its B panels are packed once per block as they are in the
  /// static kernel. The smallest covers the register tile's 6 rows.
  int64_t dynamicTile = 256, dynamicMinTile = 8;
  /// The tile sizes, largest first: the powers of two from dynamicTile down
  /// to dynamicMinTile, and between two of them from 192 rows up the size
  /// halfway (768, 384, 192): each tile sweeps the weights once, so 384 rows
  /// (BERT at 384) run as one tile, as the static kernel does, not as 256 +
  /// 128 (two sweeps of 9 MB of weights: +9% on the layer, AVX-512).
  llvm::SmallVector<int64_t> dynamicTiles() const {
    llvm::SmallVector<int64_t> tiles;
    for (int64_t size = dynamicTile; size >= dynamicMinTile; size /= 2) {
      tiles.push_back(size);
      if (size / 4 * 3 >= 192 && size / 2 >= dynamicMinTile)
        tiles.push_back(size / 4 * 3);
    }
    return tiles;
  }
  /// Other structured ops (elementwise chains, norms, copies) below this
  /// many iterations run on one thread (tessel-parallelize-loops).
  int64_t parallelMinIterations = 131072;
};

/// The strategy for `target`.
LoweringStrategy selectLoweringStrategy(const TargetDescription &target);
/// The strategy for the target of the module `op` is in, or failure after
/// an error on `op` (getTargetOrEmitError).
mlir::FailureOr<LoweringStrategy> getLoweringStrategyOrEmitError(mlir::Operation *op);

/// The register tile for `roles` on `target`: as many accumulators as the
/// vector registers hold beside one B row and one broadcast.
KernelConfig selectKernelConfig(const ContractionRoles &roles, const TargetDescription &target);

/// The layout a constant operand is stored in at compile time (see
/// tessel-pack-constant-operands), tiled along loop `dim` in tiles of
/// `tile`: [tile][reduction loops...][element of the tile], zero past the
/// loop's end. For A, tiled along m by the register tile's rows: each
/// tile's A elements are one contiguous stream in the order the kernel
/// broadcasts them, the stream a run-time packed A panel would hold. For
/// B, tiled along n by the register tile's columns: each column tile's
/// rows, the B panel a run-time packing would build. The indexing map from
/// the contraction's loops into that layout:
///   (dim floordiv tile, r0, r1, ..., dim mod tile).
mlir::AffineMap packedMap(const ContractionRoles &roles, int64_t dim, int64_t tile,
                          mlir::MLIRContext *ctx);
/// The shape of that layout.
llvm::SmallVector<int64_t> packedShape(const ContractionRoles &roles, int64_t dim, int64_t tile);

/// A's layout: tiled along m (needs roles.m >= 0) by `rows`.
inline mlir::AffineMap packedAMap(const ContractionRoles &roles, int64_t rows,
                                  mlir::MLIRContext *ctx) {
  return packedMap(roles, roles.m, rows, ctx);
}
inline llvm::SmallVector<int64_t> packedAShape(const ContractionRoles &roles, int64_t rows) {
  return packedShape(roles, roles.m, rows);
}

} // namespace tessel

#endif // TESSEL_CODEGEN_KERNELS_KERNEL_CONFIG_H
