//===- FusedOps.cpp - Shape inference and checks of the fused ops ---------===//
#include "dialects/Tessel/Activation.h"
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

using namespace mlir;
using namespace tessel;

namespace {

/// True if `t` broadcasts (NumPy rules) to exactly `shape`.
bool broadcastsTo(RankedTensorType t, ArrayRef<int64_t> shape) {
  auto b = broadcastShapes(t.getShape(), shape);
  return b && ArrayRef<int64_t>(*b) == shape;
}

} // namespace

LogicalResult LinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &types) {
  const char *name = "'tessel.linear' op ";
  auto it = cast<RankedTensorType>(a.getInput().getType());
  auto wt = cast<RankedTensorType>(a.getWeight().getType());
  auto bt = cast<RankedTensorType>(a.getBias().getType());
  if (it.getRank() < 1 || wt.getRank() != 2)
    return emitOptionalError(loc, name, "input ", formatShape(it.getShape()), " and weight ",
                             formatShape(wt.getShape()), " must be [..., K] and 2-D");
  bool transposed = a.getTransposeWeight();
  int64_t k = wt.getDimSize(transposed ? 1 : 0), n = wt.getDimSize(transposed ? 0 : 1);
  if (!dimsCompatible(it.getShape().back(), k))
    return emitOptionalError(loc, name, "input ", formatShape(it.getShape()),
                             " does not contract with weight ", formatShape(wt.getShape()),
                             transposed ? " (transposed)" : "");
  if (bt.getRank() != 1 || !dimsCompatible(bt.getDimSize(0), n))
    return emitOptionalError(loc, name, "bias ", formatShape(bt.getShape()), " must have shape ",
                             n);
  if (wt.getElementType() != it.getElementType() || bt.getElementType() != it.getElementType())
    return emitOptionalError(loc, name, "operands must share one element type");
  SmallVector<int64_t> shape(it.getShape());
  shape.back() = n;
  types.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

LogicalResult LinearOp::verify() {
  return verifyEpilogue(*this, getResidual(), getActivation(), getActivationParams());
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor a, SmallVectorImpl<Type> &types) {
  const char *name = "'tessel.attention' op ";
  auto qt = cast<RankedTensorType>(a.getQ().getType());
  auto kt = cast<RankedTensorType>(a.getK().getType());
  auto vt = cast<RankedTensorType>(a.getV().getType());
  int64_t rank = qt.getRank();
  if (rank < 2 || kt.getRank() != rank || vt.getRank() != rank)
    return emitOptionalError(loc, name, "q ", formatShape(qt.getShape()), ", k ",
                             formatShape(kt.getShape()), " and v ", formatShape(vt.getShape()),
                             " must have one rank, at least 2");
  ArrayRef<int64_t> batch = qt.getShape().drop_back(2);
  if (kt.getShape().drop_back(2) != batch || vt.getShape().drop_back(2) != batch)
    return emitOptionalError(loc, name, "q, k and v must share their batch axes, got ",
                             formatShape(qt.getShape()), ", ", formatShape(kt.getShape()), ", ",
                             formatShape(vt.getShape()));
  int64_t lq = qt.getDimSize(rank - 2), d = qt.getDimSize(rank - 1);
  int64_t lk = kt.getDimSize(rank - 2);
  if (kt.getDimSize(rank - 1) != d)
    return emitOptionalError(loc, name, "q ", formatShape(qt.getShape()), " and k ",
                             formatShape(kt.getShape()), " must have the same head size");
  if (vt.getDimSize(rank - 2) != lk)
    return emitOptionalError(loc, name, "v ", formatShape(vt.getShape()), " must have ", lk,
                             " positions like k");
  Type et = qt.getElementType();
  if (kt.getElementType() != et || vt.getElementType() != et)
    return emitOptionalError(loc, name, "q, k and v must share one element type");
  if (Value mask = a.getMask()) {
    auto mt = cast<RankedTensorType>(mask.getType());
    SmallVector<int64_t> scores(batch);
    scores.append({lq, lk});
    if (mt.getElementType() != et || mt.getRank() > rank || !broadcastsTo(mt, scores))
      return emitOptionalError(loc, name, "mask of type ", mt, " does not broadcast to the ",
                               "scores ", formatShape(scores), " of ", et);
  }
  SmallVector<int64_t> shape(batch);
  shape.append({lq, vt.getDimSize(rank - 1)});
  types.push_back(RankedTensorType::get(shape, et));
  return success();
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                          SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(a.getInput().getType());
  if (failed(verifyNormalization(loc, "tessel.rms_norm", it, a.getAxis(),
                                 a.getEpsilon().convertToDouble(), {{"scale", a.getScale()}})))
    return failure();
  types.push_back(it);
  return success();
}

LogicalResult GroupNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor a, SmallVectorImpl<Type> &types) {
  const char *name = "'tessel.group_norm' op ";
  auto it = cast<RankedTensorType>(a.getInput().getType());
  if (it.getRank() < 2)
    return emitOptionalError(loc, name, "input ", formatShape(it.getShape()),
                             " must be [N, C, spatial...]");
  int64_t channels = it.getDimSize(1), groups = a.getNumGroups();
  if (groups <= 0 || channels % groups != 0)
    return emitOptionalError(loc, name, "num_groups ", groups, " does not divide ", channels,
                             " channels");
  if (!(a.getEpsilon().convertToDouble() >= 0))
    return emitOptionalError(loc, name, "epsilon must not be negative");
  for (Value v : {a.getScale(), a.getBias()}) {
    auto vt = cast<RankedTensorType>(v.getType());
    if (vt.getRank() != 1 || vt.getDimSize(0) != channels ||
        vt.getElementType() != it.getElementType())
      return emitOptionalError(loc, name, "scale and bias must be [", channels, "] of ",
                               it.getElementType(), ", got ", vt);
  }
  types.push_back(it);
  return success();
}

LogicalResult ElementwiseChainOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body takes ") << body.getNumArguments() << " arguments for "
                                      << getInputs().size() << " inputs";
  for (auto [arg, input] : llvm::zip(body.getArguments(), getInputs()))
    if (arg.getType() != input.getType())
      return emitOpError("body argument of type ")
             << arg.getType() << " for an input of type " << input.getType();
  for (Operation &op : body.without_terminator())
    if (!op.hasTrait<traits::Elementwise>() && !isa<ConstantOp>(op))
      return op.emitOpError("is not elementwise and cannot be part of a "
                            "tessel.elementwise_chain");
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValue().getType() != getType())
    return emitOpError("yields ") << yield.getValue().getType() << " for a result of type "
                                  << getType();
  return success();
}
