//===- ShapeHelpers.cpp ---------------------------------------------------===//
#include "dialects/Tessel/ShapeHelpers.h"

#include <string>

namespace tessel {

std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  llvm::SmallVector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    // A dynamic dimension against n > 1 is n (the run-time check requires
    // it), against 1 or another dynamic one it stays dynamic.
    bool dynA = mlir::ShapedType::isDynamic(da), dynB = mlir::ShapedType::isDynamic(db);
    if (!dynA && !dynB && da != db && da != 1 && db != 1)
      return std::nullopt;
    if (da == 1)
      out[i] = db;
    else if (db == 1 || dynB)
      out[i] = da;
    else
      out[i] = db;
  }
  return out;
}

bool dimsCompatible(int64_t a, int64_t b) {
  return a == b || mlir::ShapedType::isDynamic(a) || mlir::ShapedType::isDynamic(b);
}

std::optional<int64_t> checkedElementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && count > INT64_MAX / d)
      return std::nullopt;
    count *= d;
  }
  return count;
}

bool reshapeKeepsDynamicDims(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to) {
  auto staticPart = [](llvm::ArrayRef<int64_t> shape) {
    llvm::SmallVector<int64_t> sizes;
    for (int64_t d : shape)
      if (!mlir::ShapedType::isDynamic(d))
        sizes.push_back(d);
    return std::make_pair(checkedElementCount(sizes), shape.size() - sizes.size());
  };
  auto [fromCount, fromDynamic] = staticPart(from);
  auto [toCount, toDynamic] = staticPart(to);
  return fromCount && toCount && *fromCount == *toCount && fromDynamic == toDynamic;
}

int64_t slidingWindowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                                int64_t padBegin, int64_t padEnd, int64_t dilation,
                                bool ceilMode) {
  // Hostile attributes (pads or dilations near 2^63) must not overflow.
  int64_t effectiveKernel, span;
  if (kernel <= 0 || stride <= 0 || dilation <= 0 ||
      __builtin_mul_overflow(dilation, kernel - 1, &effectiveKernel) ||
      __builtin_add_overflow(effectiveKernel, 1, &effectiveKernel) ||
      __builtin_add_overflow(input, padBegin, &span) ||
      __builtin_add_overflow(span, padEnd, &span) ||
      __builtin_sub_overflow(span, effectiveKernel, &span) || span < 0)
    return -1;
  int64_t out = span / stride + (ceilMode && span % stride != 0) + 1;
  // ONNX (like PyTorch) drops a last window that would start in the end padding.
  if (ceilMode && (out - 1) * stride >= input + padBegin)
    --out;
  return out;
}

std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += mlir::ShapedType::isDynamic(shape[i]) ? "?" : std::to_string(shape[i]);
  }
  return s;
}

mlir::LogicalResult
verifyNormalization(std::optional<mlir::Location> loc, llvm::StringRef opName,
                    mlir::RankedTensorType input, int64_t axis, double epsilon,
                    llvm::ArrayRef<std::pair<const char *, mlir::Value>> params) {
  int64_t rank = input.getRank();
  if (axis < 0 || axis >= rank)
    return mlir::emitOptionalError(loc, "'", opName, "' op axis ", axis,
                                   " is out of range for rank ", rank);
  if (!(epsilon >= 0))
    return mlir::emitOptionalError(loc, "'", opName, "' op epsilon must not be negative");
  llvm::ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (auto [what, v] : params) {
    if (!v)
      continue;
    auto vt = llvm::cast<mlir::RankedTensorType>(v.getType());
    auto b = broadcastShapes(vt.getShape(), normalized);
    if (vt.getElementType() != input.getElementType() || !b ||
        llvm::ArrayRef<int64_t>(*b) != normalized)
      return mlir::emitOptionalError(loc, "'", opName, "' op ", what, " of type ", vt,
                                     " does not broadcast to the normalized shape ",
                                     formatShape(normalized), " of ", input.getElementType());
  }
  return mlir::success();
}

} // namespace tessel
