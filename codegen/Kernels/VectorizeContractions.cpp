//===- VectorizeContractions.cpp - The tessel-vectorize-contractions pass -===//
//
// Replaces every linalg.generic carrying a `tessel.kernel_config` by its
// register-blocked outer-product kernel, built directly in the vector
// dialect on the bufferized operands:
//
//   for outer loops:                         (batch, image, output row, ...)
//     for kb in reduction blocks:            (reduction_block; one if unset)
//       for n0 in columns step lanes*vectors:
//         for m0 in rows step rows:
//           acc[rows][vectors] = C tile
//           for reductions (first one within kb's block):
//             b[j] = B row at (n0 + j*lanes)       vector loads (or gathers)
//             for i: a = broadcast(A at m0 + i)
//                    acc[i][j] = fma(a, b[j], acc[i][j])
//           C tile = acc
//
// so the innermost loop is `vectors` loads, `rows` broadcasts and
// rows*vectors back-to-back FMAs on full vector registers, with the
// accumulators loop-carried in registers. With a stationary A (filters too
// big for L2 on a small feature map) the order is instead
//
//   for mb in row blocks:                    (on the thread pool)
//     for kb in reduction blocks:
//       pack the A block once
//       for outer loops: for n0: for m0: ...  (as above)
//
// and with folded outer iterations the tile's vectors are consecutive
// output rows rather than consecutive runs of one row's columns. Ragged edges get their own, exactly
// sized instance of the kernel (fewer rows; masked loads and stores for the
// last columns), so no element is computed twice and no memory outside the
// operands is touched.
//
//===----------------------------------------------------------------------===//
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Kernels/TileElementwise.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMAttrs.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_VECTORIZECONTRACTIONS
#include "codegen/Passes.h.inc"

namespace {

/// One value per loop of the contraction: its index where bound.
using LoopIndices = SmallVector<OpFoldResult>;

class OuterProductKernel {
public:
  OuterProductKernel(linalg::GenericOp op, const ContractionRoles &roles,
                     const KernelConfig &config, TileElementwise prologue,
                     TileElementwise epilogue)
      : op(op), roles(roles), config(config), prologue(prologue), epilogue(epilogue),
        loc(op.getLoc()),
        maps(op.getIndexingMapsArray()),
        vectorType(VectorType::get({config.lanes}, Float32Type::get(op.getContext()))) {
    a = op.getDpsInputs()[roles.a];
    b = op.getDpsInputs()[roles.b];
    c = op.getDpsInits()[0];
    if (config.foldOuter)
      foldDim = roles.outer.back();
    // A constant A packed at compile time (tessel-pack-constant-operands).
    prepackedA = roles.m >= 0 && !roles.reductions.empty() &&
                 aMap() == packedAMap(roles, config.rows, op.getContext()) &&
                 aType().getShape() == ArrayRef(packedAShape(roles, config.rows));
    // A constant B packed at compile time into the panels the kernel would
    // pack at run time.
    prepackedB = config.packB && !roles.reductions.empty() && !config.foldOuter &&
                 bMap() == packedMap(roles, roles.n, config.columns(), op.getContext()) &&
                 cast<MemRefType>(b.getType()).getShape() ==
                     ArrayRef(packedShape(roles, roles.n, config.columns()));
  }

  void emit(OpBuilder &builder) {
    // The reduction loops of a prepacked operand as one step index:
    // [tile][step][element of the tile].
    auto collapseSteps = [&](Value packed) -> Value {
      int64_t rank = cast<MemRefType>(packed.getType()).getRank();
      if (rank <= 3)
        return packed;
      SmallVector<ReassociationIndices> groups{{0}, {}, {rank - 1}};
      for (int64_t d = 1; d + 1 < rank; ++d)
        groups[1].push_back(d);
      return memref::CollapseShapeOp::create(builder, loc, packed, groups).getResult();
    };
    if (prepackedA)
      a = collapseSteps(a);
    if (prepackedB)
      b = collapseSteps(b);
    // B read in runs along its rows (ContractionRoles::nRowLength): through
    // a 1-D view, where a run's start may be any element.
    auto bType = cast<MemRefType>(b.getType());
    // (A later run's span starts up to s * (lanes - 1) elements before its
    // row: inside the row before it where rows are at least that long.)
    if (roles.nGathered && roles.nRowLength > 0 && bRuns() <= 3 && roles.nRowStride <= 4 &&
        bType.getLayout().isIdentity() &&
        bType.getShape().back() >= roles.nRowStride * (config.lanes - 1)) {
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < bType.getRank(); ++d)
        all[0].push_back(d);
      bFlat = memref::CollapseShapeOp::create(builder, loc, b, all).getResult();
    }
    // Scratch panels shared by the whole contraction are allocated once, on
    // entry to the function, or where the contraction runs inside a
    // parallel loop (an attention's query blocks), on entry to that loop's
    // body: every iteration, on its own thread, needs panels of its own.
    Operation *parallelLoop = op->getParentOp();
    while (parallelLoop && !isa<scf::ForallOp, scf::ParallelOp, FunctionOpInterface>(parallelLoop))
      parallelLoop = parallelLoop->getParentOp();
    assert(parallelLoop && "a contraction outside any function");
    bool inParallelLoop = !isa<FunctionOpInterface>(parallelLoop);
    Block &home = parallelLoop->getRegion(0).front();
    OpBuilder entry(op.getContext()), exit(op.getContext());
    entry.setInsertionPointToStart(&home);
    exit.setInsertionPoint(home.getTerminator());
    if (packsB() && config.parallel == KernelConfig::Parallel::None) {
      // On the function's entry, a stack panel: an alloca inside the loops
      // would grow the stack on every iteration. In a parallel loop's body,
      // on the heap (the lowering to OpenMP cannot keep an alloca scope
      // there; see withOwnPanel). (Parallel kernels give each iteration of
      // their own parallel loop its own, see parallelFor.)
      panel = createPanel(entry, /*onHeap=*/inParallelLoop);
      if (inParallelLoop)
        memref::DeallocOp::create(exit, loc, panel);
    }
    if (packsA() && config.parallel != KernelConfig::Parallel::Rows) {
      // Up to half of L2: on the heap, not the stack. (Parallel row blocks
      // give each iteration its own, see withOwnPanel.)
      aPanel = createAPanel(entry);
      memref::DeallocOp::create(exit, loc, aPanel);
    }
    LoopIndices loops(roles.ranges.size(), OpFoldResult());
    if (config.stationaryA)
      return emitStationary(builder, loops);
    emitOuter(builder, loops, 0, [&](OpBuilder &nb, const LoopIndices &bound) {
      emitColumnBlocks(nb, bound);
    });
  }

private:
  MemRefType aType() const { return cast<MemRefType>(a.getType()); }

  /// Whether A is packed into aPanel at run time: where the config asks
  /// for it and the compiler has not packed a constant A already.
  bool packsA() const { return config.packA && !prepackedA; }

  /// Whether B is packed into a panel at run time.
  bool packsB() const { return config.packB && !prepackedB; }

  /// The packed A block: [row tile][reduction step][row].
  Value createAPanel(OpBuilder &builder) {
    int64_t block = config.rowBlock ? config.rowBlock : roles.rows();
    auto aPanelType =
        MemRefType::get({(block + config.rows - 1) / config.rows, panelRows(), config.rows},
                        Float32Type::get(op.getContext()));
    return memref::AllocOp::create(builder, loc, aPanelType, builder.getI64IntegerAttr(64));
  }

  /// The packed B panel: [reduction step][column of the tile].
  MemRefType panelType() {
    return MemRefType::get({panelRows(), config.columns()}, Float32Type::get(op.getContext()));
  }

  /// A B panel on the stack (freed on return) or on the heap (the caller
  /// frees it).
  Value createPanel(OpBuilder &builder, bool onHeap) {
    IntegerAttr alignment = builder.getI64IntegerAttr(64);
    if (onHeap)
      return memref::AllocOp::create(builder, loc, panelType(), alignment);
    return memref::AllocaOp::create(builder, loc, panelType(), ValueRange{}, ValueRange{},
                                    alignment);
  }

  /// The iterations of [lb, ub) step `step` on the thread pool (scf.parallel,
  /// lowered to OpenMP). Each iteration packs into its own B panel.
  void parallelFor(OpBuilder &builder, int64_t lb, int64_t ub, int64_t step,
                   llvm::function_ref<void(OpBuilder &, Value)> body) {
    Value lbv = arith::ConstantIndexOp::create(builder, loc, lb);
    Value ubv = arith::ConstantIndexOp::create(builder, loc, ub);
    Value stepv = arith::ConstantIndexOp::create(builder, loc, step);
    scf::ParallelOp::create(
        builder, loc, ValueRange{lbv}, ValueRange{ubv}, ValueRange{stepv},
        [&](OpBuilder &nb, Location, ValueRange ivs) {
          withOwnPanel(nb, [&](OpBuilder &ib) { body(ib, ivs[0]); });
        });
  }

  /// `body` with a B panel of its own (packB only), and with parallel row
  /// blocks an A block of its own, freed after it. On the heap: a stack
  /// buffer in a loop would need an alloca scope, whose single block the
  /// lowering of the loops inside it breaks up; one malloc per panel is noise
  /// beside the FMAs that reuse it.
  void withOwnPanel(OpBuilder &builder, llvm::function_ref<void(OpBuilder &)> body) {
    bool ownA = packsA() && config.parallel == KernelConfig::Parallel::Rows;
    Value outerB = panel, outerA = aPanel;
    if (packsB())
      panel = createPanel(builder, /*onHeap=*/true);
    if (ownA)
      aPanel = createAPanel(builder);
    body(builder);
    if (packsB())
      memref::DeallocOp::create(builder, loc, panel);
    if (ownA)
      memref::DeallocOp::create(builder, loc, aPanel);
    panel = outerB;
    aPanel = outerA;
  }

  /// Reduction steps of one kernel call: the first reduction's block (or
  /// whole range) times the other reductions.
  int64_t panelRows() const {
    int64_t rows = 1;
    for (auto [level, d] : llvm::enumerate(roles.reductions))
      rows *= level == 0 && config.reductionBlock ? config.reductionBlock : roles.ranges[d];
    return rows;
  }

  /// The reduction step of `bound` within the kernel call: its panel row.
  Value panelRow(OpBuilder &builder, const LoopIndices &bound, OpFoldResult blockStart) {
    Value row = arith::ConstantIndexOp::create(builder, loc, 0);
    for (auto [level, d] : llvm::enumerate(roles.reductions)) {
      bool blocked = level == 0 && config.reductionBlock;
      int64_t range = blocked ? config.reductionBlock : roles.ranges[d];
      Value step = getValueOrCreateConstantIndexOp(builder, loc, bound[d]);
      if (blocked)
        step = arith::SubIOp::create(builder, loc, step,
                                     getValueOrCreateConstantIndexOp(builder, loc, blockStart));
      row = arith::AddIOp::create(
          builder, loc,
          arith::MulIOp::create(builder, loc, row,
                                arith::ConstantIndexOp::create(builder, loc, range)),
          step);
    }
    return row;
  }

  /// `loops` with row i of the tile at m0 and vector j of the tile at n0
  /// bound (a negative i or j leaves that loop as it is).
  LoopIndices bind(OpBuilder &builder, LoopIndices loops, OpFoldResult m0, int64_t i,
                   OpFoldResult n0, int64_t j) {
    if (roles.m >= 0 && i >= 0)
      loops[roles.m] = plus(builder, m0, i);
    if (j >= 0 && foldDim >= 0) {
      loops[roles.n] = n0;
      loops[foldDim] = plus(builder, loops[foldDim], j);
    } else if (j >= 0) {
      loops[roles.n] = plus(builder, n0, j * config.lanes);
    }
    return loops;
  }

  /// Vectors in the register tile over `width` columns: with folded outer
  /// iterations, one per iteration (each over all the columns).
  int64_t tileVectors(int64_t width) const {
    return foldDim >= 0 ? foldCount : (width + config.lanes - 1) / config.lanes;
  }

  /// Columns vector j of that tile holds (the rest of its lanes are zero).
  int64_t vectorWidth(int64_t width, int64_t j) const {
    return foldDim >= 0 ? width : std::min(config.lanes, width - j * config.lanes);
  }

  /// B's row of vector j at the bound reduction step, `width` columns from
  /// n0 (zero beyond).
  Value loadBVector(OpBuilder &builder, const LoopIndices &bound, OpFoldResult n0, int64_t width,
                    int64_t j) {
    int64_t count = vectorWidth(width, j);
    LoopIndices at = bind(builder, bound, {}, -1, n0, j);
    if (roles.nGathered)
      return gatherBVector(builder, at, count);
    return loadVector(builder, b, indices(builder, bMap(), at), count, roles.nStride);
  }

  /// B's element offset at the loop point `loops` (unbound loops at 0).
  Value bLinearIndex(OpBuilder &builder, const LoopIndices &loops) {
    auto [strides, offset] = cast<MemRefType>(b.getType()).getStridesAndOffset();
    Value sum = arith::ConstantIndexOp::create(builder, loc, 0);
    for (auto [index, stride] : llvm::zip(indices(builder, bMap(), loops), strides))
      sum = arith::AddIOp::create(
          builder, loc, sum,
          arith::MulIOp::create(builder, loc, index,
                                arith::ConstantIndexOp::create(builder, loc, stride)));
    return sum;
  }

  /// A gathered B vector (ContractionRoles::nGathered) for the loops `at`,
  /// whose n is the vector's first column; lanes past `count` are zero.
  Value gatherBVector(OpBuilder &builder, const LoopIndices &at, int64_t count) {
    if (bFlat)
      return loadBRuns(builder, at, count);
    // Lane l reads B at `at`'s indices plus the linearized difference that
    // n + l instead of n makes, which depends on the column alone (each
    // index is a term in n plus a term free of it).
    LoopIndices column(roles.ranges.size(), OpFoldResult());
    auto columnIndex = [&](int64_t lane) {
      column[roles.n] = plus(builder, at[roles.n], lane);
      return bLinearIndex(builder, column);
    };
    Value first = columnIndex(0);
    SmallVector<Value> offsets;
    for (int64_t l = 0; l < config.lanes; ++l)
      offsets.push_back(arith::IndexCastOp::create(
          builder, loc, builder.getI32Type(),
          arith::SubIOp::create(builder, loc, columnIndex(l), first)));
    Value offsetVector = vector::FromElementsOp::create(
        builder, loc, VectorType::get({config.lanes}, builder.getI32Type()), offsets);
    return vector::GatherOp::create(builder, loc, vectorType, b, indices(builder, bMap(), at),
                                     offsetVector, constantMask(builder, count),
                                     zeroVector(builder));
  }

  /// Runs of one row of B that one vector of a row-wise gathered B can
  /// span (ContractionRoles::nRowLength): the rest of the first column's
  /// row, then whole rows.
  int64_t bRuns() const { return 1 + (config.lanes - 2 + roles.nRowLength) / roles.nRowLength; }

  /// A gathered B vector over rows of W elements s apart: per run of lanes
  /// within one row, one masked load from the flat view of B (for s > 1,
  /// of the s * lanes elements that span the run, then a shuffle that keeps
  /// every s-th), blended by the runs' lane masks. (A gather would be
  /// scalarized: a load and an insert per lane.)
  Value loadBRuns(OpBuilder &builder, const LoopIndices &at, int64_t count) {
    auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(builder, loc, v); };
    int64_t step = roles.nRowStride, lanes = config.lanes;
    auto maskType = VectorType::get({lanes}, builder.getI1Type());
    auto spanMaskType = VectorType::get({step * lanes}, builder.getI1Type());
    Value n = getValueOrCreateConstantIndexOp(builder, loc, at[roles.n]);
    Value width = index(roles.nRowLength), counted = index(count);
    Value start = bLinearIndex(builder, at);
    Value result, begin = index(0), below;
    for (int64_t r = 0; r < bRuns(); ++r) {
      // Lanes [begin, end): the first run to its row's end, the others a
      // whole row each, all within `count`.
      Value end = r == 0 ? arith::SubIOp::create(
                               builder, loc, width,
                               arith::RemUIOp::create(builder, loc, n, width))
                                 .getResult()
                         : arith::AddIOp::create(builder, loc, begin, width).getResult();
      end = arith::MinUIOp::create(builder, loc, end, counted);
      Value upTo = vector::CreateMaskOp::create(builder, loc, maskType, ValueRange{end});
      Value mask = r == 0 ? upTo : arith::XOrIOp::create(builder, loc, upTo, below).getResult();
      // Lane l reads element base + s * l. A later run starts a row: its
      // lane `begin` reads that row's first element. Where no lane is left,
      // the first run's start stands in (an index inside B; nothing is read).
      Value base = start;
      Value some = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult, begin, end);
      if (r > 0) {
        LoopIndices next = at;
        next[roles.n] = arith::AddIOp::create(builder, loc, n, begin).getResult();
        Value back = arith::MulIOp::create(builder, loc, begin, index(step));
        base = arith::SelectOp::create(
            builder, loc, some,
            arith::SubIOp::create(builder, loc, bLinearIndex(builder, next), back), start);
      }
      Value run;
      if (step == 1) {
        run = vector::MaskedLoadOp::create(builder, loc, vectorType, bFlat, ValueRange{base}, mask,
                                           zeroVector(builder));
      } else {
        // Span elements [s * begin, s * (end - 1) + 1), none where end = begin.
        Value low = arith::MulIOp::create(builder, loc, begin, index(step));
        Value last = arith::AddIOp::create(
            builder, loc,
            arith::MulIOp::create(builder, loc,
                                  arith::SubIOp::create(builder, loc, end, index(1)), index(step)),
            index(1));
        Value high = arith::SelectOp::create(builder, loc, some, last, low);
        Value upToHigh = vector::CreateMaskOp::create(builder, loc, spanMaskType, ValueRange{high});
        Value upToLow = vector::CreateMaskOp::create(builder, loc, spanMaskType, ValueRange{low});
        Value spanMask = arith::XOrIOp::create(builder, loc, upToHigh, upToLow);
        run = loadSpan(builder, bFlat, ValueRange{base}, spanMask, step);
      }
      // Masked-off lanes load as zero: the first run needs no blend.
      result = r == 0 ? run : arith::SelectOp::create(builder, loc, mask, run, result).getResult();
      begin = end;
      below = upTo;
    }
    return result;
  }

  /// Copies the B panel of the column tile at n0 (this reduction block of
  /// it) into `panel`, zero-padded to full vectors.
  void emitPack(OpBuilder &builder, const LoopIndices &loops, OpFoldResult n0, int64_t width,
                OpFoldResult blockStart) {
    int64_t vectors = tileVectors(width);
    emitReductions(builder, loops, 0, blockStart, ValueRange{},
                   [&](OpBuilder &nb, const LoopIndices &bound, ValueRange) {
                     Value row = panelRow(nb, bound, blockStart);
                     for (int64_t j = 0; j < vectors; ++j) {
                       Value column = arith::ConstantIndexOp::create(nb, loc, j * config.lanes);
                       vector::StoreOp::create(nb, loc, loadBVector(nb, bound, n0, width, j),
                                               panel, ValueRange{row, column});
                     }
                     return SmallVector<Value>{};
                   });
  }

  AffineMap aMap() const { return maps[roles.a]; }
  AffineMap bMap() const { return maps[roles.b]; }
  AffineMap cMap() const { return maps[2]; }

  /// `base` + `offset` as an index.
  OpFoldResult plus(OpBuilder &builder, OpFoldResult base, int64_t offset) {
    if (std::optional<int64_t> c = getConstantIntValue(base))
      return builder.getIndexAttr(*c + offset);
    if (offset == 0)
      return base;
    return arith::AddIOp::create(builder, loc, cast<Value>(base),
                                 arith::ConstantIndexOp::create(builder, loc, offset))
        .getResult();
  }

  /// `x` + `y` as an index.
  OpFoldResult plus(OpBuilder &builder, OpFoldResult x, OpFoldResult y) {
    if (std::optional<int64_t> c = getConstantIntValue(y))
      return plus(builder, x, *c);
    if (std::optional<int64_t> c = getConstantIntValue(x))
      return plus(builder, y, *c);
    return arith::AddIOp::create(builder, loc, cast<Value>(x), cast<Value>(y)).getResult();
  }

  /// The operand indices `map` gives for the bound loops, as arith ops (the
  /// loops are still being built, so no affine composition here).
  SmallVector<Value> indices(OpBuilder &builder, AffineMap map, const LoopIndices &loops) {
    SmallVector<Value> dims;
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    for (OpFoldResult v : loops)
      dims.push_back(v ? getValueOrCreateConstantIndexOp(builder, loc, v) : zero);
    SmallVector<Value> result;
    for (AffineExpr e : map.getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e))
        result.push_back(dims[d.getPosition()]);
      else
        result.push_back(affine::expandAffineExpr(builder, loc, e, dims, {}));
    }
    return result;
  }

  Value constantMask(OpBuilder &builder, int64_t count) {
    return vector::ConstantMaskOp::create(
        builder, loc, VectorType::get({config.lanes}, builder.getI1Type()),
        ArrayRef<int64_t>{count});
  }

  Value zeroVector(OpBuilder &builder) {
    return arith::ConstantOp::create(builder, loc, vectorType,
                                     DenseElementsAttr::get(vectorType, 0.0f));
  }

  /// `count` elements (the rest zero) from `memref` at `idx`, `stride` apart:
  /// a (masked) vector load, a load and shuffle for short strides, a gather
  /// for long ones.
  Value loadVector(OpBuilder &builder, Value memref, ValueRange idx, int64_t count,
                   int64_t stride) {
    if (stride > 1 && stride <= 4) {
      // A short stride (strided convolutions): the span ends at the last
      // element read, so nothing past it is touched.
      Value mask = vector::ConstantMaskOp::create(
          builder, loc, VectorType::get({stride * config.lanes}, builder.getI1Type()),
          ArrayRef<int64_t>{stride * (count - 1) + 1});
      return loadSpan(builder, memref, idx, mask, stride);
    }
    if (stride != 1) {
      SmallVector<int32_t> offsets;
      for (int64_t l = 0; l < config.lanes; ++l)
        offsets.push_back(static_cast<int32_t>(l * stride));
      auto offsetType = VectorType::get({config.lanes}, builder.getI32Type());
      Value offsetVector = arith::ConstantOp::create(
          builder, loc, offsetType, DenseElementsAttr::get(offsetType, ArrayRef(offsets)));
      return vector::GatherOp::create(builder, loc, vectorType, memref, idx, offsetVector,
                                      constantMask(builder, count), zeroVector(builder));
    }
    if (count == config.lanes)
      return vector::LoadOp::create(builder, loc, vectorType, memref, idx);
    return vector::MaskedLoadOp::create(builder, loc, vectorType, memref, idx,
                                        constantMask(builder, count), zeroVector(builder));
  }

  /// Lanes l of `memref` at idx + stride * l: one contiguous load of the
  /// stride * lanes elements that span them (only those `spanMask` sets),
  /// then a shuffle that keeps every stride-th.
  Value loadSpan(OpBuilder &builder, Value memref, ValueRange idx, Value spanMask,
                 int64_t stride) {
    auto spanType = VectorType::get({stride * config.lanes}, vectorType.getElementType());
    Value zero =
        arith::ConstantOp::create(builder, loc, spanType, DenseElementsAttr::get(spanType, 0.0f));
    Value wide = vector::MaskedLoadOp::create(builder, loc, spanType, memref, idx, spanMask, zero);
    SmallVector<int64_t> picks;
    for (int64_t l = 0; l < config.lanes; ++l)
      picks.push_back(l * stride);
    return vector::ShuffleOp::create(builder, loc, wide, wide, picks);
  }

  void storeVector(OpBuilder &builder, Value value, Value memref, ValueRange idx,
                   int64_t count) {
    if (count == config.lanes)
      vector::StoreOp::create(builder, loc, value, memref, idx);
    else
      vector::MaskedStoreOp::create(builder, loc, memref, idx, constantMask(builder, count),
                                    value);
  }

  /// `then` when `blockStart` == `value`, `otherwise` else; without
  /// reduction blocks, `then` alone (there is one block).
  SmallVector<Value> ifBlock(OpBuilder &builder, OpFoldResult blockStart, int64_t value,
                             function_ref<SmallVector<Value>(OpBuilder &)> then,
                             function_ref<SmallVector<Value>(OpBuilder &)> otherwise) {
    if (!config.reductionBlock)
      return then(builder);
    return ifIndexEquals(builder, getValueOrCreateConstantIndexOp(builder, loc, blockStart),
                         value, then, otherwise);
  }

  /// `then` when `index` == `value`, `otherwise` else.
  SmallVector<Value> ifIndexEquals(OpBuilder &builder, Value index, int64_t value,
                                   function_ref<SmallVector<Value>(OpBuilder &)> then,
                                   function_ref<SmallVector<Value>(OpBuilder &)> otherwise) {
    Value cond = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, index,
                                       arith::ConstantIndexOp::create(builder, loc, value));
    auto branch = [&](function_ref<SmallVector<Value>(OpBuilder &)> fn) {
      return [&, fn](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, fn(b)); };
    };
    auto ifOp = scf::IfOp::create(builder, loc, cond, branch(then), branch(otherwise));
    return SmallVector<Value>(ifOp.getResults());
  }

  using BodyFn = llvm::function_ref<void(OpBuilder &, const LoopIndices &)>;

  /// The outer loops from `level` in, `body` inside them.
  void emitOuter(OpBuilder &builder, LoopIndices loops, unsigned level, BodyFn body) {
    if (level == roles.outer.size())
      return body(builder, loops);
    int64_t d = roles.outer[level];
    auto next = [&](OpBuilder &nb, Value iv) {
      LoopIndices inner = loops;
      inner[d] = iv;
      emitOuter(nb, inner, level + 1, body);
    };
    if (d == foldDim) {
      // Folded into the register tiles: `vectors` iterations per tile, a
      // narrower tile for the rest.
      int64_t range = roles.ranges[d], full = range / config.vectors * config.vectors;
      foldCount = config.vectors;
      if (full > 0)
        forLoop(builder, 0, full, config.vectors, next);
      foldCount = range - full;
      if (foldCount)
        next(builder, arith::ConstantIndexOp::create(builder, loc, full));
      return;
    }
    // The first outer loop with more than one iteration is the parallel one.
    bool parallel = config.parallel == KernelConfig::Parallel::Outer && roles.ranges[d] >= 2 &&
                    llvm::all_of(ArrayRef(roles.outer).take_front(level),
                                 [&](int64_t o) { return roles.ranges[o] < 2; });
    if (parallel)
      parallelFor(builder, 0, roles.ranges[d], 1, next);
    else
      forLoop(builder, 0, roles.ranges[d], 1, next);
  }

  /// The stationary-A order: per row block, per reduction block, pack the
  /// block's A tiles once, then run every outer iteration's column tiles
  /// against them.
  void emitStationary(OpBuilder &builder, const LoopIndices &loops) {
    forEachRowBlock(builder, [&](OpBuilder &nb, Value mb, int64_t count) {
      emitStationaryBlock(nb, loops, mb, count);
    });
  }

  /// `body` once per row block with its start and row count; the last block
  /// may be ragged. With parallel row blocks the blocks run on the thread
  /// pool, each with panels of its own.
  void forEachRowBlock(OpBuilder &builder,
                       llvm::function_ref<void(OpBuilder &, Value, int64_t)> body) {
    int64_t rows = roles.rows();
    forEachBlock(builder, rows, config.rowBlock ? config.rowBlock : rows,
                 config.parallel == KernelConfig::Parallel::Rows, body);
  }

  /// `body` once per block of `block` in [0, total) with the block's start
  /// and size (the last block may be ragged), in a loop on this thread or,
  /// with `parallel`, on the thread pool, each block with panels of its own.
  void forEachBlock(OpBuilder &builder, int64_t total, int64_t block, bool parallel,
                    llvm::function_ref<void(OpBuilder &, Value, int64_t)> body) {
    int64_t lastStart = (total - 1) / block * block, lastCount = total - lastStart;
    auto one = [&](OpBuilder &nb, Value start) {
      if (lastCount == block || lastStart == 0)
        return body(nb, start, lastStart == 0 ? lastCount : block);
      ifIndexEquals(
          nb, start, lastStart,
          [&](OpBuilder &ib) {
            body(ib, start, lastCount);
            return SmallVector<Value>{};
          },
          [&](OpBuilder &ib) {
            body(ib, start, block);
            return SmallVector<Value>{};
          });
    };
    if (!parallel)
      forLoop(builder, 0, total, block, one);
    else if (lastStart > 0)
      parallelFor(builder, 0, total, block, one);
    else // One block: on this thread, with panels of its own all the same.
      withOwnPanel(builder, [&](OpBuilder &nb) { forLoop(nb, 0, total, block, one); });
  }

  void emitStationaryBlock(OpBuilder &builder, const LoopIndices &loops, Value rowStart,
                           int64_t rowCount) {
    forEachReductionBlock(builder, [&](OpBuilder &nb, OpFoldResult blockStart) {
      if (packsA())
        emitPackATiles(nb, loops, blockStart, rowStart, rowCount);
      emitOuter(nb, loops, 0, [&](OpBuilder &ib, const LoopIndices &bound) {
        emitColumnSweep(ib, bound, blockStart, rowStart, rowCount, ib.getIndexAttr(0),
                        roles.columns());
      });
    });
  }

  /// Column blocks [colStart, colStart + colCount), each through all the
  /// reduction blocks, so that the C block they accumulate stays in L2.
  void emitColumnBlocks(OpBuilder &builder, const LoopIndices &loops) {
    int64_t columns = roles.columns();
    int64_t block = config.columnBlock ? config.columnBlock : columns;
    int64_t full = columns / block * block;
    if (config.parallel == KernelConfig::Parallel::ColumnBlocks)
      return forEachBlock(builder, columns, block, /*parallel=*/true,
                          [&](OpBuilder &nb, Value nb0, int64_t count) {
                            emitReductionBlocks(nb, loops, nb0, count);
                          });
    if (full > 0)
      forLoop(builder, 0, full, block, [&](OpBuilder &nb, Value nb0) {
        emitReductionBlocks(nb, loops, nb0, block);
      });
    if (columns > full)
      emitReductionBlocks(builder, loops, builder.getIndexAttr(full), columns - full);
  }

  void emitReductionBlocks(OpBuilder &builder, const LoopIndices &loops, OpFoldResult colStart,
                           int64_t colCount) {
    forEachReductionBlock(builder, [&](OpBuilder &nb, OpFoldResult kb) {
      emitTiles(nb, loops, kb, colStart, colCount);
    });
  }

  /// `body` once per reduction block with the block's start (once, at 0,
  /// without reduction blocks).
  void forEachReductionBlock(OpBuilder &builder,
                             llvm::function_ref<void(OpBuilder &, OpFoldResult)> body) {
    if (!config.reductionBlock || roles.reductions.empty())
      return body(builder, builder.getIndexAttr(0));
    int64_t k = roles.ranges[roles.reductions.front()];
    forLoop(builder, 0, k, config.reductionBlock,
            [&](OpBuilder &nb, Value kb) { body(nb, kb); });
  }

  void emitTiles(OpBuilder &builder, const LoopIndices &loops, OpFoldResult blockStart,
                 OpFoldResult colStart, int64_t colCount) {
    forEachRowBlock(builder, [&](OpBuilder &nb, Value mb, int64_t count) {
      emitColumnTiles(nb, loops, blockStart, mb, count, colStart, colCount);
    });
  }

  /// The column tiles of the row block [rowStart, rowStart + rowCount): per
  /// column tile, pack its B panel, then sweep the block's row tiles.
  void emitColumnTiles(OpBuilder &builder, const LoopIndices &loops, OpFoldResult blockStart,
                       OpFoldResult rowStart, int64_t rowCount, OpFoldResult colStart,
                       int64_t colCount) {
    if (packsA())
      emitPackATiles(builder, loops, blockStart, rowStart, rowCount);
    emitColumnSweep(builder, loops, blockStart, rowStart, rowCount, colStart, colCount);
  }

  /// Row tile t of the block at rowStart starts at rowStart + t * rows.
  OpFoldResult tileStart(OpBuilder &builder, OpFoldResult rowStart, OpFoldResult t) {
    if (std::optional<int64_t> c = getConstantIntValue(t))
      return plus(builder, rowStart, *c * config.rows);
    Value scaled = arith::MulIOp::create(builder, loc, cast<Value>(t),
                                         arith::ConstantIndexOp::create(builder, loc, config.rows));
    return plus(builder, OpFoldResult(scaled), rowStart);
  }

  /// Packs every row tile of the block [rowStart, rowStart + rowCount), this
  /// reduction block of it, into aPanel.
  void emitPackATiles(OpBuilder &builder, const LoopIndices &loops, OpFoldResult blockStart,
                      OpFoldResult rowStart, int64_t rowCount) {
    int64_t tileRows = config.rows;
    int64_t fullTiles = rowCount / tileRows, tailRows = rowCount % tileRows;
    if (fullTiles > 0)
      forLoop(builder, 0, fullTiles, 1, [&](OpBuilder &nb, Value t) {
        emitPackA(nb, loops, tileStart(nb, rowStart, t), tileRows, t, blockStart);
      });
    if (tailRows)
      emitPackA(builder, loops, tileStart(builder, rowStart, builder.getIndexAttr(fullTiles)),
                tailRows, builder.getIndexAttr(fullTiles), blockStart);
  }

  /// Per column tile of [colStart, colStart + colCount): pack its B panel,
  /// then run the kernel on every row tile of the block.
  void emitColumnSweep(OpBuilder &builder, const LoopIndices &loops, OpFoldResult blockStart,
                       OpFoldResult rowStart, int64_t rowCount, OpFoldResult colStart,
                       int64_t colCount) {
    int64_t tileColumns = config.columns(), tileRows = config.rows;
    int64_t columns = colCount;
    int64_t fullColumns = columns / tileColumns * tileColumns;
    int64_t fullTiles = rowCount / tileRows, tailRows = rowCount % tileRows;
    auto tileStart = [&](OpBuilder &nb, OpFoldResult t) {
      return this->tileStart(nb, rowStart, t);
    };
    auto sweepRows = [&](OpBuilder &nb, OpFoldResult n0, int64_t width) {
      if (packsB())
        emitPack(nb, loops, n0, width, blockStart);
      // A column tile narrower than the register tile (the last 8 columns
      // of a 56-wide row, the last output row of a folded 7x7 map) runs
      // `stack` row tiles at once, so that it keeps as many accumulators:
      // 6 rows x 1 vector would have fewer independent FMA chains than the
      // FMA latency times the FMA units, and a broadcast per FMA.
      int64_t stack = std::max<int64_t>(config.vectors / tileVectors(width), 1);
      int64_t groups = fullTiles / stack;
      if (groups > 0)
        forLoop(nb, 0, groups * stack, stack, [&](OpBuilder &ib, Value t) {
          emitKernel(ib, loops, tileStart(ib, t), tileRows * stack, t, n0, width, blockStart);
        });
      for (int64_t t = groups * stack; t < fullTiles; ++t)
        emitKernel(nb, loops, tileStart(nb, nb.getIndexAttr(t)), tileRows, nb.getIndexAttr(t),
                   n0, width, blockStart);
      if (tailRows)
        emitKernel(nb, loops, tileStart(nb, nb.getIndexAttr(fullTiles)), tailRows,
                   nb.getIndexAttr(fullTiles), n0, width, blockStart);
    };
    auto fullTile = [&](OpBuilder &nb, Value n0) {
      sweepRows(nb, plus(nb, OpFoldResult(n0), colStart), tileColumns);
    };
    // Parallel kernels have no panel outside the parallel loop: the loop
    // over full tiles gives each iteration its own; a single tile or the
    // ragged last one (run after the loop, on this thread) gets one too.
    bool parallel = config.parallel == KernelConfig::Parallel::Columns;
    if (parallel && fullColumns >= 2 * tileColumns) {
      parallelFor(builder, 0, fullColumns, tileColumns, fullTile);
    } else if (fullColumns > 0) {
      if (parallel)
        withOwnPanel(builder, [&](OpBuilder &nb) {
          forLoop(nb, 0, fullColumns, tileColumns, fullTile);
        });
      else
        forLoop(builder, 0, fullColumns, tileColumns, fullTile);
    }
    if (columns > fullColumns) {
      auto tail = [&](OpBuilder &nb) {
        sweepRows(nb, plus(nb, colStart, fullColumns), columns - fullColumns);
      };
      if (parallel)
        withOwnPanel(builder, tail);
      else
        tail(builder);
    }
  }

  /// Copies the A elements row tile `tile` (rows from m0) reads in this
  /// reduction block into aPanel[tile][step][row], in the order the kernel
  /// broadcasts them.
  void emitPackA(OpBuilder &builder, const LoopIndices &loops, OpFoldResult m0, int64_t rows,
                 OpFoldResult tile, OpFoldResult blockStart) {
    emitReductions(builder, loops, 0, blockStart, ValueRange{},
                   [&](OpBuilder &nb, const LoopIndices &bound, ValueRange) {
                     Value step = panelRow(nb, bound, blockStart);
                     Value t = getValueOrCreateConstantIndexOp(nb, loc, tile);
                     for (int64_t i = 0; i < rows; ++i) {
                       Value v = memref::LoadOp::create(
                           nb, loc, a, indices(nb, aMap(), bind(nb, bound, m0, i, {}, -1)));
                       memref::StoreOp::create(
                           nb, loc, v, aPanel,
                           ValueRange{t, step, arith::ConstantIndexOp::create(nb, loc, i)});
                     }
                     return SmallVector<Value>{};
                   });
  }

  /// C[m0 : m0+rows, n0 : n0+width] += A * B over the reductions. `rows`
  /// may span several row tiles, the first of them `tile`.
  void emitKernel(OpBuilder &builder, const LoopIndices &loops, OpFoldResult m0, int64_t rows,
                  OpFoldResult tile, OpFoldResult n0, int64_t width, OpFoldResult blockStart) {
    int64_t vectors = tileVectors(width);
    auto count = [&](int64_t j) { return vectorWidth(width, j); };
    // In a prepacked operand, tiles start at multiples of the tile size;
    // this reduction block's steps start at its first index times the steps
    // of the other reductions.
    auto packedTileOf = [&](OpFoldResult start, int64_t tileSize) -> Value {
      return arith::DivUIOp::create(builder, loc,
                                    getValueOrCreateConstantIndexOp(builder, loc, start),
                                    arith::ConstantIndexOp::create(builder, loc, tileSize));
    };
    if (prepackedA || prepackedB) {
      int64_t inner = 1;
      for (int64_t d : llvm::drop_begin(roles.reductions))
        inner *= roles.ranges[d];
      stepBase = arith::MulIOp::create(
          builder, loc, getValueOrCreateConstantIndexOp(builder, loc, blockStart),
          arith::ConstantIndexOp::create(builder, loc, inner));
    }
    if (prepackedA)
      aTile = packedTileOf(m0, config.rows);
    Value bTile = prepackedB ? packedTileOf(n0, config.columns()) : Value();
    // The C tile's initial value: C itself, or on the first reduction block
    // the fused prologue (bias, residual, zero; or an update of C's own
    // value, from the loaded tile) computed in registers.
    auto cIndices = [&](OpBuilder &nb, int64_t i, int64_t j) {
      return indices(nb, cMap(), bind(nb, loops, m0, i, n0, j));
    };
    auto loadC = [&](OpBuilder &nb) {
      SmallVector<Value> tile;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < vectors; ++j)
          tile.push_back(loadVector(nb, c, cIndices(nb, i, j), count(j), 1));
      return tile;
    };
    SmallVector<Value> accumulators =
        !prologue ? loadC(builder)
                  : ifBlock(
                        builder, blockStart, 0,
                        [&](OpBuilder &nb) {
                          SmallVector<Value> tile;
                          for (int64_t i = 0; i < rows; ++i)
                            for (int64_t j = 0; j < vectors; ++j) {
                              Value current =
                                  prologue.readsC
                                      ? loadVector(nb, c, cIndices(nb, i, j), count(j), 1)
                                      : Value();
                              tile.push_back(prologue.evaluate(nb, loc, cIndices(nb, i, j),
                                                               count(j), config.lanes, current));
                            }
                          return tile;
                        },
                        loadC);

    // One reduction step: `row` is its panel row (packed operands only).
    auto step = [&](OpBuilder &nb, const LoopIndices &bound, Value row, ValueRange accs) {
      SmallVector<Value> bRow;
      for (int64_t j = 0; j < vectors; ++j) {
        if (!config.packB) {
          bRow.push_back(loadBVector(nb, bound, n0, width, j));
          continue;
        }
        Value column = arith::ConstantIndexOp::create(nb, loc, j * config.lanes);
        if (prepackedB)
          bRow.push_back(vector::LoadOp::create(
              nb, loc, vectorType, b,
              ValueRange{bTile, arith::AddIOp::create(nb, loc, stepBase, row), column}));
        else
          bRow.push_back(
              vector::LoadOp::create(nb, loc, vectorType, panel, ValueRange{row, column}));
      }
      SmallVector<Value> next;
      for (int64_t i = 0; i < rows; ++i) {
        // Row i of a kernel over stacked row tiles is row i % config.rows of
        // tile i / config.rows in the packed layouts.
        Value index = arith::ConstantIndexOp::create(nb, loc, i % config.rows), scalar;
        auto packedTile = [&](OpFoldResult first) {
          return getValueOrCreateConstantIndexOp(nb, loc, plus(nb, first, i / config.rows));
        };
        if (packsA())
          scalar = memref::LoadOp::create(nb, loc, aPanel,
                                          ValueRange{packedTile(tile), row, index});
        else if (prepackedA)
          scalar = memref::LoadOp::create(
              nb, loc, a,
              ValueRange{packedTile(aTile), arith::AddIOp::create(nb, loc, stepBase, row),
                         index});
        else
          scalar = memref::LoadOp::create(nb, loc, a,
                                          indices(nb, aMap(), bind(nb, bound, m0, i, {}, -1)));
        Value broadcast = vector::BroadcastOp::create(nb, loc, vectorType, scalar);
        for (int64_t j = 0; j < vectors; ++j)
          next.push_back(
              vector::FMAOp::create(nb, loc, broadcast, bRow[j], accs[i * vectors + j]));
      }
      return next;
    };
    SmallVector<Value> results;
    if ((packsA() || prepackedA) && config.packB) {
      // Both operands packed: the step reads nothing but panel rows, so the
      // reductions are one flat loop over them. (Nested loops of 3 taps
      // leave LLVM's unroller and register allocator shuffling, and
      // spilling, the accumulators.)
      auto loop = scf::ForOp::create(
          builder, loc, arith::ConstantIndexOp::create(builder, loc, 0),
          arith::ConstantIndexOp::create(builder, loc, panelRows()),
          arith::ConstantIndexOp::create(builder, loc, 1), accumulators,
          [&](OpBuilder &nb, Location l, Value row, ValueRange iter) {
            scf::YieldOp::create(nb, l, step(nb, loops, row, iter));
          });
      results = loop.getResults();
      if (rows > config.rows)
        disableUnrolling(loop);
    } else {
      results = emitReductions(
          builder, loops, 0, blockStart, accumulators,
          [&](OpBuilder &nb, const LoopIndices &bound, ValueRange accs) {
            Value row = packsA() || prepackedA || config.packB
                            ? panelRow(nb, bound, blockStart)
                            : Value();
            return step(nb, bound, row, accs);
          });
    }

    // The tile goes back to C, or after the last reduction block through the
    // fused epilogue (the activation) straight into the epilogue's output.
    auto storeTo = [&](Value memref, bool throughEpilogue) {
      return [&, memref, throughEpilogue](OpBuilder &nb) {
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < vectors; ++j) {
            SmallVector<Value> idx = cIndices(nb, i, j);
            Value v = results[i * vectors + j];
            if (throughEpilogue)
              v = epilogue.evaluate(nb, loc, idx, count(j), config.lanes, v);
            storeVector(nb, v, memref, idx, count(j));
          }
        return SmallVector<Value>{};
      };
    };
    if (!epilogue) {
      storeTo(c, false)(builder);
      return;
    }
    int64_t lastBlock =
        config.reductionBlock
            ? roles.ranges[roles.reductions.front()] - config.reductionBlock
            : 0;
    ifBlock(builder, blockStart, lastBlock, storeTo(epilogue.output(), true), storeTo(c, false));
  }

  using StepFn = llvm::function_ref<SmallVector<Value>(OpBuilder &, const LoopIndices &,
                                                       ValueRange)>;

  /// The reduction loops around `step`, the accumulators loop-carried.
  SmallVector<Value> emitReductions(OpBuilder &builder, const LoopIndices &loops, unsigned level,
                                    OpFoldResult blockStart, ValueRange accs, StepFn step) {
    if (level == roles.reductions.size())
      return step(builder, loops, accs);
    int64_t d = roles.reductions[level];
    Value lb, ub;
    if (level == 0 && config.reductionBlock) {
      lb = getValueOrCreateConstantIndexOp(builder, loc, blockStart);
      ub = getValueOrCreateConstantIndexOp(builder, loc,
                                           plus(builder, blockStart, config.reductionBlock));
    } else {
      lb = arith::ConstantIndexOp::create(builder, loc, 0);
      ub = arith::ConstantIndexOp::create(builder, loc, roles.ranges[d]);
    }
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    auto loop = scf::ForOp::create(
        builder, loc, lb, ub, one, accs,
        [&](OpBuilder &nb, Location l, Value iv, ValueRange iter) {
          LoopIndices inner = loops;
          inner[d] = iv;
          SmallVector<Value> next = emitReductions(nb, inner, level + 1, blockStart, iter, step);
          scf::YieldOp::create(nb, l, next);
        });
    return loop.getResults();
  }

  /// Asks LLVM not to unroll `loop`. A kernel over stacked row tiles holds
  /// as many accumulators as the register file allows beside one B vector
  /// and one broadcast; unrolled twice, its broadcasts are hoisted and the
  /// accumulators spill (7x7 convolutions 3-4% slower). The attribute is
  /// carried by scf-to-cf and cf-to-llvm onto the loop's latch branch.
  void disableUnrolling(scf::ForOp loop) {
    MLIRContext *ctx = loop.getContext();
    auto unroll = LLVM::LoopUnrollAttr::get(ctx, /*disable=*/BoolAttr::get(ctx, true), {}, {},
                                            {}, {}, {}, {});
    // llvm.br's name for it.
    loop->setAttr("loop_annotation",
                  LLVM::LoopAnnotationAttr::get(ctx, {}, {}, {}, unroll, {}, {}, {}, {}, {}, {},
                                                {}, {}, {}, {}, {}));
  }

  /// for iv in [lb, ub) step `step`; a single iteration is emitted inline.
  void forLoop(OpBuilder &builder, int64_t lb, int64_t ub, int64_t step,
               llvm::function_ref<void(OpBuilder &, Value)> body) {
    Value lbv = arith::ConstantIndexOp::create(builder, loc, lb);
    if (ub - lb <= step)
      return body(builder, lbv);
    Value ubv = arith::ConstantIndexOp::create(builder, loc, ub);
    Value stepv = arith::ConstantIndexOp::create(builder, loc, step);
    scf::ForOp::create(builder, loc, lbv, ubv, stepv, ValueRange{},
                       [&](OpBuilder &nb, Location l, Value iv, ValueRange) {
                         body(nb, iv);
                         scf::YieldOp::create(nb, l);
                       });
  }

  linalg::GenericOp op;
  const ContractionRoles &roles;
  const KernelConfig &config;
  TileElementwise prologue, epilogue;
  Location loc;
  SmallVector<AffineMap> maps;
  VectorType vectorType;
  Value a, b, c;
  /// The packed B panel (packB only) and A block (packA only).
  Value panel, aPanel;
  /// A is a constant packed at compile time into [tile][step][row] (`a` is
  /// then that view), and the tile the kernel being emitted reads.
  bool prepackedA = false;
  Value aTile;
  /// B is a constant packed at compile time into [tile][step][column] (`b`
  /// is then that view).
  bool prepackedB = false;
  /// The first step of the reduction block being emitted in a prepacked
  /// operand.
  Value stepBase;
  /// The outer loop folded into the register tiles (foldOuter only), and
  /// the iterations of it the tile being emitted covers.
  int64_t foldDim = -1, foldCount = 0;
  /// B as one dimension, for gathered B read in runs (or null).
  Value bFlat;
};

struct VectorizeContractionsPass : impl::VectorizeContractionsBase<VectorizeContractionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kKernelConfigAttrName))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      auto attr = op->getAttrOfType<KernelConfigAttr>(kKernelConfigAttrName);
      if (!attr) {
        op.emitError() << kKernelConfigAttrName << " must be a #tessel.kernel_config, not "
                       << op->getAttr(kKernelConfigAttrName);
        return signalPassFailure();
      }
      KernelConfig config = KernelConfig::fromAttr(attr);
      FailureOr<ContractionRoles> roles = analyzeContraction(op);
      if (failed(roles)) {
        op.emitError() << kKernelConfigAttrName
                       << " on an op that is not a float32 multiply-accumulate contraction "
                          "with static shapes";
        return signalPassFailure();
      }
      if (config.foldOuter && (roles->outer.empty() || roles->columns() > config.lanes)) {
        op.emitError() << "fold_outer needs an outer loop and rows of C no wider than a vector";
        return signalPassFailure();
      }
      if (config.reductionBlock &&
          roles->ranges[roles->reductions.front()] % config.reductionBlock != 0) {
        op.emitError() << "reduction_block " << config.reductionBlock
                       << " does not divide the reduction loop of "
                       << roles->ranges[roles->reductions.front()];
        return signalPassFailure();
      }
      TileElementwise prologue = matchPrologue(op), epilogue = matchEpilogue(op);
      OpBuilder builder(op);
      OuterProductKernel(op, *roles, config, prologue, epilogue).emit(builder);
      op.erase();
      if (prologue)
        prologue.op->erase();
      if (epilogue)
        epilogue.op->erase();
    }
  }
};

} // namespace
} // namespace tessel
