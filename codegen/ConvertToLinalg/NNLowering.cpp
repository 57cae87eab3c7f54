//===- NNLowering.cpp - Convolution, pooling, batch norm lowering ---------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"
#include "codegen/Kernels/KernelConfig.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <functional>

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
/// the sums accumulate into `init` (the epilogue's bias + residual, or zero).
/// `input` is already padded.
Value buildConvGeneric(OpBuilder &b, Location loc, Value input, Value weight, Value init,
                       RankedTensorType type, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> dilations, int64_t group) {
  MLIRContext *ctx = b.getContext();
  auto wt = cast<RankedTensorType>(weight.getType());
  int64_t spatial = type.getRank() - 2;
  int64_t filtersPerGroup = wt.getDimSize(0) / group, channelsPerGroup = wt.getDimSize(1);

  // Loop dims: 0 = n, 1 = f, [2, 2+spatial) = out, 2+spatial = c, then taps.
  unsigned cDim = 2 + spatial, tap0 = cDim + 1, loops = tap0 + spatial;
  AffineExpr f = getAffineDimExpr(1, ctx), c = getAffineDimExpr(cDim, ctx);
  AffineExpr channel = group == 1 ? c : f.floorDiv(filtersPerGroup) * channelsPerGroup + c;
  SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx), channel};
  SmallVector<AffineExpr> wExprs{f, c};
  SmallVector<AffineExpr> outExprs{getAffineDimExpr(0, ctx), f};
  for (int64_t i = 0; i < spatial; ++i) {
    inExprs.push_back(windowExpr(ctx, 2 + i, tap0 + i, strides[i], dilations[i]));
    wExprs.push_back(getAffineDimExpr(tap0 + i, ctx));
    outExprs.push_back(getAffineDimExpr(2 + i, ctx));
  }
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, inExprs, ctx),
                              AffineMap::get(loops, 0, wExprs, ctx),
                              AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(2 + spatial, utils::IteratorType::parallel);
  iterators.append(1 + spatial, utils::IteratorType::reduction);

  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{input, weight}, ValueRange{init}, maps, iterators,
             yieldMultiplyAccumulate)
      .getResult(0);
}

/// A 1x1, stride-1, unpadded, ungrouped convolution is a matmul per image:
/// out[n, f, p] = sum_c w[f, c] * in[n, c, p] over the flattened pixels p.
/// Lowered so, its kernel vectorizes along all H*W pixels at once instead of
/// one output row at a time, which pays where rows are ragged against the
/// register tile's `tileColumns` (16 on AVX2: a 7x7 map fills 7 of 8 lanes).
/// Rows that are whole tiles keep the row-wise form: each C row is then
/// written in longer runs.
bool isPointwise(ConvOp op, int64_t tileColumns) {
  auto wt = cast<RankedTensorType>(op.getWeight().getType());
  int64_t width = op.getType().getShape().back();
  return op.getGroup() == 1 && wt.getRank() >= 3 && width % tileColumns != 0 &&
         llvm::all_of(wt.getShape().drop_front(2), [](int64_t k) { return k == 1; }) &&
         llvm::all_of(op.getStrides(), [](int64_t s) { return s == 1; }) &&
         llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; });
}

/// out[n, r, p] += sum_c w[r, c] * x[n, c, p] over loops (n, r, p, c): a
/// matmul per image over the flattened pixels p, which the kernel generator
/// vectorizes along all of them at once.
Value buildPixelMatmul(OpBuilder &b, Location loc, Value x, Value w, Value init) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {d(0), d(3), d(2)}, ctx),
                              AffineMap::get(4, 0, {d(1), d(3)}, ctx),
                              AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x, w}, ValueRange{init}, maps,
             iterators,
             yieldMultiplyAccumulate)
      .getResult(0);
}

/// The pointwise convolution with its epilogue, all on [N, F, H*W]: the
/// init (bias, residual), the contraction and the activation are adjacent
/// ops on one buffer, so that the kernel generator fuses them.
Value buildPointwiseConv(OpBuilder &b, Location loc, ConvOp op, Value input, Value weight,
                         Value bias, Value residual) {
  auto it = cast<RankedTensorType>(input.getType());
  RankedTensorType type = op.getType();
  int64_t n = it.getDimSize(0), c = it.getDimSize(1), f = type.getDimSize(1);
  int64_t pixels = it.getNumElements() / std::max<int64_t>(n * c, 1);
  Value x = reshapeTensor(b, loc, input, {n, c, pixels});
  Value w = reshapeTensor(b, loc, weight, {f, c});
  if (residual)
    residual = reshapeTensor(b, loc, residual, {n, f, pixels});
  auto flatType = RankedTensorType::get({n, f, pixels}, type.getElementType());
  Value init = buildEpilogueInit(b, loc, flatType, bias, /*biasAxis=*/1, residual);
  Value r = buildPixelMatmul(b, loc, x, w, init);
  r = buildActivation(b, loc, r, op.getActivation(), op.getActivationParams());
  return reshapeTensor(b, loc, r, type.getShape());
}

/// A 2-D convolution whose output rows are ragged against the register
/// tile's `tileColumns` (16 on AVX2: 13, 14, 27, 28 pixels wide; at least
/// half a tile wide) fills 7/8 of its vectors or
/// less when computed row by row. Computed over the flattened output pixels
/// p = oh * OW + ow instead, every vector but the last is full: the kernel
/// generator gathers the B panel (the input at (p floordiv OW) * s + kh * d,
/// (p mod OW) * s + kw * d) in runs along the input rows, once per column
/// tile and reduction block, and the row tiles reuse it. 3x3 convolutions:
/// ResNet-18's 28x28 2.82 -> 2.57 ms and 14x14 2.76 -> 2.48 ms, AlexNet's
/// 13x13 2.88 -> 2.38 ms; stride 2 56 -> 28 1.57 -> 1.41 ms. Strides up to
/// 2: AlexNet's 11x11 stride-4 convolution was slower so; rows of 7 keep
/// the folded row-wise kernel, which is as fast.
bool hasRaggedRows(ConvOp op, int64_t tileColumns) {
  RankedTensorType type = op.getType();
  return op.getGroup() == 1 && type.getRank() == 4 && type.getDimSize(2) > 1 &&
         type.getDimSize(3) % tileColumns != 0 && type.getDimSize(3) >= tileColumns / 2 &&
         llvm::all_of(op.getStrides(), [](int64_t s) { return s <= 2; }) &&
         isa<FloatType>(type.getElementType());
}

/// That convolution on [N, F, OH * OW], its epilogue too; `input` is padded.
Value buildFlattenedConv(OpBuilder &b, Location loc, ConvOp op, Value input, Value weight,
                         Value bias, Value residual) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = op.getType();
  int64_t n = type.getDimSize(0), f = type.getDimSize(1), width = type.getDimSize(3);
  int64_t pixels = type.getDimSize(2) * width;
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
  auto flatType = RankedTensorType::get({n, f, pixels}, type.getElementType());
  if (residual)
    residual = reshapeTensor(b, loc, residual, {n, f, pixels});
  Value init = buildEpilogueInit(b, loc, flatType, bias, /*biasAxis=*/1, residual);
  // Loops (n, f, p, c, kh, kw).
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineExpr row = d(2).floorDiv(width) * strides[0] + d(4) * dilations[0];
  AffineExpr col = (d(2) % width) * strides[1] + d(5) * dilations[1];
  SmallVector<AffineMap> maps{AffineMap::get(6, 0, {d(0), d(3), row, col}, ctx),
                              AffineMap::get(6, 0, {d(1), d(3), d(4), d(5)}, ctx),
                              AffineMap::get(6, 0, {d(0), d(1), d(2)}, ctx)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  Value r = linalg::GenericOp::create(
                b, loc, TypeRange{flatType}, ValueRange{input, weight}, ValueRange{init}, maps,
                iterators,
                yieldMultiplyAccumulate)
                .getResult(0);
  r = buildActivation(b, loc, r, op.getActivation(), op.getActivationParams());
  return reshapeTensor(b, loc, r, type.getShape());
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  ConvLowering(MLIRContext *ctx, const LoweringStrategy &strategy)
      : OpConversionPattern(ctx), tileColumns(strategy.tileColumns()) {}
  LogicalResult matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type et = op.getType().getElementType();
    if (isPointwise(op, tileColumns) && isa<FloatType>(et)) {
      rewriter.replaceOp(op, buildPointwiseConv(rewriter, loc, op, adaptor.getInput(),
                                                adaptor.getWeight(), adaptor.getBias(),
                                                adaptor.getResidual()));
      return success();
    }
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(),
                             scalarConstant(rewriter, loc, et, 0));
    if (hasRaggedRows(op, tileColumns)) {
      rewriter.replaceOp(op, buildFlattenedConv(rewriter, loc, op, input, adaptor.getWeight(),
                                                adaptor.getBias(), adaptor.getResidual()));
      return success();
    }
    // Epilogue: the accumulator starts at bias + residual, the activation follows.
    Value init = buildEpilogueInit(rewriter, loc, op.getType(), adaptor.getBias(), /*biasAxis=*/1,
                                   adaptor.getResidual());
    Value conv = buildConvGeneric(rewriter, loc, input, adaptor.getWeight(), init, op.getType(),
                                  op.getStrides(), op.getDilations(), op.getGroup());
    rewriter.replaceOp(op, buildActivation(rewriter, loc, conv, op.getActivation(),
                                           op.getActivationParams()));
    return success();
  }

  /// Columns of the target's full register tile.
  int64_t tileColumns;
};

/// A transposed convolution whose kernel is its stride along every axis, with
/// no padding, dilation, output padding or groups (U-Net's 2x2 stride-2
/// upsampling): each output pixel receives exactly one tap of one input
/// pixel, y[n, f, s * K + k] = b[f] + sum_c x[n, c, s] w[c, f, k] per axis.
bool isStrideSizedKernel(ConvTransposeOp op, RankedTensorType inputType,
                         RankedTensorType weightType) {
  RankedTensorType type = op.getType();
  int64_t spatial = type.getRank() - 2;
  if (op.getGroup() != 1 || spatial < 1 || !isa<FloatType>(type.getElementType()) ||
      llvm::any_of(op.getPads(), [](int64_t p) { return p != 0; }) ||
      llvm::any_of(op.getOutputPadding(), [](int64_t p) { return p != 0; }) ||
      llvm::any_of(op.getDilations(), [](int64_t d) { return d != 1; }))
    return false;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t k = weightType.getDimSize(2 + i);
    if (op.getStrides()[i] != k || type.getDimSize(2 + i) != inputType.getDimSize(2 + i) * k)
      return false;
  }
  return true;
}

/// That transposed convolution as one matmul per image over the input's
/// pixels for all (filter, tap) rows at once,
///   t[n, (f, k...), s...] = sum_c w'[(f, k...), c] x[n, c, s...],
/// then one pass that interleaves t into y and adds the bias. The general
/// lowering below would convolve a zero-stuffed input with prod(K) times
/// the multiply-adds, most of them with zeros.
Value buildStrideSizedConvTranspose(OpBuilder &b, Location loc, ConvTransposeOp op, Value input,
                                    Value weight, Value bias) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType type = op.getType();
  Type et = type.getElementType();
  auto it = cast<RankedTensorType>(input.getType());
  auto wt = cast<RankedTensorType>(weight.getType());
  int64_t rank = type.getRank(), spatial = rank - 2;
  int64_t n = it.getDimSize(0), c = it.getDimSize(1), f = wt.getDimSize(1);
  ArrayRef<int64_t> taps = wt.getShape().drop_front(2), sizes = it.getShape().drop_front(2);
  int64_t tapCount = 1, pixels = 1;
  for (int64_t i = 0; i < spatial; ++i) {
    tapCount *= taps[i];
    pixels *= sizes[i];
  }

  // w [C, F, K...] -> w' [F * prod(K), C].
  SmallVector<int64_t> perm{1}, wtShape{f};
  for (int64_t i = 0; i < spatial; ++i) {
    perm.push_back(2 + i);
    wtShape.push_back(taps[i]);
  }
  perm.push_back(0);
  wtShape.push_back(c);
  Value wT = linalg::TransposeOp::create(b, loc, weight,
                                         emptyTensor(b, loc, RankedTensorType::get(wtShape, et)),
                                         perm)
                 .getResult()[0];
  Value w2 = reshapeTensor(b, loc, wT, {f * tapCount, c});
  Value x3 = reshapeTensor(b, loc, input, {n, c, pixels});
  auto tType = RankedTensorType::get({n, f * tapCount, pixels}, et);
  Value t = buildPixelMatmul(b, loc, x3, w2, filledTensor(b, loc, tType, 0.0));

  // y viewed as [N, F, S1, K1, ..., Sd, Kd] (its own memory order, the
  // loops' order too: the innermost run of taps is what LLVM interleaves)
  // reads t viewed as [N, F, K..., S...].
  SmallVector<int64_t> tShape{n, f}, yShape{n, f};
  tShape.append(taps.begin(), taps.end());
  tShape.append(sizes.begin(), sizes.end());
  SmallVector<AffineExpr> tExprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
  for (int64_t i = 0; i < spatial; ++i) {
    yShape.append({sizes[i], taps[i]});
    tExprs.push_back(getAffineDimExpr(3 + 2 * i, ctx));
  }
  for (int64_t i = 0; i < spatial; ++i)
    tExprs.push_back(getAffineDimExpr(2 + 2 * i, ctx));
  unsigned loops = yShape.size();
  SmallVector<Value> inputs{reshapeTensor(b, loc, t, tShape)};
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, tExprs, ctx)};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(loops, 0, {getAffineDimExpr(1, ctx)}, ctx));
  }
  auto yType = RankedTensorType::get(yShape, et);
  Value y = buildElementwiseMapped(b, loc, yType, inputs, maps,
                                   [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                     return bias ? arith::AddFOp::create(nb, l, a[0], a[1])
                                                       .getResult()
                                                 : a[0];
                                   });
  return reshapeTensor(b, loc, y, type.getShape());
}

/// Transposed convolution as a direct convolution (stride 1, same dilation)
/// over the input with strides-1 zeros between its elements and
/// (kernel-1)*dilation - pad zeros around it (cropped where that is negative),
/// with the kernel flipped and its two channel axes exchanged per group.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
    int64_t rank = it.getRank(), spatial = rank - 2, group = op.getGroup();
    int64_t channelsPerGroup = it.getDimSize(1) / group, filtersPerGroup = wt.getDimSize(1);
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(), outPad = op.getOutputPadding();
    if (isStrideSizedKernel(op, it, wt)) {
      rewriter.replaceOp(op, buildStrideSizedConvTranspose(rewriter, loc, op, adaptor.getInput(),
                                                           adaptor.getWeight(),
                                                           adaptor.getBias()));
      return success();
    }

    // Conv weight [M, C/G, k...]: w'[m, c, t] = w[g(m) * C/G + c, m mod M/G, k-1-t].
    SmallVector<int64_t> convShape{filtersPerGroup * group, channelsPerGroup};
    AffineExpr m = getAffineDimExpr(0, ctx), c = getAffineDimExpr(1, ctx);
    SmallVector<AffineExpr> srcExprs{m.floorDiv(filtersPerGroup) * channelsPerGroup + c,
                                     m % filtersPerGroup};
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t k = wt.getDimSize(2 + i);
      convShape.push_back(k);
      srcExprs.push_back(getAffineConstantExpr(k - 1, ctx) - getAffineDimExpr(2 + i, ctx));
    }
    auto convWeightType = RankedTensorType::get(convShape, et);
    Value convWeight =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{convWeightType}, ValueRange{adaptor.getWeight()},
            ValueRange{emptyTensor(rewriter, loc, convWeightType)},
            SmallVector<AffineMap>{AffineMap::get(rank, 0, srcExprs, ctx),
                                   AffineMap::getMultiDimIdentityMap(rank, ctx)},
            SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
            [](OpBuilder &b, Location l, ValueRange a) { linalg::YieldOp::create(b, l, a[0]); })
            .getResult(0);

    // Zero-stuffed and padded input.
    SmallVector<int64_t> stuffedShape(it.getShape().take_front(2));
    SmallVector<OpFoldResult> insertOffsets(2, rewriter.getIndexAttr(0)), insertSizes,
        insertStrides(2, rewriter.getIndexAttr(1));
    SmallVector<int64_t> cropBegin(rank, 0), cropShape;
    bool crop = false;
    for (int64_t d : it.getShape())
      insertSizes.push_back(rewriter.getIndexAttr(d));
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t reach = (wt.getDimSize(2 + i) - 1) * dilations[i];
      int64_t lo = reach - pads[i], hi = reach - pads[spatial + i] + outPad[i];
      int64_t length = (it.getDimSize(2 + i) - 1) * strides[i] + 1;
      stuffedShape.push_back(length + std::max<int64_t>(lo, 0) + std::max<int64_t>(hi, 0));
      insertOffsets.push_back(rewriter.getIndexAttr(std::max<int64_t>(lo, 0)));
      insertStrides.push_back(rewriter.getIndexAttr(strides[i]));
      cropBegin[2 + i] = std::max<int64_t>(-lo, 0);
      crop |= lo < 0 || hi < 0;
    }
    for (int64_t d = 0; d < rank; ++d) {
      int64_t cropEnd = 0;
      if (d >= 2) {
        int64_t i = d - 2;
        int64_t hi = (wt.getDimSize(d) - 1) * dilations[i] - pads[spatial + i] + outPad[i];
        cropEnd = std::max<int64_t>(-hi, 0);
      }
      cropShape.push_back(stuffedShape[d] - cropBegin[d] - cropEnd);
    }
    Value stuffed = filledTensor(rewriter, loc, RankedTensorType::get(stuffedShape, et), 0.0);
    stuffed = tensor::InsertSliceOp::create(rewriter, loc, adaptor.getInput(), stuffed,
                                            insertOffsets, insertSizes, insertStrides);
    if (crop)
      stuffed = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(cropShape, et), stuffed,
          ValueRange{}, ValueRange{}, ValueRange{}, rewriter.getDenseI64ArrayAttr(cropBegin),
          rewriter.getDenseI64ArrayAttr(cropShape),
          rewriter.getDenseI64ArrayAttr(SmallVector<int64_t>(rank, 1)));
    SmallVector<int64_t> ones(spatial, 1);
    Value bias = adaptor.getBias();
    Value init = bias ? buildEpilogueInit(rewriter, loc, type, bias, /*biasAxis=*/1, Value())
                      : filledTensor(rewriter, loc, type, 0.0);
    rewriter.replaceOp(op, buildConvGeneric(rewriter, loc, stuffed, convWeight, init, type, ones,
                                            dilations, group));
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

/// max(acc, x) for a pooling window, as a compare and select that vectorizes
/// to a few instructions: arith.maximumf's ordering of -0 below +0 costs
/// branches per element in LLVM's scalar expansion, which leaves the window
/// loop unvectorized. NaN still propagates: a NaN x is taken, and a NaN acc
/// is never replaced (no x compares greater than it).
Value windowMax(OpBuilder &b, Location loc, Value acc, Value x) {
  if (!isa<FloatType>(x.getType()))
    return createMax(b, loc, acc, x);
  Value greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, acc);
  Value nan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  return arith::SelectOp::create(b, loc, arith::OrIOp::create(b, loc, greater, nan), x, acc);
}

/// Strided windows of at most this many taps are unrolled (see
/// buildUnrolledPool).
constexpr int64_t kMaxUnrolledTaps = 16;

/// A small pooling window as one elementwise generic over (n, c, out...)
/// with one input per tap (the same padded tensor through that tap's map),
/// combined in registers. The windowed generic's innermost loop runs over
/// one output's taps, and its accumulator lives in the output buffer,
/// which no loop vectorizer uses (ResNet-18's 3x3 max pool ran at 2.8
/// GFLOP/s); here the innermost loop runs over consecutive outputs, which
/// LLVM vectorizes with strided loads. Taps combine in the same order.
Value buildUnrolledPool(OpBuilder &b, Location loc, Value padded, RankedTensorType type,
                        ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> dilations,
                        function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  int64_t spatial = kernel.size(), taps = 1;
  for (int64_t k : kernel)
    taps *= k;
  unsigned loops = 2 + spatial;
  SmallVector<AffineMap> maps;
  for (int64_t t = 0; t < taps; ++t) {
    SmallVector<AffineExpr> exprs{getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
    int64_t rest = t;
    SmallVector<int64_t> tap(spatial);
    for (int64_t i = spatial - 1; i >= 0; --i) {
      tap[i] = rest % kernel[i];
      rest /= kernel[i];
    }
    for (int64_t i = 0; i < spatial; ++i)
      exprs.push_back(getAffineDimExpr(2 + i, ctx) * strides[i] + tap[i] * dilations[i]);
    maps.push_back(AffineMap::get(loops, 0, exprs, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(loops, ctx));
  SmallVector<Value> inputs(taps, padded);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{emptyTensor(b, loc, type)}, maps,
             SmallVector<utils::IteratorType>(loops, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value acc = a[0];
               for (int64_t t = 1; t < taps; ++t)
                 acc = combine(nb, l, acc, a[t]);
               linalg::YieldOp::create(nb, l, acc);
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
    int64_t taps = 1;
    for (int64_t k : op.getKernelShape())
      taps *= k;
    // With a stride of 1 the first tap's map would be the identity on the
    // padded input, from which linalg would take the loops' extents.
    bool strided = llvm::all_of(op.getStrides(), [](int64_t s) { return s > 1; });
    if (taps <= kMaxUnrolledTaps && strided) {
      rewriter.replaceOp(op, buildUnrolledPool(rewriter, loc, padded, op.getType(),
                                               op.getKernelShape(), op.getStrides(),
                                               op.getDilations(), windowMax));
      return success();
    }
    rewriter.replaceOp(op, buildPoolGeneric(rewriter, loc, padded, op.getType(),
                                            op.getKernelShape(), op.getStrides(),
                                            op.getDilations(), lowestValue(rewriter, loc, et),
                                            windowMax));
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

/// Constant padding is tensor.pad (after an extract_slice for negative pads);
/// reflect and edge padding read the input at a computed index per axis. An
/// axis of run-time size gets the checks the verifier makes of static ones.
struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Value input = adaptor.getInput();
    auto it = cast<RankedTensorType>(input.getType());
    int64_t rank = it.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    bool reflect = op.getMode() == "reflect";
    auto index = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(rewriter, loc, v); };
    for (int64_t i = 0; i < rank; ++i) {
      if (!it.isDynamicDim(i))
        continue;
      int64_t begin = pads[i], end = pads[i + rank];
      Value in = dimSize(rewriter, loc, input, i);
      if (begin < 0 || end < 0)
        checkSizeAtLeast(rewriter, loc, in,
                         index(std::max({-begin, -end, -begin - end, int64_t(0)})),
                         "Pad crops axis " + Twine(i) + " of {0} elements by {1}");
      if (op.getMode() != "constant" && (begin > 0 || end > 0))
        checkSizeAtLeast(rewriter, loc, in, index(reflect ? std::max(begin, end) + 1 : 1),
                         Twine(reflect ? "reflect" : "edge") + " padding of axis " + Twine(i) +
                             " needs {1} elements, it holds {0}");
    }
    if (op.getMode() == "constant") {
      // Crop first, then pad.
      SmallVector<OpFoldResult> offsets, sizes;
      SmallVector<int64_t> positive(2 * rank, 0);
      bool crop = false;
      for (int64_t i = 0; i < rank; ++i) {
        int64_t begin = pads[i], end = pads[i + rank];
        int64_t cropped = std::max<int64_t>(-begin, 0) + std::max<int64_t>(-end, 0);
        crop |= cropped > 0;
        offsets.push_back(rewriter.getIndexAttr(std::max<int64_t>(-begin, 0)));
        OpFoldResult size = tensor::getMixedSize(rewriter, loc, input, i);
        if (cropped > 0)
          size = it.isDynamicDim(i)
                     ? OpFoldResult(arith::SubIOp::create(rewriter, loc, cast<Value>(size),
                                                          index(cropped))
                                        .getResult())
                     : OpFoldResult(rewriter.getIndexAttr(it.getDimSize(i) - cropped));
        sizes.push_back(size);
        positive[i] = std::max<int64_t>(begin, 0);
        positive[i + rank] = std::max<int64_t>(end, 0);
      }
      if (crop)
        input = tensor::ExtractSliceOp::create(rewriter, loc, input, offsets, sizes,
                                               SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(1)));
      Value value = scalarConstant(rewriter, loc, et, op.getConstantValue().convertToDouble());
      rewriter.replaceOp(op, padSpatial(rewriter, loc, input, positive, value));
      return success();
    }
    // Each axis's last index, and the result's sizes.
    SmallVector<Value> last;
    SmallVector<OpFoldResult> outSizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!it.isDynamicDim(i)) {
        last.push_back(index(it.getDimSize(i) - 1));
        outSizes.push_back(rewriter.getIndexAttr(type.getDimSize(i)));
        continue;
      }
      Value in = dimSize(rewriter, loc, input, i);
      last.push_back(arith::SubIOp::create(rewriter, loc, in, index(1)));
      outSizes.push_back(
          arith::AddIOp::create(rewriter, loc, in, index(pads[i] + pads[i + rank])).getResult());
    }
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{},
                  ValueRange{tensor::EmptyOp::create(rewriter, loc, outSizes, et)},
                  SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange) {
                    auto idx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, l, v); };
                    SmallVector<Value> indices;
                    for (int64_t i = 0; i < rank; ++i) {
                      Value o = linalg::IndexOp::create(b, l, i);
                      if (pads[i] == 0 && pads[i + rank] == 0) {
                        indices.push_back(o);
                        continue;
                      }
                      Value src = arith::SubIOp::create(b, l, o, idx(pads[i]));
                      if (reflect) {
                        // |src| folds the begin side, last - |last - x| the end side.
                        Value negated = arith::SubIOp::create(b, l, idx(0), src);
                        src = arith::MaxSIOp::create(b, l, src, negated);
                        Value fromEnd = arith::SubIOp::create(b, l, last[i], src);
                        Value absFromEnd = arith::MaxSIOp::create(
                            b, l, fromEnd, arith::SubIOp::create(b, l, idx(0), fromEnd));
                        src = arith::SubIOp::create(b, l, last[i], absFromEnd);
                      } else {
                        src = arith::MinSIOp::create(b, l, arith::MaxSIOp::create(b, l, src, idx(0)),
                                                     last[i]);
                      }
                      indices.push_back(src);
                    }
                    Value v = tensor::ExtractOp::create(b, l, adaptor.getInput(), indices);
                    linalg::YieldOp::create(b, l, v);
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Pad with pads read at run time: each result element reads the input at
/// its position less the begin pad (reflected or clamped into the axis for
/// reflect and edge), or is the value outside it (constant).
struct ComputedPadLowering : OpConversionPattern<ComputedPadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedPadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType type = op.getType();
    Value input = adaptor.getInput();
    int64_t rank = type.getRank();
    StringRef mode = op.getMode();
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    SmallVector<Value> begins, dims, lasts, dynamicSizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value begin = shapeEntry(b, loc, adaptor.getPads(), d),
            end = shapeEntry(b, loc, adaptor.getPads(), d + rank);
      Value in = dimSize(b, loc, input, d);
      // Pads within +-2^48, so that the sizes below cannot wrap.
      for (auto [pad, side] : {std::pair(begin, "begin"), std::pair(end, "end")}) {
        checkSizeAtLeast(b, loc, pad, cst(-(int64_t(1) << 48)),
                         "Pad's " + Twine(side) + " pad of axis " + Twine(d) + " is {0}, below {1}");
        checkSizeAtLeast(b, loc, cst(int64_t(1) << 48), pad,
                         "Pad's " + Twine(side) + " pad of axis " + Twine(d) + " is {1}, above {0}");
      }
      Value out = arith::AddIOp::create(b, loc, in, arith::AddIOp::create(b, loc, begin, end));
      checkSizeAtLeast(b, loc, out, cst(0),
                       "Pad's result axis " + Twine(d) + " would have {0} elements");
      Value pads = arith::MaxSIOp::create(b, loc, begin, end);
      Value padding = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, pads, cst(0));
      if (mode == "reflect")
        checkSizeAtLeast(b, loc, in,
                         arith::SelectOp::create(b, loc, padding,
                                                 arith::AddIOp::create(b, loc, pads, cst(1)), cst(0)),
                         "reflect padding of axis " + Twine(d) + " needs {1} elements, it holds {0}");
      if (mode == "edge")
        checkSizeAtLeast(b, loc, in, arith::SelectOp::create(b, loc, padding, cst(1), cst(0)),
                         "edge padding of axis " + Twine(d) + " needs {1} elements, it holds {0}");
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(out);
      else
        checkSize(b, loc, out, cst(type.getDimSize(d)),
                  "Pad's result axis " + Twine(d) + " has {0} elements, the model needs {1}");
      begins.push_back(begin);
      dims.push_back(in);
      lasts.push_back(arith::SubIOp::create(b, loc, in, cst(1)));
    }
    Value value = tensor::ExtractOp::create(b, loc, adaptor.getValue(), ValueRange{});
    Value init = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
    // An empty input has no element to read: its constant padding is all
    // value (the other modes refuse to pad an empty axis).
    Value empty = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
    for (Value dim : dims)
      empty = arith::OrIOp::create(
          b, loc, empty, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim, cst(0)));
    auto branch = scf::IfOp::create(b, loc, TypeRange{type}, empty, /*withElseRegion=*/true);
    b.setInsertionPointToStart(branch.thenBlock());
    scf::YieldOp::create(b, loc, linalg::FillOp::create(b, loc, value, init).getResult(0));
    b.setInsertionPointToStart(branch.elseBlock());
    Value r = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, ValueRange{},
                  ValueRange{init},
                  SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &nb, Location l, ValueRange) {
                    auto idx = [&](int64_t v) { return arith::ConstantIndexOp::create(nb, l, v); };
                    Value inside = arith::ConstantIntOp::create(nb, l, nb.getI1Type(), 1);
                    SmallVector<Value> indices;
                    for (int64_t d = 0; d < rank; ++d) {
                      Value src = arith::SubIOp::create(nb, l, linalg::IndexOp::create(nb, l, d),
                                                        begins[d]);
                      if (mode == "reflect") {
                        // |src| folds the begin side, last - |last - x| the end side.
                        src = arith::MaxSIOp::create(nb, l, src,
                                                     arith::SubIOp::create(nb, l, idx(0), src));
                        Value fromEnd = arith::SubIOp::create(nb, l, lasts[d], src);
                        fromEnd = arith::MaxSIOp::create(
                            nb, l, fromEnd, arith::SubIOp::create(nb, l, idx(0), fromEnd));
                        src = arith::SubIOp::create(nb, l, lasts[d], fromEnd);
                      } else if (mode == "constant") {
                        Value in = arith::AndIOp::create(
                            nb, l,
                            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, src, idx(0)),
                            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, src, dims[d]));
                        inside = arith::AndIOp::create(nb, l, inside, in);
                      }
                      // (Clamped: a constant pad's outside elements read a
                      // valid one, then take the value.)
                      indices.push_back(arith::MinSIOp::create(
                          nb, l, arith::MaxSIOp::create(nb, l, src, idx(0)), lasts[d]));
                    }
                    Value v = tensor::ExtractOp::create(nb, l, input, indices);
                    if (mode == "constant")
                      v = arith::SelectOp::create(nb, l, inside, v, value);
                    linalg::YieldOp::create(nb, l, v);
                  })
                  .getResult(0);
    scf::YieldOp::create(b, loc, r);
    rewriter.replaceOp(op, branch.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Resize: per-axis interpolation tables computed at compile time.
//===----------------------------------------------------------------------===//

/// The input elements (and weights) that one output index along one axis
/// reads, following the ONNX reference implementation of Resize.
struct AxisTaps {
  SmallVector<SmallVector<std::pair<int64_t, double>>> taps; // per output index
  SmallVector<bool> outside; // tf_crop_and_resize: coordinate outside the input
  int64_t maxTaps = 0;
  bool identity = false;
};

AxisTaps computeAxisTaps(ResizeOp op, int64_t axis, int64_t in, int64_t out) {
  StringRef mode = op.getMode(), ctm = op.getCoordinateTransformationMode(),
            nearestMode = op.getNearestMode();
  double scale = op.getScales()[axis];
  double a = op.getCubicCoeffA().convertToDouble();
  bool excludeOutside = op.getExcludeOutside();
  double outputWidth = scale * (double)in;
  AxisTaps result;
  result.identity = in == out;
  // An axis that keeps its size at scale 1 is left alone (as ONNX Runtime
  // does), also by tf_half_pixel_for_nn, whose +0.5 shift would round
  // every index up under ceil / round_prefer_ceil.
  if (in == out && scale == 1.0 && ctm != "tf_crop_and_resize")
    return result;
  for (int64_t x = 0; x < out; ++x) {
    double xo = 0;
    bool outside = false;
    if (ctm == "align_corners") {
      xo = outputWidth == 1 ? 0 : x * (double)(in - 1) / (outputWidth - 1);
    } else if (ctm == "asymmetric") {
      xo = x / scale;
    } else if (ctm == "tf_crop_and_resize") {
      ArrayRef<double> roi = *op.getRoi();
      double start = roi[axis], end = roi[axis + roi.size() / 2];
      xo = outputWidth == 1 ? (end - start) * (in - 1) / 2.0
                            : x * (end - start) * (in - 1) / (outputWidth - 1);
      xo += start * (in - 1);
      outside = xo < 0 || xo > in - 1;
    } else if (ctm == "pytorch_half_pixel") {
      xo = outputWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    } else if (ctm == "tf_half_pixel_for_nn") {
      xo = (x + 0.5) / scale;
    } else { // half_pixel
      xo = (x + 0.5) / scale - 0.5;
    }
    double xInt = std::floor(xo);
    double ratio = xo == xInt ? 1.0 : xo - xInt;
    SmallVector<double> coeffs;
    if (mode == "nearest") {
      if (xo == xInt)
        coeffs = {0, 1};
      else if (nearestMode == "round_prefer_ceil")
        coeffs = {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
      else if (nearestMode == "floor")
        coeffs = {1, 0};
      else if (nearestMode == "ceil")
        coeffs = {0, 1};
      else // round_prefer_floor
        coeffs = {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
    } else if (mode == "linear") {
      coeffs = {1 - ratio, ratio};
    } else { // cubic
      double r = ratio, s = 1 - ratio;
      coeffs = {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                ((a + 2) * r - (a + 3)) * r * r + 1, ((a + 2) * s - (a + 3)) * s * s + 1,
                ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
    }
    // The n nearest indexes of the edge-padded axis, preferring smaller ones.
    int64_t n = coeffs.size(), pad = (n + 1) / 2, limit = in + 2 * pad;
    double xp = xo + pad;
    int64_t center = std::clamp<int64_t>((int64_t)std::floor(xp), 0, limit - 1);
    SmallVector<int64_t> candidates;
    for (int64_t i = std::max<int64_t>(0, center - n - 1); i < std::min(limit, center + n + 2); ++i)
      candidates.push_back(i);
    llvm::sort(candidates, [&](int64_t l, int64_t r) {
      double dl = std::abs(xp - l), dr = std::abs(xp - r);
      return dl != dr ? dl < dr : l < r;
    });
    candidates.resize(n);
    llvm::sort(candidates);
    if (excludeOutside) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        int64_t orig = candidates[i] - pad;
        if (orig < 0 || orig >= in)
          coeffs[i] = 0;
        sum += coeffs[i];
      }
      for (double &c : coeffs)
        c /= sum;
    }
    SmallVector<std::pair<int64_t, double>> taps;
    for (int64_t i = 0; i < n; ++i) {
      if (coeffs[i] == 0)
        continue;
      int64_t src = std::clamp<int64_t>(candidates[i] - pad, 0, in - 1);
      auto same = llvm::find_if(taps, [&](auto &t) { return t.first == src; });
      if (same != taps.end())
        same->second += coeffs[i];
      else
        taps.push_back({src, coeffs[i]});
    }
    if (taps.empty())
      taps.push_back({std::clamp<int64_t>((int64_t)xInt, 0, in - 1), 0.0});
    result.identity &= !outside && taps.size() == 1 && taps[0].first == x && taps[0].second == 1;
    result.maxTaps = std::max<int64_t>(result.maxTaps, taps.size());
    result.taps.push_back(taps);
    result.outside.push_back(outside);
  }
  return result;
}

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = type.getRank();
    Type i64 = rewriter.getI64Type();
    // Per resized axis: index and weight tables [out, taps], and for
    // tf_crop_and_resize an outside flag [out].
    struct Tables {
      AxisTaps taps;
      Value index, weight, outside;
    };
    SmallVector<std::optional<Tables>> axes(rank);
    for (int64_t d = 0; d < rank; ++d) {
      AxisTaps taps = computeAxisTaps(op, d, it.getDimSize(d), type.getDimSize(d));
      if (taps.identity)
        continue;
      int64_t out = type.getDimSize(d), n = taps.maxTaps;
      SmallVector<int64_t> index;
      SmallVector<double> weight;
      SmallVector<bool> outside;
      bool anyOutside = false;
      for (int64_t x = 0; x < out; ++x) {
        for (int64_t t = 0; t < n; ++t) {
          bool has = t < (int64_t)taps.taps[x].size();
          index.push_back(has ? taps.taps[x][t].first : 0);
          weight.push_back(has ? taps.taps[x][t].second : 0.0);
        }
        outside.push_back(taps.outside[x]);
        anyOutside |= taps.outside[x];
      }
      Tables tables{taps, {}, {}, {}};
      auto indexType = RankedTensorType::get({out, n}, i64);
      tables.index = arith::ConstantOp::create(rewriter, loc,
                                               DenseElementsAttr::get(indexType, ArrayRef(index)));
      if (op.getMode() != "nearest") {
        auto weightType = RankedTensorType::get({out, n}, et);
        SmallVector<Attribute> w;
        for (double v : weight)
          w.push_back(rewriter.getFloatAttr(et, v));
        tables.weight =
            arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(weightType, w));
      }
      if (anyOutside) {
        auto outsideType = RankedTensorType::get({out}, rewriter.getI1Type());
        tables.outside = arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(outsideType, ArrayRef(outside)));
      }
      axes[d] = tables;
    }
    Value input = adaptor.getInput();
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    Value r =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{emptyTensor(rewriter, loc, type)},
            SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
            SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> outIdx;
              for (int64_t d = 0; d < rank; ++d)
                outIdx.push_back(linalg::IndexOp::create(b, l, d));
              // Sum over every combination of taps of the resized axes.
              SmallVector<Value> srcIdx(outIdx);
              Value acc;
              std::function<void(int64_t, Value)> visit = [&](int64_t d, Value weight) {
                if (d == rank) {
                  Value v = tensor::ExtractOp::create(b, l, input, srcIdx);
                  if (weight)
                    v = arith::MulFOp::create(b, l, v, weight);
                  acc = acc ? arith::AddFOp::create(b, l, acc, v) : v;
                  return;
                }
                if (!axes[d]) {
                  visit(d + 1, weight);
                  return;
                }
                for (int64_t t = 0; t < axes[d]->taps.maxTaps; ++t) {
                  Value tap = arith::ConstantIndexOp::create(b, l, t);
                  Value index = tensor::ExtractOp::create(b, l, axes[d]->index,
                                                          ValueRange{outIdx[d], tap});
                  srcIdx[d] = arith::IndexCastOp::create(b, l, b.getIndexType(), index);
                  Value w = weight;
                  if (axes[d]->weight) {
                    Value tw = tensor::ExtractOp::create(b, l, axes[d]->weight,
                                                         ValueRange{outIdx[d], tap});
                    w = w ? arith::MulFOp::create(b, l, w, tw) : tw;
                  }
                  visit(d + 1, w);
                }
                srcIdx[d] = outIdx[d];
              };
              visit(0, Value());
              for (int64_t d = 0; d < rank; ++d) {
                if (!axes[d] || !axes[d]->outside)
                  continue;
                Value outside = tensor::ExtractOp::create(b, l, axes[d]->outside,
                                                          ValueRange{outIdx[d]});
                acc = arith::SelectOp::create(b, l, outside, scalarConstant(b, l, et, extrapolation),
                                              acc);
              }
              linalg::YieldOp::create(b, l, acc);
            })
            .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Layer norm: the mean and the centered variance reduced over the trailing
/// axes, then one elementwise pass (x - mean) * rsqrt(var + eps) * scale + bias.
struct PReluLowering : OpConversionPattern<PReluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PReluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(),
                               ValueRange{adaptor.getInput(), adaptor.getSlope()},
                               [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                 Value zero = scalarConstant(b, l, a[0].getType(), 0);
                                 Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                                                   a[0], zero);
                                 Value scaled = arith::MulFOp::create(b, l, a[0], a[1]);
                                 return arith::SelectOp::create(b, l, neg, scaled, a[0]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// LRN: squares zero-padded along the channel axis, summed over a window of
/// `size` channels, then x / (bias + alpha/size * sum)^beta.
struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    int64_t rank = type.getRank(), size = op.getSize();
    int64_t before = (size - 1) / 2, after = size - 1 - before;
    Value x = adaptor.getInput();
    Value sq = buildElementwise(rewriter, loc, type, ValueRange{x},
                                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                  return arith::MulFOp::create(b, l, a[0], a[0]);
                                });
    SmallVector<int64_t> low(rank, 0), high(rank, 0), paddedShape(type.getShape());
    low[1] = before;
    high[1] = after;
    paddedShape[1] += size - 1;
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, et), sq,
        getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
        scalarConstant(rewriter, loc, et, 0));
    // Loops: the result dims, then the channel tap.
    SmallVector<AffineExpr> inExprs, outExprs;
    for (int64_t i = 0; i < rank; ++i) {
      AffineExpr d = getAffineDimExpr(i, ctx);
      inExprs.push_back(i == 1 ? d + getAffineDimExpr(rank, ctx) : d);
      outExprs.push_back(d);
    }
    Value window = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{size}, et);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{type}, ValueRange{padded, window},
                    ValueRange{filledTensor(rewriter, loc, type, 0.0)},
                    SmallVector<AffineMap>{
                        AffineMap::get(rank + 1, 0, inExprs, ctx),
                        AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
                        AffineMap::get(rank + 1, 0, outExprs, ctx)},
                    iters,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      linalg::YieldOp::create(b, l, ValueRange{arith::AddFOp::create(b, l, a[2], a[0])});
                    })
                    .getResult(0);
    double alpha = op.getAlpha().convertToDouble(), beta = op.getBeta().convertToDouble(),
           bias = op.getBias().convertToDouble();
    Value r = buildElementwise(
        rewriter, loc, type, ValueRange{x, sum}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value scaled = arith::MulFOp::create(b, l, a[1], scalarConstant(b, l, et, alpha / size));
          Value base = arith::AddFOp::create(b, l, scaled, scalarConstant(b, l, et, bias));
          Value denom = math::PowFOp::create(b, l, base, scalarConstant(b, l, et, beta));
          return arith::DivFOp::create(b, l, a[0], denom);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void populateNNLoweringPatterns(RewritePatternSet &patterns, const LoweringStrategy &strategy) {
  patterns.add<ConvLowering>(patterns.getContext(), strategy);
  patterns.add<ConvTransposeLowering, MaxPoolLowering, AvgPoolLowering, BatchNormLowering,
               PadLowering, ComputedPadLowering, ResizeLowering, PReluLowering, LRNLowering>(patterns.getContext());
}

} // namespace tessel
