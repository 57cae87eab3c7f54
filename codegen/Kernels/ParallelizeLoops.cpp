//===- ParallelizeLoops.cpp - The tessel-parallelize-loops pass -----------===//
//
// The register-blocked kernels choose their own parallel loop; every other
// structured op (elementwise chains, norms, softmax, pooling, copies, pads)
// would lower to sequential loops and leave the other cores idle. This pass
// tiles the first parallel loop of each large enough one by 1 into an
// scf.parallel, which the pipeline turns into an OpenMP worksharing loop:
// each thread runs a contiguous range of that loop's iterations.
//
//===----------------------------------------------------------------------===//
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "codegen/Passes.h.inc"

namespace {

struct ParallelizeLoopsPass : impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      // Already inside a parallel loop, or a loop nest whose iterations
      // depend on each other (recurrences, attention blocks): those are
      // small, and nesting forks would only add overhead.
      if (op->getParentOfType<scf::ParallelOp>() || op->getParentOfType<scf::ForallOp>() ||
          op->getParentOfType<scf::ForOp>())
        return;
      if (op.hasPureBufferSemantics())
        candidates.push_back(op);
    });
    int64_t threshold = minIterations;
    if (threshold <= 0) {
      FailureOr<LoweringStrategy> strategy = getLoweringStrategyOrEmitError(getOperation());
      if (failed(strategy))
        return signalPassFailure();
      threshold = strategy->parallelMinIterations;
    }
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (llvm::any_of(ranges, ShapedType::isDynamic))
        continue;
      int64_t total = 1;
      for (int64_t r : ranges)
        total *= r;
      if (total < threshold)
        continue;
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      auto dim = llvm::find_if(llvm::seq<size_t>(0, ranges.size()), [&](size_t d) {
        return iterators[d] == utils::IteratorType::parallel && ranges[d] >= 2;
      });
      if (dim == llvm::seq<size_t>(0, ranges.size()).end())
        continue;
      SmallVector<int64_t> tiles(ranges.size(), 0);
      tiles[*dim] = 1;
      linalg::LinalgTilingOptions options;
      options.setTileSizes(tiles).setLoopType(linalg::LinalgTilingLoopType::ParallelLoops);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::TiledLinalgOp> tiled = linalg::tileLinalgOp(rewriter, op, options);
      if (failed(tiled))
        continue;
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
} // namespace tessel
