// tessel-build-abi-entry adds the exported symbols of runtime/include/tessel/abi.h
// to an LLVM-dialect module: the ABI version, the metadata text and its size,
// and tessel_model_run_v3(void **buffers, const int64_t *dims,
// const tessel_run_context *ctx), which loads buffers[0..n) and dims[0..m)
// (the sizes of dynamic dimensions, i64 arguments after the pointers) and
// calls @main_graph, now internal, with the run context as an extra last
// argument (kernels: tests/tools/abi-kernels.test).
// RUN: tessel-opt %s --tessel-build-abi-entry -split-input-file -verify-diagnostics | FileCheck %s

// CHECK: llvm.func internal @main_graph(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.mlir.global external constant @tessel_abi_version(6 : i32)
// CHECK: llvm.mlir.global external constant @tessel_model_metadata("tessel-abi 6\0Ainputs 2\0A1 1 4 1:a\0A1 1 4 1:b\0Aoutputs 1\0A1 1 4 1:y\0Akernels 0\0A")
// CHECK: llvm.mlir.global external constant @tessel_model_metadata_size(72 : i64)
// CHECK: llvm.func @tessel_model_run_v3(%[[BUFS:.*]]: !llvm.ptr, %[[DIMS:.*]]: !llvm.ptr, %[[CTX:.*]]: !llvm.ptr) {
// CHECK-NEXT: %[[P0:.*]] = llvm.getelementptr %[[BUFS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P1:.*]] = llvm.getelementptr %[[BUFS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P2:.*]] = llvm.getelementptr %[[BUFS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[Y:.*]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @main_graph(%[[A]], %[[B]], %[[Y]], %[[CTX]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// CHECK: llvm.mlir.global external constant @tessel_model_kernels() {{.*}} : !llvm.array<0 x ptr>
module attributes {tessel.abi_metadata = "tessel-abi 6\0Ainputs 2\0A1 1 4 1:a\0A1 1 4 1:b\0Aoutputs 1\0A1 1 4 1:y\0A"} {
  llvm.func @main_graph(%a: !llvm.ptr, %b: !llvm.ptr, %y: !llvm.ptr) {
    llvm.return
  }
}

// -----

// A model with dynamic dimensions: its main_graph takes their sizes after the
// pointers, the run entry reads them from dims, and the shape checks'
// messages join the metadata.
// CHECK: llvm.func internal @main_graph(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr)
// CHECK: @tessel_model_metadata("tessel-abi 6\0Ainputs 1\0A1 1 -1 1:a\0Aoutputs 1\0A1 1 -1 1:y\0Achecks 1\0A13:node 'a': {0}\0Akernels 0\0A")
// CHECK: llvm.func @tessel_model_run_v3(%[[BUFS:.*]]: !llvm.ptr, %[[DIMS:.*]]: !llvm.ptr, %[[CTX:.*]]: !llvm.ptr) {
// CHECK: %[[D0:.*]] = llvm.getelementptr %[[DIMS]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[N:.*]] = llvm.load %[[D0]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[D1:.*]] = llvm.getelementptr %[[DIMS]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[M:.*]] = llvm.load %[[D1]] : !llvm.ptr -> i64
// CHECK-NEXT: llvm.call @main_graph(%{{.*}}, %{{.*}}, %[[N]], %[[M]], %[[CTX]])
module attributes {tessel.abi_metadata = "tessel-abi 6\0Ainputs 1\0A1 1 -1 1:a\0Aoutputs 1\0A1 1 -1 1:y\0A",
                   tessel.shape_checks = ["node 'a': {0}"]} {
  llvm.func @main_graph(%a: !llvm.ptr, %y: !llvm.ptr, %n: i64, %m: i64) {
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
module attributes {tessel.abi_metadata = "tessel-abi 6\0Ainputs 1\0A1 1 4 1:a\0Aoutputs 0\0A"} {
  // expected-error @+1 {{@main_graph must take bare buffer pointers, then i64 sizes (bare-pointer calling convention after tessel-pass-dynamic-sizes)}}
  llvm.func @main_graph(%a: i64, %b: !llvm.ptr) {
    llvm.return
  }
}
