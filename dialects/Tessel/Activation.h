//===- Activation.h - Activations fused into conv / linear epilogues ------===//
//
// `tessel.conv` and `tessel.linear` carry an optional activation in their
// epilogue, applied last: y = act(acc + bias + residual). The activation is a
// string attribute (readable in printed IR) with its parameters in
// `activation_params`; this header is the one place that names them.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_DIALECT_ACTIVATION_H
#define TESSEL_DIALECT_ACTIVATION_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"

#include <optional>

namespace tessel {

enum class Activation {
  None,
  Relu,        // max(x, 0)
  Clip,        // min(max(x, p0), p1); ReLU6 is clip(0, 6)
  LeakyRelu,   // x < 0 ? p0 * x : x
  Sigmoid,     // 1 / (1 + exp(-x))
  Tanh,        // tanh(x)
  Silu,        // x * sigmoid(x)
  GeluErf,     // 0.5 x (1 + erf(x / sqrt 2))
  GeluTanh,    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  HardSwish,   // x * max(0, min(1, x / 6 + 0.5))
  HardSigmoid, // max(0, min(1, p0 * x + p1))
};

std::optional<Activation> parseActivation(llvm::StringRef name);
llvm::StringRef stringifyActivation(Activation activation);
/// How many entries of `activation_params` the activation reads.
unsigned activationParamCount(Activation activation);

/// Checks an op's `activation` / `activation_params` pair.
mlir::LogicalResult verifyActivation(mlir::Operation *op, llvm::StringRef name,
                                     llvm::ArrayRef<double> params);

/// Checks a conv / linear epilogue: the residual (if any) has the result's
/// type, and the activation is valid.
mlir::LogicalResult verifyEpilogue(mlir::Operation *op, mlir::Value residual,
                                   llvm::StringRef activation, llvm::ArrayRef<double> params);

} // namespace tessel

#endif // TESSEL_DIALECT_ACTIVATION_H
