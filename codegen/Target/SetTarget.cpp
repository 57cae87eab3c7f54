//===- SetTarget.cpp - The tessel-set-target pass --------------------------===//
#include "codegen/Passes.h"
#include "codegen/Target/TargetDescription.h"

namespace tessel {

#define GEN_PASS_DEF_SETTARGET
#include "codegen/Passes.h.inc"

namespace {

struct SetTargetPass : impl::SetTargetBase<SetTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::Expected<TargetDescription> target = describeTarget("", cpu, features);
    if (!target) {
      getOperation().emitError() << llvm::toString(target.takeError());
      return signalPassFailure();
    }
    getOperation()->setAttr(kTargetAttrName, target->toAttr(&getContext()));
  }
};

} // namespace
} // namespace tessel
