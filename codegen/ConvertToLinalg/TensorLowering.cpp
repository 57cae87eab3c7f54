//===- TensorLowering.cpp - Constants and data movement lowering ----------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessel {
namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getType(),
                                                   cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), adaptor.getInput(),
                                         op.getType().getShape()));
    return success();
  }
};


Value reshapeToSizes(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                     ArrayRef<OpFoldResult> sizes);
Value gatherByIndex(OpBuilder &b, Location loc, RankedTensorType type, ValueRange dynamicSizes,
                    Value input,
                    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> coords);

/// ONNX Reshape to run-time sizes: each entry read from the (scalarized)
/// shape vector, 0 copying the input's size, -1 inferred, then checked
/// (entries >= -1, at most one -1, the element count kept) before a
/// collapse to 1-D and an expansion to the sizes, both views.
struct ComputedReshapeLowering : OpConversionPattern<ComputedReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t inRank = op.getInput().getType().getRank(), rank = type.getRank();
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
      return Value(arith::CmpIOp::create(b, loc, p, x, y));
    };
    Value total = cst(1);
    for (int64_t d = 0; d < inRank; ++d)
      total = arith::MulIOp::create(b, loc, total, dimSize(b, loc, input, d));

    SmallVector<Value> entries;
    Value inferCount = cst(0), known = cst(1);
    for (int64_t i = 0; i < rank; ++i) {
      Value e = shapeEntry(b, loc, adaptor.getShape(), i);
      if (!op.getAllowzero() && i < inRank)
        e = arith::SelectOp::create(b, loc, cmp(arith::CmpIPredicate::eq, e, cst(0)),
                                    dimSize(b, loc, input, i), e);
      cf::AssertOp::create(b, loc, cmp(arith::CmpIPredicate::sge, e, cst(-1)),
                           (nodeDescription(loc) + ": Reshape's shape entry " + Twine(i) +
                            " is {0}, below -1")
                               .str());
      Value infer = cmp(arith::CmpIPredicate::eq, e, cst(-1));
      inferCount = arith::AddIOp::create(b, loc, inferCount,
                                         arith::SelectOp::create(b, loc, infer, cst(1), cst(0)));
      known = arith::MulIOp::create(b, loc, known, arith::SelectOp::create(b, loc, infer, cst(1), e));
      entries.push_back(e);
    }
    cf::AssertOp::create(b, loc, cmp(arith::CmpIPredicate::sle, inferCount, cst(1)),
                         nodeDescription(loc) + ": Reshape's shape has {0} entries -1, at "
                                                "most one can be inferred");
    // -1: the element count over the known entries (0 when they hold none).
    Value safeKnown = arith::MaxSIOp::create(b, loc, known, cst(1));
    Value inferred = arith::SelectOp::create(b, loc, cmp(arith::CmpIPredicate::eq, known, cst(0)),
                                             cst(0), arith::DivSIOp::create(b, loc, total, safeKnown));
    SmallVector<OpFoldResult> sizes;
    Value count = cst(1);
    for (auto [i, e] : llvm::enumerate(entries)) {
      Value size = arith::SelectOp::create(b, loc, cmp(arith::CmpIPredicate::eq, e, cst(-1)),
                                           inferred, e);
      count = arith::MulIOp::create(b, loc, count, size);
      if (type.isDynamicDim(i)) {
        sizes.push_back(size);
      } else {
        checkSize(b, loc, size, cst(type.getDimSize(i)),
                  "Reshape's result dimension " + Twine(i) + " is {0}, the model needs {1}");
        sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
      }
    }
    checkSize(b, loc, count, total,
              "Reshape to a shape of {0} elements from a tensor of {1} elements");

    rewriter.replaceOp(op, reshapeToSizes(b, loc, input, type, sizes));
    return success();
  }
};

/// A Reshape that computes sizes at run time, as views: a collapse of the
/// input to 1-D and an expansion to `sizes` (of `type`). Its element count
/// must be checked to be the input's.
Value reshapeToSizes(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                     ArrayRef<OpFoldResult> sizes) {
    Value flat = input;
    auto elementType = type.getElementType();
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t inRank = inType.getRank(), rank = type.getRank();
    if (inRank == 0) {
      flat = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({1}, elementType), input,
                                           ArrayRef<ReassociationIndices>{});
    } else if (inRank > 1) {
      ReassociationIndices all;
      for (int64_t d = 0; d < inRank; ++d)
        all.push_back(d);
      int64_t n = inType.hasStaticShape() ? inType.getNumElements() : ShapedType::kDynamic;
      flat = tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get({n}, elementType),
                                             input, ArrayRef<ReassociationIndices>{all});
    }
    if (rank == 0) {
      auto one = RankedTensorType::get({1}, elementType);
      if (flat.getType() != one)
        flat = tensor::CastOp::create(b, loc, one, flat);
      return tensor::CollapseShapeOp::create(b, loc, type, flat, ArrayRef<ReassociationIndices>{});
    }
    if (rank == 1)
      return flat.getType() == type ? flat : tensor::CastOp::create(b, loc, type, flat).getResult();
    ReassociationIndices all;
    for (int64_t d = 0; d < rank; ++d)
      all.push_back(d);
    // The 1-D view is dynamic exactly when a result size is (a static
    // input reshaped to sizes from data, a dynamic one to known sizes).
    auto flatType = RankedTensorType::get(
        {type.hasStaticShape() ? type.getNumElements() : ShapedType::kDynamic}, elementType);
    if (flat.getType() != flatType)
      flat = tensor::CastOp::create(b, loc, flatType, flat);
    return tensor::ExpandShapeOp::create(b, loc, type, flat, ArrayRef<ReassociationIndices>{all},
                                         sizes);
}

/// The OpFoldResults of `sizes` for `type`: a static dimension's size as an
/// attribute, after checking that the run-time size is it.
SmallVector<OpFoldResult> resultSizes(OpBuilder &b, Location loc, RankedTensorType type,
                                      ArrayRef<Value> sizes, StringRef op) {
  SmallVector<OpFoldResult> result;
  for (auto [d, size] : llvm::enumerate(sizes)) {
    if (type.isDynamicDim(d)) {
      result.push_back(size);
      continue;
    }
    checkSize(b, loc, size, arith::ConstantIndexOp::create(b, loc, type.getDimSize(d)),
              op + "'s result dimension " + Twine(d) + " is {0}, the model needs {1}");
    result.push_back(b.getIndexAttr(type.getDimSize(d)));
  }
  return result;
}

/// ONNX Unsqueeze over axes read at run time: result position p is 1 where
/// the axes name it, else the next input dimension.
struct ComputedUnsqueezeLowering : OpConversionPattern<ComputedUnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedUnsqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t inRank = op.getInput().getType().getRank();
    SmallVector<Value> inDims;
    for (int64_t d = 0; d < inRank; ++d)
      inDims.push_back(dimSize(b, loc, input, d));
    SmallVector<Value> isAxis = runTimeAxes(b, loc, adaptor.getAxes(), type.getRank(), "Unsqueeze");
    Value zero = arith::ConstantIndexOp::create(b, loc, 0),
          one = arith::ConstantIndexOp::create(b, loc, 1), next = zero;
    SmallVector<Value> sizes;
    for (Value is : isAxis) {
      sizes.push_back(inDims.empty() ? one
                                     : arith::SelectOp::create(b, loc, is, one,
                                                               selectAt(b, loc, inDims, next))
                                           .getResult());
      next = arith::AddIOp::create(b, loc, next, arith::SelectOp::create(b, loc, is, zero, one));
    }
    rewriter.replaceOp(op, reshapeToSizes(b, loc, input, type,
                                          resultSizes(b, loc, type, sizes, "Unsqueeze")));
    return success();
  }
};

/// ONNX Squeeze over axes read at run time: each named axis must have size
/// 1; result position p is the p-th input dimension not named.
struct ComputedSqueezeLowering : OpConversionPattern<ComputedSqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedSqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t inRank = op.getInput().getType().getRank();
    SmallVector<Value> isAxis = runTimeAxes(b, loc, adaptor.getAxes(), inRank, "Squeeze");
    Value zero = arith::ConstantIndexOp::create(b, loc, 0),
          one = arith::ConstantIndexOp::create(b, loc, 1), kept = zero;
    // Kept dimensions, each with its position among them.
    SmallVector<Value> sizes(type.getRank(), one);
    for (int64_t d = 0; d < inRank; ++d) {
      Value size = dimSize(b, loc, input, d);
      checkSize(b, loc, arith::SelectOp::create(b, loc, isAxis[d], size, one), one,
                "Squeeze of axis " + Twine(d) + ", of size {0}: only axes of size {1} go");
      for (int64_t p = 0; p < type.getRank(); ++p) {
        Value here = arith::AndIOp::create(
            b, loc, arith::XOrIOp::create(b, loc, isAxis[d],
                                          arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1)),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kept,
                                  arith::ConstantIndexOp::create(b, loc, p)));
        sizes[p] = arith::SelectOp::create(b, loc, here, size, sizes[p]);
      }
      kept = arith::AddIOp::create(b, loc, kept,
                                   arith::SelectOp::create(b, loc, isAxis[d], zero, one));
    }
    rewriter.replaceOp(op, reshapeToSizes(b, loc, input, type,
                                          resultSizes(b, loc, type, sizes, "Squeeze")));
    return success();
  }
};

/// ONNX Slice with axes and steps read at run time too: for each dimension
/// the bounds and step of the axes entry that names it (none: the whole
/// dimension, step 1), clamped as for constant steps of either sign; then a
/// gather of the strided elements.
struct ComputedStridedSliceLowering : OpConversionPattern<ComputedStridedSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedStridedSliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t count = op.getAxes().getType().getDimSize(0);
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
      return Value(arith::CmpIOp::create(b, loc, p, x, y));
    };
    auto select = [&](Value c, Value x, Value y) {
      return Value(arith::SelectOp::create(b, loc, c, x, y));
    };
    auto clamp = [&](Value v, Value lo, Value hi) {
      return Value(arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, v, lo), hi));
    };
    SmallVector<Value> isAxis = runTimeAxes(b, loc, adaptor.getAxes(), rank, "Slice");
    SmallVector<Value> axes, starts, ends, steps;
    for (int64_t j = 0; j < count; ++j) {
      Value a = shapeEntry(b, loc, adaptor.getAxes(), j);
      axes.push_back(select(cmp(arith::CmpIPredicate::slt, a, cst(0)),
                            arith::AddIOp::create(b, loc, a, cst(rank)), a));
      starts.push_back(shapeEntry(b, loc, adaptor.getStarts(), j));
      ends.push_back(shapeEntry(b, loc, adaptor.getEnds(), j));
      steps.push_back(shapeEntry(b, loc, adaptor.getSteps(), j));
      // (A zero step: the check compares it with 1.)
      checkSize(b, loc, select(cmp(arith::CmpIPredicate::eq, steps.back(), cst(0)), cst(0), cst(1)),
                cst(1), "Slice's step " + Twine(j) + " is {0}");
    }
    SmallVector<Value> offsets, strides, dynamicSizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value dim = dimSize(b, loc, input, d);
      Value start = cst(0), end = dim, step = cst(1);
      for (int64_t j = 0; j < count; ++j) {
        Value here = cmp(arith::CmpIPredicate::eq, axes[j], cst(d));
        start = select(here, starts[j], start);
        end = select(here, ends[j], end);
        step = select(here, steps[j], step);
      }
      auto fromEnd = [&](Value v) {
        return select(cmp(arith::CmpIPredicate::slt, v, cst(0)),
                      arith::AddIOp::create(b, loc, v, dim), v);
      };
      Value forward = cmp(arith::CmpIPredicate::sgt, step, cst(0));
      Value last = arith::SubIOp::create(b, loc, dim, cst(1));
      Value lo = select(forward, cst(0), cst(-1)), hi = select(forward, dim, last);
      start = clamp(fromEnd(start), lo, hi);
      end = clamp(fromEnd(end), lo, hi);
      // ceil(span / |step|) without overflow for huge steps.
      Value span = select(forward, arith::SubIOp::create(b, loc, end, start),
                          arith::SubIOp::create(b, loc, start, end));
      Value magnitude = select(forward, step, arith::SubIOp::create(b, loc, cst(0), step));
      Value size = select(
          cmp(arith::CmpIPredicate::sgt, span, cst(0)),
          arith::AddIOp::create(
              b, loc, arith::DivSIOp::create(b, loc, arith::SubIOp::create(b, loc, span, cst(1)),
                                             arith::MaxSIOp::create(b, loc, magnitude, cst(1))),
              cst(1)),
          cst(0));
      offsets.push_back(select(cmp(arith::CmpIPredicate::sgt, size, cst(0)), start, cst(0)));
      strides.push_back(step);
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(size);
      else
        checkSize(b, loc, size, cst(type.getDimSize(d)),
                  "Slice's result dimension " + Twine(d) + " is {0}, the model needs {1}");
    }
    rewriter.replaceOp(op, gatherByIndex(b, loc, type, dynamicSizes, input,
                                         [&](OpBuilder &nb, Location l, ValueRange at) {
                                           SmallVector<Value> coords;
                                           for (int64_t d = 0; d < rank; ++d)
                                             coords.push_back(arith::AddIOp::create(
                                                 nb, l, offsets[d],
                                                 arith::MulIOp::create(nb, l, at[d], strides[d])));
                                           return coords;
                                         }));
    return success();
  }
};

/// ONNX Split with sizes read at run time: checked non-negative and adding
/// up to the axis; each piece an extract_slice (copied into the kernel's
/// destination).
struct ComputedSplitLowering : OpConversionPattern<ComputedSplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedSplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    int64_t axis = op.getAxis();
    Value zero = arith::ConstantIndexOp::create(b, loc, 0), offset = zero;
    SmallVector<Value> pieces;
    for (auto [i, result] : llvm::enumerate(op.getResults())) {
      auto type = cast<RankedTensorType>(result.getType());
      Value size = shapeEntry(b, loc, adaptor.getSplit(), i);
      checkSizeAtLeast(b, loc, size, zero, "Split's size " + Twine(i) + " is {0}, below {1}");
      SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)),
          sizes = tensor::getMixedSizes(b, loc, input), strides(type.getRank(), b.getIndexAttr(1));
      offsets[axis] = offset;
      sizes[axis] = size;
      if (!type.isDynamicDim(axis)) {
        checkSize(b, loc, size, arith::ConstantIndexOp::create(b, loc, type.getDimSize(axis)),
                  "Split's size " + Twine(i) + " is {0}, the model needs {1}");
        sizes[axis] = b.getIndexAttr(type.getDimSize(axis));
      }
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (d != axis && !type.isDynamicDim(d))
          sizes[d] = b.getIndexAttr(type.getDimSize(d));
      pieces.push_back(tensor::ExtractSliceOp::create(b, loc, type, input, offsets, sizes, strides));
      offset = arith::AddIOp::create(b, loc, offset, size);
    }
    checkSize(b, loc, offset, dimSize(b, loc, input, axis),
              "Split's sizes add up to {0}, the axis has {1}");
    rewriter.replaceOp(op, pieces);
    return success();
  }
};

/// A check on values read before the run: an assert that the model's shape
/// function runs.
struct CheckLowering : OpConversionPattern<CheckOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CheckOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value holds = tensor::ExtractOp::create(rewriter, loc, adaptor.getCondition(), ValueRange{});
    cf::AssertOp::create(rewriter, loc, holds, (nodeDescription(loc) + ": " + op.getMessage()).str());
    rewriter.eraseOp(op);
    return success();
  }
};

/// ONNX Tile with repeats read at run time: result[i] = input[i mod dims].
struct ComputedTileLowering : OpConversionPattern<ComputedTileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedTileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    SmallVector<Value> inDims, sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value dim = dimSize(b, loc, input, d);
      Value repeats = shapeEntry(b, loc, adaptor.getRepeats(), d);
      checkSizeAtLeast(b, loc, repeats, arith::ConstantIndexOp::create(b, loc, 0),
                       "Tile's repeats entry " + Twine(d) + " is {0}, below {1}");
      // (The size must not wrap: dim x repeats fits in 63 bits.)
      Value limit = arith::DivUIOp::create(
          b, loc, arith::ConstantIndexOp::create(b, loc, INT64_MAX),
          arith::MaxSIOp::create(b, loc, dim, arith::ConstantIndexOp::create(b, loc, 1)));
      checkSizeAtLeast(b, loc, limit, repeats,
                       "Tile's repeats entry " + Twine(d) + " is {1}: the result would have "
                       "more elements than fit in 64 bits (at most {0})");
      inDims.push_back(dim);
      sizes.push_back(arith::MulIOp::create(b, loc, dim, repeats));
    }
    SmallVector<Value> dynamicSizes;
    for (auto [d, size] : llvm::enumerate(resultSizes(b, loc, type, sizes, "Tile")))
      if (auto v = dyn_cast<Value>(size))
        dynamicSizes.push_back(v);
    rewriter.replaceOp(op, gatherByIndex(b, loc, type, dynamicSizes, input,
                                         [&](OpBuilder &nb, Location l, ValueRange at) {
                                           SmallVector<Value> coords;
                                           for (auto [i, dim] : llvm::zip(at, inDims))
                                             coords.push_back(arith::RemUIOp::create(nb, l, i, dim));
                                           return coords;
                                         }));
    return success();
  }
};

/// A tensor of `type` (its dynamic sizes given) whose element at each index
/// is `input`'s element at `coords(index)`: data movement whose source
/// positions are index arithmetic at run time (negative strides, run-time
/// broadcasts).
Value gatherByIndex(OpBuilder &b, Location loc, RankedTensorType type, ValueRange dynamicSizes,
                    Value input,
                    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> coords) {
  int64_t rank = type.getRank();
  Value init = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
             SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
             SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> at;
               for (int64_t d = 0; d < rank; ++d)
                 at.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(
                   nb, l, ValueRange{tensor::ExtractOp::create(nb, l, input, coords(nb, l, at))});
             })
      .getResult(0);
}

/// ONNX Slice at run time: each axis's start and end read from the bound
/// vectors, made non-negative and clamped to the axis as ONNX specifies, the
/// window's length computed from them; then an extract_slice (positive
/// steps) or a gather of the strided elements (negative ones).
struct ComputedSliceLowering : OpConversionPattern<ComputedSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedSliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
      return Value(arith::CmpIOp::create(b, loc, p, x, y));
    };
    auto clamp = [&](Value v, Value lo, Value hi) {
      return Value(arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, v, lo), hi));
    };
    // Off the sliced axes the input's sizes (the verifier).
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
        sizes = tensor::getMixedSizes(b, loc, input), strides(rank, b.getIndexAttr(1));
    SmallVector<int64_t> steps(rank, 1);
    for (auto [i, axis, step] : llvm::enumerate(op.getAxes(), op.getSteps())) {
      Value dim = dimSize(b, loc, input, axis);
      auto fromEnd = [&](Value v) {
        return Value(arith::SelectOp::create(b, loc, cmp(arith::CmpIPredicate::slt, v, cst(0)),
                                             arith::AddIOp::create(b, loc, v, dim), v));
      };
      Value start = fromEnd(shapeEntry(b, loc, adaptor.getStarts(), i)),
            end = fromEnd(shapeEntry(b, loc, adaptor.getEnds(), i));
      Value size;
      if (step > 0) {
        start = clamp(start, cst(0), dim);
        end = clamp(end, cst(0), dim);
        Value span = arith::SubIOp::create(b, loc, end, start);
        size = arith::DivSIOp::create(b, loc, arith::AddIOp::create(b, loc, span, cst(step - 1)),
                                      cst(step));
      } else {
        Value last = arith::SubIOp::create(b, loc, dim, cst(1));
        start = clamp(start, cst(-1), last);
        end = clamp(end, cst(-1), last);
        Value span = arith::SubIOp::create(b, loc, start, end);
        size = arith::DivSIOp::create(b, loc, arith::AddIOp::create(b, loc, span, cst(-step - 1)),
                                      cst(-step));
      }
      size = arith::MaxSIOp::create(b, loc, size, cst(0));
      offsets[axis] = Value(arith::SelectOp::create(b, loc, cmp(arith::CmpIPredicate::sgt, size, cst(0)),
                                                    start, cst(0)));
      sizes[axis] = type.isDynamicDim(axis) ? OpFoldResult(size)
                                            : OpFoldResult(b.getIndexAttr(type.getDimSize(axis)));
      strides[axis] = b.getIndexAttr(step);
      steps[axis] = step;
    }
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type, input, offsets, sizes, strides);
      return success();
    }
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(getValueOrCreateConstantIndexOp(b, loc, sizes[d]));
    Value r = gatherByIndex(b, loc, type, dynamicSizes, input,
                            [&](OpBuilder &nb, Location l, ValueRange at) {
                              SmallVector<Value> coords;
                              for (int64_t d = 0; d < rank; ++d) {
                                Value i = at[d];
                                if (steps[d] != 1)
                                  i = arith::MulIOp::create(
                                      nb, l, i, arith::ConstantIndexOp::create(nb, l, steps[d]));
                                coords.push_back(arith::AddIOp::create(
                                    nb, l, getValueOrCreateConstantIndexOp(nb, l, offsets[d]), i));
                              }
                              return coords;
                            });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Expand to run-time sizes: each result size is the shape's entry, or the
/// input's where the entry is 1 (an input size other than 1 checked against
/// it); each element read from the input at the position its broadcast
/// selects (index 0 along an input dimension of size 1, at run time).
struct ComputedExpandLowering : OpConversionPattern<ComputedExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ComputedExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), inRank = op.getInput().getType().getRank();
    int64_t entries = op.getShape().getType().getDimSize(0);
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    auto eq = [&](Value x, Value y) {
      return Value(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y));
    };
    SmallVector<Value> dynamicSizes, inSizes;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t e = d - (rank - entries), i = d - (rank - inRank);
      Value entry = e >= 0 ? shapeEntry(b, loc, adaptor.getShape(), e) : cst(1);
      if (e >= 0)
        cf::AssertOp::create(b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, entry,
                                                          cst(0)),
                             (nodeDescription(loc) + ": Expand's shape entry " + Twine(e) +
                              " is {0}, below 0")
                                 .str());
      Value in = i >= 0 ? dimSize(b, loc, input, i) : cst(1);
      Value size = arith::SelectOp::create(b, loc, eq(entry, cst(1)), in, entry);
      if (i >= 0) {
        Value stretched = arith::SelectOp::create(b, loc, eq(in, cst(1)), size, in);
        checkSize(b, loc, stretched, size,
                  "Expand cannot broadcast size {0} of dimension " + Twine(i) + " to {1}");
        inSizes.push_back(in);
      }
      if (type.isDynamicDim(d)) {
        dynamicSizes.push_back(size);
      } else {
        checkSize(b, loc, size, cst(type.getDimSize(d)),
                  "Expand's result dimension " + Twine(d) + " is {0}, the model needs {1}");
      }
    }
    Value r = gatherByIndex(b, loc, type, dynamicSizes, input,
                            [&](OpBuilder &nb, Location l, ValueRange at) {
                              SmallVector<Value> coords;
                              Value zero = arith::ConstantIndexOp::create(nb, l, 0);
                              Value one = arith::ConstantIndexOp::create(nb, l, 1);
                              for (int64_t i = 0; i < inRank; ++i) {
                                Value single = arith::CmpIOp::create(
                                    nb, l, arith::CmpIPredicate::eq, inSizes[i], one);
                                coords.push_back(arith::SelectOp::create(
                                    nb, l, single, zero, at[i + rank - inRank]));
                              }
                              return coords;
                            });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Range: its length from the scalar bounds, checked (delta != 0), then
/// start + i * delta for each position i.
struct RangeLowering : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto scalar = [&](Value v) {
      return Value(tensor::ExtractOp::create(b, loc, v, ValueRange{}));
    };
    Value start = scalar(adaptor.getStart()), limit = scalar(adaptor.getLimit()),
          delta = scalar(adaptor.getDelta());
    Type element = op.getType().getElementType();
    Value zero = scalarConstant(b, loc, element, 0);
    Value count;
    if (isa<FloatType>(element)) {
      Value zeroDelta = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, delta, zero);
      cf::AssertOp::create(b, loc, zeroDelta, nodeDescription(loc) + ": Range's delta is 0");
      Value steps = math::CeilOp::create(
          b, loc, arith::DivFOp::create(b, loc, arith::SubFOp::create(b, loc, limit, start), delta));
      // NaN and negative counts are empty ranges.
      Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, steps, zero);
      steps = arith::SelectOp::create(b, loc, positive, steps, zero);
      count = arith::FPToSIOp::create(b, loc, b.getI64Type(), steps);
    } else {
      Value nonzero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, delta, zero);
      cf::AssertOp::create(b, loc, nonzero, nodeDescription(loc) + ": Range's delta is 0");
      // (A zero delta is refused by the check before the run.)
      Value one = scalarConstant(b, loc, element, 1);
      Value safeDelta = arith::SelectOp::create(b, loc, nonzero, delta, one);
      Value steps = arith::CeilDivSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, limit, start), safeDelta);
      count = arith::MaxSIOp::create(b, loc, steps, zero);
    }
    count = arith::IndexCastOp::create(b, loc, b.getIndexType(), count);
    Value init = tensor::EmptyOp::create(b, loc, op.getType(), ValueRange{count});
    Value r = buildElementwiseInto(
        b, loc, init, ValueRange{}, {}, [&](OpBuilder &nb, Location l, ValueRange) -> Value {
          Value i = linalg::IndexOp::create(nb, l, 0);
          Value offset;
          if (isa<FloatType>(element)) {
            Value wide = arith::IndexCastOp::create(nb, l, nb.getI64Type(), i);
            offset = arith::MulFOp::create(nb, l, arith::SIToFPOp::create(nb, l, element, wide),
                                           delta);
            return arith::AddFOp::create(nb, l, start, offset);
          }
          offset = arith::MulIOp::create(nb, l, arith::IndexCastOp::create(nb, l, element, i),
                                         delta);
          return arith::AddIOp::create(nb, l, start, offset);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    // Result dimension i is input dimension perm[i].
    SmallVector<Value> sizes;
    for (auto [i, p] : llvm::enumerate(op.getPerm()))
      if (op.getType().isDynamicDim(i))
        sizes.push_back(dimSize(rewriter, op.getLoc(), adaptor.getInput(), p));
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), op.getType(), sizes);
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(), init,
                                         op.getPerm());
    rewriter.replaceOp(op, t.getResult());
    return success();
  }
};

/// Shape and Size read the run-time sizes (tensor.dim) into an int64 tensor.
struct ShapeLowering : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> dims;
    for (int64_t d = op.getStart(); d < op.getEnd(); ++d)
      dims.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                                dimSize(rewriter, loc, adaptor.getInput(), d)));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(), dims);
    return success();
  }
};

struct SizeLowering : OpConversionPattern<SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < op.getInput().getType().getRank(); ++d)
      count = arith::MulIOp::create(rewriter, loc, count,
                                    dimSize(rewriter, loc, adaptor.getInput(), d));
    Value size = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), count);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(), ValueRange{size});
    return success();
  }
};

/// Each input inserted at its offset along the axis. Dynamic sizes: the
/// axis is the sum of the inputs', and off the axis every input's size is
/// checked against the result's.
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis(), rank = type.getRank();
    ValueRange inputs = adaptor.getInputs();
    auto sizeOf = [&](Value v, int64_t d) { return tensor::getMixedSize(b, loc, v, d); };
    auto asValue = [&](OpFoldResult f) { return getValueOrCreateConstantIndexOp(b, loc, f); };
    // The result's sizes: off the axis a static one, else the first input's.
    SmallVector<OpFoldResult> resultSizes;
    for (int64_t d = 0; d < rank; ++d)
      resultSizes.push_back(type.isDynamicDim(d) ? sizeOf(inputs.front(), d)
                                                 : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
    if (type.isDynamicDim(axis)) {
      Value total = arith::ConstantIndexOp::create(b, loc, 0);
      for (Value in : inputs)
        total = arith::AddIOp::create(b, loc, total, asValue(sizeOf(in, axis)));
      resultSizes[axis] = total;
    }
    for (auto [i, in] : llvm::enumerate(inputs)) {
      auto it = cast<RankedTensorType>(in.getType());
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis && it.isDynamicDim(d) && !(i == 0 && type.isDynamicDim(d)))
          checkSize(b, loc, dimSize(b, loc, in, d), asValue(resultSizes[d]),
                    "Concat's input " + Twine(i) + " has size {0} in dimension " + Twine(d) +
                        ", the others {1}");
    }
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(asValue(resultSizes[d]));
    Value result = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
    OpFoldResult offset = b.getIndexAttr(0);
    for (Value in : inputs) {
      auto it = cast<RankedTensorType>(in.getType());
      if (it.getDimSize(axis) == 0)
        continue;
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
          sizes = tensor::getMixedSizes(b, loc, in), strides(rank, b.getIndexAttr(1));
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(b, loc, in, result, offsets, sizes, strides);
      std::optional<int64_t> at = getConstantIntValue(offset), by = it.isDynamicDim(axis)
                                                                      ? std::nullopt
                                                                      : std::optional(it.getDimSize(axis));
      offset = at && by ? OpFoldResult(b.getIndexAttr(*at + *by))
                        : OpFoldResult(arith::AddIOp::create(b, loc, asValue(offset),
                                                             asValue(sizeOf(in, axis))));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An index read from an indices tensor, made non-negative (counting from the
/// end of the axis) and clamped into [0, size) so that an out-of-range index
/// can never read outside the data. `size` is an index value (at least 1).
Value normalizedIndex(OpBuilder &b, Location loc, Value raw, Value size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  i = arith::SelectOp::create(b, loc, neg, arith::AddIOp::create(b, loc, i, size), i);
  i = arith::MaxSIOp::create(b, loc, i, zero);
  return arith::MinSIOp::create(b, loc, i, arith::SubIOp::create(b, loc, size, one));
}

Value normalizedIndex(OpBuilder &b, Location loc, Value raw, int64_t size) {
  return normalizedIndex(b, loc, raw, arith::ConstantIndexOp::create(b, loc, size));
}

/// result[pre..., idx..., post...] = data[pre..., indices[idx...], post...].
/// Dynamic sizes: the result's come from the data's and the indices'; a
/// dynamic gathered axis is checked to hold an element when there are
/// indices to read.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dt = cast<RankedTensorType>(data.getType());
    auto it = cast<RankedTensorType>(indices.getType());
    int64_t axis = op.getAxis(), irank = it.getRank(), rank = type.getRank();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!type.isDynamicDim(d))
        continue;
      sizes.push_back(d < axis           ? dimSize(rewriter, loc, data, d)
                      : d < axis + irank ? dimSize(rewriter, loc, indices, d - axis)
                                         : dimSize(rewriter, loc, data, d - irank + 1));
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, type, sizes);
    if (dt.getDimSize(axis) == 0 || (type.hasStaticShape() && type.getNumElements() == 0)) {
      rewriter.replaceOp(op, init);
      return success();
    }
    Value axisSize = dimSize(rewriter, loc, data, axis);
    if (dt.isDynamicDim(axis)) {
      Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
      for (int64_t d = 0; d < irank; ++d)
        count = arith::MulIOp::create(rewriter, loc, count, dimSize(rewriter, loc, indices, d));
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value noIndices = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, count, zero);
      Value held = arith::SelectOp::create(rewriter, loc, noIndices, one, axisSize);
      cf::AssertOp::create(rewriter, loc,
                           arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, held, one),
                           (nodeDescription(loc) + ": Gather along axis " + Twine(axis) +
                            " of size {0}, which has no element to take")
                               .str());
      axisSize = arith::MaxSIOp::create(rewriter, loc, axisSize, one);
    }
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < irank; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init},
                  SmallVector<AffineMap>{AffineMap::get(rank, 0, idxExprs, ctx),
                                         AffineMap::getMultiDimIdentityMap(rank, ctx)},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange a) {
                    SmallVector<Value> coords;
                    for (int64_t d = 0; d < axis; ++d)
                      coords.push_back(linalg::IndexOp::create(b, l, d));
                    coords.push_back(normalizedIndex(b, l, a[0], axisSize));
                    for (int64_t d = axis + irank; d < rank; ++d)
                      coords.push_back(linalg::IndexOp::create(b, l, d));
                    linalg::YieldOp::create(b, l, ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Value data = adaptor.getData();
    auto dt = cast<RankedTensorType>(data.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    if (dt.getNumElements() == 0 || type.getNumElements() == 0) {
      rewriter.replaceOp(op, emptyTensor(rewriter, loc, type));
      return success();
    }
    auto id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices()},
                  ValueRange{emptyTensor(rewriter, loc, type)}, SmallVector<AffineMap>{id, id},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange a) {
                    SmallVector<Value> coords;
                    for (int64_t d = 0; d < rank; ++d) {
                      Value c = d == axis ? normalizedIndex(b, l, a[0], dt.getDimSize(axis))
                                          : linalg::IndexOp::create(b, l, d).getResult();
                      // Indices may be larger than the data off the axis: clamp.
                      if (d != axis)
                        c = arith::MinSIOp::create(
                            b, l, c, arith::ConstantIndexOp::create(b, l, dt.getDimSize(d) - 1));
                      coords.push_back(c);
                    }
                    linalg::YieldOp::create(b, l, ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// result[B..., I..., J...] = data[B..., indices[B..., I..., t] for t < k, J...]:
/// a generic over the result that reads the k index components and the data.
struct GatherNDLowering : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dt = cast<RankedTensorType>(data.getType());
    auto it = cast<RankedTensorType>(indices.getType());
    int64_t b = op.getBatchDims(), q = it.getRank(), k = it.getDimSize(q - 1);
    int64_t rank = type.getRank();
    if (dt.getNumElements() == 0 || type.getNumElements() == 0) {
      rewriter.replaceOp(op, emptyTensor(rewriter, loc, type));
      return success();
    }
    auto id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{},
                  ValueRange{emptyTensor(rewriter, loc, type)}, SmallVector<AffineMap>{id},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &bb, Location l, ValueRange) {
                    SmallVector<Value> tuple; // indices[B..., I..., t]
                    for (int64_t d = 0; d < q - 1; ++d)
                      tuple.push_back(linalg::IndexOp::create(bb, l, d));
                    tuple.push_back(Value());
                    SmallVector<Value> coords;
                    for (int64_t d = 0; d < b; ++d)
                      coords.push_back(linalg::IndexOp::create(bb, l, d));
                    for (int64_t t = 0; t < k; ++t) {
                      tuple.back() = arith::ConstantIndexOp::create(bb, l, t);
                      Value raw = tensor::ExtractOp::create(bb, l, indices, tuple);
                      coords.push_back(normalizedIndex(bb, l, raw, dt.getDimSize(b + t)));
                    }
                    for (int64_t d = q - 1; d < rank; ++d)
                      coords.push_back(linalg::IndexOp::create(bb, l, d));
                    linalg::YieldOp::create(bb, l, ValueRange{tensor::ExtractOp::create(bb, l, data, coords)});
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

using TargetFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange updatePosition)>;

/// result = data; then, for every position p of `updates` in row-major order,
/// result[target(p)] = updates[p] (or combined with the value there by
/// `reduction`). Writes must happen in order (repeated targets: the last one
/// wins), so this is an scf.for nest that updates the tensor in place
/// (its iter_arg) rather than a parallel generic.
Value buildScatter(OpBuilder &b, Location loc, Value data, Value updates, StringRef reduction,
                   TargetFn target) {
  auto ut = cast<RankedTensorType>(updates.getType());
  if (ut.getNumElements() == 0 || cast<RankedTensorType>(data.getType()).getNumElements() == 0)
    return data;
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t size : ut.getShape()) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(arith::ConstantIndexOp::create(b, loc, size));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{data},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange acc) -> scf::ValueVector {
        SmallVector<Value> coords = target(nb, l, ivs);
        Value v = tensor::ExtractOp::create(nb, l, updates, ivs);
        if (reduction != "none") {
          Value old = tensor::ExtractOp::create(nb, l, acc[0], coords);
          v = reduction == "add"   ? createAdd(nb, l, old, v)
              : reduction == "mul" ? createMul(nb, l, old, v)
              : reduction == "max" ? createMax(nb, l, old, v)
                                   : createMin(nb, l, old, v);
        }
        return {tensor::InsertOp::create(nb, l, v, acc[0], coords).getResult()};
      });
  return nest.results.front();
}

struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value indices = adaptor.getIndices();
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t axis = op.getAxis();
    Value r = buildScatter(rewriter, op.getLoc(), adaptor.getData(), adaptor.getUpdates(),
                           op.getReduction(), [&](OpBuilder &b, Location l, ValueRange p) {
                             SmallVector<Value> coords(p);
                             Value raw = tensor::ExtractOp::create(b, l, indices, p);
                             coords[axis] = normalizedIndex(b, l, raw, dt.getDimSize(axis));
                             return coords;
                           });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ScatterNDLowering : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value indices = adaptor.getIndices();
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    auto it = cast<RankedTensorType>(indices.getType());
    int64_t q = it.getRank(), k = it.getDimSize(q - 1);
    Value r = buildScatter(rewriter, op.getLoc(), adaptor.getData(), adaptor.getUpdates(),
                           op.getReduction(), [&](OpBuilder &b, Location l, ValueRange p) {
                             SmallVector<Value> tuple(p.take_front(q - 1)), coords;
                             tuple.push_back(Value());
                             for (int64_t t = 0; t < k; ++t) {
                               tuple.back() = arith::ConstantIndexOp::create(b, l, t);
                               Value raw = tensor::ExtractOp::create(b, l, indices, tuple);
                               coords.push_back(normalizedIndex(b, l, raw, dt.getDimSize(t)));
                             }
                             llvm::append_range(coords, p.drop_front(q - 1));
                             return coords;
                           });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Positive steps: a strided tensor.extract_slice (a view after
/// bufferization); any negative step: a generic reading in[start + i*step].
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Value input = adaptor.getInput();
    if (llvm::is_contained(type.getShape(), 0)) {
      rewriter.replaceOp(op, emptyTensor(rewriter, loc, type, input));
      return success();
    }
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      // A dynamic dimension is taken whole (the verifier): the input's size.
      SmallVector<OpFoldResult> offsets, sizes = tensor::getMixedSizes(rewriter, loc, input),
                                         strides;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        if (!type.isDynamicDim(d))
          sizes[d] = rewriter.getIndexAttr(type.getDimSize(d));
        strides.push_back(rewriter.getIndexAttr(steps[d]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type, adaptor.getInput(), offsets,
                                                          sizes, strides);
      return success();
    }
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < type.getRank(); ++d)
      exprs.push_back(getAffineDimExpr(d, ctx) * steps[d] + starts[d]);
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{input},
                  ValueRange{emptyTensor(rewriter, loc, type, input)},
                  SmallVector<AffineMap>{AffineMap::get(type.getRank(), 0, exprs, ctx),
                                         AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)},
                  SmallVector<utils::IteratorType>(type.getRank(), utils::IteratorType::parallel),
                  [](OpBuilder &b, Location l, ValueRange a) { linalg::YieldOp::create(b, l, a[0]); })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                                            ValueRange{adaptor.getInput()},
                                            [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

/// result[i] = input[i mod input.shape].
struct TileLowering : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    auto in = cast<RankedTensorType>(adaptor.getInput().getType());
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, emptyTensor(rewriter, loc, type));
      return success();
    }
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < type.getRank(); ++d)
      exprs.push_back(getAffineDimExpr(d, ctx) % in.getDimSize(d));
    Value r = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{adaptor.getInput()},
                  ValueRange{emptyTensor(rewriter, loc, type)},
                  SmallVector<AffineMap>{AffineMap::get(type.getRank(), 0, exprs, ctx),
                                         AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)},
                  SmallVector<utils::IteratorType>(type.getRank(), utils::IteratorType::parallel),
                  [](OpBuilder &b, Location l, ValueRange a) { linalg::YieldOp::create(b, l, a[0]); })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct TriluLowering : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), k = op.getK();
    bool upper = op.getUpper();
    Value dynamicK = adaptor.getDynamicK();
    Value r = buildElementwise(
        rewriter, op.getLoc(), type, ValueRange{adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          auto idx = [&](int64_t d) {
            return arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, d));
          };
          // Diagonal offset of this element: column - row.
          Value diff = arith::SubIOp::create(b, l, idx(rank - 1), idx(rank - 2));
          Value kv = dynamicK ? tensor::ExtractOp::create(b, l, dynamicK, ValueRange{}).getResult()
                              : scalarConstant(b, l, b.getI64Type(), k);
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, diff, kv);
          return arith::SelectOp::create(b, l, keep, a[0],
                                         scalarConstant(b, l, type.getElementType(), 0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void populateTensorLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ComputedUnsqueezeLowering, ComputedSqueezeLowering, ComputedTileLowering,
               ComputedStridedSliceLowering, ComputedSplitLowering, CheckLowering>(
      patterns.getContext());
  patterns.add<ConstantLowering, ReshapeLowering, ComputedReshapeLowering, RangeLowering, TransposeLowering, ShapeLowering, SizeLowering,
               ConcatLowering,
               GatherLowering, GatherElementsLowering, GatherNDLowering, ScatterElementsLowering,
               ScatterNDLowering, SliceLowering, ComputedSliceLowering, ExpandLowering, ComputedExpandLowering,
               TileLowering, TriluLowering>(patterns.getContext());
}

} // namespace tessel
