//===- NNImporters.cpp - Convolution, pooling, normalization --------------===//
#include "frontend/OpRegistry.h"

#include "dialects/Tessel/ShapeHelpers.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace tessel {
namespace {

/// Window attributes resolved to explicit per-axis values.
struct Window {
  SmallVector<int64_t> kernel, strides, pads, dilations;
};

/// Reads kernel_shape/strides/pads/dilations/auto_pad of a conv or pool node
/// and resolves auto_pad into explicit pads for the given input.
FailureOr<Window> readWindow(NodeImporter &n, ArrayRef<int64_t> kernel) {
  auto type = n.inputType(0);
  int64_t spatial = type.getRank() - 2;
  if (spatial < 1)
    return n.error("input must have at least one spatial axis, got rank " +
                           Twine(type.getRank()));
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  if ((int64_t)w.kernel.size() != spatial)
    return n.error("kernel_shape has " + Twine(w.kernel.size()) + " entries for " +
                           Twine(spatial) + " spatial axes");
  w.strides = n.intsAttr("strides", SmallVector<int64_t>(spatial, 1));
  w.dilations = n.intsAttr("dilations", SmallVector<int64_t>(spatial, 1));
  w.pads = n.intsAttr("pads", SmallVector<int64_t>(2 * spatial, 0));
  if ((int64_t)w.strides.size() != spatial || (int64_t)w.dilations.size() != spatial ||
      (int64_t)w.pads.size() != 2 * spatial)
    return n.error("strides, dilations and pads must have one entry per spatial axis "
                           "(pads: two)");
  for (int64_t i = 0; i < spatial; ++i)
    if (w.strides[i] <= 0 || w.dilations[i] <= 0 || w.kernel[i] <= 0)
      return n.error("kernel sizes, strides and dilations must be positive");
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = type.getDimSize(i + 2);
      int64_t out = (in + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 - in);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return n.error("unknown auto_pad '" + autoPad + "'");
  }
  return w;
}

/// A zero [M] bias for a convolution whose weight is [M, ...].
Value zeroBias(NodeImporter &n, RankedTensorType weightType) {
  auto type = RankedTensorType::get({weightType.getDimSize(0)}, weightType.getElementType());
  Attribute zero = n.builder().getZeroAttr(weightType.getElementType());
  return ConstantOp::create(n.builder(), n.loc(), type, DenseElementsAttr::get(type, zero));
}

LogicalResult importConv(NodeImporter &n) {
  auto wt = n.inputType(1);
  if (!wt || wt.getRank() < 3)
    return n.error("weight must have rank >= 3");
  auto kernel = n.intsAttr("kernel_shape", wt.getShape().drop_front(2));
  if (ArrayRef<int64_t>(kernel) != wt.getShape().drop_front(2))
    return n.error("kernel_shape does not match the weight's shape");
  auto w = readWindow(n, kernel);
  if (failed(w))
    return failure();
  // tessel.conv always has a bias (its accumulator starts from it); a
  // bias-less Conv gets zeros.
  Value bias = n.hasInput(2) ? n.input(2) : zeroBias(n, wt);
  auto r = n.create<ConvOp>(ValueRange{n.input(0), n.input(1), bias},
                            {n.namedI64s("strides", w->strides), n.namedI64s("pads", w->pads),
                             n.namedI64s("dilations", w->dilations),
                             n.named("group", n.builder().getI64IntegerAttr(n.intAttr("group", 1)))});
  return n.setResult(r);
}

template <typename OpTy>
LogicalResult importPool(NodeImporter &n) {
  if (n.numOutputs() > 1 && !n.node().output(1).empty())
    return n.error("the Indices output of MaxPool is not supported");
  if (n.intAttr("storage_order", 0) != 0)
    return n.error("storage_order=1 is not supported");
  if (!n.hasAttr("kernel_shape"))
    return n.error("kernel_shape is required");
  bool ceilMode = n.intAttr("ceil_mode", 0);
  auto w = readWindow(n, n.intsAttr("kernel_shape"));
  if (failed(w))
    return failure();
  auto &b = n.builder();
  auto r = n.create<OpTy>(
      ValueRange{n.input(0)},
      {n.namedI64s("kernel_shape", w->kernel), n.namedI64s("strides", w->strides),
       n.namedI64s("pads", w->pads), n.namedI64s("dilations", w->dilations),
       n.named("ceil_mode", b.getBoolAttr(ceilMode)),
       n.named("count_include_pad", b.getBoolAttr(n.intAttr("count_include_pad", 0)))});
  return n.setResult(r);
}

template <typename ReduceOpTy>
LogicalResult importGlobalPool(NodeImporter &n) {
  auto type = n.inputType(0);
  if (type.getRank() < 3)
    return n.error("input must have at least one spatial axis");
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < type.getRank(); ++i)
    axes.push_back(i);
  auto r = n.create<ReduceOpTy>(ValueRange{n.input(0)},
                                {n.namedI64s("axes", axes),
                                 n.named("keepdims", n.builder().getBoolAttr(true))});
  return n.setResult(r);
}

LogicalResult importBatchNorm(NodeImporter &n) {
  if (n.intAttr("training_mode", 0) != 0)
    return n.error("training_mode=1 is not supported (inference only)");
  for (int i = 1; i < n.numOutputs(); ++i)
    if (!n.node().output(i).empty())
      return n.error("the training outputs (running mean/var) are not supported");
  if (n.opset() < 9 && n.intAttr("spatial", 1) != 1)
    return n.error("spatial=0 is not supported");
  auto r = n.create<BatchNormOp>(
      ValueRange{n.input(0), n.input(1), n.input(2), n.input(3), n.input(4)},
      {n.named("epsilon", n.builder().getF64FloatAttr(n.floatAttr("epsilon", 1e-5)))});
  return n.setResult(r);
}

/// Float values of a repeated-float attribute (empty when absent).
SmallVector<double> floatsAttr(NodeImporter &n, StringRef name) {
  SmallVector<double> out;
  if (const onnx::AttributeProto *a = n.attr(name))
    for (float f : a->floats())
      out.push_back(f);
  return out;
}

LogicalResult importConvTranspose(NodeImporter &n) {
  auto it = n.inputType(0);
  auto wt = n.inputType(1);
  if (!wt || wt.getRank() < 3 || it.getRank() != wt.getRank())
    return n.error("input and weight must have the same rank, at least 3");
  int64_t spatial = it.getRank() - 2;
  ArrayRef<int64_t> kernel = wt.getShape().drop_front(2);
  if (n.hasAttr("kernel_shape") && ArrayRef<int64_t>(n.intsAttr("kernel_shape")) != kernel)
    return n.error("kernel_shape does not match the weight's shape " +
                   formatShape(wt.getShape()));
  auto strides = n.intsAttr("strides", SmallVector<int64_t>(spatial, 1));
  auto dilations = n.intsAttr("dilations", SmallVector<int64_t>(spatial, 1));
  auto outPad = n.intsAttr("output_padding", SmallVector<int64_t>(spatial, 0));
  auto pads = n.intsAttr("pads", SmallVector<int64_t>(2 * spatial, 0));
  if ((int64_t)strides.size() != spatial || (int64_t)dilations.size() != spatial ||
      (int64_t)outPad.size() != spatial || (int64_t)pads.size() != 2 * spatial)
    return n.error("strides, dilations, output_padding and pads must have one entry per "
                   "spatial axis (pads: two)");
  for (int64_t i = 0; i < spatial; ++i)
    if (strides[i] <= 0 || dilations[i] <= 0)
      return n.error("strides and dilations must be positive");
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return n.error("unknown auto_pad '" + autoPad + "'");
  SmallVector<int64_t> outShape;
  if (n.hasAttr("output_shape")) {
    outShape = n.intsAttr("output_shape");
    if ((int64_t)outShape.size() == spatial + 2)
      outShape.erase(outShape.begin(), outShape.begin() + 2);
    if ((int64_t)outShape.size() != spatial)
      return n.error("output_shape has " + Twine(outShape.size()) + " entries for " +
                     Twine(spatial) + " spatial axes");
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i)
      outShape.push_back(it.getDimSize(i + 2) * strides[i]);
  }
  if (autoPad == "VALID")
    std::fill(pads.begin(), pads.end(), 0);
  // An explicit output size fixes the total padding; ONNX puts the odd
  // element at the end for SAME_UPPER and at the begin otherwise. A negative
  // total (a larger output than the full one) appends bias-only elements.
  for (int64_t i = 0; i < (int64_t)outShape.size(); ++i) {
    int64_t full = strides[i] * (it.getDimSize(i + 2) - 1) + outPad[i] +
                   (kernel[i] - 1) * dilations[i] + 1;
    int64_t total = full - outShape[i];
    if (total < 0) {
      pads[i] = pads[i + spatial] = 0;
      outPad[i] -= total;
      continue;
    }
    int64_t half = total / 2;
    pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
    pads[i + spatial] = total - pads[i];
  }
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  return n.setResult(n.create<ConvTransposeOp>(
                        operands,
                        {n.namedI64s("strides", strides), n.namedI64s("pads", pads),
                         n.namedI64s("dilations", dilations),
                         n.namedI64s("output_padding", outPad),
                         n.named("group", n.builder().getI64IntegerAttr(n.intAttr("group", 1)))}));
}

/// Pad: pads/value attributes before opset 11 ("paddings" at opset 1),
/// constant inputs from opset 11.
LogicalResult importPad(NodeImporter &n) {
  auto type = n.inputType(0);
  std::string mode = n.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return n.error("mode '" + mode + "' is not supported (constant, reflect or edge)");
  SmallVector<int64_t> pads;
  double value = 0;
  if (n.opset() < 11) {
    const char *name = n.opset() < 2 ? "paddings" : "pads";
    if (!n.hasAttr(name))
      return n.error(Twine("attribute '") + name + "' is required");
    pads = n.intsAttr(name);
    value = n.floatAttr("value", 0.0);
  } else if (n.computedFromRunTimeSizes({1})) {
    // Pads read at run time (a graph input); the value is any scalar.
    RankedTensorType padsType = n.inputType(1);
    int64_t rank = type.getRank();
    if (padsType.getRank() != 1 || !padsType.getElementType().isInteger(64))
      return n.error("pads must be a 1-D int64 tensor, has " + formatShape(padsType.getShape()));
    if (n.hasInput(3))
      return n.error("axes is not supported with pads read at run time");
    if (padsType.getDimSize(0) != 2 * rank)
      return n.error("pads has " + Twine(padsType.getDimSize(0)) + " entries for rank " +
                     Twine(rank) + " (expected " + Twine(2 * rank) + ")");
    FailureOr<Value> value = n.scalarConstant(type.getElementType(), 0);
    if (n.hasInput(2)) {
      if (!n.inputType(2).hasStaticShape() || n.inputType(2).getNumElements() != 1 ||
          n.inputType(2).getElementType() != type.getElementType())
        return n.error("constant_value must hold one value of the input's type");
      value = n.reshape(n.input(2), {});
      if (failed(value))
        return failure();
    }
    auto resultType = RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                            type.getElementType());
    return n.setResult(n.createWithType<ComputedPadOp>(
        resultType, ValueRange{n.input(0), n.input(1), *value},
        {n.named("mode", n.builder().getStringAttr(mode))}));
  } else {
    auto c = n.requireConstantInput(1, "pads");
    if (failed(c))
      return failure();
    for (int64_t p : (*c)->asInt64())
      pads.push_back(p);
    if (n.hasInput(2)) {
      auto v = n.requireConstantInput(2, "constant_value");
      if (failed(v))
        return failure();
      if ((*v)->numElements() != 1)
        return n.error("constant_value must hold one value");
      value = (*v)->asDouble()[0];
    }
  }
  if ((int64_t)pads.size() != 2 * type.getRank())
    return n.error("pads has " + Twine(pads.size()) + " entries for rank " +
                   Twine(type.getRank()) + " (expected " + Twine(2 * type.getRank()) + ")");
  auto &b = n.builder();
  return n.setResult(n.create<PadOp>(ValueRange{n.input(0)},
                                    {n.namedI64s("pads", pads),
                                     n.named("mode", b.getStringAttr(mode)),
                                     n.named("constant_value", b.getF64FloatAttr(value))}));
}

/// Resize or Upsample with parameters read at run time (see importResize).
LogicalResult importComputedResize(NodeImporter &n, StringRef mode, bool legacy, int scalesIndex) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  auto &b = n.builder();
  // An empty input (an omitted optional one, or a tensor of no elements)
  // does not count.
  auto given = [&](int i) {
    return n.hasInput(i) &&
           !(n.inputType(i).hasStaticShape() && n.inputType(i).getNumElements() == 0);
  };
  bool bySizes = !legacy && given(3);
  int index = bySizes ? 3 : scalesIndex;
  if (!given(index))
    return n.error("one of scales and sizes is required");
  if (!legacy && given(2) && given(3))
    return n.error("only one of scales and sizes may be given");
  RankedTensorType t = n.inputType(index);
  Type want = bySizes ? Type(b.getI64Type()) : Type(b.getF32Type());
  if (t.getRank() != 1 || t.getDimSize(0) != rank || t.getElementType() != want)
    return n.error(Twine(bySizes ? "sizes" : "scales") + " must be a 1-D " +
                   (bySizes ? "int64" : "float") + " tensor of one entry per dimension, has " +
                   formatShape(t.getShape()));
  std::string ctm = legacy ? "asymmetric" : n.stringAttr("coordinate_transformation_mode",
                                                         "half_pixel");
  Value scales, sizes, roi;
  (bySizes ? sizes : scales) = n.input(index);
  if (ctm == "tf_crop_and_resize") {
    if (!given(1) || n.inputType(1).getRank() != 1 || n.inputType(1).getDimSize(0) != 2 * rank ||
        !n.inputType(1).getElementType().isF32())
      return n.error("tf_crop_and_resize needs a float roi of 2 x rank entries");
    roi = n.input(1);
  }
  // Static where a constant scale or size with a static input size says so.
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  if (const TensorData *c = n.constantInput(index)) {
    for (int64_t d = 0; d < rank; ++d) {
      if (bySizes)
        shape[d] = c->asInt64()[d] >= 0 ? c->asInt64()[d] : ShapedType::kDynamic;
      else if (!type.isDynamicDim(d) && c->asDouble()[d] > 0)
        shape[d] = (int64_t)std::floor((double)(float)c->asDouble()[d] * (double)type.getDimSize(d));
    }
  }
  SmallVector<NamedAttribute> attrs{
      n.named("mode", b.getStringAttr(mode)),
      n.named("coordinate_transformation_mode", b.getStringAttr(ctm)),
      n.named("legacy_nearest", b.getBoolAttr(legacy))};
  if (!legacy) {
    attrs.push_back(n.named("nearest_mode",
                            b.getStringAttr(n.stringAttr("nearest_mode", "round_prefer_floor"))));
    attrs.push_back(n.named("cubic_coeff_a", b.getF64FloatAttr(n.floatAttr("cubic_coeff_a", -0.75))));
    attrs.push_back(n.named("exclude_outside", b.getBoolAttr(n.intAttr("exclude_outside", 0))));
    attrs.push_back(
        n.named("extrapolation_value", b.getF64FloatAttr(n.floatAttr("extrapolation_value", 0))));
  }
  // The parameters not given are empty.
  auto empty = [&](Type element) {
    return n.constant(DenseElementsAttr::get(RankedTensorType::get({0}, element),
                                             ArrayRef<Attribute>{}));
  };
  return n.setResult(n.createWithType<ComputedResizeOp>(
      RankedTensorType::get(shape, type.getElementType()),
      ValueRange{n.input(0), scales ? scales : empty(b.getF32Type()),
                 sizes ? sizes : empty(b.getI64Type()), roi ? roi : empty(b.getF32Type())},
      attrs));
}

/// Resize (opsets 10-17) and Upsample (opsets 7-9). Scales or sizes must be
/// constants. Upsample and Resize-10 use the asymmetric transform and pick
/// the floor (upsampling) or ceil (downsampling) neighbour, as ONNX Runtime.
LogicalResult importResize(NodeImporter &n) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  bool legacy = n.node().op_type() == "Upsample" || n.opset() < 11;
  std::string mode = n.stringAttr("mode", "nearest");
  if (mode == "bilinear" || mode == "trilinear")
    mode = "linear";
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return n.error("mode '" + mode + "' is not supported (nearest, linear or cubic)");
  if (legacy && mode == "cubic")
    return n.error("mode 'cubic' needs Resize from opset 11");
  // Scales, sizes or roi read at run time (graph inputs), or an input of
  // run-time size: a tessel.computed_resize.
  bool fromAttr = n.node().op_type() == "Upsample" && n.opset() < 9;
  int scalesIndex = legacy ? 1 : 2;
  SmallVector<int> parameters = legacy ? SmallVector<int>{1} : SmallVector<int>{1, 2, 3};
  if (!fromAttr && (n.computedFromRunTimeSizes(parameters) || !type.hasStaticShape()))
    return importComputedResize(n, mode, legacy, scalesIndex);
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  auto readScales = [&](int index) -> LogicalResult {
    auto c = n.requireConstantInput(index, "scales");
    if (failed(c))
      return failure();
    for (double s : (*c)->asDouble())
      scales.push_back(s);
    return success();
  };
  if (n.node().op_type() == "Upsample" && n.opset() < 9) {
    scales = floatsAttr(n, "scales");
    if (scales.empty())
      return n.error("attribute 'scales' is required");
  } else if (legacy) {
    if (failed(readScales(1)))
      return failure();
  } else {
    if (n.hasInput(3)) {
      auto c = n.requireConstantInput(3, "sizes");
      if (failed(c))
        return failure();
      for (int64_t s : (*c)->asInt64())
        sizes.push_back(s);
    }
    if (sizes.empty() && n.hasInput(2) && failed(readScales(2)))
      return failure();
    if (!sizes.empty() && !scales.empty())
      return n.error("only one of scales and sizes may be given");
    if (sizes.empty() && scales.empty())
      return n.error("one of scales and sizes is required");
  }
  if (!scales.empty() && (int64_t)scales.size() != rank)
    return n.error("scales has " + Twine(scales.size()) + " entries for rank " + Twine(rank));
  if (!sizes.empty() && (int64_t)sizes.size() != rank)
    return n.error("sizes has " + Twine(sizes.size()) + " entries for rank " + Twine(rank));
  if (sizes.empty()) {
    for (int64_t i = 0; i < rank; ++i) {
      if (!(scales[i] > 0))
        return n.error("scales must be positive");
      sizes.push_back((int64_t)std::floor(scales[i] * (double)type.getDimSize(i)));
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      scales.push_back((double)sizes[i] / (double)type.getDimSize(i));
  }

  auto &b = n.builder();
  SmallVector<NamedAttribute> attrs{n.namedI64s("sizes", sizes),
                                    n.named("scales", b.getDenseF64ArrayAttr(scales)),
                                    n.named("mode", b.getStringAttr(mode))};
  if (legacy) {
    bool up = false, down = false;
    for (double s : scales)
      (s > 1 ? up : down) |= s != 1;
    if (mode == "nearest" && up && down)
      return n.error("nearest resizing that both up- and downsamples is not supported before "
                     "opset 11");
    attrs.push_back(n.named("coordinate_transformation_mode", b.getStringAttr("asymmetric")));
    attrs.push_back(n.named("nearest_mode", b.getStringAttr(down ? "ceil" : "floor")));
  } else {
    std::string ctm = n.stringAttr("coordinate_transformation_mode", "half_pixel");
    attrs.push_back(n.named("coordinate_transformation_mode", b.getStringAttr(ctm)));
    attrs.push_back(
        n.named("nearest_mode", b.getStringAttr(n.stringAttr("nearest_mode", "round_prefer_floor"))));
    attrs.push_back(n.named("cubic_coeff_a", b.getF64FloatAttr(n.floatAttr("cubic_coeff_a", -0.75))));
    attrs.push_back(n.named("exclude_outside", b.getBoolAttr(n.intAttr("exclude_outside", 0))));
    attrs.push_back(
        n.named("extrapolation_value", b.getF64FloatAttr(n.floatAttr("extrapolation_value", 0))));
    if (ctm == "tf_crop_and_resize") {
      auto c = n.requireConstantInput(1, "roi");
      if (failed(c))
        return failure();
      auto roi = (*c)->asDouble();
      attrs.push_back(n.named("roi", b.getDenseF64ArrayAttr(SmallVector<double>(roi.begin(), roi.end()))));
    }
  }
  return n.setResult(n.create<ResizeOp>(ValueRange{n.input(0)}, attrs));
}

/// DepthToSpace and SpaceToDepth are reshape / transpose / reshape.
/// Their blocksize, after checking that the input is 4-D.
FailureOr<int64_t> blockSize(NodeImporter &n) {
  if (n.inputType(0).getRank() != 4)
    return n.error("input must be 4-D [N, C, H, W]");
  int64_t bs = n.intAttr("blocksize", 0);
  if (bs <= 0)
    return n.error("blocksize must be positive");
  return bs;
}

/// Reshapes the input to `split`, transposes it by `perm`, reshapes to `result`.
LogicalResult shuffleAxes(NodeImporter &n, ArrayRef<int64_t> split, ArrayRef<int64_t> perm,
                          ArrayRef<int64_t> result) {
  auto parts = n.reshape(n.input(0), split);
  if (failed(parts))
    return failure();
  auto t = n.create<TransposeOp>(ValueRange{*parts}, {n.namedI64s("perm", perm)});
  if (failed(t))
    return failure();
  return n.setResult(n.reshape(*t, result));
}

LogicalResult importDepthToSpace(NodeImporter &n) {
  auto bs = blockSize(n);
  if (failed(bs))
    return failure();
  ArrayRef<int64_t> dims = n.inputType(0).getShape();
  int64_t N = dims[0], C = dims[1], H = dims[2], W = dims[3], b = *bs;
  if (C % (b * b) != 0)
    return n.error("channels " + Twine(C) + " are not divisible by blocksize^2 = " +
                   Twine(b * b));
  SmallVector<int64_t> result{N, C / (b * b), H * b, W * b};
  std::string mode = n.stringAttr("mode", "DCR");
  if (mode == "DCR")
    return shuffleAxes(n, {N, b, b, C / (b * b), H, W}, {0, 3, 4, 1, 5, 2}, result);
  if (mode == "CRD")
    return shuffleAxes(n, {N, C / (b * b), b, b, H, W}, {0, 1, 4, 2, 5, 3}, result);
  return n.error("mode '" + mode + "' is not supported (DCR or CRD)");
}

LogicalResult importSpaceToDepth(NodeImporter &n) {
  auto bs = blockSize(n);
  if (failed(bs))
    return failure();
  ArrayRef<int64_t> dims = n.inputType(0).getShape();
  int64_t N = dims[0], C = dims[1], H = dims[2], W = dims[3], b = *bs;
  if (H % b != 0 || W % b != 0)
    return n.error("spatial size " + Twine(H) + "x" + Twine(W) +
                   " is not divisible by blocksize " + Twine(b));
  return shuffleAxes(n, {N, C, H / b, b, W / b, b}, {0, 3, 5, 1, 2, 4},
                     {N, C * b * b, H / b, W / b});
}

/// Reshapes a per-channel vector [C] to [C, 1, ..., 1] for an input of `rank`.
FailureOr<Value> channelVector(NodeImporter &n, Value v, int64_t rank) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = t.getNumElements();
  return n.reshape(v, shape);
}

/// InstanceNormalization = a layer norm over the spatial axes (axis 2) without
/// scale, then the per-channel scale and bias.
LogicalResult importInstanceNorm(NodeImporter &n) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  if (rank < 3)
    return n.error("input must have at least one spatial axis");
  int64_t channels = type.getDimSize(1);
  if (!n.hasInput(1) || !n.hasInput(2))
    return n.error("inputs scale and B are required");
  for (int i = 1; i <= 2; ++i)
    if (n.inputType(i).getNumElements() != channels || n.inputType(i).getRank() != 1)
      return n.error(Twine(i == 1 ? "scale" : "B") + " must have shape [" + Twine(channels) + "]");
  Type et = type.getElementType();
  Value one = n.scalarConstant(et, 1.0);
  auto norm = n.create<LayerNormOp>(
      ValueRange{n.input(0), one},
      {n.named("axis", n.builder().getI64IntegerAttr(2)),
       n.named("epsilon", n.builder().getF64FloatAttr(n.floatAttr("epsilon", 1e-5)))});
  if (failed(norm))
    return failure();
  auto scale = channelVector(n, n.input(1), rank);
  auto bias = channelVector(n, n.input(2), rank);
  if (failed(scale) || failed(bias))
    return failure();
  auto scaled = n.create<MulOp>(ValueRange{*norm, *scale});
  if (failed(scaled))
    return failure();
  return n.setResult(n.create<AddOp>(ValueRange{*scaled, *bias}));
}

/// LayerNormalization (opset 17): tessel.layer_norm; the optional Mean and
/// InvStdDev outputs are computed beside it when the graph uses them.
LogicalResult importLayerNorm(NodeImporter &n) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  auto axis = n.normalizeAxis(n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  if (n.intAttr("stash_type", 1) != 1)
    return n.error("stash_type " + Twine(n.intAttr("stash_type", 1)) +
                   " is not supported (only 1, float32)");
  double eps = n.floatAttr("epsilon", 1e-5);
  auto &b = n.builder();
  if (!n.hasInput(1))
    return n.error("input 'Scale' is required");
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  auto y = n.create<LayerNormOp>(operands, {n.named("axis", b.getI64IntegerAttr(*axis)),
                                            n.named("epsilon", b.getF64FloatAttr(eps))});
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  bool wantMean = n.numOutputs() > 1 && !n.node().output(1).empty();
  bool wantInv = n.numOutputs() > 2 && !n.node().output(2).empty();
  if (!wantMean && !wantInv)
    return success();
  SmallVector<int64_t> axes;
  for (int64_t i = *axis; i < rank; ++i)
    axes.push_back(i);
  SmallVector<NamedAttribute> reduceAttrs{n.namedI64s("axes", axes),
                                          n.named("keepdims", b.getBoolAttr(true))};
  auto mean = n.create<ReduceMeanOp>(ValueRange{n.input(0)}, reduceAttrs);
  if (failed(mean))
    return failure();
  n.setOutput(1, *mean);
  if (!wantInv)
    return success();
  auto centered = n.create<SubOp>(ValueRange{n.input(0), *mean});
  if (failed(centered))
    return failure();
  auto square = n.create<MulOp>(ValueRange{*centered, *centered});
  if (failed(square))
    return failure();
  auto var = n.create<ReduceMeanOp>(ValueRange{*square}, reduceAttrs);
  if (failed(var))
    return failure();
  auto shifted = n.create<AddOp>(ValueRange{*var, n.scalarConstant(type.getElementType(), eps)});
  if (failed(shifted))
    return failure();
  auto stddev = n.create<SqrtOp>(ValueRange{*shifted});
  if (failed(stddev))
    return failure();
  auto inv = n.create<ReciprocalOp>(ValueRange{*stddev});
  if (failed(inv))
    return failure();
  n.setOutput(2, *inv);
  return success();
}

/// MeanVarianceNormalization, as ONNX's function body writes it:
/// (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) over `axes` (default N, H, W).
LogicalResult importMeanVarianceNormalization(NodeImporter &n) {
  auto type = n.inputType(0);
  SmallVector<int64_t> axes;
  for (int64_t a : n.intsAttr("axes", {0, 2, 3})) {
    auto axis = n.normalizeAxis(a, type.getRank());
    if (failed(axis))
      return failure();
    axes.push_back(*axis);
  }
  Type et = type.getElementType();
  SmallVector<NamedAttribute> reduceAttrs{n.namedI64s("axes", axes),
                                          n.named("keepdims", n.builder().getBoolAttr(true))};
  auto mean = n.create<ReduceMeanOp>(ValueRange{n.input(0)}, reduceAttrs);
  if (failed(mean))
    return failure();
  auto square = n.create<MulOp>(ValueRange{n.input(0), n.input(0)});
  if (failed(square))
    return failure();
  auto meanOfSquare = n.create<ReduceMeanOp>(ValueRange{*square}, reduceAttrs);
  if (failed(meanOfSquare))
    return failure();
  auto squareOfMean = n.create<MulOp>(ValueRange{*mean, *mean});
  if (failed(squareOfMean))
    return failure();
  auto var = n.create<SubOp>(ValueRange{*meanOfSquare, *squareOfMean});
  if (failed(var))
    return failure();
  auto stddev = n.create<SqrtOp>(ValueRange{*var});
  if (failed(stddev))
    return failure();
  auto denominator = n.create<AddOp>(ValueRange{*stddev, n.scalarConstant(et, 1e-9)});
  if (failed(denominator))
    return failure();
  auto centered = n.create<SubOp>(ValueRange{n.input(0), *mean});
  if (failed(centered))
    return failure();
  return n.setResult(n.create<DivOp>(ValueRange{*centered, *denominator}));
}

/// PRelu: the slope broadcasts to the input (NumPy rules, from opset 7);
/// before, a 1-D slope of C values applies per channel (axis 1).
LogicalResult importPRelu(NodeImporter &n) {
  auto type = n.inputType(0);
  auto st = n.inputType(1);
  Value slope = n.input(1);
  if (n.opset() < 7 && st.getRank() == 1 && type.getRank() >= 2 && st.getDimSize(0) != 1 &&
      st.getDimSize(0) == type.getDimSize(1)) {
    auto r = channelVector(n, slope, type.getRank());
    if (failed(r))
      return failure();
    slope = *r;
  }
  return n.setResult(n.create<PReluOp>(ValueRange{n.input(0), slope}));
}

/// LpNormalization: x / ||x||_p along one axis (p = 1 or 2).
LogicalResult importLpNormalization(NodeImporter &n) {
  auto type = n.inputType(0);
  auto axis = n.normalizeAxis(n.intAttr("axis", -1), type.getRank());
  if (failed(axis))
    return failure();
  int64_t p = n.intAttr("p", 2);
  if (p != 1 && p != 2)
    return n.error("p = " + Twine(p) + " is not supported (1 or 2)");
  FailureOr<Value> mag = p == 1 ? n.create<AbsOp>(ValueRange{n.input(0)})
                                : n.create<MulOp>(ValueRange{n.input(0), n.input(0)});
  if (failed(mag))
    return failure();
  auto sum = n.create<ReduceSumOp>(ValueRange{*mag},
                                   {n.namedI64s("axes", {*axis}),
                                    n.named("keepdims", n.builder().getBoolAttr(true))});
  if (failed(sum))
    return failure();
  if (p == 2) {
    sum = n.create<SqrtOp>(ValueRange{*sum});
    if (failed(sum))
      return failure();
  }
  return n.setResult(n.create<DivOp>(ValueRange{n.input(0), *sum}));
}

/// GlobalLpPool: (sum over the spatial axes of |x|^p)^(1/p).
LogicalResult importGlobalLpPool(NodeImporter &n) {
  auto type = n.inputType(0);
  if (type.getRank() < 3)
    return n.error("input must have at least one spatial axis");
  int64_t p = n.intAttr("p", 2);
  if (p <= 0)
    return n.error("p must be positive, got " + Twine(p));
  Type et = type.getElementType();
  auto mag = n.create<AbsOp>(ValueRange{n.input(0)});
  if (failed(mag))
    return failure();
  if (p == 2)
    mag = n.create<MulOp>(ValueRange{*mag, *mag});
  else if (p != 1)
    mag = n.create<PowOp>(ValueRange{*mag, n.scalarConstant(et, p)});
  if (failed(mag))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < type.getRank(); ++i)
    axes.push_back(i);
  auto sum = n.create<ReduceSumOp>(ValueRange{*mag},
                                   {n.namedI64s("axes", axes),
                                    n.named("keepdims", n.builder().getBoolAttr(true))});
  if (failed(sum) || p == 1)
    return n.setResult(sum);
  if (p == 2)
    return n.setResult(n.create<SqrtOp>(ValueRange{*sum}));
  return n.setResult(n.create<PowOp>(ValueRange{*sum, n.scalarConstant(et, 1.0 / p)}));
}

LogicalResult importLRN(NodeImporter &n) {
  if (!n.hasAttr("size"))
    return n.error("attribute 'size' is required");
  auto &b = n.builder();
  return n.setResult(n.create<LRNOp>(ValueRange{n.input(0)},
                                    {n.named("size", b.getI64IntegerAttr(n.intAttr("size", 0))),
                                     n.named("alpha", b.getF64FloatAttr(n.floatAttr("alpha", 1e-4))),
                                     n.named("beta", b.getF64FloatAttr(n.floatAttr("beta", 0.75))),
                                     n.named("bias", b.getF64FloatAttr(n.floatAttr("bias", 1.0)))}));
}

} // namespace

void registerNNImporters(OpRegistry &r) {
  r.add({"Conv", 1, 17, importConv});
  r.add({"MaxPool", 1, 17, importPool<MaxPoolOp>});
  r.add({"AveragePool", 1, 17, importPool<AvgPoolOp>});
  r.add({"GlobalAveragePool", 1, 17, importGlobalPool<ReduceMeanOp>});
  r.add({"GlobalMaxPool", 1, 17, importGlobalPool<ReduceMaxOp>});
  r.add({"BatchNormalization", 1, 17, importBatchNorm});
  r.add({"ConvTranspose", 1, 17, importConvTranspose});
  r.add({"Pad", 1, 17, importPad});
  r.add({"Resize", 10, 17, importResize});
  r.add({"Upsample", 7, 9, importResize});
  r.add({"DepthToSpace", 1, 17, importDepthToSpace});
  r.add({"SpaceToDepth", 1, 17, importSpaceToDepth});
  r.add({"InstanceNormalization", 1, 17, importInstanceNorm});
  r.add({"LayerNormalization", 17, 17, importLayerNorm});
  r.add({"PRelu", 1, 17, importPRelu});
  r.add({"LpNormalization", 1, 17, importLpNormalization});
  r.add({"MeanVarianceNormalization", 9, 17, importMeanVarianceNormalization});
  r.add({"GlobalLpPool", 2, 17, importGlobalLpPool});
  r.add({"LRN", 1, 17, importLRN});
}

} // namespace tessel
