//===- OnnxImporter.h - ONNX model -> tessel dialect ---------------------===//
#ifndef TESSEL_FRONTEND_ONNX_IMPORTER_H
#define TESSEL_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace tessel {

/// The newest default-domain opset the importer knows.
constexpr int64_t kMaxSupportedOpset = 17;

/// Imports the ONNX model at `path` into a module holding one function,
/// `@main_graph`, with one tessel op per ONNX node. Problems are reported as
/// MLIR diagnostics located at the file or the ONNX node; returns null then.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path);

/// Same, for a model already in memory; external data is resolved relative
/// to `baseDir` (empty: external data is refused).
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBytes(mlir::MLIRContext &context,
                                                  llvm::StringRef bytes,
                                                  llvm::StringRef displayName,
                                                  llvm::StringRef baseDir);

/// Registers the dialects the importer creates ops of.
void registerImporterDialects(mlir::MLIRContext &context);

} // namespace tessel

#endif // TESSEL_FRONTEND_ONNX_IMPORTER_H
