//===- FoldBatchNorm.cpp - BatchNorm folded into conv / linear weights ----===//
//
// Inference-mode BatchNorm is a per-channel affine map, so after a conv (or a
// linear whose result is [N, features]) with constant weights it folds into
// new constant weights and bias: s = γ / sqrt(var + ε), w' = w·s per output
// channel, b' = (b - mean)·s + β.
//
//===----------------------------------------------------------------------===//
#include "passes/FuseEpilogues.h"

#include <cmath>

using namespace mlir;

namespace tessel {
namespace {

struct FoldBatchNormPattern : OpRewritePattern<BatchNormOp> {
  FoldBatchNormPattern(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;

  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    Operation *producer = openEpilogueProducer(bn.getInput());
    if (!producer)
      return failure();
    auto miss = [&](const Twine &why) {
      report.missed(bn, "batch_norm", why);
      return failure();
    };
    if (!bn.getInput().hasOneUse())
      return miss("the conv/linear result has another user");
    auto linear = dyn_cast<LinearOp>(producer);
    if (linear && cast<RankedTensorType>(linear.getType()).getRank() != 2)
      return miss("BatchNorm's channel axis 1 is not the linear's feature axis");
    Value weightValue = producer->getOperand(1), biasValue = producer->getOperand(2);
    auto weight = getConstantValues(weightValue);
    auto bias = getConstantValues(biasValue);
    auto gamma = getConstantValues(bn.getScale());
    auto beta = getConstantValues(bn.getBias());
    auto mean = getConstantValues(bn.getMean());
    auto var = getConstantValues(bn.getVariance());
    if (!weight || !bias || !gamma || !beta || !mean || !var)
      return miss("the weights or the BatchNorm parameters are not constants");
    auto wt = cast<RankedTensorType>(weightValue.getType());
    if (!wt.getElementType().isF32())
      return miss("only float32 weights are folded");
    int64_t channels = (int64_t)bias->size();
    if ((int64_t)gamma->size() != channels || (int64_t)beta->size() != channels ||
        (int64_t)mean->size() != channels || (int64_t)var->size() != channels)
      return miss("the BatchNorm parameters do not have one value per channel");
    double eps = bn.getEpsilon().convertToDouble();
    std::vector<double> s(channels), newBias(channels);
    for (int64_t c = 0; c < channels; ++c) {
      s[c] = (*gamma)[c] / std::sqrt((*var)[c] + eps);
      newBias[c] = ((*bias)[c] - (*mean)[c]) * s[c] + (*beta)[c];
    }
    // The output channel of each weight element: axis 0 of a conv weight
    // [M, ...] or a transposed linear weight [N, K]; axis 1 of [K, N].
    std::vector<double> newWeight = *weight;
    int64_t total = (int64_t)newWeight.size();
    bool channelMajor = !linear || linear.getTransposeWeight();
    int64_t inner = channels ? total / channels : 0;
    for (int64_t i = 0; i < total; ++i)
      newWeight[i] *= s[channelMajor ? i / inner : i % channels];

    rewriter.setInsertionPoint(bn);
    Location loc = fusedLocation(rewriter.getContext(), {producer, bn});
    Value w = createConstant(rewriter, weightValue.getLoc(), wt, newWeight, "folded_weight");
    Value b = createConstant(rewriter, biasValue.getLoc(),
                             cast<RankedTensorType>(biasValue.getType()), newBias, "folded_bias");
    Operation *folded = rebuildWithEpilogue(rewriter, producer, loc, w, b, Value());
    report.fused(folded, "batch_norm", "folded into the weights");
    rewriter.replaceOp(bn, folded->getResult(0));
    return success();
  }
};

} // namespace

void populateFoldBatchNormPatterns(RewritePatternSet &patterns, FusionReporter &report) {
  patterns.add<FoldBatchNormPattern>(patterns.getContext(), report);
}

} // namespace tessel
