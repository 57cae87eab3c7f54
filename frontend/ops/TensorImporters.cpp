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

Value int64Constant(NodeImporter &n, ArrayRef<int64_t> values, ArrayRef<int64_t> shape);
FailureOr<Value> computedExpand(NodeImporter &n, Value input, Value shape);

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

/// The static result shape of ONNX Reshape of a static `input` to the
/// constant `target` (0 copies, one -1 inferred), checked.
FailureOr<SmallVector<int64_t>> staticReshapeShape(NodeImporter &n, ArrayRef<int64_t> input,
                                                   ArrayRef<int64_t> target) {
  SmallVector<int64_t> shape(target);
  auto infer = llvm::find(shape, -1);
  int64_t known = 1;
  for (int64_t d : shape)
    if (d != -1 && __builtin_mul_overflow(known, d, &known))
      return n.error("shape " + formatShape(target) + " has more elements than fit in 64 bits");
  auto total = checkedElementCount(input);
  if (!total)
    return n.error("input has too many elements");
  if (infer != shape.end()) {
    if (known == 0 || *total % known != 0)
      return n.error("cannot infer the -1 entry: " + Twine(*total) + " elements into shape " +
                     formatShape(target));
    *infer = *total / known;
  }
  if (checkedElementCount(shape) != total)
    return n.error("cannot reshape " + formatShape(input) + " into " + formatShape(shape));
  return shape;
}

/// The result shape of ONNX Reshape of `input` with dynamic dimensions to
/// the constant `target` (0 already copied) where the reshape keeps each
/// dynamic dimension (tessel.reshape): copies of all of them, or all but one
/// with the -1 standing in for it; std::nullopt otherwise.
std::optional<SmallVector<int64_t>> dynamicKeepingShape(ArrayRef<int64_t> input,
                                                        ArrayRef<int64_t> target) {
  SmallVector<int64_t> shape(target);
  auto infer = llvm::find(shape, -1);
  int64_t inDynamic = llvm::count_if(input, ShapedType::isDynamic);
  int64_t copies = llvm::count_if(shape, ShapedType::isDynamic);
  SmallVector<int64_t> inStatic, outStatic;
  llvm::copy_if(input, std::back_inserter(inStatic), [](int64_t d) { return d >= 0; });
  llvm::copy_if(shape, std::back_inserter(outStatic), [](int64_t d) { return d >= 0; });
  auto inCount = checkedElementCount(inStatic), outCount = checkedElementCount(outStatic);
  if (!inCount || !outCount)
    return std::nullopt;
  if (infer != shape.end()) {
    if (copies == inDynamic && *outCount > 0 && *inCount % *outCount == 0)
      *infer = *inCount / *outCount; // Every dynamic dimension copied.
    else if (copies + 1 == inDynamic && *inCount == *outCount)
      *infer = ShapedType::kDynamic; // The one not copied.
    else
      return std::nullopt;
  }
  if (!reshapeKeepsDynamicDims(input, shape))
    return std::nullopt;
  return shape;
}

/// ONNX Reshape of `input` to the constant `target`: a tessel.reshape where
/// the result's sizes are known (static shapes) or follow from the input's
/// (each dynamic dimension kept); a tessel.computed_reshape of the constant
/// target otherwise, whose sizes the lowering computes and checks at run
/// time.
FailureOr<Value> reshapeToTarget(NodeImporter &n, Value input, ArrayRef<int64_t> target,
                                 bool allowZero) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> copied;
  for (auto [i, entry] : llvm::enumerate(target)) {
    int64_t d = entry;
    if (d < -1)
      return n.error("shape entry " + Twine(d) + " is invalid");
    if (d == 0 && !allowZero) {
      if ((int64_t)i >= type.getRank())
        return n.error("shape entry 0 at index " + Twine(i) + " copies a dimension the input "
                       "does not have");
      d = type.getDimSize(i);
    }
    copied.push_back(d);
  }
  if (llvm::count(copied, -1) > 1)
    return n.error("shape has more than one -1");
  if (type.hasStaticShape()) {
    auto shape = staticReshapeShape(n, type.getShape(), copied);
    if (failed(shape))
      return failure();
    return n.reshape(input, *shape);
  }
  if (auto shape = dynamicKeepingShape(type.getShape(), copied))
    return n.reshape(input, *shape);
  SmallVector<std::optional<int64_t>> entries(target.begin(), target.end());
  auto resultType = RankedTensorType::get(computedReshapeShape(type.getShape(), entries, allowZero),
                                          type.getElementType());
  auto targetType = RankedTensorType::get({(int64_t)target.size()}, n.builder().getI64Type());
  Value shape = n.constant(DenseIntElementsAttr::get(targetType, target));
  return n.createWithType<ComputedReshapeOp>(
      resultType, ValueRange{input, shape},
      {n.named("allowzero", n.builder().getBoolAttr(allowZero))});
}

LogicalResult importReshape(NodeImporter &n) {
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  if (n.opset() >= 5 && n.computedFromRunTimeSizes({1}))
    return importComputedReshape(n, allowZero);
  auto target = intsFromInputOrAttr(n, 1, "shape", 5, /*required=*/true);
  if (failed(target))
    return failure();
  return n.setResult(reshapeToTarget(n, n.input(0), *target, allowZero));
}

/// Flatten to [outer, inner]: ONNX Reshape to [-1, inner] or [outer, -1]
/// where a side is static; otherwise to both sides' products of run-time
/// sizes.
LogicalResult importFlatten(NodeImporter &n) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  int64_t axis = n.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return n.error("axis " + Twine(axis) + " is out of range for rank " + Twine(rank));
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> dims = type.getShape();
  auto outer = checkedElementCount(dims.take_front(axis));
  auto inner = checkedElementCount(dims.drop_front(axis));
  // (The entries are sizes, never copies: allowzero.)
  if (inner || outer)
    return n.setResult(reshapeToTarget(n, n.input(0), {outer.value_or(-1), inner.value_or(-1)},
                                       /*allowZero=*/true));
  // Both sides dynamic: each a product of tessel.shape entries.
  auto i64Vector = RankedTensorType::get({1}, n.builder().getI64Type());
  auto product = [&](int64_t begin, int64_t end) -> FailureOr<Value> {
    Value result;
    for (int64_t d = begin; d < end; ++d) {
      auto size = n.createWithType<ShapeOp>(
          i64Vector, ValueRange{n.input(0)},
          {n.named("start", n.builder().getI64IntegerAttr(d)),
           n.named("end", n.builder().getI64IntegerAttr(d + 1))});
      if (failed(size))
        return failure();
      if (!result) {
        result = *size;
        continue;
      }
      auto next = n.create<MulOp>(ValueRange{result, *size});
      if (failed(next))
        return failure();
      result = *next;
    }
    return result;
  };
  auto outerSize = product(0, axis), innerSize = product(axis, rank);
  if (failed(outerSize) || failed(innerSize))
    return failure();
  auto shape = n.create<ConcatOp>(ValueRange{*outerSize, *innerSize},
                                  {n.named("axis", n.builder().getI64IntegerAttr(0))});
  if (failed(shape))
    return failure();
  auto resultType = RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                                          type.getElementType());
  return n.setResult(n.createWithType<ComputedReshapeOp>(
      resultType, ValueRange{n.input(0), *shape},
      {n.named("allowzero", n.builder().getBoolAttr(false))}));
}

/// Squeeze or Unsqueeze (`sign` -1 / +1) over axes read at run time (a
/// graph input): the result's rank is known, which dimensions it keeps is
/// not.
template <typename OpTy>
LogicalResult importRunTimeAxesReshape(NodeImporter &n, int64_t sign) {
  RankedTensorType axesType = n.inputType(1);
  if (axesType.getRank() != 1 || !axesType.getElementType().isInteger(64))
    return n.error("axes must be a 1-D int64 tensor, has " + formatShape(axesType.getShape()));
  int64_t rank = n.inputType(0).getRank() + sign * axesType.getDimSize(0);
  if (rank < 0)
    return n.error("axes has more entries than the input has dimensions");
  auto type = RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                    n.inputType(0).getElementType());
  return n.setResult(n.createWithType<OpTy>(type, ValueRange{n.input(0), n.input(1)}));
}

LogicalResult importSqueeze(NodeImporter &n) {
  auto type = n.inputType(0);
  if (n.opset() >= 13 && n.hasInput(1) && n.computedFromRunTimeSizes({1}))
    return importRunTimeAxesReshape<ComputedSqueezeOp>(n, -1);
  auto axes = intsFromInputOrAttr(n, 1, "axes", 13, /*required=*/false);
  if (failed(axes))
    return failure();
  bool dynamicAxis = false;
  SmallVector<bool> drop(type.getRank(), false);
  if (axes->empty()) {
    for (int64_t i = 0; i < type.getRank(); ++i)
      drop[i] = type.getDimSize(i) == 1;
  }
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, type.getRank());
    if (failed(axis))
      return failure();
    if (drop[*axis])
      return n.error("axis " + Twine(a) + " repeats");
    // A dynamic axis: its size is checked to be 1 at run time.
    dynamicAxis |= type.isDynamicDim(*axis);
    if (!type.isDynamicDim(*axis) && type.getDimSize(*axis) != 1)
      return n.error("cannot squeeze axis " + Twine(a) + " of size " +
                     Twine(type.getDimSize(*axis)));
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!drop[i])
      shape.push_back(type.getDimSize(i));
  if (dynamicAxis)
    return n.setResult(n.createWithType<ComputedSqueezeOp>(
        RankedTensorType::get(shape, type.getElementType()),
        ValueRange{n.input(0), int64Constant(n, *axes, {(int64_t)axes->size()})}));
  return n.setResult(n.reshape(n.input(0), shape));
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  auto type = n.inputType(0);
  if (n.opset() >= 13 && n.computedFromRunTimeSizes({1}))
    return importRunTimeAxesReshape<ComputedUnsqueezeOp>(n, 1);
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
  if (n.opset() >= 12 && n.hasInput(2) && n.computedFromRunTimeSizes({1, 2})) {
    // training_mode (and ratio) read at run time: refused there unless it
    // is false or the ratio 0, where Dropout is the identity.
    if (n.inputType(2).getNumElements() != 1 || !n.inputType(2).getElementType().isInteger(1) ||
        (n.hasInput(1) && (n.inputType(1).getNumElements() != 1 ||
                           !isa<FloatType>(n.inputType(1).getElementType()))))
      return n.error("training_mode must be a bool scalar and ratio a float scalar");
    Type i1 = n.builder().getI1Type();
    auto scalar = RankedTensorType::get({}, i1);
    auto mode = n.reshape(n.input(2), {});
    auto inference = succeeded(mode) ? n.createWithType<NotOp>(scalar, ValueRange{*mode}) : mode;
    if (failed(inference))
      return failure();
    Value deterministic = *inference;
    if (n.hasInput(1)) {
      auto ratio = n.reshape(n.input(1), {});
      auto zero = succeeded(ratio)
                      ? n.createWithType<EqualOp>(
                            scalar, ValueRange{*ratio, n.scalarConstant(n.inputType(1).getElementType(), 0)})
                      : ratio;
      auto either = succeeded(zero)
                        ? n.createWithType<OrOp>(scalar, ValueRange{*inference, *zero})
                        : zero;
      if (failed(either))
        return failure();
      deterministic = *either;
    }
    CheckOp::create(n.builder(), n.loc(), deterministic,
                    n.builder().getStringAttr(
                        "Dropout in training mode with a ratio other than 0 drops elements at "
                        "random; Tessel runs inference (pass training_mode false or ratio 0)"));
  } else if (n.opset() >= 12 && n.hasInput(2)) {
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
    if (!type.hasStaticShape()) {
      // Ones of the input's run-time shape.
      auto shape = n.createWithType<ShapeOp>(
          RankedTensorType::get({type.getRank()}, n.builder().getI64Type()),
          ValueRange{n.input(0)},
          {n.named("start", n.builder().getI64IntegerAttr(0)),
           n.named("end", n.builder().getI64IntegerAttr(type.getRank()))});
      auto mask = succeeded(shape)
                      ? computedExpand(n, n.constant(DenseElementsAttr::get(
                                              RankedTensorType::get({}, element), one)),
                                       *shape)
                      : shape;
      if (failed(mask))
        return failure();
      n.setOutput(1, *mask);
      return success();
    }
    n.setOutput(1, n.constant(DenseElementsAttr::get(maskType, one)));
  }
  return success();
}

/// OneHot: output[..., j, ...] (j at `axis`) is values[1] where the index
/// (negative ones count from depth) equals j, values[0] elsewhere; written as
/// Equal(indices with a unit axis, [0..depth) along that axis) and a select.
LogicalResult importOneHot(NodeImporter &n) {
  auto it = n.inputType(0);
  // A depth read at run time (a graph input): the positions are a Range.
  bool runTimeDepth = n.computedFromRunTimeSizes({1});
  int64_t depth = ShapedType::kDynamic;
  if (runTimeDepth) {
    if (n.inputType(1).getNumElements() != 1)
      return n.error("depth must be a scalar");
  } else {
    auto depthData = n.requireConstantInput(1, "depth");
    if (failed(depthData))
      return failure();
    if ((*depthData)->numElements() != 1)
      return n.error("depth must be a scalar");
    double depthValue = (*depthData)->asDouble()[0];
    if (!(depthValue >= 1 && depthValue <= (1 << 24)))
      return n.error("depth " + std::to_string(depthValue) + " is out of range (1 to 2^24)");
    depth = (int64_t)depthValue;
  }
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
  // The depth as an int64 scalar (ONNX: any numeric type, cast).
  FailureOr<Value> depthScalar = n.scalarConstant(i64, (double)depth);
  if (runTimeDepth) {
    depthScalar = n.reshape(n.input(1), {});
    if (succeeded(depthScalar) && n.inputType(1).getElementType() != i64)
      depthScalar = n.createWithType<CastOp>(RankedTensorType::get({}, i64),
                                             ValueRange{*depthScalar});
    if (failed(depthScalar))
      return failure();
  }
  auto negative = n.create<LessOp>(ValueRange{*indices, n.scalarConstant(i64, 0)});
  auto wrapped = n.create<AddOp>(ValueRange{*indices, *depthScalar});
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
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[*axis] = depth;
  Value positions;
  if (runTimeDepth) {
    // [0, depth) along the axis.
    auto range = n.createWithType<RangeOp>(
        RankedTensorType::get({ShapedType::kDynamic}, i64),
        ValueRange{n.scalarConstant(i64, 0), *depthScalar, n.scalarConstant(i64, 1)});
    if (failed(range))
      return failure();
    SmallVector<int64_t> target(rank, 1);
    target[*axis] = -1;
    auto shaped = reshapeToTarget(n, *range, target, /*allowZero=*/false);
    if (failed(shaped))
      return failure();
    positions = *shaped;
  } else {
    SmallVector<int64_t> iota(depth);
    for (int64_t j = 0; j < depth; ++j)
      iota[j] = j;
    positions = n.constant(DenseElementsAttr::get(RankedTensorType::get(iotaShape, i64),
                                                  ArrayRef<int64_t>(iota)));
  }
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

FailureOr<Value> computedExpand(NodeImporter &n, Value input, Value shape);

LogicalResult importConstantOfShape(NodeImporter &n) {
  bool computed = n.computedFromRunTimeSizes({0});
  SmallVector<int64_t> shape;
  if (!computed) {
    auto shapeData = n.requireConstantInput(0, "shape");
    if (failed(shapeData))
      return failure();
    for (int64_t d : (*shapeData)->asInt64()) {
      if (d < 0)
        return n.error("shape entry " + Twine(d) + " is negative");
      shape.push_back(d);
    }
    if (!checkedElementCount(shape))
      return n.error("the shape has more elements than fit in 64 bits");
  }
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
  if (computed) // The expansion of the scalar to the run-time shape.
    return n.setResult(computedExpand(
        n, n.constant(DenseElementsAttr::get(RankedTensorType::get({}, element), value)),
        n.input(0)));
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
  if (n.computedFromRunTimeSizes({0, 1, 2}))
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

/// ONNX Slice's window along an axis of static size `dim`: `start` and `end`
/// made non-negative and clamped as the operator specifies (start becomes
/// the window's first index); returns the window's length.
int64_t sliceWindow(int64_t &start, int64_t end, int64_t step, int64_t dim) {
  if (start < 0)
    start += dim;
  if (end < 0 && end > INT64_MIN / 2)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return end > start ? (end - start + step - 1) / step : 0;
  }
  start = std::clamp<int64_t>(start, -1, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  return start > end ? (start - end - step - 1) / -step : 0;
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
    int64_t size = sliceWindow(start, end, step, dim);
    outStarts[*axis] = size ? start : 0;
    outSteps[*axis] = step;
    shape[*axis] = size;
  }
  return n.createWithType<SliceOp>(RankedTensorType::get(shape, type.getElementType()),
                                   ValueRange{value},
                                   {n.namedI64s("starts", outStarts), n.namedI64s("steps", outSteps)});
}

/// ONNX Slice whose bounds are computed from run-time sizes, or that slices
/// a dynamic axis: a tessel.computed_slice, the bounds clamped at run time.
/// `starts` and `ends` are int64 vectors (constants or size computations).
LogicalResult importComputedSlice(NodeImporter &n, Value starts, Value ends,
                                  ArrayRef<int64_t> axes, ArrayRef<int64_t> steps) {
  auto type = n.inputType(0);
  int64_t rank = type.getRank(), count = axes.size();
  for (Value bounds : {starts, ends}) {
    auto t = cast<RankedTensorType>(bounds.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != count || !t.getElementType().isInteger(64))
      return n.error("starts and ends must be int64 vectors of one entry per axis (" +
                     Twine(count) + "), have " + formatShape(t.getShape()));
  }
  SmallVector<std::optional<int64_t>> knownStarts = knownShapeEntries(starts),
                                      knownEnds = knownShapeEntries(ends);
  SmallVector<int64_t> normalized, shape(type.getShape());
  for (auto [i, a, step] : llvm::enumerate(axes, steps)) {
    auto axis = n.normalizeAxis(a, rank);
    if (failed(axis))
      return failure();
    if (llvm::is_contained(normalized, *axis))
      return n.error("axis " + Twine(a) + " repeats");
    if (step == 0)
      return n.error("step is zero");
    normalized.push_back(*axis);
    // Static where the axis and both bounds are.
    int64_t start = knownStarts[i].value_or(0);
    shape[*axis] = type.isDynamicDim(*axis) || !knownStarts[i] || !knownEnds[i]
                       ? ShapedType::kDynamic
                       : sliceWindow(start, *knownEnds[i], step, type.getDimSize(*axis));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return n.setResult(n.createWithType<ComputedSliceOp>(
      resultType, ValueRange{n.input(0), starts, ends},
      {n.namedI64s("axes", normalized), n.namedI64s("steps", steps)}));
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
    // Axes or steps read at run time too (graph inputs): which dimension a
    // bound slices is only known then.
    bool runTimeAxes = n.hasInput(3) && !n.constantInput(3),
         runTimeSteps = n.hasInput(4) && !n.constantInput(4);
    if ((runTimeAxes || runTimeSteps) && n.computedFromRunTimeSizes({1, 2, 3, 4})) {
      int64_t count = n.inputType(1).getRank() == 1 ? n.inputType(1).getDimSize(0) : -1;
      for (int i = 1; i <= 4; ++i)
        if (n.hasInput(i) && (n.inputType(i).getRank() != 1 ||
                              n.inputType(i).getDimSize(0) != count ||
                              !n.inputType(i).getElementType().isInteger(64)))
          return n.error("starts, ends, axes and steps must be int64 vectors of one length");
      if (count > rank)
        return n.error("starts has more entries than the input has dimensions");
      SmallVector<int64_t> iota, ones(count, 1);
      for (int64_t i = 0; i < count; ++i)
        iota.push_back(i);
      Value axesValue = n.hasInput(3) ? n.input(3) : int64Constant(n, iota, {count});
      Value stepsValue = n.hasInput(4) ? n.input(4) : int64Constant(n, ones, {count});
      auto type = RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                        n.inputType(0).getElementType());
      return n.setResult(n.createWithType<ComputedStridedSliceOp>(
          type, ValueRange{n.input(0), n.input(1), n.input(2), axesValue, stepsValue}));
    }
    // Bounds computed from run-time sizes or read from graph inputs (axes
    // and steps are constants).
    if (n.computedFromRunTimeSizes({1, 2})) {
      if (failed(read(3, "axes", axes)) || failed(read(4, "steps", steps)))
        return failure();
      int64_t count = cast<RankedTensorType>(n.input(1).getType()).getNumElements();
      if (axes.empty())
        for (int64_t i = 0; i < count; ++i)
          axes.push_back(i);
      if (steps.empty())
        steps.assign(axes.size(), 1);
      if (steps.size() != axes.size())
        return n.error("axes and steps must have one entry per sliced axis");
      return importComputedSlice(n, n.input(1), n.input(2), axes, steps);
    }
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
  // A dynamic axis sliced by constant bounds: clamped at run time.
  for (int64_t a : axes)
    if (a >= -rank && a < rank && n.inputType(0).isDynamicDim(a < 0 ? a + rank : a))
      return importComputedSlice(n, int64Constant(n, starts, {(int64_t)starts.size()}),
                                 int64Constant(n, ends, {(int64_t)ends.size()}), axes, steps);
  return n.setResult(sliceAxes(n, n.input(0), axes, starts, ends, steps));
}

LogicalResult importSplit(NodeImporter &n) {
  auto type = n.inputType(0);
  auto axis = n.normalizeAxis(n.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> sizes;
  // Sizes read at run time (a graph input), constant sizes of a dynamic
  // axis, or equal parts of one: a tessel.computed_split, each piece of the
  // size `known` gives (dynamic where unknown).
  auto computedSplit = [&](Value split, ArrayRef<int64_t> known) -> LogicalResult {
    SmallVector<Type> types;
    for (int64_t size : known) {
      SmallVector<int64_t> shape(type.getShape());
      shape[*axis] = size;
      types.push_back(RankedTensorType::get(shape, type.getElementType()));
    }
    auto op = n.createMultiWithTypes<ComputedSplitOp>(
        types, ValueRange{n.input(0), split},
        {n.named("axis", n.builder().getI64IntegerAttr(*axis))});
    if (failed(op))
      return failure();
    for (int i = 0; i < n.numOutputs(); ++i)
      n.setOutput(i, op->getResult(i));
    return success();
  };
  int64_t outputs = n.numOutputs();
  if (n.opset() >= 13 && n.hasInput(1) && n.computedFromRunTimeSizes({1})) {
    RankedTensorType splitType = n.inputType(1);
    if (splitType.getRank() != 1 || splitType.getDimSize(0) != outputs ||
        !splitType.getElementType().isInteger(64))
      return n.error("split must be an int64 vector of one entry per output (" +
                     Twine(outputs) + "), has " + formatShape(splitType.getShape()));
    return computedSplit(n.input(1), SmallVector<int64_t>(outputs, ShapedType::kDynamic));
  }
  if (n.opset() < 13) {
    sizes = n.intsAttr("split");
  } else if (n.hasInput(1)) {
    auto c = n.requireConstantInput(1, "split");
    if (failed(c))
      return failure();
    auto v = (*c)->asInt64();
    sizes.assign(v.begin(), v.end());
  }
  int64_t dim = type.getDimSize(*axis);
  if (ShapedType::isDynamic(dim) && !sizes.empty()) {
    if ((int64_t)sizes.size() != outputs || llvm::any_of(sizes, [](int64_t s) { return s < 0; }))
      return n.error("split needs one non-negative size per output");
    return computedSplit(int64Constant(n, sizes, {(int64_t)sizes.size()}), sizes);
  }
  if (ShapedType::isDynamic(dim)) {
    // Equal parts: the axis's run-time size / outputs each (the split's
    // check refuses a size they do not add up to).
    if (outputs == 0)
      return n.error("needs at least one output");
    auto i64 = n.builder().getI64Type();
    auto vector = [&](int64_t k) { return RankedTensorType::get({k}, i64); };
    auto size = n.createWithType<ShapeOp>(vector(1), ValueRange{n.input(0)},
                                          {n.named("start", n.builder().getI64IntegerAttr(*axis)),
                                           n.named("end", n.builder().getI64IntegerAttr(*axis + 1))});
    auto part = succeeded(size) ? n.createWithType<DivOp>(
                                      vector(1), ValueRange{*size, int64Constant(n, {outputs}, {1})})
                                : size;
    if (failed(part))
      return failure();
    auto split = n.createWithType<ConcatOp>(vector(outputs), SmallVector<Value>(outputs, *part),
                                            {n.named("axis", n.builder().getI64IntegerAttr(0))});
    if (failed(split))
      return failure();
    return computedSplit(*split, SmallVector<int64_t>(outputs, ShapedType::kDynamic));
  }
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

/// ONNX Expand of `input` to the int64 vector `shape` known only at run
/// time (computed from run-time sizes, or a constant applied to a dynamic
/// input): a tessel.computed_expand whose static sizes are those the known
/// entries and the input's static sizes fix.
FailureOr<Value> computedExpand(NodeImporter &n, Value input, Value shape) {
  auto type = cast<RankedTensorType>(input.getType());
  auto shapeType = cast<RankedTensorType>(shape.getType());
  if (shapeType.getRank() != 1 || !shapeType.hasStaticShape() ||
      !shapeType.getElementType().isInteger(64))
    return n.error("shape must be a 1-D int64 tensor, has " + formatShape(shapeType.getShape()));
  SmallVector<std::optional<int64_t>> entries = knownShapeEntries(shape);
  int64_t rank = std::max<int64_t>(type.getRank(), entries.size());
  SmallVector<int64_t> result;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t e = d - (rank - (int64_t)entries.size()), i = d - (rank - type.getRank());
    int64_t in = i >= 0 ? type.getDimSize(i) : 1;
    std::optional<int64_t> entry = e >= 0 ? entries[e] : std::optional<int64_t>(1);
    if (entry && *entry < 0)
      return n.error("shape entry " + Twine(*entry) + " is negative");
    int64_t size = !entry ? (in == 1 || ShapedType::isDynamic(in) ? ShapedType::kDynamic : in)
                   : *entry == 1 ? in
                                 : *entry;
    if (entry && *entry != 1 && in != 1 && !ShapedType::isDynamic(in) && in != *entry)
      return n.error("cannot broadcast " + formatShape(type.getShape()) + " to the given shape");
    result.push_back(size);
  }
  return n.createWithType<ComputedExpandOp>(RankedTensorType::get(result, type.getElementType()),
                                            ValueRange{input, shape});
}

LogicalResult importExpand(NodeImporter &n) {
  auto type = n.inputType(0);
  if (n.computedFromRunTimeSizes({1}))
    return n.setResult(computedExpand(n, n.input(0), n.input(1)));
  auto c = n.requireConstantInput(1, "shape");
  if (failed(c))
    return failure();
  if (!type.hasStaticShape())
    return n.setResult(computedExpand(n, n.input(0), n.input(1)));
  auto target = (*c)->asInt64();
  auto shape = broadcastShapes(type.getShape(), SmallVector<int64_t>(target.begin(), target.end()));
  if (!shape)
    return n.error("cannot broadcast " + formatShape(type.getShape()) + " to the given shape");
  return n.setResult(n.createWithType<ExpandOp>(RankedTensorType::get(*shape, type.getElementType()),
                                               ValueRange{n.input(0)}));
}

/// Tile with repeats read at run time, or of a dynamic input: sizes that
/// the input's static ones and the known repeats fix are static.
LogicalResult importComputedTile(NodeImporter &n, Value repeats) {
  auto type = n.inputType(0);
  auto repeatsType = cast<RankedTensorType>(repeats.getType());
  if (repeatsType.getRank() != 1 || repeatsType.getDimSize(0) != type.getRank() ||
      !repeatsType.getElementType().isInteger(64))
    return n.error("repeats must be a 1-D int64 tensor of one entry per dimension, has " +
                   formatShape(repeatsType.getShape()));
  SmallVector<std::optional<int64_t>> known = knownShapeEntries(repeats);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t size = type.getDimSize(d), product;
    if (known[d] && *known[d] < 0)
      return n.error("repeats must not be negative");
    shape.push_back(known[d] && !ShapedType::isDynamic(size) &&
                            !__builtin_mul_overflow(size, *known[d], &product)
                        ? product
                        : ShapedType::kDynamic);
  }
  return n.setResult(n.createWithType<ComputedTileOp>(
      RankedTensorType::get(shape, type.getElementType()), ValueRange{n.input(0), repeats}));
}

LogicalResult importTile(NodeImporter &n) {
  if (n.computedFromRunTimeSizes({1}))
    return importComputedTile(n, n.input(1));
  auto c = n.requireConstantInput(1, "repeats");
  if (failed(c))
    return failure();
  auto type = n.inputType(0);
  if (!type.hasStaticShape())
    return importComputedTile(n, n.input(1));
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
