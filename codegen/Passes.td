//===- Passes.td - Codegen passes -----------------------------------------===//
#ifndef TESSEL_CODEGEN_PASSES_TD
#define TESSEL_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def SetTarget : Pass<"tessel-set-target", "mlir::ModuleOp"> {
  let summary = "Record the description of a target CPU on the module";
  let description = [{
    Sets the module's `tessel.target` to the #tessel.target of `cpu` with
    `features` (LLVM's names; the defaults: the host's CPU and features),
    as tessel-compile does when codegen starts. For tessel-opt: a test whose
    expected text depends on the target pins it with this pass, so that it
    does not depend on the machine it runs on
    (`--tessel-set-target=cpu=znver4`).
  }];
  let options = [
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"", "LLVM CPU name (default: the host's)">,
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "LLVM feature string, e.g. +avx2,+fma">
  ];
  let dependentDialects = ["::tessel::TesselDialect"];
}

def TransposeConstantWeights : Pass<"tessel-transpose-constant-weights", "mlir::ModuleOp"> {
  let summary = "Store constant transposed linear weights in the layout the kernels read";
  let description = [{
    A `tessel.linear {transpose_weight = true}` whose weight is a float32
    constant [N, K] gets the constant [K, N] instead and transpose_weight =
    false: the register-blocked kernel vectorizes along N and needs the
    weight contiguous there. The transposition happens once, at compile
    time; a weight used only by that layer is rewritten in its own resource
    blob, so large models do not hold both layouts. Weights computed at run
    time are left alone.
  }];
}

def OutlineKernels : Pass<"tessel-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Outline each compute op of @main_graph into a kernel function";
  let description = [{
    One tessel op becomes one private function (a kernel) that `@main_graph`
    calls, named `k<index>_<op>_<ONNX node>`. Constants of at most 16
    elements are cloned into the kernel so that lowering can fold them;
    weights and activations are arguments. Constants and `tessel.reshape`
    (a view once bufferized) stay in `@main_graph`.

    Each kernel carries a `tessel.kernel` dictionary: `index` (its slot in
    the compiled model's kernel table), `op`, `nodes` (the ONNX node names
    of the op's location, NameLoc or FusedLoc), `flops` and `bytes` per call
    computed from the static shapes, and `type` (its tensor signature).
    tessel-build-abi-entry exports these as the kernel table that
    tessel-bench --kernels / --profile use.

    Runs on tensors before tessel-convert-to-linalg: one-shot bufferization
    with function boundaries then gives every kernel identity-layout buffer
    arguments and buffer-results-to-out-params turns its results into
    trailing output buffers that `@main_graph` allocates, so a kernel's
    machine signature is (inputs..., outputs...) and kernels allocate no
    result and keep no state.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def KernelDestinations : Pass<"tessel-kernel-destinations", "mlir::ModuleOp"> {
  let summary = "Give kernels with dynamic results destination arguments sized by their callers";
  let description = [{
    A kernel whose result has a dynamic dimension takes one more argument per
    result, a destination tensor, and returns
    each result computed into it (its tensor.empty becomes the argument, or a
    `bufferization.materialize_in_destination` copies it); every
    call computes the sizes from what it passes (tensor.dim of its operands,
    through earlier calls' destinations, tensor.empty sizes, reshapes) and
    passes a `tensor.empty` of them, and is marked
    `tessel.destination_results`. The kernel's run-time shape checks
    (cf.assert) are stated again at each call over the caller's values, for
    tessel-build-shape-function. A size that depends on tensor data is an
    error naming the kernel. Runs on tensors, before bufferization; static
    kernels are left to buffer-results-to-out-params.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::tensor::TensorDialect", "mlir::cf::ControlFlowDialect",
                           "mlir::arith::ArithDialect"];
}

def BuildShapeFunction : Pass<"tessel-build-shape-function", "mlir::ModuleOp"> {
  let summary = "Build the model's shape function: run-time shape checks and output sizes";
  let description = [{
    For a `@main_graph` with dynamic dimensions, adds `@tessel_model_shapes`
    (runtime/include/tessel/abi.h): from the run's dynamic input sizes it
    evaluates every cf.assert of main_graph (returning k + 1 and the two
    compared sizes for the first check k that fails) and then writes every
    dynamic output size. The checks' messages become the module attribute
    `tessel.shape_checks`; the asserts leave main_graph. A main_graph with
    dynamic results then writes each output into a destination argument
    appended after its inputs (marked `tessel.destinations`, as kernels with
    destinations are).
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect",
                           "mlir::cf::ControlFlowDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def BatchLoop : Pass<"tessel-batch-loop", "mlir::func::FuncOp"> {
  let summary = "Run per-sample ops with a dynamic batch one sample at a time";
  let description = [{
    Every op with the Tessel_DynamicBatch trait (convolutions, pooling,
    batch and group norms) whose result has a dynamic dimension 0 becomes an
    scf.for over the batch of the same op on static one-sample slices
    (tensor.extract_slice of each operand with a dynamic dimension 0, the
    others whole; tensor.insert_slice of each sample's result), which
    tessel-convert-to-linalg then lowers as the static op it is.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def TileDynamicContractions : Pass<"tessel-tile-dynamic-contractions", "mlir::func::FuncOp"> {
  let summary = "Run contractions of run-time size as static tiles";
  let description = [{
    A float32 multiply-accumulate linalg.generic on tensors with exactly one
    dynamic loop, a parallel one every operand reads as a plain index (a
    matmul's or linear layer's rows), becomes a loop of static tiles of
    LoweringStrategy::dynamicTile iterations, then at most one tile of each
    smaller size of LoweringStrategy::dynamicTiles down to dynamicMinTile,
    then one tile zero-padded to dynamicMinTile, each the op's tiled
    implementation (TilingInterface) at static sizes, with the op that
    initializes it and an elementwise activation tiled along (tile and
    fuse): tessel-vectorize-contractions then gives every piece its
    register-blocked kernel. Nested contractions (in loops) too.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::affine::AffineDialect"];
}

def DropDestinationResults : Pass<"tessel-drop-destination-results", "mlir::ModuleOp"> {
  let summary = "Drop the results of functions with destinations once bufferized";
  let description = [{
    For every function marked `tessel.destinations` (its trailing arguments
    are the destinations of its results): checks that each returned buffer
    is its destination argument (through casts), removes the results and
    makes every call use the buffers it passes. Run after one-shot
    bufferization.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def PassDynamicSizes : Pass<"tessel-pass-dynamic-sizes", "mlir::ModuleOp"> {
  let summary = "Pass the sizes of dynamic buffers as explicit index arguments";
  let description = [{
    For the bare-pointer calling convention: every function argument of
    type memref with dynamic dimensions becomes a 0-d memref of its element
    type (a bare pointer to its first element) plus one trailing index
    argument per dynamic dimension (all pointers first, then the sizes in
    argument and dimension order); the body views the pointer with
    memref.reinterpret_cast at those sizes and row-major strides. Every call
    passes the reinterpreted pointer and memref.dim sizes. Buffers at call
    boundaries must have the identity layout. A memref.expand_shape that
    splits one dynamic dimension into several (of an identity-layout
    source) becomes the same row-major memref.reinterpret_cast, which
    expand-strided-metadata handles (it crashes on such an expand_shape in
    LLVM 22).
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def ConvertTesselToLinalg : Pass<"tessel-convert-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower tessel ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every tessel op becomes structured linalg ops on tensors (linalg.generic
    for elementwise ops, contractions, convolutions, pooling and reductions;
    tensor.pad/insert_slice/collapse/expand for data movement; scf.for over the
    time steps of recurrent layers), so that tiling,
    fusion and vectorization can work on them before bufferization. An op
    without a lowering is an error naming the op and its ONNX node.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::scf::SCFDialect", "mlir::cf::ControlFlowDialect"];
}

def RecordModelABI : Pass<"tessel-record-abi", "mlir::ModuleOp"> {
  let summary = "Record the model's inputs and outputs for the runtime";
  let description = [{
    Reads `@main_graph`'s tensor signature and its `tessel.input_names` /
    `tessel.output_names` and stores the runtime metadata text (ABI version,
    names, dtypes, shapes) as the module attribute `tessel.abi_metadata`, while
    the signature still has its tensor types. Marks the inputs non-writable
    and copies results returned more than once, so that bufferization gives
    every output its own buffer. Gives zero-element inputs and outputs of rank
    other than 1 the boundary type `tensor<0xT>`: they hold no data, and the
    bare-pointer calling convention cannot lower a memref such as 2x0 (its
    strides are not static).
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseElementwiseLoops : Pass<"tessel-fuse-elementwise-loops", "mlir::func::FuncOp"> {
  let summary = "Merge the loops of an elementwise chain into one linalg.generic";
  let description = [{
    A `tessel.elementwise_chain` lowers to one linalg.generic per op of its
    body; this pass fuses producer into consumer (upstream elementwise-op
    fusion) so that the chain is one loop nest reading each input once. It
    fuses only all-parallel producers into all-parallel consumers that read
    them through the identity map and are their only user, so that no value
    is ever recomputed: a broadcast read, a reduction consumer or a second
    user would repeat the producer's work per element (in the norms and the
    attention loop nest, for example). Ops inside loops are left alone: loop
    bodies (recurrent steps, attention blocks) update their loop-carried
    tensors in place, which bufferization relies on.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def SelectKernelConfig : Pass<"tessel-select-kernel-config", "mlir::func::FuncOp"> {
  let summary = "Choose the register-blocked kernel of every contraction from the target";
  let description = [{
    The one configuration step of kernel generation. For every bufferized
    float32 multiply-accumulate linalg.generic (matmuls, linear layers,
    batched matmuls, convolutions) whose loops tessel's contraction analysis
    can assign (n: C's innermost loop, read contiguously or at a fixed stride
    by B's innermost index and not by A; m: a parallel loop A reads and B does
    not), attaches `tessel.kernel_config = #tessel.kernel_config<lanes,
    rows, vectors, ...>`, derived from the module's `tessel.target` (the
    host's when absent): `lanes` float32 lanes per vector register, a
    register tile of `rows` x `vectors` accumulators that leaves one B row
    and one broadcast in the register file, a block of the outermost
    reduction that keeps the B panel in half of L1 (a quarter of L2 where
    C's rows end in a partial vector), row and column blocks for L2 and L3,
    which operands to pack, the loop order (stationary filters, folded
    output rows) and which loop runs on the thread pool (`parallel`: outer,
    columns, rows or column_blocks); KernelConfig.h documents every field.
    Ops that already carry a config are left as they are; other ops are left
    to the generic loop lowering.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "::tessel::TesselDialect"];
}

def PackConstantOperands : Pass<"tessel-pack-constant-operands", "mlir::ModuleOp"> {
  let summary = "Store constant filters and weights in the packed layout of their kernel's register tiles";
  let description = [{
    For every contraction with a `tessel.kernel_config` whose A (the
    broadcast operand: a convolution's filters) or B (the vector operand: a
    linear layer's [K, N] weights, where the config packs B) is a kernel
    argument that every call of the private kernel passes from the same
    constant global, read by nothing else: replaces the global by one in the
    layout the register tiles read, [tile][reduction loops...][element of
    the tile], with tiles of the config's `rows` along m for A and of its
    `lanes * vectors` columns along n for B (zero past the end), and makes
    the kernel's argument type, its recorded `tessel.kernel` type and the
    operand's indexing map, (d floordiv tile, reductions..., d mod tile),
    follow. The IR keeps its meaning; tessel-vectorize-contractions
    recognizes the map and reads each A tile's broadcasts as one contiguous
    stream and each B tile's rows from the packed panels instead of packing
    them at run time. The operand may be read through a
    memref.collapse_shape of the argument (a 1x1 convolution's filters as a
    matrix), which goes. Its map must be affine in the loops; A must not
    depend on C's outer loops, B on anything but n and the reductions;
    anything else is left as it is.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def VectorizeContractions : Pass<"tessel-vectorize-contractions", "mlir::func::FuncOp"> {
  let summary = "Lower configured contractions to register-blocked vector FMA kernels";
  let description = [{
    Replaces every linalg.generic with a `tessel.kernel_config` by an explicit
    loop nest in the vector dialect: outer parallel loops, reduction blocks,
    column tiles of `lanes * vectors`, row tiles of `rows`, then a kernel that
    keeps `rows * vectors` accumulators in registers across the reduction
    loops, each step loading `vectors` B vectors (vector.load, or vector.gather
    at B's stride), broadcasting `rows` A elements and issuing rows * vectors
    vector.fma. Edges get exactly sized kernels: fewer rows, masked loads and
    stores for the last columns; a column tile narrower than the register
    tile stacks row tiles (6 rows x 1 vector becomes 12 x 1), so that it
    keeps as many accumulators, and its loop is marked for LLVM not to
    unroll. An A in the packed layout of
    tessel-pack-constant-operands (its map is (m floordiv rows,
    reductions..., m mod rows)) is read tile by tile from it, never packed at
    run time. An op whose config is malformed or that is not a contraction
    the analysis accepts is an error.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::affine::AffineDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect", "mlir::LLVM::LLVMDialect"];
}

def ParallelizeLoops : Pass<"tessel-parallelize-loops", "mlir::func::FuncOp"> {
  let summary = "Run the first parallel loop of large structured ops on the thread pool";
  let description = [{
    Tiles the first parallel loop (with at least two iterations) of every
    bufferized linalg op of at least `min-iterations` iterations by 1 into an
    scf.parallel; convert-scf-to-openmp then makes it a worksharing loop, so
    that elementwise chains, normalizations, softmax, pooling and copies use
    every thread as the contraction kernels do. Ops inside loops (recurrent
    steps, attention blocks) or already parallel loops are left alone, as
    are ops too small to repay a fork. Run after
    tessel-vectorize-contractions, which parallelizes its kernels itself.
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", /*default=*/"0",
           "Smallest iteration count worth a parallel loop (0: the target's, "
           "LoweringStrategy::parallelMinIterations)">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::memref::MemRefDialect",
                           "mlir::affine::AffineDialect", "mlir::arith::ArithDialect"];
}

def TileDepthwiseChannels : Pass<"tessel-tile-depthwise-channels", "mlir::func::FuncOp"> {
  let summary = "Tile a depthwise convolution's kernel by channel, padding one input plane per tile";
  let description = [{
    In a kernel (a private function returning one tensor) that contains a
    depthwise convolution reading a tensor.pad of its input (a parallel
    loop read by the input, the filters and the output; the filters read
    nothing else but reductions), tiles the kernel's last op along that
    channel by 1 into an scf.forall and fuses every producer into the tile
    (scf::tileConsumerAndFuseProducersUsingSCF), the pad and the bias
    included. Each iteration then pads one input plane, which stays in cache
    while the convolution reads it, instead of the whole input being copied
    into a padded buffer before the convolution starts. Runs on tensors.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
                           "mlir::linalg::LinalgDialect"];
}

def VectorizeCopies : Pass<"tessel-vectorize-copies", "mlir::func::FuncOp"> {
  let summary = "Lower buffer copies to loops of full-width vector loads and stores";
  let description = [{
    Rewrites every static linalg.copy whose buffers are unit-stride in their
    innermost dimension: the trailing dimensions contiguous in both buffers
    become one run, copied a target vector at a time (and one shorter vector
    for a ragged end), inside loops over the leading dimensions. Lowered by
    convert-linalg-to-loops instead, a copy is a scalar loop nest over two
    pointers LLVM cannot prove apart, which it neither vectorizes nor turns
    into memcpy (a padded convolution's input copy, a concatenation, the
    model's outputs). Run after tessel-parallelize-loops, which splits large
    copies across the threads first.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def ApproximateMath : Pass<"tessel-approximate-math", "mlir::func::FuncOp"> {
  let summary = "Replace float32 exp, erf, tanh and logarithms by polynomial approximations";
  let description = [{
    Applies MLIR's float32 polynomial approximations to math.exp, math.erf,
    math.tanh, math.expm1, math.log and math.log1p. Lowered as they are,
    these become one libm call per element, which no loop vectorizer can
    widen; the approximations are arith ops that vectorize with the rest of
    the loop (softmax, GELU, SiLU, sigmoid, the norms' statistics). Other
    math ops (sin, cos, pow, ...) keep their libm calls.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def ForwardOutputBuffers : Pass<"tessel-forward-output-buffers", "mlir::func::FuncOp"> {
  let summary = "Let computations write output arguments instead of copying into them";
  let description = [{
    A memref.copy into an output argument from a local allocation, or from a
    reshape (memref.expand_shape / collapse_shape) of one used by nothing
    else, is removed where the argument has no other use and every other use
    of the allocation comes before the copy and makes no view of it (calls,
    linalg ops), or is its deallocation after it: the allocation is replaced
    by the argument, or by the inverse reshape of it. Bufferization leaves
    such a copy at the end of @main_graph for every output that a kernel
    computes, and at the end of every kernel whose result is a reshape of
    what it computed (a 1x1 convolution runs as a matmul on [c, pixels]):
    each a whole extra pass over the output. Outputs may then be written
    before the last input is read: the runtime requires that the user's
    output buffers overlap no input (it checks), and callers never pass a
    kernel an output that aliases its inputs.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def PlanMemory : Pass<"tessel-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place the entry function's buffers in one arena, sharing memory between lifetimes";
  let description = [{
    In each public function (the model's entry), every static buffer
    allocated in its block becomes a view (memref.view) at a fixed offset of one arena
    allocated at the start of the run. A buffer's lifetime runs from its
    allocation to the last op that uses it or a view of it; buffers live at
    the same time get disjoint, 64-byte-aligned byte ranges, placed greedily
    largest first at the lowest free offset, and the others share memory.
    The deallocation pipeline frees every buffer at the end of the function,
    so without a plan all of a model's intermediate tensors are live at once
    and a CNN's run touches more memory than the last-level cache holds.
    The arena's size, the peak memory of the model's intermediate tensors,
    is recorded as `tessel.arena_bytes` on the function and, summed over
    the entry functions, on the module. Buffers of one dynamic dimension
    sized by the same dimension of an argument (a dynamic batch) share a
    second arena, allocated per run at a size computed from it: planned in
    bytes per unit of that size, each placed at align64(A * n) + 64 * rank
    (PlanMemory.cpp says why that never overlaps). Buffers that escape the
    block (returned) or have other dynamic shapes keep their own allocation.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def LowerMemRefCopies : Pass<"tessel-lower-memref-copies", "mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Bufferization copies between strided views with memref.copy, whose LLVM
    lowering calls `memrefCopy` from MLIR's runner library. Compiled models
    must not depend on MLIR at run time, so copies become linalg.copy, which
    lowers to plain loops (LLVM turns contiguous ones back into memcpy).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def BuildABIEntry : Pass<"tessel-build-abi-entry", "mlir::ModuleOp"> {
  let summary = "Emit the exported ABI symbols of a compiled model";
  let description = [{
    On the LLVM-dialect module, emits what runtime/include/tessel/abi.h
    declares: `tessel_model_run_v2(void **buffers, const tessel_run_context
    *context)`, which unpacks the input and output buffers and calls
    `@main_graph`; the constant globals `tessel_abi_version`,
    `tessel_model_metadata` (tessel-record-abi's text plus a `kernels`
    section built from the `tessel.kernel` attributes of
    tessel-outline-kernels) and `tessel_model_metadata_size`; and
    `tessel_model_kernels`, a table of `void (void **args)` wrappers that run
    one kernel alone.

    `@main_graph` gets the run context as an extra last argument, and every
    call to a kernel is bracketed by a call to an internal helper that invokes
    `context->kernel_hook(user_data, kernel, is_end)` when the context and
    hook are not NULL (tessel-bench --profile). Kernels are marked
    `no_inline`: the code timed alone is the code that runs in the model.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // TESSEL_CODEGEN_PASSES_TD
