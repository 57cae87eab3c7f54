//===- ExternalWeights.h - Weights that bypass LLVM -----------------------===//
//
// A model's weights reach the object file as constant globals. Through LLVM
// they would be copied three times (LLVM constants, MC fragments, the
// object buffer) and walked by every LLVM pass; for ViT-B/16's 330 MB that
// is most of the compile time and memory. Instead, the large constant
// globals of the LLVM-dialect module become external (hidden) declarations,
// their bytes are written once, straight from the MLIR resource blobs, into
// a binary file, and a small assembly file defines each symbol with
// `.incbin` of its slice; clang assembles it into the final link.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_EXTERNAL_WEIGHTS_H
#define TESSEL_CODEGEN_EXTERNAL_WEIGHTS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace tessel {

/// Globals with at least this many bytes of resource data move out of LLVM.
inline constexpr int64_t kExternalWeightMinBytes = 4096;

/// Moves the data of `module`'s large constant resource globals into
/// `binaryPath` and makes the globals declarations. Returns the assembly
/// that defines them (empty when no global moved).
llvm::Expected<std::string> externalizeWeights(mlir::ModuleOp module, llvm::StringRef binaryPath);

} // namespace tessel

#endif // TESSEL_CODEGEN_EXTERNAL_WEIGHTS_H
