//===- FuseElementwiseLoops.cpp - The tessel-fuse-elementwise-loops pass --===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FUSEELEMENTWISELOOPS
#include "codegen/Passes.h.inc"

namespace {

bool allParallel(linalg::GenericOp op) {
  return llvm::all_of(op.getIteratorTypesArray(), linalg::isParallelIterator);
}

/// Fuse only where nothing is recomputed (see Passes.td).
bool fusesWithoutRecomputation(OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  if (!producer || !consumer || !operand->get().hasOneUse())
    return false;
  if (!allParallel(producer) || !allParallel(consumer))
    return false;
  // Only straight-line code at the top of a kernel (where elementwise chains
  // lower): loop bodies (recurrent steps, attention blocks) update their
  // loop-carried tensors in place, which fusion must not rearrange.
  if (!isa<func::FuncOp>(consumer->getParentOp()))
    return false;
  return consumer.getMatchingIndexingMap(operand).isIdentity();
}

/// Fuses one qualifying producer into a linalg.generic consumer. (Upstream's
/// populateElementwiseOpsFusionPatterns also brings patterns that drop the
/// consumer's dependence on its `outs`, which would break the in-place loop
/// updates that bufferization needs; only the fusion itself is wanted here.)
struct FuseProducerIntoConsumer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (!fusesWithoutRecomputation(&operand) || !linalg::areElementwiseOpsFusable(&operand))
        continue;
      Operation *producer = operand.get().getDefiningOp();
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fused))
        continue;
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
          return use.getOwner() != producer;
        });
      rewriter.eraseOp(consumer);
      return success();
    }
    return failure();
  }
};

struct FuseElementwiseLoopsPass : impl::FuseElementwiseLoopsBase<FuseElementwiseLoopsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseProducerIntoConsumer>(&getContext());
    // With dynamic shapes a producer's result is also read for its sizes (the
    // consumer's tensor.empty, a shape check): tensor.dim of a destination
    // op's result becomes tensor.dim of its destination, so that the result
    // keeps the consumer as its one use and the two fuse as they do static.
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace tessel
