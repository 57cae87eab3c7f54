//===- MathImporters.cpp - Elementwise, matmul, softmax, reductions -------===//
#include "frontend/OpRegistry.h"

#include "onnx/onnx_pb.h"

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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importMean(NodeImporter &n) {
  auto sum = foldInputsPairwise<AddOp>(n);
  if (failed(sum))
    return failure();
  Type element = cast<RankedTensorType>(sum->getType()).getElementType();
  auto r = n.create<DivOp>(ValueRange{*sum, n.scalarConstant(element, n.numInputs())});
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

template <typename OpTy>
LogicalResult importUnary(NodeImporter &n) {
  auto r = n.create<OpTy>(ValueRange{n.input(0)});
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importLeakyRelu(NodeImporter &n) {
  auto r = n.createWithType<LeakyReluOp>(
      n.inputType(0), ValueRange{n.input(0)},
      {n.named("alpha", n.builder().getF64FloatAttr(n.floatAttr("alpha", 0.01)))});
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importClip(NodeImporter &n) {
  SmallVector<NamedAttribute> attrs;
  auto bound = [&](const char *name, int index) -> LogicalResult {
    if (n.opset() < 11) {
      if (n.hasAttr(name))
        attrs.push_back(n.named(name, n.builder().getF64FloatAttr(n.floatAttr(name, 0))));
      return success();
    }
    if (!n.hasInput(index))
      return success();
    const TensorData *c = n.constantInput(index);
    if (!c || c->numElements() != 1)
      return n.error(Twine("the ") + name + " bound must be a constant scalar");
    attrs.push_back(n.named(name, n.builder().getF64FloatAttr(c->asDouble()[0])));
    return success();
  };
  if (failed(bound("min", 1)) || failed(bound("max", 2)))
    return failure();
  auto r = n.createWithType<ClipOp>(n.inputType(0), ValueRange{n.input(0)}, attrs);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
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
    if (failed(r))
      return failure();
    n.setOutput(0, *r);
    return success();
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
  if (failed(back))
    return failure();
  n.setOutput(0, *back);
  return success();
}

/// Reduce*: axes come from an attribute, or (ReduceSum from opset 13) from a
/// constant second input; empty axes reduce everything unless
/// noop_with_empty_axes is set.
template <typename OpTy>
LogicalResult importReduce(NodeImporter &n) {
  auto type = n.inputType(0);
  SmallVector<int64_t> axes;
  bool axesFromInput = n.node().op_type() == "ReduceSum" && n.opset() >= 13;
  if (axesFromInput) {
    if (n.hasInput(1)) {
      const TensorData *c = n.constantInput(1);
      if (!c)
        return n.error("axes must be a constant");
      for (int64_t a : c->asInt64())
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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

} // namespace

void registerMathImporters(OpRegistry &r) {
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
