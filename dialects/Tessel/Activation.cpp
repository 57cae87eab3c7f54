//===- Activation.cpp - Names and checks of epilogue activations ----------===//
#include "dialects/Tessel/Activation.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace tessel {

std::optional<Activation> parseActivation(StringRef name) {
  return llvm::StringSwitch<std::optional<Activation>>(name)
      .Case("none", Activation::None)
      .Case("relu", Activation::Relu)
      .Case("clip", Activation::Clip)
      .Case("leaky_relu", Activation::LeakyRelu)
      .Case("sigmoid", Activation::Sigmoid)
      .Case("tanh", Activation::Tanh)
      .Case("silu", Activation::Silu)
      .Case("gelu_erf", Activation::GeluErf)
      .Case("gelu_tanh", Activation::GeluTanh)
      .Case("hard_swish", Activation::HardSwish)
      .Case("hard_sigmoid", Activation::HardSigmoid)
      .Default(std::nullopt);
}

StringRef stringifyActivation(Activation activation) {
  switch (activation) {
  case Activation::None: return "none";
  case Activation::Relu: return "relu";
  case Activation::Clip: return "clip";
  case Activation::LeakyRelu: return "leaky_relu";
  case Activation::Sigmoid: return "sigmoid";
  case Activation::Tanh: return "tanh";
  case Activation::Silu: return "silu";
  case Activation::GeluErf: return "gelu_erf";
  case Activation::GeluTanh: return "gelu_tanh";
  case Activation::HardSwish: return "hard_swish";
  case Activation::HardSigmoid: return "hard_sigmoid";
  }
  llvm_unreachable("unknown activation");
}

unsigned activationParamCount(Activation activation) {
  switch (activation) {
  case Activation::Clip:
  case Activation::HardSigmoid:
    return 2;
  case Activation::LeakyRelu:
    return 1;
  default:
    return 0;
  }
}

LogicalResult verifyActivation(Operation *op, StringRef name, ArrayRef<double> params) {
  auto activation = parseActivation(name);
  if (!activation)
    return op->emitOpError("unknown activation '")
           << name << "' (expected none, relu, clip, leaky_relu, sigmoid, tanh, silu, gelu_erf, "
           << "gelu_tanh, hard_swish or hard_sigmoid)";
  if (params.size() != activationParamCount(*activation))
    return op->emitOpError("activation '")
           << name << "' takes " << activationParamCount(*activation) << " parameters, got "
           << params.size();
  return success();
}

LogicalResult verifyEpilogue(Operation *op, Value residual, StringRef activation,
                             ArrayRef<double> params) {
  Type type = op->getResult(0).getType();
  if (residual && residual.getType() != type)
    return op->emitOpError("residual ") << residual.getType() << " must have the result's type "
                                        << type;
  return verifyActivation(op, activation, params);
}

} // namespace tessel
