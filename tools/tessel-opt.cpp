//===- tessel-opt.cpp - mlir-opt with Tessel's dialect and passes ---------===//
#include "codegen/Registration.h"
#include "passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  tessel::registerTesselDialects(registry);
  tessel::registerTesselPasses();
  tessel::registerGraphPipeline();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tessel optimizer driver\n", registry));
}
