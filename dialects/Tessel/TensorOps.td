//===- TensorOps.td - Constants and data movement ------------------------===//
#ifndef TESSEL_TENSOR_OPS_TD
#define TESSEL_TENSOR_OPS_TD

include "dialects/Tessel/TesselBase.td"

def Tessel_ConstantOp : Tessel_Op<"constant", [ConstantLike, InferTypeOpAdaptor]> {
  let summary = "a constant tensor (weights live in resource blobs)";
  let description = [{
    A constant tensor. Large weights are `dense_resource` blobs so that the IR
    never holds giant inline literals; small ones are `dense` so they fold.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Tessel_ReshapeOp : Tessel_Op<"reshape"> {
  let summary = "reinterprets a tensor with another static shape";
  let description = [{
    Same elements in row-major order, new shape (the result type). Covers ONNX
    Reshape, Flatten, Squeeze and Unsqueeze once their shapes are known.
  }];
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tessel_TransposeOp : Tessel_Op<"transpose", [InferTypeOpAdaptor]> {
  let summary = "permutes the dimensions: result dim i is input dim perm[i]";
  let arguments = (ins Tessel_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Tessel_ConcatOp : Tessel_Op<"concat", [InferTypeOpAdaptor]> {
  let summary = "joins tensors along one axis";
  let arguments = (ins Variadic<Tessel_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

#endif // TESSEL_TENSOR_OPS_TD
