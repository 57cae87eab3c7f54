//===- ContractionAnalysis.cpp --------------------------------------------===//
#include "codegen/Kernels/ContractionAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace tessel {

int64_t ContractionRoles::macs() const {
  int64_t total = 1;
  for (int64_t r : ranges)
    total *= r;
  return total;
}

std::optional<int64_t> linearCoefficient(AffineExpr expr, unsigned dim) {
  if (!expr.isFunctionOfDim(dim))
    return 0;
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return d.getPosition() == dim ? 1 : 0;
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return std::nullopt;
  if (bin.getKind() == AffineExprKind::Add) {
    auto l = linearCoefficient(bin.getLHS(), dim), r = linearCoefficient(bin.getRHS(), dim);
    if (!l || !r)
      return std::nullopt;
    return *l + *r;
  }
  if (bin.getKind() == AffineExprKind::Mul) {
    // Canonical affine products keep the constant on the right.
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    auto l = linearCoefficient(bin.getLHS(), dim);
    if (!c || !l)
      return std::nullopt;
    return *l * c.getValue();
  }
  return std::nullopt; // floordiv, ceildiv, mod
}

bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(body.front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body.begin()));
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!mul || !add || yield.getNumOperands() != 1 || yield.getOperand(0) != add.getResult())
    return false;
  Value in0 = body.getArgument(0), in1 = body.getArgument(1), out = body.getArgument(2);
  bool mulOk = (mul.getLhs() == in0 && mul.getRhs() == in1) ||
               (mul.getLhs() == in1 && mul.getRhs() == in0);
  bool addOk = (add.getLhs() == out && add.getRhs() == mul.getResult()) ||
               (add.getRhs() == out && add.getLhs() == mul.getResult());
  return mulOk && addOk;
}

static bool hasUnitInnerStride(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  return type && type.getRank() > 0 && type.isLastDimUnitStride();
}

static bool mapReads(AffineMap map, unsigned dim) {
  return llvm::any_of(map.getResults(), [&](AffineExpr e) { return e.isFunctionOfDim(dim); });
}

/// Whether `expr` is a sum of terms that each read loop `dim` alone or not at
/// all: its value at any loop point is (its value with every other loop at
/// 0) + (its value with `dim` at 0).
static bool isSeparable(AffineExpr expr, unsigned dim, unsigned numDims) {
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (bin && bin.getKind() == AffineExprKind::Add)
    return isSeparable(bin.getLHS(), dim, numDims) && isSeparable(bin.getRHS(), dim, numDims);
  if (!expr.isFunctionOfDim(dim))
    return true;
  for (unsigned d = 0; d < numDims; ++d)
    if (d != dim && expr.isFunctionOfDim(d))
      return false;
  return true;
}

/// The additive terms of `expr` that read loop `dim`.
static void termsOf(AffineExpr expr, unsigned dim, SmallVectorImpl<AffineExpr> &terms) {
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (bin && bin.getKind() == AffineExprKind::Add) {
    termsOf(bin.getLHS(), dim, terms);
    termsOf(bin.getRHS(), dim, terms);
  } else if (expr.isFunctionOfDim(dim)) {
    terms.push_back(expr);
  }
}

/// (W, s) where a gathered B map reads rows of W elements s apart (see
/// ContractionRoles::nRowLength), else (0, 0).
static std::pair<int64_t, int64_t> rowLength(AffineMap map, unsigned dim) {
  int64_t rank = map.getNumResults();
  if (rank < 2)
    return {0, 0};
  for (AffineExpr e : map.getResults().drop_back(2))
    if (e.isFunctionOfDim(dim))
      return {0, 0};
  SmallVector<AffineExpr> inner, outer;
  termsOf(map.getResult(rank - 1), dim, inner);
  termsOf(map.getResult(rank - 2), dim, outer);
  if (inner.size() != 1 || outer.size() != 1)
    return {0, 0};
  // `e`, possibly times a positive constant, as (e, constant).
  auto scaled = [](AffineExpr e) -> std::pair<AffineExpr, int64_t> {
    auto mul = dyn_cast<AffineBinaryOpExpr>(e);
    if (mul && mul.getKind() == AffineExprKind::Mul)
      if (auto c = dyn_cast<AffineConstantExpr>(mul.getRHS()); c && c.getValue() > 0)
        return {mul.getLHS(), c.getValue()};
    return {e, 1};
  };
  AffineExpr n = getAffineDimExpr(dim, map.getContext());
  auto [column, step] = scaled(inner.front());
  auto mod = dyn_cast<AffineBinaryOpExpr>(column);
  if (!mod || mod.getKind() != AffineExprKind::Mod || mod.getLHS() != n)
    return {0, 0};
  auto width = dyn_cast<AffineConstantExpr>(mod.getRHS());
  if (!width || width.getValue() <= 0)
    return {0, 0};
  auto div = dyn_cast<AffineBinaryOpExpr>(scaled(outer.front()).first);
  if (!div || div.getKind() != AffineExprKind::FloorDiv || div.getLHS() != n ||
      div.getRHS() != mod.getRHS())
    return {0, 0};
  return {width.getValue(), step};
}

/// Whether `map` reads loop `dim` as (dim floordiv T, ..., dim mod T), the
/// tiled layout of tessel-pack-constant-operands, and nowhere else.
static bool isTiledAlong(AffineMap map, unsigned dim) {
  if (map.getNumResults() < 2)
    return false;
  auto tile = dyn_cast<AffineBinaryOpExpr>(map.getResults().front());
  auto element = dyn_cast<AffineBinaryOpExpr>(map.getResults().back());
  if (!tile || !element || tile.getKind() != AffineExprKind::FloorDiv ||
      element.getKind() != AffineExprKind::Mod || tile.getLHS() != element.getLHS() ||
      tile.getRHS() != element.getRHS() || tile.getLHS() != getAffineDimExpr(dim, map.getContext()))
    return false;
  return llvm::none_of(map.getResults().drop_front().drop_back(),
                       [&](AffineExpr e) { return e.isFunctionOfDim(dim); });
}

FailureOr<ContractionRoles> analyzeContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !isMultiplyAccumulate(op))
    return failure();
  for (Value v : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
      return failure();
  }
  ContractionRoles roles;
  roles.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(roles.ranges, [](int64_t r) { return ShapedType::isDynamic(r) || r <= 0; }))
    return failure();

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap cMap = maps[2];
  if (!cMap.isProjectedPermutation() || cMap.getNumResults() == 0)
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < iterators.size(); ++d) {
    bool parallel = iterators[d] == utils::IteratorType::parallel;
    // Every parallel loop indexes C and no reduction does.
    if (parallel != mapReads(cMap, d))
      return failure();
  }
  if (!hasUnitInnerStride(op.getDpsInits()[0]))
    return failure();

  // n: C's innermost loop, read by exactly one input, there in its innermost
  // index only, affinely.
  roles.n = cast<AffineDimExpr>(cMap.getResults().back()).getPosition();
  bool in0 = mapReads(maps[0], roles.n), in1 = mapReads(maps[1], roles.n);
  if (in0 == in1)
    return failure();
  roles.b = in0 ? 0 : 1;
  roles.a = 1 - roles.b;
  AffineMap bMap = maps[roles.b];
  if (bMap.getNumResults() == 0 || !hasUnitInnerStride(op.getDpsInputs()[roles.b]))
    return failure();
  if (isTiledAlong(bMap, roles.n)) {
    // A B packed at compile time into column tiles (tessel-pack-constant-
    // operands): contiguous along n within a tile.
    roles.nStride = 1;
  } else {
    bool innermostOnly = llvm::none_of(bMap.getResults().drop_back(), [&](AffineExpr e) {
      return e.isFunctionOfDim(roles.n);
    });
    std::optional<int64_t> stride = linearCoefficient(bMap.getResults().back(), roles.n);
    if (innermostOnly && stride && *stride > 0) {
      roles.nStride = *stride;
    } else {
      // Gathered: per-lane offsets in elements need static strides.
      auto bType = cast<MemRefType>(op.getDpsInputs()[roles.b].getType());
      SmallVector<int64_t> strides;
      int64_t offset;
      if (failed(bType.getStridesAndOffset(strides, offset)) ||
          llvm::any_of(strides, ShapedType::isDynamic) ||
          !llvm::all_of(bMap.getResults(), [&](AffineExpr e) {
            return isSeparable(e, roles.n, bMap.getNumDims());
          }))
        return failure();
      roles.nStride = 0;
      roles.nGathered = true;
      std::tie(roles.nRowLength, roles.nRowStride) = rowLength(bMap, roles.n);
    }
  }
  // m: the longest parallel loop that A reads and B does not.
  AffineMap aMap = maps[roles.a];
  for (unsigned d = 0; d < iterators.size(); ++d) {
    if (d == roles.n)
      continue;
    if (iterators[d] == utils::IteratorType::reduction) {
      roles.reductions.push_back(d);
      continue;
    }
    if (mapReads(aMap, d) && !mapReads(bMap, d) &&
        (roles.m < 0 || roles.ranges[d] > roles.ranges[roles.m]))
      roles.m = d;
  }
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (iterators[d] == utils::IteratorType::parallel && d != roles.n && d != roles.m)
      roles.outer.push_back(d);
  roles.aReadsOuter = llvm::any_of(roles.outer, [&](int64_t d) { return mapReads(aMap, d); });
  return roles;
}

} // namespace tessel
