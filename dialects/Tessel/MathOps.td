//===- MathOps.td - Elementwise, contraction and reduction ops -----------===//
#ifndef TESSEL_MATH_OPS_TD
#define TESSEL_MATH_OPS_TD

include "dialects/Tessel/TesselBase.td"

//===----------------------------------------------------------------------===//
// Elementwise binary ops with NumPy (multidirectional) broadcasting.
//===----------------------------------------------------------------------===//

class Tessel_BinaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Tessel_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor, Tessel_Elementwise, Tessel_DynamicShapes])> {
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
  let hasFolder = 1;
}

def Tessel_AddOp : Tessel_BinaryOp<"add", "sum", [Commutative]>;
def Tessel_SubOp : Tessel_BinaryOp<"sub", "difference">;
def Tessel_MulOp : Tessel_BinaryOp<"mul", "product", [Commutative]>;
def Tessel_DivOp : Tessel_BinaryOp<"div", "quotient (truncating for integers)">;
def Tessel_PowOp : Tessel_BinaryOp<"pow", "power (lhs raised to rhs; rhs may have another element type)">;
def Tessel_MaxOp : Tessel_BinaryOp<"max", "maximum", [Commutative]>;
def Tessel_MinOp : Tessel_BinaryOp<"min", "minimum", [Commutative]>;
def Tessel_AndOp : Tessel_BinaryOp<"and", "logical and of booleans", [Commutative]>;
def Tessel_OrOp : Tessel_BinaryOp<"or", "logical or of booleans", [Commutative]>;
def Tessel_XorOp : Tessel_BinaryOp<"xor", "logical exclusive or of booleans", [Commutative]>;
def Tessel_ModOp : Tessel_BinaryOp<"mod", "remainder"> {
  let description = [{
    Elementwise remainder. With `fmod` the result takes the sign of the
    dividend (C fmod); otherwise it takes the sign of the divisor (Python %),
    which ONNX allows for integers only.
  }];
  let arguments = (ins Tessel_Tensor:$lhs, Tessel_Tensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
}

//===----------------------------------------------------------------------===//
// Comparisons: broadcasting, boolean (i1) results.
//===----------------------------------------------------------------------===//

class Tessel_CompareOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [InferTypeOpAdaptor, Tessel_Elementwise, Tessel_DynamicShapes]> {
  let summary = "elementwise " # desc # " comparison with NumPy broadcasting";
  let arguments = (ins Tessel_Tensor:$lhs, Tessel_Tensor:$rhs);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tessel_EqualOp : Tessel_CompareOp<"equal", "equality">;
def Tessel_LessOp : Tessel_CompareOp<"less", "less-than">;
def Tessel_LessEqualOp : Tessel_CompareOp<"less_equal", "less-or-equal">;
def Tessel_GreaterOp : Tessel_CompareOp<"greater", "greater-than">;
def Tessel_GreaterEqualOp : Tessel_CompareOp<"greater_equal", "greater-or-equal">;

def Tessel_SelectOp : Tessel_Op<"select", [InferTypeOpAdaptor, Tessel_Elementwise, Tessel_DynamicShapes]> {
  let summary = "elementwise choice: condition ? true_value : false_value";
  let description = [{
    ONNX Where. The three operands broadcast together (NumPy rules).
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, Tessel_Tensor:$true_value,
                       Tessel_Tensor:$false_value);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Tessel_CastOp : Tessel_Op<"cast", [Tessel_Elementwise, Tessel_DynamicShapes]> {
  let summary = "converts every element to the result's element type";
  let description = [{
    Numeric conversion with ONNX Cast semantics: float to integer truncates
    toward zero, anything to bool is `x != 0`, bool to number is 0 or 1.
  }];
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops.
//===----------------------------------------------------------------------===//

class Tessel_UnaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Tessel_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType, Tessel_Elementwise, Tessel_DynamicShapes])> {
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

// Neg and Abs fold on small constants: exporters negate axes and sizes.
def Tessel_NegOp : Tessel_UnaryOp<"neg", "negation"> { let hasFolder = 1; }
def Tessel_AbsOp : Tessel_UnaryOp<"abs", "absolute value"> { let hasFolder = 1; }
def Tessel_ReluOp : Tessel_UnaryOp<"relu", "rectified linear unit, max(x, 0)">;
def Tessel_SqrtOp : Tessel_FloatUnaryOp<"sqrt", "square root">;
def Tessel_ExpOp : Tessel_FloatUnaryOp<"exp", "natural exponential">;
def Tessel_LogOp : Tessel_FloatUnaryOp<"log", "natural logarithm">;
def Tessel_ReciprocalOp : Tessel_FloatUnaryOp<"reciprocal", "reciprocal, 1/x">;
def Tessel_SigmoidOp : Tessel_FloatUnaryOp<"sigmoid", "logistic sigmoid, 1/(1+exp(-x))">;
def Tessel_TanhOp : Tessel_FloatUnaryOp<"tanh", "hyperbolic tangent">;
def Tessel_ErfOp : Tessel_FloatUnaryOp<"erf", "Gauss error function">;

def Tessel_NotOp : Tessel_UnaryOp<"not", "logical negation of booleans">;
def Tessel_SignOp : Tessel_UnaryOp<"sign", "sign: -1, 0 or 1">;
def Tessel_FloorOp : Tessel_FloatUnaryOp<"floor", "rounding down">;
def Tessel_CeilOp : Tessel_FloatUnaryOp<"ceil", "rounding up">;
def Tessel_RoundOp : Tessel_FloatUnaryOp<"round", "rounding to nearest, ties to even">;
def Tessel_SinOp : Tessel_FloatUnaryOp<"sin", "sine">;
def Tessel_CosOp : Tessel_FloatUnaryOp<"cos", "cosine">;
def Tessel_TanOp : Tessel_FloatUnaryOp<"tan", "tangent">;
def Tessel_AsinOp : Tessel_FloatUnaryOp<"asin", "arcsine">;
def Tessel_AcosOp : Tessel_FloatUnaryOp<"acos", "arccosine">;
def Tessel_AtanOp : Tessel_FloatUnaryOp<"atan", "arctangent">;
def Tessel_SinhOp : Tessel_FloatUnaryOp<"sinh", "hyperbolic sine">;
def Tessel_CoshOp : Tessel_FloatUnaryOp<"cosh", "hyperbolic cosine">;
def Tessel_AsinhOp : Tessel_FloatUnaryOp<"asinh", "inverse hyperbolic sine">;
def Tessel_AcoshOp : Tessel_FloatUnaryOp<"acosh", "inverse hyperbolic cosine">;
def Tessel_AtanhOp : Tessel_FloatUnaryOp<"atanh", "inverse hyperbolic tangent">;
def Tessel_SoftplusOp : Tessel_FloatUnaryOp<"softplus", "softplus, log(1 + exp(x))">;
def Tessel_SoftsignOp : Tessel_FloatUnaryOp<"softsign", "softsign, x / (1 + |x|)">;
def Tessel_HardSwishOp : Tessel_FloatUnaryOp<"hard_swish", "hard swish, x * clip(x/6 + 1/2, 0, 1)">;

/// Float activations with scalar parameters.
class Tessel_ParamUnaryOp<string mnemonic, string desc, dag params>
    : Tessel_UnaryOp<mnemonic, desc> {
  let arguments = !con((ins Tessel_FloatTensor:$input), params);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tessel_EluOp : Tessel_ParamUnaryOp<"elu", "ELU, x < 0 ? alpha*(exp(x)-1) : x",
                                       (ins F64Attr:$alpha)>;
def Tessel_CeluOp : Tessel_ParamUnaryOp<"celu",
    "CELU, max(0, x) + min(0, alpha*(exp(x/alpha)-1))", (ins F64Attr:$alpha)>;
def Tessel_SeluOp : Tessel_ParamUnaryOp<"selu",
    "SELU, gamma * (x <= 0 ? alpha*(exp(x)-1) : x)", (ins F64Attr:$alpha, F64Attr:$gamma)>;
def Tessel_HardSigmoidOp : Tessel_ParamUnaryOp<"hard_sigmoid",
    "hard sigmoid, clip(alpha*x + beta, 0, 1)", (ins F64Attr:$alpha, F64Attr:$beta)>;
def Tessel_ThresholdedReluOp : Tessel_ParamUnaryOp<"thresholded_relu",
    "thresholded ReLU, x > alpha ? x : 0", (ins F64Attr:$alpha)>;
def Tessel_ShrinkOp : Tessel_ParamUnaryOp<"shrink",
    "shrink, x < -lambd ? x + bias : (x > lambd ? x - bias : 0)",
    (ins F64Attr:$lambd, F64Attr:$bias)>;

/// Float predicates with boolean results.
class Tessel_FloatPredicateOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [SameOperandsAndResultShape]> {
  let summary = "elementwise test: " # desc;
  let arguments = (ins Tessel_FloatTensor:$input);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Tessel_IsNaNOp : Tessel_FloatPredicateOp<"is_nan", "is NaN">;
def Tessel_IsInfOp : Tessel_FloatPredicateOp<"is_inf", "is an infinity of a selected sign"> {
  let arguments = (ins Tessel_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
}

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

def Tessel_MatMulOp : Tessel_Op<"matmul", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
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

def Tessel_GemmOp : Tessel_Op<"gemm", [InferTypeOpAdaptor, Tessel_DynamicBatch]> {
  let summary = "general matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    2-D matrix product with optional transposition of either operand and an
    optional bias C that broadcasts to the [M, N] result. Without trans_a its
    rows are samples: M may be a dynamic batch (A's dimension 0).
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
    : Tessel_Op<mnemonic, [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
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
def Tessel_ReduceL1Op : Tessel_ReduceOp<"reduce_l1", "sum of absolute values">;
def Tessel_ReduceL2Op : Tessel_ReduceOp<"reduce_l2", "Euclidean norm, sqrt(sum(x^2))">;
def Tessel_ReduceSumSquareOp : Tessel_ReduceOp<"reduce_sum_square", "sum of squares">;
def Tessel_ReduceLogSumOp : Tessel_ReduceOp<"reduce_log_sum", "log(sum(x))">;
def Tessel_ReduceLogSumExpOp : Tessel_ReduceOp<"reduce_log_sum_exp",
                                               "log(sum(exp(x))), computed stably">;

class Tessel_ArgOp<string mnemonic, string desc> : Tessel_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "index of the " # desc # " along one axis";
  let description = [{
    int64 index of the }] # desc # [{ element along `axis` (the first one, or
    the last one with `select_last_index`); `keepdims` keeps the axis as size 1.
  }];
  let arguments = (ins Tessel_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}
def Tessel_ArgMaxOp : Tessel_ArgOp<"arg_max", "largest">;
def Tessel_ArgMinOp : Tessel_ArgOp<"arg_min", "smallest">;

def Tessel_HardmaxOp : Tessel_Op<"hardmax", [SameOperandsAndResultType]> {
  let summary = "one-hot of the (first) largest element along one axis";
  let arguments = (ins Tessel_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Tessel_CumSumOp : Tessel_Op<"cumsum", [SameOperandsAndResultType]> {
  let summary = "running sum along one axis";
  let description = [{
    Inclusive (or, with `exclusive`, exclusive) prefix sums along `axis`,
    running backwards with `reverse`.
  }];
  let arguments = (ins Tessel_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Tessel_ComputedCumSumOp : Tessel_Op<"computed_cumsum", [Tessel_DynamicShapes]> {
  let summary = "running sum along an axis read at run time";
  let description = [{
    tessel.cumsum along the axis that the int64 scalar `axis` holds at run
    time (a graph input; negative counts from the end, out of range refused
    by a run-time check): one code path per axis, the run taking one.
  }];
  let arguments = (ins Tessel_Tensor:$input, 0DTensorOf<[I64]>:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `along` $axis attr-dict `:` type($input) `,` type($axis) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedReduceSumOp : Tessel_Op<"computed_reduce_sum", [Tessel_DynamicShapes]> {
  let summary = "sums over axes read at run time, keeping them";
  let description = [{
    ONNX ReduceSum with keepdims over `axes`, an int64 vector read at run
    time (a graph input; entries in [-r, r), distinct: a run-time check).
    Each result dimension is 1 where reduced, the input's elsewhere. (The
    importer drops the reduced axes without keepdims with a
    tessel.computed_squeeze, and decides empty axes at compile time: their
    count is static.)
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$axes);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `over` $axes attr-dict `:` type($input) `,` type($axes) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_EinsumOp : Tessel_Op<"einsum", [Tessel_DynamicShapes]> {
  let summary = "Einstein summation over the operands";
  let description = [{
    `equation` in explicit form, e.g. "bij,bjk->bik": each letter is one loop;
    letters missing from the output are summed over. The importer rewrites
    ONNX's implicit form and ellipses into this explicit form.
  }];
  let arguments = (ins Variadic<Tessel_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

class Tessel_SoftmaxLikeOp<string mnemonic, string desc>
    : Tessel_Op<mnemonic, [SameOperandsAndResultType, Tessel_DynamicShapes]> {
  let summary = desc # " along one axis";
  let arguments = (ins Tessel_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Tessel_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Tessel_SoftmaxOp : Tessel_SoftmaxLikeOp<"softmax", "softmax">;
def Tessel_LogSoftmaxOp : Tessel_SoftmaxLikeOp<"log_softmax", "log of softmax">;

#endif // TESSEL_MATH_OPS_TD
