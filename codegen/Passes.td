//===- Passes.td - Codegen passes -----------------------------------------===//
#ifndef TESSEL_CODEGEN_PASSES_TD
#define TESSEL_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTesselToLinalg : Pass<"tessel-convert-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower tessel ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every tessel op becomes structured linalg ops on tensors (linalg.generic
    for elementwise ops, contractions, convolutions, pooling and reductions;
    tensor.pad/insert_slice/collapse/expand for data movement), so that tiling,
    fusion and vectorization can work on them before bufferization. An op
    without a lowering is an error naming the op and its ONNX node.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
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
    On the LLVM-dialect module: adds `tessel_model_run_v1(void **buffers)`,
    which unpacks the input and output buffers and calls `@main_graph`, and the
    constant globals `tessel_abi_version`, `tessel_model_metadata` and
    `tessel_model_metadata_size` that runtime/include/tessel/abi.h declares.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // TESSEL_CODEGEN_PASSES_TD
