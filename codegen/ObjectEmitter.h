//===- ObjectEmitter.h - LLVM dialect -> native object file ---------------===//
#ifndef TESSEL_CODEGEN_OBJECT_EMITTER_H
#define TESSEL_CODEGEN_OBJECT_EMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace tessel {

/// Which CPU to generate code for. Empty fields mean the host's.
struct TargetOptions {
  std::string triple;
  std::string cpu;
  std::string features;
  int optLevel = 3;
  /// Called as each step starts: "translate to LLVM IR", "optimize", "emit
  /// object code" (progress and timing in tessel-compile).
  std::function<void(llvm::StringRef step)> onStep;
};

/// Translates an LLVM-dialect module to LLVM IR, optimizes it and emits a
/// relocatable (PIC) object file in memory, all in-process.
llvm::Expected<std::string> emitObjectFile(mlir::ModuleOp module, const TargetOptions &options);

} // namespace tessel

#endif // TESSEL_CODEGEN_OBJECT_EMITTER_H
