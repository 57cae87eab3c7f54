//===- ObjectEmitter.cpp --------------------------------------------------===//
#include "codegen/ObjectEmitter.h"
#include "codegen/ExternalWeights.h"
#include "codegen/Target/TargetDescription.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace tessel {

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

void releaseFreedMemory() {
#ifdef __GLIBC__
  // Weights are freed as many mid-sized heap blocks, which glibc keeps
  // mapped; hand their pages back so that the peak holds one copy less.
  malloc_trim(0);
#endif
}

/// Releases the data of every resource blob of the builtin dialect (the
/// weights): after translation, only the LLVM module's copy is read.
static void discardWeightBlobs(mlir::MLIRContext *ctx) {
  auto &manager = mlir::DenseResourceElementsHandle::getManagerInterface(ctx).getBlobManager();
  std::vector<std::string> names;
  manager.getBlobMap([&](const llvm::StringMap<mlir::DialectResourceBlobManager::BlobEntry> &map) {
    for (const auto &entry : map)
      names.push_back(entry.getKey().str());
  });
  for (const std::string &name : names)
    manager.update(name, mlir::AsmResourceBlob());
}

llvm::Expected<EmittedObject> emitObjectFile(mlir::ModuleOp module, const TargetOptions &options) {
  initializeNativeTarget();

  auto step = [&](llvm::StringRef name) {
    if (options.onStep)
      options.onStep(name);
  };
  EmittedObject result;
  if (!options.externalWeightsPath.empty()) {
    step("write weights");
    auto assembly = externalizeWeights(module, options.externalWeightsPath);
    if (!assembly)
      return assembly.takeError();
    result.weightsAssembly = std::move(*assembly);
  }
  step("translate to LLVM IR");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = mlir::translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return fail("translation of the LLVM dialect to LLVM IR failed");
  if (options.discardInput) {
    module.getBody()->clear();
    discardWeightBlobs(module.getContext());
    releaseFreedMemory();
  }

  llvm::Triple triple(options.triple.empty() ? llvm::sys::getDefaultTargetTriple()
                                             : options.triple);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return fail("unknown target '" + triple.str() + "': " + error);
  // The same CPU and features the kernels were configured for.
  auto description = describeTarget(triple.str(), options.cpu, options.features);
  if (!description)
    return description.takeError();
  std::string cpu = description->cpu, features = description->features;
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive : llvm::CodeGenOptLevel::Default));
  if (!machine)
    return fail("cannot create a target machine for " + triple.str() + " / " + cpu);
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple);

  // The standard LLVM optimization pipeline (inlining, loop opts, SLP/loop
  // vectorization) over the generated loops.
  step("optimize LLVM IR");
  {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(machine.get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = options.optLevel >= 3   ? llvm::OptimizationLevel::O3
                                    : options.optLevel == 2 ? llvm::OptimizationLevel::O2
                                    : options.optLevel == 1 ? llvm::OptimizationLevel::O1
                                                            : llvm::OptimizationLevel::O0;
    llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0
                                      ? pb.buildO0DefaultPipeline(level)
                                      : pb.buildPerModuleDefaultPipeline(level);
    mpm.run(*llvmModule, mam);
  }

  step("emit object code");
  llvm::SmallVector<char, 0> &object = result.object;
  // Room for the weights (constant globals) and the code up front: a vector
  // doubling its way up to hundreds of megabytes would hold two copies while
  // it grows.
  uint64_t dataBytes = 0;
  const llvm::DataLayout &layout = llvmModule->getDataLayout();
  for (const llvm::GlobalVariable &g : llvmModule->globals())
    if (g.hasInitializer())
      dataBytes += layout.getTypeAllocSize(g.getValueType());
  object.reserve(dataBytes + dataBytes / 16 + (16u << 20));
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return fail("the target cannot emit object files");
  codegen.run(*llvmModule);
  llvmModule.reset(); // Before the caller writes the object: one copy less.
  return result;
}

} // namespace tessel
