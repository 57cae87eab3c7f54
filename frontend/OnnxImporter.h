//===- OnnxImporter.h - ONNX model -> tessel dialect ---------------------===//
#ifndef TESSEL_FRONTEND_ONNX_IMPORTER_H
#define TESSEL_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace tessel {

/// Import-time choices of the user.
struct ImportOptions {
  /// Graph inputs whose value is fixed at compile time (--bind-input), by
  /// name. Tessel does not size results from tensor data yet: a graph input
  /// that sets a shape (a Reshape's shape, Slice's starts, Resize's
  /// scales...) must be known at compile time. A
  /// bound input stays an input of the compiled model; the runtime checks
  /// that every run passes exactly the bound value.
  std::map<std::string, std::string> boundInputFiles; // name -> .pb or .npy path
  /// Whole shapes of graph inputs (--input-shape NAME=DIMS), by name. They
  /// also fix the symbols (dim_param) their declarations name.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Sizes of named dimensions (--dim SYMBOL=N): every input and output
  /// dimension whose dim_param is SYMBOL.
  std::map<std::string, int64_t> dims;
  /// Dimensions that neither inputShapes nor dims fix stay dynamic (`?`)
  /// rather than being an error: one artifact for every size.
  bool keepDynamicDims = false;

  /// Records an input's shape (inputShapes); an error message ("gives input
  /// 'x' more than once") when the input has one already, else "".
  std::string addInputShape(llvm::StringRef name, std::vector<int64_t> shape);
  /// Records a dimension's size (dims); an error message ("gives 'batch' two
  /// sizes (1 and 2)") when the symbol has another one, else "".
  std::string addDimSize(llvm::StringRef symbol, int64_t size);
};

/// The newest default-domain opset the importer knows.
constexpr int64_t kMaxSupportedOpset = 17;

/// Imports the ONNX model at `path` into a module holding one function,
/// `@main_graph`, with one tessel op per ONNX node. Problems are reported as
/// MLIR diagnostics located at the file or the ONNX node; returns null then.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path,
                                                 const ImportOptions &options = {});

/// Same, for a model already in memory; external data is resolved relative
/// to `baseDir` (empty: external data is refused).
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBytes(mlir::MLIRContext &context,
                                                  llvm::StringRef bytes,
                                                  llvm::StringRef displayName,
                                                  llvm::StringRef baseDir,
                                                  const ImportOptions &options = {});

/// Registers the dialects the importer creates ops of.
void registerImporterDialects(mlir::MLIRContext &context);

} // namespace tessel

#endif // TESSEL_FRONTEND_ONNX_IMPORTER_H
