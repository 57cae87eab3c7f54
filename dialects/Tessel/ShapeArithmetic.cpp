//===- ShapeArithmetic.cpp ------------------------------------------------===//
#include "dialects/Tessel/ShapeArithmetic.h"

#include "dialects/Tessel/ModelAttributes.h"
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace tessel {

bool isShapeVectorType(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getRank() <= 1 &&
         t.getNumElements() <= kShapeVectorElements &&
         (isa<IntegerType>(t.getElementType()) || t.getElementType().isF32() ||
          t.getElementType().isF64());
}

/// An op that may compute shape vectors: shape vectors in and out.
static bool computesOnShapeVectors(Operation *op) {
  bool computes = isa<GatherOp, ConcatOp, SliceOp, ReshapeOp, CastOp>(op) ||
                  op->hasTrait<traits::Elementwise>();
  return computes && op->getNumResults() == 1 &&
         isShapeVectorType(op->getResult(0).getType()) &&
         llvm::all_of(op->getOperandTypes(), isShapeVectorType);
}

bool isShapeInput(Value value) {
  auto arg = dyn_cast<BlockArgument>(value);
  // (A block being converted may not be in a region.)
  if (!arg || !isShapeVectorType(arg.getType()) || !arg.getOwner() ||
      !arg.getOwner()->getParent() || !arg.getOwner()->isEntryBlock())
    return false;
  auto func = dyn_cast_or_null<FunctionOpInterface>(arg.getOwner()->getParentOp());
  return func && func.getArgAttr(arg.getArgNumber(), kShapeInputAttr);
}

static bool isRunTimeSize(Operation *op) {
  return isa<ShapeOp, SizeOp>(op) &&
         !cast<RankedTensorType>(op->getOperand(0).getType()).hasStaticShape();
}

/// Walks what `root` is computed from through ops on shape vectors, each op
/// once (a hostile DAG of tiny integer ops must not take exponential time).
/// Returns whether a run-time size feeds it; `onlySizes` is set to whether
/// every other leaf is a constant.
static bool reachesRunTimeSize(Operation *root, bool &onlySizes) {
  SmallVector<Operation *> work{root};
  llvm::SmallPtrSet<Operation *, 16> seen{root};
  bool found = false;
  onlySizes = true;
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if (!def) {
        // A graph input: data, unless its values set sizes (read before
        // the run, like sizes).
        if (isShapeInput(v))
          found = true;
        else
          onlySizes = false;
        continue;
      }
      if (!seen.insert(def).second)
        continue;
      if (isRunTimeSize(def))
        found = true;
      else if (computesOnShapeVectors(def))
        work.push_back(def);
      else if (!def->hasTrait<OpTrait::ConstantLike>() && !isa<ShapeOp, SizeOp>(def))
        onlySizes = false;
    }
  }
  return found;
}

bool isShapeArithmetic(Operation *op) {
  if (isa<ShapeOp, SizeOp>(op))
    return isRunTimeSize(op);
  bool onlySizes;
  return computesOnShapeVectors(op) && reachesRunTimeSize(op, onlySizes);
}

bool isSizeComputation(Value value) {
  if (!isShapeVectorType(value.getType()))
    return false;
  Operation *def = value.getDefiningOp();
  if (!def)
    return isShapeInput(value); // A graph input: data, unless it sets sizes.
  if (def->hasTrait<OpTrait::ConstantLike>() || isa<ShapeOp, SizeOp>(def))
    return true;
  bool onlySizes;
  return computesOnShapeVectors(def) && reachesRunTimeSize(def, onlySizes) && onlySizes;
}

bool markShapeInputs(Value value) {
  if (!isShapeVectorType(value.getType()))
    return false;
  SmallVector<Value> work{value};
  llvm::SmallPtrSet<Operation *, 16> seen;
  SmallVector<BlockArgument> inputs;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def) {
      auto arg = cast<BlockArgument>(v);
      if (!arg.getOwner()->getParent() || !arg.getOwner()->isEntryBlock() ||
          !isa_and_nonnull<FunctionOpInterface>(arg.getOwner()->getParentOp()) ||
          !isShapeVectorType(arg.getType()))
        return false;
      inputs.push_back(arg);
      continue;
    }
    if (!seen.insert(def).second || def->hasTrait<OpTrait::ConstantLike>() ||
        isa<ShapeOp, SizeOp>(def))
      continue;
    if (!computesOnShapeVectors(def))
      return false;
    llvm::append_range(work, def->getOperands());
  }
  if (inputs.empty())
    return false;
  for (BlockArgument arg : inputs)
    cast<FunctionOpInterface>(arg.getOwner()->getParentOp())
        .setArgAttr(arg.getArgNumber(), kShapeInputAttr, UnitAttr::get(arg.getContext()));
  return true;
}

/// Entry by entry, what integer arithmetic on shape vectors computes where
/// its operands' entries are known (operands of one entry broadcast); an
/// overflow or a division by zero leaves the entry to run time.
using KnownEntries = SmallVector<std::optional<int64_t>>;
/// Each shape vector's entries once: the vectors form a DAG whose paths can
/// be exponentially many (Add(t, t) chains).
using KnownEntriesCache = llvm::DenseMap<Value, KnownEntries>;
static KnownEntries knownEntries(Value shape, KnownEntriesCache &cache);

static KnownEntries knownElementwiseEntries(Operation *op, int64_t n, KnownEntriesCache &cache) {
  SmallVector<SmallVector<std::optional<int64_t>>> operands;
  for (Value v : op->getOperands()) {
    operands.push_back(knownEntries(v, cache));
    if (operands.back().size() != 1 && (int64_t)operands.back().size() != n)
      return SmallVector<std::optional<int64_t>>(n, std::nullopt);
  }
  auto at = [&](unsigned k, int64_t i) {
    return operands[k].size() == 1 ? operands[k][0] : operands[k][i];
  };
  SmallVector<std::optional<int64_t>> known;
  for (int64_t i = 0; i < n; ++i) {
    if (isa<SelectOp>(op)) {
      std::optional<int64_t> c = at(0, i), t = at(1, i), f = at(2, i);
      known.push_back(c ? (*c ? t : f) : (t && t == f ? t : std::nullopt));
      continue;
    }
    if (isa<CastOp>(op)) {
      auto to = dyn_cast<IntegerType>(getElementTypeOrSelf(op->getResult(0).getType()));
      std::optional<int64_t> v = at(0, i);
      bool fits = to && v && (to.getWidth() >= 64 || llvm::isIntN(to.getWidth(), *v));
      known.push_back(fits ? v : std::nullopt);
      continue;
    }
    std::optional<int64_t> a = at(0, i), b = op->getNumOperands() > 1 ? at(1, i) : std::nullopt;
    int64_t r = 0;
    bool ok = a && b;
    if (ok && isa<AddOp>(op))
      ok = !__builtin_add_overflow(*a, *b, &r);
    else if (ok && isa<SubOp>(op))
      ok = !__builtin_sub_overflow(*a, *b, &r);
    else if (ok && isa<MulOp>(op))
      ok = !__builtin_mul_overflow(*a, *b, &r);
    else if (ok && isa<DivOp>(op))
      ok = *b != 0 && !(*a == INT64_MIN && *b == -1) && (r = *a / *b, true);
    else if (ok && isa<EqualOp>(op))
      r = *a == *b;
    known.push_back(ok ? std::optional(r) : std::nullopt);
  }
  return known;
}

SmallVector<std::optional<int64_t>> knownShapeEntries(Value shape) {
  KnownEntriesCache cache;
  return knownEntries(shape, cache);
}

static KnownEntries computeKnownEntries(Value shape, KnownEntriesCache &cache);

static KnownEntries knownEntries(Value shape, KnownEntriesCache &cache) {
  auto it = cache.find(shape);
  if (it != cache.end())
    return it->second;
  KnownEntries known = computeKnownEntries(shape, cache);
  cache[shape] = known;
  return known;
}

static KnownEntries computeKnownEntries(Value shape, KnownEntriesCache &cache) {
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
      llvm::append_range(known, knownEntries(piece, cache));
    return (int64_t)known.size() == n ? known : unknown;
  }
  if (auto reshape = dyn_cast_or_null<ReshapeOp>(def)) {
    SmallVector<std::optional<int64_t>> known = knownEntries(reshape.getInput(), cache);
    return (int64_t)known.size() == n ? known : unknown;
  }
  if (auto slice = dyn_cast_or_null<SliceOp>(def)) {
    SmallVector<std::optional<int64_t>> from = knownEntries(slice.getInput(), cache);
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
    SmallVector<std::optional<int64_t>> from = knownEntries(gather.getData(), cache);
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
  if (def && def->getNumResults() == 1 && def->getNumOperands() >= 1 &&
      (isa<AddOp, SubOp, MulOp, DivOp, EqualOp, SelectOp, CastOp>(def)))
    return knownElementwiseEntries(def, n, cache);
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
