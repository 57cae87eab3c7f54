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
// Buffers of a run-time size (a dynamic batch) get a second arena, sized at
// run time, when their sizes are all multiples of one run-time size V (a
// dimension of an input: [V, 64, 56, 56] is 802816 * V bytes). Planning
// their per-V byte counts k as above gives offsets A * V that never overlap
// at any V; buffer i then starts at alignTo(A_i * V, 64) + 64 * B_i, where
// B_i is its rank by A, which keeps every start aligned and still apart (a
// buffer placed after another has a larger A and B). The arena is one
// allocation per run, of max (A_i + k_i) * V + 64 * (B_i + 1) bytes, rather
// than one per buffer (whose pages a large malloc maps and faults in anew on
// every run). Other dynamic buffers keep their own allocation.
//
//===----------------------------------------------------------------------===//
#include "codegen/Buffers.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#include <map>

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

/// Bytes of an identity-layout buffer of whole-byte elements per unit of its
/// dynamic sizes (the product of its static dimensions times the element
/// size: all of it for a static shape), or nullopt.
std::optional<int64_t> bytesPerUnit(MemRefType type) {
  Type element = type.getElementType();
  if (!type.getLayout().isIdentity() || type.getMemorySpace() ||
      !(element.isIntOrFloat() || element.isIndex()))
    return std::nullopt;
  int64_t bits = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  int64_t bytes = bits / 8;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      bytes *= d;
  return bytes;
}

/// Byte size of a static, identity-layout buffer of whole-byte elements,
/// or nullopt.
std::optional<int64_t> plannableBytes(MemRefType type) {
  return type.hasStaticShape() ? bytesPerUnit(type) : std::nullopt;
}

/// Greedy placement, largest first: each buffer at the lowest offset aligned
/// to `alignment` that no placed buffer live at the same time covers.
/// Returns the arena size.
int64_t placeBuffers(MutableArrayRef<PlannedBuffer> buffers, int64_t alignment = kAlignment) {
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
      offset = std::max<int64_t>(offset, llvm::alignTo(p->offset + p->bytes, alignment));
    }
    b->offset = offset;
    arena = std::max(arena, offset + b->bytes);
    placed.push_back(b);
  }
  return arena;
}

/// A buffer of one dynamic dimension whose size is memref.dim of a function
/// argument: (that argument, its dimension) and the bytes per unit of it.
struct RunTimeSize {
  Value source;
  int64_t dim = 0, bytesPerUnit = 0;
};

std::optional<RunTimeSize> runTimeSize(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  std::optional<int64_t> bytes = bytesPerUnit(type);
  if (type.getNumDynamicDims() != 1 || !bytes || !alloc.getSymbolOperands().empty())
    return std::nullopt;
  auto dim = alloc.getDynamicSizes()[0].getDefiningOp<memref::DimOp>();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  if (!index || !isa<BlockArgument>(dim.getSource()))
    return std::nullopt;
  return RunTimeSize{dim.getSource(), *index, *bytes};
}

/// Adds to `ops` (in an order that defines each before its uses) the ops of
/// `block` that compute `size` from the function's arguments alone (shape
/// arithmetic, memref.dim of an argument); false where some op of it reads
/// or writes memory (a buffer's data, an allocation) and cannot move.
bool collectSizeComputation(Value size, Block &block, llvm::SetVector<Operation *> &ops) {
  Operation *def = size.getDefiningOp();
  if (!def || def->getBlock() != &block || ops.contains(def))
    return !def || def->getBlock() == &block || !block.getParentOp()->isAncestor(def);
  if (def->getNumRegions() != 0 || !isMemoryEffectFree(def))
    return false;
  for (Value operand : def->getOperands())
    if (!collectSizeComputation(operand, block, ops))
      return false;
  ops.insert(def);
  return true;
}

/// `bytes` (an index value) rounded up to a multiple of kAlignment.
Value alignUp(RewriterBase &rewriter, Location loc, Value bytes) {
  auto index = [&](int64_t c) { return arith::ConstantIndexOp::create(rewriter, loc, c); };
  return arith::AndIOp::create(rewriter, loc,
                               arith::AddIOp::create(rewriter, loc, bytes, index(kAlignment - 1)),
                               index(~(kAlignment - 1)));
}

/// A dynamic buffer of the run-time arena and where it starts in it.
struct RunTimeBuffer {
  PlannedBuffer planned;
  Value offset;
};

/// Offsets for the buffers whose sizes are all multiples of one run-time
/// size (the most common dimension of an argument among them; see the file
/// comment), from `total` on; moves them from `buffers` to `placed` and
/// returns the new end of the arena.
Value placeUnitBuffers(RewriterBase &rewriter, Location loc, SmallVectorImpl<PlannedBuffer> &buffers,
                       Value total, SmallVectorImpl<RunTimeBuffer> &placed) {
  std::map<std::pair<Operation *, std::pair<unsigned, int64_t>>, int> votes;
  auto key = [](const RunTimeSize &r) {
    auto arg = cast<BlockArgument>(r.source);
    return std::make_pair(arg.getOwner()->getParentOp(),
                          std::make_pair(arg.getArgNumber(), r.dim));
  };
  for (PlannedBuffer &b : buffers)
    if (std::optional<RunTimeSize> size = runTimeSize(b.alloc))
      ++votes[key(*size)];
  if (votes.empty())
    return total;
  auto best = std::max_element(votes.begin(), votes.end(),
                               [](auto &a, auto &b) { return a.second < b.second; })->first;
  SmallVector<PlannedBuffer> unitBuffers, rest;
  RunTimeSize unit;
  for (PlannedBuffer &b : buffers) {
    std::optional<RunTimeSize> size = runTimeSize(b.alloc);
    if (size && key(*size) == best) {
      unitBuffers.push_back(b);
      unitBuffers.back().bytes = size->bytesPerUnit;
      unit = *size;
    } else {
      rest.push_back(b);
    }
  }
  buffers = std::move(rest);

  // Offsets in units of V (no alignment: the 64-byte slots below align).
  placeBuffers(unitBuffers, /*alignment=*/1);
  // B: rank by offset.
  llvm::stable_sort(unitBuffers,
                    [](const PlannedBuffer &x, const PlannedBuffer &y) { return x.offset < y.offset; });
  Value v = memref::DimOp::create(rewriter, loc, unit.source, unit.dim);
  auto index = [&](int64_t c) { return arith::ConstantIndexOp::create(rewriter, loc, c); };
  Value base = total, end = total;
  for (auto [rank, b] : llvm::enumerate(unitBuffers)) {
    Value scaled = arith::MulIOp::create(rewriter, loc, index(b.offset), v);
    Value aligned = alignUp(rewriter, loc, scaled);
    Value offset = arith::AddIOp::create(
        rewriter, loc, base,
        arith::AddIOp::create(rewriter, loc, aligned, index(kAlignment * (int64_t)rank)));
    Value bufferEnd = arith::AddIOp::create(
        rewriter, loc, base,
        arith::AddIOp::create(rewriter, loc,
                              arith::MulIOp::create(rewriter, loc, index(b.offset + b.bytes), v),
                              index(kAlignment * ((int64_t)rank + 1))));
    end = arith::MaxUIOp::create(rewriter, loc, end, bufferEnd);
    placed.push_back({b, offset});
  }
  return end;
}

/// Offsets for any other dynamic buffers, from `total` on, their sizes
/// computed at run time: in order of allocation, each buffer above every
/// earlier one live at the same time (a stack of the live buffers), which
/// never overlaps at any sizes. Returns the new end of the arena.
Value placeOtherBuffers(RewriterBase &rewriter, Location loc, ArrayRef<PlannedBuffer> buffers,
                        Value total, SmallVectorImpl<RunTimeBuffer> &placed) {
  auto index = [&](int64_t c) { return arith::ConstantIndexOp::create(rewriter, loc, c); };
  SmallVector<std::pair<const PlannedBuffer *, Value>> ends;
  Value end = total;
  for (const PlannedBuffer &b : buffers) {
    Value start = total;
    for (auto [other, otherEnd] : ends)
      if (other->start <= b.end && b.start <= other->end)
        start = arith::MaxUIOp::create(rewriter, loc, start, otherEnd);
    Value offset = alignUp(rewriter, loc, start);
    Value bytes = index(b.bytes);
    for (Value size : memref::AllocOp(b.alloc).getDynamicSizes())
      bytes = arith::MulIOp::create(rewriter, loc, bytes, size);
    Value bufferEnd = arith::AddIOp::create(rewriter, loc, offset, bytes);
    ends.push_back({&b, bufferEnd});
    end = arith::MaxUIOp::create(rewriter, loc, end, bufferEnd);
    placed.push_back({b, offset});
  }
  return end;
}

/// The run-time arena for `func`'s dynamic buffers, after `base` bytes for
/// the static ones (one allocation per run for both: two large ones would
/// be returned to the system and faulted in again on every run). The
/// computations of their sizes (shape arithmetic over the arguments'
/// dimensions, which the model's shape function has checked before the run)
/// move to the top of the function, where the arena is allocated. Returns
/// the arena, or null where there is none.
Value planRunTimeBuffers(func::FuncOp func, int64_t base) {
  Block &block = func.getBody().front();
  llvm::SetVector<Operation *> sizeOps;
  SmallVector<memref::AllocOp> allocs;
  for (auto alloc : block.getOps<memref::AllocOp>()) {
    if (alloc.getType().hasStaticShape() || !bytesPerUnit(alloc.getType()) ||
        !alloc.getSymbolOperands().empty())
      continue;
    llvm::SetVector<Operation *> ops = sizeOps;
    if (llvm::all_of(alloc.getDynamicSizes(),
                     [&](Value size) { return collectSizeComputation(size, block, ops); })) {
      sizeOps = std::move(ops);
      allocs.push_back(alloc);
    }
  }
  // The size computations to the top, in order.
  Operation *last = nullptr;
  for (Operation *op : sizeOps) {
    if (last)
      op->moveAfter(last);
    else
      op->moveBefore(&block, block.begin());
    last = op;
  }

  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(block))
    position[&op] = i;
  SmallVector<PlannedBuffer> buffers;
  for (memref::AllocOp alloc : allocs) {
    std::optional<int64_t> lastUsed = lastUse(alloc, block, position);
    if (!lastUsed)
      continue;
    int64_t start = position.lookup(alloc);
    buffers.push_back({alloc, *bytesPerUnit(alloc.getType()), start, std::max(start, *lastUsed), 0});
  }
  if (buffers.empty() || (buffers.size() < 2 && base == 0))
    return Value(); // One buffer: its own allocation is the arena.

  IRRewriter rewriter(func.getContext());
  Location loc = func.getLoc();
  if (last)
    rewriter.setInsertionPointAfter(last);
  else
    rewriter.setInsertionPointToStart(&block);
  SmallVector<RunTimeBuffer> placed;
  Value total = arith::ConstantIndexOp::create(rewriter, loc, base);
  total = placeUnitBuffers(rewriter, loc, buffers, total, placed);
  total = placeOtherBuffers(rewriter, loc, buffers, total, placed);
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, rewriter.getI8Type());
  Value arena = memref::AllocOp::create(rewriter, loc, arenaType, ValueRange{total},
                                        rewriter.getI64IntegerAttr(kAlignment));
  for (RunTimeBuffer &b : placed) {
    memref::AllocOp alloc = b.planned.alloc;
    rewriter.setInsertionPoint(alloc);
    Value view = memref::ViewOp::create(rewriter, alloc.getLoc(), alloc.getType(), arena,
                                        b.offset, alloc.getDynamicSizes());
    replaceAllocation(rewriter, alloc, view);
  }
  rewriter.setInsertionPoint(block.getTerminator());
  memref::DeallocOp::create(rewriter, loc, arena);
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
  int64_t arenaBytes = buffers.empty() ? 0 : placeBuffers(buffers);
  // The dynamic buffers after the static ones, in one allocation.
  Value arena = planRunTimeBuffers(func, llvm::alignTo(arenaBytes, kAlignment));
  if (buffers.empty())
    return 0;

  IRRewriter rewriter(func.getContext());
  Location loc = func.getLoc();
  if (!arena) {
    rewriter.setInsertionPointToStart(&block);
    auto arenaType = MemRefType::get({arenaBytes}, rewriter.getI8Type());
    arena =
        memref::AllocOp::create(rewriter, loc, arenaType, rewriter.getI64IntegerAttr(kAlignment));
    rewriter.setInsertionPoint(block.getTerminator());
    memref::DeallocOp::create(rewriter, loc, arena);
  }
  for (PlannedBuffer &b : buffers) {
    rewriter.setInsertionPoint(b.alloc);
    Value offset = arith::ConstantIndexOp::create(rewriter, b.alloc.getLoc(), b.offset);
    Value view = memref::ViewOp::create(rewriter, b.alloc.getLoc(), b.alloc.getType(), arena,
                                        offset, ValueRange{});
    replaceAllocation(rewriter, b.alloc, view);
  }
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
