//===- Buffers.h - Rewrites of bufferized allocations ---------------------===//
//
// Shared by the passes that give an allocation's contents a home elsewhere
// (tessel-forward-output-buffers, tessel-plan-memory).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_BUFFERS_H
#define TESSEL_CODEGEN_BUFFERS_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace tessel {

/// Replaces `alloc` by `replacement`, a buffer of its type whose memory is
/// owned elsewhere (an output argument, a view of the arena): the
/// allocation's deallocations go with it.
inline void replaceAllocation(mlir::RewriterBase &rewriter, mlir::memref::AllocOp alloc,
                              mlir::Value replacement) {
  for (mlir::Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    if (mlir::isa<mlir::memref::DeallocOp>(user))
      rewriter.eraseOp(user);
  rewriter.replaceOp(alloc, replacement);
}

} // namespace tessel

#endif // TESSEL_CODEGEN_BUFFERS_H
