//===- ApproximateMath.cpp - The tessel-approximate-math pass -------------===//
//
// math.exp, math.erf, math.tanh and the logarithms otherwise lower to libm
// calls, one scalar call per element: a GELU or a softmax then costs more than
// the matmul beside it, and no loop holding a call vectorizes. MLIR's
// polynomial approximations (float32, a few ulp, inf/nan handled) are plain
// arith, which LLVM vectorizes like any other elementwise loop.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_APPROXIMATEMATH
#include "codegen/Passes.h.inc"

namespace {

struct ApproximateMathPass : impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    auto selected = [](StringRef name) {
      return llvm::is_contained({math::ExpOp::getOperationName(), math::ErfOp::getOperationName(),
                                 math::TanhOp::getOperationName(),
                                 math::ExpM1Op::getOperationName(),
                                 math::LogOp::getOperationName(),
                                 math::Log1pOp::getOperationName()},
                                name);
    };
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, selected);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace tessel
