//===- TensorImporters.cpp - Shape manipulation and data movement ---------===//
#include "frontend/OpRegistry.h"

#include "dialects/Tessel/ShapeArithmetic.h"
#include "dialects/Tessel/ShapeHelpers.h"
#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace tessel {
namespace {

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
  auto c = n.requireConstantInput(index, attrName);
  if (failed(c))
    return failure();
  auto values = (*c)->asInt64();
  return SmallVector<int64_t>(values.begin(), values.end());
}

/// Reshape of an input with a dynamic batch (dimension 0, the only dynamic
/// one) that keeps it: the target's entry 0 is 0 (copy) or -1, the rest
/// static or one -1 inferred from the sample's element count.
LogicalResult importBatchReshape(NodeImporter &n, RankedTensorType type,
                                 ArrayRef<int64_t> target, bool allowZero) {
  ArrayRef<int64_t> dims = type.getShape();
  if (dims.empty() || !type.isDynamicDim(0) ||
      llvm::any_of(dims.drop_front(), ShapedType::isDynamic) || target.empty() ||
      !(target[0] == -1 || (target[0] == 0 && !allowZero)))
    return n.error("Reshape of " + formatShape(dims) + " into " + formatShape(target) +
                   " takes dynamic dimensions only as a batch (dimension 0) that it keeps, "
                   "yet; fix the model's dynamic dimensions at compile time with --dim "
                   "SYMBOL=N or --input-shape NAME=DIMS");
  int64_t sample = *checkedElementCount(dims.drop_front()), known = 1, inferIndex = -1;
  SmallVector<int64_t> shape{ShapedType::kDynamic};
  for (auto [i, entry] : llvm::enumerate(target.drop_front())) {
    int64_t d = entry;
    if (d == 0 && !allowZero) {
      if (i + 1 >= dims.size())
        return n.error("shape entry 0 at index " + Twine(i + 1) + " copies a dimension the "
                       "input does not have");
      d = dims[i + 1];
    }
    if (d == -1) {
      if (inferIndex >= 0 || target[0] == -1)
        return n.error("shape has more than one -1");
      inferIndex = shape.size();
      shape.push_back(1);
      continue;
    }
    if (d < 0 || __builtin_mul_overflow(known, d, &known))
      return n.error("shape entry " + Twine(d) + " is invalid");
    shape.push_back(d);
  }
  if (inferIndex >= 0) {
    if (known == 0 || sample % known != 0)
      return n.error("cannot infer the -1 entry: samples of " + Twine(sample) +
                     " elements into " + formatShape(shape));
    shape[inferIndex] = sample / known;
    known = sample;
  }
  if (known != sample)
    return n.error("cannot reshape samples of " + formatShape(dims.drop_front()) + " into " +
                   formatShape(ArrayRef<int64_t>(shape).drop_front()) +
                   " (a Reshape that changes the batch dimension is not supported with dynamic "
                   "dimensions yet)");
  return n.setResult(n.reshape(n.input(0), shape));
}

/// Reshape to a shape computed from run-time sizes (Shape -> ... -> Reshape
/// in a model with dynamic dimensions).
LogicalResult importComputedReshape(NodeImporter &n, bool allowZero) {
  RankedTensorType shapeType = n.inputType(1);
  if (shapeType.getRank() != 1 || !shapeType.getElementType().isInteger(64))
    return n.error("shape must be a 1-D int64 tensor, has " + formatShape(shapeType.getShape()));
  SmallVector<int64_t> shape = computedReshapeShape(n.inputType(0).getShape(),
                                                    knownShapeEntries(n.input(1)), allowZero);
  auto type = RankedTensorType::get(shape, n.inputType(0).getElementType());
  return n.setResult(n.createWithType<ComputedReshapeOp>(
      type, ValueRange{n.input(0), n.input(1)},
      {n.named("allowzero", n.builder().getBoolAttr(allowZero))}));
}

LogicalResult importReshape(NodeImporter &n) {
  auto type = n.inputType(0);
  if (n.opset() >= 5 && n.hasInput(1) && !n.constantInput(1) && isSizeComputation(n.input(1)))
    return importComputedReshape(n, n.intAttr("allowzero", 0) != 0);
  auto target = intsFromInputOrAttr(n, 1, "shape", 5, /*required=*/true);
  if (failed(target))
    return failure();
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  if (!type.hasStaticShape())
    return importBatchReshape(n, type, *target, allowZero);
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
  return n.setResult(n.reshape(n.input(0), shape));
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
  for (int64_t i = 0; i < rank; ++i) {
    int64_t &side = i < axis ? outer : inner;
    // A dynamic dimension makes its side dynamic (tessel.reshape takes it
    // as a batch it keeps).
    side = type.isDynamicDim(i) || ShapedType::isDynamic(side) ? ShapedType::kDynamic
                                                              : side * type.getDimSize(i);
  }
  return n.setResult(n.reshape(n.input(0), {outer, inner}));
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
  return n.setResult(n.reshape(n.input(0), shape));
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
  return n.setResult(n.reshape(n.input(0), shape));
}

LogicalResult importTranspose(NodeImporter &n) {
  auto type = n.inputType(0);
  SmallVector<int64_t> reversed;
  for (int64_t i = type.getRank() - 1; i >= 0; --i)
    reversed.push_back(i);
  auto perm = n.intsAttr("perm", reversed);
  return n.setResult(n.create<TransposeOp>(ValueRange{n.input(0)}, {n.namedI64s("perm", perm)}));
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
  return n.setResult(n.create<ConcatOp>(inputs,
                                       {n.named("axis", n.builder().getI64IntegerAttr(*axis))}));
}

LogicalResult importIdentity(NodeImporter &n) {
  n.setOutput(0, n.input(0));
  return success();
}

/// Inference-mode Dropout is the identity; its optional mask output is all true.
/// Dropout drops nothing at inference: the output is the input and the mask is
/// all true. In training mode it drops at random, which only a ratio of 0
/// makes deterministic.
LogicalResult importDropout(NodeImporter &n) {
  bool training = false;
  if (n.opset() >= 12 && n.hasInput(2)) {
    auto mode = n.requireConstantInput(2, "training_mode");
    if (failed(mode))
      return failure();
    training = !(*mode)->asInt64().empty() && (*mode)->asInt64()[0] != 0;
  }
  if (training) {
    double ratio = 0.5;
    if (n.hasInput(1)) {
      auto r = n.requireConstantInput(1, "ratio");
      if (failed(r))
        return failure();
      if ((*r)->numElements() != 1)
        return n.error("ratio must be a scalar");
      ratio = (*r)->asDouble()[0];
    }
    if (ratio != 0)
      return n.error("training_mode is true with ratio " + std::to_string(ratio) +
                     ": that drops elements at random, which Tessel does not compile "
                     "(inference only; ratio 0 is accepted)");
  }
  n.setOutput(0, n.input(0));
  if (n.numOutputs() > 1 && !n.node().output(1).empty()) {
    // Bool from opset 10; the input's type before.
    auto type = n.inputType(0);
    Type element = n.opset() >= 10 ? n.builder().getI1Type() : type.getElementType();
    auto maskType = RankedTensorType::get(type.getShape(), element);
    Attribute one = isa<FloatType>(element)
                        ? Attribute(n.builder().getFloatAttr(element, 1.0))
                        : Attribute(n.builder().getIntegerAttr(element, 1));
    n.setOutput(1, n.constant(DenseElementsAttr::get(maskType, one)));
  }
  return success();
}

/// OneHot: output[..., j, ...] (j at `axis`) is values[1] where the index
/// (negative ones count from depth) equals j, values[0] elsewhere; written as
/// Equal(indices with a unit axis, [0..depth) along that axis) and a select.
LogicalResult importOneHot(NodeImporter &n) {
  auto it = n.inputType(0);
  auto depthData = n.requireConstantInput(1, "depth");
  if (failed(depthData))
    return failure();
  if ((*depthData)->numElements() != 1)
    return n.error("depth must be a scalar");
  double depthValue = (*depthData)->asDouble()[0];
  if (!(depthValue >= 1 && depthValue <= (1 << 24)))
    return n.error("depth " + std::to_string(depthValue) + " is out of range (1 to 2^24)");
  int64_t depth = (int64_t)depthValue;
  auto vt = n.inputType(2);
  if (vt.getNumElements() != 2)
    return n.error("values must hold two elements (off, on), got " +
                   Twine(vt.getNumElements()));
  int64_t rank = it.getRank() + 1;
  auto axis = n.normalizeAxis(n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();

  Type i64 = n.builder().getI64Type();
  FailureOr<Value> indices = n.input(0);
  if (it.getElementType() != i64)
    indices = n.createWithType<CastOp>(RankedTensorType::get(it.getShape(), i64),
                                       ValueRange{n.input(0)});
  if (failed(indices))
    return failure();
  Value depthScalar = n.scalarConstant(i64, (double)depth);
  auto negative = n.create<LessOp>(ValueRange{*indices, n.scalarConstant(i64, 0)});
  auto wrapped = n.create<AddOp>(ValueRange{*indices, depthScalar});
  if (failed(negative) || failed(wrapped))
    return failure();
  indices = n.create<SelectOp>(ValueRange{*negative, *wrapped, *indices});
  if (failed(indices))
    return failure();
  SmallVector<int64_t> unitShape(it.getShape());
  unitShape.insert(unitShape.begin() + *axis, 1);
  indices = n.reshape(*indices, unitShape);
  if (failed(indices))
    return failure();
  SmallVector<int64_t> iotaShape(rank, 1), iota(depth);
  iotaShape[*axis] = depth;
  for (int64_t j = 0; j < depth; ++j)
    iota[j] = j;
  Value positions = n.constant(DenseElementsAttr::get(RankedTensorType::get(iotaShape, i64),
                                                      ArrayRef<int64_t>(iota)));
  auto hot = n.create<EqualOp>(ValueRange{*indices, positions});
  if (failed(hot))
    return failure();
  auto values = n.reshape(n.input(2), {2});
  if (failed(values))
    return failure();
  auto axis0 = n.named("axis", n.builder().getI64IntegerAttr(0));
  auto off = n.create<GatherOp>(ValueRange{*values, n.scalarConstant(i64, 0)}, {axis0});
  auto on = n.create<GatherOp>(ValueRange{*values, n.scalarConstant(i64, 1)}, {axis0});
  if (failed(off) || failed(on))
    return failure();
  return n.setResult(n.create<SelectOp>(ValueRange{*hot, *on, *off}));
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
  if (llvm::none_of(values, ShapedType::isDynamic)) {
    n.setOutput(0, int64Constant(n, values, {(int64_t)values.size()}));
    return success();
  }
  // Run-time sizes (--dynamic).
  auto type = RankedTensorType::get({end - start}, n.builder().getI64Type());
  return n.setResult(n.createWithType<ShapeOp>(
      type, ValueRange{n.input(0)},
      {n.named("start", n.builder().getI64IntegerAttr(start)),
       n.named("end", n.builder().getI64IntegerAttr(end))}));
}

LogicalResult importSize(NodeImporter &n) {
  if (n.inputType(0).hasStaticShape()) {
    n.setOutput(0, int64Constant(n, {n.inputType(0).getNumElements()}, {}));
    return success();
  }
  auto type = RankedTensorType::get({}, n.builder().getI64Type());
  return n.setResult(n.createWithType<SizeOp>(type, ValueRange{n.input(0)}, {}));
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  auto shapeData = n.requireConstantInput(0, "shape");
  if (failed(shapeData))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d : (*shapeData)->asInt64()) {
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

/// Range whose bounds are computed from run-time sizes.
LogicalResult importComputedRange(NodeImporter &n) {
  Type element = n.inputType(0).getElementType();
  for (int i = 0; i < 3; ++i) {
    RankedTensorType t = n.inputType(i);
    if (t.getRank() != 0 || t.getElementType() != element)
      return n.error("start, limit and delta must be scalars of one type");
  }
  auto type = RankedTensorType::get({ShapedType::kDynamic}, element);
  return n.setResult(
      n.createWithType<RangeOp>(type, ValueRange{n.input(0), n.input(1), n.input(2)}));
}

LogicalResult importRange(NodeImporter &n) {
  bool computed = false, sizesOnly = true;
  for (int i = 0; i < 3; ++i) {
    if (!n.hasInput(i) || n.constantInput(i))
      continue;
    computed = true;
    sizesOnly = sizesOnly && isSizeComputation(n.input(i));
  }
  if (computed && sizesOnly)
    return importComputedRange(n);
  auto startData = n.requireConstantInput(0, "start");
  if (failed(startData))
    return failure();
  auto limitData = n.requireConstantInput(1, "limit");
  if (failed(limitData))
    return failure();
  auto deltaData = n.requireConstantInput(2, "delta");
  if (failed(deltaData))
    return failure();
  const TensorData *start = *startData, *limit = *limitData, *delta = *deltaData;
  if (start->numElements() != 1 || limit->numElements() != 1 || delta->numElements() != 1)
    return n.error("start, limit and delta must be scalars");
  Type element = n.inputType(0).getElementType();
  double s = start->asDouble()[0], l = limit->asDouble()[0], d = delta->asDouble()[0];
  if (d == 0)
    return n.error("delta is zero");
  // In double first: NaN, infinities or a huge count must not reach the cast.
  double steps = std::ceil((l - s) / d);
  if (!std::isfinite(steps) && !(steps < 0))
    return n.error("the range from " + std::to_string(s) + " to " + std::to_string(l) + " by " +
                   std::to_string(d) + " is not finite");
  if (steps > (1 << 24))
    return n.error("the range has " + std::to_string(steps) +
                   " elements; at most 2^24 are supported");
  int64_t count = steps > 0 ? (int64_t)steps : 0;
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
      values.push_back(APInt(element.getIntOrFloatBitWidth(),
                             (uint64_t)si + (uint64_t)i * (uint64_t)di, true, true));
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
  return n.setResult(n.create<GatherOp>(ValueRange{n.input(0), n.input(1)},
                                       {n.named("axis", n.builder().getI64IntegerAttr(*axis))}));
}

LogicalResult importGatherElements(NodeImporter &n) {
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return n.setResult(n.create<GatherElementsOp>(
                        ValueRange{n.input(0), n.input(1)},
                        {n.named("axis", n.builder().getI64IntegerAttr(*axis))}));
}

LogicalResult importGatherND(NodeImporter &n) {
  return n.setResult(n.create<GatherNDOp>(
                        ValueRange{n.input(0), n.input(1)},
                        {n.named("batch_dims", n.builder().getI64IntegerAttr(n.intAttr("batch_dims", 0)))}));
}

/// The reduction attribute of ScatterElements/ScatterND ("none" before opset 16).
FailureOr<StringAttr> scatterReduction(NodeImporter &n) {
  std::string r = n.stringAttr("reduction", "none");
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    return n.error("reduction '" + r + "' is not supported (none, add, mul, max or min)");
  return n.builder().getStringAttr(r);
}

/// ScatterElements, and Scatter (its name before opset 11).
LogicalResult importScatterElements(NodeImporter &n) {
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), n.inputType(0).getRank());
  auto reduction = scatterReduction(n);
  if (failed(axis) || failed(reduction))
    return failure();
  return n.setResult(n.create<ScatterElementsOp>(
                        ValueRange{n.input(0), n.input(1), n.input(2)},
                        {n.named("axis", n.builder().getI64IntegerAttr(*axis)),
                         n.named("reduction", *reduction)}));
}

LogicalResult importScatterND(NodeImporter &n) {
  auto reduction = scatterReduction(n);
  if (failed(reduction))
    return failure();
  return n.setResult(n.create<ScatterNDOp>(ValueRange{n.input(0), n.input(1), n.input(2)},
                                          {n.named("reduction", *reduction)}));
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
      auto c = n.requireConstantInput(index, what);
      if (failed(c))
        return failure();
      auto v = (*c)->asInt64();
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
  return n.setResult(sliceAxes(n, n.input(0), axes, starts, ends, steps));
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
    auto c = n.requireConstantInput(1, "split");
    if (failed(c))
      return failure();
    auto v = (*c)->asInt64();
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
  auto c = n.requireConstantInput(1, "shape");
  if (failed(c))
    return failure();
  auto type = n.inputType(0);
  auto target = (*c)->asInt64();
  auto shape = broadcastShapes(type.getShape(), SmallVector<int64_t>(target.begin(), target.end()));
  if (!shape)
    return n.error("cannot broadcast " + formatShape(type.getShape()) + " to the given shape");
  return n.setResult(n.createWithType<ExpandOp>(RankedTensorType::get(*shape, type.getElementType()),
                                               ValueRange{n.input(0)}));
}

LogicalResult importTile(NodeImporter &n) {
  auto c = n.requireConstantInput(1, "repeats");
  if (failed(c))
    return failure();
  auto type = n.inputType(0);
  auto repeats = (*c)->asInt64();
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
  return n.setResult(n.createWithType<TileOp>(RankedTensorType::get(shape, type.getElementType()),
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
  return n.setResult(n.createWithType<TriluOp>(
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
  r.add({"OneHot", 9, 17, importOneHot});
  r.add({"GatherND", 11, 17, importGatherND});
  r.add({"Scatter", 9, 10, importScatterElements});
  r.add({"ScatterElements", 11, 17, importScatterElements});
  r.add({"ScatterND", 11, 17, importScatterND});
}

} // namespace tessel
