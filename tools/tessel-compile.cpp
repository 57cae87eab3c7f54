//===- tessel-compile.cpp - ONNX model -> native artifact -----------------===//
//
//   tessel-compile MODEL.onnx -o OUT[.so|.o]  [--compile-to=import|graph|tiled|llvm]
//
// Runs the phases of DESIGN.md in order, stopping early with
// --compile-to to print that phase's MLIR. Any problem with the input is one
// paragraph on stderr naming the file, the ONNX node and what is wrong, and
// exit code 1.
//
// For compiler and performance engineers: --print-ir-after-all,
// --print-ir-after=PASS, --print-ir-before=PASS (IR dumps on stderr),
// --timing (per-pass times), --op-stats (ops per phase) and -v (progress).
// Printed IR leaves weights out (--print-weights keeps them).
//
//===----------------------------------------------------------------------===//
#include "frontend/OpRegistry.h"
#include "frontend/ShapeSpecialization.h"
#include "tools/compiler/Compile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {

cl::OptionCategory toolCategory("tessel-compile options");
cl::OptionCategory irCategory("Reading the IR and the compiler's work");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"), cl::cat(toolCategory));
cl::opt<std::string> outputPath("o", cl::desc("Output: .so shared library, .o object, other: "
                                              "executable; MLIR text with --compile-to"),
                                cl::value_desc("path"), cl::cat(toolCategory));
using tessel::CompilePhase;
cl::opt<CompilePhase> compileTo(
    "compile-to", cl::desc("Stop after a phase and write its MLIR"),
    cl::init(CompilePhase::Native),
    cl::values(clEnumValN(CompilePhase::Import, "import", "tessel dialect, one op per ONNX node"),
               clEnumValN(CompilePhase::Graph, "graph", "optimized tessel graph"),
               clEnumValN(CompilePhase::Tiled, "tiled",
                          "one function per kernel, linalg on tensors"),
               clEnumValN(CompilePhase::LLVM, "llvm", "LLVM dialect")),
    cl::cat(toolCategory));
cl::opt<std::string> emitKind("emit", cl::desc("Artifact kind, overriding -o's suffix"),
                              cl::value_desc("obj|so|exe"), cl::init(""), cl::cat(toolCategory));
cl::opt<std::string> targetCpu("target-cpu", cl::desc("CPU to generate code for (default: host)"),
                               cl::init(""), cl::cat(toolCategory));
cl::opt<std::string> targetFeatures("target-features",
                                    cl::desc("LLVM target features, e.g. +avx2,+fma"),
                                    cl::init(""), cl::cat(toolCategory));
cl::opt<std::string> tuneCpu(
    "tune-cpu",
    cl::desc("CPU to choose tiles, blocks and strategies for (default: --target-cpu's). "
             "Code is still emitted for --target-cpu; a wider vector than it has is split "
             "by LLVM (runs, slowly: for testing another target's kernels on this host)"),
    cl::init(""), cl::cat(toolCategory));
cl::opt<unsigned> vectorBits(
    "vector-bits",
    cl::desc("Vector width the kernels use, at most the target's (128, 256 or 512; default: "
             "the target's widest)"),
    cl::init(0), cl::cat(toolCategory));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level (0-3)"), cl::init(3),
                           cl::Prefix, cl::cat(toolCategory));
cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Fix graph input NAME to the tensor in FILE (.pb or .npy) at compile time, for "
             "inputs that set a shape (Reshape's shape, Slice's starts, Resize's scales...). "
             "The model keeps the input; runs must pass exactly that value. Repeatable"),
    cl::value_desc("NAME=FILE"), cl::cat(toolCategory));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Compile graph input NAME with shape DIMS (e.g. x=1x3x224x224; empty for a "
             "scalar), which also fixes the named dimensions its declaration uses. Repeatable"),
    cl::value_desc("NAME=DIMS"), cl::cat(toolCategory));
cl::list<std::string> dimSizes(
    "dim",
    cl::desc("Compile every input and output dimension named SYMBOL (an ONNX dim_param, e.g. "
             "batch=1) with size N. Repeatable"),
    cl::value_desc("SYMBOL=N"), cl::cat(toolCategory));
cl::opt<bool> keepDynamic(
    "dynamic",
    cl::desc("Compile the dimensions no --dim / --input-shape fixes as dynamic: one artifact "
             "for every size (ops that cannot take a dynamic size yet are named in an error)"),
    cl::init(false), cl::cat(toolCategory));
cl::opt<bool> listOps("list-ops",
                      cl::desc("Print the supported ONNX ops and opsets as a Markdown table"),
                      cl::cat(toolCategory));

cl::opt<bool> printDebugInfo("print-locations",
                             cl::desc("Print op locations (ONNX node names) in MLIR output"),
                             cl::init(true), cl::cat(irCategory));
cl::opt<bool> printWeights("print-weights",
                           cl::desc("Keep the weights (resource blobs) in printed IR; by default "
                                    "blobs over 64 characters are left out, their references stay"),
                           cl::init(false), cl::cat(irCategory));
cl::opt<bool> printAfterAll("print-ir-after-all",
                            cl::desc("Print the IR after every phase and pass (on stderr)"),
                            cl::init(false), cl::cat(irCategory));
cl::opt<bool> printBeforeAll("print-ir-before-all",
                             cl::desc("Print the IR before every pass (on stderr)"),
                             cl::init(false), cl::cat(irCategory));
cl::list<std::string> printAfter("print-ir-after",
                                 cl::desc("Print the IR after these passes or phases (import, "
                                          "graph, tiled, llvm); comma-separated, repeatable"),
                                 cl::CommaSeparated, cl::value_desc("pass"), cl::cat(irCategory));
cl::list<std::string> printBefore("print-ir-before",
                                  cl::desc("Print the IR before these passes; comma-separated, "
                                           "repeatable"),
                                  cl::CommaSeparated, cl::value_desc("pass"), cl::cat(irCategory));
cl::opt<bool> timing("timing", cl::desc("Print the time of every phase and pass (on stderr)"),
                     cl::init(false), cl::cat(irCategory));
cl::opt<bool> opStats("op-stats", cl::desc("Print how many ops of each kind every phase leaves "
                                           "(on stderr)"),
                      cl::init(false), cl::cat(irCategory));
cl::opt<bool> fusionReport("fusion-report",
                           cl::desc("List every fusion made and every near miss, by ONNX node "
                                    "names (on stderr)"),
                           cl::init(false), cl::cat(irCategory));
cl::opt<bool> noFusion("no-fusion",
                       cl::desc("Skip graph fusion (attention, norms, conv/linear epilogues)"),
                       cl::init(false), cl::cat(toolCategory));
cl::opt<bool> verbose("v", cl::desc("Show progress through the phases (on stderr)"),
                      cl::init(false), cl::cat(irCategory));

int printSupportedOps() {
  // Constant nodes are imported by the graph importer itself, not the registry.
  std::vector<tessel::OpImporterInfo> ops = tessel::OpRegistry::get().all();
  ops.push_back({"Constant", 1, tessel::kMaxSupportedOpset, nullptr});
  llvm::sort(ops, [](const auto &a, const auto &b) { return StringRef(a.opType) < b.opType; });
  outs() << "| ONNX op | opsets |\n|---|---|\n";
  for (const auto &info : ops)
    outs() << "| " << info.opType << " | " << info.minOpset << "-" << info.maxOpset << " |\n";
  return 0;
}

int usageError(const llvm::Twine &message) {
  errs() << "tessel-compile: error: " << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&toolCategory, &irCategory});
  cl::ParseCommandLineOptions(argc, argv, "Tessel: compile an ONNX model to native code\n");
  if (listOps)
    return printSupportedOps();
  if (inputPath.empty() || outputPath.empty()) {
    errs() << "usage: tessel-compile MODEL.onnx -o OUTPUT [options]; see --help\n";
    return 1;
  }

  tessel::CompileOptions options;
  for (const std::string &binding : bindInputs) {
    auto [name, file] = StringRef(binding).split('=');
    if (name.empty() || file.empty())
      return usageError("--bind-input expects NAME=FILE, got '" + binding + "'");
    options.import.boundInputFiles[name.str()] = file.str();
  }
  for (const std::string &flag : inputShapes) {
    auto [name, dims] = StringRef(flag).split('=');
    auto shape = tessel::parseShapeList(dims);
    if (name.empty() || !StringRef(flag).contains('=') || !shape) {
      std::string why = shape ? "" : ": " + toString(shape.takeError());
      return usageError("--input-shape expects NAME=DIMS (e.g. x=1x3x224x224), got '" + flag +
                        "'" + why);
    }
    if (std::string clash = options.import.addInputShape(name, *shape); !clash.empty())
      return usageError("--input-shape " + clash);
  }
  for (const std::string &flag : dimSizes) {
    auto [symbol, size] = StringRef(flag).split('=');
    int64_t n;
    if (symbol.empty() || size.getAsInteger(10, n) || n < 0)
      return usageError("--dim expects SYMBOL=N with N >= 0 (e.g. batch=1), got '" + flag +
                        "'");
    if (std::string clash = options.import.addDimSize(symbol, n); !clash.empty())
      return usageError("--dim " + clash);
  }
  options.import.keepDynamicDims = keepDynamic;
  if (!emitKind.empty() && !(options.kind = tessel::parseArtifactKind(emitKind)))
    return usageError(inputPath + ": --emit must be obj, so or exe");
  options.outputPath = outputPath;
  options.compileTo = compileTo;
  options.targetCpu = targetCpu;
  options.targetFeatures = targetFeatures;
  options.tuneCpu = tuneCpu;
  options.vectorBits = vectorBits;
  options.optLevel = optLevel;
  options.fusion = !noFusion;
  tessel::CompileInspection &inspect = options.inspect;
  inspect.printAfterAll = printAfterAll;
  inspect.printBeforeAll = printBeforeAll;
  inspect.printAfter.assign(printAfter.begin(), printAfter.end());
  inspect.printBefore.assign(printBefore.begin(), printBefore.end());
  inspect.printLocations = printDebugInfo;
  inspect.printWeights = printWeights;
  inspect.timing = timing;
  inspect.opStats = opStats;
  inspect.fusionReport = fusionReport;
  inspect.verbose = verbose;
  options.log = &errs();

  tessel::ModelSource model;
  model.path = inputPath;
  tessel::CompileResult result = tessel::compile(model, options);
  if (result)
    return 0;
  errs() << "tessel-compile: "
         << (result.status == tessel::CompileStatus::InternalError ? "internal error: "
                                                                  : "error: ")
         << result.message << "\n";
  return 1;
}
