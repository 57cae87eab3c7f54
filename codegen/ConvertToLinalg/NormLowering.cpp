//===- NormLowering.cpp - layer_norm, rms_norm, group_norm lowering -------===//
//
// Every norm is two reductions over the normalized axes (the mean, then the
// mean square of x - mean, or of x itself for RMS) into per-row statistics,
// then one elementwise loop that normalizes and applies the affine parameters.
//
//===----------------------------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"
#include "dialects/Tessel/ShapeHelpers.h"

using namespace mlir;

namespace tessel {
namespace {

/// (d0, ..., d_rank-1) -> (d0, ..., d_axis-1): the leading, unnormalized axes.
AffineMap leadingMap(MLIRContext *ctx, int64_t rank, int64_t axis) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < axis; ++i)
    exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Per-row statistics of `x` over its axes [axis, rank): `mean` (null when
/// not centered) and `inv` = 1 / sqrt(mean((x - mean)²) + eps), both of the
/// leading shape.
struct RowStats {
  Value mean, inv;
};

RowStats buildRowStats(OpBuilder &b, Location loc, Value x, int64_t axis, double eps,
                       bool centered) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  Type et = type.getElementType();
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  for (int64_t i = axis; i < rank; ++i)
    axes.push_back(i);
  auto leadType = RankedTensorType::get(type.getShape().take_front(axis), et);
  // The normalized element count: a constant, or a product of run-time
  // sizes where a normalized axis is dynamic.
  Value count;
  if (auto known = checkedElementCount(type.getShape().drop_front(axis))) {
    count = scalarConstant(b, loc, et, (double)*known);
  } else {
    Value n = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t i = axis; i < rank; ++i)
      n = arith::MulIOp::create(b, loc, n, dimSize(b, loc, x, i));
    count = arith::UIToFPOp::create(
        b, loc, et, arith::IndexCastUIOp::create(b, loc, b.getI64Type(), n));
  }
  // Row statistics have x's leading sizes.
  SmallVector<Value> leadSizes;
  for (int64_t i = 0; i < axis; ++i)
    if (type.isDynamicDim(i))
      leadSizes.push_back(dimSize(b, loc, x, i));
  Value zeros = filledTensorOfSizes(b, loc, leadType, 0.0, leadSizes);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap leadMap = leadingMap(ctx, rank, axis);
  SmallVector<utils::IteratorType> reduceIters(axis, utils::IteratorType::parallel);
  reduceIters.append(rank - axis, utils::IteratorType::reduction);
  auto cst = [&](OpBuilder &nb, Location l, double v) { return scalarConstant(nb, l, et, v); };

  RowStats stats;
  SmallVector<Value> inputs{x};
  SmallVector<AffineMap> maps{identity};
  if (centered) {
    Value sum = buildReduction(b, loc, x, axes, cst(b, loc, 0), createAdd);
    stats.mean = buildElementwise(b, loc, leadType, ValueRange{sum},
                                  [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                    return arith::DivFOp::create(nb, l, a[0], count);
                                  });
    inputs.push_back(stats.mean);
    maps.push_back(leadMap);
  }
  maps.push_back(leadMap);
  Value sq = linalg::GenericOp::create(
                 b, loc, TypeRange{leadType}, inputs,
                 ValueRange{zeros}, maps, reduceIters,
                 [&](OpBuilder &nb, Location l, ValueRange a) {
                   Value d = centered ? arith::SubFOp::create(nb, l, a[0], a[1]) : a[0];
                   Value acc = a.back();
                   linalg::YieldOp::create(
                       nb, l, ValueRange{arith::AddFOp::create(nb, l, acc,
                                                               arith::MulFOp::create(nb, l, d, d))});
                 })
                 .getResult(0);
  stats.inv = buildElementwise(b, loc, leadType, ValueRange{sq},
                               [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                 Value var = arith::DivFOp::create(nb, l, a[0], count);
                                 Value v = arith::AddFOp::create(nb, l, var, cst(nb, l, eps));
                                 return math::RsqrtOp::create(nb, l, v);
                               });
  return stats;
}

/// y = (x [- mean]) * inv * scale [+ bias], where mean / inv are indexed by
/// `statsMap` and scale / bias broadcast (NumPy rules, from the right) to x,
/// or are indexed by `paramMap` when given.
Value buildNormalize(OpBuilder &b, Location loc, Value x, RowStats stats, AffineMap statsMap,
                     Value scale, Value bias, AffineMap paramMap = AffineMap()) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<Value> inputs{x};
  SmallVector<AffineMap> maps{identity};
  if (stats.mean) {
    inputs.push_back(stats.mean);
    maps.push_back(statsMap);
  }
  inputs.push_back(stats.inv);
  maps.push_back(statsMap);
  for (Value param : {scale, bias}) {
    if (!param)
      continue;
    inputs.push_back(param);
    if (paramMap) {
      maps.push_back(paramMap);
    } else {
      auto pt = cast<RankedTensorType>(param.getType());
      maps.push_back(broadcastIndexingMap(ctx, pt.getShape(), type.getShape()));
    }
  }
  maps.push_back(identity);
  bool centered = bool(stats.mean);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{emptyTensor(b, loc, type, x)}, maps,
             SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               unsigned i = 0;
               Value v = a[i++];
               if (centered)
                 v = arith::SubFOp::create(nb, l, v, a[i++]);
               v = arith::MulFOp::create(nb, l, v, a[i++]);
               if (scale)
                 v = arith::MulFOp::create(nb, l, v, a[i++]);
               if (bias)
                 v = arith::AddFOp::create(nb, l, v, a[i++]);
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}


struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis(), rank = op.getType().getRank();
    RowStats stats = buildRowStats(rewriter, op.getLoc(), adaptor.getInput(), axis,
                                   op.getEpsilon().convertToDouble(), /*centered=*/true);
    rewriter.replaceOp(op, buildNormalize(rewriter, op.getLoc(), adaptor.getInput(), stats,
                                          leadingMap(getContext(), rank, axis),
                                          adaptor.getScale(), adaptor.getBias()));
    return success();
  }
};

struct RMSNormLowering : OpConversionPattern<RMSNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RMSNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis(), rank = op.getType().getRank();
    RowStats stats = buildRowStats(rewriter, op.getLoc(), adaptor.getInput(), axis,
                                   op.getEpsilon().convertToDouble(), /*centered=*/false);
    rewriter.replaceOp(op, buildNormalize(rewriter, op.getLoc(), adaptor.getInput(), stats,
                                          leadingMap(getContext(), rank, axis),
                                          adaptor.getScale(), Value()));
    return success();
  }
};

/// Statistics over [N, G, C/G * spatial] (a reshape of the input), then the
/// normalization over the original [N, C, spatial...] reads them at
/// (n, c floordiv C/G) and the per-channel scale and bias at c.
struct GroupNormLowering : OpConversionPattern<GroupNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GroupNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), groups = op.getNumGroups();
    int64_t n = type.getDimSize(0), perGroup = type.getDimSize(1) / groups;
    Value grouped = reshapeTensor(rewriter, loc, adaptor.getInput(),
                                  {n, groups, type.getNumElements() / (n * groups)});
    RowStats stats = buildRowStats(rewriter, loc, grouped, /*axis=*/2,
                                   op.getEpsilon().convertToDouble(), /*centered=*/true);
    AffineExpr c = getAffineDimExpr(1, ctx);
    AffineMap statsMap = AffineMap::get(rank, 0, {getAffineDimExpr(0, ctx), c.floorDiv(perGroup)},
                                        ctx);
    rewriter.replaceOp(op, buildNormalize(rewriter, loc, adaptor.getInput(), stats, statsMap,
                                          adaptor.getScale(), adaptor.getBias(),
                                          AffineMap::get(rank, 0, {c}, ctx)));
    return success();
  }
};

} // namespace

void populateNormLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering, RMSNormLowering, GroupNormLowering>(patterns.getContext());
}

} // namespace tessel
