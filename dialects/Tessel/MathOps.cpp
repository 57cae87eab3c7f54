//===- MathOps.cpp - Verifiers and shape inference of math ops ------------===//
#include "dialects/Tessel/ConstantFolding.h"
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace tessel;

namespace {

LogicalResult inferBroadcast(std::optional<Location> loc, StringRef opName, Value lhs,
                             Value rhs, SmallVectorImpl<Type> &types) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  auto shape = broadcastShapes(lt.getShape(), rt.getShape());
  if (!shape)
    return emitOptionalError(loc, "'", opName, "' op operand shapes ",
                             formatShape(lt.getShape()), " and ", formatShape(rt.getShape()),
                             " do not broadcast");
  types.push_back(RankedTensorType::get(*shape, lt.getElementType()));
  return success();
}

template <typename OpTy>
LogicalResult verifySameElementTypes(OpTy op) {
  if (op.getLhs().getType().getElementType() != op.getRhs().getType().getElementType())
    return op.emitOpError("operand element types differ: ")
           << op.getLhs().getType().getElementType() << " vs "
           << op.getRhs().getType().getElementType();
  return success();
}

LogicalResult inferReduce(std::optional<Location> loc, StringRef opName, Value input,
                          ArrayRef<int64_t> axes, bool keepdims,
                          SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    if (axis < 0 || axis >= rank)
      return emitOptionalError(loc, "'", opName, "' op axis ", axis,
                               " is out of range for rank ", rank);
    if (reduced[axis])
      return emitOptionalError(loc, "'", opName, "' op axis ", axis, " repeats");
    reduced[axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      shape.push_back(type.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

} // namespace

#define TESSEL_BINARY_OP(OP)                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc,          \
                                     Adaptor adaptor, SmallVectorImpl<Type> &types) {    \
    return inferBroadcast(loc, getOperationName(), adaptor.getLhs(), adaptor.getRhs(),    \
                          types);                                                        \
  }
TESSEL_BINARY_OP(AddOp)
TESSEL_BINARY_OP(SubOp)
TESSEL_BINARY_OP(MulOp)
TESSEL_BINARY_OP(DivOp)
TESSEL_BINARY_OP(PowOp)
TESSEL_BINARY_OP(MaxOp)
TESSEL_BINARY_OP(MinOp)
#undef TESSEL_BINARY_OP

LogicalResult AddOp::verify() { return verifySameElementTypes(*this); }
LogicalResult SubOp::verify() { return verifySameElementTypes(*this); }
LogicalResult MulOp::verify() { return verifySameElementTypes(*this); }
LogicalResult DivOp::verify() { return verifySameElementTypes(*this); }
LogicalResult MaxOp::verify() { return verifySameElementTypes(*this); }
LogicalResult MinOp::verify() { return verifySameElementTypes(*this); }
LogicalResult PowOp::verify() { return success(); }

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lt = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rt = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lt.getElementType() != rt.getElementType())
    return emitOptionalError(loc, "'tessel.matmul' op operand element types differ");
  if (lt.getRank() == 0 || rt.getRank() == 0)
    return emitOptionalError(loc, "'tessel.matmul' op operands must not be scalars");
  SmallVector<int64_t> a(lt.getShape()), b(rt.getShape());
  bool promotedA = a.size() == 1, promotedB = b.size() == 1;
  if (promotedA)
    a.insert(a.begin(), 1);
  if (promotedB)
    b.push_back(1);
  int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], n = b.back();
  if (!dimsCompatible(k, kb))
    return emitOptionalError(loc, "'tessel.matmul' op contraction sizes differ: ",
                             formatShape(lt.getShape()), " by ", formatShape(rt.getShape()));
  auto batch = broadcastShapes(ArrayRef<int64_t>(a).drop_back(2),
                               ArrayRef<int64_t>(b).drop_back(2));
  if (!batch)
    return emitOptionalError(loc, "'tessel.matmul' op batch dimensions of ",
                             formatShape(lt.getShape()), " and ", formatShape(rt.getShape()),
                             " do not broadcast");
  SmallVector<int64_t> shape = *batch;
  if (!promotedA)
    shape.push_back(m);
  if (!promotedB)
    shape.push_back(n);
  types.push_back(RankedTensorType::get(shape, lt.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto at = cast<RankedTensorType>(adaptor.getA().getType());
  auto bt = cast<RankedTensorType>(adaptor.getB().getType());
  if (at.getRank() != 2 || bt.getRank() != 2)
    return emitOptionalError(loc, "'tessel.gemm' op A and B must be matrices, got ",
                             formatShape(at.getShape()), " and ", formatShape(bt.getShape()));
  if (at.getElementType() != bt.getElementType())
    return emitOptionalError(loc, "'tessel.gemm' op operand element types differ");
  bool ta = adaptor.getTransA(), tb = adaptor.getTransB();
  int64_t m = at.getDimSize(ta ? 1 : 0), k = at.getDimSize(ta ? 0 : 1);
  int64_t kb = bt.getDimSize(tb ? 1 : 0), n = bt.getDimSize(tb ? 0 : 1);
  if (k != kb)
    return emitOptionalError(loc, "'tessel.gemm' op contraction sizes differ: ", k, " vs ", kb);
  if (Value c = adaptor.getC()) {
    auto ct = cast<RankedTensorType>(c.getType());
    auto shape = broadcastShapes(ct.getShape(), {m, n});
    if (ct.getRank() > 2 || !shape || (*shape)[0] != m || (*shape)[1] != n)
      return emitOptionalError(loc, "'tessel.gemm' op bias of shape ",
                               formatShape(ct.getShape()), " does not broadcast to ", m, "x", n);
  }
  types.push_back(RankedTensorType::get({m, n}, at.getElementType()));
  return success();
}

#define TESSEL_REDUCE_OP(OP)                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc,          \
                                     Adaptor adaptor, SmallVectorImpl<Type> &types) {    \
    return inferReduce(loc, getOperationName(), adaptor.getInput(), adaptor.getAxes(),    \
                       adaptor.getKeepdims(), types);                                     \
  }
TESSEL_REDUCE_OP(ReduceSumOp)
TESSEL_REDUCE_OP(ReduceMeanOp)
TESSEL_REDUCE_OP(ReduceMaxOp)
TESSEL_REDUCE_OP(ReduceMinOp)
TESSEL_REDUCE_OP(ReduceProdOp)
#undef TESSEL_REDUCE_OP

template <typename OpTy>
static LogicalResult verifySoftmaxAxis(OpTy op) {
  int64_t rank = op.getInput().getType().getRank();
  // The I64Attr getter returns uint64_t: read the axis as signed.
  int64_t axis = op.getAxisAttr().getInt();
  if (axis < 0 || axis >= rank)
    return op.emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifySoftmaxAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxAxis(*this); }

//===----------------------------------------------------------------------===//
// Logical, comparison, select, cast.
//===----------------------------------------------------------------------===//

#define TESSEL_BINARY_OP(OP)                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc,          \
                                     Adaptor adaptor, SmallVectorImpl<Type> &types) {    \
    return inferBroadcast(loc, getOperationName(), adaptor.getLhs(), adaptor.getRhs(),    \
                          types);                                                        \
  }
TESSEL_BINARY_OP(AndOp)
TESSEL_BINARY_OP(OrOp)
TESSEL_BINARY_OP(XorOp)
TESSEL_BINARY_OP(ModOp)
#undef TESSEL_BINARY_OP

template <typename OpTy>
static LogicalResult verifyBooleanOperands(OpTy op) {
  if (!op.getLhs().getType().getElementType().isInteger(1) ||
      !op.getRhs().getType().getElementType().isInteger(1))
    return op.emitOpError("operands must be boolean tensors");
  return success();
}
LogicalResult AndOp::verify() { return verifyBooleanOperands(*this); }
LogicalResult OrOp::verify() { return verifyBooleanOperands(*this); }
LogicalResult XorOp::verify() { return verifyBooleanOperands(*this); }
LogicalResult ModOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  if (isa<FloatType>(getLhs().getType().getElementType()) && !getFmod())
    return emitOpError("floating-point mod requires fmod");
  return success();
}

namespace {

/// Folds a broadcasting binary op whose operands are both small constants.
OpFoldResult foldBinary(Type resultType, ArrayRef<Attribute> operands,
                        function_ref<std::optional<int64_t>(int64_t, int64_t)> intFn,
                        function_ref<double(double, double)> floatFn) {
  if (operands.size() != 2)
    return {};
  auto a = decodeConstant(operands[0]), b = decodeConstant(operands[1]);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!a || !b || !type || type.getNumElements() > kFoldElementLimit)
    return {};
  ConstTensor r;
  r.type = type;
  bool floatOperands = a->isFloat || b->isFloat;
  r.isFloat = floatOperands && isa<FloatType>(type.getElementType());
  for (int64_t i = 0, n = type.getNumElements(); i < n; ++i) {
    int64_t ia = broadcastSourceIndex(i, type.getShape(), a->type.getShape());
    int64_t ib = broadcastSourceIndex(i, type.getShape(), b->type.getShape());
    if (floatOperands) {
      if (!floatFn)
        return {};
      double v = floatFn(a->asDouble(ia), b->asDouble(ib));
      if (r.isFloat)
        r.floats.push_back(v);
      else
        r.ints.push_back((int64_t)v);
    } else {
      auto v = intFn(a->ints[ia], b->ints[ib]);
      if (!v)
        return {};
      r.ints.push_back(*v);
    }
  }
  return encodeConstant(type, r);
}

using IntResult = std::optional<int64_t>;

/// Folds an elementwise unary op whose operand is a small constant.
OpFoldResult foldUnary(Type resultType, Attribute operand, function_ref<int64_t(int64_t)> intFn,
                       function_ref<double(double)> floatFn) {
  auto a = decodeConstant(operand);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!a || !type || type.getNumElements() != a->size())
    return {};
  ConstTensor r = *a;
  r.type = type;
  for (int64_t &v : r.ints)
    v = intFn(v);
  for (double &v : r.floats)
    v = floatFn(v);
  return encodeConstant(type, r);
}

} // namespace

OpFoldResult NegOp::fold(FoldAdaptor a) {
  // Unsigned wrap-around: negating INT64_MIN must not be undefined behaviour.
  return foldUnary(getType(), a.getInput(),
                   [](int64_t x) { return (int64_t)(0 - (uint64_t)x); },
                   [](double x) { return -x; });
}
OpFoldResult AbsOp::fold(FoldAdaptor a) {
  return foldUnary(getType(), a.getInput(),
                   [](int64_t x) { return x < 0 ? (int64_t)(0 - (uint64_t)x) : x; },
                   [](double x) { return std::fabs(x); });
}

// Integer tensors wrap around like the two's-complement arithmetic of the generated code (and
// of ONNX Runtime); folding in uint64_t keeps an overflowing constant from being undefined
// behaviour in the compiler itself.
static int64_t wrappingAdd(int64_t x, int64_t y) { return (int64_t)((uint64_t)x + (uint64_t)y); }
static int64_t wrappingSub(int64_t x, int64_t y) { return (int64_t)((uint64_t)x - (uint64_t)y); }
static int64_t wrappingMul(int64_t x, int64_t y) { return (int64_t)((uint64_t)x * (uint64_t)y); }

OpFoldResult AddOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(),
                    [](int64_t x, int64_t y) -> IntResult { return wrappingAdd(x, y); },
                    [](double x, double y) { return x + y; });
}
OpFoldResult SubOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(),
                    [](int64_t x, int64_t y) -> IntResult { return wrappingSub(x, y); },
                    [](double x, double y) { return x - y; });
}
OpFoldResult MulOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(),
                    [](int64_t x, int64_t y) -> IntResult { return wrappingMul(x, y); },
                    [](double x, double y) { return x * y; });
}
OpFoldResult DivOp::fold(FoldAdaptor a) {
  return foldBinary(
      getType(), a.getOperands(),
      [](int64_t x, int64_t y) -> IntResult {
        // Division by zero is left to run time; INT64_MIN / -1 overflows, so it is not folded.
        if (y == 0 || (y == -1 && x == std::numeric_limits<int64_t>::min()))
          return std::nullopt;
        return x / y;
      },
      [](double x, double y) { return x / y; });
}
OpFoldResult PowOp::fold(FoldAdaptor) { return {}; }
/// ONNX's Max and Min of two floats, as its reference (numpy.maximum /
/// minimum) and the generated code (arith.maximumf / minimumf) compute
/// them: a NaN operand gives NaN, and -0 orders below +0. (std::fmax and
/// std::fmin return the other operand of a NaN: a folded graph would then
/// differ from the same graph computed at run time.)
static double onnxMax(double x, double y) {
  if (std::isnan(x) || std::isnan(y))
    return std::numeric_limits<double>::quiet_NaN();
  if (x == y) // Equal zeros: +0 unless both are -0.
    return std::signbit(x) ? y : x;
  return x > y ? x : y;
}
static double onnxMin(double x, double y) {
  if (std::isnan(x) || std::isnan(y))
    return std::numeric_limits<double>::quiet_NaN();
  if (x == y)
    return std::signbit(x) ? x : y;
  return x < y ? x : y;
}
OpFoldResult MaxOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(),
                    [](int64_t x, int64_t y) -> IntResult { return std::max(x, y); }, onnxMax);
}
OpFoldResult MinOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(),
                    [](int64_t x, int64_t y) -> IntResult { return std::min(x, y); }, onnxMin);
}
OpFoldResult AndOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(), [](int64_t x, int64_t y) -> IntResult { return x && y; },
                    nullptr);
}
OpFoldResult OrOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(), [](int64_t x, int64_t y) -> IntResult { return x || y; },
                    nullptr);
}
OpFoldResult XorOp::fold(FoldAdaptor a) {
  return foldBinary(getType(), a.getOperands(),
                    [](int64_t x, int64_t y) -> IntResult { return (x != 0) != (y != 0); }, nullptr);
}
OpFoldResult ModOp::fold(FoldAdaptor) { return {}; }

#define TESSEL_COMPARE_OP(OP, EXPR)                                                      \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,       \
                                     Adaptor adaptor, SmallVectorImpl<Type> &types) {    \
    if (failed(inferBroadcast(loc, getOperationName(), adaptor.getLhs(), adaptor.getRhs(), \
                              types)))                                                   \
      return failure();                                                                  \
    types[0] = RankedTensorType::get(cast<RankedTensorType>(types[0]).getShape(),         \
                                     IntegerType::get(ctx, 1));                          \
    return success();                                                                    \
  }                                                                                      \
  LogicalResult OP::verify() { return verifySameElementTypes(*this); }                  \
  OpFoldResult OP::fold(FoldAdaptor a) {                                                 \
    return foldBinary(                                                                   \
        getType(), a.getOperands(),                                                      \
        [](int64_t x, int64_t y) -> IntResult { return (int64_t)(EXPR); },               \
        [](double x, double y) { return (double)(EXPR); });                              \
  }
TESSEL_COMPARE_OP(EqualOp, x == y)
TESSEL_COMPARE_OP(LessOp, x < y)
TESSEL_COMPARE_OP(LessEqualOp, x <= y)
TESSEL_COMPARE_OP(GreaterOp, x > y)
TESSEL_COMPARE_OP(GreaterEqualOp, x >= y)
#undef TESSEL_COMPARE_OP

LogicalResult SelectOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto ct = cast<RankedTensorType>(adaptor.getCondition().getType());
  auto tt = cast<RankedTensorType>(adaptor.getTrueValue().getType());
  auto ft = cast<RankedTensorType>(adaptor.getFalseValue().getType());
  if (tt.getElementType() != ft.getElementType())
    return emitOptionalError(loc, "'tessel.select' op value element types differ");
  auto shape = broadcastShapes(ct.getShape(), tt.getShape());
  if (shape)
    shape = broadcastShapes(*shape, ft.getShape());
  if (!shape)
    return emitOptionalError(loc, "'tessel.select' op operand shapes ", formatShape(ct.getShape()),
                             ", ", formatShape(tt.getShape()), " and ", formatShape(ft.getShape()),
                             " do not broadcast");
  types.push_back(RankedTensorType::get(*shape, tt.getElementType()));
  return success();
}

OpFoldResult SelectOp::fold(FoldAdaptor a) {
  auto c = decodeConstant(a.getCondition()), t = decodeConstant(a.getTrueValue()),
       f = decodeConstant(a.getFalseValue());
  RankedTensorType type = getType();
  if (!c || !t || !f || type.getNumElements() > kFoldElementLimit)
    return {};
  ConstTensor r;
  r.type = type;
  r.isFloat = t->isFloat;
  for (int64_t i = 0, n = type.getNumElements(); i < n; ++i) {
    bool cond = c->ints[broadcastSourceIndex(i, type.getShape(), c->type.getShape())];
    const ConstTensor &src = cond ? *t : *f;
    int64_t j = broadcastSourceIndex(i, type.getShape(), src.type.getShape());
    if (r.isFloat)
      r.floats.push_back(src.floats[j]);
    else
      r.ints.push_back(src.ints[j]);
  }
  return encodeConstant(type, r);
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getResult().getType().getShape())
    return emitOpError("changes the shape");
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  auto in = decodeConstant(a.getInput());
  if (!in)
    return {};
  ConstTensor r = *in;
  r.type = getType();
  Type et = getType().getElementType();
  if (isa<FloatType>(et) && !r.isFloat) {
    for (int64_t v : r.ints)
      r.floats.push_back((double)v);
    r.ints.clear();
    r.isFloat = true;
  } else if (!isa<FloatType>(et) && r.isFloat) {
    for (double v : r.floats)
      r.ints.push_back(et.isInteger(1) ? (v != 0) : (int64_t)v);
    r.floats.clear();
    r.isFloat = false;
  } else if (et.isInteger(1)) {
    for (int64_t &v : r.ints)
      v = v != 0;
  }
  return encodeConstant(getType(), r);
}

//===----------------------------------------------------------------------===//
// Reductions along one axis, scans, einsum.
//===----------------------------------------------------------------------===//

#define TESSEL_REDUCE_OP(OP)                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc,          \
                                     Adaptor adaptor, SmallVectorImpl<Type> &types) {    \
    return inferReduce(loc, getOperationName(), adaptor.getInput(), adaptor.getAxes(),    \
                       adaptor.getKeepdims(), types);                                     \
  }
TESSEL_REDUCE_OP(ReduceL1Op)
TESSEL_REDUCE_OP(ReduceL2Op)
TESSEL_REDUCE_OP(ReduceSumSquareOp)
TESSEL_REDUCE_OP(ReduceLogSumOp)
TESSEL_REDUCE_OP(ReduceLogSumExpOp)
#undef TESSEL_REDUCE_OP

#define TESSEL_ARG_OP(OP)                                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,       \
                                     Adaptor adaptor, SmallVectorImpl<Type> &types) {    \
    int64_t axis = adaptor.getAxis();                                                    \
    if (failed(inferReduce(loc, getOperationName(), adaptor.getInput(), {axis},           \
                           adaptor.getKeepdims(), types)))                                \
      return failure();                                                                  \
    types[0] = RankedTensorType::get(cast<RankedTensorType>(types[0]).getShape(),         \
                                     IntegerType::get(ctx, 64));                         \
    return success();                                                                    \
  }
TESSEL_ARG_OP(ArgMaxOp)
TESSEL_ARG_OP(ArgMinOp)
#undef TESSEL_ARG_OP

LogicalResult HardmaxOp::verify() { return verifySoftmaxAxis(*this); }
LogicalResult CumSumOp::verify() { return verifySoftmaxAxis(*this); }

LogicalResult ComputedCumSumOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType() || in.getRank() != out.getRank() ||
      failed(verifyCompatibleShape(in, out)))
    return emitOpError("needs a result of the input's shape and element type, has ") << out;
  if (in.getRank() == 0)
    return emitOpError("needs an input of rank at least 1");
  return success();
}

LogicalResult ComputedReduceSumOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType() || in.getRank() != out.getRank())
    return emitOpError("keeps the rank and the element type, has ") << out;
  if (ShapedType::isDynamic(getAxes().getType().getDimSize(0)) ||
      getAxes().getType().getDimSize(0) > in.getRank())
    return emitOpError("needs a static count of axes, at most the rank");
  // A result dimension is 1 (reduced) or the input's.
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!out.isDynamicDim(d) && out.getDimSize(d) != 1 &&
        !dimsCompatible(out.getDimSize(d), in.getDimSize(d)))
      return emitOpError("result dimension ") << d << " is neither 1 nor the input's";
  return success();
}

LogicalResult EinsumOp::verify() {
  StringRef eq = getEquation();
  auto [lhs, out] = eq.split("->");
  if (!eq.contains("->"))
    return emitOpError("equation must be explicit (contain '->')");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != getInputs().size())
    return emitOpError("equation has ") << terms.size() << " operand terms for "
                                        << getInputs().size() << " operands";
  llvm::DenseMap<char, int64_t> sizes;
  for (auto [term, value] : llvm::zip(terms, getInputs())) {
    auto type = cast<RankedTensorType>(value.getType());
    if ((int64_t)term.size() != type.getRank())
      return emitOpError("term '") << term << "' does not match operand rank " << type.getRank();
    for (auto [i, c] : llvm::enumerate(term)) {
      if (!isalpha(c))
        return emitOpError("invalid subscript '") << c << "'";
      // A static size wins over a dynamic one (checked at run time), any
      // size over a static 1 (broadcast).
      int64_t d = type.getDimSize(i);
      auto [it, inserted] = sizes.try_emplace(c, d);
      if (!inserted && !dimsCompatible(it->second, d) && it->second != 1 && d != 1)
        return emitOpError("subscript '") << c << "' has sizes " << it->second << " and " << d;
      if (it->second == 1 || (ShapedType::isDynamic(it->second) && d != 1))
        it->second = d;
    }
  }
  auto rt = getResult().getType();
  if ((int64_t)out.size() != rt.getRank())
    return emitOpError("output term does not match the result rank");
  for (auto [i, c] : llvm::enumerate(out))
    if (!sizes.count(c) || sizes[c] != rt.getDimSize(i))
      return emitOpError("output subscript '") << c << "' does not match the result shape";
  return success();
}
