//===- TensorImporters.cpp - Shape manipulation and data movement ---------===//
#include "frontend/OpRegistry.h"

#include "dialects/Tessel/ShapeHelpers.h"
#include "onnx/onnx_pb.h"

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

} // namespace

void registerTensorImporters(OpRegistry &r) {
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
