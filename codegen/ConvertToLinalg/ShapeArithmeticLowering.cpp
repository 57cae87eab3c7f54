//===- ShapeArithmeticLowering.cpp - Shape vectors as scalars -------------===//
//
// Shape arithmetic (dialects/Tessel/ShapeArithmetic.h) stays in the model's
// main function, out of kernels. Each of its ops lowers to a
// tensor.from_elements whose elements are scalar computations on
// tensor.extracts of its operands, so canonicalization folds a whole
// Shape -> Gather -> Concat -> Reshape chain into index arithmetic on
// tensor.dim: the form RunTimeSizes rebuilds in kernel callers and in the
// model's shape function. (Inside kernels the same ops keep their usual
// linalg lowering.)
//
//===----------------------------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "dialects/Tessel/ShapeArithmetic.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace tessel {
namespace {

/// Element `i` of the rank-0 or rank-1 tensor `v`.
Value element(OpBuilder &b, Location loc, Value v, Value i) {
  if (cast<RankedTensorType>(v.getType()).getRank() == 0)
    return tensor::ExtractOp::create(b, loc, v, ValueRange{});
  return tensor::ExtractOp::create(b, loc, v, ValueRange{i});
}

Value element(OpBuilder &b, Location loc, Value v, int64_t i) {
  return element(b, loc, v, arith::ConstantIndexOp::create(b, loc, i));
}

/// Element `i` of an elementwise operand broadcast to the result.
Value broadcastElement(OpBuilder &b, Location loc, Value v, int64_t i) {
  return element(b, loc, v, cast<RankedTensorType>(v.getType()).getNumElements() == 1 ? 0 : i);
}

struct ShapeVectorLowering : ConversionPattern {
  ShapeVectorLowering(MLIRContext *ctx)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/2, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    // (The conversion keeps the original producers until it ends, so the
    // operands still show what they were computed from.)
    if (!isa<TesselDialect>(op->getDialect()) || isa<ShapeOp, SizeOp>(op) ||
        !isShapeArithmetic(op))
      return failure();
    Location loc = op->getLoc();
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<Value> elements;
    for (int64_t i = 0; i < type.getNumElements(); ++i) {
      Value e = elementOf(op, operands, rewriter, loc, i);
      if (!e)
        return rewriter.notifyMatchFailure(op, "no scalar form");
      elements.push_back(e);
    }
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, elements);
    return success();
  }

  /// Element i of op's result from its (converted) operands.
  static Value elementOf(Operation *op, ArrayRef<Value> operands, OpBuilder &b, Location loc,
                         int64_t i) {
    if (isa<ReshapeOp>(op))
      return element(b, loc, operands[0], i);
    if (auto slice = dyn_cast<SliceOp>(op))
      return element(b, loc, operands[0], slice.getStarts()[0] + i * slice.getSteps()[0]);
    if (isa<ConcatOp>(op)) {
      for (Value piece : operands) {
        int64_t n = cast<RankedTensorType>(piece.getType()).getNumElements();
        if (i < n)
          return element(b, loc, piece, i);
        i -= n;
      }
      return {};
    }
    if (auto gather = dyn_cast<GatherOp>(op)) {
      if (gather.getAxis() != 0)
        return {};
      // ONNX Gather: a negative index counts from the end. An index out of
      // range is refused (constant) or clamped (computed), never read.
      int64_t n = cast<RankedTensorType>(operands[0].getType()).getNumElements();
      DenseIntElementsAttr constant;
      if (matchPattern(operands[1], m_Constant(&constant))) {
        int64_t at = constant.getValues<APInt>()[i].getSExtValue();
        at += at < 0 ? n : 0;
        return at >= 0 && at < n ? element(b, loc, operands[0], at) : Value();
      }
      Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                               element(b, loc, operands[1], i));
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value last = arith::ConstantIndexOp::create(b, loc, n - 1);
      Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
      Value wrapped =
          arith::AddIOp::create(b, loc, index, arith::ConstantIndexOp::create(b, loc, n));
      index = arith::SelectOp::create(b, loc, negative, wrapped, index);
      index = arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, index, last), zero);
      return element(b, loc, operands[0], index);
    }
    if (op->hasTrait<traits::Elementwise>()) {
      SmallVector<Value> scalars;
      for (Value v : operands)
        scalars.push_back(broadcastElement(b, loc, v, i));
      return scalarElementwise(op, b, loc, scalars);
    }
    return {};
  }
};

} // namespace

void populateShapeArithmeticLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ShapeVectorLowering>(patterns.getContext());
}

} // namespace tessel
