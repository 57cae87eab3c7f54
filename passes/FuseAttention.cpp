//===- FuseAttention.cpp - The tessel-fuse-attention pass -----------------===//
//
// Anchored on the Softmax: walks back over the mask and scale to the
// MatMul(Q, Kᵀ), forward to the MatMul with V, and replaces the whole chain by
// tessel.attention (see Passes.td for the variants).
//
//===----------------------------------------------------------------------===//
#include "passes/FusionUtils.h"
#include "passes/Passes.h"

#include "dialects/Tessel/ShapeHelpers.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FUSEATTENTION
#include "passes/Passes.h.inc"

namespace {

/// Masked_fill values: -inf, or a large negative number standing for it.
bool isMaskFill(std::optional<double> v) { return v && (std::isinf(*v) ? *v < 0 : *v <= -1e4); }

/// True if `v` reaches a MatMul through at most `depth` scale / mask ops: the
/// operand of an Add or Where that carries the scores (the other is the mask).
bool leadsToMatMul(Value v, int depth = 4) {
  Operation *op = v.getDefiningOp();
  if (!op)
    return false;
  if (isa<MatMulOp>(op))
    return true;
  if (depth == 0 || !isa<DivOp, MulOp, AddOp, SelectOp>(op))
    return false;
  return llvm::any_of(op->getOperands(), [&](Value o) { return leadsToMatMul(o, depth - 1); });
}

/// True if `v` is all true (or nonzero): a constant, or a constant expanded
/// to a shape computed at run time (ConstantOfShape of a sequence length).
bool isAllTrue(Value v) {
  if (auto expand = v.getDefiningOp<ComputedExpandOp>())
    v = expand.getInput();
  auto values = getConstantValues(v);
  return values && llvm::none_of(*values, [](double x) { return x == 0; });
}

/// A boolean condition that is true exactly above the diagonal (`upper`) or
/// exactly on and below it (!upper): a constant, or Trilu of an all-true one
/// (square where its sizes are static; of a run-time size, a dynamic export's
/// [seq, seq] mask, whose sizes the scores' sizes must match).
bool isTriangularCondition(Value cond, bool upper) {
  if (auto trilu = cond.getDefiningOp<TriluOp>()) {
    if (trilu.getDynamicK() || !isAllTrue(trilu.getInput()))
      return false;
    auto shape = cast<RankedTensorType>(trilu.getType()).getShape();
    if (shape.size() < 2 || shape[shape.size() - 2] != shape.back())
      return false;
    return upper ? (trilu.getUpper() && trilu.getK() == 1)
                 : (!trilu.getUpper() && trilu.getK() == 0);
  }
  auto values = getConstantValues(cond);
  if (!values)
    return false;
  if (!upper)
    for (double &x : *values)
      x = x == 0 ? 1 : 0;
  return isStrictlyUpperTriangular(*values, cast<RankedTensorType>(cond.getType()).getShape());
}

/// An additive mask that is 0 on and below the diagonal and -inf (or <= -1e4)
/// above it: a constant, or a Where of a triangular condition between the
/// fill and 0 (a dynamic export builds it at run time from the sequence
/// length).
bool isCausalAdditiveMask(Value mask) {
  if (auto select = mask.getDefiningOp<SelectOp>()) {
    std::optional<double> onTrue = getScalarConstant(select.getTrueValue());
    std::optional<double> onFalse = getScalarConstant(select.getFalseValue());
    bool fillOnTrue = isMaskFill(onTrue) && onFalse == 0.0;
    bool fillOnFalse = isMaskFill(onFalse) && onTrue == 0.0;
    return (fillOnTrue || fillOnFalse) &&
           isTriangularCondition(select.getCondition(), /*upper=*/fillOnTrue);
  }
  auto values = getConstantValues(mask);
  if (!values)
    return false;
  for (double &x : *values) {
    if (x == 0)
      continue;
    if (!isMaskFill(x))
      return false;
    x = 1;
  }
  return isStrictlyUpperTriangular(*values, cast<RankedTensorType>(mask.getType()).getShape());
}

struct AttentionPattern : OpRewritePattern<SoftmaxOp> {
  AttentionPattern(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;

  LogicalResult matchAndRewrite(SoftmaxOp softmax, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(softmax.getType());
    int64_t rank = type.getRank();
    // Only softmaxes over scores (fed by a MatMul, feeding one) are candidates.
    if (rank < 2 || !leadsToMatMul(softmax.getInput()))
      return failure();
    auto miss = [&](Operation *at, const Twine &why) {
      report.missed(at, "attention", why);
      return failure();
    };
    MatMulOp pv;
    for (Operation *user : softmax->getUsers())
      if (auto mm = dyn_cast<MatMulOp>(user))
        if (mm.getLhs() == softmax.getResult())
          pv = mm;
    if (!pv)
      return failure();
    if (softmax.getAxisAttr().getInt() != rank - 1)
      return miss(softmax, "softmax over axis " + Twine(softmax.getAxisAttr().getInt()) +
                               ", not the last axis of the scores");
    if (!softmax.getResult().hasOneUse())
      return miss(softmax, "the attention probabilities have another user");

    SmallVector<Operation *> ops{softmax, pv};
    Value chain = softmax.getInput();
    Value mask;
    bool causal = false;
    double scale = 1.0, scaleAfterMask = 1.0;
    bool haveMask = false;
    Value maskCond; // A Where's condition, for the mask built after matching.
    double maskFill = 0;
    bool maskFillOnTrue = true;
    // Walk back from the softmax input to the MatMul(Q, Kᵀ).
    while (true) {
      Operation *op = chain.getDefiningOp();
      if (!op)
        return failure();
      if (isa<MatMulOp>(op))
        break;
      if (!chain.hasOneUse())
        return miss(op, "the scores feed another op besides the softmax chain");
      if (auto div = dyn_cast<DivOp>(op)) {
        auto c = getScalarConstant(div.getRhs());
        if (!c || *c == 0)
          return miss(op, "the scores are divided by a value that is not a nonzero scalar "
                          "constant");
        scale /= *c;
        if (!haveMask)
          scaleAfterMask /= *c;
        chain = div.getLhs();
      } else if (auto mul = dyn_cast<MulOp>(op)) {
        std::optional<double> c = getScalarConstant(mul.getRhs());
        chain = mul.getLhs();
        if (!c) {
          c = getScalarConstant(mul.getLhs());
          chain = mul.getRhs();
        }
        if (!c)
          return miss(op, "the scores are multiplied by a value that is not a scalar constant");
        scale *= *c;
        if (!haveMask)
          scaleAfterMask *= *c;
      } else if (auto add = dyn_cast<AddOp>(op)) {
        bool lhsScores = leadsToMatMul(add.getLhs(), 3);
        Value m = lhsScores ? add.getRhs() : add.getLhs();
        chain = lhsScores ? add.getLhs() : add.getRhs();
        if (haveMask)
          return miss(op, "a second mask is added to the scores");
        if (chain.getType() != add.getType())
          return miss(op, "the mask broadcasts the scores to a larger shape");
        haveMask = true;
        if (isCausalAdditiveMask(m))
          causal = true;
        else
          mask = m;
      } else if (auto select = dyn_cast<SelectOp>(op)) {
        if (haveMask)
          return miss(op, "a second mask is applied to the scores");
        haveMask = true;
        std::optional<double> onTrue = getScalarConstant(select.getTrueValue());
        std::optional<double> onFalse = getScalarConstant(select.getFalseValue());
        bool fillOnTrue = isMaskFill(onTrue);
        if (!fillOnTrue && !isMaskFill(onFalse))
          return miss(op, "the masked_fill value is neither -inf nor a large negative constant");
        Value cond = select.getCondition();
        chain = fillOnTrue ? select.getFalseValue() : select.getTrueValue();
        if (chain.getType() != select.getType())
          return miss(op, "the mask broadcasts the scores to a larger shape");
        double fill = fillOnTrue ? *onTrue : *onFalse;
        if (isTriangularCondition(cond, /*upper=*/fillOnTrue)) {
          causal = true;
        } else {
          // Becomes an additive mask (fill where masked, 0 elsewhere) once
          // the whole chain has matched.
          maskCond = cond;
          maskFill = fill;
          maskFillOnTrue = fillOnTrue;
        }
      } else {
        return miss(op, "the scores pass through '" + op->getName().getStringRef() +
                            "' between the MatMul and the softmax");
      }
      ops.push_back(op);
    }
    auto qk = cast<MatMulOp>(chain.getDefiningOp());
    ops.push_back(qk);
    if (haveMask && scaleAfterMask <= 0)
      return miss(softmax, "the mask is scaled by a non-positive factor");

    // Q and K, with scalar scales on either absorbed.
    auto peelScale = [&](Value v) {
      while (Operation *op = v.getDefiningOp()) {
        std::optional<double> c;
        Value inner;
        if (auto div = dyn_cast<DivOp>(op)) {
          c = getScalarConstant(div.getRhs());
          if (c && *c != 0)
            c = 1.0 / *c;
          else
            c.reset();
          inner = div.getLhs();
        } else if (auto mul = dyn_cast<MulOp>(op)) {
          c = getScalarConstant(mul.getRhs());
          inner = mul.getLhs();
          if (!c) {
            c = getScalarConstant(mul.getLhs());
            inner = mul.getRhs();
          }
        }
        if (!c || inner.getType() != v.getType())
          break;
        scale *= *c;
        ops.push_back(op);
        v = inner;
      }
      return v;
    };
    Value q = peelScale(qk.getLhs());
    Value kT = peelScale(qk.getRhs());
    Value v = pv.getRhs();
    auto qt = cast<RankedTensorType>(q.getType());
    auto kTt = cast<RankedTensorType>(kT.getType());
    auto vt = cast<RankedTensorType>(v.getType());
    if (qt.getRank() != rank || kTt.getRank() != rank || vt.getRank() != rank ||
        qt.getShape().drop_back(2) != kTt.getShape().drop_back(2) ||
        qt.getShape().drop_back(2) != vt.getShape().drop_back(2))
      return miss(qk, "q, k and v do not share their batch axes (a broadcasting MatMul)");
    if (mask || maskCond) {
      auto mt = cast<RankedTensorType>((mask ? mask : maskCond).getType());
      auto b = broadcastShapes(mt.getShape(), type.getShape());
      if (mt.getRank() > rank || !b || ArrayRef<int64_t>(*b) != type.getShape())
        return miss(softmax, "the mask does not broadcast to the scores");
    }
    if (causal && type.getDimSize(rank - 2) != type.getDimSize(rank - 1))
      return miss(softmax, "a causal mask over non-square scores");

    rewriter.setInsertionPoint(pv);
    Location loc = fusedLocation(rewriter.getContext(), ops);
    // k = (Kᵀ)ᵀ: the transpose of a Transpose composes (or vanishes).
    SmallVector<int64_t> swap;
    for (int64_t i = 0; i < rank; ++i)
      swap.push_back(i);
    std::swap(swap[rank - 2], swap[rank - 1]);
    Value k;
    if (auto t = kT.getDefiningOp<TransposeOp>()) {
      SmallVector<int64_t> composed;
      for (int64_t p : swap)
        composed.push_back(t.getPerm()[p]);
      bool identity = llvm::all_of(llvm::enumerate(composed),
                                   [](auto e) { return (int64_t)e.index() == e.value(); });
      k = identity ? t.getInput()
                   : TransposeOp::create(rewriter, t.getLoc(), t.getInput(), composed).getResult();
    } else {
      k = TransposeOp::create(rewriter, kT.getLoc(), kT, swap).getResult();
    }
    if (maskCond) {
      auto ct = cast<RankedTensorType>(maskCond.getType());
      auto scalar = RankedTensorType::get({}, type.getElementType());
      Value fill = createConstant(rewriter, loc, scalar, {maskFill}, "mask_fill");
      Value zero = createConstant(rewriter, loc, scalar, {0.0}, "zero");
      auto maskType = RankedTensorType::get(ct.getShape(), type.getElementType());
      mask = SelectOp::create(rewriter, loc, maskType, maskCond, maskFillOnTrue ? fill : zero,
                              maskFillOnTrue ? zero : fill);
    }
    if (mask && scaleAfterMask != 1.0) {
      // (s + m) * c = s * c + m * c.
      auto scalar = RankedTensorType::get({}, type.getElementType());
      Value c = createConstant(rewriter, loc, scalar, {scaleAfterMask}, "mask_scale");
      mask = MulOp::create(rewriter, loc, mask.getType(), mask, c);
    }
    SmallVector<Value> operands{q, k, v};
    if (mask)
      operands.push_back(mask);
    auto attention = AttentionOp::create(
        rewriter, loc, pv.getType(), operands,
        {rewriter.getNamedAttr("scale", rewriter.getF64FloatAttr(scale)),
         rewriter.getNamedAttr("causal", rewriter.getBoolAttr(causal))});
    std::string detail;
    llvm::raw_string_ostream os(detail);
    os << "scale=" << llvm::format("%g", scale) << (causal ? ", causal" : "")
       << (mask ? ", mask" : "");
    report.fused(attention, "attention", detail);
    rewriter.replaceOp(pv, attention.getResult());
    return success();
  }
};

struct FuseAttentionPass : impl::FuseAttentionBase<FuseAttentionPass> {
  using FuseAttentionBase::FuseAttentionBase;
  void runOnOperation() override {
    FusionReporter reporter(report);
    RewritePatternSet patterns(&getContext());
    patterns.add<AttentionPattern>(&getContext(), reporter);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace tessel
