//===- Compile.h - ONNX model -> native artifact, as a library call -------===//
//
// tessel::compile runs the phases of the pipeline (import, graph, tiled,
// llvm, object code + link) on one model. tessel-compile is a command line
// over it, the Python package calls it through the C API in
// tessel_compiler.h, and the importer's fuzzer runs its first phases.
//
// A call owns everything it creates (its MLIRContext, its diagnostics): calls
// on different threads do not share state.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TOOLS_COMPILER_COMPILE_H
#define TESSEL_TOOLS_COMPILER_COMPILE_H

#include "codegen/Linker.h"
#include "frontend/OnnxImporter.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace tessel {

/// Where a compile stops (tessel-compile --compile-to): the MLIR of a phase
/// as text, or (Native) an object, shared library or executable.
enum class CompilePhase { Import, Graph, Tiled, LLVM, Native };

/// The model to compile: a file, or bytes already in memory.
struct ModelSource {
  /// The .onnx file; external data resolves relative to its folder.
  std::string path;
  /// When set, the model's bytes (path is then only the name messages use,
  /// and external data resolves relative to baseDir; empty: refused).
  std::optional<std::string> bytes;
  std::string baseDir;
};

/// How to read the IR and the compiler's work along the way. Everything goes
/// to CompileOptions::log.
struct CompileInspection {
  bool printAfterAll = false, printBeforeAll = false;
  std::vector<std::string> printAfter, printBefore; // pass arguments or phase names
  bool printLocations = true; // op locations (ONNX node names) in printed IR
  bool printWeights = false;  // keep weight blobs in printed IR
  bool timing = false;        // per-phase and per-pass times
  bool opStats = false;       // ops of each kind after each phase
  bool fusionReport = false;  // every fusion and near miss, by ONNX node names
  bool verbose = false;       // progress through the phases
};

struct CompileOptions {
  /// The artifact (by suffix: .o object, .so shared library, else executable,
  /// unless `kind` says) or, before CompilePhase::Native, the MLIR text (not
  /// written when empty: the fuzzer only runs the phases).
  std::string outputPath;
  CompilePhase compileTo = CompilePhase::Native;
  std::optional<ArtifactKind> kind;
  /// Code generation target (empty: the host) and tuning (tessel-compile
  /// --target-cpu, --target-features, --tune-cpu, --vector-bits, -O).
  std::string targetCpu, targetFeatures, tuneCpu;
  unsigned vectorBits = 0; // 0: the tuning target's widest
  unsigned optLevel = 3;
  /// Import-time specialization: --bind-input, --input-shape, --dim.
  ImportOptions import;
  bool fusion = true;
  /// MLIR's multithreaded pass execution (off: the fuzzer, one input at a time).
  bool multithreaded = true;
  CompileInspection inspect;
  /// Receives IR dumps, progress, op stats, timing, the fusion report and
  /// warnings (null: dropped).
  llvm::raw_ostream *log = nullptr;
};

enum class CompileStatus {
  Ok,
  /// The model or the options are wrong; `message` says how.
  Refused,
  /// The compiler produced invalid IR from a valid-looking model: a bug.
  InternalError,
};

struct CompileResult {
  CompileStatus status = CompileStatus::Ok;
  /// One paragraph, without a tool's prefix: "FILE: node 'N': what is wrong".
  std::string message;
  explicit operator bool() const { return status == CompileStatus::Ok; }
};

/// Compiles `model` as `options` say.
CompileResult compile(const ModelSource &model, const CompileOptions &options);

} // namespace tessel

#endif // TESSEL_TOOLS_COMPILER_COMPILE_H
