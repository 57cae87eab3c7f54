//===- FusedOps.td - High-level ops that graph fusion produces -----------===//
//
// The importer never creates these (except through ONNX ops of the same
// meaning); passes/ builds them from the patterns exporters write, so that
// codegen sees a whole attention, a whole norm or a matmul with its epilogue
// and emits one kernel for it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_FUSED_OPS_TD
#define TESSEL_FUSED_OPS_TD

include "dialects/Tessel/TesselBase.td"

def Tessel_LinearOp : Tessel_Op<"linear", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "matrix product with a fused epilogue: act(x W + bias + residual)";
  let description = [{
    `input` [..., K] times `weight` [K, N] (or [N, K] with `transpose_weight`,
    ONNX Gemm's transB), plus `bias` [N], plus the optional `residual` of the
    result's shape, then `activation` (see Activation.h: none, relu, clip,
    leaky_relu, sigmoid, tanh, silu, gelu_erf, gelu_tanh, hard_swish,
    hard_sigmoid; parameters in `activation_params`). The result is [..., N].
    Graph fusion builds it from MatMul / Gemm followed by a bias Add, an
    activation and a residual Add.

    Example:
    ```mlir
    %y = tessel.linear %x, %w, %b, %skip {activation = "gelu_erf"}
        : (tensor<2x8x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<2x8x64xf32>)
        -> tensor<2x8x64xf32>
    ```
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$weight,
                       Tessel_FloatTensor:$bias, Optional<Tessel_FloatTensor>:$residual,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_weight,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$activation,
                       DefaultValuedAttr<DenseF64ArrayAttr, "{}">:$activation_params);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias (`,` $residual^)? attr-dict `:`
      functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Tessel_AttentionOp : Tessel_Op<"attention", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "scaled dot-product attention";
  let description = [{
        result = softmax(scale * q kᵀ + mask) v

    over the last two axes: `q` [B..., Lq, D], `k` [B..., Lk, D], `v`
    [B..., Lk, Dv] with the same batch axes B..., result [B..., Lq, Dv]. The
    optional additive `mask` broadcasts (NumPy rules) to [B..., Lq, Lk]; with
    `causal` the positions j > i of every row i are excluded as well.
    Graph fusion builds it from MatMul(Q, Kᵀ) -> scale -> mask -> Softmax ->
    MatMul(·, V); codegen lowers it to a tiled online-softmax loop nest that
    never holds the Lq x Lk score matrix.

    Example:
    ```mlir
    %o = tessel.attention %q, %k, %v {scale = 0.125 : f64, causal = true}
        : (tensor<1x4x8x64xf32>, tensor<1x4x8x64xf32>, tensor<1x4x8x64xf32>)
        -> tensor<1x4x8x64xf32>
    ```
  }];
  let arguments = (ins Tessel_FloatTensor:$q, Tessel_FloatTensor:$k, Tessel_FloatTensor:$v,
                       Optional<Tessel_FloatTensor>:$mask, F64Attr:$scale,
                       DefaultValuedAttr<BoolAttr, "false">:$causal);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`,` $mask^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_RMSNormOp : Tessel_Op<"rms_norm", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "root-mean-square normalization over the trailing axes from `axis` on";
  let description = [{
        y = x / sqrt(mean(x², axes [axis, rank)) + epsilon) * scale

    `scale` broadcasts (NumPy rules) to the normalized shape. Graph fusion
    builds it from the written-out forms (Pow or Mul for the square,
    ReduceMean, Add epsilon, then Sqrt + Div, Sqrt + Reciprocal + Mul or
    1 / Sqrt + Mul, then Mul by the weight).
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$scale, I64Attr:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-6">:$epsilon);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_GroupNormOp : Tessel_Op<"group_norm", [InferTypeOpAdaptor, Tessel_DynamicBatch]> {
  let summary = "group normalization of NC[D]HW over channel groups";
  let description = [{
    Splits the C channels into `num_groups` groups of C / num_groups; each
    (sample, group) is normalized over its channels and spatial positions, then
    `scale` [C] and `bias` [C] apply per channel:

        y = (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c]

    PyTorch exports nn.GroupNorm as Reshape -> InstanceNormalization -> Reshape
    -> Mul -> Add; graph fusion turns that back into this op.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$scale,
                       Tessel_FloatTensor:$bias, I64Attr:$num_groups,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_ElementwiseChainOp : Tessel_Op<"elementwise_chain",
    [IsolatedFromAbove, SingleBlock, Tessel_DynamicShapes]> {
  let summary = "a chain of elementwise ops computed as one kernel";
  let description = [{
    The body computes the result from `inputs` (its block arguments, in
    order) with elementwise tessel ops only and yields it; small constants
    live inside. Graph fusion groups a chain of elementwise ops whose
    intermediates have no other user into this op, so that codegen emits one
    loop nest for the chain instead of one per op (the body is lowered in
    place and its loops fused).

    Example (SiLU after a norm):
    ```mlir
    %y = tessel.elementwise_chain(%x) : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
    ^bb0(%a: tensor<1x16x8x8xf32>):
      %s = tessel.sigmoid %a : tensor<1x16x8x8xf32>
      %m = tessel.mul %a, %s : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
      tessel.yield %m : tensor<1x16x8x8xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<Tessel_Tensor>:$inputs);
  let results = (outs Tessel_Tensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, $result) $body
  }];
  let hasVerifier = 1;
}

def Tessel_YieldOp : Tessel_Op<"yield", [Terminator, Tessel_DynamicShapes,
                                         HasParent<"ElementwiseChainOp">]> {
  let summary = "the result of a tessel.elementwise_chain body";
  let arguments = (ins Tessel_Tensor:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // TESSEL_FUSED_OPS_TD
