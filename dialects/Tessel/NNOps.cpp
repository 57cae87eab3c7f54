//===- NNOps.cpp - Shape inference of convolution, pooling, norms ---------===//
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

using namespace mlir;
using namespace tessel;

namespace {

/// Checks the per-axis window attributes shared by conv and pooling and
/// computes the spatial output sizes.
LogicalResult inferWindowedShape(std::optional<Location> loc, StringRef opName,
                                 ArrayRef<int64_t> inputShape, ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                 ArrayRef<int64_t> dilations, bool ceilMode,
                                 SmallVectorImpl<int64_t> &spatialOut) {
  size_t n = kernel.size();
  if (inputShape.size() != n + 2)
    return emitOptionalError(loc, "'", opName, "' op input of shape ", formatShape(inputShape),
                             " needs rank ", n + 2, " for a ", n, "-D window");
  if (strides.size() != n || dilations.size() != n || pads.size() != 2 * n)
    return emitOptionalError(loc, "'", opName, "' op expects ", n, " strides, ", n,
                             " dilations and ", 2 * n, " pads");
  for (size_t i = 0; i < n; ++i) {
    if (kernel[i] <= 0 || strides[i] <= 0 || dilations[i] <= 0)
      return emitOptionalError(loc, "'", opName, "' op kernel sizes, strides and dilations "
                               "must be positive");
    if (pads[i] < 0 || pads[i + n] < 0)
      return emitOptionalError(loc, "'", opName, "' op pads must not be negative");
    int64_t out = slidingWindowOutputSize(inputShape[i + 2], kernel[i], strides[i], pads[i],
                                          pads[i + n], dilations[i], ceilMode);
    if (out <= 0)
      return emitOptionalError(loc, "'", opName, "' op window of size ", kernel[i],
                               " (dilation ", dilations[i], ") does not fit axis ", i + 2,
                               " of size ", inputShape[i + 2], " with pads ", pads[i], "+",
                               pads[i + n]);
    spatialOut.push_back(out);
  }
  return success();
}

} // namespace

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(adaptor.getInput().getType());
  auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
  int64_t group = adaptor.getGroup();
  if (it.getRank() < 3 || wt.getRank() != it.getRank())
    return emitOptionalError(loc, "'tessel.conv' op input ", formatShape(it.getShape()),
                             " and weight ", formatShape(wt.getShape()),
                             " must have the same rank, at least 3");
  int64_t channels = it.getDimSize(1), filters = wt.getDimSize(0);
  if (group <= 0 || channels % group != 0 || filters % group != 0)
    return emitOptionalError(loc, "'tessel.conv' op group ", group, " does not divide ",
                             channels, " input channels and ", filters, " filters");
  if (wt.getDimSize(1) * group != channels)
    return emitOptionalError(loc, "'tessel.conv' op weight ", formatShape(wt.getShape()),
                             " expects ", wt.getDimSize(1) * group, " input channels, input has ",
                             channels);
  if (Value bias = adaptor.getBias()) {
    auto bt = cast<RankedTensorType>(bias.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != filters)
      return emitOptionalError(loc, "'tessel.conv' op bias ", formatShape(bt.getShape()),
                               " must have shape ", filters);
  }
  SmallVector<int64_t> spatial;
  if (failed(inferWindowedShape(loc, "tessel.conv", it.getShape(), wt.getShape().drop_front(2),
                                adaptor.getStrides(), adaptor.getPads(), adaptor.getDilations(),
                                /*ceilMode=*/false, spatial)))
    return failure();
  SmallVector<int64_t> shape{it.getDimSize(0), filters};
  shape.append(spatial);
  types.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

static LogicalResult inferPool(std::optional<Location> loc, StringRef name, Value input,
                               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                               bool ceilMode, SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> spatial;
  if (failed(inferWindowedShape(loc, name, it.getShape(), kernel, strides, pads, dilations,
                                ceilMode, spatial)))
    return failure();
  SmallVector<int64_t> shape{it.getDimSize(0), it.getDimSize(1)};
  shape.append(spatial);
  types.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor a, SmallVectorImpl<Type> &types) {
  return inferPool(loc, getOperationName(), a.getInput(), a.getKernelShape(), a.getStrides(),
                   a.getPads(), a.getDilations(), a.getCeilMode(), types);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor a, SmallVectorImpl<Type> &types) {
  return inferPool(loc, getOperationName(), a.getInput(), a.getKernelShape(), a.getStrides(),
                   a.getPads(), a.getDilations(), a.getCeilMode(), types);
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor a, SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(a.getInput().getType());
  if (it.getRank() < 2)
    return emitOptionalError(loc, "'tessel.batch_norm' op input must have rank >= 2");
  int64_t channels = it.getDimSize(1);
  for (Value param : {a.getScale(), a.getBias(), a.getMean(), a.getVariance()}) {
    auto pt = cast<RankedTensorType>(param.getType());
    if (pt.getRank() != 1 || pt.getDimSize(0) != channels)
      return emitOptionalError(loc, "'tessel.batch_norm' op parameter of shape ",
                               formatShape(pt.getShape()), " must have shape ", channels);
  }
  types.push_back(it);
  return success();
}
