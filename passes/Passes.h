//===- Passes.h - Graph-level passes and the graph pipeline ---------------===//
#ifndef TESSEL_PASSES_PASSES_H
#define TESSEL_PASSES_PASSES_H

#include "mlir/Pass/PassManager.h"

namespace tessel {

/// import -> graph: the optimized tessel graph (canonicalized, constants
/// folded, common subexpressions merged). Fusion passes join here.
void buildGraphPipeline(mlir::OpPassManager &pm);

} // namespace tessel

#endif // TESSEL_PASSES_PASSES_H
