//===- NNOps.td - Convolution, pooling and normalization ops -------------===//
#ifndef TESSEL_NN_OPS_TD
#define TESSEL_NN_OPS_TD

include "dialects/Tessel/TesselBase.td"

def Tessel_ConvOp : Tessel_Op<"conv", [InferTypeOpAdaptor]> {
  let summary = "N-D grouped convolution in NC[D]HW layout";
  let description = [{
    Cross-correlation of `input` [N, C, spatial...] with `weight`
    [M, C/group, kernel...], plus an optional per-channel `bias` [M].
    `pads` holds the begin pads of every spatial axis followed by the end pads.
    Explicit pads only: the importer resolves ONNX auto_pad.
  }];
  let arguments = (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$weight,
                       Optional<Tessel_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

class Tessel_PoolOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [InferTypeOpAdaptor]> {
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

def Tessel_BatchNormOp : Tessel_Op<"batch_norm", [InferTypeOpAdaptor]> {
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

#endif // TESSEL_NN_OPS_TD
