//===- tessel-compile.cpp - ONNX model -> native artifact -----------------===//
//
//   tessel-compile MODEL.onnx -o OUT[.so|.o]  [--compile-to=import|graph|tiled|llvm]
//
// Runs the phases of DESIGN.md in order, stopping early with
// --compile-to to print that phase's MLIR. Any problem with the input is one
// paragraph on stderr naming the file, the ONNX node and what is wrong, and
// exit code 1.
//
//===----------------------------------------------------------------------===//
#include "codegen/Linker.h"
#include "codegen/ObjectEmitter.h"
#include "codegen/Passes.h"
#include "codegen/Registration.h"
#include "frontend/OnnxImporter.h"
#include "frontend/OpRegistry.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"));
cl::opt<std::string> outputPath("o", cl::desc("Output: .so shared library, .o object, other: "
                                              "executable; MLIR text with --compile-to"),
                                cl::value_desc("path"));
enum class Phase { Import, Graph, Tiled, LLVM, Native };
cl::opt<Phase> compileTo(
    "compile-to", cl::desc("Stop after a phase and write its MLIR"), cl::init(Phase::Native),
    cl::values(clEnumValN(Phase::Import, "import", "tessel dialect, one op per ONNX node"),
               clEnumValN(Phase::Graph, "graph", "optimized tessel graph"),
               clEnumValN(Phase::Tiled, "tiled", "linalg on tensors"),
               clEnumValN(Phase::LLVM, "llvm", "LLVM dialect")));
cl::opt<std::string> emitKind("emit", cl::desc("Artifact kind, overriding -o's suffix"),
                              cl::value_desc("obj|so|exe"), cl::init(""));
cl::opt<std::string> targetCpu("target-cpu", cl::desc("CPU to generate code for (default: host)"),
                               cl::init(""));
cl::opt<std::string> targetFeatures("target-features",
                                    cl::desc("LLVM target features, e.g. +avx2,+fma"),
                                    cl::init(""));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level (0-3)"), cl::init(3),
                           cl::Prefix);
cl::opt<bool> printDebugInfo("print-locations",
                             cl::desc("Print op locations (ONNX node names) in MLIR output"),
                             cl::init(true));

cl::opt<bool> listOps("list-ops",
                      cl::desc("Print the supported ONNX ops and opsets as a Markdown table"));

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

/// One paragraph per error: "tessel-compile: error: FILE: node 'N': message".
void installDiagnosticHandler(mlir::MLIRContext &ctx) {
  ctx.getDiagEngine().registerHandler([](mlir::Diagnostic &diag) {
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

int writeText(mlir::ModuleOp module) {
  std::error_code ec;
  ToolOutputFile out(outputPath, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + outputPath + "': " + ec.message());
  mlir::OpPrintingFlags flags;
  if (printDebugInfo)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module->print(out.os(), flags);
  out.keep();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
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
  mlir::MLIRContext ctx(registry);
  installDiagnosticHandler(ctx);

  mlir::OwningOpRef<mlir::ModuleOp> module = tessel::importOnnxFile(ctx, inputPath);
  if (!module)
    return 1;
  if (compileTo == Phase::Import)
    return writeText(*module);

  auto runPhase = [&](void (*build)(mlir::OpPassManager &)) {
    mlir::PassManager pm(&ctx);
    build(pm);
    return mlir::succeeded(pm.run(*module));
  };
  if (!runPhase(tessel::buildGraphPipeline))
    return 1;
  if (compileTo == Phase::Graph)
    return writeText(*module);
  if (!runPhase(tessel::buildTiledPipeline))
    return 1;
  if (compileTo == Phase::Tiled)
    return writeText(*module);
  if (!runPhase(tessel::buildLLVMPipeline))
    return 1;
  if (compileTo == Phase::LLVM)
    return writeText(*module);

  tessel::TargetOptions target;
  target.cpu = targetCpu;
  target.features = targetFeatures;
  target.optLevel = optLevel;
  auto object = tessel::emitObjectFile(*module, target);
  if (!object)
    return fail(toString(object.takeError()));
  tessel::ArtifactKind kind = tessel::artifactKindForPath(outputPath);
  if (emitKind == "obj")
    kind = tessel::ArtifactKind::Object;
  else if (emitKind == "so")
    kind = tessel::ArtifactKind::SharedLibrary;
  else if (emitKind == "exe")
    kind = tessel::ArtifactKind::Executable;
  else if (!emitKind.empty())
    return fail("--emit must be obj, so or exe");
  if (auto err = tessel::writeArtifact(*object, outputPath, kind))
    return fail(toString(std::move(err)));
  return 0;
}
