//===- RNNOps.cpp - Shape inference of the recurrent layers ---------------===//
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tessel;

namespace {

bool isKnownActivation(StringRef name) {
  return llvm::is_contained({"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu",
                             "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"},
                            name);
}

/// Checks the operands and attributes shared by RNN, GRU and LSTM and infers
/// Y [T, D, B, H] and Y_h [D, B, H] (plus Y_c for the LSTM).
template <typename Adaptor>
LogicalResult inferRecurrent(std::optional<Location> loc, StringRef opName, Adaptor a,
                             int64_t gates, int64_t activationsPerDirection, int numResults,
                             SmallVectorImpl<Type> &types) {
  auto err = [&](auto &&...args) {
    return emitOptionalError(loc, "'", opName, "' op ", args...);
  };
  auto xt = cast<RankedTensorType>(a.getInput().getType());
  auto wt = cast<RankedTensorType>(a.getWeight().getType());
  auto rt = cast<RankedTensorType>(a.getRecurrence().getType());
  Type et = xt.getElementType();
  StringRef direction = a.getDirection();
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return err("direction '", direction, "' is not forward, reverse or bidirectional");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  int64_t hidden = a.getHiddenSize();
  if (hidden <= 0)
    return err("hidden_size must be positive, got ", hidden);
  if (xt.getRank() != 3)
    return err("input ", formatShape(xt.getShape()), " must be [seq_length, batch, input_size]");
  int64_t steps = xt.getDimSize(0), batch = xt.getDimSize(1), inputSize = xt.getDimSize(2);
  // A dynamic size agrees with any (the lowering checks it at run time); an
  // initial state may have batch 1 where the input's batch is dynamic (it is
  // broadcast).
  auto expect = [&](Value v, const char *what, ArrayRef<int64_t> shape,
                    bool batchBroadcast = false) -> LogicalResult {
    if (!v)
      return success();
    auto t = cast<RankedTensorType>(v.getType());
    bool fits = t.getRank() == (int64_t)shape.size();
    for (int64_t i = 0; fits && i < t.getRank(); ++i)
      fits = t.getDimSize(i) == shape[i] || ShapedType::isDynamic(t.getDimSize(i)) ||
             ShapedType::isDynamic(shape[i]) ||
             (batchBroadcast && i == 1 && t.getDimSize(i) == 1 && ShapedType::isDynamic(batch));
    if (!fits)
      return err(what, " has shape ", formatShape(t.getShape()), ", expected ",
                 formatShape(shape));
    if (t.getElementType() != et && StringRef(what) != "sequence_lens")
      return err(what, " has element type ", t.getElementType(), ", expected ", et);
    return success();
  };
  if (failed(expect(a.getWeight(), "weight", {dirs, gates * hidden, inputSize})) ||
      failed(expect(a.getRecurrence(), "recurrence", {dirs, gates * hidden, hidden})) ||
      failed(expect(a.getBias(), "bias", {dirs, 2 * gates * hidden})) ||
      failed(expect(a.getSequenceLens(), "sequence_lens", {batch})) ||
      failed(expect(a.getInitialH(), "initial_h", {dirs, batch, hidden}, true)))
    return failure();
  (void)wt;
  (void)rt;
  if constexpr (std::is_same_v<Adaptor, LSTMOp::Adaptor>) {
    if (failed(expect(a.getInitialC(), "initial_c", {dirs, batch, hidden}, true)) ||
        failed(expect(a.getPeepholes(), "peepholes", {dirs, 3 * hidden})))
      return failure();
  }
  ArrayAttr acts = a.getActivations();
  ArrayRef<double> alpha = a.getActivationAlpha(), beta = a.getActivationBeta();
  int64_t numActs = dirs * activationsPerDirection;
  if ((int64_t)acts.size() != numActs || (int64_t)alpha.size() != numActs ||
      (int64_t)beta.size() != numActs)
    return err("expects ", numActs, " activations with as many alphas and betas (",
               activationsPerDirection, " per direction), got ", acts.size(), ", ", alpha.size(),
               " and ", beta.size());
  for (Attribute act : acts)
    if (!isKnownActivation(cast<StringAttr>(act).getValue()))
      return err("activation '", cast<StringAttr>(act).getValue(), "' is not supported");
  if (auto clip = a.getClip())
    if (!(clip->convertToDouble() > 0))
      return err("clip must be positive");
  types.push_back(RankedTensorType::get({steps, dirs, batch, hidden}, et));
  for (int i = 1; i < numResults; ++i)
    types.push_back(RankedTensorType::get({dirs, batch, hidden}, et));
  return success();
}

} // namespace

LogicalResult RNNOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, getOperationName(), a, kNumGates, kNumActivations, 2, types);
}

LogicalResult GRUOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, getOperationName(), a, kNumGates, kNumActivations, 2, types);
}

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                       SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, getOperationName(), a, kNumGates, kNumActivations, 3, types);
}
