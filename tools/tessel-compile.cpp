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
#include "codegen/Linker.h"
#include "codegen/ObjectEmitter.h"
#include "codegen/Passes.h"
#include "codegen/Registration.h"
#include "codegen/Target/TargetDescription.h"
#include "dialects/Tessel/NodeNames.h"
#include "frontend/OnnxImporter.h"
#include "frontend/OpRegistry.h"
#include "frontend/ShapeSpecialization.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <map>

using namespace llvm;

namespace {

cl::OptionCategory toolCategory("tessel-compile options");
cl::OptionCategory irCategory("Reading the IR and the compiler's work");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"), cl::cat(toolCategory));
cl::opt<std::string> outputPath("o", cl::desc("Output: .so shared library, .o object, other: "
                                              "executable; MLIR text with --compile-to"),
                                cl::value_desc("path"), cl::cat(toolCategory));
enum class Phase { Import, Graph, Tiled, LLVM, Native };
cl::opt<Phase> compileTo(
    "compile-to", cl::desc("Stop after a phase and write its MLIR"), cl::init(Phase::Native),
    cl::values(clEnumValN(Phase::Import, "import", "tessel dialect, one op per ONNX node"),
               clEnumValN(Phase::Graph, "graph", "optimized tessel graph"),
               clEnumValN(Phase::Tiled, "tiled", "one function per kernel, linalg on tensors"),
               clEnumValN(Phase::LLVM, "llvm", "LLVM dialect")),
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

/// Resource blobs whose printed hex string is longer than this are elided.
constexpr int64_t kElideResourceChars = 64;

const char *kPhaseNames[] = {"import", "graph", "tiled", "llvm", "native"};

int errors = 0;

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

/// The remarks of the fusion passes ("fused KIND (detail)" / "missed KIND:
/// reason") with the ONNX nodes they concern, in the order they were made.
struct FusionRemark {
  std::string message;
  std::vector<std::string> nodes;
};
std::vector<FusionRemark> fusionRemarks;

/// --fusion-report: one line per fusion and per near miss, then a summary.
void printFusionReport() {
  std::map<std::string, int> fusedCounts;
  int missed = 0;
  errs() << "tessel-compile: fusion report for " << inputPath << "\n";
  for (const FusionRemark &r : fusionRemarks) {
    StringRef msg = r.message;
    bool isFused = msg.consume_front("fused ");
    if (!isFused)
      msg.consume_front("missed ");
    StringRef kind = msg.take_until([](char c) { return c == ' ' || c == ':'; });
    std::string nodes = llvm::join(r.nodes, ", ");
    if (isFused) {
      ++fusedCounts[kind.str()];
      errs() << "  fused   " << msg << "\n          nodes: " << nodes << "\n";
    } else {
      ++missed;
      errs() << "  missed  " << msg << "\n          at: " << nodes << "\n";
    }
  }
  int total = 0;
  std::string counts;
  for (auto &[kind, n] : fusedCounts) {
    total += n;
    counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  }
  errs() << "  summary: " << total << " fusions" << (counts.empty() ? "" : " (" + counts + ")")
         << ", " << missed << " near misses\n";
}

/// One paragraph per error: "tessel-compile: error: FILE: node 'N': message".
void installDiagnosticHandler(mlir::MLIRContext &ctx) {
  ctx.getDiagEngine().registerHandler([](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Remark && fusionReport) {
      llvm::SetVector<StringRef> names;
      tessel::collectNodeNames(diag.getLocation(), names);
      fusionRemarks.push_back({diag.str(), std::vector<std::string>(names.begin(), names.end())});
      return mlir::success();
    }
    if (diag.getSeverity() != mlir::DiagnosticSeverity::Error)
      return mlir::success();
    if (errors++ > 0)
      return mlir::success(); // The first error is the cause; the rest is fallout.
    std::string where;
    if (auto name = dyn_cast<mlir::NameLoc>(diag.getLocation()))
      where = "node '" + name.getName().str() + "': ";
    std::string message = diag.str();
    for (char &c : message)
      if (c == '\n')
        c = ' ';
    // Messages from the importer already name the node.
    if (StringRef(message).contains(" node '"))
      where.clear();
    errs() << "tessel-compile: error: " << inputPath << ": " << where << message << "\n";
    return mlir::success();
  });
}

int fail(const Twine &message) {
  errs() << "tessel-compile: error: " << inputPath << ": " << message << "\n";
  return 1;
}

double seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

mlir::OpPrintingFlags printingFlags() {
  mlir::OpPrintingFlags flags;
  if (printDebugInfo)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  if (!printWeights)
    flags.elideLargeResourceString(kElideResourceChars);
  return flags;
}

/// "// 62 weight blobs (46.7 MB) ..." when printing leaves weights out.
std::string elisionNote(mlir::ModuleOp module) {
  if (printWeights)
    return "";
  llvm::StringSet<> seen;
  size_t count = 0, bytes = 0;
  module->walk([&](mlir::Operation *op) {
    for (mlir::NamedAttribute attr : op->getAttrs())
      attr.getValue().walk([&](mlir::DenseResourceElementsAttr r) {
        mlir::AsmResourceBlob *blob = r.getRawHandle().getBlob();
        if (!blob || !seen.insert(r.getRawHandle().getKey()).second)
          return;
        // Printed as "0x" + hex of a 4-byte alignment header + the data.
        size_t size = blob->getData().size();
        if ((int64_t)(2 + 2 * (4 + size)) > kElideResourceChars) {
          ++count;
          bytes += size;
        }
      });
  });
  if (!count)
    return "";
  std::string note;
  raw_string_ostream os(note);
  os << "// tessel-compile: " << count << " weight blob" << (count == 1 ? "" : "s") << " ("
     << (bytes >= 1000000 ? format("%.1f MB", (double)bytes / 1e6)
                          : format("%.1f kB", (double)bytes / 1e3))
     << ") left out of dialect_resources; dense_resource<NAME> references stay. "
        "--print-weights keeps them.\n";
  return note;
}

void printModule(mlir::ModuleOp module, raw_ostream &os) {
  os << elisionNote(module);
  module->print(os, printingFlags());
  os << "\n";
}

int writeText(mlir::ModuleOp module) {
  std::error_code ec;
  ToolOutputFile out(outputPath, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + outputPath + "': " + ec.message());
  printModule(module, out.os());
  out.keep();
  return 0;
}

/// --op-stats: ops by name, most frequent first.
void printOpStats(mlir::ModuleOp module, StringRef phase) {
  std::map<std::string, size_t> counts;
  size_t total = 0;
  module->walk([&](mlir::Operation *op) {
    if (op == module.getOperation())
      return;
    ++counts[op->getName().getStringRef().str()];
    ++total;
  });
  std::vector<std::pair<std::string, size_t>> rows(counts.begin(), counts.end());
  llvm::stable_sort(rows, [](const auto &a, const auto &b) { return a.second > b.second; });
  errs() << "tessel-compile: op stats after " << phase << ": " << total << " ops, "
         << rows.size() << " kinds\n";
  for (const auto &[name, n] : rows)
    errs() << format("%8zu  ", n) << name << "\n";
}

/// Which passes ran (to check --print-ir-after/-before names) and -v lines.
struct PassTracker : mlir::PassInstrumentation {
  PassTracker(llvm::StringSet<> &seen, StringRef phase) : seen(seen), phase(phase.str()) {}
  llvm::StringSet<> &seen; // Outlives the pass managers: all phases share it.
  std::string phase;
  void runBeforePass(mlir::Pass *pass, mlir::Operation *op) override {
    StringRef arg = pass->getArgument();
    if (arg.empty())
      return; // Adaptors running nested pass managers.
    bool first = seen.insert(arg).second;
    if (verbose && (first || isa<mlir::ModuleOp>(op)))
      errs() << "tessel-compile:   " << phase << ": " << arg << "\n";
  }
};

bool wantsPhaseDump(StringRef phase) {
  return printAfterAll || llvm::is_contained(printAfter, phase);
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

  mlir::DialectRegistry registry;
  tessel::registerTesselDialects(registry);
  tessel::registerTesselPasses();
  tessel::registerGraphPipeline();
  mlir::MLIRContext ctx(registry);
  installDiagnosticHandler(ctx);

  // --print-ir-* names: phases, or registered passes.
  for (const std::string &name : llvm::concat<std::string>(printAfter, printBefore)) {
    bool isPhase = llvm::is_contained(ArrayRef(kPhaseNames, 4), StringRef(name));
    if (!isPhase && !mlir::PassInfo::lookup(name))
    {
      errs() << "tessel-compile: error: --print-ir-after/--print-ir-before: no pass or phase "
                "named '"
             << name << "' (phases: import, graph, tiled, llvm; passes: see -v or tessel-opt "
                        "--help)\n";
      return 1;
    }
  }
  bool printingIR = printAfterAll || printBeforeAll || !printAfter.empty() || !printBefore.empty();
  if (printingIR)
    ctx.disableMultithreading(); // Module-scope dumps need one thread.

  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  timingManager.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  mlir::TimingScope rootTiming = timingManager.getRootScope();
  llvm::StringSet<> passesRun;
  double compileStart = seconds();

  auto dumpAfterPhase = [&](mlir::ModuleOp module, StringRef phase) {
    if (opStats)
      printOpStats(module, phase);
    if (wantsPhaseDump(phase)) {
      errs() << "// -----// IR Dump After phase " << phase << " //----- //\n";
      printModule(module, errs());
    }
  };

  double phaseStart = seconds();
  if (verbose)
    errs() << "tessel-compile: import " << inputPath << "\n";
  mlir::OwningOpRef<mlir::ModuleOp> module;
  {
    mlir::TimingScope importTiming = rootTiming.nest("import (ONNX -> tessel)");
    tessel::ImportOptions options;
    for (const std::string &binding : bindInputs) {
      auto [name, file] = StringRef(binding).split('=');
      if (name.empty() || file.empty()) {
        errs() << "tessel-compile: error: --bind-input expects NAME=FILE, got '" << binding
               << "'\n";
        return 1;
      }
      options.boundInputFiles[name.str()] = file.str();
    }
    for (const std::string &flag : inputShapes) {
      auto [name, dims] = StringRef(flag).split('=');
      auto shape = tessel::parseShapeList(dims);
      if (name.empty() || !StringRef(flag).contains('=') || !shape) {
        errs() << "tessel-compile: error: --input-shape expects NAME=DIMS (e.g. "
                  "x=1x3x224x224), got '"
               << flag << "'";
        if (!shape)
          errs() << ": " << toString(shape.takeError());
        errs() << "\n";
        return 1;
      }
      if (!options.inputShapes.emplace(name.str(), *shape).second) {
        errs() << "tessel-compile: error: --input-shape gives input '" << name
               << "' more than once\n";
        return 1;
      }
    }
    for (const std::string &flag : dimSizes) {
      auto [symbol, size] = StringRef(flag).split('=');
      int64_t n;
      if (symbol.empty() || size.getAsInteger(10, n) || n < 0) {
        errs() << "tessel-compile: error: --dim expects SYMBOL=N with N >= 0 (e.g. batch=1), "
                  "got '"
               << flag << "'\n";
        return 1;
      }
      auto [it, inserted] = options.dims.emplace(symbol.str(), n);
      if (!inserted && it->second != n) {
        errs() << "tessel-compile: error: --dim gives '" << symbol << "' two sizes (" << it->second
               << " and " << n << ")\n";
        return 1;
      }
    }
    module = tessel::importOnnxFile(ctx, inputPath, options);
  }
  if (!module)
    return 1;
  auto progress = [&](StringRef phase, bool countOps = true) {
    if (!verbose)
      return;
    size_t ops = 0;
    (*module)->walk([&](mlir::Operation *) { ++ops; });
    errs() << "tessel-compile: " << phase << " done in " << format("%.2f", seconds() - phaseStart)
           << " s";
    if (countOps)
      errs() << " (" << ops - 1 << " ops)";
    errs() << "\n";
    phaseStart = seconds();
  };
  // The CPU codegen tiles for and the object code targets (checked before
  // any work, recorded on the module when codegen starts).
  auto target = tessel::describeTarget("", targetCpu, targetFeatures);
  if (!target)
    return fail(toString(target.takeError()));
  // The description the kernels are chosen for: the target's, or
  // --tune-cpu's, narrowed to --vector-bits.
  llvm::Expected<tessel::TargetDescription> tuning =
      tuneCpu.empty() ? llvm::Expected<tessel::TargetDescription>(*target)
                      : tessel::describeTarget("", tuneCpu, "");
  if (!tuning)
    return fail(toString(tuning.takeError()));
  if (vectorBits) {
    if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512)
      return fail("--vector-bits: " + std::to_string(vectorBits) +
                  " is not 128, 256 or 512");
    if (vectorBits > tuning->vectorBits)
      return fail("--vector-bits: " + std::to_string(vectorBits) + " is wider than the " +
                  std::to_string(tuning->vectorBits) + "-bit vectors of CPU '" + tuning->cpu +
                  "'");
    tuning->vectorBits = vectorBits;
  }
  progress("import");
  dumpAfterPhase(*module, "import");
  if (compileTo == Phase::Import)
    return writeText(*module);

  auto runPhase = [&](StringRef phase, llvm::function_ref<void(mlir::OpPassManager &)> build) {
    if (verbose)
      errs() << "tessel-compile: " << phase << "\n";
    mlir::PassManager pm(&ctx);
    build(pm);
    pm.addInstrumentation(std::make_unique<PassTracker>(passesRun, phase));
    if (printingIR) {
      auto matches = [](const cl::list<std::string> &names, bool all) {
        return [&names, all](mlir::Pass *pass, mlir::Operation *) {
          return all || llvm::is_contained(names, pass->getArgument());
        };
      };
      pm.enableIRPrinting(matches(printBefore, printBeforeAll), matches(printAfter, printAfterAll),
                          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false,
                          /*printAfterOnlyOnFailure=*/false, errs(), printingFlags());
    }
    mlir::TimingScope phaseTiming = rootTiming.nest(phase);
    if (timing)
      pm.enableTiming(phaseTiming); // Last: times no other instrumentation.
    bool ok = mlir::succeeded(pm.run(*module));
    phaseTiming.stop();
    if (ok) {
      progress(phase);
      dumpAfterPhase(*module, phase);
    }
    return ok;
  };
  auto checkPrintNames = [&]() {
    for (const std::string &name : llvm::concat<std::string>(printAfter, printBefore))
      if (!llvm::is_contained(ArrayRef(kPhaseNames, 4), StringRef(name)) &&
          !passesRun.contains(name))
        errs() << "tessel-compile: warning: --print-ir-after/--print-ir-before: pass '" << name
               << "' did not run up to --compile-to=" << kPhaseNames[(int)compileTo.getValue()]
               << "\n";
  };

  tessel::GraphPipelineOptions graphOptions;
  graphOptions.fusion = !noFusion;
  graphOptions.report = fusionReport;
  bool graphOk = runPhase("graph", [&](mlir::OpPassManager &pm) {
    tessel::buildGraphPipeline(pm, graphOptions);
  });
  if (fusionReport && graphOk)
    printFusionReport();
  if (!graphOk)
    return 1;
  if (compileTo == Phase::Graph)
    return checkPrintNames(), writeText(*module);
  (*module)->setAttr(tessel::kTargetAttrName, tuning->toAttr(&ctx));
  if (!runPhase("tiled", tessel::buildTiledPipeline))
    return 1;
  if (compileTo == Phase::Tiled)
    return checkPrintNames(), writeText(*module);
  if (!runPhase("llvm", tessel::buildLLVMPipeline))
    return 1;
  if (verbose)
    if (auto arena = (*module)->getAttrOfType<mlir::IntegerAttr>(tessel::kArenaBytesAttrName))
      errs() << "tessel-compile: memory plan: the intermediate tensors share "
             << arena.getInt() << " bytes (" << format("%.2f", arena.getInt() / 1048576.0)
             << " MiB)\n";
  checkPrintNames();
  if (compileTo == Phase::LLVM)
    return writeText(*module);

  tessel::TargetOptions emitOptions;
  emitOptions.cpu = target->cpu;
  emitOptions.features = target->features;
  emitOptions.optLevel = optLevel;
  emitOptions.discardInput = true; // Nothing reads the MLIR module after this.
  // Large weights bypass LLVM: written once to a file that the link
  // assembles in (ExternalWeights.h).
  llvm::SmallString<128> weightsPath;
  if (auto ec = llvm::sys::fs::createTemporaryFile("tessel-weights", "bin", weightsPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeWeights(weightsPath);
  emitOptions.externalWeightsPath = std::string(weightsPath);
  std::optional<mlir::TimingScope> stepTiming;
  emitOptions.onStep = [&](StringRef step) {
    if (stepTiming)
      stepTiming->stop();
    stepTiming.emplace(rootTiming.nest(step));
    if (verbose)
      errs() << "tessel-compile: " << step << "\n";
  };
  auto object = tessel::emitObjectFile(*module, emitOptions);
  stepTiming.reset();
  if (!object)
    return fail(toString(object.takeError()));
  tessel::releaseFreedMemory(); // The LLVM module's copy of the weights is gone.
  progress("object code", /*countOps=*/false);
  tessel::ArtifactKind kind = tessel::artifactKindForPath(outputPath);
  if (emitKind == "obj")
    kind = tessel::ArtifactKind::Object;
  else if (emitKind == "so")
    kind = tessel::ArtifactKind::SharedLibrary;
  else if (emitKind == "exe")
    kind = tessel::ArtifactKind::Executable;
  else if (!emitKind.empty())
    return fail("--emit must be obj, so or exe");
  if (verbose)
    errs() << "tessel-compile: write " << outputPath << "\n";
  {
    mlir::TimingScope linkTiming = rootTiming.nest("link / write");
    if (auto err = tessel::writeArtifact(StringRef(object->object.data(), object->object.size()),
                                         object->weightsAssembly, outputPath, kind))
      return fail(toString(std::move(err)));
  }
  if (verbose)
    errs() << "tessel-compile: wrote " << outputPath << " in "
           << format("%.2f", seconds() - compileStart) << " s\n";
  return 0;
}
