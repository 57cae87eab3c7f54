//===- fuzz_importer.cpp - libFuzzer target: bytes -> import -> graph -----===//
//
// Feeds arbitrary bytes to tessel::compile (tools/compiler/Compile.h) up to
// the graph phase: protobuf parse, ONNX checker, graph import, a verifier run
// on what the importer returns, the graph pipeline. Any crash, sanitizer
// report, abort or leak is a bug: a bad model must only ever produce a
// diagnostic.
//
//   tools/fuzz.sh [SECONDS]          build (build-asan/) and run, see docs/robustness.md
//   build-asan/bin/tessel-fuzz-importer CORPUS_DIR...   (libFuzzer flags)
//
// External data is refused (no base folder): the fuzzer must not read files.
//
//===----------------------------------------------------------------------===//
#include "tools/compiler/Compile.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // tessel::compile up to the graph phase, with nothing written: one context
  // per input, so nothing an input leaves behind affects the next.
  tessel::ModelSource model;
  model.path = "fuzz.onnx";
  model.bytes = std::string(reinterpret_cast<const char *>(data), size);
  tessel::CompileOptions options;
  options.compileTo = tessel::CompilePhase::Graph;
  options.multithreaded = false;
  tessel::CompileResult result = tessel::compile(model, options);
  if (std::getenv("TESSEL_FUZZ_VERBOSE") && !result)
    llvm::errs() << "refused: " << result.message << "\n";
  // Refused with a message is the expected outcome for most inputs; invalid
  // IR from the importer (or a phase failing without a diagnostic) is a bug.
  if (result.status == tessel::CompileStatus::InternalError) {
    llvm::errs() << "tessel-fuzz-importer: internal error: " << result.message << "\n";
    std::abort();
  }
  return 0;
}
