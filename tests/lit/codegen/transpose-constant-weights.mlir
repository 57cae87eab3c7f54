// tessel-transpose-constant-weights: a constant [N, K] weight read
// transposed becomes a constant [K, N] read as it is; run-time weights stay.
// RUN: tessel-opt %s --split-input-file --tessel-transpose-constant-weights | FileCheck %s

// CHECK-LABEL: func.func @constant_weight
// CHECK: %[[W:.*]] = tessel.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: tessel.linear %arg0, %[[W]], %arg1 : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>)
// CHECK-NOT: transpose_weight
func.func @constant_weight(%x: tensor<4x3xf32>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
  %w = tessel.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = tessel.linear %x, %w, %b {transpose_weight = true} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// CHECK-LABEL: func.func @runtime_weight
// CHECK: tessel.linear %arg0, %arg1, %arg2 {transpose_weight = true}
func.func @runtime_weight(%x: tensor<4x3xf32>, %w: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
  %y = tessel.linear %x, %w, %b {transpose_weight = true} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A weight shared with another reader keeps its own layout for that reader.
// CHECK-LABEL: func.func @shared_weight
// CHECK-DAG: %[[W:.*]] = tessel.constant dense<{{.*}}> : tensor<2x3xf32>
// CHECK-DAG: %[[WT:.*]] = tessel.constant dense<{{.*}}> : tensor<3x2xf32>
// CHECK: tessel.linear %arg0, %[[WT]], %arg1
// CHECK: tessel.relu %[[W]]
func.func @shared_weight(%x: tensor<4x3xf32>, %b: tensor<2xf32>) -> (tensor<4x2xf32>, tensor<2x3xf32>) {
  %w = tessel.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = tessel.linear %x, %w, %b {transpose_weight = true} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %r = tessel.relu %w : tensor<2x3xf32>
  return %y, %r : tensor<4x2xf32>, tensor<2x3xf32>
}
