//===- NNOps.cpp - Shape inference of convolution, pooling, norms ---------===//
#include "dialects/Tessel/Activation.h"
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
  auto bt = cast<RankedTensorType>(adaptor.getBias().getType());
  if (bt.getRank() != 1 || bt.getDimSize(0) != filters)
    return emitOptionalError(loc, "'tessel.conv' op bias ", formatShape(bt.getShape()),
                             " must have shape ", filters);
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

LogicalResult ConvOp::verify() {
  return verifyEpilogue(*this, getResidual(), getActivation(), getActivationParams());
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

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor a, SmallVectorImpl<Type> &types) {
  const char *name = "'tessel.conv_transpose' op ";
  auto it = cast<RankedTensorType>(a.getInput().getType());
  auto wt = cast<RankedTensorType>(a.getWeight().getType());
  int64_t group = a.getGroup();
  if (it.getRank() < 3 || wt.getRank() != it.getRank())
    return emitOptionalError(loc, name, "input ", formatShape(it.getShape()), " and weight ",
                             formatShape(wt.getShape()), " must have the same rank, at least 3");
  int64_t channels = it.getDimSize(1);
  if (group <= 0 || channels % group != 0)
    return emitOptionalError(loc, name, "group ", group, " does not divide ", channels,
                             " input channels");
  if (wt.getDimSize(0) != channels)
    return emitOptionalError(loc, name, "weight ", formatShape(wt.getShape()),
                             " must have as many rows as the input has channels (", channels, ")");
  int64_t filters = wt.getDimSize(1) * group;
  if (Value bias = a.getBias()) {
    auto bt = cast<RankedTensorType>(bias.getType());
    if (bt.getRank() != 1 || bt.getDimSize(0) != filters)
      return emitOptionalError(loc, name, "bias ", formatShape(bt.getShape()),
                               " must have shape ", filters);
  }
  size_t n = it.getRank() - 2;
  ArrayRef<int64_t> strides = a.getStrides(), pads = a.getPads(), dilations = a.getDilations(),
                    outPad = a.getOutputPadding();
  if (strides.size() != n || dilations.size() != n || outPad.size() != n || pads.size() != 2 * n)
    return emitOptionalError(loc, name, "expects ", n, " strides, dilations and output_padding, and ",
                             2 * n, " pads");
  SmallVector<int64_t> shape{it.getDimSize(0), filters};
  for (size_t i = 0; i < n; ++i) {
    if (strides[i] <= 0 || dilations[i] <= 0)
      return emitOptionalError(loc, name, "strides and dilations must be positive");
    if (pads[i] < 0 || pads[i + n] < 0 || outPad[i] < 0)
      return emitOptionalError(loc, name, "pads and output_padding must not be negative");
    int64_t in = it.getDimSize(i + 2), k = wt.getDimSize(i + 2);
    int64_t out = strides[i] * (in - 1) + outPad[i] + dilations[i] * (k - 1) + 1 - pads[i] -
                  pads[i + n];
    if (in <= 0 || k <= 0 || out <= 0)
      return emitOptionalError(loc, name, "spatial axis ", i + 2, " (input ", in, ", kernel ", k,
                               ") has no output with pads ", pads[i], "+", pads[i + n]);
    shape.push_back(out);
  }
  types.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

LogicalResult ComputedResizeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  int64_t rank = in.getRank();
  if (out.getRank() != rank || in.getElementType() != out.getElementType())
    return emitOpError("keeps the rank and element type");
  int64_t scales = getScales().getType().getDimSize(0), sizes = getSizes().getType().getDimSize(0);
  if ((scales == 0) == (sizes == 0) || std::max(scales, sizes) != rank)
    return emitOpError("needs one scale or one size per dimension (the other empty)");
  StringRef mode = getMode(), ctm = getCoordinateTransformationMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError("mode must be nearest, linear or cubic");
  if (mode != "nearest" && !isa<FloatType>(in.getElementType()))
    return emitOpError("interpolates float tensors only");
  if (ctm == "tf_crop_and_resize" && getRoi().getType().getDimSize(0) != 2 * rank)
    return emitOpError("tf_crop_and_resize needs a roi of 2 x rank entries");
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          ctm))
    return emitOpError("unknown coordinate_transformation_mode '") << ctm << "'";
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
                          getNearestMode()))
    return emitOpError("unknown nearest_mode '") << getNearestMode() << "'";
  return success();
}

LogicalResult ComputedPadOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getRank() != out.getRank() || in.getElementType() != out.getElementType())
    return emitOpError("keeps the rank and element type");
  if (getPads().getType().getDimSize(0) != 2 * in.getRank())
    return emitOpError("needs 2 x rank pads");
  auto value = cast<RankedTensorType>(getValue().getType());
  if (value.getRank() != 0 || value.getElementType() != in.getElementType())
    return emitOpError("needs a scalar value of the element type");
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOpError("mode must be constant, reflect or edge");
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &types) {
  const char *name = "'tessel.pad' op ";
  auto it = cast<RankedTensorType>(a.getInput().getType());
  int64_t rank = it.getRank();
  ArrayRef<int64_t> pads = a.getPads();
  StringRef mode = a.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOptionalError(loc, name, "mode '", mode,
                             "' is not supported (constant, reflect or edge)");
  if ((int64_t)pads.size() != 2 * rank)
    return emitOptionalError(loc, name, "expects ", 2 * rank, " pads for rank ", rank, ", got ",
                             pads.size());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t in = it.getDimSize(i), begin = pads[i], end = pads[i + rank];
    if (ShapedType::isDynamic(in)) { // Checked at run time (PadLowering).
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t out = in + begin + end;
    if (out < 0 || std::max(-begin, -end) > in)
      return emitOptionalError(loc, name, "pads ", begin, "+", end, " crop more than axis ", i,
                               " of size ", in, " holds");
    if (mode == "reflect" && (begin > 0 || end > 0) && std::max(begin, end) >= in)
      return emitOptionalError(loc, name, "reflect pads ", begin, "+", end,
                               " must be smaller than axis ", i, " of size ", in);
    if (mode == "edge" && (begin > 0 || end > 0) && in == 0)
      return emitOptionalError(loc, name, "edge mode cannot pad the empty axis ", i);
    shape.push_back(out);
  }
  types.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                         SmallVectorImpl<Type> &types) {
  const char *name = "'tessel.resize' op ";
  auto it = cast<RankedTensorType>(a.getInput().getType());
  int64_t rank = it.getRank();
  StringRef mode = a.getMode(), ctm = a.getCoordinateTransformationMode(),
            nearest = a.getNearestMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOptionalError(loc, name, "mode '", mode,
                             "' is not supported (nearest, linear or cubic)");
  if (mode != "nearest" && !isa<FloatType>(it.getElementType()))
    return emitOptionalError(loc, name, "mode '", mode, "' needs a float tensor, got ",
                             it.getElementType());
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          ctm))
    return emitOptionalError(loc, name, "coordinate_transformation_mode '", ctm,
                             "' is not supported");
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}, nearest))
    return emitOptionalError(loc, name, "nearest_mode '", nearest, "' is not supported");
  ArrayRef<int64_t> sizes = a.getSizes();
  ArrayRef<double> scales = a.getScales();
  if ((int64_t)sizes.size() != rank || (int64_t)scales.size() != rank)
    return emitOptionalError(loc, name, "expects ", rank, " sizes and scales for rank ", rank,
                             ", got ", sizes.size(), " and ", scales.size());
  for (int64_t i = 0; i < rank; ++i) {
    if (sizes[i] <= 0 || !(scales[i] > 0))
      return emitOptionalError(loc, name, "sizes and scales must be positive (axis ", i, ")");
    if (it.getDimSize(i) <= 0)
      return emitOptionalError(loc, name, "cannot resize the empty axis ", i);
  }
  if (ctm == "tf_crop_and_resize") {
    auto roi = a.getRoi();
    if (!roi || (int64_t)roi->size() != 2 * rank)
      return emitOptionalError(loc, name, "tf_crop_and_resize needs a roi of ", 2 * rank,
                               " values");
  }
  types.push_back(RankedTensorType::get(sizes, it.getElementType()));
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor a, SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(a.getInput().getType());
  if (failed(verifyNormalization(loc, "tessel.layer_norm", it, a.getAxis(),
                                 a.getEpsilon().convertToDouble(),
                                 {{"scale", a.getScale()}, {"bias", a.getBias()}})))
    return failure();
  types.push_back(it);
  return success();
}

LogicalResult PReluOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                        SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(a.getInput().getType());
  auto st = cast<RankedTensorType>(a.getSlope().getType());
  auto b = broadcastShapes(st.getShape(), it.getShape());
  if (st.getElementType() != it.getElementType() || !b || ArrayRef<int64_t>(*b) != it.getShape())
    return emitOptionalError(loc, "'tessel.prelu' op slope ", st,
                             " does not broadcast to the input ", it);
  types.push_back(it);
  return success();
}

LogicalResult LRNOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(a.getInput().getType());
  if (it.getRank() < 2)
    return emitOptionalError(loc, "'tessel.lrn' op input must have rank >= 2");
  if (a.getSize() <= 0)
    return emitOptionalError(loc, "'tessel.lrn' op size must be positive, got ", a.getSize());
  types.push_back(it);
  return success();
}
