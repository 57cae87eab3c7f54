//===- Registration.cpp - Dialects, interfaces and passes Tessel uses -----===//
//
// The one translation unit that includes MLIR's heavy InitAll headers.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/Registration.h"

#include "dialects/Tessel/TesselDialect.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

namespace tessel {

void registerTesselDialects(mlir::DialectRegistry &registry) {
  registry.insert<TesselDialect>();
  // Upstream dialects plus their external interface models (bufferization,
  // tiling, conversion to LLVM) that the codegen pipelines rely on.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
}

void registerTesselPasses() {
  static bool once = [] {
    mlir::registerAllPasses();
    registerCodegenPasses();
    return true;
  }();
  (void)once;
}

} // namespace tessel
