//===- RNNLowering.cpp - RNN, GRU, LSTM to an scf.for over time steps -----===//
//
// Each direction of a recurrent layer becomes:
//   1. the input projection of every step at once, X W^T + biases, as one
//      linalg.generic [T, B, G*H] (one large matmul instead of T small ones);
//   2. an scf.for over the T steps carrying the states (and Y) as iter_args,
//      whose body is the recurrent matmul H R^T (linalg.generic) and one
//      elementwise linalg.generic for the gates.
// sequence_lens masks steps past a batch entry's length (the state is kept,
// Y gets 0); a reverse direction with sequence_lens runs on the input
// reversed within each entry's length and reverses its Y back.
//
// T and B may be run-time sizes. The input projection is then one matmul
// over the T*B rows ([T*B, K] x [G*H, K]^T: a single dynamic loop, which
// tessel-tile-dynamic-contractions gives static register-blocked tiles),
// the loop runs T steps, and an initial state of batch 1 (the importer's
// zero default for a dynamic batch) is broadcast to the B entries.
//
//===----------------------------------------------------------------------===//
#include "codegen/ConvertToLinalg/LoweringUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace tessel {
namespace {

using utils::IteratorType;

/// One activation function with its alpha and beta.
struct Activation {
  StringRef name;
  double alpha, beta;

  Value apply(OpBuilder &b, Location l, Value x) const {
    Type t = x.getType();
    auto c = [&](double v) { return scalarConstant(b, l, t, v); };
    auto sigmoid = [&](Value v) -> Value {
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, v));
      return arith::DivFOp::create(b, l, c(1), arith::AddFOp::create(b, l, c(1), e));
    };
    auto lt0 = [&](Value v) {
      return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, c(0));
    };
    if (name == "Sigmoid")
      return sigmoid(x);
    if (name == "Tanh")
      return math::TanhOp::create(b, l, x);
    if (name == "Relu")
      return arith::MaximumFOp::create(b, l, x, c(0));
    if (name == "Affine")
      return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, x, c(alpha)), c(beta));
    if (name == "LeakyRelu")
      return arith::SelectOp::create(b, l, lt0(x), arith::MulFOp::create(b, l, x, c(alpha)), x);
    if (name == "ThresholdedRelu") {
      Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, c(alpha));
      return arith::SelectOp::create(b, l, above, x, c(0));
    }
    if (name == "ScaledTanh")
      return arith::MulFOp::create(
          b, l, c(alpha), math::TanhOp::create(b, l, arith::MulFOp::create(b, l, x, c(beta))));
    if (name == "HardSigmoid") {
      Value v = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, x, c(alpha)), c(beta));
      return arith::MinimumFOp::create(b, l, arith::MaximumFOp::create(b, l, v, c(0)), c(1));
    }
    if (name == "Elu") {
      Value em1 = arith::SubFOp::create(b, l, math::ExpOp::create(b, l, x), c(1));
      return arith::SelectOp::create(b, l, lt0(x), arith::MulFOp::create(b, l, em1, c(alpha)), x);
    }
    if (name == "Softsign")
      return arith::DivFOp::create(b, l, x,
                                   arith::AddFOp::create(b, l, c(1), math::AbsFOp::create(b, l, x)));
    // Softplus (the verifier admits no other name).
    return math::LogOp::create(b, l, arith::AddFOp::create(b, l, c(1), math::ExpOp::create(b, l, x)));
  }
};

/// The common parts of a recurrent op, read once.
struct Recurrent {
  /// steps and batch: static sizes or ShapedType::kDynamic; T and B: their
  /// sizes (index values where dynamic).
  int64_t steps, batch, hidden, gates, dirs;
  OpFoldResult T, B;
  Type et;
  SmallVector<Activation> acts; // all directions
  std::optional<double> clip;

  template <typename OpTy>
  static Recurrent read(OpTy op, OpBuilder &b, Value input) {
    Recurrent r;
    auto xt = cast<RankedTensorType>(op.getInput().getType());
    r.steps = xt.getDimSize(0);
    r.batch = xt.getDimSize(1);
    r.T = tensor::getMixedSize(b, op.getLoc(), input, 0);
    r.B = tensor::getMixedSize(b, op.getLoc(), input, 1);
    r.hidden = op.getHiddenSize();
    r.gates = OpTy::kNumGates;
    r.dirs = op.getNumDirections();
    r.et = xt.getElementType();
    for (auto [i, name] : llvm::enumerate(op.getActivations()))
      r.acts.push_back({cast<StringAttr>(name).getValue(), op.getActivationAlpha()[i],
                        op.getActivationBeta()[i]});
    if (auto c = op.getClip())
      r.clip = c->convertToDouble();
    return r;
  }

  /// Activation `k` of direction `d` applied to the clipped pre-activation.
  Value act(OpBuilder &b, Location l, int64_t d, int64_t k, Value x) const {
    if (clip) {
      x = arith::MaximumFOp::create(b, l, x, scalarConstant(b, l, et, -*clip));
      x = arith::MinimumFOp::create(b, l, x, scalarConstant(b, l, et, *clip));
    }
    return acts[d * (acts.size() / dirs) + k].apply(b, l, x);
  }

  RankedTensorType stateType() const { return RankedTensorType::get({batch, hidden}, et); }
  /// A tensor.empty of `sizes` (of this layer's element type).
  Value empty(OpBuilder &b, Location l, ArrayRef<OpFoldResult> sizes) const {
    return tensor::EmptyOp::create(b, l, sizes, et);
  }
  Value stateEmpty(OpBuilder &b, Location l) const { return empty(b, l, {B, b.getIndexAttr(hidden)}); }
  Value stepsValue(OpBuilder &b, Location l) const {
    return getValueOrCreateConstantIndexOp(b, l, T);
  }
};

SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> values) {
  SmallVector<OpFoldResult> out;
  for (int64_t v : values)
    out.push_back(b.getIndexAttr(v));
  return out;
}

/// v[offsets : offsets + sizes] with unit strides, as `resultShape` (which may
/// drop unit dims; a dynamic size there is a dynamic entry of `sizes`).
Value slice(OpBuilder &b, Location loc, Value v, ArrayRef<OpFoldResult> offsets,
            ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> resultShape) {
  auto t = cast<RankedTensorType>(v.getType());
  return tensor::ExtractSliceOp::create(b, loc, RankedTensorType::get(resultShape, t.getElementType()),
                                        v, offsets, sizes,
                                        indexAttrs(b, SmallVector<int64_t>(sizes.size(), 1)));
}
Value slice(OpBuilder &b, Location loc, Value v, ArrayRef<OpFoldResult> offsets,
            ArrayRef<int64_t> sizes, ArrayRef<int64_t> resultShape) {
  return slice(b, loc, v, offsets, indexAttrs(b, sizes), resultShape);
}

/// Columns [offset, offset + size) of a 2-D tensor.
Value columns(OpBuilder &b, Location loc, Value v, int64_t offset, int64_t size) {
  int64_t rows = cast<RankedTensorType>(v.getType()).getDimSize(0);
  return slice(b, loc, v, {b.getIndexAttr(0), b.getIndexAttr(offset)},
               {tensor::getMixedSize(b, loc, v, 0), b.getIndexAttr(size)}, {rows, size});
}

/// Rows [offset, offset + size) of v[d] for a 3-D v (weights [D, G*H, K]).
/// `cols`: v's last dimension, as the operand checks made sure it is (a
/// static size where one is known: the hidden size for a recurrence).
Value directionRows(OpBuilder &b, Location loc, Value v, int64_t d, int64_t offset, int64_t size,
                    OpFoldResult cols) {
  std::optional<int64_t> staticCols = getConstantIntValue(cols);
  return slice(b, loc, v, indexAttrs(b, {d, offset, 0}),
               {b.getIndexAttr(1), b.getIndexAttr(size), cols},
               {size, staticCols ? *staticCols : ShapedType::kDynamic});
}

/// Run-time checks of the operands' dynamic dimensions (a model whose every
/// input is dynamic, weights included): each must be what the layer's
/// attributes and the input make it, or the slices below would read out of
/// bounds. (Initial states' batch: initialState; sequence_lens: its caller.)
void checkOperandSizes(OpBuilder &b, Location loc, const Recurrent &r, Value x, Value w, Value rec,
                       Value bias, ValueRange states, Value peepholes) {
  int64_t gh = r.gates * r.hidden;
  OpFoldResult k = tensor::getMixedSize(b, loc, x, 2);
  auto expect = [&](Value v, ArrayRef<std::optional<OpFoldResult>> sizes, StringRef what) {
    auto t = cast<RankedTensorType>(v.getType());
    for (auto [i, size] : llvm::enumerate(sizes)) {
      if (!size || (!t.isDynamicDim(i) && getConstantIntValue(*size)))
        continue;
      checkSize(b, loc, dimSize(b, loc, v, i), getValueOrCreateConstantIndexOp(b, loc, *size),
                what + " has {0} in dimension " + Twine(i) + ", the layer needs {1}");
    }
  };
  auto c = [&](int64_t v) -> std::optional<OpFoldResult> { return OpFoldResult(b.getIndexAttr(v)); };
  expect(w, {c(r.dirs), c(gh), k}, "the input weights (W)");
  expect(rec, {c(r.dirs), c(gh), c(r.hidden)}, "the recurrence weights (R)");
  expect(bias, {c(r.dirs), c(2 * gh)}, "the biases (B)");
  for (Value state : states)
    expect(state, {c(r.dirs), std::nullopt, c(r.hidden)}, "the initial state");
  if (peepholes)
    expect(peepholes, {c(r.dirs), c(3 * r.hidden)}, "the peepholes (P)");
}

/// out[m, n] = init[m, n] + sum_k lhs[m, k] * rhs[n, k].
Value matmulTransB(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
             SmallVector<AffineMap>{AffineMap::get(3, 0, {m, k}, ctx),
                                    AffineMap::get(3, 0, {n, k}, ctx),
                                    AffineMap::get(3, 0, {m, n}, ctx)},
             SmallVector<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                                       IteratorType::reduction},
             yieldMultiplyAccumulate)
      .getResult(0);
}

/// An elementwise linalg.generic over [B, H] with several results. Inputs
/// are [B, H] (identity), float [H] (per unit: peepholes) or integer [B] (per
/// batch entry: sequence lengths); the first input must be [B, H]. The first
/// results are written into `dests` (the loop's state tensors, so that the
/// state buffers are updated in place), the others into new tensors.
SmallVector<Value> cellGeneric(OpBuilder &b, Location loc, const Recurrent &r, ValueRange inputs,
                               int numResults,
                               function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body,
                               ValueRange dests = {}) {
  MLIRContext *ctx = b.getContext();
  AffineExpr bd = getAffineDimExpr(0, ctx), hd = getAffineDimExpr(1, ctx);
  SmallVector<AffineMap> maps;
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    if (t.getRank() == 2)
      maps.push_back(AffineMap::get(2, 0, {bd, hd}, ctx));
    else if (isa<FloatType>(t.getElementType()))
      maps.push_back(AffineMap::get(2, 0, {hd}, ctx));
    else
      maps.push_back(AffineMap::get(2, 0, {bd}, ctx));
  }
  SmallVector<Value> outs;
  SmallVector<Type> types;
  for (int i = 0; i < numResults; ++i) {
    outs.push_back(i < (int)dests.size() ? dests[i] : r.stateEmpty(b, loc));
    types.push_back(r.stateType());
    maps.push_back(AffineMap::get(2, 0, {bd, hd}, ctx));
  }
  auto generic = linalg::GenericOp::create(
      b, loc, types, inputs, outs, maps, {IteratorType::parallel, IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        linalg::YieldOp::create(nb, l, body(nb, l, a.take_front(inputs.size())));
      });
  return SmallVector<Value>(generic.getResults());
}

/// `init` with every row along its last dimension set to `row` (a bias
/// over the projection's rows, an initial state over the batch).
Value broadcastRow(OpBuilder &b, Location loc, Value row, Value init) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  AffineMap last = AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, b.getContext())},
                                  b.getContext());
  return buildElementwiseInto(b, loc, init, row, {last},
                              [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

/// True if `v` is a constant whose elements are all zero.
bool isZeroConstant(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  return attr.isSplat() && attr.getSplatValue<APFloat>().isZero();
}

/// v [T, B, K] reversed along time within each batch entry's length:
/// out[t, b] = t < len[b] ? v[len[b] - 1 - t, b] : 0.
Value reverseWithinLengths(OpBuilder &b, Location loc, Value v, Value lens) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(v.getType());
  Value steps = dimSize(b, loc, v, 0);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{lens}, ValueRange{emptyTensor(b, loc, type, v)},
             SmallVector<AffineMap>{AffineMap::get(3, 0, {getAffineDimExpr(1, ctx)}, ctx),
                                    AffineMap::getMultiDimIdentityMap(3, ctx)},
             SmallVector<IteratorType>(3, IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               auto idx = [&](int64_t x) { return arith::ConstantIndexOp::create(nb, l, x); };
               Value t = linalg::IndexOp::create(nb, l, 0);
               Value len = arith::IndexCastOp::create(nb, l, nb.getIndexType(), a[0]);
               len = arith::MinSIOp::create(nb, l, arith::MaxSIOp::create(nb, l, len, idx(0)),
                                            steps);
               Value valid = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, t, len);
               Value src = arith::SubIOp::create(nb, l, arith::SubIOp::create(nb, l, len, idx(1)), t);
               src = arith::SelectOp::create(nb, l, valid, src, idx(0));
               Value x = tensor::ExtractOp::create(
                   nb, l, v,
                   ValueRange{src, linalg::IndexOp::create(nb, l, 1), linalg::IndexOp::create(nb, l, 2)});
               Value zero = scalarConstant(nb, l, type.getElementType(), 0);
               linalg::YieldOp::create(nb, l, ValueRange{arith::SelectOp::create(nb, l, valid, x, zero)});
             })
      .getResult(0);
}

/// The input projection of direction d for every step: X W_d^T + bias, where
/// the bias is Wb_d + Rb_d except in the gate columns `[rbExcludeFrom, G*H)`.
Value inputProjection(OpBuilder &b, Location loc, const Recurrent &r, Value x, Value w, Value bias,
                      int64_t d, int64_t rbExcludeFrom) {
  MLIRContext *ctx = b.getContext();
  int64_t gh = r.gates * r.hidden;
  // bsum[g] = Wb[d, g] + Rb[d, g].
  auto vecType = RankedTensorType::get({gh}, r.et);
  AffineExpr dc = getAffineConstantExpr(d, ctx);
  Value wb = slice(b, loc, bias, indexAttrs(b, {d, 0}), {1, gh}, {gh});
  Value rb = slice(b, loc, bias, indexAttrs(b, {d, gh}), {1, gh}, {gh});
  Value bsum = buildElementwise(b, loc, vecType, ValueRange{wb, rb},
                                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                  Value rbv = a[1];
                                  if (rbExcludeFrom < gh) {
                                    Value gi = linalg::IndexOp::create(nb, l, 0);
                                    Value keep = arith::CmpIOp::create(
                                        nb, l, arith::CmpIPredicate::slt, gi,
                                        arith::ConstantIndexOp::create(nb, l, rbExcludeFrom));
                                    rbv = arith::SelectOp::create(nb, l, keep, rbv,
                                                                  scalarConstant(nb, l, r.et, 0));
                                  }
                                  return arith::AddFOp::create(nb, l, a[0], rbv);
                                });
  if (ShapedType::isDynamic(r.steps) || ShapedType::isDynamic(r.batch)) {
    // [T*B, K] x [G*H, K]^T: one dynamic loop (the rows), tiled statically.
    auto rowsType = RankedTensorType::get({ShapedType::kDynamic, gh}, r.et);
    Value rows = tensor::CollapseShapeOp::create(b, loc, x, SmallVector<ReassociationIndices>{{0, 1}, {2}});
    Value init = broadcastRow(b, loc, bsum, emptyTensor(b, loc, rowsType, rows));
    Value xw = matmulTransB(b, loc, rows,
                            directionRows(b, loc, w, d, 0, gh, tensor::getMixedSize(b, loc, x, 2)),
                            init);
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({r.steps, r.batch, gh}, r.et), xw,
        SmallVector<ReassociationIndices>{{0, 1}, {2}},
        SmallVector<OpFoldResult>{r.T, r.B, b.getIndexAttr(gh)});
  }
  auto xwType = RankedTensorType::get({r.steps, r.batch, gh}, r.et);
  Value init = broadcastRow(b, loc, bsum, emptyTensor(b, loc, xwType));
  AffineExpr t = getAffineDimExpr(0, ctx), bb = getAffineDimExpr(1, ctx),
             gg = getAffineDimExpr(2, ctx), i = getAffineDimExpr(3, ctx);
  return linalg::GenericOp::create(
             b, loc, TypeRange{xwType}, ValueRange{x, w}, ValueRange{init},
             SmallVector<AffineMap>{AffineMap::get(4, 0, {t, bb, i}, ctx),
                                    AffineMap::get(4, 0, {dc, gg, i}, ctx),
                                    AffineMap::get(4, 0, {t, bb, gg}, ctx)},
             SmallVector<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                                       IteratorType::parallel, IteratorType::reduction},
             yieldMultiplyAccumulate)
      .getResult(0);
}

/// Builds the new states (H first) of one step from the step's input
/// projection [B, G*H] and the current states, writing them into `dests`
/// when that is not empty (see cellGeneric).
using StepFn = function_ref<SmallVector<Value>(OpBuilder &, Location, Value xwT, ValueRange states,
                                               ValueRange dests)>;

/// Runs one direction over all steps. Returns the final states and, when
/// `wantY`, sets `y` to the direction's outputs [T, B, H].
SmallVector<Value> runDirection(OpBuilder &b, Location loc, const Recurrent &r, Value xw,
                                bool reverse, Value lens, ValueRange initStates, bool wantY,
                                StepFn step, Value &y) {
  int64_t gh = r.gates * r.hidden;
  if (lens && reverse)
    xw = reverseWithinLengths(b, loc, xw, lens);
  bool flip = reverse && !lens;
  SmallVector<Value> iterArgs(initStates);
  if (wantY)
    iterArgs.push_back(r.empty(b, loc, {r.T, r.B, b.getIndexAttr(r.hidden)}));
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = r.stepsValue(b, loc);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  size_t numStates = initStates.size();
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, one, iterArgs,
      [&](OpBuilder &nb, Location l, Value t, ValueRange args) {
        Value tt = t;
        if (flip)
          tt = arith::SubIOp::create(
              nb, l, arith::SubIOp::create(nb, l, ub, arith::ConstantIndexOp::create(nb, l, 1)), t);
        Value xwT = slice(nb, l, xw, {tt, nb.getIndexAttr(0), nb.getIndexAttr(0)},
                          {nb.getIndexAttr(1), r.B, nb.getIndexAttr(gh)}, {r.batch, gh});
        ValueRange states = args.take_front(numStates);
        // scf.for bufferizes only when each yielded state is its iter_arg
        // updated in place: the last generic of the step writes into it.
        SmallVector<Value> next = step(nb, l, xwT, states, lens ? ValueRange{} : states);
        Value yT = next[0];
        if (lens) {
          // Past a batch entry's length: keep the state, write 0 to Y.
          SmallVector<Value> inputs{states[0], lens};
          inputs.append(next.begin(), next.end());
          inputs.append(states.begin() + 1, states.end());
          SmallVector<Value> masked = cellGeneric(
              nb, l, r, inputs, numStates + 1, [&](OpBuilder &bb, Location ll, ValueRange a) {
                Value len = arith::IndexCastOp::create(bb, ll, bb.getIndexType(), a[1]);
                Value valid = arith::CmpIOp::create(bb, ll, arith::CmpIPredicate::slt, t, len);
                SmallVector<Value> out;
                for (size_t i = 0; i < numStates; ++i) {
                  Value prev = i == 0 ? a[0] : a[2 + numStates + i - 1];
                  out.push_back(arith::SelectOp::create(bb, ll, valid, a[2 + i], prev));
                }
                out.push_back(arith::SelectOp::create(bb, ll, valid, a[2],
                                                      scalarConstant(bb, ll, r.et, 0)));
                return out;
              },
              states);
          yT = masked.back();
          masked.pop_back();
          next = masked;
        }
        SmallVector<Value> yields(next);
        if (wantY) {
          Value yAcc = args.back();
          yields.push_back(tensor::InsertSliceOp::create(
              nb, l, yT, yAcc, SmallVector<OpFoldResult>{tt, nb.getIndexAttr(0), nb.getIndexAttr(0)},
              SmallVector<OpFoldResult>{nb.getIndexAttr(1), r.B, nb.getIndexAttr(r.hidden)},
              indexAttrs(nb, {1, 1, 1})));
        }
        scf::YieldOp::create(nb, l, yields);
      });
  SmallVector<Value> results(loop.getResults());
  if (wantY) {
    y = results.back();
    results.pop_back();
    if (lens && reverse)
      y = reverseWithinLengths(b, loc, y, lens);
  }
  return results;
}

/// Inserts `v` [..] as entry d of the leading dim of `into`.
Value insertDirection(OpBuilder &b, Location loc, Value v, Value into, int64_t d) {
  auto it = cast<RankedTensorType>(into.getType());
  SmallVector<int64_t> offsets(it.getRank(), 0);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, into);
  // Y [T, D, B, H] takes direction d at dim 1; states [D, B, H] at dim 0.
  int64_t dim = it.getRank() == 4 ? 1 : 0;
  offsets[dim] = d;
  sizes[dim] = b.getIndexAttr(1);
  return tensor::InsertSliceOp::create(b, loc, v, into, indexAttrs(b, offsets), sizes,
                                       indexAttrs(b, SmallVector<int64_t>(it.getRank(), 1)));
}

/// Direction d's initial state [B, H] of `states` [D, B, H] or [D, 1, H]
/// (broadcast to the B entries); a dynamic B is checked against the input's.
Value initialState(OpBuilder &b, Location loc, const Recurrent &r, Value states, int64_t d) {
  auto st = cast<RankedTensorType>(states.getType());
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1),
               hidden = b.getIndexAttr(r.hidden);
  if (st.getDimSize(1) == 1 && r.batch != 1) {
    Value entry = slice(b, loc, states, {b.getIndexAttr(d), zero, zero}, {one, one, hidden},
                        {r.hidden});
    return broadcastRow(b, loc, entry, r.stateEmpty(b, loc));
  }
  if (st.isDynamicDim(1) || ShapedType::isDynamic(r.batch))
    checkSize(b, loc, dimSize(b, loc, states, 1), getValueOrCreateConstantIndexOp(b, loc, r.B),
              "the initial state has batch {0}, the input {1}");
  return slice(b, loc, states, {b.getIndexAttr(d), zero, zero}, {one, r.B, hidden},
               {r.batch, r.hidden});
}

/// Shared driver: per direction, the input projection, the initial states and
/// the loop; then the results assembled across directions.
template <typename OpTy>
LogicalResult lowerRecurrent(OpTy op, typename OpTy::Adaptor adaptor,
                             ConversionPatternRewriter &rewriter, ValueRange initialStates,
                             int64_t rbExcludeFrom,
                             function_ref<SmallVector<Value>(OpBuilder &, Location, int64_t d,
                                                             Value xwT, ValueRange states,
                                                             ValueRange dests)>
                                 step) {
  Location loc = op.getLoc();
  Recurrent r = Recurrent::read(op, rewriter, adaptor.getInput());
  bool wantY = !op.getY().use_empty();
  Value lens = adaptor.getSequenceLens();
  if (lens && cast<RankedTensorType>(lens.getType()).isDynamicDim(0))
    checkSize(rewriter, loc, dimSize(rewriter, loc, lens, 0),
              getValueOrCreateConstantIndexOp(rewriter, loc, r.B),
              "sequence_lens has {0} entries, the batch {1}");
  Value peepholes;
  if constexpr (std::is_same_v<OpTy, LSTMOp>)
    peepholes = adaptor.getPeepholes();
  checkOperandSizes(rewriter, loc, r, adaptor.getInput(), adaptor.getWeight(),
                    adaptor.getRecurrence(), adaptor.getBias(), initialStates, peepholes);
  OpFoldResult dirs = rewriter.getIndexAttr(r.dirs), hidden = rewriter.getIndexAttr(r.hidden);
  SmallVector<Value> results{r.empty(rewriter, loc, {r.T, dirs, r.B, hidden})};
  for (size_t i = 1; i < op->getNumResults(); ++i)
    results.push_back(r.empty(rewriter, loc, {dirs, r.B, hidden}));
  for (int64_t d = 0; d < r.dirs; ++d) {
    bool reverse = op.getDirection() == "reverse" || d == 1;
    Value xw = inputProjection(rewriter, loc, r, adaptor.getInput(), adaptor.getWeight(),
                               adaptor.getBias(), d, rbExcludeFrom);
    SmallVector<Value> init;
    for (Value s : initialStates)
      init.push_back(initialState(rewriter, loc, r, s, d));
    Value y;
    SmallVector<Value> finals = runDirection(
        rewriter, loc, r, xw, reverse, lens, init, wantY,
        [&](OpBuilder &b, Location l, Value xwT, ValueRange states, ValueRange dests) {
          return step(b, l, d, xwT, states, dests);
        },
        y);
    if (wantY)
      results[0] = insertDirection(rewriter, loc, y, results[0], d);
    for (auto [i, f] : llvm::enumerate(finals))
      results[1 + i] = insertDirection(rewriter, loc, f, results[1 + i], d);
  }
  rewriter.replaceOp(op, results);
  return success();
}

struct RNNLowering : OpConversionPattern<RNNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RNNOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Recurrent r = Recurrent::read(op, rewriter, adaptor.getInput());
    int64_t h = r.hidden;
    SmallVector<Value> rd;
    for (int64_t d = 0; d < r.dirs; ++d)
      rd.push_back(directionRows(rewriter, op.getLoc(), adaptor.getRecurrence(), d, 0, h,
                                 rewriter.getIndexAttr(h)));
    return lowerRecurrent(
        op, adaptor, rewriter, {adaptor.getInitialH()}, r.gates * h,
        [&](OpBuilder &b, Location l, int64_t d, Value xwT, ValueRange s,
            ValueRange dests) -> SmallVector<Value> {
          Value pre = matmulTransB(b, l, s[0], rd[d], xwT);
          return cellGeneric(b, l, r, {pre}, 1, [&](OpBuilder &nb, Location nl, ValueRange a) {
            return SmallVector<Value>{r.act(nb, nl, d, 0, a[0])};
          }, dests);
        });
  }
};

struct GRULowering : OpConversionPattern<GRUOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GRUOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Recurrent r = Recurrent::read(op, rewriter, adaptor.getInput());
    int64_t h = r.hidden;
    bool lbr = op.getLinearBeforeReset();
    Value rec = adaptor.getRecurrence();
    // The new state from the update gate's pre-activation and the candidate.
    auto update = [&](OpBuilder &b, Location l, int64_t d, Value prev, Value z, Value hc) {
      Value one = scalarConstant(b, l, r.et, 1);
      Value zv = r.act(b, l, d, 0, z);
      Value cand = r.act(b, l, d, 1, hc);
      return arith::AddFOp::create(
          b, l, arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, one, zv), cand),
          arith::MulFOp::create(b, l, zv, prev));
    };
    if (lbr) {
      // h = g(xh + r * (H R_h^T + Rb_h)): the recurrent matmul starts from
      // [0, 0, Rb_h] and the input projection leaves Rb_h out.
      SmallVector<Value> rd, rbInit;
      auto initType = RankedTensorType::get({r.batch, 3 * h}, r.et);
      for (int64_t d = 0; d < r.dirs; ++d) {
        rd.push_back(directionRows(rewriter, loc, rec, d, 0, 3 * h, rewriter.getIndexAttr(h)));
        AffineExpr g = getAffineDimExpr(1, ctx);
        rbInit.push_back(
            linalg::GenericOp::create(
                rewriter, loc, TypeRange{initType}, ValueRange{adaptor.getBias()},
                ValueRange{r.empty(rewriter, loc, {r.B, rewriter.getIndexAttr(3 * h)})},
                SmallVector<AffineMap>{
                    AffineMap::get(2, 0, {getAffineConstantExpr(d, ctx), g + 3 * h}, ctx),
                    AffineMap::getMultiDimIdentityMap(2, ctx)},
                SmallVector<IteratorType>(2, IteratorType::parallel),
                [&](OpBuilder &b, Location l, ValueRange a) {
                  Value gi = linalg::IndexOp::create(b, l, 1);
                  Value isH = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, gi,
                                                    arith::ConstantIndexOp::create(b, l, 2 * h));
                  linalg::YieldOp::create(
                      b, l,
                      ValueRange{arith::SelectOp::create(b, l, isH, a[0], scalarConstant(b, l, r.et, 0))});
                })
                .getResult(0));
      }
      return lowerRecurrent(
          op, adaptor, rewriter, {adaptor.getInitialH()}, 2 * h,
          [&](OpBuilder &b, Location l, int64_t d, Value xwT, ValueRange s,
            ValueRange dests) -> SmallVector<Value> {
            Value hr = matmulTransB(b, l, s[0], rd[d], rbInit[d]);
            SmallVector<Value> ins{s[0]};
            for (int64_t k = 0; k < 3; ++k)
              ins.push_back(columns(b, l, xwT, k * h, h));
            for (int64_t k = 0; k < 3; ++k)
              ins.push_back(columns(b, l, hr, k * h, h));
            return cellGeneric(b, l, r, ins, 1, [&](OpBuilder &nb, Location nl, ValueRange a) {
              Value z = arith::AddFOp::create(nb, nl, a[1], a[4]);
              Value rv = r.act(nb, nl, d, 0, arith::AddFOp::create(nb, nl, a[2], a[5]));
              Value hc = arith::AddFOp::create(nb, nl, a[3], arith::MulFOp::create(nb, nl, rv, a[6]));
              return SmallVector<Value>{update(nb, nl, d, a[0], z, hc)};
            }, dests);
          });
    }
    // h = g(xh + (r * H) R_h^T + Rb_h + Wb_h): two recurrent matmuls.
    SmallVector<Value> rzr, rh;
    for (int64_t d = 0; d < r.dirs; ++d) {
      rzr.push_back(directionRows(rewriter, loc, rec, d, 0, 2 * h, rewriter.getIndexAttr(h)));
      rh.push_back(directionRows(rewriter, loc, rec, d, 2 * h, h, rewriter.getIndexAttr(h)));
    }
    return lowerRecurrent(
        op, adaptor, rewriter, {adaptor.getInitialH()}, 3 * h,
        [&](OpBuilder &b, Location l, int64_t d, Value xwT, ValueRange s,
            ValueRange dests) -> SmallVector<Value> {
          Value zr = matmulTransB(b, l, s[0], rzr[d], columns(b, l, xwT, 0, 2 * h));
          Value zPre = columns(b, l, zr, 0, h), rPre = columns(b, l, zr, h, h);
          Value rH = cellGeneric(b, l, r, {s[0], rPre}, 1,
                                 [&](OpBuilder &nb, Location nl, ValueRange a) {
                                   Value rv = r.act(nb, nl, d, 0, a[1]);
                                   return SmallVector<Value>{arith::MulFOp::create(nb, nl, rv, a[0])};
                                 })[0];
          Value hc = matmulTransB(b, l, rH, rh[d], columns(b, l, xwT, 2 * h, h));
          return cellGeneric(b, l, r, {s[0], zPre, hc}, 1,
                             [&](OpBuilder &nb, Location nl, ValueRange a) {
                               return SmallVector<Value>{update(nb, nl, d, a[0], a[1], a[2])};
                             }, dests);
        });
  }
};

struct LSTMLowering : OpConversionPattern<LSTMOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LSTMOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Recurrent r = Recurrent::read(op, rewriter, adaptor.getInput());
    int64_t h = r.hidden;
    bool peep = !isZeroConstant(op.getPeepholes());
    bool inputForget = op.getInputForget();
    SmallVector<Value> rd;
    SmallVector<SmallVector<Value>> p(r.dirs);
    for (int64_t d = 0; d < r.dirs; ++d) {
      rd.push_back(directionRows(rewriter, loc, adaptor.getRecurrence(), d, 0, 4 * h,
                                 rewriter.getIndexAttr(h)));
      if (peep)
        for (int64_t k = 0; k < 3; ++k)
          p[d].push_back(slice(rewriter, loc, adaptor.getPeepholes(),
                               indexAttrs(rewriter, {d, k * h}), {1, h}, {h}));
    }
    return lowerRecurrent(
        op, adaptor, rewriter, {adaptor.getInitialH(), adaptor.getInitialC()}, 4 * h,
        [&](OpBuilder &b, Location l, int64_t d, Value xwT, ValueRange s,
            ValueRange dests) -> SmallVector<Value> {
          Value g = matmulTransB(b, l, s[0], rd[d], xwT);
          // Inputs: C, then the i, o, f, c pre-activations, then P_i, P_o, P_f.
          SmallVector<Value> ins{s[1]};
          for (int64_t k = 0; k < 4; ++k)
            ins.push_back(columns(b, l, g, k * h, h));
          if (peep)
            ins.append(p[d].begin(), p[d].end());
          return cellGeneric(b, l, r, ins, 2, [&](OpBuilder &nb, Location nl, ValueRange a) {
            Value c = a[0], iPre = a[1], oPre = a[2], fPre = a[3], cPre = a[4];
            if (peep) {
              iPre = arith::AddFOp::create(nb, nl, iPre, arith::MulFOp::create(nb, nl, a[5], c));
              fPre = arith::AddFOp::create(nb, nl, fPre, arith::MulFOp::create(nb, nl, a[7], c));
            }
            Value i = r.act(nb, nl, d, 0, iPre);
            Value f = inputForget
                          ? arith::SubFOp::create(nb, nl, scalarConstant(nb, nl, r.et, 1), i).getResult()
                          : r.act(nb, nl, d, 0, fPre);
            Value cand = r.act(nb, nl, d, 1, cPre);
            Value cNew = arith::AddFOp::create(nb, nl, arith::MulFOp::create(nb, nl, f, c),
                                               arith::MulFOp::create(nb, nl, i, cand));
            if (peep)
              oPre = arith::AddFOp::create(nb, nl, oPre, arith::MulFOp::create(nb, nl, a[6], cNew));
            Value o = r.act(nb, nl, d, 0, oPre);
            // h(C) takes no clip: ONNX clips the gates' inputs.
            Value hNew = arith::MulFOp::create(nb, nl, o, r.acts[d * 3 + 2].apply(nb, nl, cNew));
            return SmallVector<Value>{hNew, cNew};
          }, dests);
        });
  }
};

} // namespace

void populateRNNLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<RNNLowering, GRULowering, LSTMLowering>(patterns.getContext());
}

} // namespace tessel
