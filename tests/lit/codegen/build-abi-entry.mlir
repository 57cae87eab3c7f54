// tessel-build-abi-entry adds the exported symbols of runtime/include/tessel/abi.h
// to an LLVM-dialect module: the ABI version, the metadata text and its size,
// and tessel_model_run_v2(void **buffers, const tessel_run_context *ctx), which
// loads buffers[0..n) and calls @main_graph, now internal, with the run
// context as an extra last argument (kernels: tests/tools/abi-kernels.test).
// RUN: tessel-opt %s --tessel-build-abi-entry -split-input-file -verify-diagnostics | FileCheck %s

// CHECK: llvm.func internal @main_graph(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.mlir.global external constant @tessel_abi_version(4 : i32)
// CHECK: llvm.mlir.global external constant @tessel_model_metadata("tessel-abi 4\0Ainputs 2\0A1 1 4 1:a\0A1 1 4 1:b\0Aoutputs 1\0A1 1 4 1:y\0Akernels 0\0A")
// CHECK: llvm.mlir.global external constant @tessel_model_metadata_size(72 : i64)
// CHECK: llvm.func @tessel_model_run_v2(%[[BUFS:.*]]: !llvm.ptr, %[[CTX:.*]]: !llvm.ptr) {
// CHECK-NEXT: %[[P0:.*]] = llvm.getelementptr %[[BUFS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P1:.*]] = llvm.getelementptr %[[BUFS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P2:.*]] = llvm.getelementptr %[[BUFS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[Y:.*]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @main_graph(%[[A]], %[[B]], %[[Y]], %[[CTX]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// CHECK: llvm.mlir.global external constant @tessel_model_kernels() {{.*}} : !llvm.array<0 x ptr>
module attributes {tessel.abi_metadata = "tessel-abi 4\0Ainputs 2\0A1 1 4 1:a\0A1 1 4 1:b\0Aoutputs 1\0A1 1 4 1:y\0A"} {
  llvm.func @main_graph(%a: !llvm.ptr, %b: !llvm.ptr, %y: !llvm.ptr) {
    llvm.return
  }
}

// -----

// Without the metadata recorded by tessel-record-abi there is nothing to export.
// expected-error @+1 {{expected an LLVM-dialect @main_graph and tessel.abi_metadata; run tessel-record-abi before lowering}}
module {
  llvm.func @main_graph(%a: !llvm.ptr) {
    llvm.return
  }
}

// -----

// @main_graph must use the bare-pointer calling convention.
module attributes {tessel.abi_metadata = "tessel-abi 4\0Ainputs 1\0A1 1 4 1:a\0Aoutputs 0\0A"} {
  // expected-error @+1 {{@main_graph must take bare buffer pointers (bare-pointer calling convention)}}
  llvm.func @main_graph(%a: i64) {
    llvm.return
  }
}
