//===- FuseNormalizations.cpp - The tessel-fuse-normalizations pass -------===//
//
// Written-out layer norms, RMS norms and PyTorch's GroupNorm export become one
// tessel.layer_norm / rms_norm / group_norm. Each pattern is anchored on the
// op that divides (or multiplies) by the root of the mean square, walks back
// to the input, then forward over an optional affine Mul / Add.
//
//===----------------------------------------------------------------------===//
#include "passes/FusionUtils.h"
#include "passes/Passes.h"

#include "dialects/Tessel/ShapeHelpers.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FUSENORMALIZATIONS
#include "passes/Passes.h.inc"

namespace {

/// The first normalized axis if `mean` is a keepdims ReduceMean over the
/// trailing axes [axis, rank) of its input.
std::optional<int64_t> trailingMeanAxis(ReduceMeanOp mean) {
  if (!mean || !mean.getKeepdims())
    return std::nullopt;
  ArrayRef<int64_t> axes = mean.getAxes();
  int64_t rank = cast<RankedTensorType>(mean.getInput().getType()).getRank();
  if (axes.empty() || axes.back() != rank - 1)
    return std::nullopt;
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return std::nullopt;
  return axes.front();
}

/// `sq` is x² written as Pow(x, 2) or Mul(x, x); returns x.
Value squaredValue(Value sq) {
  if (auto pow = sq.getDefiningOp<PowOp>()) {
    auto e = getScalarConstant(pow.getRhs());
    return e && *e == 2.0 ? pow.getLhs() : Value();
  }
  if (auto mul = sq.getDefiningOp<MulOp>())
    return mul.getLhs() == mul.getRhs() ? mul.getLhs() : Value();
  return Value();
}

/// The pieces of sqrt(mean(z²) + ε) for a `denom` value.
struct RootMeanSquare {
  Value z;             // the value squared
  ReduceMeanOp mean;   // mean(z²)
  int64_t axis = 0;    // first normalized axis
  double epsilon = 0;
  SmallVector<Operation *> ops; // sq, mean, add, sqrt (for locations)
};

/// Matches Sqrt(Add(ReduceMean(z²), ε)) with single-use intermediates.
std::optional<RootMeanSquare> matchRootMeanSquare(Value denom, std::string &why) {
  auto sqrt = soleUseProducer<SqrtOp>(denom);
  if (!sqrt)
    return std::nullopt;
  RootMeanSquare r;
  auto add = soleUseProducer<AddOp>(sqrt.getInput());
  if (!add)
    return std::nullopt;
  bool ok = eitherOrder(add, [&](Value a, Value b) {
    auto eps = getScalarConstant(b);
    auto mean = soleUseProducer<ReduceMeanOp>(a);
    if (!eps || !mean)
      return false;
    r.epsilon = *eps;
    r.mean = mean;
    return true;
  });
  if (!ok)
    return std::nullopt;
  auto axis = trailingMeanAxis(r.mean);
  if (!axis) {
    why = "the mean square is not taken over trailing axes with keepdims";
    return std::nullopt;
  }
  r.axis = *axis;
  Operation *sq = r.mean.getInput().getDefiningOp();
  r.z = squaredValue(r.mean.getInput());
  if (!r.z) {
    why = "the reduced value is not a square (Pow by 2 or Mul by itself)";
    return std::nullopt;
  }
  if (!r.mean.getInput().hasOneUse()) {
    why = "the squared value has another user";
    return std::nullopt;
  }
  if (!(r.epsilon >= 0)) {
    why = "epsilon is negative";
    return std::nullopt;
  }
  r.ops = {sq, r.mean, add, sqrt};
  return r;
}

/// `v` normalized by `rms`: Div(v, denom), Mul(v, Reciprocal(denom)) or
/// Mul(v, Div(1, denom)), either operand order for Mul. Fills `normalized`
/// (v), `denom` and the extra ops.
bool matchDivideByRoot(Operation *op, Value &normalized, Value &denom,
                       SmallVector<Operation *> &extra) {
  if (auto div = dyn_cast<DivOp>(op)) {
    normalized = div.getLhs();
    denom = div.getRhs();
    return true;
  }
  auto mul = dyn_cast<MulOp>(op);
  if (!mul)
    return false;
  return eitherOrder(mul, [&](Value a, Value b) {
    if (auto recip = soleUseProducer<ReciprocalOp>(b)) {
      normalized = a;
      denom = recip.getInput();
      extra = {recip};
      return true;
    }
    if (auto div = soleUseProducer<DivOp>(b)) {
      auto one = getScalarConstant(div.getLhs());
      if (one && *one == 1.0) {
        normalized = a;
        denom = div.getRhs();
        extra = {div};
        return true;
      }
    }
    return false;
  });
}

/// True if `param` broadcasts to the normalized shape and not beyond it (it
/// must not vary along the leading axes).
bool isNormParam(Value param, RankedTensorType type, int64_t axis) {
  auto pt = cast<RankedTensorType>(param.getType());
  if (pt.getElementType() != type.getElementType())
    return false;
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  ArrayRef<int64_t> shape = pt.getShape();
  // Leading size-1 axes beyond the normalized rank are harmless.
  while (shape.size() > normalized.size() && shape.front() == 1)
    shape = shape.drop_front();
  auto b = broadcastShapes(shape, normalized);
  return b && ArrayRef<int64_t>(*b) == normalized;
}

/// Absorbs Mul(value, γ) then Add(·, β) after a norm when `value` has one
/// user. Returns the op to replace and fills gamma / beta.
Operation *absorbAffine(Value value, RankedTensorType type, int64_t axis, Value &gamma,
                        Value &beta, SmallVector<Operation *> &ops, bool allowBias) {
  Operation *root = value.getDefiningOp();
  auto sole = [](Value v) -> Operation * {
    return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
  };
  if (auto mul = dyn_cast_or_null<MulOp>(sole(value))) {
    Value other = mul.getLhs() == value ? mul.getRhs() : mul.getLhs();
    if (mul.getType() == type && isNormParam(other, type, axis)) {
      gamma = other;
      root = mul;
      ops.push_back(mul);
      value = mul.getResult();
    }
  }
  if (!allowBias)
    return root;
  if (auto add = dyn_cast_or_null<AddOp>(sole(value))) {
    Value other = add.getLhs() == value ? add.getRhs() : add.getLhs();
    if (add.getType() == type && isNormParam(other, type, axis)) {
      beta = other;
      root = add;
      ops.push_back(add);
    }
  }
  return root;
}

/// Drops leading size-1 axes of a norm parameter so that it has at most the
/// normalized rank (what the norm ops accept).
Value trimParam(PatternRewriter &rewriter, Value param, int64_t normalizedRank) {
  auto pt = cast<RankedTensorType>(param.getType());
  ArrayRef<int64_t> shape = pt.getShape();
  if ((int64_t)shape.size() <= normalizedRank)
    return param;
  auto type = RankedTensorType::get(shape.take_back(normalizedRank), pt.getElementType());
  return ReshapeOp::create(rewriter, param.getLoc(), type, param);
}

/// x - mean(x) ... / sqrt(mean((x - mean(x))²) + ε) [* γ] [+ β].
struct LayerNormPattern : OpRewritePattern<DivOp> {
  LayerNormPattern(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx, /*benefit=*/2), report(report) {}
  FusionReporter &report;

  LogicalResult matchAndRewrite(DivOp op, PatternRewriter &rewriter) const override {
    return rewriteLayerNorm(op, rewriter, report);
  }

  static LogicalResult rewriteLayerNorm(Operation *op, PatternRewriter &rewriter,
                                        FusionReporter &report) {
    Value d, denom;
    SmallVector<Operation *> ops;
    if (!matchDivideByRoot(op, d, denom, ops))
      return failure();
    auto sub = d.getDefiningOp<SubOp>();
    if (!sub)
      return failure();
    auto mean = sub.getRhs().getDefiningOp<ReduceMeanOp>();
    if (!mean || mean.getInput() != sub.getLhs())
      return failure();
    // From here on this is a layer norm; say why when it does not fuse.
    std::string why;
    auto rms = matchRootMeanSquare(denom, why);
    if (!rms) {
      report.missed(op, "layer_norm", why.empty() ? "the divisor is not sqrt(mean((x - mean)²) + ε)"
                                                   : why);
      return failure();
    }
    auto axis = trailingMeanAxis(mean);
    if (rms->z != d || !axis || *axis != rms->axis) {
      report.missed(op, "layer_norm", "the mean and the variance reduce different axes");
      return failure();
    }
    for (Operation *user : d.getUsers())
      if (user != op && user != rms->ops.front()) {
        report.missed(op, "layer_norm", "x - mean has another user");
        return failure();
      }
    if (!mean.getResult().hasOneUse()) {
      report.missed(op, "layer_norm", "the mean has another user");
      return failure();
    }
    Value x = sub.getLhs();
    auto type = cast<RankedTensorType>(x.getType());
    if (cast<RankedTensorType>(op->getResult(0).getType()) != type) {
      report.missed(op, "layer_norm", "the result does not have the input's shape");
      return failure();
    }
    // The anchor first: its node is where the fused op's location points.
    ops.insert(ops.begin(), op);
    ops.append({mean, sub});
    ops.append(rms->ops);
    Value gamma, beta;
    Operation *root = absorbAffine(op->getResult(0), type, *axis, gamma, beta, ops, true);
    int64_t normalizedRank = type.getRank() - *axis;
    rewriter.setInsertionPoint(root);
    SmallVector<Value> operands{x, gamma ? trimParam(rewriter, gamma, normalizedRank)
                                         : createConstant(rewriter, op->getLoc(),
                                                          RankedTensorType::get({}, type.getElementType()),
                                                          {1.0}, "ones")};
    if (beta)
      operands.push_back(trimParam(rewriter, beta, normalizedRank));
    auto norm = LayerNormOp::create(
        rewriter, fusedLocation(rewriter.getContext(), ops), type, operands,
        {rewriter.getNamedAttr("axis", rewriter.getI64IntegerAttr(*axis)),
         rewriter.getNamedAttr("epsilon", rewriter.getF64FloatAttr(rms->epsilon))});
    report.fused(norm, "layer_norm");
    rewriter.replaceOp(root, norm.getResult());
    return success();
  }
};

/// The same layer norm when the division is written as a multiplication.
struct LayerNormMulPattern : OpRewritePattern<MulOp> {
  LayerNormMulPattern(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx, /*benefit=*/2), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    return LayerNormPattern::rewriteLayerNorm(op, rewriter, report);
  }
};

/// x / sqrt(mean(x²) + ε) [* w], any of the division forms.
template <typename OpTy>
struct RMSNormPattern : OpRewritePattern<OpTy> {
  RMSNormPattern(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/1), report(report) {}
  FusionReporter &report;

  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Value x, denom;
    SmallVector<Operation *> ops;
    if (!matchDivideByRoot(op, x, denom, ops))
      return failure();
    if (!denom.getDefiningOp<SqrtOp>())
      return failure();
    std::string why;
    auto rms = matchRootMeanSquare(denom, why);
    if (!rms) {
      if (!why.empty())
        report.missed(op, "rms_norm", why);
      return failure();
    }
    if (rms->z != x) {
      report.missed(op, "rms_norm", "the normalized value is not the one whose square is averaged");
      return failure();
    }
    auto type = cast<RankedTensorType>(x.getType());
    if (op.getType() != type) {
      report.missed(op, "rms_norm", "the result does not have the input's shape");
      return failure();
    }
    ops.insert(ops.begin(), op);
    ops.append(rms->ops);
    Value gamma, beta;
    Operation *root = absorbAffine(op.getResult(), type, rms->axis, gamma, beta, ops, false);
    rewriter.setInsertionPoint(root);
    Value scale = gamma ? trimParam(rewriter, gamma, type.getRank() - rms->axis)
                        : createConstant(rewriter, op.getLoc(),
                                         RankedTensorType::get({}, type.getElementType()), {1.0},
                                         "ones");
    auto norm = RMSNormOp::create(
        rewriter, fusedLocation(rewriter.getContext(), ops), type, ValueRange{x, scale},
        {rewriter.getNamedAttr("axis", rewriter.getI64IntegerAttr(rms->axis)),
         rewriter.getNamedAttr("epsilon", rewriter.getF64FloatAttr(rms->epsilon))});
    report.fused(norm, "rms_norm");
    rewriter.replaceOp(root, norm.getResult());
    return success();
  }
};

/// True if `v` is a constant whose every element equals `value`.
bool isConstantOf(Value v, double value) {
  auto c = getScalarConstant(v);
  return c && *c == value;
}

/// Reshape [N, C, S...] -> [N, G, R], layer_norm(axis 2) without affine (or
/// with unit scale and zero bias, as InstanceNormalization imports), Reshape
/// back to [N, C, S...], then Mul γ and Add β per channel.
struct GroupNormPattern : OpRewritePattern<LayerNormOp> {
  GroupNormPattern(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;

  LogicalResult matchAndRewrite(LayerNormOp op, PatternRewriter &rewriter) const override {
    auto in = op.getInput().getDefiningOp<ReshapeOp>();
    RankedTensorType nt = op.getType();
    if (!in || nt.getRank() != 3 || op.getAxis() != 2)
      return failure();
    auto xt = cast<RankedTensorType>(in.getInput().getType());
    if (xt.getRank() < 3 || xt.getDimSize(0) != nt.getDimSize(0))
      return failure();
    int64_t channels = xt.getDimSize(1), groups = nt.getDimSize(1);
    if (groups <= 0 || channels % groups != 0)
      return failure();
    auto miss = [&](const Twine &why) {
      report.missed(op, "group_norm", why);
      return failure();
    };
    if (!isConstantOf(op.getScale(), 1.0) || (op.getBias() && !isConstantOf(op.getBias(), 0.0)))
      return miss("the grouped layer norm has its own scale or bias");
    SmallVector<Operation *> ops{op, in};
    Value v = op.getResult();
    auto next = [&](Value value) -> Operation * {
      return value.hasOneUse() ? *value.getUsers().begin() : nullptr;
    };
    // The instance norm's unit scale and zero bias, if imported as ops.
    if (auto mul = dyn_cast_or_null<MulOp>(next(v)))
      if (isConstantOf(mul.getLhs() == v ? mul.getRhs() : mul.getLhs(), 1.0) &&
          mul.getType() == nt) {
        ops.push_back(mul);
        v = mul.getResult();
      }
    if (auto add = dyn_cast_or_null<AddOp>(next(v)))
      if (isConstantOf(add.getLhs() == v ? add.getRhs() : add.getLhs(), 0.0) &&
          add.getType() == nt) {
        ops.push_back(add);
        v = add.getResult();
      }
    auto out = dyn_cast_or_null<ReshapeOp>(next(v));
    if (!out || out.getType() != xt)
      return miss("the grouped result is not reshaped back to the input's shape");
    ops.push_back(out);
    v = out.getResult();
    // Per-channel γ and β: [C, 1...] (or [1, C, 1...]) constants or values.
    auto channelParam = [&](Value p) -> bool {
      auto pt = cast<RankedTensorType>(p.getType());
      if (pt.getNumElements() != channels || pt.getRank() > xt.getRank())
        return false;
      auto b = broadcastShapes(pt.getShape(), xt.getShape());
      if (!b || ArrayRef<int64_t>(*b) != xt.getShape())
        return false;
      // The channel axis of p aligned from the right must be axis 1 of x.
      int64_t offset = xt.getRank() - pt.getRank();
      return channels == 1 || (1 - offset >= 0 && pt.getDimSize(1 - offset) == channels);
    };
    Value gamma, beta;
    Operation *root = out;
    if (auto mul = dyn_cast_or_null<MulOp>(next(v))) {
      Value p = mul.getLhs() == v ? mul.getRhs() : mul.getLhs();
      if (mul.getType() == xt && channelParam(p)) {
        gamma = p;
        ops.push_back(mul);
        root = mul;
        v = mul.getResult();
      }
    }
    if (auto add = dyn_cast_or_null<AddOp>(next(v))) {
      Value p = add.getLhs() == v ? add.getRhs() : add.getLhs();
      if (add.getType() == xt && channelParam(p)) {
        beta = p;
        ops.push_back(add);
        root = add;
      }
    }
    rewriter.setInsertionPoint(root);
    Location loc = fusedLocation(rewriter.getContext(), ops);
    auto vecType = RankedTensorType::get({channels}, xt.getElementType());
    auto asVector = [&](Value p, double fill) -> Value {
      if (!p)
        return createConstant(rewriter, loc, vecType,
                              SmallVector<double>(channels, fill), fill ? "ones" : "zeros");
      return ReshapeOp::create(rewriter, loc, vecType, p);
    };
    auto norm = GroupNormOp::create(
        rewriter, loc, xt, ValueRange{in.getInput(), asVector(gamma, 1.0), asVector(beta, 0.0)},
        {rewriter.getNamedAttr("num_groups", rewriter.getI64IntegerAttr(groups)),
         rewriter.getNamedAttr("epsilon", op.getEpsilonAttr())});
    report.fused(norm, "group_norm", "groups=" + Twine(groups));
    rewriter.replaceOp(root, norm.getResult());
    return success();
  }
};

struct FuseNormalizationsPass : impl::FuseNormalizationsBase<FuseNormalizationsPass> {
  using FuseNormalizationsBase::FuseNormalizationsBase;
  void runOnOperation() override {
    FusionReporter reporter(report);
    RewritePatternSet patterns(&getContext());
    patterns.add<LayerNormPattern, LayerNormMulPattern, RMSNormPattern<DivOp>,
                 RMSNormPattern<MulOp>, GroupNormPattern>(&getContext(), reporter);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace tessel
