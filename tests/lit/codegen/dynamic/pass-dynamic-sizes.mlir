// Dynamic buffers cross calls as bare pointers (0-d memrefs) plus their
// sizes after all pointers; the callee views each pointer at those sizes
// with row-major strides.
// RUN: tessel-opt %s --split-input-file --tessel-pass-dynamic-sizes --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @main_graph(%arg0: memref<f32>, %arg1: memref<f32>, %arg2: index, %arg3: index)
// CHECK: %[[X:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [%arg2, 4], strides: [4, 1] : memref<f32> to memref<?x4xf32>
// CHECK: %[[STRIDE:.*]] = arith.muli %arg3, %c4
// CHECK: %[[Y:.*]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [4, %arg3, 4], strides: [%[[STRIDE]], 4, 1] : memref<f32> to memref<4x?x4xf32>
// CHECK: %[[NX:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[NY:.*]] = memref.dim %[[Y]], %c1
// The pointers of the views are the arguments (the casts fold).
// CHECK: call @k0(%arg0, %arg1, %[[NX]], %[[NY]]) : (memref<f32>, memref<f32>, index, index) -> ()
// CHECK-LABEL: func.func private @k0(%arg0: memref<f32>, %arg1: memref<f32>, %arg2: index, %arg3: index)
module {
  func.func @main_graph(%x: memref<?x4xf32>, %y: memref<4x?x4xf32>) {
    call @k0(%x, %y) : (memref<?x4xf32>, memref<4x?x4xf32>) -> ()
    return
  }
  func.func private @k0(%a: memref<?x4xf32>, %b: memref<4x?x4xf32>) {
    return
  }
}

// -----

// An expand_shape that splits a dynamic size in two: a row-major view.
// RUN: tessel-opt %s --split-input-file --tessel-pass-dynamic-sizes | FileCheck %s --check-prefix=EXPAND
// EXPAND-LABEL: func.func @split
// EXPAND: %[[STRIDE:.*]] = arith.muli %c5{{.*}}, %arg2
// EXPAND: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [%arg1, %arg2, 5], strides: [%[[STRIDE]], 5, 1] : memref<?x5xf32> to memref<?x?x5xf32>
// EXPAND-NOT: expand_shape
func.func @split(%m: memref<?x5xf32>, %a: index, %b: index) -> f32 {
  %c0 = arith.constant 0 : index
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%a, %b, 5] : memref<?x5xf32> into memref<?x?x5xf32>
  %v = memref.load %e[%c0, %c0, %c0] : memref<?x?x5xf32>
  return %v : f32
}
