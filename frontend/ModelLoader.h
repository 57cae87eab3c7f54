//===- ModelLoader.h - Reading and validating an ONNX ModelProto ---------===//
#ifndef TESSEL_FRONTEND_MODEL_LOADER_H
#define TESSEL_FRONTEND_MODEL_LOADER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace onnx {
class ModelProto;
}

namespace tessel {

/// Parses `bytes` as an ONNX ModelProto and validates it with ONNX's checker.
/// External data must be regular files inside `baseDir` (empty: no external
/// data allowed); they are checked before the checker looks at them.
/// Errors say what is wrong in one sentence, without the file name.
llvm::Error parseAndCheckModel(llvm::StringRef bytes, onnx::ModelProto &model,
                               llvm::StringRef baseDir);

} // namespace tessel

#endif // TESSEL_FRONTEND_MODEL_LOADER_H
