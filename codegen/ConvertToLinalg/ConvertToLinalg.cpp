//===- ConvertToLinalg.cpp - The tessel-convert-to-linalg pass ------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_CONVERTTESSELTOLINALG
#include "codegen/Passes.h.inc"

namespace {

struct ConvertTesselToLinalgPass
    : impl::ConvertTesselToLinalgBase<ConvertTesselToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    FailureOr<LoweringStrategy> strategy = getLoweringStrategyOrEmitError(getOperation());
    if (failed(strategy))
      return signalPassFailure();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<TesselDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect, arith::ArithDialect,
                           math::MathDialect, func::FuncDialect, scf::SCFDialect,
                           cf::ControlFlowDialect>();
    RewritePatternSet patterns(ctx);
    populateMathLoweringPatterns(patterns);
    populateNNLoweringPatterns(patterns, *strategy);
    populateTensorLoweringPatterns(patterns);
    populateShapeArithmeticLoweringPatterns(patterns);
    populateComputedResizeLoweringPatterns(patterns);
    populateRNNLoweringPatterns(patterns);
    populateNormLoweringPatterns(patterns);
    populateFusedLoweringPatterns(patterns, *strategy);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns)))) {
      getOperation().walk([&](Operation *op) {
        if (isa<TesselDialect>(op->getDialect()))
          op->emitError() << "Tessel has no code generation for '" << op->getName() << "'";
      });
      signalPassFailure();
    }
  }
};

} // namespace
} // namespace tessel
