//===- ForwardOutputBuffers.cpp - The tessel-forward-output-buffers pass --===//
//
// buffer-results-to-out-params gives the model's entry function one
// caller-provided buffer per output, but the value it fills it with is a
// kernel's result in a buffer of its own, copied out at the very end:
//
//   %a = memref.alloc() : memref<...>
//   call @k7(..., %a)
//   memref.copy %a, %out
//   memref.dealloc %a
//
// (The copy is left because the entry function's results become out-params
// before its calls' results do.) That copy is a full extra pass over every
// output: for a single large kernel, a third of the model's time. This pass
// lets the kernel write into %out directly.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FORWARDOUTPUTBUFFERS
#include "codegen/Passes.h.inc"

namespace {

/// Whether `copy` moves a local allocation into an output argument of
/// `func` that nothing else touches, with every other use of the allocation
/// a call before the copy or its deallocation after it: then the calls can
/// write the output argument instead, with the same final contents.
bool isForwardable(func::FuncOp func, memref::CopyOp copy) {
  auto out = dyn_cast<BlockArgument>(copy.getTarget());
  if (!out || out.getOwner() != &func.getBody().front() || !out.hasOneUse())
    return false;
  auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc.getType() != out.getType() || alloc->getBlock() != copy->getBlock())
    return false;
  for (Operation *user : alloc->getUsers()) {
    if (user == copy)
      continue;
    if (user->getBlock() != copy->getBlock())
      return false;
    if (isa<memref::DeallocOp>(user)) {
      if (user->isBeforeInBlock(copy))
        return false;
      continue;
    }
    // Calls write (or read) the allocation before the copy; anything else
    // (a view that might be written through after it) keeps the copy.
    if (!isa<func::CallOp>(user) || !user->isBeforeInBlock(copy))
      return false;
  }
  return true;
}

struct ForwardOutputBuffersPass : impl::ForwardOutputBuffersBase<ForwardOutputBuffersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Kernels are private: their output arguments are the caller's
    // allocations already. The entry function's are the user's buffers.
    if (func.isPrivate() || func.isExternal())
      return;
    SmallVector<memref::CopyOp> copies;
    for (auto copy : func.getBody().front().getOps<memref::CopyOp>())
      if (isForwardable(func, copy))
        copies.push_back(copy);
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      Value out = copy.getTarget();
      auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
      rewriter.eraseOp(copy);
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.replaceAllUsesWith(alloc.getResult(), out);
      rewriter.eraseOp(alloc);
    }
  }
};

} // namespace
} // namespace tessel
