//===- FusedLowering.cpp - tessel.linear and tessel.attention lowering ----===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"
#include "codegen/Kernels/KernelConfig.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessel {
namespace {

/// [..., K] x W + bias (+ residual), then the activation: the leading axes
/// collapse into M, the product accumulates into the epilogue's init.
struct LinearLowering : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    RankedTensorType type = op.getType();
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
    int64_t k = wt.getDimSize(op.getTransposeWeight() ? 1 : 0);
    if (it.isDynamicDim(it.getRank() - 1)) {
      Value kSize = arith::ConstantIndexOp::create(rewriter, loc, k);
      checkSize(rewriter, loc, dimSize(rewriter, loc, adaptor.getInput(), it.getRank() - 1),
                kSize, "the input's last dimension is {0}, the weight needs {1}");
    }
    // [..., K] x [K, N] as one [M, K] x [K, N] product (static shapes go
    // through reshapeTensor, which the kernel passes have been tuned on).
    bool dynamic = !it.hasStaticShape();
    int64_t n = type.getShape().back(), m;
    if (dynamic)
      m = ShapedType::kDynamic;
    else if (n == 0)
      m = it.getNumElements() / std::max<int64_t>(k, 1);
    else
      m = type.getNumElements() / n;
    auto type2 = RankedTensorType::get({m, n}, type.getElementType());
    auto to2d = [&](Value v, int64_t cols) {
      return dynamic ? collapseLeadingDims(rewriter, loc, v)
                     : reshapeTensor(rewriter, loc, v, {m, cols});
    };
    Value x = to2d(adaptor.getInput(), k);
    Value residual = adaptor.getResidual();
    if (residual)
      residual = to2d(residual, n);
    Value init = buildEpilogueInit(rewriter, loc, type2, adaptor.getBias(), /*biasAxis=*/1,
                                   residual, ValueRange{x});
    AffineExpr i = getAffineDimExpr(0, ctx), j = getAffineDimExpr(1, ctx),
               r = getAffineDimExpr(2, ctx);
    auto map = [&](AffineExpr a, AffineExpr b) { return AffineMap::get(3, 0, {a, b}, ctx); };
    Value product = buildMatmulGeneric(rewriter, loc, x, adaptor.getWeight(), init, map(i, r),
                                       op.getTransposeWeight() ? map(j, r) : map(r, j));
    Value y = buildActivation(rewriter, loc, product, op.getActivation(), op.getActivationParams());
    rewriter.replaceOp(op, dynamic ? expandLeadingDims(rewriter, loc, y, type, adaptor.getInput())
                                   : reshapeTensor(rewriter, loc, y, type.getShape()));
    return success();
  }
};

/// The largest divisor of `n` that is at most `limit` (tiles stay static).
int64_t tileSize(int64_t n, int64_t limit) {
  for (int64_t t = std::min(n, limit); t > 1; --t)
    if (n % t == 0)
      return t;
  return 1;
}

/// A block of `n` rows: the largest divisor up to `limit`, or all `n` where
/// that divisor is under `smallest` and `n` is at most 1024. Token counts
/// like ViT's 197 (prime) or 65 (5 x 13) would otherwise give blocks of one
/// or a few rows, whose per-block work (the online softmax's rescaling, the
/// loop and tile setup) costs more than their few multiply-adds; a block of
/// all rows of a short sequence holds a few hundred KiB of scores at most.
int64_t attentionBlock(int64_t n, int64_t limit, int64_t smallest) {
  int64_t t = tileSize(n, limit);
  return t < smallest && n <= 1024 ? n : t;
}

/// Attention as a flash-style loop nest on tensors:
///
///   for each batch index b..., each block of Bq query rows:
///     m = -inf, l = 0, acc = 0                       (per query row)
///     for each block of Bk keys:
///       s    = scale * q_blk k_blkᵀ + mask_blk (causal: -inf above the diagonal)
///       m'   = max(m, rowmax(s))
///       p    = exp(s - m');  alpha = exp(m - m')
///       l    = l * alpha + rowsum(p)
///       acc  = acc * alpha + p v_blk
///       m    = m'
///     out[b..., blk] = acc / l
///
/// Only a Bq x Bk block of scores exists at a time. Blocks are divisors of
/// the sequence lengths, or whole short sequences that have no good divisor
/// (attentionBlock), of at most the strategy's (LoweringStrategy): up to 256
/// query rows, so that each key block's rescaling and loop overhead is
/// shared by many rows, and 32 keys, so that a block's scores stay in L1
/// (AVX2, 12 heads x 2048 positions x 64, one thread:
/// 241 ms with 32 x 64 blocks, 215 with 128 x 64, 201 with 128 x 32, 198
/// with 256 x 32; 128 x 16 and 128 x 128 were slower).
struct AttentionLowering : OpConversionPattern<AttentionOp> {
  AttentionLowering(MLIRContext *ctx, const LoweringStrategy &strategy)
      : OpConversionPattern(ctx), queryBlock(strategy.attentionQueryBlock),
        keyBlock(strategy.attentionKeyBlock) {}
  LogicalResult matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    RankedTensorType type = op.getType();
    Type et = type.getElementType();
    Value q = adaptor.getQ(), k = adaptor.getK(), v = adaptor.getV(), mask = adaptor.getMask();
    auto qt = cast<RankedTensorType>(q.getType());
    auto vt = cast<RankedTensorType>(v.getType());
    int64_t rank = qt.getRank(), nb = rank - 2;
    int64_t lq = qt.getDimSize(rank - 2), d = qt.getDimSize(rank - 1);
    int64_t lk = vt.getDimSize(rank - 2), dv = vt.getDimSize(rank - 1);
    if ((type.hasStaticShape() && type.getNumElements() == 0) || lk == 0) {
      // No keys: softmax over nothing is 0/0, as in the unfused graph.
      rewriter.replaceOp(op, filledTensor(rewriter, loc, type, NAN, q));
      return success();
    }
    bool dynamic = !type.hasStaticShape() || !vt.hasStaticShape() ||
                   !cast<RankedTensorType>(k.getType()).hasStaticShape() ||
                   (mask && !cast<RankedTensorType>(mask.getType()).hasStaticShape());
    // A dynamic sequence runs in blocks of a fixed size (the query block a
    // representative one, at most 64 rows), over q, k and v
    // zero-padded to whole blocks; padded keys are masked (-inf), padded
    // query rows dropped from the output.
    int64_t bq = ShapedType::isDynamic(lq) ? std::min<int64_t>(queryBlock, 64)
                                           : attentionBlock(lq, queryBlock, 16);
    int64_t bk = ShapedType::isDynamic(lk) ? keyBlock : attentionBlock(lk, keyBlock, 16);
    double scale = op.getScale().convertToDouble();
    bool causal = op.getCausal();
    // Causal self-attention: query blocks as long as key blocks, so that a
    // query block stops at the key block holding its last row; the blocks
    // past it are masked whole and would change nothing (m, l and the
    // accumulator come out of a fully masked block bit for bit unchanged).
    // About half the blocks are skipped. (A dynamic causal attention is
    // square too: checked at run time, and q and k pad to the same blocks.)
    bool skipMasked = causal && (dynamic || (lq == lk && bk < lk));
    if (skipMasked)
      bq = bk;
    RankedTensorType mt;
    if (mask) {
      // Align the mask's axes with the scores [B..., Lq, Lk].
      auto m0 = cast<RankedTensorType>(mask.getType());
      SmallVector<int64_t> shape(rank - m0.getRank(), 1);
      shape.append(m0.getShape().begin(), m0.getShape().end());
      mask = reshapeTensor(rewriter, loc, mask, shape);
      mt = cast<RankedTensorType>(mask.getType());
    }
    // Sizes as index values: constants where static (the static lowering's
    // loop bounds stay constants).
    auto sizeOf = [&](Value x, int64_t i) {
      return getValueOrCreateConstantIndexOp(rewriter, loc,
                                             tensor::getMixedSize(rewriter, loc, x, i));
    };
    Value lqSize = sizeOf(q, rank - 2), lkSize = sizeOf(k, rank - 2);
    // The loop nest over q, k, v (and the mask) of lqPadded query rows and
    // lkPadded keys, whole blocks of each; maskPaddedKeys: the keys past
    // lkSize are padding, masked out.
    auto emit = [&](Value q, Value k, Value v, Value mask, RankedTensorType mt, Value lqPadded,
                    Value lkPadded, bool maskPaddedKeys) -> Value {
      auto idx = [&](OpBuilder &b, int64_t value) -> Value {
        return arith::ConstantIndexOp::create(b, loc, value);
      };
      auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
      auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
      auto map = [&](unsigned dims, ArrayRef<AffineExpr> exprs) {
        return AffineMap::get(dims, 0, exprs, ctx);
      };
      /// A [rows, cols] tile of a [B..., R, C] tensor at batch `ivs`, row `r0`, column `c0`.
      auto tile = [&](OpBuilder &b, Value src, ValueRange batch, OpFoldResult r0, OpFoldResult c0,
                      int64_t rows, int64_t cols) -> Value {
        auto st = cast<RankedTensorType>(src.getType());
        SmallVector<OpFoldResult> offsets, sizes, strides(rank, b.getIndexAttr(1));
        for (int64_t i = 0; i < nb; ++i) {
          // A broadcast (size-1) batch axis of the mask is read at 0.
          offsets.push_back(st.getDimSize(i) == 1 ? OpFoldResult(b.getIndexAttr(0))
                                                  : OpFoldResult(batch[i]));
          sizes.push_back(b.getIndexAttr(1));
        }
        offsets.append({r0, c0});
        sizes.append({b.getIndexAttr(rows), b.getIndexAttr(cols)});
        return tensor::ExtractSliceOp::create(b, loc, RankedTensorType::get({rows, cols}, et), src,
                                              offsets, sizes, strides);
      };

      // Kᵀ once, [B..., D, Lk]: the score blocks q_blk k_blkᵀ then read their
      // B operand contiguously along the keys they vectorize over.
      SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
      std::swap(perm[rank - 2], perm[rank - 1]);
      auto kt = cast<RankedTensorType>(k.getType());
      SmallVector<int64_t> ktShape(kt.getShape());
      std::swap(ktShape[rank - 2], ktShape[rank - 1]);
      SmallVector<Value> kTSizes;
      for (int64_t i = 0; i < rank; ++i)
        if (ShapedType::isDynamic(ktShape[i]))
          kTSizes.push_back(dimSize(rewriter, loc, k, perm[i]));
      Value kT = linalg::TransposeOp::create(
                     rewriter, loc, k,
                     tensor::EmptyOp::create(rewriter, loc, kt.clone(ktShape), kTSizes), perm)
                     .getResult()[0];

      SmallVector<Value> lbs(nb + 1, idx(rewriter, 0)), steps(nb, idx(rewriter, 1)), ubs;
      SmallVector<Value> outSizes;
      for (int64_t i = 0; i < nb; ++i) {
        ubs.push_back(sizeOf(q, i));
        if (qt.isDynamicDim(i))
          outSizes.push_back(ubs.back());
      }
      ubs.push_back(lqPadded);
      steps.push_back(idx(rewriter, bq));
      // The output of whole query blocks (the padded rows are dropped below).
      SmallVector<int64_t> outShape(type.getShape());
      if (ShapedType::isDynamic(lq))
        outSizes.push_back(lqPadded);
      Value out = tensor::EmptyOp::create(rewriter, loc, type.clone(outShape), outSizes);

      auto rowType = RankedTensorType::get({bq}, et);
      auto accType = RankedTensorType::get({bq, dv}, et);
      auto scoreType = RankedTensorType::get({bq, bk}, et);
      AffineMap rows2 = map(2, {dim(0)}), id2 = map(2, {dim(0), dim(1)});

      // The (batch..., query block) iterations are independent: an scf.forall,
      // which bufferizes in place and becomes a parallel loop over the thread
      // pool (each iteration writes its own rows of the output).
      auto forall = scf::ForallOp::create(
          rewriter, loc, getAsOpFoldResult(lbs), getAsOpFoldResult(ubs), getAsOpFoldResult(steps),
          ValueRange{out}, std::nullopt, [&](OpBuilder &b, Location l, ValueRange regionArgs) {
            ValueRange ivs = regionArgs.take_front(nb + 1);
            Value sharedOut = regionArgs.back();
            ValueRange batch = ivs.take_front(nb);
            Value qi = ivs.back();
            Value qTile = tile(b, q, batch, qi, b.getIndexAttr(0), bq, d);
            Value m0 = filledTensor(b, l, rowType, -INFINITY);
            Value l0 = filledTensor(b, l, rowType, 0.0);
            Value acc0 = filledTensor(b, l, accType, 0.0);
            Value keyEnd = lkPadded;
            if (skipMasked)
              keyEnd = arith::AddIOp::create(b, l, qi, idx(b, bq)); // <= lk: bq divides lq.
            auto inner = scf::ForOp::create(
                b, l, idx(b, 0), keyEnd, idx(b, bk), ValueRange{m0, l0, acc0},
                [&](OpBuilder &b, Location l, Value kj, ValueRange it) {
                  Value m = it[0], sum = it[1], acc = it[2];
                  Value kTile = tile(b, kT, batch, b.getIndexAttr(0), kj, d, bk);
                  Value vTile = tile(b, v, batch, kj, b.getIndexAttr(0), bk, dv);
                  // s = q_blk k_blkᵀ over (i, j, c).
                  Value s =
                      buildMatmulGeneric(b, l, qTile, kTile, filledTensor(b, l, scoreType, 0.0),
                                         map(3, {dim(0), dim(2)}), map(3, {dim(2), dim(1)}));
                  // Scale, mask, causal cut.
                  SmallVector<Value> inputs{s};
                  SmallVector<AffineMap> maps{id2};
                  if (mask) {
                    int64_t mr = mt.getDimSize(rank - 2), mc = mt.getDimSize(rank - 1);
                    OpFoldResult r0 = mr == 1 ? OpFoldResult(b.getIndexAttr(0)) : OpFoldResult(qi);
                    OpFoldResult c0 = mc == 1 ? OpFoldResult(b.getIndexAttr(0)) : OpFoldResult(kj);
                    inputs.push_back(
                        tile(b, mask, batch, r0, c0, mr == 1 ? 1 : bq, mc == 1 ? 1 : bk));
                    maps.push_back(map(2, {mr == 1 ? getAffineConstantExpr(0, ctx) : dim(0),
                                           mc == 1 ? getAffineConstantExpr(0, ctx) : dim(1)}));
                  }
                  maps.push_back(id2);
                  Value scores =
                      linalg::GenericOp::create(
                          b, l, TypeRange{scoreType}, inputs,
                          ValueRange{emptyTensor(b, l, scoreType)}, maps,
                          SmallVector<utils::IteratorType>{par, par},
                          [&](OpBuilder &nb2, Location l2, ValueRange a) {
                            Value x = arith::MulFOp::create(nb2, l2, a[0],
                                                            scalarConstant(nb2, l2, et, scale));
                            if (mask)
                              x = arith::AddFOp::create(nb2, l2, x, a[1]);
                            Value col;
                            if (causal || maskPaddedKeys)
                              col = arith::AddIOp::create(nb2, l2, kj,
                                                          linalg::IndexOp::create(nb2, l2, 1));
                            if (causal) {
                              Value row = arith::AddIOp::create(
                                  nb2, l2, qi, linalg::IndexOp::create(nb2, l2, 0));
                              Value above = arith::CmpIOp::create(
                                  nb2, l2, arith::CmpIPredicate::ugt, col, row);
                              x = arith::SelectOp::create(
                                  nb2, l2, above, scalarConstant(nb2, l2, et, -INFINITY), x);
                            }
                            if (maskPaddedKeys) {
                              Value padded = arith::CmpIOp::create(
                                  nb2, l2, arith::CmpIPredicate::uge, col, lkSize);
                              x = arith::SelectOp::create(
                                  nb2, l2, padded, scalarConstant(nb2, l2, et, -INFINITY), x);
                            }
                            linalg::YieldOp::create(nb2, l2, x);
                          })
                          .getResult(0);
                  // The loop-carried m, l and acc are updated in place (each
                  // yielded value is written into its iteration argument), as
                  // bufferization needs for scf.for.
                  AffineMap id1 = map(1, {dim(0)});
                  auto update = [&](Value dest, ValueRange ins, ArrayRef<AffineMap> inMaps,
                                    ArrayRef<utils::IteratorType> iters,
                                    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
                    SmallVector<AffineMap> maps(inMaps);
                    auto dt = cast<RankedTensorType>(dest.getType());
                    maps.push_back(AffineMap::getMultiDimIdentityMap(dt.getRank(), ctx));
                    if (iters.size() > (size_t)dt.getRank())
                      maps.back() = rows2;
                    return linalg::GenericOp::create(
                               b, l, TypeRange{dt}, ins, ValueRange{dest}, maps, iters,
                               [&](OpBuilder &nb2, Location l2, ValueRange a) {
                                 linalg::YieldOp::create(nb2, l2, body(nb2, l2, a));
                               })
                        .getResult(0);
                  };
                  // rowmax(s), then m' = max(m, rowmax).
                  Value rowMax =
                      linalg::GenericOp::create(
                          b, l, TypeRange{rowType}, ValueRange{scores},
                          ValueRange{filledTensor(b, l, rowType, -INFINITY)},
                          SmallVector<AffineMap>{id2, rows2},
                          SmallVector<utils::IteratorType>{par, red},
                          [](OpBuilder &nb2, Location l2, ValueRange a) {
                            linalg::YieldOp::create(
                                nb2, l2,
                                ValueRange{arith::MaximumFOp::create(nb2, l2, a[0], a[1])});
                          })
                          .getResult(0);
                  Value mNext = buildElementwiseMapped(
                      b, l, rowType, {m, rowMax}, {id1, id1},
                      [](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                        return arith::MaximumFOp::create(nb2, l2, a[0], a[1]);
                      });
                  // A row with every score -inf so far keeps m' = -inf: subtract 0
                  // instead, so that exp gives 0 rather than NaN.
                  auto safe = [&](OpBuilder &nb2, Location l2, Value x) -> Value {
                    Value isInf = arith::CmpFOp::create(nb2, l2, arith::CmpFPredicate::OEQ, x,
                                                        scalarConstant(nb2, l2, et, -INFINITY));
                    return arith::SelectOp::create(nb2, l2, isInf, scalarConstant(nb2, l2, et, 0.0),
                                                   x);
                  };
                  auto expDiff = [&](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                    return math::ExpOp::create(
                        nb2, l2, arith::SubFOp::create(nb2, l2, a[0], safe(nb2, l2, a[1])));
                  };
                  Value p = buildElementwiseMapped(b, l, scoreType, {scores, mNext}, {id2, rows2},
                                                   expDiff);
                  Value alpha =
                      buildElementwiseMapped(b, l, rowType, {m, mNext}, {id1, id1}, expDiff);
                  // l' = l * alpha + rowsum(p).
                  Value lScaled = update(sum, {alpha}, {id1}, {par},
                                         [](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                                           return arith::MulFOp::create(nb2, l2, a[1], a[0]);
                                         });
                  Value lNew = update(lScaled, {p}, {id2}, {par, red},
                                      [](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                                        return arith::AddFOp::create(nb2, l2, a[1], a[0]);
                                      });
                  // acc' = acc * alpha + p v_blk.
                  Value accScaled = update(acc, {alpha}, {rows2}, {par, par},
                                           [](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                                             return arith::MulFOp::create(nb2, l2, a[1], a[0]);
                                           });
                  Value accNew =
                      buildMatmulGeneric(b, l, p, vTile, accScaled, map(3, {dim(0), dim(2)}),
                                         map(3, {dim(2), dim(1)}));
                  // m = max(m, rowmax) again, now in place: alpha and p above read
                  // the old m. (A plain copy into m would be canonicalized into a
                  // fresh tensor, and the loop would no longer yield its argument.)
                  Value mNew = update(m, {rowMax}, {id1}, {par},
                                      [](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                                        return arith::MaximumFOp::create(nb2, l2, a[1], a[0]);
                                      });
                  scf::YieldOp::create(b, l, ValueRange{mNew, lNew, accNew});
                });
            Value lFinal = inner.getResult(1), accFinal = inner.getResult(2);
            Value o =
                buildElementwiseMapped(b, l, accType, {accFinal, lFinal}, {id2, rows2},
                                       [](OpBuilder &nb2, Location l2, ValueRange a) -> Value {
                                         return arith::DivFOp::create(nb2, l2, a[0], a[1]);
                                       });
            SmallVector<OpFoldResult> offsets(batch.begin(), batch.end()),
                sizes(nb, b.getIndexAttr(1)), strides(rank, b.getIndexAttr(1));
            offsets.append({qi, b.getIndexAttr(0)});
            sizes.append({b.getIndexAttr(bq), b.getIndexAttr(dv)});
            auto inParallel = scf::InParallelOp::create(b, l);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(inParallel.getBody());
            tensor::ParallelInsertSliceOp::create(b, l, o, sharedOut, offsets, sizes, strides);
          });
      Value result = forall.getResults()[0];
      if (ShapedType::isDynamic(lq)) {
        // The first lq rows of the padded output.
        SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)),
            sizes = tensor::getMixedSizes(rewriter, loc, result),
            strides(rank, rewriter.getIndexAttr(1));
        sizes[rank - 2] = lqSize;
        result =
            tensor::ExtractSliceOp::create(rewriter, loc, type, result, offsets, sizes, strides);
      }
      return result;
    };

    if (!dynamic) {
      rewriter.replaceOp(op, emit(q, k, v, mask, mt, lqSize, lkSize, false));
      return success();
    }
    checkDynamicAttentionSizes(rewriter, loc, q, k, v, mask, causal);
    // Sequences of whole blocks (128 or 384 tokens, say) run on q, k and v
    // as they are; others on copies zero-padded to whole blocks, the padded
    // keys masked (-inf) and the padded query rows dropped from the output.
    auto whole = [&](Value size, int64_t block) -> Value {
      Value rest = arith::RemUIOp::create(rewriter, loc, size,
                                          arith::ConstantIndexOp::create(rewriter, loc, block));
      return arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, rest,
                                   arith::ConstantIndexOp::create(rewriter, loc, 0));
    };
    Value wholeQueryBlocks = whole(lqSize, bq), wholeKeyBlocks = whole(lkSize, bk);
    Value wholeBlocks = arith::AndIOp::create(rewriter, loc, wholeQueryBlocks, wholeKeyBlocks);
    auto branches = scf::IfOp::create(rewriter, loc, TypeRange{type}, wholeBlocks,
                                      /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(branches.thenBlock());
      scf::YieldOp::create(rewriter, loc, emit(q, k, v, mask, mt, lqSize, lkSize, false));
      rewriter.setInsertionPointToStart(branches.elseBlock());
      Value lqPadded = lqSize, lkPadded = lkSize;
      Value qp = padAxis(rewriter, loc, q, rank - 2, bq, lqPadded);
      Value kp = padAxis(rewriter, loc, k, rank - 2, bk, lkPadded);
      Value vp = padAxis(rewriter, loc, v, rank - 2, bk, lkPadded);
      Value maskp = mask;
      if (mask && mt.getDimSize(rank - 2) != 1)
        maskp = padAxis(rewriter, loc, maskp, rank - 2, bq, lqPadded);
      if (mask && mt.getDimSize(rank - 1) != 1)
        maskp = padAxis(rewriter, loc, maskp, rank - 1, bk, lkPadded);
      RankedTensorType mtp = mask ? cast<RankedTensorType>(maskp.getType()) : mt;
      scf::YieldOp::create(rewriter, loc,
                           emit(qp, kp, vp, maskp, mtp, lqPadded, lkPadded,
                                ShapedType::isDynamic(lk)));
    }
    rewriter.replaceOp(op, branches.getResult(0));
    return success();
  }

  /// `value` zero-padded along `axis` to a whole number of `block`s; sets
  /// `padded` to that size. A static size that `block` divides stays.
  static Value padAxis(OpBuilder &b, Location loc, Value value, int64_t axis, int64_t block,
                       Value &padded) {
    auto t = cast<RankedTensorType>(value.getType());
    if (!t.isDynamicDim(axis) && t.getDimSize(axis) % block == 0)
      return value;
    Value size = dimSize(b, loc, value, axis);
    Value blocks = arith::CeilDivUIOp::create(b, loc, size,
                                              arith::ConstantIndexOp::create(b, loc, block));
    padded = arith::MulIOp::create(b, loc, blocks, arith::ConstantIndexOp::create(b, loc, block));
    SmallVector<OpFoldResult> low(t.getRank(), b.getIndexAttr(0)), high(t.getRank(), b.getIndexAttr(0));
    high[axis] = Value(arith::SubIOp::create(b, loc, padded, size));
    SmallVector<int64_t> shape(t.getShape());
    shape[axis] = ShapedType::kDynamic;
    return tensor::PadOp::create(b, loc, t.clone(shape), value, low, high,
                                 scalarConstant(b, loc, t.getElementType(), 0.0));
  }

  /// Run-time checks of what the verifier could not see with dynamic sizes:
  /// q, k and v share their batch sizes, k and v their positions, the mask
  /// broadcasts to the scores, a causal mask is square.
  static void checkDynamicAttentionSizes(OpBuilder &b, Location loc, Value q, Value k, Value v,
                                         Value mask, bool causal) {
    auto qt = cast<RankedTensorType>(q.getType());
    int64_t rank = qt.getRank();
    auto dynamicIn = [](Value x, int64_t i) {
      return cast<RankedTensorType>(x.getType()).isDynamicDim(i);
    };
    auto check = [&](Value x, int64_t i, Value y, int64_t j, const Twine &what) {
      if (dynamicIn(x, i) || dynamicIn(y, j))
        checkSize(b, loc, dimSize(b, loc, x, i), dimSize(b, loc, y, j), what);
    };
    for (int64_t i = 0; i + 2 < rank; ++i) {
      check(k, i, q, i, "attention's k has {0} in batch dimension " + Twine(i) + ", q {1}");
      check(v, i, q, i, "attention's v has {0} in batch dimension " + Twine(i) + ", q {1}");
    }
    check(v, rank - 2, k, rank - 2, "attention's v has {0} positions, k {1}");
    if (causal)
      check(k, rank - 2, q, rank - 2, "causal attention over {0} keys and {1} queries");
    if (!mask)
      return;
    auto mt = cast<RankedTensorType>(mask.getType());
    for (int64_t i = 0; i < rank; ++i) {
      if (mt.getDimSize(i) == 1)
        continue;
      Value of = i == rank - 1 ? k : q;
      int64_t at = i == rank - 1 ? rank - 2 : i;
      check(mask, i, of, at, "attention's mask has {0} in dimension " + Twine(i) +
                                 ", the scores {1}");
    }
  }

  /// The largest query and key blocks (LoweringStrategy).
  int64_t queryBlock, keyBlock;
};

/// The chain's body moves in place of the op (its ops are then lowered one by
/// one); tessel-fuse-elementwise-loops merges their loops afterwards.
struct ElementwiseChainLowering : OpConversionPattern<ElementwiseChainOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ElementwiseChainOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    Value result = yield.getValue();
    rewriter.inlineBlockBefore(&body, op, adaptor.getInputs());
    rewriter.replaceOp(op, result);
    rewriter.eraseOp(yield);
    return success();
  }
};

} // namespace

void populateFusedLoweringPatterns(RewritePatternSet &patterns,
                                   const LoweringStrategy &strategy) {
  patterns.add<AttentionLowering>(patterns.getContext(), strategy);
  patterns.add<LinearLowering, ElementwiseChainLowering>(patterns.getContext());
}

} // namespace tessel
