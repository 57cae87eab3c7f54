//===- RNNImporters.cpp - RNN, GRU, LSTM ----------------------------------===//
//
// The ONNX recurrent layers become tessel.rnn / tessel.gru / tessel.lstm in
// the time-major layout: layout=1 inputs and outputs are transposed here,
// omitted biases and initial states become zero constants, and activations
// are spelled out with their alpha/beta for every direction.
//
//===----------------------------------------------------------------------===//
#include "frontend/OpRegistry.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace tessel {
namespace {

/// ONNX activation names with how many alpha/beta values each consumes and
/// their defaults (those of the ONNX operators of the same name).
struct ActivationInfo {
  const char *name;
  int numAlpha, numBeta;
  double alpha, beta;
};

constexpr ActivationInfo kActivations[] = {
    {"Relu", 0, 0, 0, 0},        {"Tanh", 0, 0, 0, 0},
    {"Sigmoid", 0, 0, 0, 0},     {"Affine", 1, 1, 1.0, 0.0},
    {"LeakyRelu", 1, 0, 0.01, 0}, {"ThresholdedRelu", 1, 0, 1.0, 0},
    {"ScaledTanh", 1, 1, 1.0, 1.0}, {"HardSigmoid", 1, 1, 0.2, 0.5},
    {"Elu", 1, 0, 1.0, 0},       {"Softsign", 0, 0, 0, 0},
    {"Softplus", 0, 0, 0, 0},
};

Value splatConstant(NodeImporter &n, ArrayRef<int64_t> shape, Type et, double value) {
  auto type = RankedTensorType::get(shape, et);
  return ConstantOp::create(n.builder(), n.loc(), type,
                            DenseElementsAttr::get(type, n.builder().getFloatAttr(et, value)));
}

FailureOr<Value> transpose(NodeImporter &n, Value v, ArrayRef<int64_t> perm) {
  return n.create<TransposeOp>(ValueRange{v}, {n.namedI64s("perm", perm)});
}

/// Imports one recurrent node. `defaults` are the ONNX default activations of
/// one direction; `extraStates` is 1 for the LSTM's cell state.
template <typename OpTy>
LogicalResult importRecurrent(NodeImporter &n, ArrayRef<const char *> defaults, int gates) {
  auto &b = n.builder();
  bool isLSTM = std::is_same_v<OpTy, LSTMOp>;
  int64_t layout = n.opset() >= 14 ? n.intAttr("layout", 0) : 0;
  if (layout != 0 && layout != 1)
    return n.error("layout " + Twine(layout) + " is not supported (0 or 1)");
  if (!n.hasAttr("hidden_size"))
    return n.error("attribute 'hidden_size' is required");
  int64_t hidden = n.intAttr("hidden_size", 0);
  std::string direction = n.stringAttr("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return n.error("direction '" + direction + "' is not supported");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (isLSTM && n.intAttr("input_forget", 0) != 0 && n.intAttr("input_forget", 0) != 1)
    return n.error("input_forget must be 0 or 1");

  // Time-major input.
  Value x = n.input(0);
  if (layout == 1) {
    auto t = transpose(n, x, {1, 0, 2});
    if (failed(t))
      return failure();
    x = *t;
  }
  auto xt = cast<RankedTensorType>(x.getType());
  if (xt.getRank() != 3)
    return n.error("X must be 3-D");
  Type et = xt.getElementType();
  int64_t batch = xt.getDimSize(1);

  // Activations with alpha/beta per entry, for every direction.
  SmallVector<std::string> names;
  if (n.hasAttr("activations")) {
    for (const std::string &s : n.attr("activations")->strings())
      names.push_back(s);
  } else {
    for (int64_t d = 0; d < dirs; ++d)
      for (const char *a : defaults)
        names.push_back(a);
  }
  if (dirs == 2 && names.size() == defaults.size())
    names.append(SmallVector<std::string>(names)); // The same for both directions.
  if (names.size() != defaults.size() * dirs)
    return n.error("expected " + Twine(defaults.size() * dirs) + " activations, got " +
                   Twine(names.size()));
  SmallVector<double> alphas, betas;
  if (const onnx::AttributeProto *a = n.attr("activation_alpha"))
    alphas.assign(a->floats().begin(), a->floats().end());
  if (const onnx::AttributeProto *a = n.attr("activation_beta"))
    betas.assign(a->floats().begin(), a->floats().end());
  size_t nextAlpha = 0, nextBeta = 0;
  SmallVector<Attribute> actAttrs;
  SmallVector<double> actAlpha, actBeta;
  for (const std::string &name : names) {
    const ActivationInfo *info = nullptr;
    for (const ActivationInfo &candidate : kActivations)
      if (llvm::StringRef(candidate.name).equals_insensitive(name))
        info = &candidate;
    if (!info)
      return n.error("activation '" + name + "' is not supported");
    double alpha = info->alpha, beta = info->beta;
    if (info->numAlpha && nextAlpha < alphas.size())
      alpha = alphas[nextAlpha++];
    if (info->numBeta && nextBeta < betas.size())
      beta = betas[nextBeta++];
    actAttrs.push_back(b.getStringAttr(info->name));
    actAlpha.push_back(alpha);
    actBeta.push_back(beta);
  }

  // Operands, with zero defaults for the omitted ones.
  auto optional = [&](int index, ArrayRef<int64_t> shape, bool batchMajor) -> FailureOr<Value> {
    if (!n.hasInput(index))
      return splatConstant(n, shape, et, 0.0);
    if (batchMajor && layout == 1)
      return transpose(n, n.input(index), {1, 0, 2});
    return n.input(index);
  };
  auto bias = optional(3, {dirs, 2 * gates * hidden}, false);
  // A zero initial state for a batch of run-time size: one entry, which the
  // op broadcasts to every batch entry.
  int64_t stateBatch = ShapedType::isDynamic(batch) ? 1 : batch;
  auto initialH = optional(5, {dirs, stateBatch, hidden}, true);
  if (failed(bias) || failed(initialH))
    return failure();
  SmallVector<Value> operands{x, n.input(1), n.input(2), *bias, *initialH};
  if (isLSTM) {
    auto initialC = optional(6, {dirs, stateBatch, hidden}, true);
    auto peepholes = optional(7, {dirs, 3 * hidden}, false);
    if (failed(initialC) || failed(peepholes))
      return failure();
    operands.push_back(*initialC);
    operands.push_back(*peepholes);
  }
  // sequence_lens: dropped when it is a constant covering every step.
  if (n.hasInput(4)) {
    const TensorData *c = n.constantInput(4);
    bool full = c && !xt.isDynamicDim(0) &&
                llvm::all_of(c->asInt64(), [&](int64_t l) { return l == xt.getDimSize(0); });
    if (!full)
      operands.push_back(n.input(4));
  }

  SmallVector<NamedAttribute> attrs{
      n.named("hidden_size", b.getI64IntegerAttr(hidden)),
      n.named("direction", b.getStringAttr(direction)),
      n.named("activations", b.getArrayAttr(actAttrs)),
      n.named("activation_alpha", b.getDenseF64ArrayAttr(actAlpha)),
      n.named("activation_beta", b.getDenseF64ArrayAttr(actBeta))};
  if (n.hasAttr("clip"))
    attrs.push_back(n.named("clip", b.getF64FloatAttr(n.floatAttr("clip", 0))));
  if constexpr (std::is_same_v<OpTy, GRUOp>)
    attrs.push_back(
        n.named("linear_before_reset", b.getBoolAttr(n.intAttr("linear_before_reset", 0) != 0)));
  if constexpr (std::is_same_v<OpTy, LSTMOp>)
    attrs.push_back(n.named("input_forget", b.getBoolAttr(n.intAttr("input_forget", 0) != 0)));

  auto op = n.createMulti<OpTy>(operands, attrs);
  if (failed(op))
    return failure();
  // Results back to the ONNX layout: Y [T, D, B, H] -> [B, T, D, H] and the
  // states [D, B, H] -> [B, D, H] for layout=1.
  for (auto [i, result] : llvm::enumerate((*op)->getResults())) {
    if ((int)i >= n.numOutputs() || n.node().output(i).empty())
      continue;
    Value v = result;
    if (layout == 1) {
      auto t = i == 0 ? transpose(n, v, {2, 0, 1, 3}) : transpose(n, v, {1, 0, 2});
      if (failed(t))
        return failure();
      v = *t;
    }
    n.setOutput(i, v);
  }
  return success();
}

LogicalResult importRNN(NodeImporter &n) { return importRecurrent<RNNOp>(n, {"Tanh"}, 1); }
LogicalResult importGRU(NodeImporter &n) {
  return importRecurrent<GRUOp>(n, {"Sigmoid", "Tanh"}, 3);
}
LogicalResult importLSTM(NodeImporter &n) {
  return importRecurrent<LSTMOp>(n, {"Sigmoid", "Tanh", "Tanh"}, 4);
}

} // namespace

void registerRNNImporters(OpRegistry &r) {
  r.add({"RNN", 7, 17, importRNN});
  r.add({"GRU", 7, 17, importGRU});
  r.add({"LSTM", 7, 17, importLSTM});
}

} // namespace tessel
