//===- TensorImporters.cpp - Shape manipulation and data movement ---------===//
#include "frontend/OpRegistry.h"

#include "dialects/Tessel/ShapeHelpers.h"
#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace tessel {
namespace {

LogicalResult forward(NodeImporter &n, FailureOr<Value> value) {
  if (failed(value))
    return failure();
  n.setOutput(0, *value);
  return success();
}

/// Integer values of a constant input, or of an attribute before `inputSince`.
FailureOr<SmallVector<int64_t>> intsFromInputOrAttr(NodeImporter &n, int index,
                                                    StringRef attrName, int64_t inputSince,
                                                    bool required) {
  if (n.opset() < inputSince) {
    if (required && !n.hasAttr(attrName))
      return n.error("attribute '" + attrName + "' is required");
    return n.intsAttr(attrName);
  }
  if (!n.hasInput(index)) {
    if (required)
      return n.error("input '" + attrName + "' is required");
    return SmallVector<int64_t>();
  }
  const TensorData *c = n.constantInput(index);
  if (!c)
    return n.error("input '" + attrName +
                           "' must be a compile-time constant (Tessel needs static shapes)");
  auto values = c->asInt64();
  return SmallVector<int64_t>(values.begin(), values.end());
}

LogicalResult importReshape(NodeImporter &n) {
  auto type = n.inputType(0);
  auto target = intsFromInputOrAttr(n, 1, "shape", 5, /*required=*/true);
  if (failed(target))
    return failure();
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t inferIndex = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if ((int64_t)i >= type.getRank())
        return n.error("shape entry 0 at index " + Twine(i) + " copies a dimension the input "
                       "does not have");
      d = type.getDimSize(i);
    }
    if (d == -1) {
      if (inferIndex >= 0)
        return n.error("shape has more than one -1");
      inferIndex = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return n.error("shape entry " + Twine(d) + " is invalid");
    shape.push_back(d);
    if (__builtin_mul_overflow(known, d, &known))
      return n.error("shape " + formatShape(*target) + " has more elements than fit in 64 bits");
  }
  auto total = checkedElementCount(type.getShape());
  if (!total)
    return n.error("input has too many elements");
  if (inferIndex >= 0) {
    if (known == 0 || *total % known != 0)
      return n.error("cannot infer the -1 entry: " + Twine(*total) + " elements into shape " +
                     formatShape(shape));
    shape[inferIndex] = *total / known;
  }
  auto count = checkedElementCount(shape);
  if (!count || *count != *total)
    return n.error("cannot reshape " + formatShape(type.getShape()) + " into " +
                   formatShape(shape));
  return forward(n, n.reshape(n.input(0), shape));
}

LogicalResult importFlatten(NodeImporter &n) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  int64_t axis = n.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return n.error("axis " + Twine(axis) + " is out of range for rank " + Twine(rank));
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= type.getDimSize(i);
  return forward(n, n.reshape(n.input(0), {outer, inner}));
}

LogicalResult importSqueeze(NodeImporter &n) {
  auto type = n.inputType(0);
  auto axes = intsFromInputOrAttr(n, 1, "axes", 13, /*required=*/false);
  if (failed(axes))
    return failure();
  SmallVector<bool> drop(type.getRank(), false);
  if (axes->empty()) {
    for (int64_t i = 0; i < type.getRank(); ++i)
      drop[i] = type.getDimSize(i) == 1;
  }
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, type.getRank());
    if (failed(axis))
      return failure();
    if (type.getDimSize(*axis) != 1)
      return n.error("cannot squeeze axis " + Twine(a) + " of size " +
                     Twine(type.getDimSize(*axis)));
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!drop[i])
      shape.push_back(type.getDimSize(i));
  return forward(n, n.reshape(n.input(0), shape));
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  auto type = n.inputType(0);
  auto axes = intsFromInputOrAttr(n, 1, "axes", 13, /*required=*/true);
  if (failed(axes))
    return failure();
  int64_t rank = type.getRank() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, rank);
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return n.error("axis " + Twine(a) + " repeats");
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : type.getDimSize(next++));
  return forward(n, n.reshape(n.input(0), shape));
}

LogicalResult importTranspose(NodeImporter &n) {
  auto type = n.inputType(0);
  SmallVector<int64_t> reversed;
  for (int64_t i = type.getRank() - 1; i >= 0; --i)
    reversed.push_back(i);
  auto perm = n.intsAttr("perm", reversed);
  return forward(n, n.create<TransposeOp>(ValueRange{n.input(0)}, {n.namedI64s("perm", perm)}));
}

LogicalResult importConcat(NodeImporter &n) {
  SmallVector<Value> inputs;
  for (int i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      inputs.push_back(n.input(i));
  if (inputs.empty())
    return n.error("needs at least one input");
  if (n.opset() >= 4 && !n.hasAttr("axis"))
    return n.error("attribute 'axis' is required");
  auto axis = n.normalizeAxis(n.intAttr("axis", 1),
                              cast<RankedTensorType>(inputs.front().getType()).getRank());
  if (failed(axis))
    return failure();
  return forward(n, n.create<ConcatOp>(inputs,
                                       {n.named("axis", n.builder().getI64IntegerAttr(*axis))}));
}

LogicalResult importIdentity(NodeImporter &n) {
  n.setOutput(0, n.input(0));
  return success();
}

/// Inference-mode Dropout is the identity; its optional mask output is all true.
LogicalResult importDropout(NodeImporter &n) {
  if (n.numOutputs() > 1 && !n.node().output(1).empty())
    return n.error("the mask output of Dropout is not supported");
  if (n.opset() >= 12 && n.hasInput(2)) {
    const TensorData *training = n.constantInput(2);
    if (!training || training->asInt64().empty() || training->asInt64()[0] != 0)
      return n.error("training_mode must be a constant false (inference only)");
  }
  n.setOutput(0, n.input(0));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape queries: with static shapes these are compile-time constants.
//===----------------------------------------------------------------------===//

Value int64Constant(NodeImporter &n, ArrayRef<int64_t> values, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, n.builder().getI64Type());
  return n.constant(DenseElementsAttr::get(type, values));
}

LogicalResult importShape(NodeImporter &n) {
  ArrayRef<int64_t> dims = n.inputType(0).getShape();
  int64_t rank = dims.size();
  int64_t start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  SmallVector<int64_t> values(dims.begin() + start, dims.begin() + end);
  n.setOutput(0, int64Constant(n, values, {(int64_t)values.size()}));
  return success();
}

LogicalResult importSize(NodeImporter &n) {
  n.setOutput(0, int64Constant(n, {n.inputType(0).getNumElements()}, {}));
  return success();
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  const TensorData *shapeData = n.constantInput(0);
  if (!shapeData)
    return n.error("the shape input must be a compile-time constant");
  SmallVector<int64_t> shape;
  for (int64_t d : shapeData->asInt64()) {
    if (d < 0)
      return n.error("shape entry " + Twine(d) + " is negative");
    shape.push_back(d);
  }
  if (!checkedElementCount(shape))
    return n.error("the shape has more elements than fit in 64 bits");
  Type element = n.builder().getF32Type();
  Attribute value = n.builder().getF32FloatAttr(0);
  if (const auto *a = n.attr("value")) {
    auto data = decodeTensor(a->t(), "");
    if (!data)
      return n.error(llvm::toString(data.takeError()));
    if (data->numElements() != 1)
      return n.error("value must hold exactly one element");
    element = onnxElementType(n.context(), data->onnxType);
    if (!element)
      return n.error("value has an unsupported element type");
    if (isa<FloatType>(element))
      value = n.builder().getFloatAttr(element, data->asDouble()[0]);
    else
      value = n.builder().getIntegerAttr(element, data->asInt64()[0]);
  }
  n.setOutput(0, n.constant(DenseElementsAttr::get(RankedTensorType::get(shape, element), value)));
  return success();
}

LogicalResult importRange(NodeImporter &n) {
  const TensorData *start = n.constantInput(0), *limit = n.constantInput(1),
                   *delta = n.constantInput(2);
  if (!start || !limit || !delta)
    return n.error("start, limit and delta must be compile-time constants");
  Type element = n.inputType(0).getElementType();
  double s = start->asDouble()[0], l = limit->asDouble()[0], d = delta->asDouble()[0];
  if (d == 0)
    return n.error("delta is zero");
  int64_t count = std::max<int64_t>(0, (int64_t)std::ceil((l - s) / d));
  if (count > (1 << 24))
    return n.error("the range has " + Twine(count) + " elements; at most 2^24 are supported");
  auto type = RankedTensorType::get({count}, element);
  DenseElementsAttr value;
  if (isa<FloatType>(element)) {
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < count; ++i) {
      APFloat f(s + i * d);
      bool lost;
      f.convert(cast<FloatType>(element).getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(f);
    }
    value = DenseElementsAttr::get(type, values);
  } else {
    int64_t si = start->asInt64()[0], di = delta->asInt64()[0];
    SmallVector<APInt> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(APInt(element.getIntOrFloatBitWidth(), (uint64_t)(si + i * di), true, true));
    value = DenseElementsAttr::get(type, values);
  }
  n.setOutput(0, n.constant(value));
  return success();
}

//===----------------------------------------------------------------------===//
// Indexing.
//===----------------------------------------------------------------------===//

LogicalResult importGather(NodeImporter &n) {
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return forward(n, n.create<GatherOp>(ValueRange{n.input(0), n.input(1)},
                                       {n.named("axis", n.builder().getI64IntegerAttr(*axis))}));
}

LogicalResult importGatherElements(NodeImporter &n) {
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return forward(n, n.create<GatherElementsOp>(
                        ValueRange{n.input(0), n.input(1)},
                        {n.named("axis", n.builder().getI64IntegerAttr(*axis))}));
}

/// Builds tessel.slice for per-axis [start, end) with step on `value`, with
/// ONNX Slice's clamping rules; axes not listed are kept whole.
FailureOr<Value> sliceAxes(NodeImporter &n, Value value, ArrayRef<int64_t> axes,
                           ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
                           ArrayRef<int64_t> steps) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1), shape(type.getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = n.normalizeAxis(axes[i], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.error("axis " + Twine(axes[i]) + " repeats");
    seen[*axis] = true;
    int64_t dim = type.getDimSize(*axis), step = steps[i];
    if (step == 0)
      return n.error("step is zero");
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0 && end > INT64_MIN / 2)
      end += dim;
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, -1, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end - step - 1) / -step : 0;
    }
    outStarts[*axis] = size ? start : 0;
    outSteps[*axis] = step;
    shape[*axis] = size;
  }
  return n.createWithType<SliceOp>(RankedTensorType::get(shape, type.getElementType()),
                                   ValueRange{value},
                                   {n.namedI64s("starts", outStarts), n.namedI64s("steps", outSteps)});
}

LogicalResult importSlice(NodeImporter &n) {
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset() < 10) {
    starts = n.intsAttr("starts");
    ends = n.intsAttr("ends");
    axes = n.intsAttr("axes");
  } else {
    auto read = [&](int index, const char *what, SmallVector<int64_t> &out) -> LogicalResult {
      if (!n.hasInput(index))
        return success();
      const TensorData *c = n.constantInput(index);
      if (!c)
        return n.error(Twine(what) + " must be a compile-time constant (Tessel needs static "
                                     "shapes)");
      auto v = c->asInt64();
      out.assign(v.begin(), v.end());
      return success();
    };
    if (failed(read(1, "starts", starts)) || failed(read(2, "ends", ends)) ||
        failed(read(3, "axes", axes)) || failed(read(4, "steps", steps)))
      return failure();
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size() || (int64_t)starts.size() > rank)
    return n.error("starts, ends, axes and steps must have the same length, at most the rank");
  return forward(n, sliceAxes(n, n.input(0), axes, starts, ends, steps));
}

LogicalResult importSplit(NodeImporter &n) {
  auto type = n.inputType(0);
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> sizes;
  if (n.opset() < 13) {
    sizes = n.intsAttr("split");
  } else if (n.hasInput(1)) {
    const TensorData *c = n.constantInput(1);
    if (!c)
      return n.error("split must be a compile-time constant");
    auto v = c->asInt64();
    sizes.assign(v.begin(), v.end());
  }
  int64_t dim = type.getDimSize(*axis), outputs = n.numOutputs();
  if (sizes.empty()) {
    if (outputs == 0 || dim % outputs != 0)
      return n.error("axis of size " + Twine(dim) + " does not split evenly into " +
                     Twine(outputs) + " outputs");
    sizes.assign(outputs, dim / outputs);
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    total += s;
  if ((int64_t)sizes.size() != outputs || total != dim ||
      llvm::any_of(sizes, [](int64_t s) { return s < 0; }))
    return n.error("split sizes do not add up to the axis size " + Twine(dim));
  int64_t offset = 0;
  for (int64_t i = 0; i < outputs; ++i) {
    auto part = sliceAxes(n, n.input(0), {*axis}, {offset}, {offset + sizes[i]}, {1});
    if (failed(part))
      return failure();
    n.setOutput(i, *part);
    offset += sizes[i];
  }
  return success();
}

LogicalResult importExpand(NodeImporter &n) {
  const TensorData *c = n.constantInput(1);
  if (!c)
    return n.error("shape must be a compile-time constant (Tessel needs static shapes)");
  auto type = n.inputType(0);
  auto target = c->asInt64();
  auto shape = broadcastShapes(type.getShape(), SmallVector<int64_t>(target.begin(), target.end()));
  if (!shape)
    return n.error("cannot broadcast " + formatShape(type.getShape()) + " to the given shape");
  return forward(n, n.createWithType<ExpandOp>(RankedTensorType::get(*shape, type.getElementType()),
                                               ValueRange{n.input(0)}));
}

LogicalResult importTile(NodeImporter &n) {
  const TensorData *c = n.constantInput(1);
  auto type = n.inputType(0);
  if (!c)
    return n.error("repeats must be a compile-time constant");
  auto repeats = c->asInt64();
  if ((int64_t)repeats.size() != type.getRank())
    return n.error("repeats needs one entry per dimension");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (repeats[d] < 0)
      return n.error("repeats must not be negative");
    if (repeats[d] != 0 && type.getDimSize(d) > INT64_MAX / repeats[d])
      return n.error("the result has more elements than fit in 64 bits");
    shape.push_back(type.getDimSize(d) * repeats[d]);
  }
  if (!checkedElementCount(shape))
    return n.error("the result has more elements than fit in 64 bits");
  return forward(n, n.createWithType<TileOp>(RankedTensorType::get(shape, type.getElementType()),
                                             ValueRange{n.input(0)}));
}

LogicalResult importTrilu(NodeImporter &n) {
  // k: a constant folds into the attribute; otherwise it is read at run time.
  int64_t k = 0;
  SmallVector<Value> operands{n.input(0)};
  if (n.hasInput(1)) {
    if (n.inputType(1).getNumElements() != 1)
      return n.error("k must be a scalar");
    if (const TensorData *c = n.constantInput(1)) {
      k = c->asInt64()[0];
    } else {
      auto scalar = n.reshape(n.input(1), {});
      if (failed(scalar))
        return failure();
      operands.push_back(*scalar);
    }
  }
  auto &b = n.builder();
  return forward(n, n.createWithType<TriluOp>(
                        n.inputType(0), operands,
                        {n.named("k", b.getI64IntegerAttr(k)),
                         n.named("upper", b.getBoolAttr(n.intAttr("upper", 1)))}));
}

} // namespace

void registerTensorImporters(OpRegistry &r) {
  r.add({"Shape", 1, 17, importShape});
  r.add({"Size", 1, 17, importSize});
  r.add({"ConstantOfShape", 9, 17, importConstantOfShape});
  r.add({"Range", 11, 17, importRange});
  r.add({"Gather", 1, 17, importGather});
  r.add({"GatherElements", 11, 17, importGatherElements});
  r.add({"Slice", 1, 17, importSlice});
  r.add({"Split", 1, 17, importSplit});
  r.add({"Expand", 8, 17, importExpand});
  r.add({"Tile", 6, 17, importTile});
  r.add({"Trilu", 14, 17, importTrilu});
  r.add({"Reshape", 1, 17, importReshape});
  r.add({"Flatten", 1, 17, importFlatten});
  r.add({"Squeeze", 1, 17, importSqueeze});
  r.add({"Unsqueeze", 1, 17, importUnsqueeze});
  r.add({"Transpose", 1, 17, importTranspose});
  r.add({"Concat", 1, 17, importConcat});
  r.add({"Identity", 1, 17, importIdentity});
  r.add({"Dropout", 1, 17, importDropout});
}

} // namespace tessel
