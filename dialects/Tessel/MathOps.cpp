//===- MathOps.cpp - Verifiers and shape inference of math ops ------------===//
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/Builders.h"

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
LogicalResult PowOp::verify() {
  if (!isa<FloatType>(getLhs().getType().getElementType()))
    return emitOpError("base must be a floating-point tensor");
  return success();
}

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
  if (k != kb)
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
