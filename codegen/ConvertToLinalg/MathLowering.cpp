//===- MathLowering.cpp - Elementwise, contraction, reduction lowering ----===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace tessel {
namespace {

bool isFloat(Value v) { return isa<FloatType>(getElementTypeOrSelf(v.getType())); }

//===----------------------------------------------------------------------===//
// Scalar semantics of each elementwise op: the one place they are defined.
//===----------------------------------------------------------------------===//

/// gamma * (x < 0 ? alpha * (exp(x) - 1) : x): ELU (gamma 1) and SELU.
Value expLinear(OpBuilder &b, Location loc, Value x, double alpha, double gamma) {
  Type t = x.getType();
  Value zero = scalarConstant(b, loc, t, 0);
  Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  Value em1 = arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x), scalarConstant(b, loc, t, 1));
  Value r = arith::SelectOp::create(
      b, loc, neg, arith::MulFOp::create(b, loc, em1, scalarConstant(b, loc, t, alpha)), x);
  if (gamma == 1.0)
    return r;
  return arith::MulFOp::create(b, loc, r, scalarConstant(b, loc, t, gamma));
}

Value compare(OpBuilder &b, Location loc, Value x, Value y, arith::CmpFPredicate fp,
              arith::CmpIPredicate ip) {
  if (isFloat(x))
    return arith::CmpFOp::create(b, loc, fp, x, y);
  // Booleans compare as unsigned (true > false).
  if (x.getType().isInteger(1)) {
    switch (ip) {
    case arith::CmpIPredicate::slt: ip = arith::CmpIPredicate::ult; break;
    case arith::CmpIPredicate::sle: ip = arith::CmpIPredicate::ule; break;
    case arith::CmpIPredicate::sgt: ip = arith::CmpIPredicate::ugt; break;
    case arith::CmpIPredicate::sge: ip = arith::CmpIPredicate::uge; break;
    default: break;
    }
  }
  return arith::CmpIOp::create(b, loc, ip, x, y);
}

/// Integer x / y or x % y that cannot trap: a divisor 0 gives 0 (NumPy's
/// result), and INT_MIN / -1 wraps to INT_MIN (remainder 0), where the
/// hardware division would raise SIGFPE in the host process.
template <typename DivOrRem>
Value safeIntegerDivision(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  unsigned width = t.getIntOrFloatBitWidth();
  Value zero = scalarConstant(b, loc, t, 0), one = scalarConstant(b, loc, t, 1);
  Value minusOne = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, APInt::getAllOnes(width)));
  Value lowest = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, APInt::getSignedMinValue(width)));
  auto eq = [&](Value p, Value q) {
    return Value(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, p, q));
  };
  Value byZero = eq(y, zero);
  Value overflows = arith::AndIOp::create(b, loc, eq(x, lowest), eq(y, minusOne));
  Value unsafe = arith::OrIOp::create(b, loc, byZero, overflows);
  Value r = DivOrRem::create(b, loc, x, arith::SelectOp::create(b, loc, unsafe, one, y));
  // x / 1 = x (INT_MIN: the wrapped quotient); x % 1 = 0.
  return arith::SelectOp::create(b, loc, byZero, zero, r);
}

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
        return safeIntegerDivision<arith::DivSIOp>(b, loc, x, y);
      })
      .Case([&](PowOp) -> Value {
        if (!fp) {
          // Integer powers through double: exact for the results int64 holds.
          Type f64 = b.getF64Type();
          Value xf = arith::SIToFPOp::create(b, loc, f64, x);
          Value yf = y;
          if (!isFloat(y))
            yf = arith::SIToFPOp::create(b, loc, f64, y);
          else if (!y.getType().isF64())
            yf = arith::ExtFOp::create(b, loc, f64, y);
          return arith::FPToSIOp::create(b, loc, x.getType(), math::PowFOp::create(b, loc, xf, yf));
        }
        Value exponent = y;
        if (!isFloat(y))
          exponent = arith::SIToFPOp::create(b, loc, x.getType(), y);
        else if (y.getType() != x.getType())
          exponent = arith::TruncFOp::create(b, loc, x.getType(), y);
        return math::PowFOp::create(b, loc, x, exponent);
      })
      .Case([&](MaxOp) { return createMax(b, loc, x, y); })
      .Case([&](MinOp) { return createMin(b, loc, x, y); })
      .Case([&](AndOp) { return arith::AndIOp::create(b, loc, x, y); })
      .Case([&](OrOp) { return arith::OrIOp::create(b, loc, x, y); })
      .Case([&](XorOp) { return arith::XOrIOp::create(b, loc, x, y); })
      .Case([&](ModOp mod) -> Value {
        if (fp)
          return arith::RemFOp::create(b, loc, x, y);
        Value r = safeIntegerDivision<arith::RemSIOp>(b, loc, x, y);
        if (mod.getFmod())
          return r;
        // Python semantics: the result takes the divisor's sign.
        Value zero = scalarConstant(b, loc, x.getType(), 0);
        Value nonzero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
        Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
        Value yNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
        Value differ = arith::XOrIOp::create(b, loc, rNeg, yNeg);
        Value fix = arith::AndIOp::create(b, loc, nonzero, differ);
        return arith::SelectOp::create(b, loc, fix, arith::AddIOp::create(b, loc, r, y), r);
      })
      .Case([&](EqualOp) { return compare(b, loc, x, y, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq); })
      .Case([&](LessOp) { return compare(b, loc, x, y, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt); })
      .Case([&](LessEqualOp) { return compare(b, loc, x, y, arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle); })
      .Case([&](GreaterOp) { return compare(b, loc, x, y, arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt); })
      .Case([&](GreaterEqualOp) { return compare(b, loc, x, y, arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge); });
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
        // One statement per op: the IR order must not depend on the order in
        // which the C++ compiler evaluates call arguments (gcc and clang differ).
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        Value denominator = arith::AddFOp::create(b, loc, cst(1), e);
        Value one = cst(1);
        return arith::DivFOp::create(b, loc, one, denominator);
      })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, x); })
      .Case([&](ErfOp) { return math::ErfOp::create(b, loc, x); })
      .Case([&](LeakyReluOp lr) -> Value {
        Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
        Value scaled = arith::MulFOp::create(b, loc, x, cst(lr.getAlpha().convertToDouble()));
        return arith::SelectOp::create(b, loc, neg, scaled, x);
      })
      .Case([&](NotOp) { return arith::XOrIOp::create(b, loc, x, cst(1)); })
      .Case([&](SignOp) -> Value {
        Value pos, neg;
        if (fp) {
          pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, cst(0));
          neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
        } else {
          pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, cst(0));
          neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, cst(0));
        }
        // Floats keep 0, -0 and NaN as they are.
        Value rest = arith::SelectOp::create(b, loc, neg, cst(-1), fp ? x : cst(0));
        return arith::SelectOp::create(b, loc, pos, cst(1), rest);
      })
      .Case([&](IsNaNOp) {
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
      })
      .Case([&](IsInfOp isInf) -> Value {
        Type ft = x.getType();
        auto inf = [&](bool negative) {
          return arith::ConstantOp::create(
              b, loc, b.getFloatAttr(ft, APFloat::getInf(cast<FloatType>(ft).getFloatSemantics(),
                                                         negative)));
        };
        Value isPos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, inf(false));
        Value isNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, inf(true));
        Value f = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
        Value r = isInf.getDetectPositive() ? isPos : f;
        return isInf.getDetectNegative() ? arith::OrIOp::create(b, loc, r, isNeg) : r;
      })
      .Case([&](FloorOp) { return math::FloorOp::create(b, loc, x); })
      .Case([&](CeilOp) { return math::CeilOp::create(b, loc, x); })
      .Case([&](RoundOp) { return math::RoundEvenOp::create(b, loc, x); })
      .Case([&](SinOp) { return math::SinOp::create(b, loc, x); })
      .Case([&](CosOp) { return math::CosOp::create(b, loc, x); })
      .Case([&](TanOp) { return math::TanOp::create(b, loc, x); })
      .Case([&](AsinOp) { return math::AsinOp::create(b, loc, x); })
      .Case([&](AcosOp) { return math::AcosOp::create(b, loc, x); })
      .Case([&](AtanOp) { return math::AtanOp::create(b, loc, x); })
      .Case([&](SinhOp) { return math::SinhOp::create(b, loc, x); })
      .Case([&](CoshOp) { return math::CoshOp::create(b, loc, x); })
      .Case([&](AsinhOp) { return math::AsinhOp::create(b, loc, x); })
      .Case([&](AcoshOp) { return math::AcoshOp::create(b, loc, x); })
      .Case([&](AtanhOp) { return math::AtanhOp::create(b, loc, x); })
      .Case([&](SoftplusOp) -> Value {
        // max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
        Value absx = math::AbsFOp::create(b, loc, x);
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, absx));
        return arith::AddFOp::create(b, loc, arith::MaximumFOp::create(b, loc, x, cst(0)),
                                     math::Log1pOp::create(b, loc, e));
      })
      .Case([&](SoftsignOp) {
        return arith::DivFOp::create(
            b, loc, x, arith::AddFOp::create(b, loc, cst(1), math::AbsFOp::create(b, loc, x)));
      })
      .Case([&](HardSwishOp) {
        Value t = arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, x, cst(1.0 / 6)),
                                        cst(0.5));
        t = arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, t, cst(0)), cst(1));
        return arith::MulFOp::create(b, loc, x, t);
      })
      .Case([&](EluOp e) { return expLinear(b, loc, x, e.getAlpha().convertToDouble(), 1.0); })
      .Case([&](SeluOp e) {
        return expLinear(b, loc, x, e.getAlpha().convertToDouble(), e.getGamma().convertToDouble());
      })
      .Case([&](CeluOp e) -> Value {
        double alpha = e.getAlpha().convertToDouble();
        Value scaled = arith::DivFOp::create(b, loc, x, cst(alpha));
        Value neg = arith::MulFOp::create(
            b, loc, cst(alpha), arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, scaled), cst(1)));
        return arith::AddFOp::create(b, loc, arith::MaximumFOp::create(b, loc, x, cst(0)),
                                     arith::MinimumFOp::create(b, loc, neg, cst(0)));
      })
      .Case([&](HardSigmoidOp h) -> Value {
        Value t = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, x, cst(h.getAlpha().convertToDouble())),
            cst(h.getBeta().convertToDouble()));
        return arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, t, cst(0)), cst(1));
      })
      .Case([&](ThresholdedReluOp t) -> Value {
        Value keep = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                           cst(t.getAlpha().convertToDouble()));
        return arith::SelectOp::create(b, loc, keep, x, cst(0));
      })
      .Case([&](ShrinkOp s) -> Value {
        double lambd = s.getLambd().convertToDouble(), bias = s.getBias().convertToDouble();
        Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(-lambd));
        Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, cst(lambd));
        Value r = arith::SelectOp::create(b, loc, above, arith::SubFOp::create(b, loc, x, cst(bias)),
                                          cst(0));
        return arith::SelectOp::create(b, loc, below, arith::AddFOp::create(b, loc, x, cst(bias)), r);
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
  // Run-time sizes: rows from lhs, columns from rhs, a batch axis from an
  // operand that does not broadcast along it; the contracted sizes and the
  // batch axes both operands have must agree (dynamic ones at run time).
  SmallVector<Value> dynamicSizes;
  auto batchDim = [&](RankedTensorType t, int64_t i) { return i - (batch - (t.getRank() - 2)); };
  for (int64_t i = 0; i < batch; ++i) {
    int64_t li = batchDim(lt, i), ri = batchDim(rt, i);
    bool lhsHas = li >= 0 && lt.getDimSize(li) != 1, rhsHas = ri >= 0 && rt.getDimSize(ri) != 1;
    if (lhsHas && rhsHas && (lt.isDynamicDim(li) || rt.isDynamicDim(ri)))
      checkSize(b, loc, dimSize(b, loc, rhs, ri), dimSize(b, loc, lhs, li),
                "MatMul's batch dimension " + Twine(i) + " is {0} in the second operand, {1} in "
                                                          "the first");
    if (resultType.isDynamicDim(i))
      dynamicSizes.push_back(lhsHas && lt.isDynamicDim(li) ? dimSize(b, loc, lhs, li)
                                                           : dimSize(b, loc, rhs, ri));
  }
  int64_t lk = lt.getRank() - 1, rk = rt.getRank() - 2;
  if (lt.isDynamicDim(lk) || rt.isDynamicDim(rk))
    checkSize(b, loc, dimSize(b, loc, rhs, rk), dimSize(b, loc, lhs, lk),
              "MatMul contracts {1} columns of the first operand with {0} rows of the second");
  if (resultType.isDynamicDim(rank - 2))
    dynamicSizes.push_back(dimSize(b, loc, lhs, lt.getRank() - 2));
  if (resultType.isDynamicDim(rank - 1))
    dynamicSizes.push_back(dimSize(b, loc, rhs, rt.getRank() - 1));
  Value init = filledTensorOfSizes(b, loc, resultType, 0.0, dynamicSizes);
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
      // Broadcast: 1 stretches; a static size wins over a dynamic one.
      int64_t a = dim(l2), c = dim(r2);
      shape.push_back(a == 1 ? c : c == 1 ? a : ShapedType::isDynamic(a) ? c : a);
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
    Value init = filledTensor(rewriter, loc, type, 0.0);
    Value product = buildMatmulGeneric(rewriter, loc, adaptor.getA(), adaptor.getB(), init,
                                       op.getTransA() ? map2(k, m) : map2(m, k),
                                       op.getTransB() ? map2(n, k) : map2(k, n));
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
      Value dynamicCount; // the product of the dynamic reduced sizes
      for (int64_t a : axes) {
        if (!inType.isDynamicDim(a)) {
          count *= inType.getDimSize(a);
          continue;
        }
        Value size = dimSize(rewriter, loc, input, a);
        dynamicCount =
            dynamicCount ? arith::MulIOp::create(rewriter, loc, dynamicCount, size) : size;
      }
      Value divisor;
      if (dynamicCount) {
        Value total = arith::MulIOp::create(
            rewriter, loc, dynamicCount, arith::ConstantIndexOp::create(rewriter, loc, count));
        Value wide = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), total);
        if (isa<FloatType>(et))
          divisor = arith::SIToFPOp::create(rewriter, loc, et, wide);
        else if (et.getIntOrFloatBitWidth() < 64)
          divisor = arith::TruncIOp::create(rewriter, loc, et, wide);
        else
          divisor = wide;
      }
      auto rt = cast<RankedTensorType>(r.getType());
      r = buildElementwise(rewriter, loc, rt, ValueRange{r},
                           [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                             Value c = divisor ? divisor : scalarConstant(b, l, et, (double)count);
                             if (isa<FloatType>(et))
                               return arith::DivFOp::create(b, l, args[0], c);
                             return arith::DivSIOp::create(b, l, args[0], c);
                           });
    }
    if (op.getType().hasStaticShape() || !op.getKeepdims() || axes.empty()) {
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, r, op.getType().getShape()));
      return success();
    }
    // keepdims with dynamic sizes: the reduced axes come back as unit
    // dimensions, each grouped with a kept one (a dynamic size per group at
    // most, which the expansion takes from the reduction's result).
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices pending;
    for (int64_t d = 0; d < op.getType().getRank(); ++d) {
      pending.push_back(d);
      if (!llvm::is_contained(axes, d)) {
        groups.push_back(pending);
        pending.clear();
      }
    }
    if (groups.empty()) {
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, r, op.getType().getShape()));
      return success();
    }
    groups.back().append(pending.begin(), pending.end());
    rewriter.replaceOp(op, tensor::ExpandShapeOp::create(rewriter, loc, op.getType(), r, groups));
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
    int64_t axis = op.getAxis(), rank = type.getRank();
    // The row statistics (max, sum) drop `axis`. Static shapes keep them as
    // size-1 dims and broadcast them; dynamic ones read them through a map
    // without `axis` (no reshape at run-time sizes).
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = identity.dropResult(axis);
    SmallVector<int64_t> keptShape(type.getShape());
    keptShape[axis] = 1;
    auto withRow = [&](Value full, Value stat, ScalarBodyFn body) {
      if (type.hasStaticShape())
        return buildElementwise(rewriter, loc, type,
                                ValueRange{full, reshapeTensor(rewriter, loc, stat, keptShape)},
                                body);
      return buildElementwiseMapped(rewriter, loc, type, ValueRange{full, stat}, {identity, row},
                                    body);
    };
    Value max = buildReduction(rewriter, loc, x, {axis}, lowestValue(rewriter, loc, et), createMax);
    Value shifted = withRow(x, max, [](OpBuilder &b, Location l, ValueRange a) -> Value {
      return arith::SubFOp::create(b, l, a[0], a[1]);
    });
    Value exps = buildElementwise(rewriter, loc, type, ValueRange{shifted},
                                  [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                    return math::ExpOp::create(b, l, a[0]);
                                  });
    Value sum = buildReduction(rewriter, loc, exps, {axis}, scalarConstant(rewriter, loc, et, 0),
                               createAdd);
    Value r;
    if (IsLog)
      r = withRow(shifted, sum, [](OpBuilder &b, Location l, ValueRange a) -> Value {
        return arith::SubFOp::create(b, l, a[0], math::LogOp::create(b, l, a[1]));
      });
    else
      r = withRow(exps, sum, [](OpBuilder &b, Location l, ValueRange a) -> Value {
        return arith::DivFOp::create(b, l, a[0], a[1]);
      });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct SelectLowering : OpConversionPattern<SelectOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SelectOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(
        rewriter, op.getLoc(), op.getType(),
        ValueRange{adaptor.getCondition(), adaptor.getTrueValue(), adaptor.getFalseValue()},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::SelectOp::create(b, l, a[0], a[1], a[2]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// ONNX Cast semantics on scalars.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (to.isInteger(1)) {
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   scalarConstant(b, loc, from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 scalarConstant(b, loc, from, 0));
  }
  if (auto toF = dyn_cast<FloatType>(to)) {
    if (from.isInteger(1))
      return arith::UIToFPOp::create(b, loc, to, x);
    if (from.isInteger())
      return arith::SIToFPOp::create(b, loc, to, x);
    if (from.getIntOrFloatBitWidth() < toF.getWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (isa<FloatType>(from))
    return arith::FPToSIOp::create(b, loc, to, x);
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, x);
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtSIOp::create(b, loc, to, x);
  return arith::TruncIOp::create(b, loc, to, x);
}

struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(), ValueRange{adaptor.getInput()},
                               [&](OpBuilder &b, Location l, ValueRange a) {
                                 return castScalar(b, l, a[0], to);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Norm-like reductions: a map before the sum and one after.
template <typename OpTy>
struct NormReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type et = type.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    auto map = [&](Value v, RankedTensorType t, auto fn) {
      return buildElementwise(rewriter, loc, t, ValueRange{v},
                              [&](OpBuilder &b, Location l, ValueRange a) { return fn(b, l, a[0]); });
    };
    auto sum = [&](Value v) {
      return buildReduction(rewriter, loc, v, axes, scalarConstant(rewriter, loc, et, 0), createAdd);
    };
    Value r;
    if constexpr (std::is_same_v<OpTy, ReduceL1Op>) {
      r = sum(map(x, type, [](OpBuilder &b, Location l, Value v) -> Value {
        if (isFloat(v))
          return math::AbsFOp::create(b, l, v);
        return math::AbsIOp::create(b, l, v);
      }));
    } else if constexpr (std::is_same_v<OpTy, ReduceL2Op> || std::is_same_v<OpTy, ReduceSumSquareOp>) {
      r = sum(map(x, type, [](OpBuilder &b, Location l, Value v) { return createMul(b, l, v, v); }));
      if constexpr (std::is_same_v<OpTy, ReduceL2Op>) {
        auto rt = cast<RankedTensorType>(r.getType());
        r = map(r, rt, [](OpBuilder &b, Location l, Value v) -> Value {
          if (isFloat(v))
            return math::SqrtOp::create(b, l, v);
          // Integer L2: the square root of the sum, truncated.
          Value f = arith::SIToFPOp::create(b, l, b.getF64Type(), v);
          return arith::FPToSIOp::create(b, l, v.getType(), math::SqrtOp::create(b, l, f));
        });
      }
    } else if constexpr (std::is_same_v<OpTy, ReduceLogSumOp>) {
      r = sum(x);
      r = map(r, cast<RankedTensorType>(r.getType()),
              [](OpBuilder &b, Location l, Value v) { return math::LogOp::create(b, l, v); });
    } else {
      // log(sum(exp(x - m))) + m with m the max: stable for large x.
      Value m = buildReduction(rewriter, loc, x, axes, lowestValue(rewriter, loc, et), createMax);
      auto mt = cast<RankedTensorType>(m.getType());
      SmallVector<int64_t> kept(type.getShape());
      for (int64_t a : axes)
        kept[a] = 1;
      Value mKept = reshapeTensor(rewriter, loc, m, kept);
      Value shifted = buildElementwise(rewriter, loc, type, ValueRange{x, mKept},
                                       [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                         return math::ExpOp::create(
                                             b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                                       });
      Value s = sum(shifted);
      r = buildElementwise(rewriter, loc, mt, ValueRange{s, m},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::AddFOp::create(b, l, math::LogOp::create(b, l, a[0]), a[1]);
                           });
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, r, op.getType().getShape()));
    return success();
  }
};

/// Index of the extreme element along `axis`: a reduction carrying (value,
/// index) pairs. The result drops the axis.
Value buildArgExtreme(OpBuilder &b, Location loc, Value x, int64_t axis, bool isMax,
                      bool selectLast) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  Type et = type.getElementType();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    iterators.push_back(i == axis ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    if (i != axis) {
      shape.push_back(type.getDimSize(i));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
  }
  auto valType = RankedTensorType::get(shape, et);
  auto idxType = RankedTensorType::get(shape, b.getI64Type());
  Value initVal = isMax ? lowestValue(b, loc, et) : highestValue(b, loc, et);
  Value vals = linalg::FillOp::create(b, loc, initVal, emptyTensor(b, loc, valType)).getResult(0);
  Value idxs = filledTensor(b, loc, idxType, -1);
  auto outMap = AffineMap::get(type.getRank(), 0, outExprs, ctx);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{valType, idxType}, ValueRange{x}, ValueRange{vals, idxs},
      SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(type.getRank(), ctx), outMap, outMap},
      iterators, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = a[0], best = a[1], bestIdx = a[2];
        Value i = arith::IndexCastOp::create(nb, l, nb.getI64Type(),
                                             linalg::IndexOp::create(nb, l, axis));
        Value better;
        if (isFloat(v)) {
          auto pred = isMax ? (selectLast ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                            : (selectLast ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
          better = arith::CmpFOp::create(nb, l, pred, v, best);
        } else {
          auto pred = isMax ? (selectLast ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt)
                            : (selectLast ? arith::CmpIPredicate::sle : arith::CmpIPredicate::slt);
          better = arith::CmpIOp::create(nb, l, pred, v, best);
        }
        // The first element always wins, so that -inf/+inf inputs get an index.
        Value first = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, bestIdx,
                                            scalarConstant(nb, l, nb.getI64Type(), 0));
        better = arith::OrIOp::create(nb, l, better, first);
        linalg::YieldOp::create(nb, l,
                                ValueRange{arith::SelectOp::create(nb, l, better, v, best),
                                           arith::SelectOp::create(nb, l, better, i, bestIdx)});
      });
  return generic.getResult(1);
}

template <typename OpTy>
struct ArgLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value r = buildArgExtreme(rewriter, op.getLoc(), adaptor.getInput(), op.getAxis(),
                              std::is_same_v<OpTy, ArgMaxOp>, op.getSelectLastIndex());
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), r, op.getType().getShape()));
    return success();
  }
};

struct HardmaxLowering : OpConversionPattern<HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(HardmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis();
    Value idx = buildArgExtreme(rewriter, loc, adaptor.getInput(), axis, true, false);
    SmallVector<int64_t> kept(type.getShape());
    kept[axis] = 1;
    idx = reshapeTensor(rewriter, loc, idx, kept);
    Value r = buildElementwise(rewriter, loc, type, ValueRange{idx},
                               [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                 Value i = arith::IndexCastOp::create(
                                     b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
                                 Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, i, a[0]);
                                 Type et = type.getElementType();
                                 return arith::SelectOp::create(b, l, hit, scalarConstant(b, l, et, 1),
                                                                scalarConstant(b, l, et, 0));
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// out[..i..] = sum over j of in[..j..] for j <= i (j < i exclusive; j >= i
/// or j > i reversed): one generic with an extra reduction loop j.
/// Prefix sums of `input` (of `type`) along `axis`: one linalg.generic, a
/// loop over the axis's positions per result element.
Value cumulativeSum(OpBuilder &rewriter, Location loc, Value input, RankedTensorType type,
                    int64_t axis, bool exclusive, bool reverse) {
  MLIRContext *ctx = rewriter.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> inExprs, outExprs;
  for (int64_t d = 0; d < rank; ++d) {
    outExprs.push_back(getAffineDimExpr(d, ctx));
    inExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
  }
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  // The loop over the axis's positions takes its size from the input: a
  // dynamic result is sized by its input too.
  Value init = filledTensor(rewriter, loc, type, 0, ValueRange{input});
  return linalg::GenericOp::create(
             rewriter, loc, TypeRange{type}, ValueRange{input}, ValueRange{init},
             SmallVector<AffineMap>{AffineMap::get(rank + 1, 0, inExprs, ctx),
                                    AffineMap::get(rank + 1, 0, outExprs, ctx)},
             iterators,
             [&](OpBuilder &b, Location l, ValueRange a) {
               Value i = linalg::IndexOp::create(b, l, axis);
               Value j = linalg::IndexOp::create(b, l, rank);
               auto pred = reverse ? (exclusive ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::uge)
                                   : (exclusive ? arith::CmpIPredicate::ult : arith::CmpIPredicate::ule);
               Value take = arith::CmpIOp::create(b, l, pred, j, i);
               Value sum = createAdd(b, l, a[1], a[0]);
               linalg::YieldOp::create(b, l, ValueRange{arith::SelectOp::create(b, l, take, sum, a[1])});
             })
      .getResult(0);
}

struct CumSumLowering : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, cumulativeSum(rewriter, op.getLoc(), adaptor.getInput(), op.getType(),
                                         op.getAxis(), op.getExclusive(), op.getReverse()));
    return success();
  }
};

/// CumSum along an axis read at run time: checked to be in range, then one
/// scf.index_switch case per axis, each the static lowering.
struct ComputedCumSumLowering : OpConversionPattern<ComputedCumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedCumSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    Value axis = arith::IndexCastOp::create(
        b, loc, b.getIndexType(), tensor::ExtractOp::create(b, loc, adaptor.getAxis(), ValueRange{}));
    Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, axis, cst(0));
    Value normalized =
        arith::SelectOp::create(b, loc, negative, arith::AddIOp::create(b, loc, axis, cst(rank)), axis);
    checkSizeAtLeast(b, loc, axis, cst(-rank),
                     "CumSum's axis is {0}, below {1} (rank " + Twine(rank) + ")");
    checkSizeAtLeast(b, loc, cst(rank - 1), axis,
                     "CumSum's axis is {1}, above {0} (rank " + Twine(rank) + ")");
    SmallVector<int64_t> cases;
    for (int64_t d = 1; d < rank; ++d)
      cases.push_back(d);
    auto sw = scf::IndexSwitchOp::create(b, loc, TypeRange{type}, normalized, cases, cases.size());
    auto fill = [&](Region &region, int64_t d) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&region.emplaceBlock());
      scf::YieldOp::create(b, loc,
                           cumulativeSum(b, loc, adaptor.getInput(), type, d, op.getExclusive(),
                                         op.getReverse()));
    };
    fill(sw.getDefaultRegion(), 0); // (axis 0; the check refuses the rest)
    for (auto [i, d] : llvm::enumerate(cases))
      fill(sw.getCaseRegions()[i], d);
    rewriter.replaceOp(op, sw.getResults());
    return success();
  }
};

/// ReduceSum over axes read at run time, keeping them: with m_d the reduced
/// extent (the input's size where reduced, else 1) and out_d the result's
/// (1 where reduced, else the input's), result[j] = sum over k < m of
/// input[j + k]: affine accesses, one generic whose extra loops take their
/// sizes from a tensor.empty of m (as pooling windows do).
struct ComputedReduceSumLowering : OpConversionPattern<ComputedReduceSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedReduceSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    MLIRContext *ctx = b.getContext();
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    SmallVector<Value> isAxis = runTimeAxes(b, loc, adaptor.getAxes(), rank, "ReduceSum");
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    SmallVector<Value> outSizes, windowSizes;
    SmallVector<AffineExpr> inExprs, outExprs, windowExprs;
    for (int64_t d = 0; d < rank; ++d) {
      Value dim = dimSize(b, loc, input, d);
      Value out = arith::SelectOp::create(b, loc, isAxis[d], one, dim);
      if (type.isDynamicDim(d))
        outSizes.push_back(out);
      else
        checkSize(b, loc, out, arith::ConstantIndexOp::create(b, loc, type.getDimSize(d)),
                  "ReduceSum's result dimension " + Twine(d) + " is {0}, the model needs {1}");
      windowSizes.push_back(arith::SelectOp::create(b, loc, isAxis[d], dim, one));
      outExprs.push_back(getAffineDimExpr(d, ctx));
      windowExprs.push_back(getAffineDimExpr(rank + d, ctx));
      inExprs.push_back(getAffineDimExpr(d, ctx) + getAffineDimExpr(rank + d, ctx));
    }
    Value init = filledTensorOfSizes(b, loc, type, 0, outSizes);
    Value window = tensor::EmptyOp::create(b, loc, getAsOpFoldResult(windowSizes), b.getI8Type());
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.append(rank, utils::IteratorType::reduction);
    Value r = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, ValueRange{input, window}, ValueRange{init},
                  SmallVector<AffineMap>{AffineMap::get(2 * rank, 0, inExprs, ctx),
                                         AffineMap::get(2 * rank, 0, windowExprs, ctx),
                                         AffineMap::get(2 * rank, 0, outExprs, ctx)},
                  iterators,
                  [&](OpBuilder &nb, Location l, ValueRange a) {
                    linalg::YieldOp::create(nb, l, ValueRange{createAdd(nb, l, a[2], a[0])});
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// One linalg.generic: a loop per subscript letter, the output's letters
/// parallel, the rest reductions; operand dims of size 1 broadcast.
struct EinsumLowering : OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto [lhs, out] = op.getEquation().split("->");
    SmallVector<StringRef> terms;
    lhs.split(terms, ',');
    std::string letters = out.str();
    llvm::DenseMap<char, int64_t> sizes;
    for (auto [term, v] : llvm::zip(terms, adaptor.getInputs()))
      for (auto [i, c] : llvm::enumerate(term)) {
        int64_t d = cast<RankedTensorType>(v.getType()).getDimSize(i);
        if (!sizes.count(c) || sizes[c] == 1 || (ShapedType::isDynamic(sizes[c]) && d != 1))
          sizes[c] = d;
        if (letters.find(c) == std::string::npos)
          letters += c;
      }
    // Each letter's run-time size: its static size, or the first dynamic
    // operand dimension it labels; every other dynamic dimension it labels
    // is checked against it (the loops must not leave any operand).
    llvm::DenseMap<char, Value> runTimeSizes;
    for (auto [k, term, v] : llvm::enumerate(terms, adaptor.getInputs())) {
      auto t = cast<RankedTensorType>(v.getType());
      for (auto [i, c] : llvm::enumerate(term)) {
        if (!t.isDynamicDim(i))
          continue;
        Value size = dimSize(rewriter, loc, v, i);
        if (!runTimeSizes.count(c)) {
          runTimeSizes[c] = ShapedType::isDynamic(sizes[c])
                                ? size
                                : arith::ConstantIndexOp::create(rewriter, loc, sizes[c]).getResult();
          if (ShapedType::isDynamic(sizes[c]))
            continue;
        }
        checkSize(rewriter, loc, size, runTimeSizes[c],
                  "Einsum's operand " + Twine(k) + " has size {0} for subscript '" + Twine(c) +
                      "', the others {1}");
      }
    }
    int64_t loops = letters.size();
    auto dimOf = [&](char c) { return (unsigned)letters.find(c); };
    SmallVector<AffineMap> maps;
    for (auto [term, v] : llvm::zip(terms, adaptor.getInputs())) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<AffineExpr> exprs;
      for (auto [i, c] : llvm::enumerate(term))
        exprs.push_back(t.getDimSize(i) == 1 && sizes[c] != 1 ? getAffineConstantExpr(0, ctx)
                                                              : getAffineDimExpr(dimOf(c), ctx));
      maps.push_back(AffineMap::get(loops, 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (char c : out)
      outExprs.push_back(getAffineDimExpr(dimOf(c), ctx));
    maps.push_back(AffineMap::get(loops, 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < loops; ++i)
      iterators.push_back(i < (int64_t)out.size() ? utils::IteratorType::parallel
                                                  : utils::IteratorType::reduction);
    SmallVector<Value> outSizes;
    for (auto [i, c] : llvm::enumerate(out))
      if (op.getType().isDynamicDim(i))
        outSizes.push_back(runTimeSizes[c]);
    Value init = filledTensorOfSizes(rewriter, loc, op.getType(), 0.0, outSizes);
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{op.getType()}, adaptor.getInputs(), ValueRange{init},
                  maps, iterators,
                  [&](OpBuilder &b, Location l, ValueRange a) {
                    Value prod = a[0];
                    for (size_t i = 1; i + 1 < a.size(); ++i)
                      prod = createMul(b, l, prod, a[i]);
                    linalg::YieldOp::create(b, l, ValueRange{createAdd(b, l, a.back(), prod)});
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

Value scalarElementwise(Operation *op, OpBuilder &b, Location loc, ValueRange operands) {
  if (auto cast = dyn_cast<CastOp>(op))
    return castScalar(b, loc, operands[0], cast.getType().getElementType());
  if (isa<SelectOp>(op))
    return arith::SelectOp::create(b, loc, operands[0], operands[1], operands[2]);
  if (operands.size() == 1)
    return scalarUnary(op, b, loc, operands[0]);
  if (operands.size() == 2)
    return scalarBinary(op, b, loc, operands[0], operands[1]);
  return {};
}

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
  patterns.add<BinaryLowering<AndOp>, BinaryLowering<OrOp>, BinaryLowering<XorOp>,
               BinaryLowering<ModOp>, BinaryLowering<EqualOp>, BinaryLowering<LessOp>,
               BinaryLowering<LessEqualOp>, BinaryLowering<GreaterOp>,
               BinaryLowering<GreaterEqualOp>>(ctx);
  patterns.add<UnaryLowering<NotOp>, UnaryLowering<SignOp>, UnaryLowering<FloorOp>,
               UnaryLowering<CeilOp>, UnaryLowering<RoundOp>, UnaryLowering<SinOp>,
               UnaryLowering<CosOp>, UnaryLowering<TanOp>, UnaryLowering<AsinOp>,
               UnaryLowering<AcosOp>, UnaryLowering<AtanOp>, UnaryLowering<SinhOp>,
               UnaryLowering<CoshOp>, UnaryLowering<AsinhOp>, UnaryLowering<AcoshOp>,
               UnaryLowering<AtanhOp>, UnaryLowering<SoftplusOp>, UnaryLowering<SoftsignOp>,
               UnaryLowering<HardSwishOp>, UnaryLowering<EluOp>, UnaryLowering<SeluOp>,
               UnaryLowering<CeluOp>, UnaryLowering<HardSigmoidOp>,
               UnaryLowering<ThresholdedReluOp>, UnaryLowering<ShrinkOp>,
               UnaryLowering<IsNaNOp>, UnaryLowering<IsInfOp>>(ctx);
  patterns.add<SelectLowering, CastLowering, HardmaxLowering, CumSumLowering, EinsumLowering,
               ComputedCumSumLowering, ComputedReduceSumLowering>(ctx);
  patterns.add<NormReduceLowering<ReduceL1Op>, NormReduceLowering<ReduceL2Op>,
               NormReduceLowering<ReduceSumSquareOp>, NormReduceLowering<ReduceLogSumOp>,
               NormReduceLowering<ReduceLogSumExpOp>>(ctx);
  patterns.add<ArgLowering<ArgMaxOp>, ArgLowering<ArgMinOp>>(ctx);
}

} // namespace tessel
