// tessel-convert-to-linalg: constants, reshape, transpose and concat.
// RUN: tessel-opt %s --tessel-convert-to-linalg -split-input-file | FileCheck %s

// Constants keep their attribute: resource blobs stay resource blobs.
// CHECK-LABEL: func.func @constants
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<weights> : tensor<2x2xf32>
// CHECK-DAG: %[[I:.*]] = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK: return %[[W]], %[[I]]
// CHECK-NOT: tessel.constant
// CHECK: weights: "0x040000000000803F0000004000004040000080C0"
func.func @constants() -> (tensor<2x2xf32>, tensor<3xi64>) {
  %0 = tessel.constant dense_resource<weights> : tensor<2x2xf32>
  %1 = tessel.constant dense<[1, 2, 3]> : tensor<3xi64>
  return %0, %1 : tensor<2x2xf32>, tensor<3xi64>
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}

// -----

// A reshape goes through a 1-D tensor (collapse, then expand).
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
// CHECK: return %[[R]]
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = tessel.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// From and to 1-D and rank 0 take one step.
// CHECK-LABEL: func.func @reshape_edges
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1x1xf32> into tensor<f32>
// CHECK-NOT: tensor.collapse_shape
// CHECK: return
func.func @reshape_edges(%a: tensor<6xf32>, %s: tensor<f32>, %o: tensor<1x1x1xf32>) -> (tensor<2x3xf32>, tensor<1x1xf32>, tensor<f32>) {
  %0 = tessel.reshape %a : tensor<6xf32> -> tensor<2x3xf32>
  %1 = tessel.reshape %s : tensor<f32> -> tensor<1x1xf32>
  %2 = tessel.reshape %o : tensor<1x1x1xf32> -> tensor<f32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<1x1xf32>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = tessel.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Each input is inserted at its running offset along the axis; empty inputs
// are skipped.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>, %[[E:.*]]: tensor<2x0x4xf32>, %[[B:.*]]: tensor<2x5x4xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2x8x4xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[A]] into %[[INIT]][0, 0, 0] [2, 3, 4] [1, 1, 1] : tensor<2x3x4xf32> into tensor<2x8x4xf32>
// CHECK-NOT: %[[E]]
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[B]] into %[[S0]][0, 3, 0] [2, 5, 4] [1, 1, 1] : tensor<2x5x4xf32> into tensor<2x8x4xf32>
// CHECK: return %[[S1]]
func.func @concat(%a: tensor<2x3x4xf32>, %e: tensor<2x0x4xf32>, %b: tensor<2x5x4xf32>) -> tensor<2x8x4xf32> {
  %0 = tessel.concat %a, %e, %b {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x0x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  return %0 : tensor<2x8x4xf32>
}

// -----

// Nothing of the tessel dialect is left after the pass.
// CHECK-LABEL: func.func @chain
// CHECK-NOT: tessel.
// CHECK: return
func.func @chain(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %c = tessel.constant dense<1.0> : tensor<3xf32>
  %0 = tessel.add %x, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = tessel.transpose %0 {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %2 = tessel.relu %1 : tensor<3x2xf32>
  return %2 : tensor<3x2xf32>
}
