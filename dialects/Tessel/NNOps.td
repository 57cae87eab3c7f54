//===- NNOps.td - Convolution, pooling and normalization ops -------------===//
#ifndef TESSEL_NN_OPS_TD
#define TESSEL_NN_OPS_TD

include "dialects/Tessel/TesselBase.td"

def Tessel_ConvOp : Tessel_Op<"conv", [InferTypeOpAdaptor, Tessel_DynamicBatch]> {
  let summary = "N-D grouped convolution in NC[D]HW layout, with a fused epilogue";
  let description = [{
    Cross-correlation of `input` [N, C, spatial...] with `weight`
    [M, C/group, kernel...], then the epilogue

        y = act(conv + bias[m] + residual)

    `bias` [M] is always present (the importer gives a bias-less Conv zeros:
    the accumulator starts from it, so this costs nothing). The optional
    `residual` has the result's shape; `activation` and `activation_params`
    are as for `tessel.linear` (Activation.h). Graph fusion folds BatchNorm
    into `weight` and `bias` and the following activation and residual Add
    into the epilogue.
    `pads` holds the begin pads of every spatial axis followed by the end pads.
    Explicit pads only: the importer resolves ONNX auto_pad.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$weight,
                       Tessel_FloatTensor:$bias, Optional<Tessel_FloatTensor>:$residual,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$activation,
                       DefaultValuedAttr<DenseF64ArrayAttr, "{}">:$activation_params);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias (`,` $residual^)? attr-dict `:`
      functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Tessel_PoolOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [InferTypeOpAdaptor, Tessel_DynamicBatch]> {
  let summary = desc # " pooling over the spatial axes of NC[D]HW";
  let description = [{
    Pools windows of `kernel_shape` over the spatial axes. `pads` holds begin
    pads then end pads. With `ceil_mode` the output size rounds up, and windows
    that would start inside the end padding are dropped.
  }];
  let arguments = (ins Tessel_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Tessel_MaxPoolOp : Tessel_PoolOp<"max_pool", "maximum">;
def Tessel_AvgPoolOp : Tessel_PoolOp<"avg_pool", "average">;

def Tessel_BatchNormOp : Tessel_Op<"batch_norm", [InferTypeOpAdaptor, Tessel_DynamicBatch]> {
  let summary = "inference-mode batch normalization over axis 1";
  let description = [{
    y = scale * (x - mean) / sqrt(var + epsilon) + bias, with per-channel
    parameters of shape [C] broadcast along axis 1 of x.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$scale,
                       Tessel_FloatTensor:$bias, Tessel_FloatTensor:$mean,
                       Tessel_FloatTensor:$variance, F64Attr:$epsilon);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
      functional-type(operands, results)
  }];
}

def Tessel_ConvTransposeOp : Tessel_Op<"conv_transpose", [InferTypeOpAdaptor, Tessel_DynamicBatch]> {
  let summary = "N-D grouped transposed convolution in NC[D]HW layout";
  let description = [{
    The gradient of `tessel.conv` with respect to its input (ONNX
    ConvTranspose): every input element scatters `weight`-weighted copies into
    the output. `input` is [N, C, spatial...], `weight` [C, M/group, kernel...],
    the optional `bias` [M]. Along each spatial axis i the full output has
    `strides[i] * (in[i] - 1) + dilations[i] * (kernel[i] - 1) + 1` elements;
    `output_padding[i]` elements (bias only) are appended at its end, then
    `pads[i]` are cropped from the begin and `pads[i + n]` from the end:

        out[i] = strides[i] * (in[i] - 1) + output_padding[i]
                 + dilations[i] * (kernel[i] - 1) + 1 - pads[i] - pads[i + n]

    Explicit pads only: the importer resolves ONNX auto_pad and output_shape.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$weight,
                       Optional<Tessel_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_PadOp : Tessel_Op<"pad", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "pads (or crops) every axis with a constant, a reflection or the edge";
  let description = [{
    `pads` holds the begin pads of every axis followed by the end pads (ONNX
    order). A negative pad crops. `mode` is one of:
    - `constant`: new elements are `constant_value` (converted to the element
      type);
    - `reflect`: mirror without repeating the edge element (pads must be
      smaller than the axis);
    - `edge`: repeat the edge element (the axis must not be empty).
    An axis of run-time size is padded the same way; what its size must
    allow (a crop, a reflection) is checked at run time.
  }];
  let arguments = (ins Tessel_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode,
                       DefaultValuedAttr<F64Attr, "0.0">:$constant_value);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Tessel_ComputedPadOp : Tessel_Op<"computed_pad", [Tessel_DynamicShapes]> {
  let summary = "tessel.pad with pads read at run time";
  let description = [{
    tessel.pad whose `pads` (an int64 vector of 2 x rank entries: begin
    pads, then end pads) are read at run time (a graph input); `value` is
    the constant of the `constant` mode (a scalar of the element type, from
    data or a constant). Every result size is the input's plus both pads;
    what the sizes must allow (a non-negative result, reflect pads shorter
    than the axis, edge padding of a non-empty axis) is checked at run time.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$pads, Tessel_Tensor:$value,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `by` $pads `value` $value attr-dict `:` type($input) `,` type($pads) `,` type($value)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ResizeOp : Tessel_Op<"resize", [InferTypeOpAdaptor]> {
  let summary = "resizes a tensor by nearest, (multi)linear or cubic interpolation";
  let description = [{
    ONNX Resize with static parameters. The result shape is `sizes`. Along
    each axis, output coordinate x maps to an input coordinate by
    `coordinate_transformation_mode` (`half_pixel`, `pytorch_half_pixel`,
    `align_corners`, `asymmetric`, `tf_half_pixel_for_nn`,
    `tf_crop_and_resize`) using that axis's `scales` entry (the ONNX scale,
    kept apart from `sizes` because the transforms use its exact value) and,
    for `tf_crop_and_resize`, `roi` (starts then ends, normalized). `mode`
    `nearest` picks one input element (rounded by `nearest_mode`: one of
    `round_prefer_floor`, `round_prefer_ceil`, `floor`, `ceil`); `linear`
    interpolates the 2 neighbours per axis and `cubic` the 4 neighbours
    (with `cubic_coeff_a`, renormalized without outside taps when
    `exclude_outside`). Neighbours outside the input repeat the edge; with
    `tf_crop_and_resize` a coordinate outside the input gives
    `extrapolation_value`. Interpolation is separable, so an N-D resize is the
    product of per-axis weights. `nearest` takes any element type, the
    interpolating modes float types.

    The coordinates follow the ONNX reference implementation that produced
    the backend suite's data: the transforms use the given scale, and
    `align_corners` / `tf_crop_and_resize` divide by (scale * in - 1), not by
    (out - 1). ONNX Runtime uses (out - 1); the two differ only when
    scale * in is not an integer. An axis of unchanged size at scale 1 is
    left alone in every mode except `tf_crop_and_resize`.
  }];
  let arguments = (ins Tessel_Tensor:$input, DenseI64ArrayAttr:$sizes,
                       DenseF64ArrayAttr:$scales,
                       OptionalAttr<DenseF64ArrayAttr>:$roi,
                       DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                       DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode,
                       DefaultValuedAttr<F64Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F64Attr, "0.0">:$extrapolation_value);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Tessel_ComputedResizeOp
    : Tessel_Op<"computed_resize", [Tessel_DynamicShapes]> {
  let summary = "tessel.resize with scales, sizes or roi read at run time";
  let description = [{
    tessel.resize (same modes, transforms and reference semantics) whose
    `scales` (f32, one per dimension) or `sizes` (i64, one per dimension;
    exactly one of the two, the other empty), and `roi` (f32, starts then
    ends, for tf_crop_and_resize; else empty) are read at run time: graph inputs, or constants of
    an input of run-time size. Each result dimension is floor(scale x input
    size), or the size given (the scale then being size / input size). The
    taps and weights of each output coordinate are computed from the scale
    at run time; a dimension whose constant scale is 1 (or whose constant
    size is the input's static size) is copied. `legacy_nearest` is
    Upsample's and Resize-10's rounding: floor when no scale is below 1,
    ceil otherwise (one that both up- and downsamples is refused at run
    time). Positive scales and non-negative sizes are run-time checks.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[F32]>:$scales,
                       1DTensorOf<[I64]>:$sizes, 1DTensorOf<[F32]>:$roi,
                       DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                       DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$legacy_nearest,
                       DefaultValuedAttr<F64Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F64Attr, "0.0">:$extrapolation_value);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `scales` $scales `sizes` $sizes `roi` $roi attr-dict `:` type($input) `,`
    type($scales) `,` type($sizes) `,` type($roi) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_LayerNormOp : Tessel_Op<"layer_norm", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "layer normalization over the trailing axes from `axis` on";
  let description = [{
    Normalizes `input` over the axes [axis, rank) (the "normalized shape"):

        y = (x - mean) / sqrt(var + epsilon) * scale + bias

    where mean and the (biased) variance are taken over the normalized axes
    for every index of the leading axes. `scale` and the optional `bias` each
    broadcast (NumPy rules, aligned from the right) to the normalized shape;
    a layer norm without learned scale takes a splat 1.0 constant (ODS's
    operand segment sizes do not compile with attributes kept outside
    properties, so at most one operand can be optional).
    `axis` is non-negative and below the rank. This is ONNX
    LayerNormalization (opset 17) and the op that graph fusion produces from
    written-out layer norms (ReduceMean / Sub / Pow / Sqrt / Div chains).

    Example:
    ```mlir
    %y = tessel.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f64}
        : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
    ```
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$scale,
                       Optional<Tessel_FloatTensor>:$bias, I64Attr:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:`
      functional-type(operands, results)
  }];
}

def Tessel_PReluOp : Tessel_Op<"prelu", [InferTypeOpAdaptor]> {
  let summary = "parametric ReLU: x < 0 ? slope * x : x";
  let description = [{
    `slope` broadcasts unidirectionally (NumPy rules) to the shape of `input`,
    which is also the result shape.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$slope);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` `(` type($input) `,` type($slope) `)` `->` type($result)
  }];
}

def Tessel_LRNOp : Tessel_Op<"lrn", [InferTypeOpAdaptor]> {
  let summary = "local response normalization across channels (axis 1)";
  let description = [{
    y = x / (bias + alpha / size * square_sum)^beta, where square_sum at
    channel c sums x^2 over channels [c - floor((size-1)/2),
    c + ceil((size-1)/2)] clipped to the valid range.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, I64Attr:$size,
                       DefaultValuedAttr<F64Attr, "0.0001">:$alpha,
                       DefaultValuedAttr<F64Attr, "0.75">:$beta,
                       DefaultValuedAttr<F64Attr, "1.0">:$bias);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

#endif // TESSEL_NN_OPS_TD
