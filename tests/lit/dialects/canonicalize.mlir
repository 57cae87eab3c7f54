// The op folders the graph pipeline relies on (canonicalize): reshape chains
// collapse, no-op reshapes/transposes/concats disappear, reshapes of inline
// constants fold; dead ops go (every tessel op is Pure).
// RUN: tessel-opt %s --canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = tessel.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<24xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %0 = tessel.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = tessel.reshape %0 : tensor<6x4xf32> -> tensor<4x6xf32>
  %2 = tessel.reshape %1 : tensor<4x6xf32> -> tensor<24xf32>
  return %2 : tensor<24xf32>
}

// -----

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %0 = tessel.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %1 = tessel.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %2 = tessel.concat %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// A real permutation and a real concat stay.
// CHECK-LABEL: func.func @not_identities
// CHECK: tessel.transpose %{{.*}} {perm = array<i64: 1, 0>}
// CHECK: tessel.concat
func.func @not_identities(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<4x3xf32>) {
  %0 = tessel.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = tessel.concat %x, %x {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<4x3xf32>
}

// -----

// Inline constants fold through reshape (same elements, row-major); resource
// blobs are left alone (they are never copied into the IR).
// CHECK-LABEL: func.func @constant_reshape
// CHECK-DAG: %[[C:.*]] = tessel.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-DAG: %[[B:.*]] = tessel.constant dense_resource<blob> : tensor<4xf32>
// CHECK-DAG: %[[R:.*]] = tessel.reshape %[[B]] : tensor<4xf32> -> tensor<1x4xf32>
// CHECK: return %[[C]], %[[R]]
func.func @constant_reshape() -> (tensor<3x2xf32>, tensor<1x4xf32>) {
  %c = tessel.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = tessel.reshape %c : tensor<2x3xf32> -> tensor<3x2xf32>
  %r = tessel.constant dense_resource<blob> : tensor<4xf32>
  %1 = tessel.reshape %r : tensor<4xf32> -> tensor<1x4xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<1x4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @dead_ops
// CHECK-NOT: tessel.
// CHECK: return
func.func @dead_ops(%x: tensor<2x3xf32>) {
  %0 = tessel.relu %x : tensor<2x3xf32>
  %1 = tessel.exp %0 : tensor<2x3xf32>
  return
}
