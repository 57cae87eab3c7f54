//===- Passes.cpp - The graph pipeline ------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace tessel {

void buildGraphPipeline(mlir::OpPassManager &pm, const GraphPipelineOptions &options) {
  // Folds reshape chains, identity transposes and single-input concats, and
  // dedups repeated subgraphs; op folders live in dialects/Tessel.
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  if (!options.fusion)
    return;
  // Norms and attention first: they consume the Mul/Add/MatMul ops that
  // epilogue fusion would otherwise claim.
  mlir::OpPassManager &func = pm.nest<mlir::func::FuncOp>();
  func.addPass(createFuseNormalizations({options.report}));
  func.addPass(createFuseAttention({options.report}));
  func.addPass(createFuseEpilogues({options.report}));
  func.addPass(createFuseElementwise({options.report}));
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

void registerGraphPipeline() {
  registerGraphPasses();
  mlir::PassPipelineRegistration<>(
      "tessel-graph", "The import -> graph pipeline of tessel-compile",
      [](mlir::OpPassManager &pm) { buildGraphPipeline(pm); });
}

} // namespace tessel
