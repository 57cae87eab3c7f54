//===- ForwardOutputBuffers.cpp - The tessel-forward-output-buffers pass --===//
//
// Bufferization leaves a copy into an output argument wherever the value
// was computed in a buffer of its own:
//
//   %a = memref.alloc() : memref<...>
//   call @k7(..., %a)                        (the entry function)
//   memref.copy %a, %out
//   memref.dealloc %a
//
// In the model's entry function the entry's results become out-params
// before its calls' results do; in a kernel, the result is a reshape of the
// buffer that was computed (a 1x1 convolution runs as a matmul on
// [channels, pixels] and its result is expanded back to [n, c, h, w]), so
// the copy goes from `memref.expand_shape %a` to %out. Either way it is a
// whole extra pass over the output: for a single large kernel, a third of
// the model's time. This pass lets the computation write %out directly (or
// the matching reshape of it).
//
// A caller never passes a kernel an output buffer that aliases one of its
// inputs (outputs are fresh out-params, and the memory plan keeps buffers
// live at the same call apart); the runtime refuses user output buffers
// that overlap inputs. So writing the output earlier than the copy did
// changes nothing any other operand sees.
//
//===----------------------------------------------------------------------===//
#include "codegen/Buffers.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FORWARDOUTPUTBUFFERS
#include "codegen/Passes.h.inc"

namespace {

/// The allocation `copy` moves out of, directly or through a reshape that
/// nothing else uses.
memref::AllocOp copiedAllocation(memref::CopyOp copy) {
  Value source = copy.getSource();
  if (Operation *reshape = source.getDefiningOp();
      reshape && isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(reshape)) {
    if (!reshape->hasOneUse())
      return {};
    source = reshape->getOperand(0);
  }
  return source.getDefiningOp<memref::AllocOp>();
}

/// Whether `copy` moves a local allocation (or a reshape of it) into an
/// output argument of `func` that nothing else touches, with every other
/// use of the allocation before the copy and making no view of it (calls,
/// linalg ops), or its deallocation after it: then those uses can write the
/// output argument instead, with the same final contents.
bool isForwardable(func::FuncOp func, memref::CopyOp copy) {
  auto out = dyn_cast<BlockArgument>(copy.getTarget());
  if (!out || out.getOwner() != &func.getBody().front() || !out.hasOneUse())
    return false;
  memref::AllocOp alloc = copiedAllocation(copy);
  if (!alloc || alloc->getBlock() != copy->getBlock() ||
      !cast<MemRefType>(out.getType()).getLayout().isIdentity())
    return false;
  Operation *reshape = copy.getSource().getDefiningOp();
  if (reshape == alloc && alloc.getType() != out.getType())
    return false;
  if (!alloc.getType().getLayout().isIdentity())
    return false;
  for (Operation *user : alloc->getUsers()) {
    if (user == copy || user == reshape)
      continue;
    Operation *at = copy->getBlock()->findAncestorOpInBlock(*user);
    if (!at)
      return false;
    if (isa<memref::DeallocOp>(user)) {
      if (at->isBeforeInBlock(copy))
        return false;
      continue;
    }
    // A user that makes a view of the allocation (which might be written
    // through after the copy), or that comes after the copy, keeps it.
    if (!at->isBeforeInBlock(copy) ||
        llvm::any_of(user->getResultTypes(), llvm::IsaPred<BaseMemRefType>))
      return false;
  }
  return true;
}

/// The output argument `out` in the allocation's type: itself, or the
/// inverse of the reshape the copy went through.
Value viewOfOutput(RewriterBase &rewriter, memref::CopyOp copy, memref::AllocOp alloc,
                   Value out) {
  Location loc = copy.getLoc();
  if (auto expand = copy.getSource().getDefiningOp<memref::ExpandShapeOp>())
    return memref::CollapseShapeOp::create(rewriter, loc, out,
                                           expand.getReassociationIndices());
  if (auto collapse = copy.getSource().getDefiningOp<memref::CollapseShapeOp>()) {
    // The sizes the allocation was made with (several dynamic sizes in one
    // group cannot be inferred).
    SmallVector<OpFoldResult> sizes;
    auto dynamicSizes = alloc.getDynamicSizes().begin();
    for (int64_t size : alloc.getType().getShape())
      sizes.push_back(ShapedType::isDynamic(size) ? OpFoldResult(*dynamicSizes++)
                                                  : OpFoldResult(rewriter.getIndexAttr(size)));
    return memref::ExpandShapeOp::create(rewriter, loc, alloc.getType(), out,
                                         collapse.getReassociationIndices(), sizes);
  }
  return out;
}

struct ForwardOutputBuffersPass : impl::ForwardOutputBuffersBase<ForwardOutputBuffersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<memref::CopyOp> copies;
    for (auto copy : func.getBody().front().getOps<memref::CopyOp>())
      if (isForwardable(func, copy))
        copies.push_back(copy);
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      memref::AllocOp alloc = copiedAllocation(copy);
      rewriter.setInsertionPoint(alloc);
      Value out = viewOfOutput(rewriter, copy, alloc, copy.getTarget());
      Operation *reshape = copy.getSource().getDefiningOp();
      rewriter.eraseOp(copy);
      if (reshape != alloc)
        rewriter.eraseOp(reshape);
      replaceAllocation(rewriter, alloc, out);
    }
  }
};

} // namespace
} // namespace tessel
