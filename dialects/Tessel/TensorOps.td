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

def Tessel_ReshapeOp : Tessel_Op<"reshape", [Tessel_DynamicShapes]> {
  let summary = "reinterprets a tensor with another static shape";
  let description = [{
    Same elements in row-major order, new shape (the result type). Covers ONNX
    Reshape, Flatten, Squeeze and Unsqueeze once their shapes are known. Each
    dynamic dimension is kept: the k-th dynamic dimension of the result has
    the size of the input's k-th, and the static sizes of both have the same
    product (the verifier), so the result's sizes follow from the input's at
    run time ([?]x[768] -> [?]x[12x64], [?] -> [1x?]). A Reshape that computes
    a new dynamic size is a tessel.computed_reshape.
  }];
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tessel_ComputedReshapeOp : Tessel_Op<"computed_reshape", [Tessel_DynamicShapes]> {
  let summary = "ONNX Reshape to a shape computed at run time";
  let description = [{
    Same elements in row-major order, reshaped to the sizes `shape` holds at
    run time (an int64 vector, one entry per result dimension, computed from
    tessel.shape / tessel.size of run-time sizes). As ONNX Reshape: an entry
    0 copies the input's size at that position (unless `allowzero`), one
    entry -1 is inferred from the element count. The result type's static
    dimensions are the entries known at compile time; the lowering checks at
    run time that the sizes are valid and keep the element count. (The
    importer makes a Reshape whose shape is known at compile time a
    tessel.reshape.)
  }];
  let arguments = (ins Tessel_Tensor:$input, RankedTensorOf<[I64]>:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `to` $shape attr-dict `:` type($input) `,` type($shape) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedSliceOp : Tessel_Op<"computed_slice", [Tessel_DynamicShapes]> {
  let summary = "ONNX Slice whose window is clamped at run time";
  let description = [{
    ONNX Slice along `axes` (distinct, in range) with non-zero `steps`, the
    `starts` and `ends` int64 vectors (one entry per axis) read at run time:
    negative entries count from the end of the axis, then both are clamped
    to the axis (INT64_MAX / INT64_MIN meaning "to the end"), so every input
    size gives a window inside the input, possibly empty. For slices of a
    dynamic axis, or bounds computed from run-time sizes (a Slice of the
    positions table up to Shape(x)[1], say); the importer makes a slice of
    static axes with constant bounds a tessel.slice. Dimensions off `axes`
    are the input's.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$starts, 1DTensorOf<[I64]>:$ends,
                       DenseI64ArrayAttr:$axes, DenseI64ArrayAttr:$steps);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `[` $starts `:` $ends `]` attr-dict `:` type($input) `,` type($starts) `,` type($ends)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedStridedSliceOp
    : Tessel_Op<"computed_strided_slice", [Tessel_DynamicShapes]> {
  let summary = "ONNX Slice whose axes and steps are read at run time too";
  let description = [{
    ONNX Slice with every operand an int64 vector read at run time (graph
    inputs): `axes` (distinct, in [-r, r)), `steps` (non-zero) and the
    `starts` and `ends` of each, negative entries counting from the end and
    clamped as ONNX specifies. Axes and steps out of range, repeated or zero
    are refused by run-time checks. Which dimension a bound applies to is
    only known at run time, so the result may differ from the input along
    any dimension. (With constant axes and steps the importer makes a
    tessel.computed_slice.)
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$starts, 1DTensorOf<[I64]>:$ends,
                       1DTensorOf<[I64]>:$axes, 1DTensorOf<[I64]>:$steps);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `[` $starts `:` $ends `]` `axes` $axes `steps` $steps attr-dict `:` type($input) `,`
    type($starts) `,` type($ends) `,` type($axes) `,` type($steps) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedSplitOp : Tessel_Op<"computed_split", [Tessel_DynamicShapes]> {
  let summary = "ONNX Split with sizes read at run time";
  let description = [{
    Consecutive pieces of `input` along `axis`, result i of `split[i]`
    elements there (an int64 vector read at run time, one entry per result:
    a graph input, constant sizes of a dynamic axis, or its equal parts).
    The sizes must be non-negative and add up to the axis's size (run-time
    checks). A kernel: its pieces are dense copies (a strided view of
    run-time strides cannot cross a kernel call, whose buffers are
    row-major).
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$split, I64Attr:$axis);
  let results = (outs Variadic<Tessel_Tensor>:$results);
  let assemblyFormat = [{
    $input `by` $split attr-dict `:` type($input) `,` type($split) `->` type($results)
  }];
  let hasVerifier = 1;
}

// (Not a Tessel_Op: those are Pure, and nothing uses a check's result.
// It writes nothing either, but must stay, as cf.assert does.)
def Tessel_CheckOp : Op<Tessel_Dialect, "check", [MemoryEffects<[MemWrite]>]> {
  let summary = "a condition on values read before the run (shape inputs)";
  let description = [{
    A run-time check that `condition` holds, computed by shape arithmetic
    from shape inputs (graph inputs read before the run): the model's shape
    function refuses a run where it does not, with `message` prefixed by the
    node. For conditions on input values that the compiled code relies on
    (Dropout's training_mode and ratio read at run time: Tessel runs
    inference).
  }];
  let arguments = (ins 0DTensorOf<[I1]>:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
}

def Tessel_RangeOp : Tessel_Op<"range", [Tessel_DynamicShapes]> {
  let summary = "ONNX Range with bounds computed at run time";
  let description = [{
    start, start + delta, start + 2 delta, ... before limit: max(0,
    ceil((limit - start) / delta)) elements. The bounds are scalars computed
    from run-time sizes (a position-id Range(0, Shape(x)[1], 1), say); a
    Range of constants is a constant (the importer). delta 0 is refused at
    run time.
  }];
  let arguments = (ins 0DTensorOf<[I32, I64, F32, F64]>:$start,
                       0DTensorOf<[I32, I64, F32, F64]>:$limit,
                       0DTensorOf<[I32, I64, F32, F64]>:$delta);
  let results = (outs 1DTensorOf<[I32, I64, F32, F64]>:$result);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Tessel_ShapeOp : Tessel_Op<"shape", [Pure, Tessel_DynamicShapes]> {
  let summary = "dimensions [start, end) of a tensor's shape, as int64 (ONNX Shape)";
  let description = [{
    The run-time sizes of dimensions start..end-1 of `input`. Folds to a
    constant where they are all static (the importer creates the op only
    where one is not).
  }];
  let arguments = (ins Tessel_Tensor:$input, I64Attr:$start, I64Attr:$end);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tessel_SizeOp : Tessel_Op<"size", [Pure, Tessel_DynamicShapes]> {
  let summary = "the number of elements of a tensor, as an int64 scalar (ONNX Size)";
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs 0DTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Tessel_TransposeOp : Tessel_Op<"transpose", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "permutes the dimensions: result dim i is input dim perm[i]";
  let arguments = (ins Tessel_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Tessel_ConcatOp : Tessel_Op<"concat", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "joins tensors along one axis";
  let arguments = (ins Variadic<Tessel_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

def Tessel_GatherOp : Tessel_Op<"gather", [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let summary = "selects slices of `data` along `axis` by `indices`";
  let description = [{
    ONNX Gather: result shape is data.shape[:axis] + indices.shape +
    data.shape[axis+1:]. Negative indices count from the end of the axis.
  }];
  let arguments = (ins Tessel_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Tessel_GatherElementsOp : Tessel_Op<"gather_elements", [InferTypeOpAdaptor]> {
  let summary = "element-wise gather along `axis`";
  let description = [{
    result[i...] = data[i with i[axis] replaced by indices[i...]]; the result
    has the shape of `indices`.
  }];
  let arguments = (ins Tessel_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_GatherNDOp : Tessel_Op<"gather_nd", [InferTypeOpAdaptor]> {
  let summary = "gathers slices of `data` addressed by the last axis of `indices`";
  let description = [{
    ONNX GatherND. With b = `batch_dims` and k the size of the last axis of
    `indices`, result[B..., I..., J...] = data[B..., indices[B..., I..., :],
    J...]: the first b axes are shared batch axes, each index tuple addresses
    the next k axes of `data`, and the remaining axes of `data` are copied.
    The result shape is indices.shape[:-1] + data.shape[b + k:].
  }];
  let arguments = (ins Tessel_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       I64Attr:$batch_dims);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_ScatterElementsOp : Tessel_Op<"scatter_elements", [InferTypeOpAdaptor]> {
  let summary = "writes `updates` into a copy of `data` at positions from `indices` along `axis`";
  let description = [{
    ONNX ScatterElements (and the older Scatter): result = data, then for
    every position p of `updates` in row-major order, result[p with p[axis]
    replaced by indices[p]] = updates[p], or combined with what is there by
    `reduction` ("add", "mul", "max", "min"; "none" overwrites, so with
    repeated indices the last write wins). Negative indices count from the
    end of the axis.
  }];
  let arguments = (ins Tessel_Tensor:$data, RankedTensorOf<[I32, I64]>:$indices,
                       Tessel_Tensor:$updates, I64Attr:$axis, StrAttr:$reduction);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_ScatterNDOp : Tessel_Op<"scatter_nd", [InferTypeOpAdaptor]> {
  let summary = "writes slices of `updates` into a copy of `data` at index tuples";
  let description = [{
    ONNX ScatterND: with k the size of the last axis of `indices`, for each
    index tuple indices[I..., :] (in row-major order) the slice
    result[indices[I..., :], J...] = updates[I..., J...], or combined by
    `reduction` as for tessel.scatter_elements. updates.shape =
    indices.shape[:-1] + data.shape[k:].
  }];
  let arguments = (ins Tessel_Tensor:$data, RankedTensorOf<[I64]>:$indices,
                       Tessel_Tensor:$updates, StrAttr:$reduction);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_SliceOp : Tessel_Op<"slice", [Tessel_DynamicShapes]> {
  let summary = "a strided window: result[i] = input[starts + i * steps]";
  let description = [{
    One start and one (non-zero, possibly negative) step per dimension; the
    result type gives the sizes. The importer normalizes ONNX Slice's clamped
    starts/ends/axes/steps into this form.
  }];
  let arguments = (ins Tessel_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tessel_ExpandOp : Tessel_Op<"expand"> {
  let summary = "broadcasts a tensor to the result shape (NumPy rules)";
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tessel_TileOp : Tessel_Op<"tile"> {
  let summary = "repeats the input along every dimension";
  let description = [{
    The result's size along each dimension is a multiple of the input's;
    result[i] = input[i mod input.shape].
  }];
  let arguments = (ins Tessel_Tensor:$input);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Tessel_ComputedTileOp : Tessel_Op<"computed_tile", [Tessel_DynamicShapes]> {
  let summary = "ONNX Tile with repeats read at run time";
  let description = [{
    result[i] = input[i mod input.shape], the result's dimension d being
    input dimension d times `repeats[d]` (an int64 vector read at run time:
    a graph input, or constant repeats of a dynamic input). Negative repeats
    are refused by a run-time check. The importer makes constant repeats of
    a static input a tessel.tile.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$repeats);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `by` $repeats attr-dict `:` type($input) `,` type($repeats) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedUnsqueezeOp : Tessel_Op<"computed_unsqueeze", [Tessel_DynamicShapes]> {
  let summary = "ONNX Unsqueeze with axes read at run time";
  let description = [{
    Inserts a size-1 dimension at each of `axes` (an int64 vector read at
    run time, entries in [-R, R) of the result's rank R, negative ones
    counting from the end): a reshape, as a view. The axes must be distinct
    and in range (a run-time check). The importer makes constant axes a
    tessel.reshape.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$axes);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `at` $axes attr-dict `:` type($input) `,` type($axes) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedSqueezeOp : Tessel_Op<"computed_squeeze", [Tessel_DynamicShapes]> {
  let summary = "ONNX Squeeze with axes read at run time";
  let description = [{
    Removes each of `axes` (an int64 vector read at run time, entries in
    [-r, r) of the input's rank r), each of size 1: a reshape, as a view.
    Distinct axes in range, each of size 1, are run-time checks. Also drops
    the reduced axes of a reduction over run-time axes without keepdims.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$axes);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `at` $axes attr-dict `:` type($input) `,` type($axes) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_ComputedExpandOp : Tessel_Op<"computed_expand", [Tessel_DynamicShapes]> {
  let summary = "ONNX Expand to a shape computed at run time";
  let description = [{
    Broadcasts `input` (NumPy rules, aligned from the right) with the shape
    that the int64 vector `shape` holds at run time: each result dimension is
    the shape's entry, or the input's size where the entry is 1; an input
    size other than 1 must equal it (checked at run time, like every
    broadcast of a dynamic size). Also ONNX ConstantOfShape of a computed
    shape (the expansion of a scalar). The result type's static dimensions
    are those known at compile time.
  }];
  let arguments = (ins Tessel_Tensor:$input, 1DTensorOf<[I64]>:$shape);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input `to` $shape attr-dict `:` type($input) `,` type($shape) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tessel_TriluOp : Tessel_Op<"trilu", [Tessel_DynamicShapes]> {
  let summary = "keeps the upper or lower triangle of the last two dimensions";
  let description = [{
    Zeroes the elements below (`upper`) or above (lower) the k-th diagonal of
    every matrix in the last two dimensions. The diagonal offset is the `k`
    attribute, or the rank-0 `dynamic_k` operand when it is only known at run
    time.
  }];
  let arguments = (ins Tessel_Tensor:$input, Optional<0DTensorOf<[I64]>>:$dynamic_k,
                       I64Attr:$k, BoolAttr:$upper);
  let results = (outs Tessel_Tensor:$result);
  let assemblyFormat = [{
    $input (`,` $dynamic_k^ `:` type($dynamic_k))? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // TESSEL_TENSOR_OPS_TD
