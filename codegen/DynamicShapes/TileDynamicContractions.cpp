//===- TileDynamicContractions.cpp - tessel-tile-dynamic-contractions -----===//
//
// The register-blocked contraction kernels (tessel-vectorize-contractions)
// are generated for static sizes: their register tiles, cache blocks and
// packed panels are chosen from the trip counts. A matmul or linear layer
// whose rows are a run-time size (batch x sequence) would otherwise fall
// back to scalar loops. This pass gives such a contraction static pieces,
// on tensors, through TilingInterface:
//
//   for i < M / T:          tile [i*T, i*T + T)                 (static T)
//   for each S < T, largest first:  at most one tile of S    (static S)
//   if rows remain (< Smin): one tile padded with zeros to Smin  (static)
//
// (T and Smin: LoweringStrategy::dynamicTile / dynamicMinTile, from the
// target). Each piece is the op's own tiled implementation at static sizes,
// which the kernel generator then treats as any static contraction: full
// register tiles in the steady state, B panels packed per T rows as a
// static kernel packs them per row block, at most Smin - 1 rows of padding
// per call, correct at every size. The pieces run one after the other; each
// parallelizes inside as a static kernel does.
//
// The producer of C's initial value (a bias broadcast, a fill, a residual
// add) and an elementwise consumer of the result (an activation) are tiled
// with it (tile and fuse): each piece is  init tile -> contraction tile ->
// activation tile  on one slice of the result, as adjacent static ops, which
// the kernel generator fuses into the register tile's first load and last
// store as it does in a static kernel. (Left outside, each would be one more
// pass over the whole [rows, N] result: +1.5 ms of 5.7 on the BERT-base
// layer's GELU linear at 128 rows, AVX-512.)
//
// Only contractions with a single dynamic loop, a parallel one that every
// operand reads as a plain index, are tiled; others keep the generic loops.
//
//===----------------------------------------------------------------------===//
#include "codegen/Kernels/ContractionAnalysis.h"
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_TILEDYNAMICCONTRACTIONS
#include "codegen/Passes.h.inc"

namespace {

/// The one dynamic loop of `op`, if it is a contraction this pass tiles.
std::optional<unsigned> dynamicLoop(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 || !isMultiplyAccumulate(op) ||
      !cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32())
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  std::optional<unsigned> loop;
  for (auto [d, range] : llvm::enumerate(ranges)) {
    if (!ShapedType::isDynamic(range))
      continue;
    if (loop || op.getIteratorTypesArray()[d] != utils::IteratorType::parallel)
      return std::nullopt;
    loop = d;
  }
  if (!loop)
    return std::nullopt;
  // Every operand reads the loop as a plain index (where padding it is a
  // pad of that dimension) or not at all.
  for (AffineMap map : op.getIndexingMapsArray())
    for (AffineExpr e : map.getResults())
      if (e.isFunctionOfDim(*loop) && e != getAffineDimExpr(*loop, op.getContext()))
        return std::nullopt;
  return loop;
}

/// True when `op` is an all-parallel linalg op on tensors whose one result
/// is written through the identity map and whose out value is not read:
/// its tile at result position (offsets, sizes) is its own tile there, and
/// it can write any buffer of its result's shape.
bool isTileableElementwise(linalg::LinalgOp op) {
  return op && op.hasPureTensorSemantics() && op.getNumDpsInits() == 1 &&
         op->getNumResults() == 1 && op.getNumParallelLoops() == op.getNumLoops() &&
         op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() &&
         !op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)) &&
         isa<TilingInterface>(op.getOperation());
}

/// The op computing `contraction`'s initial value, if it can be fused into
/// each tile: elementwise, used by the contraction alone.
linalg::LinalgOp fusablePrologue(linalg::GenericOp contraction) {
  auto producer = contraction.getDpsInits()[0].getDefiningOp<linalg::LinalgOp>();
  if (!isTileableElementwise(producer) || !producer->hasOneUse())
    return {};
  return producer;
}

/// The elementwise consumer of `contraction`'s result, if it can be fused
/// into each tile: the result's only user but for its sizes (tensor.dim),
/// reading it once through the identity map, of the same type, computing
/// into a tensor.empty (not into a buffer it updates in place, such as a
/// recurrent layer's state), its other operands defined before the
/// contraction (the tiles are built there).
linalg::GenericOp fusableEpilogue(linalg::GenericOp contraction) {
  Value c = contraction->getResult(0);
  linalg::GenericOp consumer;
  for (Operation *user : c.getUsers()) {
    if (isa<tensor::DimOp>(user))
      continue;
    if (consumer)
      return {};
    consumer = dyn_cast<linalg::GenericOp>(user);
  }
  if (!consumer || !isTileableElementwise(consumer) ||
      !consumer.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>() ||
      consumer->getResult(0).getType() != c.getType() ||
      consumer->getBlock() != contraction->getBlock())
    return {};
  int reads = 0;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->get() == c) {
      ++reads;
      if (!consumer.getMatchingIndexingMap(input).isIdentity())
        return {};
      continue;
    }
    Operation *def = input->get().getDefiningOp();
    if (def && def->getBlock() == contraction->getBlock() && !def->isBeforeInBlock(contraction))
      return {};
  }
  return reads == 1 ? consumer : linalg::GenericOp();
}

struct Tiler {
  RewriterBase &b;
  linalg::GenericOp op;
  unsigned loop;
  Location loc;
  SmallVector<Range> domain;
  /// Fused into every tile (or null): the producer of the contraction's
  /// initial value and the elementwise consumer of its result.
  linalg::LinalgOp prologue;
  linalg::GenericOp epilogue;

  /// The tile of `fused` (a prologue or epilogue, all of whose operands
  /// but those in `toAcc` it keeps) at result position (offsets, sizes),
  /// with the operands in `toAcc` read from `acc`'s slice there.
  Operation *tileFused(Operation *fused, ArrayRef<Value> toAcc, Value acc,
                       ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes) {
    IRMapping mapping;
    for (Value v : toAcc)
      mapping.map(v, acc);
    Operation *clone = b.clone(*fused, mapping);
    FailureOr<TilingResult> tiled =
        cast<TilingInterface>(clone).getTiledImplementation(b, offsets, sizes);
    b.eraseOp(clone);
    return succeeded(tiled) ? tiled->tiledOps.back() : nullptr;
  }

  /// `acc` with the tile [offset, offset + size) of the loop computed in
  /// place: the op's tiled implementation on a clone whose destination is
  /// `acc`.
  Value tile(Value acc, OpFoldResult offset, OpFoldResult size, int64_t padTo = 0) {
    IRMapping mapping;
    mapping.map(op.getDpsInits()[0], acc);
    auto clone = cast<linalg::GenericOp>(b.clone(*op, mapping));
    SmallVector<OpFoldResult> offsets, sizes;
    for (Range r : domain) {
      offsets.push_back(r.offset);
      sizes.push_back(r.size);
    }
    offsets[loop] = offset;
    sizes[loop] = size;
    auto tilingOp = cast<TilingInterface>(clone.getOperation());
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(tilingOp.getResultTilePosition(b, 0, offsets, sizes, resultOffsets, resultSizes)))
      return Value();
    Operation *tiledPrologue = nullptr;
    if (prologue) {
      // The initial value's tile, written into the result's slice.
      tiledPrologue =
          tileFused(prologue, {prologue.getDpsInits()[0]}, acc, resultOffsets, resultSizes);
      if (!tiledPrologue)
        return Value();
    }
    FailureOr<TilingResult> tiled = tilingOp.getTiledImplementation(b, offsets, sizes);
    b.eraseOp(clone);
    if (failed(tiled))
      return Value();
    auto tiledOp = cast<linalg::GenericOp>(tiled->tiledOps.back());
    if (tiledPrologue) {
      tiledPrologue->moveBefore(tiledOp);
      tiledOp.getDpsInitsMutable()[0].set(tiledPrologue->getResult(0));
    }
    Value value = tiledOp->getResult(0);
    if (padTo)
      value = padded(tiledOp, size, padTo);
    if (!value)
      return Value();
    if (epilogue) {
      // The activation of the tile, in place.
      Value c = op->getResult(0);
      Operation *tiledEpilogue = tileFused(epilogue, {c, epilogue.getDpsInits()[0]}, acc,
                                           resultOffsets, resultSizes);
      if (!tiledEpilogue)
        return Value();
      for (OpOperand &operand : tiledEpilogue->getOpOperands())
        if (auto slice = operand.get().getDefiningOp<tensor::ExtractSliceOp>();
            slice && slice.getSource() == acc)
          operand.set(value);
      // init -> contraction -> activation adjacent (the other operands'
      // slices before them), as the kernel generator fuses them.
      if (!padTo) {
        if (tiledPrologue)
          tiledPrologue->moveBefore(tiledEpilogue);
        tiledOp->moveBefore(tiledEpilogue);
      }
      value = tiledEpilogue->getResult(0);
    }
    SmallVector<OpFoldResult> strides(resultOffsets.size(), b.getIndexAttr(1));
    return tensor::InsertSliceOp::create(b, loc, value, acc, resultOffsets, resultSizes, strides);
  }

  /// `tiled` (its loop of run-time size `size` < padTo) computed on its
  /// operands zero-padded to padTo along the loop: the result's first
  /// `size` rows.
  Value padded(linalg::GenericOp tiled, OpFoldResult size, int64_t padTo) {
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    SmallVector<Value> operands;
    Type resultType;
    int64_t resultPos = -1;
    for (OpOperand &operand : tiled->getOpOperands()) {
      AffineMap map = tiled.getMatchingIndexingMap(&operand);
      auto type = cast<RankedTensorType>(operand.get().getType());
      std::optional<unsigned> pos = map.getResultPosition(getAffineDimExpr(loop, b.getContext()));
      if (!pos) {
        operands.push_back(operand.get());
        continue;
      }
      SmallVector<int64_t> shape(type.getShape());
      shape[*pos] = padTo;
      auto paddedType = RankedTensorType::get(shape, type.getElementType());
      if (!paddedType.hasStaticShape())
        return Value();
      operands.push_back(tensor::createPadHighOp(paddedType, operand.get(), zero,
                                                 /*nofold=*/false, loc, b));
      if (tiled.isDpsInit(&operand)) {
        resultType = paddedType;
        resultPos = *pos;
      }
    }
    if (!resultType)
      return Value();
    Operation *computed = mlir::clone(b, tiled.getOperation(), TypeRange{resultType}, operands);
    b.eraseOp(tiled);
    auto type = cast<RankedTensorType>(resultType);
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)), sizes, strides;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      sizes.push_back(d == resultPos ? size : b.getIndexAttr(type.getDimSize(d)));
      strides.push_back(b.getIndexAttr(1));
    }
    return tensor::ExtractSliceOp::create(b, loc, computed->getResult(0), offsets, sizes,
                                          strides);
  }

  LogicalResult run(const LoweringStrategy &strategy) {
    b.setInsertionPoint(op);
    domain = cast<TilingInterface>(op.getOperation()).getIterationDomain(b);
    Value total = getValueOrCreateConstantIndexOp(b, loc, domain[loop].size);
    Value start = getValueOrCreateConstantIndexOp(b, loc, domain[loop].offset);
    // The result tensor the tiles are inserted into: the one the prologue
    // would have written (the tiles write its slices now).
    Value result = prologue ? prologue.getDpsInits()[0] : op.getDpsInits()[0];
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value done = zero; // iterations covered so far
    for (int64_t size : strategy.dynamicTiles()) {
      Value step = arith::ConstantIndexOp::create(b, loc, size);
      Value remaining = arith::SubIOp::create(b, loc, total, done);
      Value count = arith::DivUIOp::create(b, loc, remaining, step);
      bool failedTile = false;
      auto loopOp = scf::ForOp::create(
          b, loc, zero, count, one, ValueRange{result},
          [&](OpBuilder &, Location, Value iv, ValueRange args) {
            Value offset = arith::AddIOp::create(
                b, loc, start,
                arith::AddIOp::create(b, loc, done, arith::MulIOp::create(b, loc, iv, step)));
            Value next = tile(args[0], offset, b.getIndexAttr(size));
            failedTile = !next;
            scf::YieldOp::create(b, loc, next ? next : args[0]);
          });
      if (failedTile)
        return failure();
      result = loopOp.getResult(0);
      b.setInsertionPointAfter(loopOp);
      done = arith::AddIOp::create(b, loc, done, arith::MulIOp::create(b, loc, count, step));
    }
    // The last rows, fewer than the smallest tile: padded to it.
    Value rest = arith::SubIOp::create(b, loc, total, done);
    Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, rest, zero);
    bool failedTail = false;
    auto tail = scf::IfOp::create(
        b, loc, any,
        [&](OpBuilder &, Location) {
          Value offset = arith::AddIOp::create(b, loc, start, done);
          Value next = tile(result, offset, rest, strategy.dynamicMinTile);
          failedTail = !next;
          scf::YieldOp::create(b, loc, next ? next : result);
        },
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc, result); });
    if (failedTail)
      return failure();
    // What still reads the contraction's or the prologue's result reads its
    // sizes only (the iteration domain's tensor.dim, the epilogue's
    // tensor.empty): the tensors it was written into have them too.
    if (epilogue) {
      b.replaceOp(epilogue, tail.getResult(0));
      b.replaceOp(op, op.getDpsInits()[0]);
    } else {
      b.replaceOp(op, tail.getResult(0));
    }
    if (prologue)
      b.replaceOp(prologue, prologue.getDpsInits()[0]);
    return success();
  }
};

struct TileDynamicContractionsPass
    : impl::TileDynamicContractionsBase<TileDynamicContractionsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<std::pair<linalg::GenericOp, unsigned>> candidates;
    // Nested ones too (a recurrent layer's step matmul inside its time loop).
    func.walk([&](linalg::GenericOp op) {
      if (std::optional<unsigned> loop = dynamicLoop(op))
        candidates.push_back({op, *loop});
    });
    if (candidates.empty())
      return;
    FailureOr<LoweringStrategy> strategy = getLoweringStrategyOrEmitError(func);
    if (failed(strategy))
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    for (auto [op, loop] : candidates) {
      Tiler tiler{rewriter, op, loop, op.getLoc(), {}, fusablePrologue(op), fusableEpilogue(op)};
      if (failed(tiler.run(*strategy))) {
        op.emitError("internal error: cannot tile this contraction's dynamic loop");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
} // namespace tessel
