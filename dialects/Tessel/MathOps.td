//===- MathOps.td - Elementwise, contraction and reduction ops -----------===//
#ifndef TESSEL_MATH_OPS_TD
#define TESSEL_MATH_OPS_TD

include "dialects/Tessel/TesselBase.td"

//===----------------------------------------------------------------------===//
// Elementwise binary ops with NumPy (multidirectional) broadcasting.
//===----------------------------------------------------------------------===//

class Tessel_BinaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Tessel_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let summary = "elementwise " # desc # " with NumPy broadcasting";
  let description = [{
    Computes the elementwise }] # desc # [{ of two tensors of the same
    element type. Shapes broadcast as in NumPy: dimensions align from the
    right and a dimension of size 1 stretches to match the other.
  }];
  let arguments = (ins Tessel_Tensor:$lhs, Tessel_Tensor:$rhs);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_AddOp : Tessel_BinaryOp<"add", "sum", [Commutative]>;
def Tessel_SubOp : Tessel_BinaryOp<"sub", "difference">;
def Tessel_MulOp : Tessel_BinaryOp<"mul", "product", [Commutative]>;
def Tessel_DivOp : Tessel_BinaryOp<"div", "quotient (truncating for integers)">;
def Tessel_PowOp : Tessel_BinaryOp<"pow", "power (lhs raised to rhs; rhs may have another element type)">;
def Tessel_MaxOp : Tessel_BinaryOp<"max", "maximum", [Commutative]>;
def Tessel_MinOp : Tessel_BinaryOp<"min", "minimum", [Commutative]>;

//===----------------------------------------------------------------------===//
// Elementwise unary ops.
//===----------------------------------------------------------------------===//

class Tessel_UnaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Tessel_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "elementwise " # desc;
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

class Tessel_FloatUnaryOp<string mnemonic, string desc>
    : Tessel_UnaryOp<mnemonic, desc> {
  let arguments = (ins Tessel_FloatTensor:$input);
  let results = (outs Tessel_FloatTensor:$result);
}

def Tessel_NegOp : Tessel_UnaryOp<"neg", "negation">;
def Tessel_AbsOp : Tessel_UnaryOp<"abs", "absolute value">;
def Tessel_ReluOp : Tessel_UnaryOp<"relu", "rectified linear unit, max(x, 0)">;
def Tessel_SqrtOp : Tessel_FloatUnaryOp<"sqrt", "square root">;
def Tessel_ExpOp : Tessel_FloatUnaryOp<"exp", "natural exponential">;
def Tessel_LogOp : Tessel_FloatUnaryOp<"log", "natural logarithm">;
def Tessel_ReciprocalOp : Tessel_FloatUnaryOp<"reciprocal", "reciprocal, 1/x">;
def Tessel_SigmoidOp : Tessel_FloatUnaryOp<"sigmoid", "logistic sigmoid, 1/(1+exp(-x))">;
def Tessel_TanhOp : Tessel_FloatUnaryOp<"tanh", "hyperbolic tangent">;
def Tessel_ErfOp : Tessel_FloatUnaryOp<"erf", "Gauss error function">;

def Tessel_LeakyReluOp : Tessel_UnaryOp<"leaky_relu", "leaky ReLU, x < 0 ? alpha*x : x"> {
  let arguments = (ins Tessel_FloatTensor:$input, F64Attr:$alpha);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tessel_ClipOp : Tessel_UnaryOp<"clip", "clamp into [min, max]"> {
  let description = [{
    Clamps every element into [min, max]. Either bound may be absent, in which
    case that side is unbounded.
  }];
  let arguments = (ins Tessel_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Contractions.
//===----------------------------------------------------------------------===//

def Tessel_MatMulOp : Tessel_Op<"matmul", [InferTypeOpAdaptor]> {
  let summary = "batched matrix product with NumPy broadcasting";
  let description = [{
    NumPy matmul semantics: 1-D operands are promoted to matrices (and the
    promoted dimension dropped from the result); leading batch dimensions
    broadcast.
  }];
  let arguments = (ins Tessel_Tensor:$lhs, Tessel_Tensor:$rhs);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
}

def Tessel_GemmOp : Tessel_Op<"gemm", [InferTypeOpAdaptor]> {
  let summary = "general matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    2-D matrix product with optional transposition of either operand and an
    optional bias C that broadcasts to the [M, N] result.
  }];
  let arguments = (ins Tessel_Tensor:$a, Tessel_Tensor:$b, Optional<Tessel_Tensor>:$c,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b,
                       DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F64Attr, "1.0">:$beta);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Reductions and normalizing reductions.
//===----------------------------------------------------------------------===//

class Tessel_ReduceOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "reduces the given axes by " # desc;
  let description = [{
    Reduces `axes` (non-negative, sorted, unique) of the input. With `keepdims`
    the reduced axes stay as size-1 dimensions. Empty `axes` reduces nothing.
  }];
  let arguments = (ins Tessel_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Tessel_ReduceSumOp : Tessel_ReduceOp<"reduce_sum", "summation">;
def Tessel_ReduceMeanOp : Tessel_ReduceOp<"reduce_mean", "arithmetic mean">;
def Tessel_ReduceMaxOp : Tessel_ReduceOp<"reduce_max", "maximum">;
def Tessel_ReduceMinOp : Tessel_ReduceOp<"reduce_min", "minimum">;
def Tessel_ReduceProdOp : Tessel_ReduceOp<"reduce_prod", "product">;

class Tessel_SoftmaxLikeOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [SameOperandsAndResultType]> {
  let summary = desc # " along one axis";
  let arguments = (ins Tessel_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Tessel_SoftmaxOp : Tessel_SoftmaxLikeOp<"softmax", "softmax">;
def Tessel_LogSoftmaxOp : Tessel_SoftmaxLikeOp<"log_softmax", "log of softmax">;

#endif // TESSEL_MATH_OPS_TD
