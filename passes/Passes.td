//===- Passes.td - Graph passes: import -> graph --------------------------===//
#ifndef TESSEL_PASSES_TD
#define TESSEL_PASSES_TD

include "mlir/Pass/PassBase.td"

// Every fusion pass takes `report`: it then emits a remark per fusion made
// ("fused <kind>") and per near miss ("missed <kind>: <reason>") on the ONNX
// node it concerns; tessel-compile --fusion-report turns these into a table.
class Tessel_FusionPass<string arg, string sum> : Pass<arg, "mlir::func::FuncOp"> {
  let summary = sum;
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for every fusion and every near miss">,
  ];
}

def FuseNormalizations : Tessel_FusionPass<"tessel-fuse-normalizations",
    "Fuse written-out layer, RMS and group normalizations into one op"> {
  let description = [{
    Rewrites the chains exporters write for normalizations into
    `tessel.layer_norm`, `tessel.rms_norm` and `tessel.group_norm`:

    - layer norm: d = x - ReduceMean(x); ReduceMean(Pow(d, 2) or Mul(d, d));
      Add ε; Sqrt; Div(d, ·) or Mul(d, Reciprocal(·)); then an optional Mul by
      γ and Add of β (constants over the normalized axes);
    - RMS norm: ReduceMean(Pow(x, 2) or Mul(x, x)); Add ε; then Div(x,
      Sqrt(·)), Mul(x, Reciprocal(Sqrt(·))) or Mul(x, Div(1, Sqrt(·))); then
      an optional Mul by the weight;
    - group norm: Reshape [N, C, ...] -> [N, G, ...], a layer norm over the
      trailing axes without affine (PyTorch's InstanceNormalization with unit
      scale and zero bias), Reshape back, Mul γ [C, 1...], Add β [C, 1...].

    The reductions must run over trailing axes, and every intermediate must
    have no other user; near misses say which condition failed.
  }];
}

def FuseAttention : Tessel_FusionPass<"tessel-fuse-attention",
    "Fuse scaled dot-product attention into tessel.attention"> {
  let description = [{
    Matches MatMul(Q, Kᵀ) -> scale -> optional mask -> Softmax(last axis) ->
    MatMul(·, V) and replaces it by `tessel.attention`. Accepted variants:

    - Kᵀ as a Transpose swapping the last two axes of K, or any other
      producer of the transposed keys (a pre-transposed K or a Transpose with
      another permutation: a transpose of it becomes k, and the transposes
      compose);
    - the scale as Div or Mul by a scalar constant on the scores, on Q, on
      K, or split between Q and K (their product is the scale); no scale
      means 1;
    - an additive mask (Add, either side, before or after the scale), or
      Where(cond, fill, scores) / Where(cond, scores, fill) with fill -inf or
      at most -1e4 (masked_fill); a constant strictly-upper-triangular
      condition or mask (also as Trilu of a constant) becomes `causal`.

    Head splitting and merging Reshape/Transpose ops stay around the op.
    Every intermediate (scores, scaled and masked scores, probabilities) must
    have exactly one user.
  }];
}

def FuseEpilogues : Tessel_FusionPass<"tessel-fuse-epilogues",
    "Fold BatchNorm, bias, activation and residual Add into conv and linear"> {
  let description = [{
    - MatMul by a 2-D weight followed by an Add of a [N] bias, and Gemm
      (alpha = beta = 1, no transA), become `tessel.linear`.
    - BatchNormalization after a conv (or a linear with a 2-D result) whose
      weights and bias are constants folds into new constant weights and
      bias: w' = w·s, b' = (b - mean)·s + β with s = γ / sqrt(var + ε).
    - An Add of a per-channel constant [C, 1...] after a conv folds into its
      bias; an Add of a [N] constant after a linear into its bias.
    - An Add of a tensor of the result's type becomes the residual (before
      any activation).
    - Relu, Clip (constant bounds), LeakyRelu, Sigmoid, Tanh, HardSigmoid,
      HardSwish, SiLU written as x·sigmoid(x), and GELU written with Erf
      (0.5·x·(1 + erf(x/√2))) or with Tanh (the tanh approximation) become
      the epilogue's activation.
    Each step needs the producer's result to have no other user.
  }];
}

def FuseElementwise : Tessel_FusionPass<"tessel-fuse-elementwise",
    "Group chains of elementwise ops into tessel.elementwise_chain"> {
  let description = [{
    A chain of elementwise ops (unary math, broadcasting binary arithmetic,
    comparisons, Where, Cast) whose intermediates have no other user becomes
    one `tessel.elementwise_chain`, one kernel once outlined, whose loops
    codegen fuses into one nest. A producer joins only if its result has the
    chain's result type: one read broadcast by the chain would be recomputed
    for every element it stretches over. Runs after the other fusions, so
    that activations and residuals have already joined their conv / linear.
  }];
}

#endif // TESSEL_PASSES_TD
