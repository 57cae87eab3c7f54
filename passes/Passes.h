//===- Passes.h - Graph-level passes and the graph pipeline ---------------===//
#ifndef TESSEL_PASSES_PASSES_H
#define TESSEL_PASSES_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace tessel {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

struct GraphPipelineOptions {
  /// Run the fusion passes (tessel-compile --no-fusion turns them off).
  bool fusion = true;
  /// Have the fusion passes emit remarks for tessel-compile --fusion-report.
  bool report = false;
};

/// import -> graph: the optimized tessel graph (canonicalized, constants
/// folded, common subexpressions merged, then normalizations, attention and
/// conv/linear epilogues fused).
void buildGraphPipeline(mlir::OpPassManager &pm, const GraphPipelineOptions &options);
inline void buildGraphPipeline(mlir::OpPassManager &pm) {
  buildGraphPipeline(pm, GraphPipelineOptions());
}

/// Registers the graph passes and the `tessel-graph` pipeline with tessel-opt.
void registerGraphPipeline();

} // namespace tessel

#endif // TESSEL_PASSES_PASSES_H
