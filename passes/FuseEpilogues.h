//===- FuseEpilogues.h - Patterns shared by the epilogue fusion -----------===//
#ifndef TESSEL_PASSES_FUSE_EPILOGUES_H
#define TESSEL_PASSES_FUSE_EPILOGUES_H

#include "passes/FusionUtils.h"

namespace tessel {

/// A conv or linear whose epilogue can still take a bias, BatchNorm or
/// residual: none yet, and no activation. Returns null for anything else.
mlir::Operation *openEpilogueProducer(mlir::Value v);

/// A conv or linear that can still take an activation (it comes last, after
/// any residual). Returns null for anything else.
mlir::Operation *activationProducer(mlir::Value v);

/// A copy of the conv / linear `op` at the current insertion point with the
/// given operands (nullptr keeps the old one) and attributes replaced.
mlir::Operation *rebuildWithEpilogue(mlir::PatternRewriter &rewriter, mlir::Operation *op,
                                     mlir::Location loc, mlir::Value weight, mlir::Value bias,
                                     mlir::Value residual, llvm::StringRef activation = "",
                                     llvm::ArrayRef<double> params = {});

/// BatchNormalization after a conv / linear with constant weights folds into
/// them (FoldBatchNorm.cpp).
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns, FusionReporter &report);

} // namespace tessel

#endif // TESSEL_PASSES_FUSE_EPILOGUES_H
