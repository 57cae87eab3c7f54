//===- TileElementwise.cpp ------------------------------------------------===//
#include "codegen/Kernels/TileElementwise.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessel {

/// True when `map` reads its operand at C's indices: every result is a loop
/// (or the constant 0 of a broadcast axis), and C's innermost loop, if read,
/// is the operand's innermost index (a contiguous vector).
static bool isTileReadable(AffineMap map, Value operand) {
  auto type = dyn_cast<MemRefType>(operand.getType());
  if (!type || !type.hasStaticShape())
    return false;
  unsigned inner = map.getNumDims() - 1;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    if (auto c = dyn_cast<AffineConstantExpr>(e)) {
      if (c.getValue() != 0)
        return false;
      continue;
    }
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return false;
    if (d.getPosition() == inner && (i + 1 != map.getNumResults() || !type.isLastDimUnitStride()))
      return false;
  }
  return true;
}

/// Elementwise arith/math ops on scalars only: the body can be widened op by
/// op.
static bool isWidenable(linalg::GenericOp op) {
  for (Operation &inner : op.getRegion().front().without_terminator()) {
    Dialect *dialect = inner.getDialect();
    if (!dialect || !isa<arith::ArithDialect, math::MathDialect>(dialect) ||
        inner.getNumRegions() != 0 || inner.getNumResults() != 1 ||
        isa<arith::ConstantOp>(inner))
      return false;
    for (Type t : llvm::concat<Type>(inner.getOperandTypes(), inner.getResultTypes()))
      if (!t.isIntOrIndexOrFloat() || t.isIndex())
        return false;
  }
  return true;
}

/// An all-parallel generic over `c`'s index space writing `output`
/// elementwise, its out value unread unless `outputRead`.
static bool isElementwiseOver(linalg::GenericOp op, Value c, Value output,
                              bool outputRead = false) {
  auto ct = cast<MemRefType>(c.getType());
  auto ot = dyn_cast<MemRefType>(output.getType());
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 || op.getDpsInits()[0] != output ||
      !ot || ot.getShape() != ct.getShape() || !ot.isLastDimUnitStride() ||
      op.getNumLoops() != (unsigned)ct.getRank() || op.getNumParallelLoops() != op.getNumLoops())
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps.back().isIdentity())
    return false;
  if (!outputRead && !op.getRegion().front().getArguments().back().use_empty())
    return false;
  for (auto [map, input] : llvm::zip(ArrayRef(maps).drop_back(), op.getDpsInputs()))
    if (!isTileReadable(map, input))
      return false;
  return isWidenable(op);
}

TileElementwise matchPrologue(linalg::GenericOp contraction) {
  Value c = contraction.getDpsInits()[0];
  Operation *prev = contraction->getPrevNode();
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(prev))
    return fill.getDpsInits()[0] == c && fill.hasPureBufferSemantics() ? TileElementwise{fill, -1}
                                                                        : TileElementwise{};
  auto generic = dyn_cast_or_null<linalg::GenericOp>(prev);
  if (!generic || !isElementwiseOver(generic, c, c, /*outputRead=*/true) ||
      llvm::is_contained(generic.getDpsInputs(), c))
    return {};
  TileElementwise prologue{generic, -1};
  prologue.readsC = !generic.getRegion().front().getArguments().back().use_empty();
  return prologue;
}

TileElementwise matchEpilogue(linalg::GenericOp contraction) {
  Value c = contraction.getDpsInits()[0];
  auto next = dyn_cast_or_null<linalg::GenericOp>(contraction->getNextNode());
  if (!next || next.getNumDpsInits() != 1 ||
      !isElementwiseOver(next, c, next.getDpsInits()[0]))
    return {};
  // C is read once, through the identity map, and is otherwise dead: the
  // epilogue updates it in place, or it is a local allocation whose other
  // users are the contraction, its prologue and deallocations.
  int64_t cInput = -1;
  for (auto [i, input] : llvm::enumerate(next.getDpsInputs()))
    if (input == c) {
      if (cInput >= 0 || !next.getIndexingMapsArray()[i].isIdentity())
        return {};
      cInput = i;
    }
  if (cInput < 0)
    return {};
  if (next.getDpsInits()[0] == c)
    return TileElementwise{next, cInput};
  if (!c.getDefiningOp<memref::AllocOp>())
    return {};
  for (Operation *user : c.getUsers())
    if (user != contraction && user != next && !isa<memref::DeallocOp>(user) &&
        user != contraction->getPrevNode())
      return {};
  return TileElementwise{next, cInput};
}

Value TileElementwise::evaluate(OpBuilder &b, Location loc, ValueRange cIndices, int64_t count,
                                int64_t lanes, Value cValue) const {
  auto vectorOf = [&](Type t) { return VectorType::get({lanes}, t); };
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    Value scalar = fill.getInputs()[0];
    return vector::BroadcastOp::create(b, loc, vectorOf(scalar.getType()), scalar);
  }
  auto op = cast<linalg::GenericOp>(this->op);
  Block &body = op.getRegion().front();
  unsigned inner = cIndices.size() - 1;
  IRMapping mapping;
  for (auto [i, input] : llvm::enumerate(op.getDpsInputs())) {
    BlockArgument arg = body.getArgument(i);
    if ((int64_t)i == cInput) {
      mapping.map(arg, cValue);
      continue;
    }
    AffineMap map = op.getIndexingMapsArray()[i];
    SmallVector<Value> idx;
    bool vectorRead = false;
    for (AffineExpr e : map.getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e)) {
        idx.push_back(cIndices[d.getPosition()]);
        vectorRead |= d.getPosition() == inner;
      } else {
        idx.push_back(arith::ConstantIndexOp::create(b, loc, 0));
      }
    }
    Type et = arg.getType();
    Value v;
    if (!vectorRead) {
      v = vector::BroadcastOp::create(b, loc, vectorOf(et),
                                      memref::LoadOp::create(b, loc, input, idx));
    } else if (count == lanes) {
      v = vector::LoadOp::create(b, loc, vectorOf(et), input, idx);
    } else {
      Value mask = vector::ConstantMaskOp::create(b, loc, vectorOf(b.getI1Type()),
                                                  ArrayRef<int64_t>{count});
      Value zero = arith::ConstantOp::create(b, loc, vectorOf(et),
                                             cast<TypedAttr>(DenseElementsAttr::get(
                                                 vectorOf(et), b.getZeroAttr(et))));
      v = vector::MaskedLoadOp::create(b, loc, vectorOf(et), input, idx, mask, zero);
    }
    mapping.map(arg, v);
  }
  if (readsC)
    mapping.map(body.getArguments().back(), cValue);
  // Values from above (scalar constants) are broadcast once.
  auto widen = [&](Value v) -> Value {
    if (Value mapped = mapping.lookupOrNull(v))
      return mapped;
    Value w = vector::BroadcastOp::create(b, loc, vectorOf(v.getType()), v);
    mapping.map(v, w);
    return w;
  };
  for (Operation &scalar : body.without_terminator()) {
    OperationState state(loc, scalar.getName());
    for (Value operand : scalar.getOperands())
      state.addOperands(widen(operand));
    state.addTypes(vectorOf(scalar.getResult(0).getType()));
    state.addAttributes(scalar.getAttrs());
    Operation *wide = b.create(state);
    mapping.map(scalar.getResult(0), wide->getResult(0));
  }
  return widen(body.getTerminator()->getOperand(0));
}

} // namespace tessel
