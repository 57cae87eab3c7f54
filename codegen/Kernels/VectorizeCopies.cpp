//===- VectorizeCopies.cpp - The tessel-vectorize-copies pass -------------===//
//
// Copies between buffers (a padded convolution's input, a concatenation's
// parts, a slice) reach LLVM as scalar loop nests over two pointers that may
// alias as far as LLVM can tell. It neither turns them into memcpy nor
// vectorizes them, and fully unrolls short rows instead: one element per
// load and store, measured at a quarter of a 3x3 depthwise convolution's
// time on its padding copy alone. This pass writes each copy's rows as full
// vector loads and stores itself: the trailing dimensions that are
// contiguous in both buffers form one run, the leading ones loop, and a
// run that is not a whole number of vectors ends in one shorter vector.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/Target/TargetDescription.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_VECTORIZECOPIES
#include "codegen/Passes.h.inc"

namespace {

/// The first of the trailing dimensions that are contiguous in `type`
/// (stride 1 innermost, each outer stride the product of the sizes inside
/// it, all of them static), or -1 where the innermost stride is not 1 or
/// the innermost size is dynamic.
int64_t firstContiguousDim(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides.back() != 1)
    return -1;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t d = type.getRank() - 1, run = shape[d];
  if (ShapedType::isDynamic(run))
    return -1;
  while (d > 0 && !ShapedType::isDynamic(shape[d - 1]) &&
         (shape[d - 1] == 1 || strides[d - 1] == run)) {
    --d;
    run *= shape[d];
  }
  return d;
}

/// `value` with dimensions [first, rank) collapsed into one (no-op where
/// that is one dimension already).
Value collapseTrailing(OpBuilder &b, Location loc, Value value, int64_t first) {
  auto type = cast<MemRefType>(value.getType());
  if (first == type.getRank() - 1)
    return value;
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < first; ++d)
    groups.push_back({d});
  groups.push_back(llvm::to_vector(llvm::seq<int64_t>(first, type.getRank())));
  return memref::CollapseShapeOp::create(b, loc, value, groups);
}

/// Rewrites `copy` as loops of vector loads and stores, or fails (leaving it
/// alone) where its buffers are not unit-stride innermost. Leading
/// dimensions may be dynamic (a run-time batch or sequence): they loop to
/// their run-time size; the contiguous run is static.
LogicalResult vectorizeCopy(IRRewriter &rewriter, linalg::CopyOp copy, unsigned vectorBits) {
  if (!copy.hasPureBufferSemantics())
    return failure();
  auto srcType = dyn_cast<MemRefType>(copy.getInputs()[0].getType());
  auto dstType = dyn_cast<MemRefType>(copy.getOutputs()[0].getType());
  if (!srcType || !dstType || srcType.getRank() == 0 ||
      srcType.getShape() != dstType.getShape() ||
      srcType.getElementType() != dstType.getElementType())
    return failure();
  Type elementType = srcType.getElementType();
  if (!elementType.isIntOrFloat() || elementType.getIntOrFloatBitWidth() % 8 != 0 ||
      elementType.getIntOrFloatBitWidth() > 64)
    return failure();
  int64_t srcFirst = firstContiguousDim(srcType), dstFirst = firstContiguousDim(dstType);
  if (srcFirst < 0 || dstFirst < 0)
    return failure();
  int64_t first = std::max(srcFirst, dstFirst);

  Location loc = copy.getLoc();
  rewriter.setInsertionPoint(copy);
  Value src = collapseTrailing(rewriter, loc, copy.getInputs()[0], first);
  Value dst = collapseTrailing(rewriter, loc, copy.getOutputs()[0], first);
  ArrayRef<int64_t> shape = srcType.getShape();
  int64_t run = 1;
  for (int64_t size : shape.drop_front(first))
    run *= size;
  int64_t lanes = std::max<int64_t>(vectorBits / elementType.getIntOrFloatBitWidth(), 1);
  int64_t full = run / lanes * lanes, tail = run - full;

  auto index = [&](OpBuilder &b, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // Loops over the leading dimensions of more than one element only.
  SmallVector<int64_t> looped;
  for (int64_t d = 0; d < first; ++d)
    if (shape[d] != 1)
      looped.push_back(d);
  // The run's sizes are static (firstContiguousDim).
  auto copyRow = [&](OpBuilder &b, Location l, ValueRange ivs) {
    SmallVector<Value> indices(first, index(b, 0));
    for (auto [d, iv] : llvm::zip_equal(looped, ivs))
      indices[d] = iv;
    auto move = [&](OpBuilder &nb, Value at, int64_t width) {
      indices.push_back(at);
      auto vectorType = VectorType::get({width}, elementType);
      Value v = vector::LoadOp::create(nb, l, vectorType, src, indices);
      vector::StoreOp::create(nb, l, v, dst, indices);
      indices.pop_back();
    };
    if (full > lanes)
      scf::ForOp::create(b, l, index(b, 0), index(b, full), index(b, lanes), ValueRange{},
                         [&](OpBuilder &nb, Location, Value j, ValueRange) {
                           move(nb, j, lanes);
                           scf::YieldOp::create(nb, l);
                         });
    else if (full == lanes)
      move(b, index(b, 0), lanes);
    if (tail > 0)
      move(b, index(b, full), tail);
  };
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : looped) {
    lbs.push_back(index(rewriter, 0));
    ubs.push_back(ShapedType::isDynamic(shape[d])
                      ? Value(memref::DimOp::create(rewriter, loc, copy.getInputs()[0], d))
                      : index(rewriter, shape[d]));
    steps.push_back(index(rewriter, 1));
  }
  scf::buildLoopNest(rewriter, loc, lbs, ubs, steps, copyRow);
  rewriter.eraseOp(copy);
  return success();
}

struct VectorizeCopiesPass : impl::VectorizeCopiesBase<VectorizeCopiesPass> {
  void runOnOperation() override {
    FailureOr<TargetDescription> target = getTargetOrEmitError(getOperation());
    if (failed(target))
      return signalPassFailure();
    SmallVector<linalg::CopyOp> copies;
    getOperation().walk([&](linalg::CopyOp op) { copies.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::CopyOp copy : copies)
      (void)vectorizeCopy(rewriter, copy, target->vectorBits);
  }
};

} // namespace
} // namespace tessel
