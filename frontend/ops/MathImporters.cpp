//===- MathImporters.cpp - Elementwise, matmul, softmax, reductions -------===//
#include "frontend/OpRegistry.h"

#include "dialects/Tessel/ShapeHelpers.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace mlir;

namespace tessel {
namespace {

/// Before opset 7, binary ops broadcast only with `broadcast=1`, aligning the
/// second operand's dims at `axis` of the first. Returns the rhs reshaped to
/// NumPy-broadcastable form.
FailureOr<Value> legacyBroadcastRhs(NodeImporter &n, Value lhs, Value rhs) {
  if (n.opset() >= 7 || n.intAttr("broadcast", 0) == 0)
    return rhs;
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  int64_t axis = n.intAttr("axis", lt.getRank() - rt.getRank());
  if (axis < 0 || axis + rt.getRank() > lt.getRank())
    return n.error("legacy broadcast axis " + Twine(axis) + " does not fit");
  SmallVector<int64_t> shape(axis, 1);
  shape.append(rt.getShape().begin(), rt.getShape().end());
  shape.resize(lt.getRank(), 1);
  return n.reshape(rhs, shape);
}

template <typename OpTy>
LogicalResult importBinary(NodeImporter &n) {
  auto rhs = legacyBroadcastRhs(n, n.input(0), n.input(1));
  if (failed(rhs))
    return failure();
  auto r = n.create<OpTy>(ValueRange{n.input(0), *rhs});
  return n.setResult(r);
}

/// Folds the inputs of a variadic node (Max, Min, Sum, Mean) pairwise.
template <typename OpTy>
FailureOr<Value> foldInputsPairwise(NodeImporter &n) {
  if (n.numInputs() < 1)
    return n.error("needs at least one input");
  Value acc = n.input(0);
  for (int i = 1; i < n.numInputs(); ++i) {
    auto r = n.create<OpTy>(ValueRange{acc, n.input(i)});
    if (failed(r))
      return failure();
    acc = *r;
  }
  return acc;
}

template <typename OpTy>
LogicalResult importVariadic(NodeImporter &n) {
  auto r = foldInputsPairwise<OpTy>(n);
  return n.setResult(r);
}

LogicalResult importMean(NodeImporter &n) {
  auto sum = foldInputsPairwise<AddOp>(n);
  if (failed(sum))
    return failure();
  Type element = cast<RankedTensorType>(sum->getType()).getElementType();
  auto r = n.create<DivOp>(ValueRange{*sum, n.scalarConstant(element, n.numInputs())});
  return n.setResult(r);
}

template <typename OpTy>
LogicalResult importUnary(NodeImporter &n) {
  auto r = n.create<OpTy>(ValueRange{n.input(0)});
  return n.setResult(r);
}

LogicalResult importLeakyRelu(NodeImporter &n) {
  auto r = n.createWithType<LeakyReluOp>(
      n.inputType(0), ValueRange{n.input(0)},
      {n.named("alpha", n.builder().getF64FloatAttr(n.floatAttr("alpha", 0.01)))});
  return n.setResult(r);
}

LogicalResult importClip(NodeImporter &n) {
  auto &b = n.builder();
  if (n.opset() < 11) {
    SmallVector<NamedAttribute> attrs;
    for (const char *name : {"min", "max"})
      if (n.hasAttr(name))
        attrs.push_back(n.named(name, b.getF64FloatAttr(n.floatAttr(name, 0))));
    auto r = n.createWithType<ClipOp>(n.inputType(0), ValueRange{n.input(0)}, attrs);
    return n.setResult(r);
  }
  // From opset 11 the bounds are optional inputs: constant bounds become
  // attributes; bounds known only at run time become max/min with a scalar.
  const TensorData *lo = n.hasInput(1) ? n.constantInput(1) : nullptr;
  const TensorData *hi = n.hasInput(2) ? n.constantInput(2) : nullptr;
  bool runtimeBound = (n.hasInput(1) && !lo) || (n.hasInput(2) && !hi);
  for (int i : {1, 2})
    if (n.hasInput(i) && n.inputType(i).getNumElements() != 1)
      return n.error(Twine(i == 1 ? "min" : "max") + " must be a scalar");
  if (!runtimeBound) {
    SmallVector<NamedAttribute> attrs;
    if (lo)
      attrs.push_back(n.named("min", b.getF64FloatAttr(lo->asDouble()[0])));
    if (hi)
      attrs.push_back(n.named("max", b.getF64FloatAttr(hi->asDouble()[0])));
    auto r = n.createWithType<ClipOp>(n.inputType(0), ValueRange{n.input(0)}, attrs);
    return n.setResult(r);
  }
  Value v = n.input(0);
  if (n.hasInput(1)) {
    auto r = n.create<MaxOp>(ValueRange{v, n.input(1)});
    if (failed(r))
      return failure();
    v = *r;
  }
  if (n.hasInput(2)) {
    auto r = n.create<MinOp>(ValueRange{v, n.input(2)});
    if (failed(r))
      return failure();
    v = *r;
  }
  n.setOutput(0, v);
  return success();
}

LogicalResult importMatMul(NodeImporter &n) { return importBinary<MatMulOp>(n); }

LogicalResult importGemm(NodeImporter &n) {
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  else if (n.opset() < 11)
    return n.error("input C is required before opset 11");
  auto &b = n.builder();
  auto r = n.create<GemmOp>(operands,
                            {n.named("trans_a", b.getBoolAttr(n.intAttr("transA", 0))),
                             n.named("trans_b", b.getBoolAttr(n.intAttr("transB", 0))),
                             n.named("alpha", b.getF64FloatAttr(n.floatAttr("alpha", 1.0))),
                             n.named("beta", b.getF64FloatAttr(n.floatAttr("beta", 1.0)))});
  return n.setResult(r);
}

/// Softmax/LogSoftmax: from opset 13 along one axis (default -1); before, the
/// input is coerced to 2-D at `axis` (default 1) and normalized along dim 1.
template <typename OpTy>
LogicalResult importSoftmax(NodeImporter &n) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  auto axis = n.normalizeAxis(n.intAttr("axis", n.opset() >= 13 ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  auto axisAttr = [&](int64_t a) { return n.named("axis", n.builder().getI64IntegerAttr(a)); };
  if (n.opset() >= 13 || *axis == rank - 1) {
    auto r = n.createWithType<OpTy>(type, ValueRange{n.input(0)}, {axisAttr(*axis)});
    return n.setResult(r);
  }
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? outer : inner) *= type.getDimSize(i);
  auto flat = n.reshape(n.input(0), {outer, inner});
  if (failed(flat))
    return failure();
  auto r = n.createWithType<OpTy>(cast<RankedTensorType>(flat->getType()), ValueRange{*flat},
                                  {axisAttr(1)});
  if (failed(r))
    return failure();
  auto back = n.reshape(*r, type.getShape());
  return n.setResult(back);
}

/// ReduceSum over axes read at run time: a reduction keeping the axes, and
/// a squeeze of them without keepdims.
LogicalResult importRunTimeReduceSum(NodeImporter &n) {
  auto type = n.inputType(0);
  RankedTensorType axesType = n.inputType(1);
  if (axesType.getRank() != 1 || !axesType.getElementType().isInteger(64))
    return n.error("axes must be a 1-D int64 tensor, has " + formatShape(axesType.getShape()));
  int64_t count = axesType.getDimSize(0), rank = type.getRank();
  if (count > rank)
    return n.error("axes has " + Twine(count) + " entries for rank " + Twine(rank));
  auto kept = RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                    type.getElementType());
  auto sum = n.createWithType<ComputedReduceSumOp>(kept, ValueRange{n.input(0), n.input(1)});
  if (failed(sum) || n.intAttr("keepdims", 1))
    return n.setResult(sum);
  auto dropped = RankedTensorType::get(SmallVector<int64_t>(rank - count, ShapedType::kDynamic),
                                       type.getElementType());
  return n.setResult(n.createWithType<ComputedSqueezeOp>(dropped, ValueRange{*sum, n.input(1)}));
}

/// Reduce*: axes come from an attribute, or (ReduceSum from opset 13) from a
/// constant second input; empty axes reduce everything unless
/// noop_with_empty_axes is set.
template <typename OpTy>
LogicalResult importReduce(NodeImporter &n) {
  auto type = n.inputType(0);
  SmallVector<int64_t> axes;
  bool axesFromInput = n.node().op_type() == "ReduceSum" && n.opset() >= 13;
  // Axes read at run time (a graph input): how many is static, which is not.
  // None: decided now, as for constant axes.
  bool noAxes = n.hasInput(1) && n.inputType(1).hasStaticShape() &&
                n.inputType(1).getNumElements() == 0;
  if (axesFromInput && n.hasInput(1) && !noAxes && n.computedFromRunTimeSizes({1}))
    return importRunTimeReduceSum(n);
  if (axesFromInput) {
    // (No axes: whatever the input's data, there are none.)
    if (n.hasInput(1) && !noAxes) {
      auto c = n.requireConstantInput(1, "axes");
      if (failed(c))
        return failure();
      for (int64_t a : (*c)->asInt64())
        axes.push_back(a);
    }
  } else {
    axes = n.intsAttr("axes");
  }
  if (axes.empty()) {
    if (n.intAttr("noop_with_empty_axes", 0)) {
      n.setOutput(0, n.input(0));
      return success();
    }
    for (int64_t i = 0; i < type.getRank(); ++i)
      axes.push_back(i);
  }
  for (int64_t &a : axes) {
    auto norm = n.normalizeAxis(a, type.getRank());
    if (failed(norm))
      return failure();
    a = *norm;
  }
  llvm::sort(axes);
  auto r = n.create<OpTy>(ValueRange{n.input(0)},
                          {n.namedI64s("axes", axes),
                           n.named("keepdims", n.builder().getBoolAttr(n.intAttr("keepdims", 1)))});
  return n.setResult(r);
}

LogicalResult importMod(NodeImporter &n) {
  auto r = n.create<ModOp>(ValueRange{n.input(0), n.input(1)},
                           {n.named("fmod", n.builder().getBoolAttr(n.intAttr("fmod", 0)))});
  return n.setResult(r);
}

LogicalResult importWhere(NodeImporter &n) {
  auto r = n.create<SelectOp>(ValueRange{n.input(0), n.input(1), n.input(2)});
  return n.setResult(r);
}

/// Activations whose ONNX attributes map one to one onto F64 attributes.
template <typename OpTy>
LogicalResult importParamUnary(NodeImporter &n,
                               std::initializer_list<std::pair<const char *, double>> params) {
  SmallVector<NamedAttribute> attrs;
  for (auto [name, dflt] : params)
    attrs.push_back(n.named(name, n.builder().getF64FloatAttr(n.floatAttr(name, dflt))));
  auto r = n.createWithType<OpTy>(n.inputType(0), ValueRange{n.input(0)}, attrs);
  return n.setResult(r);
}

LogicalResult importElu(NodeImporter &n) { return importParamUnary<EluOp>(n, {{"alpha", 1.0}}); }
LogicalResult importCelu(NodeImporter &n) { return importParamUnary<CeluOp>(n, {{"alpha", 1.0}}); }
LogicalResult importSelu(NodeImporter &n) {
  return importParamUnary<SeluOp>(
      n, {{"alpha", 1.67326319217681884765625}, {"gamma", 1.05070102214813232421875}});
}
LogicalResult importHardSigmoid(NodeImporter &n) {
  return importParamUnary<HardSigmoidOp>(n, {{"alpha", 0.2}, {"beta", 0.5}});
}
LogicalResult importThresholdedRelu(NodeImporter &n) {
  return importParamUnary<ThresholdedReluOp>(n, {{"alpha", 1.0}});
}
LogicalResult importShrink(NodeImporter &n) {
  return importParamUnary<ShrinkOp>(n, {{"lambd", 0.5}, {"bias", 0.0}});
}

template <typename OpTy>
LogicalResult importFloatPredicate(NodeImporter &n) {
  auto type = n.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return n.error("input must be a floating-point tensor");
  SmallVector<NamedAttribute> attrs;
  if constexpr (std::is_same_v<OpTy, IsInfOp>) {
    attrs.push_back(n.named("detect_negative",
                            n.builder().getBoolAttr(n.intAttr("detect_negative", 1))));
    attrs.push_back(n.named("detect_positive",
                            n.builder().getBoolAttr(n.intAttr("detect_positive", 1))));
  }
  auto r = n.createWithType<OpTy>(
      RankedTensorType::get(type.getShape(), n.builder().getI1Type()), ValueRange{n.input(0)},
      attrs);
  return n.setResult(r);
}

/// Cast (to: an ONNX element type) and CastLike (the type of input 1).
LogicalResult importCast(NodeImporter &n) {
  Type element;
  if (n.node().op_type() == "CastLike") {
    element = n.inputType(1).getElementType();
  } else {
    int64_t to = n.intAttr("to", 0);
    element = onnxElementType(n.context(), (int32_t)to);
    if (!element)
      return n.error(Twine("casting to ") + onnxTypeName((int32_t)to) + " is not supported");
  }
  auto r = n.createWithType<CastOp>(RankedTensorType::get(n.inputType(0).getShape(), element),
                                    ValueRange{n.input(0)});
  return n.setResult(r);
}

template <typename OpTy>
LogicalResult importArg(NodeImporter &n) {
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  auto &b = n.builder();
  auto r = n.create<OpTy>(
      ValueRange{n.input(0)},
      {n.named("axis", b.getI64IntegerAttr(*axis)),
       n.named("keepdims", b.getBoolAttr(n.intAttr("keepdims", 1))),
       n.named("select_last_index", b.getBoolAttr(n.intAttr("select_last_index", 0)))});
  return n.setResult(r);
}

LogicalResult importCumSum(NodeImporter &n) {
  auto &b = n.builder();
  if (n.computedFromRunTimeSizes({1})) {
    // An axis read at run time (a graph input), as an int64 scalar.
    RankedTensorType axisType = n.inputType(1);
    if (axisType.getNumElements() != 1 || !isa<IntegerType>(axisType.getElementType()))
      return n.error("axis must be an integer scalar");
    if (n.inputType(0).getRank() == 0)
      return n.error("needs an input of rank at least 1");
    auto axis = n.reshape(n.input(1), {});
    if (succeeded(axis) && !axisType.getElementType().isInteger(64))
      axis = n.createWithType<CastOp>(RankedTensorType::get({}, b.getI64Type()), ValueRange{*axis});
    if (failed(axis))
      return failure();
    return n.setResult(n.createWithType<ComputedCumSumOp>(
        n.inputType(0), ValueRange{n.input(0), *axis},
        {n.named("exclusive", b.getBoolAttr(n.intAttr("exclusive", 0))),
         n.named("reverse", b.getBoolAttr(n.intAttr("reverse", 0)))}));
  }
  auto axisData = n.requireConstantInput(1, "axis");
  if (failed(axisData))
    return failure();
  if ((*axisData)->numElements() != 1)
    return n.error("axis must be a scalar");
  auto axis = n.normalizeAxis((*axisData)->asInt64()[0], n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  auto r = n.createWithType<CumSumOp>(
      n.inputType(0), ValueRange{n.input(0)},
      {n.named("axis", b.getI64IntegerAttr(*axis)),
       n.named("exclusive", b.getBoolAttr(n.intAttr("exclusive", 0))),
       n.named("reverse", b.getBoolAttr(n.intAttr("reverse", 0)))});
  return n.setResult(r);
}

/// Einsum: rewrites ONNX's equation (implicit output, ellipses) into the
/// explicit, ellipsis-free form tessel.einsum takes, and infers the result.
LogicalResult importEinsum(NodeImporter &n) {
  std::string eq;
  for (char c : n.stringAttr("equation", ""))
    if (c != ' ')
      eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::optional<std::string> out;
  if (arrow != std::string::npos)
    out = eq.substr(arrow + 2);
  SmallVector<StringRef> terms;
  StringRef(lhs).split(terms, ',');
  if ((int)terms.size() != n.numInputs())
    return n.error("equation '" + eq + "' has " + Twine(terms.size()) + " terms for " +
                   Twine(n.numInputs()) + " inputs");
  // A term is letters with at most one ellipsis; anything else (from a
  // corrupt or hostile model) is an error before any index arithmetic.
  auto validTerm = [](StringRef term) {
    size_t pos = term.find("...");
    std::string letters =
        pos == StringRef::npos ? term.str() : (term.substr(0, pos) + term.substr(pos + 3)).str();
    return llvm::all_of(letters, [](char c) { return llvm::isAlpha(c); });
  };
  for (int i = 0; i < n.numInputs(); ++i)
    if (!n.input(i))
      return n.error("input " + Twine(i) + " is missing (empty name)");
  for (StringRef term : terms)
    if (!validTerm(term))
      return n.error("equation '" + eq + "' has an invalid term '" + term + "'");
  if (out && !validTerm(*out))
    return n.error("equation '" + eq + "' has an invalid output '" + *out + "'");
  // Ellipsis dims become capital letters, right-aligned across operands.
  int64_t ellipsisRank = 0;
  for (auto [i, term] : llvm::enumerate(terms)) {
    if (!term.contains("..."))
      continue;
    int64_t dims = n.inputType(i).getRank() - (int64_t)(term.size() - 3);
    if (dims < 0)
      return n.error("term '" + term + "' has more subscripts than input " + Twine(i) +
                     " has dimensions");
    ellipsisRank = std::max<int64_t>(ellipsisRank, dims);
  }
  if (ellipsisRank > 26)
    return n.error("too many ellipsis dimensions");
  std::string ellipsisLetters;
  for (int64_t i = 0; i < ellipsisRank; ++i)
    ellipsisLetters += (char)('A' + i);
  auto expand = [&](StringRef term, int64_t rank) -> std::string {
    size_t pos = term.find("...");
    if (pos == StringRef::npos)
      return term.str();
    int64_t dims = rank - (int64_t)(term.size() - 3);
    return term.substr(0, pos).str() + ellipsisLetters.substr(ellipsisRank - dims) +
           term.substr(pos + 3).str();
  };
  std::vector<std::string> explicitTerms;
  std::map<char, int64_t> counts, sizes;
  for (auto [i, term] : llvm::enumerate(terms)) {
    auto type = n.inputType(i);
    std::string t = expand(term, type.getRank());
    if ((int64_t)t.size() != type.getRank())
      return n.error("term '" + term + "' does not match input " + Twine(i) + " of rank " +
                     Twine(type.getRank()));
    for (auto [k, c] : llvm::enumerate(t)) {
      ++counts[c];
      int64_t d = type.getDimSize(k);
      auto [it, inserted] = sizes.try_emplace(c, d);
      if (!inserted && (it->second == 1 || (ShapedType::isDynamic(it->second) && d != 1)))
        it->second = d; // A static size wins over a dynamic one (checked at run time).
      else if (!inserted && d != 1 && !dimsCompatible(it->second, d))
        return n.error(Twine("subscript '") + Twine(c) + "' has sizes " + Twine(it->second) +
                       " and " + Twine(d));
    }
    explicitTerms.push_back(t);
  }
  std::string output;
  if (out) {
    output = out->find("...") == std::string::npos
                 ? *out
                 : out->substr(0, out->find("...")) + ellipsisLetters +
                       out->substr(out->find("...") + 3);
  } else {
    output = ellipsisLetters;
    for (auto [c, count] : counts)
      if (count == 1 && !isupper(c))
        output += c;
  }
  SmallVector<int64_t> shape;
  for (char c : output) {
    if (!sizes.count(c))
      return n.error(Twine("output subscript '") + Twine(c) + "' appears in no input");
    shape.push_back(sizes[c]);
  }
  std::string equation = llvm::join(explicitTerms, ",") + "->" + output;
  SmallVector<Value> inputs;
  for (int i = 0; i < n.numInputs(); ++i)
    inputs.push_back(n.input(i));
  auto r = n.createWithType<EinsumOp>(
      RankedTensorType::get(shape, n.inputType(0).getElementType()), inputs,
      {n.named("equation", n.builder().getStringAttr(equation))});
  return n.setResult(r);
}

} // namespace

void registerMathImporters(OpRegistry &r) {
  r.add({"And", 1, 17, importBinary<AndOp>});
  r.add({"Or", 1, 17, importBinary<OrOp>});
  r.add({"Xor", 1, 17, importBinary<XorOp>});
  r.add({"Not", 1, 17, importUnary<NotOp>});
  r.add({"Equal", 1, 17, importBinary<EqualOp>});
  r.add({"Less", 1, 17, importBinary<LessOp>});
  r.add({"LessOrEqual", 12, 17, importBinary<LessEqualOp>});
  r.add({"Greater", 1, 17, importBinary<GreaterOp>});
  r.add({"GreaterOrEqual", 12, 17, importBinary<GreaterEqualOp>});
  r.add({"Mod", 10, 17, importMod});
  r.add({"Where", 9, 17, importWhere});
  r.add({"Cast", 1, 17, importCast});
  r.add({"CastLike", 15, 17, importCast});
  r.add({"Sign", 9, 17, importUnary<SignOp>});
  r.add({"Floor", 1, 17, importUnary<FloorOp>});
  r.add({"Ceil", 1, 17, importUnary<CeilOp>});
  r.add({"Round", 11, 17, importUnary<RoundOp>});
  r.add({"Sin", 7, 17, importUnary<SinOp>});
  r.add({"Cos", 7, 17, importUnary<CosOp>});
  r.add({"Tan", 7, 17, importUnary<TanOp>});
  r.add({"Asin", 7, 17, importUnary<AsinOp>});
  r.add({"Acos", 7, 17, importUnary<AcosOp>});
  r.add({"Atan", 7, 17, importUnary<AtanOp>});
  r.add({"Sinh", 9, 17, importUnary<SinhOp>});
  r.add({"Cosh", 9, 17, importUnary<CoshOp>});
  r.add({"Asinh", 9, 17, importUnary<AsinhOp>});
  r.add({"Acosh", 9, 17, importUnary<AcoshOp>});
  r.add({"Atanh", 9, 17, importUnary<AtanhOp>});
  r.add({"Softplus", 1, 17, importUnary<SoftplusOp>});
  r.add({"Softsign", 1, 17, importUnary<SoftsignOp>});
  r.add({"HardSwish", 14, 17, importUnary<HardSwishOp>});
  r.add({"Elu", 1, 17, importElu});
  r.add({"Celu", 12, 17, importCelu});
  r.add({"Selu", 1, 17, importSelu});
  r.add({"HardSigmoid", 1, 17, importHardSigmoid});
  r.add({"ThresholdedRelu", 10, 17, importThresholdedRelu});
  r.add({"Shrink", 9, 17, importShrink});
  r.add({"IsNaN", 9, 17, importFloatPredicate<IsNaNOp>});
  r.add({"IsInf", 10, 17, importFloatPredicate<IsInfOp>});
  r.add({"ReduceL1", 1, 17, importReduce<ReduceL1Op>});
  r.add({"ReduceL2", 1, 17, importReduce<ReduceL2Op>});
  r.add({"ReduceSumSquare", 1, 17, importReduce<ReduceSumSquareOp>});
  r.add({"ReduceLogSum", 1, 17, importReduce<ReduceLogSumOp>});
  r.add({"ReduceLogSumExp", 1, 17, importReduce<ReduceLogSumExpOp>});
  r.add({"ArgMax", 1, 17, importArg<ArgMaxOp>});
  r.add({"ArgMin", 1, 17, importArg<ArgMinOp>});
  r.add({"Hardmax", 1, 17, importSoftmax<HardmaxOp>});
  r.add({"CumSum", 11, 17, importCumSum});
  r.add({"Einsum", 12, 17, importEinsum});
  r.add({"Add", 1, 17, importBinary<AddOp>});
  r.add({"Sub", 1, 17, importBinary<SubOp>});
  r.add({"Mul", 1, 17, importBinary<MulOp>});
  r.add({"Div", 1, 17, importBinary<DivOp>});
  r.add({"Pow", 1, 17, importBinary<PowOp>});
  r.add({"Max", 1, 17, importVariadic<MaxOp>});
  r.add({"Min", 1, 17, importVariadic<MinOp>});
  r.add({"Sum", 1, 17, importVariadic<AddOp>});
  r.add({"Mean", 1, 17, importMean});
  r.add({"Neg", 1, 17, importUnary<NegOp>});
  r.add({"Abs", 1, 17, importUnary<AbsOp>});
  r.add({"Relu", 1, 17, importUnary<ReluOp>});
  r.add({"Sqrt", 1, 17, importUnary<SqrtOp>});
  r.add({"Exp", 1, 17, importUnary<ExpOp>});
  r.add({"Log", 1, 17, importUnary<LogOp>});
  r.add({"Reciprocal", 1, 17, importUnary<ReciprocalOp>});
  r.add({"Sigmoid", 1, 17, importUnary<SigmoidOp>});
  r.add({"Tanh", 1, 17, importUnary<TanhOp>});
  r.add({"Erf", 9, 17, importUnary<ErfOp>});
  r.add({"LeakyRelu", 1, 17, importLeakyRelu});
  r.add({"Clip", 1, 17, importClip});
  r.add({"MatMul", 1, 17, importMatMul});
  r.add({"Gemm", 1, 17, importGemm});
  r.add({"Softmax", 1, 17, importSoftmax<SoftmaxOp>});
  r.add({"LogSoftmax", 1, 17, importSoftmax<LogSoftmaxOp>});
  r.add({"ReduceSum", 1, 17, importReduce<ReduceSumOp>});
  r.add({"ReduceMean", 1, 17, importReduce<ReduceMeanOp>});
  r.add({"ReduceMax", 1, 17, importReduce<ReduceMaxOp>});
  r.add({"ReduceMin", 1, 17, importReduce<ReduceMinOp>});
  r.add({"ReduceProd", 1, 17, importReduce<ReduceProdOp>});
}

} // namespace tessel
