//===- NNLowering.cpp - Convolution, pooling, batch norm lowering ---------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"

using namespace mlir;

namespace tessel {
namespace {

/// Input index along a spatial axis: out * stride + tap * dilation.
AffineExpr windowExpr(MLIRContext *ctx, unsigned outDim, unsigned tapDim, int64_t stride,
                      int64_t dilation) {
  return getAffineDimExpr(outDim, ctx) * stride + getAffineDimExpr(tapDim, ctx) * dilation;
}

/// Convolution as one linalg.generic over
///   (n, f, out_spatial..., c, taps...)
/// with input[n, group(f) * C/G + c, out*s + tap*d] and weight[f, c, taps];
/// the output starts as the broadcast bias (or zero).
struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
    int64_t spatial = type.getRank() - 2;
    int64_t group = op.getGroup();
    int64_t filtersPerGroup = wt.getDimSize(0) / group, channelsPerGroup = wt.getDimSize(1);
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(),
                             scalarConstant(rewriter, loc, et, 0));

    // Loop dims: 0 = n, 1 = f, [2, 2+spatial) = out, 2+spatial = c, then taps.
    unsigned cDim = 2 + spatial, tap0 = cDim + 1, loops = tap0 + spatial;
    AffineExpr f = getAffineDimExpr(1, ctx), c = getAffineDimExpr(cDim, ctx);
    AffineExpr channel = group == 1 ? c : f.floorDiv(filtersPerGroup) * channelsPerGroup + c;
    SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx), channel};
    SmallVector<AffineExpr> wExprs{f, c};
    SmallVector<AffineExpr> outExprs{getAffineDimExpr(0, ctx), f};
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(windowExpr(ctx, 2 + i, tap0 + i, op.getStrides()[i], op.getDilations()[i]));
      wExprs.push_back(getAffineDimExpr(tap0 + i, ctx));
      outExprs.push_back(getAffineDimExpr(2 + i, ctx));
    }
    SmallVector<AffineMap> maps{AffineMap::get(loops, 0, inExprs, ctx),
                                AffineMap::get(loops, 0, wExprs, ctx),
                                AffineMap::get(loops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(2 + spatial, utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);

    Value init;
    if (Value bias = adaptor.getBias()) {
      // bias[f] broadcast over n and the spatial axes.
      auto biasMap = AffineMap::get(type.getRank(), 0, {getAffineDimExpr(1, ctx)}, ctx);
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{type}, ValueRange{bias},
                 ValueRange{emptyTensor(rewriter, loc, type)},
                 SmallVector<AffineMap>{biasMap,
                                        AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)},
                 SmallVector<utils::IteratorType>(type.getRank(), utils::IteratorType::parallel),
                 [](OpBuilder &b, Location l, ValueRange a) { linalg::YieldOp::create(b, l, a[0]); })
                 .getResult(0);
    } else {
      init = filledTensor(rewriter, loc, type, 0.0);
    }
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{input, adaptor.getWeight()},
                  ValueRange{init}, maps, iterators,
                  [](OpBuilder &b, Location l, ValueRange a) {
                    Value prod = arith::MulFOp::create(b, l, a[0], a[1]);
                    linalg::YieldOp::create(b, l, ValueRange{arith::AddFOp::create(b, l, a[2], prod)});
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Pads the input so that every output window lies inside it: the begin/end
/// pads, plus extra end padding for ceil-mode windows that run past it.
SmallVector<int64_t> poolPads(RankedTensorType in, RankedTensorType out, ArrayRef<int64_t> kernel,
                              ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                              ArrayRef<int64_t> pads) {
  int64_t spatial = kernel.size();
  SmallVector<int64_t> result(pads);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t needed = (out.getDimSize(2 + i) - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    int64_t have = in.getDimSize(2 + i) + pads[i] + pads[spatial + i];
    if (needed > have)
      result[spatial + i] += needed - have;
  }
  return result;
}

/// Generic over (n, c, out..., taps...) reading the padded input through the
/// window map; a kernel-shaped empty tensor supplies the tap loop bounds.
Value buildPoolGeneric(OpBuilder &b, Location loc, Value padded, RankedTensorType type,
                       ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> dilations, Value init,
                       function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  int64_t spatial = kernel.size();
  unsigned tap0 = 2 + spatial, loops = tap0 + spatial;
  SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> kExprs, outExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(windowExpr(ctx, 2 + i, tap0 + i, strides[i], dilations[i]));
    kExprs.push_back(getAffineDimExpr(tap0 + i, ctx));
    outExprs.push_back(getAffineDimExpr(2 + i, ctx));
  }
  Value window = tensor::EmptyOp::create(b, loc, kernel, type.getElementType());
  Value acc = linalg::FillOp::create(b, loc, init, emptyTensor(b, loc, type)).getResult(0);
  SmallVector<utils::IteratorType> iterators(2 + spatial, utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{padded, window}, ValueRange{acc},
             SmallVector<AffineMap>{AffineMap::get(loops, 0, inExprs, ctx),
                                    AffineMap::get(loops, 0, kExprs, ctx),
                                    AffineMap::get(loops, 0, outExprs, ctx)},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, combine(nb, l, a[2], a[0]));
             })
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type et = op.getType().getElementType();
    auto pads = poolPads(op.getInput().getType(), op.getType(), op.getKernelShape(),
                         op.getStrides(), op.getDilations(), op.getPads());
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(), pads,
                              lowestValue(rewriter, loc, et));
    rewriter.replaceOp(op, buildPoolGeneric(rewriter, loc, padded, op.getType(),
                                            op.getKernelShape(), op.getStrides(),
                                            op.getDilations(), lowestValue(rewriter, loc, et),
                                            createMax));
    return success();
  }
};

/// Average pooling: a windowed sum over the zero-padded input, divided by the
/// number of taps that count for each output position. Taps count when they
/// fall inside the input (or, with count_include_pad, inside the explicit pads).
struct AvgPoolLowering : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    auto inType = op.getInput().getType();
    Type et = type.getElementType();
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations(), pads = op.getPads();
    int64_t spatial = kernel.size();
    auto fullPads = poolPads(inType, type, kernel, strides, dilations, pads);
    Value padded = padSpatial(rewriter, loc, adaptor.getInput(), fullPads,
                              scalarConstant(rewriter, loc, et, 0));
    Value sum = buildPoolGeneric(rewriter, loc, padded, type, kernel, strides, dilations,
                                 scalarConstant(rewriter, loc, et, 0), createAdd);
    bool includePad = op.getCountIncludePad();
    Value r = buildElementwise(
        rewriter, loc, type, ValueRange{sum}, [&](OpBuilder &b, Location l, ValueRange a) {
          // count = prod over axes of #{t in [0,k): lo <= o*s - pb + t*d < hi}.
          Value count = arith::ConstantIndexOp::create(b, l, 1);
          for (int64_t i = 0; i < spatial; ++i) {
            int64_t lo = includePad ? -pads[i] : 0;
            int64_t hi = inType.getDimSize(2 + i) + (includePad ? pads[spatial + i] : 0);
            auto idx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, l, v); };
            Value o = linalg::IndexOp::create(b, l, 2 + i);
            Value start = arith::SubIOp::create(
                b, l, arith::MulIOp::create(b, l, o, idx(strides[i])), idx(pads[i]));
            // First tap: ceil((lo - start) / d) clamped at 0; last: floor((hi-1-start)/d)+1
            // clamped at k.
            Value first = arith::CeilDivSIOp::create(
                b, l, arith::SubIOp::create(b, l, idx(lo), start), idx(dilations[i]));
            first = arith::MaxSIOp::create(b, l, first, idx(0));
            Value last = arith::AddIOp::create(
                b, l,
                arith::FloorDivSIOp::create(
                    b, l, arith::SubIOp::create(b, l, idx(hi - 1), start), idx(dilations[i])),
                idx(1));
            last = arith::MinSIOp::create(b, l, last, idx(kernel[i]));
            Value taps = arith::MaxSIOp::create(b, l, arith::SubIOp::create(b, l, last, first),
                                                idx(0));
            count = arith::MulIOp::create(b, l, count, taps);
          }
          Value countI64 = arith::IndexCastOp::create(b, l, b.getI64Type(), count);
          Value countF = arith::SIToFPOp::create(b, l, et, countI64);
          return arith::DivFOp::create(b, l, a[0], countF);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    double eps = op.getEpsilon().convertToDouble();
    auto channelMap = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    auto identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value r =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{adaptor.getInput(), adaptor.getScale(), adaptor.getBias(),
                       adaptor.getMean(), adaptor.getVariance()},
            ValueRange{emptyTensor(rewriter, loc, type)},
            SmallVector<AffineMap>{identity, channelMap, channelMap, channelMap, channelMap,
                                   identity},
            SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value x = a[0], scale = a[1], bias = a[2], mean = a[3], var = a[4];
              Value denom = math::SqrtOp::create(
                  b, l, arith::AddFOp::create(b, l, var, scalarConstant(b, l, x.getType(), eps)));
              Value norm = arith::DivFOp::create(b, l, arith::SubFOp::create(b, l, x, mean), denom);
              Value y = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, norm, scale), bias);
              linalg::YieldOp::create(b, l, ValueRange{y});
            })
            .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void populateNNLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvLowering, MaxPoolLowering, AvgPoolLowering, BatchNormLowering>(
      patterns.getContext());
}

} // namespace tessel
