//===- EpilogueLowering.cpp - Bias, residual and activation epilogues -----===//
//
// Shared by the conv and linear lowerings: the accumulator starts as bias (+
// residual), so the contraction adds into it and no separate pass over the
// result is needed for them; the activation is one elementwise loop after it.
//
//===----------------------------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"
#include "dialects/Tessel/Activation.h"

using namespace mlir;

namespace tessel {

Value applyActivation(OpBuilder &b, Location loc, Value x, StringRef name,
                      ArrayRef<double> params) {
  Type t = x.getType();
  auto cst = [&](double v) { return scalarConstant(b, loc, t, v); };
  auto clamp = [&](Value v, double lo, double hi) {
    return arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, v, cst(lo)),
                                     cst(hi));
  };
  auto sigmoid = [&](Value v) {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
    return arith::DivFOp::create(b, loc, cst(1.0), arith::AddFOp::create(b, loc, cst(1.0), e));
  };
  switch (*parseActivation(name)) {
  case Activation::None:
    return x;
  case Activation::Relu:
    return arith::MaximumFOp::create(b, loc, x, cst(0.0));
  case Activation::Clip:
    return clamp(x, params[0], params[1]);
  case Activation::LeakyRelu: {
    Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0.0));
    return arith::SelectOp::create(b, loc, neg, arith::MulFOp::create(b, loc, x, cst(params[0])),
                                   x);
  }
  case Activation::Sigmoid:
    return sigmoid(x);
  case Activation::Tanh:
    return math::TanhOp::create(b, loc, x);
  case Activation::Silu:
    return arith::MulFOp::create(b, loc, x, sigmoid(x));
  case Activation::GeluErf: {
    Value erf = math::ErfOp::create(b, loc, arith::MulFOp::create(b, loc, x, cst(M_SQRT1_2)));
    Value half = arith::MulFOp::create(b, loc, x, cst(0.5));
    return arith::MulFOp::create(b, loc, half, arith::AddFOp::create(b, loc, erf, cst(1.0)));
  }
  case Activation::GeluTanh: {
    Value x3 = arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
    Value inner = arith::AddFOp::create(b, loc, x,
                                        arith::MulFOp::create(b, loc, x3, cst(0.044715)));
    Value th = math::TanhOp::create(
        b, loc, arith::MulFOp::create(b, loc, inner, cst(std::sqrt(2.0 / M_PI))));
    Value half = arith::MulFOp::create(b, loc, x, cst(0.5));
    return arith::MulFOp::create(b, loc, half, arith::AddFOp::create(b, loc, th, cst(1.0)));
  }
  case Activation::HardSwish: {
    Value gate = arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, x, cst(1.0 / 6.0)),
                                       cst(0.5));
    return arith::MulFOp::create(b, loc, x, clamp(gate, 0.0, 1.0));
  }
  case Activation::HardSigmoid: {
    Value v = arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, x, cst(params[0])),
                                    cst(params[1]));
    return clamp(v, 0.0, 1.0);
  }
  }
  llvm_unreachable("unknown activation");
}

Value buildEpilogueInit(OpBuilder &b, Location loc, RankedTensorType type, Value bias,
                        int64_t biasAxis, Value residual, ValueRange sizeSources) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<Value> inputs{bias};
  SmallVector<AffineMap> maps{AffineMap::get(rank, 0, {getAffineDimExpr(biasAxis, ctx)}, ctx)};
  if (residual) {
    inputs.push_back(residual);
    maps.push_back(identity);
  }
  maps.push_back(identity);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{emptyTensor(b, loc, type, sizeSources)},
             maps,
             SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value v = a[0];
               if (residual)
                 v = arith::AddFOp::create(nb, l, v, a[1]);
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

Value buildActivation(OpBuilder &b, Location loc, Value value, StringRef activation,
                      ArrayRef<double> params) {
  if (activation == "none")
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  return buildElementwise(b, loc, type, ValueRange{value},
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return applyActivation(nb, l, a[0], activation, params);
                          });
}

} // namespace tessel
