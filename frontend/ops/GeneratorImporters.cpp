//===- GeneratorImporters.cpp - Ops whose result is known at compile time -===//
//
// EyeLike and the window functions (HannWindow, HammingWindow,
// BlackmanWindow) compute their result from shapes and attributes alone:
// with static shapes they import as constants.
//
//===----------------------------------------------------------------------===//
#include "frontend/OpRegistry.h"

#include "dialects/Tessel/ConstantFolding.h"
#include "onnx/onnx_pb.h"

#include <cmath>

using namespace mlir;

namespace tessel {
namespace {

/// A dense constant of `type` from values computed in double.
Value doubleConstant(NodeImporter &n, RankedTensorType type, std::vector<double> values) {
  ConstTensor c;
  c.type = type;
  c.isFloat = true;
  c.floats = std::move(values);
  return n.constant(encodeConstant(type, c));
}

/// The element type named by a `dtype`-like attribute, or `dflt`.
FailureOr<Type> dtypeAttr(NodeImporter &n, StringRef name, Type dflt) {
  if (!n.hasAttr(name))
    return dflt;
  int64_t dtype = n.intAttr(name, 0);
  Type t = onnxElementType(n.context(), (int32_t)dtype);
  if (!t || !(isa<FloatType>(t) || isa<IntegerType>(t)))
    return n.error(name + " " + Twine(dtype) + " is not a numeric type Tessel supports");
  return t;
}

/// EyeLike: ones on the k-th diagonal of a 2-D tensor shaped like the input.
LogicalResult importEyeLike(NodeImporter &n) {
  auto type = n.inputType(0);
  if (type.getRank() != 2)
    return n.error("the input must be 2-D, got rank " + Twine(type.getRank()));
  auto element = dtypeAttr(n, "dtype", type.getElementType());
  if (failed(element))
    return failure();
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1), k = n.intAttr("k", 0);
  if (rows * cols > (int64_t(1) << 24))
    return n.error("the identity has " + Twine(rows * cols) + " elements; at most 2^24 are "
                   "supported");
  std::vector<double> values(rows * cols, 0.0);
  for (int64_t i = 0; i < rows; ++i)
    if (i + k >= 0 && i + k < cols)
      values[i * cols + i + k] = 1.0;
  n.setOutput(0, doubleConstant(n, RankedTensorType::get(type.getShape(), *element), values));
  return success();
}

/// The window of a size read at run time (a graph input), computed in f32
/// from a Range over it with the same formula.
LogicalResult importRunTimeCosineWindow(NodeImporter &n, ArrayRef<double> coefficients,
                                        Type element, bool periodic) {
  RankedTensorType sizeType = n.inputType(0);
  if (sizeType.getNumElements() != 1 || !isa<IntegerType>(sizeType.getElementType()))
    return n.error("size must be an integer scalar");
  Type i64 = n.builder().getI64Type(), f32 = n.builder().getF32Type();
  auto scalar = [&](Type t) { return RankedTensorType::get({}, t); };
  auto vector = [&](Type t) { return RankedTensorType::get({ShapedType::kDynamic}, t); };
  auto size = n.reshape(n.input(0), {});
  if (succeeded(size) && !sizeType.getElementType().isInteger(64))
    size = n.createWithType<CastOp>(scalar(i64), ValueRange{*size});
  if (failed(size))
    return failure();
  auto positions = n.createWithType<RangeOp>(
      vector(i64), ValueRange{n.scalarConstant(i64, 0), *size, n.scalarConstant(i64, 1)});
  if (succeeded(positions))
    positions = n.createWithType<CastOp>(vector(f32), ValueRange{*positions});
  auto denominator = n.createWithType<CastOp>(scalar(f32), ValueRange{*size});
  if (succeeded(denominator) && !periodic)
    denominator = n.createWithType<SubOp>(scalar(f32),
                                          ValueRange{*denominator, n.scalarConstant(f32, 1)});
  if (failed(positions) || failed(denominator))
    return failure();
  // 2 pi i / N, then the sum of the cosine terms.
  auto angle = n.createWithType<MulOp>(vector(f32),
                                       ValueRange{*positions, n.scalarConstant(f32, 2 * M_PI)});
  if (succeeded(angle))
    angle = n.createWithType<DivOp>(vector(f32), ValueRange{*angle, *denominator});
  if (failed(angle))
    return failure();
  // a_0 broadcast over the positions (a_0 + 0 * angle), then each
  // (-1)^j a_j cos(j * angle).
  auto window = n.createWithType<MulOp>(vector(f32), ValueRange{*angle, n.scalarConstant(f32, 0)});
  if (succeeded(window))
    window = n.createWithType<AddOp>(
        vector(f32), ValueRange{*window, n.scalarConstant(f32, coefficients.front())});
  double sign = -1;
  for (size_t j = 1; j < coefficients.size(); ++j) {
    if (failed(window))
      return failure();
    double a = coefficients[j];
    auto term = n.createWithType<MulOp>(vector(f32),
                                        ValueRange{*angle, n.scalarConstant(f32, (double)j)});
    if (succeeded(term))
      term = n.createWithType<CosOp>(vector(f32), ValueRange{*term});
    if (succeeded(term))
      term = n.createWithType<MulOp>(vector(f32), ValueRange{*term, n.scalarConstant(f32, sign * a)});
    if (failed(term))
      return failure();
    window = n.createWithType<AddOp>(vector(f32), ValueRange{*window, *term});
    sign = -sign;
  }
  if (failed(window))
    return failure();
  if (element != f32)
    window = n.createWithType<CastOp>(vector(element), ValueRange{*window});
  return n.setResult(window);
}

/// A generalized cosine window sum_j (-1)^j a_j cos(2 pi j i / N), with N the
/// size (periodic) or the size - 1 (symmetric), as ONNX defines them.
LogicalResult importCosineWindow(NodeImporter &n, ArrayRef<double> coefficients) {
  if (n.computedFromRunTimeSizes({0})) {
    auto element = dtypeAttr(n, "output_datatype", n.builder().getF32Type());
    if (failed(element))
      return failure();
    return importRunTimeCosineWindow(n, coefficients, *element, n.intAttr("periodic", 1) != 0);
  }
  auto sizeData = n.requireConstantInput(0, "size");
  if (failed(sizeData))
    return failure();
  if ((*sizeData)->numElements() != 1)
    return n.error("size must be a scalar");
  int64_t size = (*sizeData)->asInt64()[0];
  if (size < 0 || size > (int64_t(1) << 24))
    return n.error("size " + Twine(size) + " is out of range (0 to 2^24)");
  auto element = dtypeAttr(n, "output_datatype", n.builder().getF32Type());
  if (failed(element))
    return failure();
  bool periodic = n.intAttr("periodic", 1) != 0;
  double denominator = periodic ? (double)size : (double)size - 1;
  std::vector<double> values(size);
  for (int64_t i = 0; i < size; ++i) {
    double v = 0, sign = 1;
    for (auto [j, a] : llvm::enumerate(coefficients)) {
      v += sign * a * std::cos(2 * M_PI * (double)j * (double)i / denominator);
      sign = -sign;
    }
    values[i] = v;
  }
  n.setOutput(0, doubleConstant(n, RankedTensorType::get({size}, *element), values));
  return success();
}

} // namespace

void registerGeneratorImporters(OpRegistry &r) {
  r.add({"EyeLike", 9, 17, importEyeLike});
  r.add({"HannWindow", 17, 17, [](NodeImporter &n) { return importCosineWindow(n, {0.5, 0.5}); }});
  r.add({"HammingWindow", 17, 17,
         [](NodeImporter &n) { return importCosineWindow(n, {25.0 / 46, 21.0 / 46}); }});
  r.add({"BlackmanWindow", 17, 17,
         [](NodeImporter &n) { return importCosineWindow(n, {0.42, 0.5, 0.08}); }});
}

} // namespace tessel
