//===- ShapeArithmetic.cpp ------------------------------------------------===//
#include "dialects/Tessel/ShapeArithmetic.h"

#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace tessel {

bool isShapeVectorType(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getRank() <= 1 &&
         t.getNumElements() <= kShapeVectorElements &&
         (isa<IntegerType>(t.getElementType()) || t.getElementType().isF32() ||
          t.getElementType().isF64());
}

bool isShapeArithmetic(Operation *op) {
  if (isa<ShapeOp, SizeOp>(op))
    return !cast<RankedTensorType>(op->getOperand(0).getType()).hasStaticShape();
  bool computes = isa<GatherOp, ConcatOp, SliceOp, ReshapeOp, CastOp>(op) ||
                  op->hasTrait<traits::Elementwise>();
  if (!computes || op->getNumResults() != 1 || !isShapeVectorType(op->getResult(0).getType()) ||
      !llvm::all_of(op->getOperandTypes(), isShapeVectorType))
    return false;
  // The chains are short (a shape's few entries), so the recursion is too.
  return llvm::any_of(op->getOperands(), [](Value v) {
    Operation *def = v.getDefiningOp();
    return def && isShapeArithmetic(def);
  });
}

bool isSizeComputation(Value value) {
  if (!isShapeVectorType(value.getType()))
    return false;
  Operation *def = value.getDefiningOp();
  if (!def)
    return false; // A graph input: data.
  if (def->hasTrait<OpTrait::ConstantLike>() || isa<ShapeOp, SizeOp>(def))
    return true;
  return isShapeArithmetic(def) && llvm::all_of(def->getOperands(), isSizeComputation);
}

SmallVector<std::optional<int64_t>> knownShapeEntries(Value shape) {
  auto type = cast<RankedTensorType>(shape.getType());
  int64_t n = type.hasStaticShape() ? type.getNumElements() : 0;
  SmallVector<std::optional<int64_t>> unknown(n, std::nullopt);
  if (!isShapeVectorType(type) || !isa<IntegerType>(type.getElementType()))
    return unknown;
  DenseIntElementsAttr values;
  if (matchPattern(shape, m_Constant(&values))) {
    SmallVector<std::optional<int64_t>> known;
    for (const APInt &v : values.getValues<APInt>())
      known.push_back(v.getSExtValue());
    return known;
  }
  Operation *def = shape.getDefiningOp();
  if (auto s = dyn_cast_or_null<ShapeOp>(def)) {
    SmallVector<std::optional<int64_t>> known;
    for (int64_t d = s.getStart(); d < s.getEnd(); ++d) {
      int64_t size = s.getInput().getType().getDimSize(d);
      known.push_back(ShapedType::isDynamic(size) ? std::nullopt : std::optional(size));
    }
    return known;
  }
  if (auto concat = dyn_cast_or_null<ConcatOp>(def)) {
    SmallVector<std::optional<int64_t>> known;
    for (Value piece : concat.getInputs())
      llvm::append_range(known, knownShapeEntries(piece));
    return (int64_t)known.size() == n ? known : unknown;
  }
  if (auto reshape = dyn_cast_or_null<ReshapeOp>(def)) {
    SmallVector<std::optional<int64_t>> known = knownShapeEntries(reshape.getInput());
    return (int64_t)known.size() == n ? known : unknown;
  }
  if (auto slice = dyn_cast_or_null<SliceOp>(def)) {
    SmallVector<std::optional<int64_t>> from = knownShapeEntries(slice.getInput());
    if (slice.getStarts().size() != 1 || from.empty())
      return unknown;
    SmallVector<std::optional<int64_t>> known;
    for (int64_t i = 0; i < n; ++i) {
      int64_t at = slice.getStarts()[0] + i * slice.getSteps()[0];
      if (at < 0 || at >= (int64_t)from.size())
        return unknown;
      known.push_back(from[at]);
    }
    return known;
  }
  if (auto gather = dyn_cast_or_null<GatherOp>(def)) {
    SmallVector<std::optional<int64_t>> from = knownShapeEntries(gather.getData());
    DenseIntElementsAttr indices;
    if (gather.getAxis() != 0 || !matchPattern(gather.getIndices(), m_Constant(&indices)))
      return unknown;
    SmallVector<std::optional<int64_t>> known;
    for (const APInt &v : indices.getValues<APInt>()) {
      int64_t at = v.getSExtValue();
      at += at < 0 ? (int64_t)from.size() : 0;
      if (at < 0 || at >= (int64_t)from.size())
        return unknown;
      known.push_back(from[at]);
    }
    return (int64_t)known.size() == n ? known : unknown;
  }
  return unknown;
}

SmallVector<int64_t> computedReshapeShape(ArrayRef<int64_t> input,
                                          ArrayRef<std::optional<int64_t>> entries,
                                          bool allowZero) {
  SmallVector<int64_t> shape;
  int64_t inferred = -1;
  for (auto [i, entry] : llvm::enumerate(entries)) {
    int64_t d = entry.value_or(ShapedType::kDynamic);
    if (d == 0 && !allowZero)
      d = i < input.size() ? input[i] : ShapedType::kDynamic;
    if (d == -1) {
      inferred = i;
      d = ShapedType::kDynamic;
    } else if (d < 0) {
      d = ShapedType::kDynamic; // Invalid: the run-time check reports it.
    }
    shape.push_back(d);
  }
  // -1 is the element count over the others, where all of that is static.
  std::optional<int64_t> total = llvm::any_of(input, ShapedType::isDynamic)
                                     ? std::nullopt
                                     : checkedElementCount(input);
  if (inferred >= 0 && total) {
    int64_t known = 1;
    bool fixed = true;
    for (auto [i, d] : llvm::enumerate(shape))
      if ((int64_t)i != inferred && (ShapedType::isDynamic(d) ||
                                     __builtin_mul_overflow(known, d, &known)))
        fixed = false;
    if (fixed && known > 0 && *total % known == 0)
      shape[inferred] = *total / known;
  }
  return shape;
}

} // namespace tessel
