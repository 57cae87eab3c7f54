//===- PlanMemory.cpp - The tessel-plan-memory pass -----------------------===//
//
// After bufferization the entry function allocates one buffer per kernel
// result, and the deallocation pipeline frees them all at its end: every
// intermediate tensor of the model is live for the whole run. For a CNN
// that is tens of megabytes touched once per run, more than the last-level
// cache, so each kernel writes its output into lines that must first come
// from memory (a 16->96 channel 1x1 convolution at 112x112 took twice as
// long inside MobileNetV2 as alone).
//
// This pass plans those buffers statically: the lifetime of each runs from
// its allocation to the last op that uses it or a view of it, buffers whose
// lifetimes overlap get disjoint byte ranges, and buffers that are never
// live together share memory. All of them become views (memref.view) into
// one arena allocated once per run, which is as large as the most memory
// live at any point of the run rather than the sum of all buffers. Placement
// is greedy, largest buffer first, at the lowest 64-byte-aligned offset
// free for its whole lifetime.
//
//===----------------------------------------------------------------------===//
#include "codegen/Buffers.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_PLANMEMORY
#include "codegen/Passes.h.inc"

namespace {

constexpr int64_t kAlignment = 64;

struct PlannedBuffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;
  /// Positions in the block of the allocation and of the last use.
  int64_t start = 0, end = 0;
  int64_t offset = 0;
};

/// The position in `block` of the last op that uses `value` or a buffer
/// made from it (deallocations aside), or nullopt where a use is not an op of `block`
/// (or nested in one) or makes the buffer escape (a return).
std::optional<int64_t> lastUse(Value value, Block &block,
                               const DenseMap<Operation *, int64_t> &position) {
  int64_t last = -1;
  SmallVector<Value> worklist{value};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      if (user->hasTrait<OpTrait::IsTerminator>())
        return std::nullopt;
      Operation *inBlock = block.findAncestorOpInBlock(*user);
      if (!inBlock)
        return std::nullopt;
      last = std::max(last, position.lookup(inBlock));
      // Any buffer an op makes from this one may alias it (a view, a cast):
      // its uses extend the lifetime too.
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          worklist.push_back(result);
    }
  }
  return last;
}

/// Byte size of a static, identity-layout buffer of whole-byte elements,
/// or nullopt.
std::optional<int64_t> plannableBytes(MemRefType type) {
  Type element = type.getElementType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace() || !(element.isIntOrFloat() || element.isIndex()))
    return std::nullopt;
  int64_t bits = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * (bits / 8);
}

/// Greedy placement, largest first: each buffer at the lowest aligned
/// offset that no placed buffer live at the same time covers. Returns the
/// arena size.
int64_t placeBuffers(MutableArrayRef<PlannedBuffer> buffers) {
  SmallVector<PlannedBuffer *> order;
  for (PlannedBuffer &b : buffers)
    order.push_back(&b);
  llvm::stable_sort(order, [](PlannedBuffer *a, PlannedBuffer *b) { return a->bytes > b->bytes; });
  SmallVector<PlannedBuffer *> placed;
  int64_t arena = 0;
  for (PlannedBuffer *b : order) {
    SmallVector<PlannedBuffer *> live;
    for (PlannedBuffer *p : placed)
      if (p->start <= b->end && b->start <= p->end)
        live.push_back(p);
    llvm::sort(live, [](PlannedBuffer *x, PlannedBuffer *y) { return x->offset < y->offset; });
    int64_t offset = 0;
    for (PlannedBuffer *p : live) {
      if (offset + b->bytes <= p->offset)
        break;
      offset = std::max<int64_t>(offset, llvm::alignTo(p->offset + p->bytes, kAlignment));
    }
    b->offset = offset;
    arena = std::max(arena, offset + b->bytes);
    placed.push_back(b);
  }
  return arena;
}

/// Plans the buffers of `func`'s block; returns the arena's size (0: none).
int64_t planFunction(func::FuncOp func) {
  Block &block = func.getBody().front();
  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(block))
    position[&op] = i;

  SmallVector<PlannedBuffer> buffers;
  for (auto alloc : block.getOps<memref::AllocOp>()) {
    // A static shape and an identity layout: no size or symbol operands.
    std::optional<int64_t> bytes = plannableBytes(alloc.getType());
    if (!bytes)
      continue;
    std::optional<int64_t> last = lastUse(alloc, block, position);
    if (!last)
      continue;
    int64_t start = position[alloc];
    buffers.push_back({alloc, *bytes, start, std::max(start, *last), 0});
  }
  if (buffers.empty())
    return 0;
  int64_t arenaBytes = placeBuffers(buffers);

  IRRewriter rewriter(func.getContext());
  Location loc = func.getLoc();
  rewriter.setInsertionPointToStart(&block);
  auto arenaType = MemRefType::get({arenaBytes}, rewriter.getI8Type());
  Value arena =
      memref::AllocOp::create(rewriter, loc, arenaType, rewriter.getI64IntegerAttr(kAlignment));
  for (PlannedBuffer &b : buffers) {
    rewriter.setInsertionPoint(b.alloc);
    Value offset = arith::ConstantIndexOp::create(rewriter, b.alloc.getLoc(), b.offset);
    Value view = memref::ViewOp::create(rewriter, b.alloc.getLoc(), b.alloc.getType(), arena,
                                        offset, ValueRange{});
    replaceAllocation(rewriter, b.alloc, view);
  }
  rewriter.setInsertionPoint(block.getTerminator());
  memref::DeallocOp::create(rewriter, loc, arena);
  return arenaBytes;
}

struct PlanMemoryPass : impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(&getContext());
    int64_t total = 0;
    // The entry functions' buffers only: a kernel's own scratch (pads,
    // packed panels) lives within one call.
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isPrivate() || func.isExternal() || !func.getBody().hasOneBlock())
        continue;
      int64_t bytes = planFunction(func);
      func->setAttr(kArenaBytesAttrName, b.getI64IntegerAttr(bytes));
      total += bytes;
    }
    // On the module too: function attributes do not survive the lowering
    // to the LLVM dialect (tessel-compile -v reports it).
    module->setAttr(kArenaBytesAttrName, b.getI64IntegerAttr(total));
  }
};

} // namespace
} // namespace tessel
