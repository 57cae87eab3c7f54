//===- NNImporters.cpp - Convolution, pooling, normalization --------------===//
#include "frontend/OpRegistry.h"

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
  SmallVector<Value> operands{n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  auto r = n.create<ConvOp>(operands,
                            {n.namedI64s("strides", w->strides), n.namedI64s("pads", w->pads),
                             n.namedI64s("dilations", w->dilations),
                             n.named("group", n.builder().getI64IntegerAttr(n.intAttr("group", 1)))});
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
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
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

} // namespace

void registerNNImporters(OpRegistry &r) {
  r.add({"Conv", 1, 17, importConv});
  r.add({"MaxPool", 1, 17, importPool<MaxPoolOp>});
  r.add({"AveragePool", 1, 17, importPool<AvgPoolOp>});
  r.add({"GlobalAveragePool", 1, 17, importGlobalPool<ReduceMeanOp>});
  r.add({"GlobalMaxPool", 1, 17, importGlobalPool<ReduceMaxOp>});
  r.add({"BatchNormalization", 1, 17, importBatchNorm});
}

} // namespace tessel
