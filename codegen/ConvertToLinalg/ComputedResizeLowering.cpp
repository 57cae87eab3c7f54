//===- ComputedResizeLowering.cpp - Resize with run-time scales ----------===//
//
// tessel.computed_resize: Resize whose scales, sizes or roi are read at run
// time (graph inputs), or whose input has run-time sizes. The static
// lowering (NNLowering.cpp) tabulates each axis's taps at compile time; here
// each output element computes its taps from the run's scale, following the
// same reference semantics: the input coordinate xo of output coordinate x
// (by the coordinate transformation), then with base = ceil(xo) - 1 and
// r = xo - base (in (0, 1]), the taps
//
//   nearest  one of base, base + 1 (by nearest_mode; base + 1 when xo is a
//            whole number)
//   linear   base, base + 1 with weights 1 - r, r
//   cubic    base - 1 .. base + 2 with the cubic coefficients of r
//
// which are the n input indexes nearest to xo, preferring smaller ones, as
// the static tables pick them; indexes are clamped into the axis (edge
// padding), and exclude_outside drops (and renormalizes) the weights of
// those outside it. An N-D resize is the product of the axes' weights.
//
//===----------------------------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace tessel {
namespace {

/// What one output coordinate along one axis reads.
struct Taps {
  SmallVector<Value> indices; // clamped into the axis
  SmallVector<Value> weights; // f64
  Value outside;              // i1: tf_crop_and_resize outside the input
};

/// Per-axis facts the taps are computed from (values of the run).
struct Axis {
  Value in, inF, scale, outputWidth; // index, f64, f64, f64
  Value roiStart, roiEnd;            // f64, tf_crop_and_resize only
  bool copied = false;               // a constant scale of 1: result = input
};

struct ComputedResizeLowering : OpConversionPattern<ComputedResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ComputedResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType type = op.getType();
    Value input = adaptor.getInput();
    int64_t rank = type.getRank();
    Type f64 = b.getF64Type();
    auto cst = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    auto toF64 = [&](Value index) {
      return Value(arith::SIToFPOp::create(
          b, loc, f64, arith::IndexCastOp::create(b, loc, b.getI64Type(), index)));
    };
    // Constant scales or sizes (the original operands: the conversion keeps
    // their producers) tell which axes keep their size at scale 1.
    DenseElementsAttr constScales, constSizes;
    bool byScales = op.getScales().getType().getDimSize(0) != 0;
    if (byScales)
      matchPattern(op.getScales(), m_Constant(&constScales));
    else
      matchPattern(op.getSizes(), m_Constant(&constSizes));
    bool crop = op.getCoordinateTransformationMode() == "tf_crop_and_resize";

    SmallVector<Axis> axes(rank);
    SmallVector<Value> dynamicSizes;
    Value upsampling = cst(0), downsampling = cst(0);
    for (int64_t d = 0; d < rank; ++d) {
      Axis &axis = axes[d];
      axis.in = dimSize(b, loc, input, d);
      axis.inF = toF64(axis.in);
      Value out;
      if (byScales) {
        Value at = cst(d);
        axis.scale = arith::ExtFOp::create(
            b, loc, f64, tensor::ExtractOp::create(b, loc, adaptor.getScales(), ValueRange{at}).getResult());
        Value positive = arith::AndIOp::create(
            b, loc,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, axis.scale,
                                  arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(0.0))),
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, axis.scale,
                                  arith::ConstantFloatOp::create(b, loc, b.getF64Type(),
                                                                 APFloat::getInf(APFloat::IEEEdouble()))));
        checkSize(b, loc, arith::SelectOp::create(b, loc, positive, cst(1), cst(0)), cst(1),
                  "Resize's scale " + Twine(d) + " is not a positive finite number");
        Value product = arith::MulFOp::create(b, loc, axis.scale, axis.inF);
        // floor(scale * in), kept in [0, 2^62] (NaN: 0) before the
        // conversion: a scale the checks refuse must not make it undefined,
        // and a huge one gives a size the byte count check refuses.
        Value size = arith::MinNumFOp::create(
            b, loc,
            arith::MaxNumFOp::create(b, loc, math::FloorOp::create(b, loc, product),
                                     arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(0.0))),
            arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(0x1p62)));
        out = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                         arith::FPToSIOp::create(b, loc, b.getI64Type(), size));
        axis.copied = constScales && !crop &&
                      constScales.getValues<APFloat>()[d].convertToDouble() == 1.0;
      } else {
        out = shapeEntry(b, loc, adaptor.getSizes(), d);
        checkSizeAtLeast(b, loc, out, cst(0), "Resize's size " + Twine(d) + " is {0}, below {1}");
        axis.scale = arith::DivFOp::create(b, loc, toF64(out), axis.inF);
        RankedTensorType inType = op.getInput().getType();
        axis.copied = constSizes && !crop && !inType.isDynamicDim(d) &&
                      constSizes.getValues<APInt>()[d].getSExtValue() == inType.getDimSize(d);
      }
      axis.outputWidth = arith::MulFOp::create(b, loc, axis.scale, axis.inF);
      // An axis to fill needs an element to read.
      checkSizeAtLeast(b, loc, axis.in,
                       arith::SelectOp::create(
                           b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, out, cst(0)),
                           cst(1), cst(0)),
                       "Resize of axis " + Twine(d) + ", of {0} elements, needs {1}");
      if (crop) {
        auto roi = [&](int64_t i) {
          Value at = cst(i);
          return Value(arith::ExtFOp::create(
              b, loc, f64, tensor::ExtractOp::create(b, loc, adaptor.getRoi(), ValueRange{at}).getResult()));
        };
        axis.roiStart = roi(d);
        axis.roiEnd = roi(d + rank);
      }
      if (op.getLegacyNearest()) {
        Value one = arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(1.0));
        auto count = [&](arith::CmpFPredicate p) {
          return Value(arith::SelectOp::create(b, loc, arith::CmpFOp::create(b, loc, p, axis.scale, one),
                                               cst(1), cst(0)));
        };
        upsampling = arith::AddIOp::create(b, loc, upsampling, count(arith::CmpFPredicate::OGT));
        downsampling = arith::AddIOp::create(b, loc, downsampling, count(arith::CmpFPredicate::OLT));
      }
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(out);
      else
        checkSize(b, loc, out, cst(type.getDimSize(d)),
                  "Resize's result dimension " + Twine(d) + " is {0}, the model needs {1}");
    }
    // Before opset 11 nearest rounds down when upsampling, up when
    // downsampling: one resize cannot do both.
    Value roundUp;
    if (op.getLegacyNearest()) {
      checkSize(b, loc, arith::MulIOp::create(b, loc, upsampling, downsampling), cst(0),
                "nearest resizing that both up- and downsamples ({0} axes by both) is not "
                "supported before opset 11");
      roundUp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, downsampling, cst(0));
    }

    Type et = type.getElementType();
    Value extrapolation;
    if (crop)
      extrapolation = scalarConstant(b, loc, et, op.getExtrapolationValue().convertToDouble());
    Value init = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
    Value r = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
                  SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &nb, Location l, ValueRange) {
                    SmallVector<Taps> taps;
                    Value outside = arith::ConstantIntOp::create(nb, l, nb.getI1Type(), 0);
                    for (int64_t d = 0; d < rank; ++d) {
                      taps.push_back(axisTaps(op, nb, l, axes[d], linalg::IndexOp::create(nb, l, d),
                                              roundUp));
                      if (taps.back().outside)
                        outside = arith::OrIOp::create(nb, l, outside, taps.back().outside);
                    }
                    Value v = interpolate(nb, l, input, taps, et);
                    if (crop)
                      v = arith::SelectOp::create(nb, l, outside, extrapolation, v);
                    linalg::YieldOp::create(nb, l, v);
                  })
                  .getResult(0);
    rewriter.replaceOp(op, r);
    return success();
  }

  /// The taps of output coordinate `x` along `axis`.
  static Taps axisTaps(ComputedResizeOp op, OpBuilder &b, Location loc, const Axis &axis,
                       Value x, Value roundUp) {
    Type f64 = b.getF64Type();
    auto fc = [&](double v) { return Value(arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(v))); };
    auto ic = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, loc, v)); };
    auto add = [&](Value a, Value c) { return Value(arith::AddFOp::create(b, loc, a, c)); };
    auto sub = [&](Value a, Value c) { return Value(arith::SubFOp::create(b, loc, a, c)); };
    auto mul = [&](Value a, Value c) { return Value(arith::MulFOp::create(b, loc, a, c)); };
    auto div = [&](Value a, Value c) { return Value(arith::DivFOp::create(b, loc, a, c)); };
    auto fcmp = [&](arith::CmpFPredicate p, Value a, Value c) {
      return Value(arith::CmpFOp::create(b, loc, p, a, c));
    };
    auto select = [&](Value c, Value t, Value f) {
      return Value(arith::SelectOp::create(b, loc, c, t, f));
    };
    auto clampIndex = [&](Value i) {
      return Value(arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, i, ic(0)),
                                          arith::SubIOp::create(b, loc, axis.in, ic(1))));
    };
    Taps taps;
    if (axis.copied) {
      taps.indices.push_back(x);
      taps.weights.push_back(fc(1));
      return taps;
    }
    Value xf = arith::SIToFPOp::create(b, loc, f64,
                                       arith::IndexCastOp::create(b, loc, b.getI64Type(), x));
    Value inLast = sub(axis.inF, fc(1));
    Value single = fcmp(arith::CmpFPredicate::OEQ, axis.outputWidth, fc(1));
    StringRef ctm = op.getCoordinateTransformationMode();
    Value xo;
    if (ctm == "align_corners") {
      xo = select(single, fc(0), div(mul(xf, inLast), sub(axis.outputWidth, fc(1))));
    } else if (ctm == "asymmetric") {
      xo = div(xf, axis.scale);
    } else if (ctm == "tf_crop_and_resize") {
      Value span = mul(sub(axis.roiEnd, axis.roiStart), inLast);
      xo = select(single, div(span, fc(2)), div(mul(xf, span), sub(axis.outputWidth, fc(1))));
      xo = add(xo, mul(axis.roiStart, inLast));
      taps.outside = arith::OrIOp::create(b, loc, fcmp(arith::CmpFPredicate::OLT, xo, fc(0)),
                                          fcmp(arith::CmpFPredicate::OGT, xo, inLast));
    } else if (ctm == "pytorch_half_pixel") {
      xo = select(single, fc(-0.5), sub(div(add(xf, fc(0.5)), axis.scale), fc(0.5)));
    } else if (ctm == "tf_half_pixel_for_nn") {
      xo = div(add(xf, fc(0.5)), axis.scale);
    } else { // half_pixel
      xo = sub(div(add(xf, fc(0.5)), axis.scale), fc(0.5));
    }
    // An axis that keeps its size at scale 1 is left alone (the static
    // lowering's rule; tf_half_pixel_for_nn's +0.5 would round it up).
    if (ctm != "tf_crop_and_resize") {
      Value sameSize = fcmp(arith::CmpFPredicate::OEQ, axis.outputWidth, axis.inF);
      Value unit = fcmp(arith::CmpFPredicate::OEQ, axis.scale, fc(1));
      xo = select(arith::AndIOp::create(b, loc, sameSize, unit), xf, xo);
    }
    // base = ceil(xo) - 1, as an index (far-off coordinates saturate); r in (0, 1].
    Value baseF = sub(math::CeilOp::create(b, loc, xo), fc(1));
    baseF = arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, baseF, fc(-1e9)),
                                      fc(1e9));
    Value ratio = sub(xo, baseF);
    Value base = arith::IndexCastOp::create(
        b, loc, b.getIndexType(), arith::FPToSIOp::create(b, loc, b.getI64Type(), baseF));
    StringRef mode = op.getMode();
    if (mode == "nearest") {
      Value whole = fcmp(arith::CmpFPredicate::OEQ, ratio, fc(1));
      Value up;
      StringRef nearest = op.getNearestMode();
      if (op.getLegacyNearest())
        up = select(roundUp, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1), whole);
      else if (nearest == "round_prefer_ceil")
        up = fcmp(arith::CmpFPredicate::OGE, ratio, fc(0.5));
      else if (nearest == "floor")
        up = whole;
      else if (nearest == "ceil")
        up = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
      else // round_prefer_floor
        up = fcmp(arith::CmpFPredicate::OGT, ratio, fc(0.5));
      taps.indices.push_back(clampIndex(select(up, arith::AddIOp::create(b, loc, base, ic(1)), base)));
      taps.weights.push_back(fc(1));
      return taps;
    }
    int64_t first;
    SmallVector<Value> weights;
    if (mode == "linear") {
      first = 0;
      weights = {sub(fc(1), ratio), ratio};
    } else { // cubic
      first = -1;
      double a = op.getCubicCoeffA().convertToDouble();
      Value rr = ratio, s = sub(fc(1), ratio);
      auto outer = [&](Value t) { // ((a (t + 1) - 5a)(t + 1) + 8a)(t + 1) - 4a
        Value t1 = add(t, fc(1));
        return sub(mul(add(mul(sub(mul(fc(a), t1), fc(5 * a)), t1), fc(8 * a)), t1), fc(4 * a));
      };
      auto inner = [&](Value t) { // ((a + 2) t - (a + 3)) t^2 + 1
        return add(mul(mul(sub(mul(fc(a + 2), t), fc(a + 3)), t), t), fc(1));
      };
      weights = {outer(rr), inner(rr), inner(s), outer(s)};
    }
    SmallVector<Value> positions;
    for (int64_t i = 0; i < (int64_t)weights.size(); ++i)
      positions.push_back(arith::AddIOp::create(b, loc, base, ic(first + i)));
    if (op.getExcludeOutside()) {
      Value sum = fc(0);
      for (auto [w, p] : llvm::zip(weights, positions)) {
        Value in = arith::AndIOp::create(
            b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, p, ic(0)),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, p, axis.in));
        w = select(in, w, fc(0));
        sum = add(sum, w);
      }
      for (Value &w : weights)
        w = div(w, sum);
    }
    for (Value p : positions)
      taps.indices.push_back(clampIndex(p));
    taps.weights = weights;
    return taps;
  }

  /// sum over the combinations of one tap per axis of the weights' product
  /// times the element there (one element when every axis has one tap:
  /// nearest, any element type).
  static Value interpolate(OpBuilder &b, Location loc, Value input, ArrayRef<Taps> taps, Type et) {
    int64_t rank = taps.size();
    bool single = llvm::all_of(taps, [](const Taps &t) { return t.indices.size() == 1; });
    if (single) {
      SmallVector<Value> at;
      for (const Taps &t : taps)
        at.push_back(t.indices[0]);
      return tensor::ExtractOp::create(b, loc, input, at);
    }
    Type f64 = b.getF64Type();
    Value acc = arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(0.0));
    SmallVector<int64_t> choice(rank, 0);
    while (true) {
      SmallVector<Value> at;
      Value w;
      for (int64_t d = 0; d < rank; ++d) {
        at.push_back(taps[d].indices[choice[d]]);
        Value wd = taps[d].weights[choice[d]];
        w = w ? Value(arith::MulFOp::create(b, loc, w, wd)) : wd;
      }
      Value v = tensor::ExtractOp::create(b, loc, input, at);
      if (v.getType() != f64)
        v = arith::ExtFOp::create(b, loc, f64, v);
      acc = arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, w, v));
      int64_t d = rank - 1;
      while (d >= 0 && ++choice[d] == (int64_t)taps[d].indices.size())
        choice[d--] = 0;
      if (d < 0)
        break;
    }
    return et == f64 ? acc : Value(arith::TruncFOp::create(b, loc, et, acc));
  }
};

} // namespace

void populateComputedResizeLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ComputedResizeLowering>(patterns.getContext());
}

} // namespace tessel
