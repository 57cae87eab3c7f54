//===- Passes.cpp - The graph pipeline ------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Transforms/Passes.h"

namespace tessel {

void buildGraphPipeline(mlir::OpPassManager &pm) {
  // Folds reshape chains, identity transposes and single-input concats, and
  // dedups repeated subgraphs; op folders live in dialects/Tessel.
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

} // namespace tessel
