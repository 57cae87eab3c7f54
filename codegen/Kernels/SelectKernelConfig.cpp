//===- SelectKernelConfig.cpp - The tessel-select-kernel-config pass ------===//
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_SELECTKERNELCONFIG
#include "codegen/Passes.h.inc"

namespace {

struct SelectKernelConfigPass : impl::SelectKernelConfigBase<SelectKernelConfigPass> {
  void runOnOperation() override {
    FailureOr<TargetDescription> target = getTargetOrEmitError(getOperation());
    if (failed(target))
      return signalPassFailure();
    getOperation().walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kKernelConfigAttrName))
        return; // Chosen by hand (tests) or by an earlier run.
      FailureOr<ContractionRoles> roles = analyzeContraction(op);
      if (failed(roles))
        return;
      op->setAttr(kKernelConfigAttrName,
                  selectKernelConfig(*roles, *target).toAttr(&getContext()));
    });
  }
};

} // namespace
} // namespace tessel
