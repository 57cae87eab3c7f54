//===- TileDepthwiseChannels.cpp - The tessel-tile-depthwise-channels pass ===//
//
// A padded depthwise convolution reads a zero-padded copy of its whole
// input, built before the convolution starts:
//
//   %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1]     (5 MB for a
//   %y = conv(%p, %w)  (+ bias, activation)                  112x112x96 map)
//
// which bufferizes to a fill of the whole padded buffer and a copy of the
// input into it: two passes through memory, more time than the convolution
// itself (MobileNetV2's stride-2 depthwise convolution at 112x112: the fill
// and copy were 17% and 34% of its time, the arithmetic 46%). Each channel
// of a depthwise convolution reads only its own input plane, so this pass
// tiles the kernel's last op along the channels (a few per iteration of an
// scf.forall) and fuses every producer into the tile, the pad included
// (MLIR's tile-and-fuse): each iteration pads its planes, which stay in L2
// while the convolution reads them.
//
//===----------------------------------------------------------------------===//
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_TILEDEPTHWISECHANNELS
#include "codegen/Passes.h.inc"

namespace {

/// The channel loop of a depthwise convolution reading a padded input: a
/// parallel loop that the input, the filters and the output all read, the
/// filters reading nothing else but reductions. -1 if `op` is not one.
int64_t depthwiseChannelLoop(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0)
    return -1;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned input = 0; input < 2; ++input) {
    if (!op.getDpsInputs()[input].getDefiningOp<tensor::PadOp>())
      continue;
    AffineMap image = maps[input], filters = maps[1 - input], out = maps[2];
    for (unsigned d = 0; d < iterators.size(); ++d) {
      if (iterators[d] != utils::IteratorType::parallel || !image.isFunctionOfDim(d) ||
          !filters.isFunctionOfDim(d) || !out.isFunctionOfDim(d))
        continue;
      bool perChannel = llvm::all_of(llvm::seq<unsigned>(0, iterators.size()), [&](unsigned e) {
        return e == d || !filters.isFunctionOfDim(e) ||
               iterators[e] == utils::IteratorType::reduction;
      });
      if (perChannel)
        return d;
    }
  }
  return -1;
}

/// Padded planes per tile: as many as fit in `tileBytes`
/// (LoweringStrategy::depthwiseTileBytes, so that a tile's padded input
/// stays in L2 beside its output), a divisor of the
/// channels (tiles of static shape), and at most an eighth of them (so
/// that the threads share tiles evenly). One plane per tile would leave
/// small maps (14x14, 576 channels) paying a buffer's allocation and fill
/// per 1 K multiply-adds: slower than the whole padded copy.
int64_t channelsPerTile(int64_t channels, int64_t planeBytes, int64_t tileBytes) {
  int64_t limit = std::max<int64_t>(1, std::min(tileBytes / planeBytes, channels / 8));
  int64_t tile = limit;
  while (channels % tile != 0)
    --tile;
  return tile;
}

/// The loop of `op` that walks result dimension `dim`, or -1.
int64_t loopOfResultDim(linalg::LinalgOp op, unsigned dim) {
  AffineMap out = op.getIndexingMapMatchingResult(cast<OpResult>(op->getResult(0)));
  if (dim >= out.getNumResults())
    return -1;
  auto expr = dyn_cast<AffineDimExpr>(out.getResult(dim));
  return expr ? static_cast<int64_t>(expr.getPosition()) : -1;
}

struct TileDepthwiseChannelsPass
    : impl::TileDepthwiseChannelsBase<TileDepthwiseChannelsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Kernels only: one returned tensor computed by a linalg op.
    if (!func.isPrivate() || func.isExternal())
      return;
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    if (ret.getNumOperands() != 1)
      return;
    auto root = ret.getOperand(0).getDefiningOp<linalg::LinalgOp>();
    if (!root || root->getNumResults() != 1)
      return;
    // The depthwise convolution feeding it, the output dimension that is its
    // channel, and the bytes of one padded input plane.
    int64_t channelDim = -1, channels = 0, planeBytes = 0;
    func.walk([&](linalg::GenericOp op) {
      int64_t d = depthwiseChannelLoop(op);
      if (d < 0)
        return WalkResult::advance();
      AffineMap out = op.getIndexingMapsArray()[2];
      std::optional<unsigned> pos = out.getResultPosition(getAffineDimExpr(d, &getContext()));
      auto padded = cast<RankedTensorType>(
          llvm::find_if(op.getDpsInputs(), [](Value v) {
            return v.getDefiningOp<tensor::PadOp>();
          })->getType());
      channels = op.getStaticLoopRanges()[d];
      if (pos && padded.hasStaticShape() && !ShapedType::isDynamic(channels)) {
        channelDim = *pos;
        planeBytes = padded.getNumElements() / channels * 4;
      }
      return WalkResult::interrupt();
    });
    if (channelDim < 0 || planeBytes <= 0)
      return;
    int64_t loop = loopOfResultDim(root, channelDim);
    if (loop < 0 || root.getIteratorTypesArray()[loop] != utils::IteratorType::parallel)
      return;

    FailureOr<LoweringStrategy> strategy = getLoweringStrategyOrEmitError(func);
    if (failed(strategy))
      return signalPassFailure();
    int64_t perTile = channelsPerTile(channels, planeBytes, strategy->depthwiseTileBytes);
    if (perTile >= channels)
      return; // One tile: nothing to gain.
    IRRewriter rewriter(&getContext());
    SmallVector<OpFoldResult> tiles(root.getNumLoops(), rewriter.getIndexAttr(0));
    tiles[loop] = rewriter.getIndexAttr(perTile);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(scf::SCFTilingOptions()
                                 .setTileSizes(tiles)
                                 .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp));
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> tiled = scf::tileConsumerAndFuseProducersUsingSCF(
        rewriter, cast<TilingInterface>(root.getOperation()), options);
    Value replacement =
        succeeded(tiled) ? tiled->replacements.lookup(root->getResult(0)) : Value();
    if (!replacement || tiled->loops.empty()) {
      root->emitError("could not tile the depthwise convolution's kernel along its channels");
      return signalPassFailure();
    }
    rewriter.replaceAllUsesWith(root->getResult(0), replacement);
    reuseOutputTile(rewriter, cast<scf::ForallOp>(tiled->loops.front().getOperation()));
  }

  /// The fused producers that initialize the convolution's accumulator (the
  /// bias) write a slice of the kernel's tensor.empty, the tiled last op a
  /// slice of the loop's output: two buffers, and the activation then
  /// copies one into the other. A tensor.empty's contents are undefined, so
  /// a slice of it may be any tensor of its shape: the same slice of the
  /// loop's output lets the bias, the convolution and the activation run in
  /// place in the output buffer (the activation fuses as the kernel's
  /// epilogue).
  void reuseOutputTile(RewriterBase &rewriter, scf::ForallOp forall) {
    if (forall.getRegionIterArgs().size() != 1)
      return;
    Value shared = forall.getRegionIterArgs().front();
    auto inserts = forall.getTerminator().getYieldingOps();
    if (llvm::range_size(inserts) != 1)
      return;
    auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(*inserts.begin());
    if (!insert)
      return;
    forall.getBody()->walk([&](tensor::ExtractSliceOp slice) {
      if (!slice.getSource().getDefiningOp<tensor::EmptyOp>() ||
          slice.getType() != insert.getSourceType() ||
          slice.getMixedOffsets() != insert.getMixedOffsets() ||
          slice.getMixedSizes() != insert.getMixedSizes() ||
          slice.getMixedStrides() != insert.getMixedStrides())
        return;
      rewriter.modifyOpInPlace(slice, [&] { slice.getSourceMutable().assign(shared); });
    });
  }
};

} // namespace
} // namespace tessel
