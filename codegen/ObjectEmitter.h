//===- ObjectEmitter.h - LLVM dialect -> native object file ---------------===//
#ifndef TESSEL_CODEGEN_OBJECT_EMITTER_H
#define TESSEL_CODEGEN_OBJECT_EMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
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
  /// Empty the MLIR module and drop the context's weight blobs once the LLVM
  /// module holds their copy: a model's weights then live twice at most (the
  /// LLVM module and the object code), not three times.
  bool discardInput = false;
  /// Where large weights go instead of through LLVM (see ExternalWeights.h);
  /// empty: they stay in the object code.
  std::string externalWeightsPath;
};

/// An emitted model: its object code and, when weights were moved out of
/// LLVM, the assembly that defines them (to be assembled into the link).
struct EmittedObject {
  llvm::SmallVector<char, 0> object;
  std::string weightsAssembly;
};

/// Translates an LLVM-dialect module to LLVM IR, optimizes it and emits a
/// relocatable (PIC) object file in memory, all in-process.
/// Returns memory freed by the compiler's heap to the system (glibc keeps
/// freed mid-sized blocks mapped), so that dropping a copy of the weights
/// lowers the peak.
void releaseFreedMemory();

llvm::Expected<EmittedObject> emitObjectFile(mlir::ModuleOp module, const TargetOptions &options);

} // namespace tessel

#endif // TESSEL_CODEGEN_OBJECT_EMITTER_H
