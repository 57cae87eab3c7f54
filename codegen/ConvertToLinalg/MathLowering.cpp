//===- MathLowering.cpp - Elementwise, contraction, reduction lowering ----===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace tessel {
namespace {

bool isFloat(Value v) { return isa<FloatType>(getElementTypeOrSelf(v.getType())); }

//===----------------------------------------------------------------------===//
// Scalar semantics of each elementwise op: the one place they are defined.
//===----------------------------------------------------------------------===//

Value scalarBinary(Operation *op, OpBuilder &b, Location loc, Value x, Value y) {
  bool fp = isFloat(x);
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return createAdd(b, loc, x, y); })
      .Case([&](SubOp) -> Value {
        if (fp)
          return arith::SubFOp::create(b, loc, x, y);
        return arith::SubIOp::create(b, loc, x, y);
      })
      .Case([&](MulOp) { return createMul(b, loc, x, y); })
      .Case([&](DivOp) -> Value {
        if (fp)
          return arith::DivFOp::create(b, loc, x, y);
        return arith::DivSIOp::create(b, loc, x, y);
      })
      .Case([&](PowOp) -> Value {
        Value exponent = y;
        if (!isFloat(y))
          exponent = arith::SIToFPOp::create(b, loc, x.getType(), y);
        else if (y.getType() != x.getType())
          exponent = arith::TruncFOp::create(b, loc, x.getType(), y);
        return math::PowFOp::create(b, loc, x, exponent);
      })
      .Case([&](MaxOp) { return createMax(b, loc, x, y); })
      .Case([&](MinOp) { return createMin(b, loc, x, y); });
}

Value scalarUnary(Operation *op, OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  bool fp = isFloat(x);
  auto cst = [&](double v) { return scalarConstant(b, loc, t, v); };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](NegOp) -> Value {
        if (fp)
          return arith::NegFOp::create(b, loc, x);
        return arith::SubIOp::create(b, loc, cst(0), x);
      })
      .Case([&](AbsOp) -> Value {
        if (fp)
          return math::AbsFOp::create(b, loc, x);
        return math::AbsIOp::create(b, loc, x);
      })
      .Case([&](ReluOp) { return createMax(b, loc, x, cst(0)); })
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, x); })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, x); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, x); })
      .Case([&](ReciprocalOp) { return arith::DivFOp::create(b, loc, cst(1), x); })
      .Case([&](SigmoidOp) {
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, cst(1), arith::AddFOp::create(b, loc, cst(1), e));
      })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, x); })
      .Case([&](ErfOp) { return math::ErfOp::create(b, loc, x); })
      .Case([&](LeakyReluOp lr) -> Value {
        Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
        Value scaled = arith::MulFOp::create(b, loc, x, cst(lr.getAlpha().convertToDouble()));
        return arith::SelectOp::create(b, loc, neg, scaled, x);
      })
      .Case([&](ClipOp clip) -> Value {
        Value r = x;
        if (auto lo = clip.getMin())
          r = createMax(b, loc, r, cst(lo->convertToDouble()));
        if (auto hi = clip.getMax())
          r = createMin(b, loc, r, cst(hi->convertToDouble()));
        return r;
      });
}

template <typename OpTy>
struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(),
                               ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return scalarBinary(op, b, loc, args[0], args[1]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

template <typename OpTy>
struct UnaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(), ValueRange{adaptor.getInput()},
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return scalarUnary(op, b, loc, args[0]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Contractions.
//===----------------------------------------------------------------------===//

/// result[batch..., m, n] += lhs[batch..., m, k] * rhs[batch..., k, n] with
/// NumPy broadcasting of the batch dims; operands are at least 2-D here.
Value buildBatchedMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  int64_t rank = resultType.getRank(); // batch dims + m + n
  int64_t loops = rank + 1;            // + k
  int64_t batch = rank - 2;
  AffineExpr m = getAffineDimExpr(batch, ctx), n = getAffineDimExpr(batch + 1, ctx),
             k = getAffineDimExpr(batch + 2, ctx);
  auto operandMap = [&](RankedTensorType t, AffineExpr row, AffineExpr col) {
    SmallVector<AffineExpr> exprs;
    int64_t offset = batch - (t.getRank() - 2);
    for (int64_t i = 0; i < t.getRank() - 2; ++i) {
      bool broadcast = t.getDimSize(i) == 1 && resultType.getDimSize(offset + i) != 1;
      exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(offset + i, ctx));
    }
    exprs.push_back(row);
    exprs.push_back(col);
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps{operandMap(lt, m, k), operandMap(rt, k, n),
                              AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value init = filledTensor(b, loc, resultType, 0.0);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value prod = createMul(nb, nloc, args[0], args[1]);
               linalg::YieldOp::create(nb, nloc, createAdd(nb, nloc, args[2], prod));
             })
      .getResult(0);
}

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    // Promote 1-D operands to matrices; the promoted dim is dropped again below.
    if (lt.getRank() == 1)
      lhs = reshapeTensor(rewriter, loc, lhs, {1, lt.getDimSize(0)});
    if (rt.getRank() == 1)
      rhs = reshapeTensor(rewriter, loc, rhs, {rt.getDimSize(0), 1});
    auto l2 = cast<RankedTensorType>(lhs.getType());
    auto r2 = cast<RankedTensorType>(rhs.getType());
    SmallVector<int64_t> shape;
    int64_t batchRank = std::max(l2.getRank(), r2.getRank()) - 2;
    for (int64_t i = 0; i < batchRank; ++i) {
      auto dim = [&](RankedTensorType t) {
        int64_t j = i - (batchRank - (t.getRank() - 2));
        return j < 0 ? 1 : t.getDimSize(j);
      };
      shape.push_back(std::max(dim(l2), dim(r2)));
    }
    shape.push_back(l2.getDimSize(l2.getRank() - 2));
    shape.push_back(r2.getDimSize(r2.getRank() - 1));
    Value r = buildBatchedMatmul(rewriter, loc, lhs, rhs,
                                 RankedTensorType::get(shape, lt.getElementType()));
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, r, op.getType().getShape()));
    return success();
  }
};

struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    auto map2 = [&](AffineExpr a, AffineExpr b2) { return AffineMap::get(3, 0, {a, b2}, ctx); };
    SmallVector<AffineMap> maps{op.getTransA() ? map2(k, m) : map2(m, k),
                                op.getTransB() ? map2(n, k) : map2(k, n), map2(m, n)};
    SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel,
                                               utils::IteratorType::parallel,
                                               utils::IteratorType::reduction};
    Value init = filledTensor(rewriter, loc, type, 0.0);
    Value product =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{adaptor.getA(), adaptor.getB()},
            ValueRange{init}, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l,
                                      createAdd(b, l, args[2], createMul(b, l, args[0], args[1])));
            })
            .getResult(0);
    double alpha = op.getAlpha().convertToDouble(), beta = op.getBeta().convertToDouble();
    Value c = adaptor.getC();
    if (alpha == 1.0 && (!c || beta == 0.0)) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> inputs{product};
    if (c && beta != 0.0)
      inputs.push_back(c);
    Value r = buildElementwise(rewriter, loc, type, inputs,
                               [&](OpBuilder &b, Location l, ValueRange args) {
                                 Type t = args[0].getType();
                                 Value v = args[0];
                                 if (alpha != 1.0)
                                   v = createMul(b, l, v, scalarConstant(b, l, t, alpha));
                                 if (args.size() > 1) {
                                   Value cv = args[1];
                                   if (beta != 1.0)
                                     cv = createMul(b, l, cv, scalarConstant(b, l, t, beta));
                                   v = createAdd(b, l, v, cv);
                                 }
                                 return v;
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions and softmax.
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type et = inType.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    Value init;
    std::function<Value(OpBuilder &, Location, Value, Value)> combine;
    if constexpr (std::is_same_v<OpTy, ReduceMaxOp>) {
      init = lowestValue(rewriter, loc, et);
      combine = createMax;
    } else if constexpr (std::is_same_v<OpTy, ReduceMinOp>) {
      init = highestValue(rewriter, loc, et);
      combine = createMin;
    } else if constexpr (std::is_same_v<OpTy, ReduceProdOp>) {
      init = scalarConstant(rewriter, loc, et, 1);
      combine = createMul;
    } else {
      init = scalarConstant(rewriter, loc, et, 0);
      combine = createAdd;
    }
    Value r = buildReduction(rewriter, loc, input, axes, init, combine);
    if constexpr (std::is_same_v<OpTy, ReduceMeanOp>) {
      int64_t count = 1;
      for (int64_t a : axes)
        count *= inType.getDimSize(a);
      auto rt = cast<RankedTensorType>(r.getType());
      r = buildElementwise(rewriter, loc, rt, ValueRange{r},
                           [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                             Value c = scalarConstant(b, l, et, (double)count);
                             if (isa<FloatType>(et))
                               return arith::DivFOp::create(b, l, args[0], c);
                             return arith::DivSIOp::create(b, l, args[0], c);
                           });
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, r, op.getType().getShape()));
    return success();
  }
};

/// softmax(x) = exp(x - max) / sum(exp(x - max));
/// log_softmax(x) = (x - max) - log(sum(exp(x - max))).
template <typename OpTy, bool IsLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type et = type.getElementType();
    int64_t axis = op.getAxis();
    SmallVector<int64_t> keptShape(type.getShape());
    keptShape[axis] = 1;
    auto keep = [&](Value reduced) { return reshapeTensor(rewriter, loc, reduced, keptShape); };
    Value max = keep(buildReduction(rewriter, loc, x, {axis}, lowestValue(rewriter, loc, et),
                                    createMax));
    Value shifted = buildElementwise(rewriter, loc, type, ValueRange{x, max},
                                     [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                       return arith::SubFOp::create(b, l, a[0], a[1]);
                                     });
    Value exps = buildElementwise(rewriter, loc, type, ValueRange{shifted},
                                  [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                    return math::ExpOp::create(b, l, a[0]);
                                  });
    Value sum = keep(
        buildReduction(rewriter, loc, exps, {axis}, scalarConstant(rewriter, loc, et, 0), createAdd));
    Value r;
    if (IsLog)
      r = buildElementwise(rewriter, loc, type, ValueRange{shifted, sum},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::SubFOp::create(b, l, a[0],
                                                          math::LogOp::create(b, l, a[1]));
                           });
    else
      r = buildElementwise(rewriter, loc, type, ValueRange{exps, sum},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::DivFOp::create(b, l, a[0], a[1]);
                           });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void populateMathLoweringPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<AddOp>, BinaryLowering<SubOp>, BinaryLowering<MulOp>,
               BinaryLowering<DivOp>, BinaryLowering<PowOp>, BinaryLowering<MaxOp>,
               BinaryLowering<MinOp>>(ctx);
  patterns.add<UnaryLowering<NegOp>, UnaryLowering<AbsOp>, UnaryLowering<ReluOp>,
               UnaryLowering<SqrtOp>, UnaryLowering<ExpOp>, UnaryLowering<LogOp>,
               UnaryLowering<ReciprocalOp>, UnaryLowering<SigmoidOp>, UnaryLowering<TanhOp>,
               UnaryLowering<ErfOp>, UnaryLowering<LeakyReluOp>, UnaryLowering<ClipOp>>(ctx);
  patterns.add<MatMulLowering, GemmLowering>(ctx);
  patterns.add<ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMeanOp>,
               ReduceLowering<ReduceMaxOp>, ReduceLowering<ReduceMinOp>,
               ReduceLowering<ReduceProdOp>>(ctx);
  patterns.add<SoftmaxLowering<SoftmaxOp, false>, SoftmaxLowering<LogSoftmaxOp, true>>(ctx);
}

} // namespace tessel
