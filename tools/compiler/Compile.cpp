//===- Compile.cpp - ONNX model -> native artifact, as a library call -----===//
#include "tools/compiler/Compile.h"

#include "codegen/ObjectEmitter.h"
#include "codegen/Passes.h"
#include "codegen/Registration.h"
#include "codegen/Target/TargetDescription.h"
#include "dialects/Tessel/NodeNames.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <map>
#include <mutex>

using namespace llvm;

namespace tessel {
namespace {

/// Resource blobs whose printed hex string is longer than this are elided.
constexpr int64_t kElideResourceChars = 64;

const char *kPhaseNames[] = {"import", "graph", "tiled", "llvm", "native"};

double seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// The remarks of the fusion passes ("fused KIND (detail)" / "missed KIND:
/// reason") with the ONNX nodes they concern, in the order they were made.
struct FusionRemark {
  std::string message;
  std::vector<std::string> nodes;
};

/// Which passes ran (to check --print-ir-after/-before names) and -v lines.
struct PassTracker : mlir::PassInstrumentation {
  PassTracker(llvm::StringSet<> &seen, StringRef phase, raw_ostream *progress)
      : seen(seen), phase(phase.str()), progress(progress) {}
  llvm::StringSet<> &seen; // Outlives the pass managers: all phases share it.
  std::string phase;
  raw_ostream *progress;
  void runBeforePass(mlir::Pass *pass, mlir::Operation *op) override {
    StringRef arg = pass->getArgument();
    if (arg.empty())
      return; // Adaptors running nested pass managers.
    bool first = seen.insert(arg).second;
    if (progress && (first || isa<mlir::ModuleOp>(op)))
      *progress << "tessel-compile:   " << phase << ": " << arg << "\n";
  }
};

/// One compile: the options, the context, what went wrong first.
class Compilation {
public:
  Compilation(const ModelSource &model, const CompileOptions &options)
      : model(model), options(options), inspect(options.inspect),
        log(options.log ? *options.log : llvm::nulls()) {}

  CompileResult run();

private:
  const ModelSource &model;
  const CompileOptions &options;
  const CompileInspection &inspect;
  raw_ostream &log;
  CompileResult result;
  std::vector<FusionRemark> fusionRemarks;
  bool sawError = false;

  CompileResult &fail(const Twine &message,
                      CompileStatus status = CompileStatus::Refused) {
    if (result.status == CompileStatus::Ok) {
      result.status = status;
      result.message = (model.path + ": " + message).str();
    }
    return result;
  }
  void installDiagnosticHandler(mlir::MLIRContext &ctx);
  mlir::OpPrintingFlags printingFlags() const;
  std::string elisionNote(mlir::ModuleOp module) const;
  void printModule(mlir::ModuleOp module, raw_ostream &os) const;
  bool writeText(mlir::ModuleOp module);
  void printOpStats(mlir::ModuleOp module, StringRef phase) const;
  void printFusionReport();
  bool wantsPhaseDump(StringRef phase) const {
    return inspect.printAfterAll || llvm::is_contained(inspect.printAfter, phase);
  }
};

/// The first error is the message: "node 'N': message" (one line); the rest
/// is fallout. Fusion remarks are collected for the report.
void Compilation::installDiagnosticHandler(mlir::MLIRContext &ctx) {
  ctx.getDiagEngine().registerHandler([this](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Remark && inspect.fusionReport) {
      llvm::SetVector<StringRef> names;
      collectNodeNames(diag.getLocation(), names);
      fusionRemarks.push_back({diag.str(), std::vector<std::string>(names.begin(), names.end())});
      return mlir::success();
    }
    if (diag.getSeverity() != mlir::DiagnosticSeverity::Error)
      return mlir::success();
    if (sawError)
      return mlir::success();
    sawError = true;
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
    fail(where + message);
    return mlir::success();
  });
}

mlir::OpPrintingFlags Compilation::printingFlags() const {
  mlir::OpPrintingFlags flags;
  if (inspect.printLocations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  if (!inspect.printWeights)
    flags.elideLargeResourceString(kElideResourceChars);
  return flags;
}

/// "// 62 weight blobs (46.7 MB) ..." when printing leaves weights out.
std::string Compilation::elisionNote(mlir::ModuleOp module) const {
  if (inspect.printWeights)
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

void Compilation::printModule(mlir::ModuleOp module, raw_ostream &os) const {
  os << elisionNote(module);
  module->print(os, printingFlags());
  os << "\n";
}

bool Compilation::writeText(mlir::ModuleOp module) {
  if (options.outputPath.empty())
    return true; // Only checking that the phases run (the fuzzer).
  std::error_code ec;
  ToolOutputFile out(options.outputPath, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + options.outputPath + "': " + ec.message()), false;
  printModule(module, out.os());
  out.keep();
  return true;
}

/// --op-stats: ops by name, most frequent first.
void Compilation::printOpStats(mlir::ModuleOp module, StringRef phase) const {
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
  log << "tessel-compile: op stats after " << phase << ": " << total << " ops, " << rows.size()
      << " kinds\n";
  for (const auto &[name, n] : rows)
    log << format("%8zu  ", n) << name << "\n";
}

/// --fusion-report: one line per fusion and per near miss, then a summary.
void Compilation::printFusionReport() {
  std::map<std::string, int> fusedCounts;
  int missed = 0;
  log << "tessel-compile: fusion report for " << model.path << "\n";
  for (const FusionRemark &r : fusionRemarks) {
    StringRef msg = r.message;
    bool isFused = msg.consume_front("fused ");
    if (!isFused)
      msg.consume_front("missed ");
    StringRef kind = msg.take_until([](char c) { return c == ' ' || c == ':'; });
    std::string nodes = llvm::join(r.nodes, ", ");
    if (isFused) {
      ++fusedCounts[kind.str()];
      log << "  fused   " << msg << "\n          nodes: " << nodes << "\n";
    } else {
      ++missed;
      log << "  missed  " << msg << "\n          at: " << nodes << "\n";
    }
  }
  int total = 0;
  std::string counts;
  for (auto &[kind, n] : fusedCounts) {
    total += n;
    counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  }
  log << "  summary: " << total << " fusions" << (counts.empty() ? "" : " (" + counts + ")")
      << ", " << missed << " near misses\n";
}

CompileResult Compilation::run() {
  if (options.outputPath.empty() && options.compileTo == CompilePhase::Native)
    return fail("no output path");
  // Passes must be registered for --print-ir-after/-before to name them.
  static std::once_flag registered;
  std::call_once(registered, [] {
    registerTesselPasses();
    registerGraphPipeline();
  });

  mlir::DialectRegistry registry;
  registerTesselDialects(registry);
  mlir::MLIRContext ctx(registry, options.multithreaded
                                      ? mlir::MLIRContext::Threading::ENABLED
                                      : mlir::MLIRContext::Threading::DISABLED);
  installDiagnosticHandler(ctx);

  // --print-ir-* names: phases, or registered passes.
  for (const std::string &name : llvm::concat<const std::string>(inspect.printAfter,
                                                                inspect.printBefore)) {
    bool isPhase = llvm::is_contained(ArrayRef(kPhaseNames, 4), StringRef(name));
    if (!isPhase && !mlir::PassInfo::lookup(name))
      return fail("--print-ir-after/--print-ir-before: no pass or phase named '" + name +
                  "' (phases: import, graph, tiled, llvm; passes: see -v or tessel-opt --help)");
  }
  bool printingIR = inspect.printAfterAll || inspect.printBeforeAll ||
                    !inspect.printAfter.empty() || !inspect.printBefore.empty();
  if (printingIR)
    ctx.disableMultithreading(); // Module-scope dumps need one thread.

  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(inspect.timing);
  timingManager.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  timingManager.setOutput(
      mlir::createOutputStrategy(mlir::DefaultTimingManager::OutputFormat::Text, log));
  mlir::TimingScope rootTiming = timingManager.getRootScope();
  llvm::StringSet<> passesRun;
  raw_ostream *progressLog = inspect.verbose ? &log : nullptr;
  double compileStart = seconds();

  auto dumpAfterPhase = [&](mlir::ModuleOp module, StringRef phase) {
    if (inspect.opStats)
      printOpStats(module, phase);
    if (wantsPhaseDump(phase)) {
      log << "// -----// IR Dump After phase " << phase << " //----- //\n";
      printModule(module, log);
    }
  };

  double phaseStart = seconds();
  if (progressLog)
    log << "tessel-compile: import " << model.path << "\n";
  mlir::OwningOpRef<mlir::ModuleOp> module;
  {
    mlir::TimingScope importTiming = rootTiming.nest("import (ONNX -> tessel)");
    module = model.bytes ? importOnnxBytes(ctx, *model.bytes, model.path, model.baseDir,
                                           options.import)
                         : importOnnxFile(ctx, model.path, options.import);
  }
  if (!module)
    return fail("the model was refused without a diagnostic", CompileStatus::InternalError);
  // What the importer returns must be valid IR: anything else is a bug, told
  // apart from a refused model (the fuzzer aborts on it).
  if (mlir::failed(mlir::verify(*module))) {
    std::string verifierMessage = result.message; // From the diagnostic handler, if any.
    result = CompileResult();
    return fail("the importer produced invalid IR" +
                    (verifierMessage.empty() ? "" : ": " + verifierMessage),
                CompileStatus::InternalError);
  }
  auto progress = [&](StringRef phase, bool countOps = true) {
    if (!progressLog)
      return;
    size_t ops = 0;
    (*module)->walk([&](mlir::Operation *) { ++ops; });
    log << "tessel-compile: " << phase << " done in " << format("%.2f", seconds() - phaseStart)
        << " s";
    if (countOps)
      log << " (" << ops - 1 << " ops)";
    log << "\n";
    phaseStart = seconds();
  };
  // The CPU codegen tiles for and the object code targets (checked before
  // any work, recorded on the module when codegen starts).
  auto target = describeTarget("", options.targetCpu, options.targetFeatures);
  if (!target)
    return fail(toString(target.takeError()));
  // The description the kernels are chosen for: the target's, or
  // --tune-cpu's, narrowed to --vector-bits.
  llvm::Expected<TargetDescription> tuning =
      options.tuneCpu.empty() ? llvm::Expected<TargetDescription>(*target)
                              : describeTarget("", options.tuneCpu, "");
  if (!tuning)
    return fail(toString(tuning.takeError()));
  if (unsigned bits = options.vectorBits) {
    if (bits != 128 && bits != 256 && bits != 512)
      return fail("--vector-bits: " + std::to_string(bits) + " is not 128, 256 or 512");
    if (bits > tuning->vectorBits)
      return fail("--vector-bits: " + std::to_string(bits) + " is wider than the " +
                  std::to_string(tuning->vectorBits) + "-bit vectors of CPU '" + tuning->cpu +
                  "'");
    tuning->vectorBits = bits;
  }
  progress("import");
  dumpAfterPhase(*module, "import");
  if (options.compileTo == CompilePhase::Import)
    return writeText(*module), result;

  auto runPhase = [&](StringRef phase, llvm::function_ref<void(mlir::OpPassManager &)> build) {
    if (progressLog)
      log << "tessel-compile: " << phase << "\n";
    mlir::PassManager pm(&ctx);
    build(pm);
    pm.addInstrumentation(std::make_unique<PassTracker>(passesRun, phase, progressLog));
    if (printingIR) {
      auto matches = [](const std::vector<std::string> &names, bool all) {
        return [&names, all](mlir::Pass *pass, mlir::Operation *) {
          return all || llvm::is_contained(names, pass->getArgument());
        };
      };
      pm.enableIRPrinting(matches(inspect.printBefore, inspect.printBeforeAll),
                          matches(inspect.printAfter, inspect.printAfterAll),
                          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false,
                          /*printAfterOnlyOnFailure=*/false, log, printingFlags());
    }
    mlir::TimingScope phaseTiming = rootTiming.nest(phase);
    if (inspect.timing)
      pm.enableTiming(phaseTiming); // Last: times no other instrumentation.
    bool ok = mlir::succeeded(pm.run(*module));
    phaseTiming.stop();
    if (ok) {
      progress(phase);
      dumpAfterPhase(*module, phase);
    } else if (result.status == CompileStatus::Ok) {
      fail("the " + phase + " phase failed without a diagnostic", CompileStatus::InternalError);
    }
    return ok;
  };
  auto checkPrintNames = [&]() {
    for (const std::string &name : llvm::concat<const std::string>(inspect.printAfter,
                                                                  inspect.printBefore))
      if (!llvm::is_contained(ArrayRef(kPhaseNames, 4), StringRef(name)) &&
          !passesRun.contains(name))
        log << "tessel-compile: warning: --print-ir-after/--print-ir-before: pass '" << name
            << "' did not run up to --compile-to=" << kPhaseNames[(int)options.compileTo]
            << "\n";
  };

  GraphPipelineOptions graphOptions;
  graphOptions.fusion = options.fusion;
  graphOptions.report = inspect.fusionReport;
  bool graphOk = runPhase("graph", [&](mlir::OpPassManager &pm) {
    buildGraphPipeline(pm, graphOptions);
  });
  if (inspect.fusionReport && graphOk)
    printFusionReport();
  if (!graphOk)
    return result;
  if (options.compileTo == CompilePhase::Graph)
    return checkPrintNames(), writeText(*module), result;
  (*module)->setAttr(kTargetAttrName, tuning->toAttr(&ctx));
  if (!runPhase("tiled", buildTiledPipeline))
    return result;
  if (options.compileTo == CompilePhase::Tiled)
    return checkPrintNames(), writeText(*module), result;
  if (!runPhase("llvm", buildLLVMPipeline))
    return result;
  if (progressLog)
    if (auto arena = (*module)->getAttrOfType<mlir::IntegerAttr>(kArenaBytesAttrName))
      log << "tessel-compile: memory plan: the intermediate tensors share " << arena.getInt()
          << " bytes (" << format("%.2f", arena.getInt() / 1048576.0) << " MiB)\n";
  checkPrintNames();
  if (options.compileTo == CompilePhase::LLVM)
    return writeText(*module), result;

  TargetOptions emitOptions;
  emitOptions.cpu = target->cpu;
  emitOptions.features = target->features;
  emitOptions.optLevel = options.optLevel;
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
    if (progressLog)
      log << "tessel-compile: " << step << "\n";
  };
  auto object = emitObjectFile(*module, emitOptions);
  stepTiming.reset();
  if (!object)
    return fail(toString(object.takeError()));
  releaseFreedMemory(); // The LLVM module's copy of the weights is gone.
  progress("object code", /*countOps=*/false);
  ArtifactKind kind = options.kind.value_or(artifactKindForPath(options.outputPath));
  if (progressLog)
    log << "tessel-compile: write " << options.outputPath << "\n";
  {
    mlir::TimingScope linkTiming = rootTiming.nest("link / write");
    if (auto err = writeArtifact(StringRef(object->object.data(), object->object.size()),
                                 object->weightsAssembly, options.outputPath, kind))
      return fail(toString(std::move(err)));
  }
  if (progressLog)
    log << "tessel-compile: wrote " << options.outputPath << " in "
        << format("%.2f", seconds() - compileStart) << " s\n";
  return result;
}

} // namespace

CompileResult compile(const ModelSource &model, const CompileOptions &options) {
  return Compilation(model, options).run();
}

} // namespace tessel
