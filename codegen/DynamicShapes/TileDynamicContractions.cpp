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
//   for each S = T/2, T/4, ..., Smin:  at most one tile of S    (static S)
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

struct Tiler {
  RewriterBase &b;
  linalg::GenericOp op;
  unsigned loop;
  Location loc;
  SmallVector<Range> domain;

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
    FailureOr<TilingResult> tiled =
        cast<TilingInterface>(clone.getOperation()).getTiledImplementation(b, offsets, sizes);
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(tiled) ||
        failed(cast<TilingInterface>(clone.getOperation())
                   .getResultTilePosition(b, 0, offsets, sizes, resultOffsets, resultSizes)))
      return Value();
    Value value = tiled->tiledValues[0];
    if (padTo)
      value = padded(cast<linalg::GenericOp>(tiled->tiledOps.back()), size, padTo);
    b.eraseOp(clone);
    if (!value)
      return Value();
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
    Value result = op.getDpsInits()[0];
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value done = zero; // iterations covered so far
    for (int64_t size = strategy.dynamicTile; size >= strategy.dynamicMinTile; size /= 2) {
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
    b.replaceOp(op, tail.getResult(0));
    return success();
  }
};

struct TileDynamicContractionsPass
    : impl::TileDynamicContractionsBase<TileDynamicContractionsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<std::pair<linalg::GenericOp, unsigned>> candidates;
    for (auto op : func.getBody().getOps<linalg::GenericOp>())
      if (std::optional<unsigned> loop = dynamicLoop(op))
        candidates.push_back({op, *loop});
    if (candidates.empty())
      return;
    FailureOr<LoweringStrategy> strategy = getLoweringStrategyOrEmitError(func);
    if (failed(strategy))
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    for (auto [op, loop] : candidates) {
      Tiler tiler{rewriter, op, loop, op.getLoc(), {}};
      if (failed(tiler.run(*strategy))) {
        op.emitError("internal error: cannot tile this contraction's dynamic loop");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
} // namespace tessel
