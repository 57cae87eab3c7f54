//===- KernelConfig.cpp ---------------------------------------------------===//
#include "codegen/Kernels/KernelConfig.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace tessel {

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The shortest run of a B row a matrix-vector product's thread should read
/// at a time: two pages, which the hardware prefetchers follow.
static constexpr int64_t kMinRowStreamBytes = 8192;

/// Row blocks for the threads to share out: at most the half-L2 row block
/// already chosen, and at least 8 blocks where there are tiles for them, so
/// that they split evenly. 0: one block.
static int64_t sharedRowBlock(const ContractionRoles &roles, const KernelConfig &config) {
  int64_t tiles = ceilDiv(roles.rows(), config.rows);
  int64_t maxTiles = config.rowBlock ? config.rowBlock / config.rows : tiles;
  int64_t perBlock = std::min(maxTiles, ceilDiv(tiles, 8));
  return perBlock < tiles ? perBlock * config.rows : 0;
}

LoweringStrategy selectLoweringStrategy(const TargetDescription &target) {
  LoweringStrategy s;
  s.lanes = target.f32Lanes();
  s.tileVectors = target.vectorRegisters >= 32 ? 4 : 2;
  s.attentionQueryBlock =
      std::clamp<int64_t>(target.l1Bytes / (s.attentionKeyBlock * 4), 16, 256);
  s.depthwiseTileBytes = target.l2Bytes / 8;
  s.parallelMinMacs = int64_t(target.fmaUnits) * s.lanes * (int64_t(1) << 17);
  // l2 / 2 / (l1 / 2 / (tile columns * 4 bytes) * 4 bytes) rows, a power of two.
  // (At most 1024: the halving levels below it each cost a kernel.)
  int64_t rowBlock = std::clamp<int64_t>(target.l2Bytes / target.l1Bytes * s.tileColumns(),
                                         s.dynamicMinTile, 1024);
  s.dynamicTile = int64_t(1) << llvm::Log2_64(rowBlock);
  return s;
}

FailureOr<LoweringStrategy> getLoweringStrategyOrEmitError(Operation *op) {
  FailureOr<TargetDescription> target = getTargetOrEmitError(op);
  if (failed(target))
    return failure();
  return selectLoweringStrategy(*target);
}

static KernelConfig selectKernelConfig(const ContractionRoles &roles,
                                       const TargetDescription &target, bool allowStationary) {
  LoweringStrategy strategy = selectLoweringStrategy(target);
  KernelConfig config;
  config.lanes = strategy.lanes;
  int64_t registers = target.vectorRegisters;
  int64_t maxVectors = ceilDiv(roles.columns(), config.lanes);

  // The reductions: the outermost one (k), which reduction blocks split,
  // and the steps of the others per step of it (inner).
  int64_t k = 1, inner = 1;
  if (!roles.reductions.empty()) {
    k = roles.ranges[roles.reductions.front()];
    for (int64_t d : llvm::drop_begin(roles.reductions))
      inner *= roles.ranges[d];
  }

  // Rows of C no wider than a vector (a 7x7 map) with an A that is the same
  // for every outer iteration but over half of L2 (the filters of such a
  // convolution): the default order would stream all of A from memory once
  // per output row, with one vector per register tile and so a broadcast
  // per FMA. Keep each A block stationary while all outer iterations sweep
  // it (KernelConfig::stationaryA), and give the register tile's vectors
  // consecutive output rows (KernelConfig::foldOuter). (On 14x14 maps and
  // up, whose rows fill two vectors, packing A in the stationary order
  // costs more than the default order loses: measured on ResNet-18.)
  int64_t foldRange = roles.outer.empty() ? 1 : roles.ranges[roles.outer.back()];
  bool stationary = allowStationary && !roles.aReadsOuter && roles.rows() > 1 &&
                    roles.columns() <= config.lanes && foldRange >= 2 &&
                    roles.rows() * k * inner * 4 > target.l2Bytes / 2;
  if (stationary) {
    config.foldOuter = true;
    maxVectors = foldRange;
  }

  // LoweringStrategy::tileVectors B vectors per step, with broadcasts to
  // spare.
  int64_t vectors = std::min<int64_t>(maxVectors, strategy.tileVectors);
  int64_t rows = std::min<int64_t>((registers - vectors - 1) / vectors, 16);
  if (roles.rows() < rows) {
    // Few rows (a GEMV, a small batch): spend the registers on columns.
    rows = roles.rows();
    vectors = std::clamp<int64_t>((registers - 1) / (rows + 1), 1, 4);
    vectors = std::min(vectors, maxVectors);
  } else {
    // As many row tiles as the register tile's height needs, each as short
    // as that count allows: 8 rows as 4 + 4 rather than 6 + a 2-row tile
    // that runs at a third of the FMA rate (U-Net's 8-filter 3x3
    // convolutions on 128x128: 0.322 -> 0.274 ms). Longer row counts keep
    // the full height (their ragged tile is a small share).
    int64_t tiles = ceilDiv(roles.rows(), rows);
    rows = ceilDiv(roles.rows(), tiles);
  }
  config.rows = std::max<int64_t>(rows, 1);
  config.vectors = vectors;

  // The B panel one column tile streams through the reductions is reused
  // by every row tile: pack it into a contiguous scratch panel (B's rows may
  // be 4 KiB apart and all fall in one L1 set; a strided convolution's are
  // gathered) and block the outermost reduction so the panel stays in
  // cache while the row tiles sweep it.
  bool reused = roles.rows() > config.rows;
  if (reused && !roles.reductions.empty()) {
    // The C tile goes to memory and back once per reduction block. Where
    // C's rows end in a partial vector (7-, 13-, 14-wide feature maps),
    // those are masked loads and stores, several times the cost of full
    // ones (vmaskmovps on AMD): there the blocks run as long as the B panel
    // fits in a quarter of L2, from where the kernel streams it as fast as
    // its FMAs consume it (3x3 convolutions on 7x7 and 14x14 maps: 12% and
    // 7% faster than with half of L1). Elsewhere half of L1, so that a
    // packed A's row block, which shrinks as the reduction block grows,
    // stays long (1024^3 MatMul: 7% slower with a quarter of L2).
    bool partialC = config.foldOuter ? roles.columns() < config.lanes
                                     : roles.columns() % config.lanes != 0;
    int64_t rowBytes = config.columns() * 4;
    int64_t budget = partialC ? target.l2Bytes / 4 : target.l1Bytes / 2;
    int64_t block = k;
    if (k * inner * rowBytes > budget) {
      block = std::max<int64_t>(budget / (inner * rowBytes), 1);
      while (block > 1 && k % block != 0) // No ragged last block.
        --block;
    }
    // A block this short would reload the C tile too often for its FMAs.
    if (block * inner >= 32 && block * inner * rowBytes <= budget) {
      config.packB = true;
      if (block < k)
        config.reductionBlock = block;
      // A's share of one reduction block: block * inner floats per row. Row
      // blocks keep it in half of L2 while the column tiles sweep it, at the
      // cost of packing each B panel once per row block. With one or two
      // column tiles (rows of C up to 32 wide) reading A from L3 again
      // costs less (AlexNet's 13x13 and ResNet-18's 14x14 convolutions: 10%
      // and 5% faster without row blocks, 28x28: 3%; 56x56 alike either way).
      int64_t columnTiles = ceilDiv(roles.columns(), config.columns());
      int64_t rowBlock = target.l2Bytes / 2 / (block * inner * 4) / config.rows * config.rows;
      // A gathered B panel (a convolution over flattened pixels) costs more
      // to pack than A costs to reread: no row blocks, each panel packed
      // once (3x3 convolution on 14x14: 2.66 -> 2.48 ms; 28x28 and 7x7
      // alike either way).
      if (rowBlock >= config.rows && rowBlock < roles.rows() &&
          (columnTiles > 2 || stationary) && !roles.nGathered)
        config.rowBlock = rowBlock;
      // Packing A costs one scalar copy per element per block: repaid where
      // at least 8 column tiles read the block.
      config.packA = columnTiles >= 8;

      if (stationary) {
        config.stationaryA = true;
        config.packA = true; // Every outer iteration and column tile reuses the block.
        config.columnBlock = 0;
        config.rowBlock = sharedRowBlock(roles, config);
      }
    }
  }
  // No row reuse (a matrix-vector product, batch-1 linear layers): the kernel
  // streams B once. Column tile after column tile over all of the reduction,
  // that is one stream per B row, 4 KiB or more apart, which the hardware
  // prefetchers do not follow. A short reduction block turns it around: a
  // block of rows is swept left to right, a few sequential streams, at the
  // cost of reloading the small C tile once per block.
  if (!reused && !roles.reductions.empty()) {
    if (k * inner * roles.columns() * 4 > target.l2Bytes) {
      int64_t block = std::min<int64_t>(16, k);
      while (block > 1 && k % block != 0)
        --block;
      if (block >= 8 && block < k)
        config.reductionBlock = block;
    }
  }
  // One-row tiles (depthwise convolutions, matrix-vector products) load a B
  // vector per FMA and run far below the FMA peak (7-12 GFLOP/s): their
  // multiply-adds take several times longer than parallelMinMacs assumes.
  int64_t parallelMinMacs =
      config.rows == 1 ? strategy.parallelMinMacs / 8 : strategy.parallelMinMacs;
  if (roles.macs() >= parallelMinMacs && config.stationaryA) {
    if (config.rowBlock)
      config.parallel = KernelConfig::Parallel::Rows;
  } else if (roles.macs() >= parallelMinMacs) {
    bool outer = llvm::any_of(roles.outer, [&](int64_t d) { return roles.ranges[d] >= 2; });
    if (outer) {
      config.parallel = KernelConfig::Parallel::Outer;
      // The packed A block is shared by the kernel's iterations: packed once
      // per row block on one thread (columns mode), it would be repacked
      // concurrently by each outer iteration here.
      config.packA = false;
    }
    else if (ceilDiv(roles.columns(), config.columns()) < 8 &&
             ceilDiv(roles.rows(), config.rows) >= 8) {
      // Few column tiles (a 1x1 convolution on a 7x7 map has 49 columns,
      // 3 full tiles and an edge), many rows: the column tiles would split
      // 2:1 between two threads, the edge on one; the row blocks split
      // evenly (MobileNetV2's 7x7 pointwise convolutions scaled 1.35x to 2
      // threads over columns).
      int64_t rowBlock = sharedRowBlock(roles, config);
      if (rowBlock) {
        config.parallel = KernelConfig::Parallel::Rows;
        config.rowBlock = rowBlock;
      }
    } else if (!reused && config.reductionBlock &&
               roles.columns() >= 2 * kMinRowStreamBytes / 4) {
      // A matrix-vector product in reduction blocks: parallel column tiles
      // inside each block would fork once per block (576 times for
      // AlexNet's 9216x4096 layer, each over 16 rows). Instead each thread
      // takes column blocks and sweeps its blocks' rows itself: up to 8
      // blocks, but each row's part of a block at least 8 KiB, a stream the
      // prefetchers follow across pages (with 2 KiB parts the 9216x4096
      // layer ran 10% slower at one thread). AlexNet at 2 threads: 18.9 ->
      // 17.1 ms.
      config.parallel = KernelConfig::Parallel::ColumnBlocks;
      int64_t tiles = ceilDiv(roles.columns(), config.columns());
      int64_t minTiles = ceilDiv(kMinRowStreamBytes / 4, config.columns());
      config.columnBlock = std::max(ceilDiv(tiles, 8), minTiles) * config.columns();
    } else if (roles.columns() >= 2 * config.columns()) {
      config.parallel = KernelConfig::Parallel::Columns;
    }
  }
  // C block: the row block's rows by columnBlock columns, so that the C
  // block accumulated over all reduction blocks stays in half of L2. Each
  // column block repacks the row block's A, though (scalar copies, on one
  // thread): with a packed A, streaming the C tiles through L3 once per
  // reduction block costs less as long as C fits in half of L3 (1024^3
  // MatMul, 1 thread: 25.2 ms with 256-column blocks, 24.3 ms without).
  int64_t cRows = config.rowBlock ? config.rowBlock : roles.rows();
  int64_t cBytes = cRows * roles.columns() * 4;
  bool blockColumns = !config.packA || roles.rows() * roles.columns() * 4 > target.l3Bytes / 2;
  if (config.packB && config.reductionBlock && !config.stationaryA &&
      cBytes > target.l2Bytes / 2 && blockColumns) {
    int64_t columnBlock = target.l2Bytes / 2 / (cRows * 4) / config.columns() * config.columns();
    if (columnBlock >= config.columns())
      config.columnBlock = columnBlock;
  }
  return config;
}

KernelConfig selectKernelConfig(const ContractionRoles &roles, const TargetDescription &target) {
  KernelConfig config = selectKernelConfig(roles, target, /*allowStationary=*/true);
  // Folded tiles need the stationary order, which needs packed panels.
  if (config.foldOuter && !config.stationaryA)
    return selectKernelConfig(roles, target, /*allowStationary=*/false);
  return config;
}

AffineMap packedMap(const ContractionRoles &roles, int64_t dim, int64_t tile, MLIRContext *ctx) {
  AffineExpr e = getAffineDimExpr(dim, ctx);
  SmallVector<AffineExpr> results{e.floorDiv(tile)};
  for (int64_t d : roles.reductions)
    results.push_back(getAffineDimExpr(d, ctx));
  results.push_back(e % tile);
  return AffineMap::get(roles.ranges.size(), 0, results, ctx);
}

SmallVector<int64_t> packedShape(const ContractionRoles &roles, int64_t dim, int64_t tile) {
  SmallVector<int64_t> shape{ceilDiv(roles.ranges[dim], tile)};
  for (int64_t d : roles.reductions)
    shape.push_back(roles.ranges[d]);
  shape.push_back(tile);
  return shape;
}

KernelConfigAttr KernelConfig::toAttr(MLIRContext *ctx) const {
  return KernelConfigAttr::get(ctx, lanes, rows, vectors, reductionBlock, rowBlock, columnBlock,
                               packA, packB, stationaryA, foldOuter, parallel);
}

KernelConfig KernelConfig::fromAttr(KernelConfigAttr attr) {
  KernelConfig config;
  config.lanes = attr.getLanes();
  config.rows = attr.getRows();
  config.vectors = attr.getVectors();
  config.reductionBlock = attr.getReductionBlock();
  config.rowBlock = attr.getRowBlock();
  config.columnBlock = attr.getColumnBlock();
  config.packA = attr.getPackA();
  config.packB = attr.getPackB();
  config.stationaryA = attr.getStationaryA();
  config.foldOuter = attr.getFoldOuter();
  config.parallel = attr.getParallel();
  return config;
}

} // namespace tessel
