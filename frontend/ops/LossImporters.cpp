//===- LossImporters.cpp - Training losses, decomposed at import ----------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss appear in exported
// evaluation graphs. They are compositions of existing tessel ops (gather,
// select, reductions), so they are imported as such rather than as new ops.
//
//===----------------------------------------------------------------------===//
#include "frontend/OpRegistry.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace tessel {
namespace {

/// loss[n, d...] = -input[n, target[n, d...], d...] * weight[target], with
/// entries equal to ignore_index contributing nothing; then the reduction.
LogicalResult buildNLL(NodeImporter &n, Value input, Value target, Value weight) {
  auto it = cast<RankedTensorType>(input.getType());
  auto tt = cast<RankedTensorType>(target.getType());
  Type et = it.getElementType();
  if (it.getRank() < 2 || tt.getRank() != it.getRank() - 1)
    return n.error("input must be [N, C, d...] and target [N, d...]");
  for (int64_t d = 0; d < tt.getRank(); ++d)
    if (tt.getDimSize(d) != it.getDimSize(d == 0 ? 0 : d + 1))
      return n.error("target shape does not match the input's");
  std::string reduction = n.stringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return n.error("unknown reduction '" + reduction + "'");
  auto &b = n.builder();
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };

  SmallVector<int64_t> withAxis(tt.getShape());
  withAxis.insert(withAxis.begin() + 1, 1);
  auto tgt1 = n.reshape(target, withAxis);
  if (failed(tgt1))
    return failure();
  auto picked = n.create<GatherElementsOp>(ValueRange{input, *tgt1}, {n.named("axis", i64(1))});
  if (failed(picked))
    return failure();
  auto pickedFlat = n.reshape(*picked, tt.getShape());
  if (failed(pickedFlat))
    return failure();
  auto loss = n.create<NegOp>(ValueRange{*pickedFlat});
  if (failed(loss))
    return failure();

  // Per-element weight: weight[target] (or 1), zero where target is ignored.
  Value w;
  if (weight) {
    auto g = n.create<GatherOp>(ValueRange{weight, target}, {n.named("axis", i64(0))});
    if (failed(g))
      return failure();
    w = *g;
  }
  if (n.hasAttr("ignore_index")) {
    Value ignore = n.scalarConstant(tt.getElementType(), (double)n.intAttr("ignore_index", 0));
    auto isIgnored = n.create<EqualOp>(ValueRange{target, ignore});
    if (failed(isIgnored))
      return failure();
    Value kept = w ? w : n.scalarConstant(et, 1);
    auto masked = n.create<SelectOp>(ValueRange{*isIgnored, n.scalarConstant(et, 0), kept});
    if (failed(masked))
      return failure();
    w = *masked;
  }
  if (w) {
    auto weighted = n.create<MulOp>(ValueRange{*loss, w});
    if (failed(weighted))
      return failure();
    loss = weighted;
  }
  if (reduction == "none") {
    n.setOutput(0, *loss);
    return success();
  }
  auto sumAll = [&](Value v) -> FailureOr<Value> {
    SmallVector<int64_t> axes;
    for (int64_t d = 0; d < tt.getRank(); ++d)
      axes.push_back(d);
    return n.create<ReduceSumOp>(ValueRange{v}, {n.namedI64s("axes", axes),
                                                 n.named("keepdims", b.getBoolAttr(false))});
  };
  auto total = sumAll(*loss);
  if (failed(total))
    return failure();
  if (reduction == "sum") {
    n.setOutput(0, *total);
    return success();
  }
  Value denominator = w ? Value() : n.scalarConstant(et, (double)tt.getNumElements());
  if (w) {
    auto wsum = sumAll(w);
    if (failed(wsum))
      return failure();
    denominator = *wsum;
  }
  auto mean = n.create<DivOp>(ValueRange{*total, denominator});
  return n.setResult(mean);
}

LogicalResult importNLL(NodeImporter &n) {
  return buildNLL(n, n.input(0), n.input(1), n.hasInput(2) ? n.input(2) : Value());
}

LogicalResult importSoftmaxCrossEntropy(NodeImporter &n) {
  auto logProb = n.createWithType<LogSoftmaxOp>(
      n.inputType(0), ValueRange{n.input(0)}, {n.named("axis", n.builder().getI64IntegerAttr(1))});
  if (failed(logProb))
    return failure();
  n.setOutput(1, *logProb);
  return buildNLL(n, *logProb, n.input(1), n.hasInput(2) ? n.input(2) : Value());
}

} // namespace

void registerLossImporters(OpRegistry &r) {
  r.add({"NegativeLogLikelihoodLoss", 12, 17, importNLL});
  r.add({"SoftmaxCrossEntropyLoss", 12, 17, importSoftmaxCrossEntropy});
}

} // namespace tessel
