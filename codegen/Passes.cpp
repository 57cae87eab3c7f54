//===- Passes.cpp - The codegen pipelines ---------------------------------===//
//
// graph --(buildTiledPipeline)--> tiled --(buildLLVMPipeline)--> llvm.
// Upstream passes are named textually so that the pipelines read the same as
// `tessel-opt` command lines and `--print-ir-after` flags.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace tessel {

static void addTextual(OpPassManager &pm, StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    llvm::report_fatal_error("Tessel's built-in pass pipeline does not parse");
}

void buildTiledPipeline(OpPassManager &pm) {
  pm.addPass(createRecordModelABI());
  pm.addPass(createTransposeConstantWeights());
  pm.addPass(createOutlineKernels());
  pm.addNestedPass<func::FuncOp>(createBatchLoop());
  pm.addPass(createConvertTesselToLinalg());
  pm.addNestedPass<func::FuncOp>(createFuseElementwiseLoops());
  pm.addNestedPass<func::FuncOp>(createTileDynamicContractions());
  pm.addNestedPass<func::FuncOp>(createTileDepthwiseChannels());
  addTextual(pm, "canonicalize,cse");
}

void buildLLVMPipeline(OpPassManager &pm) {
  addTextual(pm,
             // Dynamic shapes: results of run-time size become destinations
             // sized by each caller, and the model's shape checks and output
             // sizes its shape function; ops that compute into a tensor.empty
             // later inserted into a slice (batch loops, tiles) compute into
             // that slice.
             "tessel-kernel-destinations,tessel-build-shape-function,eliminate-empty-tensors,"
             // Tensors to buffers: one pass over the whole module, identity
             // layouts at the function boundary, results written into
             // caller-provided buffers.
             "one-shot-bufferize{bufferize-function-boundaries "
             "function-boundary-type-conversion=identity-layout-map "
             "unknown-type-conversion=identity-layout-map},"
             "canonicalize,tessel-drop-destination-results,"
             "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
             "canonicalize,"
             "buffer-deallocation-pipeline,"
             // The model's outputs written in place, its other buffers in one
             // planned arena, copies as loops, kernels configured.
             "func.func(tessel-forward-output-buffers),tessel-plan-memory,"
             "func.func(tessel-lower-memref-copies,"
             "tessel-select-kernel-config),"
             // Constant filters in the layout their kernels read, then
             // contractions to register-blocked vector kernels, copies to
             // vector loads and stores, the rest to loops (which LLVM
             // vectorizes).
             "tessel-pack-constant-operands,"
             "func.func(tessel-vectorize-contractions,"
             "tessel-parallelize-loops,tessel-vectorize-copies,tessel-approximate-math,"
             "convert-linalg-to-loops),"
             // Dynamic sizes become explicit arguments next to bare pointers.
             "tessel-pass-dynamic-sizes,"
             // Parallel kernel loops onto the OpenMP runtime's thread pool.
             // (canonicalize inlines the alloca scopes it wraps bodies in: they
             // hold no allocas here, and scf-to-cf would split their block.)
             "scf-forall-to-parallel,convert-scf-to-openmp,canonicalize,"
             "lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,"
             "convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,"
             "convert-arith-to-llvm,convert-index-to-llvm,"
             "convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
             "convert-cf-to-llvm,convert-openmp-to-llvm,reconcile-unrealized-casts,canonicalize");
  pm.addPass(createBuildABIEntry());
}

} // namespace tessel
