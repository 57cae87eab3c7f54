//===- FuseEpilogues.cpp - The tessel-fuse-epilogues pass -----------------===//
//
// Grows the epilogue of tessel.conv and tessel.linear: MatMul / Gemm become
// linear ops, then BatchNorm (FoldBatchNorm.cpp), bias Adds, a residual Add
// and the activation fold into the producer, one pattern per step. The
// greedy driver applies them until nothing changes, so the order in which an
// exporter wrote the chain does not matter.
//
//===----------------------------------------------------------------------===//
#include "passes/FuseEpilogues.h"
#include "passes/Passes.h"

#include "dialects/Tessel/ShapeHelpers.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FUSEEPILOGUES
#include "passes/Passes.h.inc"

Operation *openEpilogueProducer(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto conv = dyn_cast_or_null<ConvOp>(op))
    return !conv.getResidual() && conv.getActivation() == "none" ? op : nullptr;
  if (auto linear = dyn_cast_or_null<LinearOp>(op))
    return !linear.getResidual() && linear.getActivation() == "none" ? op : nullptr;
  return nullptr;
}

Operation *activationProducer(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto conv = dyn_cast_or_null<ConvOp>(op))
    return conv.getActivation() == "none" ? op : nullptr;
  if (auto linear = dyn_cast_or_null<LinearOp>(op))
    return linear.getActivation() == "none" ? op : nullptr;
  return nullptr;
}

Operation *rebuildWithEpilogue(PatternRewriter &rewriter, Operation *op, Location loc,
                               Value weight, Value bias, Value residual, StringRef activation,
                               ArrayRef<double> params) {
  SmallVector<Value> operands{op->getOperand(0), weight ? weight : op->getOperand(1),
                              bias ? bias : op->getOperand(2)};
  Value oldResidual = op->getNumOperands() > 3 ? op->getOperand(3) : Value();
  if (Value r = residual ? residual : oldResidual)
    operands.push_back(r);
  SmallVector<NamedAttribute> attrs(op->getAttrs());
  if (!activation.empty()) {
    llvm::erase_if(attrs, [](NamedAttribute a) {
      return a.getName() == "activation" || a.getName() == "activation_params";
    });
    attrs.push_back(rewriter.getNamedAttr("activation", rewriter.getStringAttr(activation)));
    if (!params.empty())
      attrs.push_back(
          rewriter.getNamedAttr("activation_params", rewriter.getDenseF64ArrayAttr(params)));
  }
  OperationState state(loc, op->getName(), operands, op->getResultTypes(), attrs);
  return rewriter.create(state);
}

namespace {

/// A zero [n] bias of `et`.
Value zeroBias(PatternRewriter &rewriter, Location loc, int64_t n, Type et) {
  return createConstant(rewriter, loc, RankedTensorType::get({n}, et),
                        SmallVector<double>(n, 0.0), "zero_bias");
}

/// MatMul(x [..., K], W [K, N]) -> linear with a zero bias.
struct MatMulToLinear : OpRewritePattern<MatMulOp> {
  MatMulToLinear(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    auto xt = cast<RankedTensorType>(op.getLhs().getType());
    auto wt = cast<RankedTensorType>(op.getRhs().getType());
    if (wt.getRank() != 2 || xt.getRank() < 2 || !isa<FloatType>(xt.getElementType()))
      return failure();
    if (wt.isDynamicDim(1)) {
      // The zero bias would need a run-time size.
      report.missed(op, "linear", "the weight's output dimension is dynamic (?)");
      return failure();
    }
    Value bias = zeroBias(rewriter, op.getLoc(), wt.getDimSize(1), xt.getElementType());
    auto linear = LinearOp::create(rewriter, op.getLoc(), op.getType(),
                                   ValueRange{op.getLhs(), op.getRhs(), bias},
                                   ArrayRef<NamedAttribute>{});
    report.fused(linear, "linear", "MatMul");
    rewriter.replaceOp(op, linear.getResult());
    return success();
  }
};

/// Gemm(A, B, C) with alpha = beta = 1 and no transA -> linear; C of shape
/// [N] or [1, N] is the bias, C of the result's shape the residual.
struct GemmToLinear : OpRewritePattern<GemmOp> {
  GemmToLinear(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(GemmOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    // (M may be a dynamic batch; N and C are static.)
    if (!isa<FloatType>(type.getElementType()) || type.isDynamicDim(1) ||
        (op.getC() && !cast<RankedTensorType>(op.getC().getType()).hasStaticShape()))
      return failure();
    if (op.getTransA() || op.getAlpha().convertToDouble() != 1.0 ||
        (op.getC() && op.getBeta().convertToDouble() != 1.0)) {
      report.missed(op, "linear", "Gemm with transA, alpha != 1 or beta != 1");
      return failure();
    }
    int64_t n = type.getDimSize(1);
    Value bias, residual;
    if (Value c = op.getC()) {
      auto ct = cast<RankedTensorType>(c.getType());
      if (ct.getNumElements() == n && ct.getShape().back() == n && n != 1)
        bias = ct.getRank() == 1
                   ? c
                   : ReshapeOp::create(rewriter, op.getLoc(),
                                       RankedTensorType::get({n}, type.getElementType()), c)
                         .getResult();
      else if (ct == type)
        residual = c;
      else {
        report.missed(op, "linear", "Gemm's C is neither a [N] bias nor of the result's shape");
        return failure();
      }
    }
    if (!bias)
      bias = zeroBias(rewriter, op.getLoc(), n, type.getElementType());
    SmallVector<Value> operands{op.getA(), op.getB(), bias};
    if (residual)
      operands.push_back(residual);
    auto linear = LinearOp::create(
        rewriter, op.getLoc(), type, operands,
        {rewriter.getNamedAttr("transpose_weight", rewriter.getBoolAttr(op.getTransB()))});
    report.fused(linear, "linear", "Gemm");
    rewriter.replaceOp(op, linear.getResult());
    return success();
  }
};

/// The per-channel values of `c` if it is a constant that only varies along
/// `axis` of `type` (and broadcasts to it); [channels] values.
std::optional<std::vector<double>> channelConstant(Value c, RankedTensorType type, int64_t axis) {
  auto ct = cast<RankedTensorType>(c.getType());
  auto b = broadcastShapes(ct.getShape(), type.getShape());
  if (!b || ArrayRef<int64_t>(*b) != type.getShape() || ct.getElementType() != type.getElementType())
    return std::nullopt;
  int64_t offset = type.getRank() - ct.getRank();
  for (int64_t i = 0; i < ct.getRank(); ++i)
    if (i + offset != axis && ct.getDimSize(i) != 1)
      return std::nullopt;
  auto values = getConstantValues(c);
  if (!values)
    return std::nullopt;
  int64_t channels = type.getDimSize(axis);
  if ((int64_t)values->size() == channels)
    return values;
  if (values->size() == 1)
    return std::vector<double>(channels, values->front());
  return std::nullopt;
}

/// True if `v` is computed from `source` within a few ops.
bool dependsOn(Value v, Value source, int depth = 4) {
  if (v == source)
    return true;
  Operation *op = v.getDefiningOp();
  if (!op || depth == 0)
    return false;
  return llvm::any_of(op->getOperands(),
                      [&](Value o) { return dependsOn(o, source, depth - 1); });
}

/// Add(conv / linear, constant per output channel) -> bias += constant; else
/// Add(conv / linear, tensor of the result's type) -> residual.
struct FuseAdd : OpRewritePattern<AddOp> {
  FuseAdd(MLIRContext *ctx, FusionReporter &report) : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(AddOp add, PatternRewriter &rewriter) const override {
    RankedTensorType type = add.getType();
    std::string why;
    for (auto [mine, other] : {std::pair(add.getLhs(), add.getRhs()),
                               std::pair(add.getRhs(), add.getLhs())}) {
      Operation *producer = openEpilogueProducer(mine);
      if (!producer)
        continue;
      if (!mine.hasOneUse()) {
        // An Add inside an expression of the result itself (GELU's y + c·y³)
        // is no residual candidate: not worth a near miss.
        if (!dependsOn(other, mine))
          why = "the conv/linear result has another user";
        continue;
      }
      int64_t channelAxis = isa<ConvOp>(producer) ? 1 : type.getRank() - 1;
      auto producerType = cast<RankedTensorType>(mine.getType());
      if (producerType == type) {
        auto oldBias = getConstantValues(producer->getOperand(2));
        auto extra = channelConstant(other, type, channelAxis);
        if (oldBias && extra) {
          for (size_t i = 0; i < oldBias->size(); ++i)
            (*oldBias)[i] += (*extra)[i];
          rewriter.setInsertionPoint(add);
          Value bias = createConstant(rewriter, other.getLoc(),
                                      cast<RankedTensorType>(producer->getOperand(2).getType()),
                                      *oldBias, "fused_bias");
          Operation *fused = rebuildWithEpilogue(
              rewriter, producer, fusedLocation(getContext(), {producer, add}), Value(), bias,
              Value());
          report.fused(fused, "bias");
          rewriter.replaceOp(add, fused->getResult(0));
          return success();
        }
        if (other.getType() == type) {
          rewriter.setInsertionPoint(add);
          Operation *fused = rebuildWithEpilogue(
              rewriter, producer, fusedLocation(getContext(), {producer, add}), Value(), Value(),
              other);
          report.fused(fused, "residual");
          rewriter.replaceOp(add, fused->getResult(0));
          return success();
        }
      }
      why = "the added tensor is neither a per-channel constant nor of the result's shape (a "
            "broadcasting Add)";
    }
    // Reported only when neither operand could take the Add.
    if (!why.empty())
      report.missed(add, "epilogue", why);
    return failure();
  }
};

/// Replaces `root` by `producer` with `activation`, when `producer`'s result
/// feeds only ops in `chain` (the activation's own ops).
LogicalResult fuseActivation(PatternRewriter &rewriter, FusionReporter &report, Operation *root,
                             Operation *producer, ArrayRef<Operation *> chain,
                             StringRef activation, ArrayRef<double> params = {}) {
  for (Operation *user : producer->getResult(0).getUsers())
    if (!llvm::is_contained(chain, user)) {
      report.missed(root, "activation", "the conv/linear result has another user");
      return failure();
    }
  SmallVector<Operation *> ops{producer};
  ops.append(chain.begin(), chain.end());
  rewriter.setInsertionPoint(root);
  Operation *fused = rebuildWithEpilogue(rewriter, producer,
                                         fusedLocation(rewriter.getContext(), ops), Value(),
                                         Value(), Value(), activation, params);
  report.fused(fused, "activation", activation);
  rewriter.replaceOp(root, fused->getResult(0));
  return success();
}

/// F.relu6 exports as Relu then Clip(0, 6): a Clip after a ReLU epilogue
/// replaces it by clip(max(lo, 0), hi).
LogicalResult fuseClipAfterRelu(ClipOp clip, PatternRewriter &rewriter, FusionReporter &report) {
  Operation *producer = clip.getInput().getDefiningOp();
  if (!isa_and_nonnull<ConvOp, LinearOp>(producer) ||
      producer->getAttrOfType<StringAttr>("activation").getValue() != "relu" ||
      !clip.getInput().hasOneUse())
    return failure();
  double lo = std::max(clip.getMin() ? clip.getMin()->convertToDouble() : 0.0, 0.0);
  double hi = clip.getMax() ? clip.getMax()->convertToDouble() : INFINITY;
  rewriter.setInsertionPoint(clip);
  Operation *fused = rebuildWithEpilogue(rewriter, producer,
                                         fusedLocation(rewriter.getContext(), {producer, clip}),
                                         Value(), Value(), Value(), "clip", {lo, hi});
  report.fused(fused, "activation", "clip");
  rewriter.replaceOp(clip, fused->getResult(0));
  return success();
}

/// Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish of a conv /
/// linear.
struct FuseUnaryActivation : RewritePattern {
  FuseUnaryActivation(MLIRContext *ctx, FusionReporter &report)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isa<ReluOp, ClipOp, LeakyReluOp, SigmoidOp, TanhOp, HardSigmoidOp, HardSwishOp>(op))
      return failure();
    if (auto clip = dyn_cast<ClipOp>(op))
      if (succeeded(fuseClipAfterRelu(clip, rewriter, report)))
        return success();
    Operation *producer = activationProducer(op->getOperand(0));
    if (!producer)
      return failure();
    if (isa<SigmoidOp, HardSigmoidOp>(op)) {
      // x * sigmoid(x) is SiLU, x * hard_sigmoid(x) HardSwish: FuseSilu and
      // FuseHardSwish take those.
      for (Operation *user : op->getResult(0).getUsers())
        if (isa<MulOp>(user) && llvm::is_contained(user->getOperands(), op->getOperand(0)))
          return failure();
    }
    if (auto clip = dyn_cast<ClipOp>(op)) {
      double lo = clip.getMin() ? clip.getMin()->convertToDouble() : -INFINITY;
      double hi = clip.getMax() ? clip.getMax()->convertToDouble() : INFINITY;
      if (lo == 0 && hi == INFINITY)
        return fuseActivation(rewriter, report, op, producer, {op}, "relu");
      return fuseActivation(rewriter, report, op, producer, {op}, "clip", {lo, hi});
    }
    if (auto leaky = dyn_cast<LeakyReluOp>(op))
      return fuseActivation(rewriter, report, op, producer, {op}, "leaky_relu",
                            {leaky.getAlpha().convertToDouble()});
    if (auto hs = dyn_cast<HardSigmoidOp>(op))
      return fuseActivation(rewriter, report, op, producer, {op}, "hard_sigmoid",
                            {hs.getAlpha().convertToDouble(), hs.getBeta().convertToDouble()});
    StringRef name = isa<ReluOp>(op)        ? "relu"
                     : isa<SigmoidOp>(op)   ? "sigmoid"
                     : isa<TanhOp>(op)      ? "tanh"
                                            : "hard_swish";
    return fuseActivation(rewriter, report, op, producer, {op}, name);
  }
};

/// SiLU written as Mul(y, Sigmoid(y)).
struct FuseSilu : OpRewritePattern<MulOp> {
  FuseSilu(MLIRContext *ctx, FusionReporter &report) : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(MulOp mul, PatternRewriter &rewriter) const override {
    for (auto [y, s] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())}) {
      auto sigmoid = s.getDefiningOp<SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != y)
        continue;
      Operation *producer = activationProducer(y);
      if (!producer)
        return failure();
      return fuseActivation(rewriter, report, mul, producer, {sigmoid, mul}, "silu");
    }
    return failure();
  }
};

bool isConstantNear(Value v, double expected, double tolerance = 1e-4) {
  auto c = getScalarConstant(v);
  return c && std::abs(*c - expected) <= tolerance;
}

/// 1 + erf(y / √2) (or y · 1/√2); returns y.
Value matchOnePlusErf(Value a, SmallVector<Operation *> &ops) {
  Value y;
  eitherOrder(a.getDefiningOp<AddOp>(), [&](Value e, Value one) {
    auto erf = e.getDefiningOp<ErfOp>();
    if (!erf || !isConstantNear(one, 1.0, 0))
      return false;
    Operation *scale = erf.getInput().getDefiningOp();
    if (auto div = dyn_cast_or_null<DivOp>(scale)) {
      if (isConstantNear(div.getRhs(), M_SQRT2))
        y = div.getLhs();
    } else {
      eitherOrder(dyn_cast_or_null<MulOp>(scale), [&](Value v, Value k) {
        if (isConstantNear(k, M_SQRT1_2))
          y = v;
        return bool(y);
      });
    }
    if (y)
      ops.append({scale, erf, a.getDefiningOp()});
    return bool(y);
  });
  return y;
}

/// y³ as Pow(y, 3), Mul(y, Mul(y, y)) or Mul(Mul(y, y), y); returns y.
Value matchCube(Value v, SmallVector<Operation *> &ops) {
  if (auto pow = v.getDefiningOp<PowOp>()) {
    if (!isConstantNear(pow.getRhs(), 3.0, 0))
      return Value();
    ops.push_back(pow);
    return pow.getLhs();
  }
  Value y;
  eitherOrder(v.getDefiningOp<MulOp>(), [&](Value a, Value sq) {
    auto square = sq.getDefiningOp<MulOp>();
    if (!square || square.getLhs() != a || square.getRhs() != a)
      return false;
    ops.append({square, v.getDefiningOp()});
    y = a;
    return true;
  });
  return y;
}

/// 1 + tanh(√(2/π) · (y + 0.044715 · y³)); returns y.
Value matchOnePlusTanh(Value a, SmallVector<Operation *> &ops) {
  Value y;
  eitherOrder(a.getDefiningOp<AddOp>(), [&](Value t, Value one) {
    auto tanh = t.getDefiningOp<TanhOp>();
    if (!tanh || !isConstantNear(one, 1.0, 0))
      return false;
    return eitherOrder(tanh.getInput().getDefiningOp<MulOp>(), [&](Value u, Value k) {
      if (!isConstantNear(k, std::sqrt(2.0 / M_PI)))
        return false;
      return eitherOrder(u.getDefiningOp<AddOp>(), [&](Value x, Value scaledCube) {
        return eitherOrder(scaledCube.getDefiningOp<MulOp>(), [&](Value cube, Value c) {
          SmallVector<Operation *> cubeOps;
          if (!isConstantNear(c, 0.044715, 1e-6) || matchCube(cube, cubeOps) != x)
            return false;
          ops.append(cubeOps);
          ops.append({scaledCube.getDefiningOp(), u.getDefiningOp(),
                      tanh.getInput().getDefiningOp(), tanh, a.getDefiningOp()});
          y = x;
          return true;
        });
      });
    });
  });
  return y;
}

/// GELU, y·(1 + erf(y/√2))·0.5 or its tanh approximation, in either
/// association: Mul(Mul(y, A), 0.5) or Mul(Mul(y, 0.5), A).
struct FuseGelu : OpRewritePattern<MulOp> {
  FuseGelu(MLIRContext *ctx, FusionReporter &report) : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;

  LogicalResult matchAndRewrite(MulOp outer, PatternRewriter &rewriter) const override {
    SmallVector<Operation *> ops;
    Value y;
    StringRef activation;
    // A is 1 + erf(...) or 1 + tanh(...); `expectY` is the y it must be built from.
    auto matchA = [&](Value a, Value expectY) {
      SmallVector<Operation *> inner;
      for (auto [fn, name] : {std::pair(&matchOnePlusErf, "gelu_erf"),
                              std::pair(&matchOnePlusTanh, "gelu_tanh")}) {
        inner.clear();
        if (fn(a, inner) == expectY) {
          ops.append(inner);
          activation = name;
          return true;
        }
      }
      return false;
    };
    bool matched = eitherOrder(outer, [&](Value inner, Value other) {
      return eitherOrder(inner.getDefiningOp<MulOp>(), [&](Value a, Value b) {
        if (isConstantNear(other, 0.5, 0) && matchA(b, a))
          y = a; // Mul(Mul(y, A), 0.5)
        else if (isConstantNear(b, 0.5, 0) && matchA(other, a))
          y = a; // Mul(Mul(y, 0.5), A)
        if (y)
          ops.push_back(inner.getDefiningOp());
        return bool(y);
      });
    });
    if (!matched)
      return failure();
    Operation *producer = activationProducer(y);
    if (!producer)
      return failure();
    ops.push_back(outer);
    return fuseActivation(rewriter, report, outer, producer, ops, activation);
  }
};

/// HardSwish as PyTorch exports it before opset 14: Mul(y, HardSigmoid(y)) with
/// alpha 1/6 and beta 1/2.
struct FuseHardSwish : OpRewritePattern<MulOp> {
  FuseHardSwish(MLIRContext *ctx, FusionReporter &report)
      : OpRewritePattern(ctx), report(report) {}
  FusionReporter &report;
  LogicalResult matchAndRewrite(MulOp mul, PatternRewriter &rewriter) const override {
    HardSigmoidOp gate;
    Value y;
    eitherOrder(mul, [&](Value a, Value b) {
      auto hs = b.getDefiningOp<HardSigmoidOp>();
      if (!hs || hs.getInput() != a || std::abs(hs.getAlpha().convertToDouble() - 1.0 / 6) > 1e-6 ||
          hs.getBeta().convertToDouble() != 0.5)
        return false;
      gate = hs;
      y = a;
      return true;
    });
    Operation *producer = y ? activationProducer(y) : nullptr;
    if (!producer)
      return failure();
    return fuseActivation(rewriter, report, mul, producer, {gate, mul}, "hard_swish");
  }
};

struct FuseEpiloguesPass : impl::FuseEpiloguesBase<FuseEpiloguesPass> {
  using FuseEpiloguesBase::FuseEpiloguesBase;
  void runOnOperation() override {
    FusionReporter reporter(report);
    RewritePatternSet patterns(&getContext());
    patterns.add<MatMulToLinear, GemmToLinear, FuseAdd, FuseUnaryActivation, FuseSilu, FuseGelu,
                 FuseHardSwish>(&getContext(), reporter);
    populateFoldBatchNormPatterns(patterns, reporter);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace tessel
