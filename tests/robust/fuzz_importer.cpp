//===- fuzz_importer.cpp - libFuzzer target: bytes -> import -> graph -----===//
//
// Feeds arbitrary bytes to the in-memory importer (protobuf parse, ONNX
// checker, graph import), verifies the module it returns and runs the graph
// pipeline on it. Any crash, sanitizer report, abort or leak is a bug: a bad
// model must only ever produce a diagnostic.
//
//   tools/fuzz.sh [SECONDS]          build (build-fuzz/) and run, see README
//   build-fuzz/bin/tessel-fuzz-importer CORPUS_DIR...   (libFuzzer flags)
//
// External data is refused (no base folder): the fuzzer must not read files.
//
//===----------------------------------------------------------------------===//
#include "frontend/OnnxImporter.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context per input: nothing an input leaves behind affects the next.
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  tessel::registerImporterDialects(ctx);
  bool verbose = std::getenv("TESSEL_FUZZ_VERBOSE") != nullptr;
  ctx.getDiagEngine().registerHandler([&](mlir::Diagnostic &diag) {
    if (verbose)
      llvm::errs() << "diagnostic: " << diag.str() << "\n";
    return mlir::success();
  });

  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      tessel::importOnnxBytes(ctx, bytes, "fuzz.onnx", /*baseDir=*/"");
  if (!module)
    return 0; // Refused with a diagnostic: the expected outcome for most inputs.

  // What the importer returns must be valid IR...
  if (mlir::failed(mlir::verify(*module))) {
    llvm::errs() << "tessel-fuzz-importer: the importer returned an invalid module\n";
    std::abort();
  }
  // ...and the graph passes must either succeed or fail with a diagnostic.
  mlir::PassManager pm(&ctx);
  tessel::buildGraphPipeline(pm);
  (void)pm.run(*module);
  return 0;
}
