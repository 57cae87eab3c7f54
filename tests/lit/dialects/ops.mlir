// Every tessel op parses, verifies and prints back; printing is stable (the
// output parses again to the same text) and survives the generic form.
// RUN: tessel-opt %s | FileCheck %s
// RUN: tessel-opt %s | tessel-opt | FileCheck %s
// RUN: tessel-opt %s --mlir-print-op-generic | tessel-opt | FileCheck %s

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>,
                  %e: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // CHECK: tessel.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = tessel.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tessel.sub %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %1 = tessel.sub %0, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // CHECK: tessel.mul %{{.*}}, %{{.*}} : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = tessel.mul %c, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tessel.div
  %3 = tessel.div %1, %2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // The exponent of pow may have another element type.
  // CHECK: tessel.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  %4 = tessel.pow %3, %e : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  // CHECK: tessel.max
  %5 = tessel.max %4, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tessel.min
  %6 = tessel.min %5, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @integer_binary
func.func @integer_binary(%a: tensor<4xi64>, %b: tensor<i64>) -> tensor<4xi64> {
  // Rank-0 operands broadcast against anything.
  // CHECK: tessel.add %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %0 = tessel.add %a, %b : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x3xf32>, %i: tensor<5xi32>) -> (tensor<2x3xf32>, tensor<5xi32>) {
  // CHECK: tessel.neg %{{.*}} : tensor<2x3xf32>
  %0 = tessel.neg %x : tensor<2x3xf32>
  // CHECK: tessel.abs
  %1 = tessel.abs %0 : tensor<2x3xf32>
  // CHECK: tessel.relu
  %2 = tessel.relu %1 : tensor<2x3xf32>
  // CHECK: tessel.sqrt
  %3 = tessel.sqrt %2 : tensor<2x3xf32>
  // CHECK: tessel.exp
  %4 = tessel.exp %3 : tensor<2x3xf32>
  // CHECK: tessel.log
  %5 = tessel.log %4 : tensor<2x3xf32>
  // CHECK: tessel.reciprocal
  %6 = tessel.reciprocal %5 : tensor<2x3xf32>
  // CHECK: tessel.sigmoid
  %7 = tessel.sigmoid %6 : tensor<2x3xf32>
  // CHECK: tessel.tanh
  %8 = tessel.tanh %7 : tensor<2x3xf32>
  // CHECK: tessel.erf
  %9 = tessel.erf %8 : tensor<2x3xf32>
  // CHECK: tessel.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f64} : tensor<2x3xf32>
  %10 = tessel.leaky_relu %9 {alpha = 0.1 : f64} : tensor<2x3xf32>
  // CHECK: tessel.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<2x3xf32>
  %11 = tessel.clip %10 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x3xf32>
  // Either clip bound may be absent.
  // CHECK: tessel.clip %{{.*}} {max = 1.000000e+00 : f64} : tensor<2x3xf32>
  %12 = tessel.clip %11 {max = 1.0 : f64} : tensor<2x3xf32>
  // Integer tensors take the non-float unary ops.
  // CHECK: tessel.neg %{{.*}} : tensor<5xi32>
  %13 = tessel.neg %i : tensor<5xi32>
  // CHECK: tessel.relu %{{.*}} : tensor<5xi32>
  %14 = tessel.relu %13 : tensor<5xi32>
  return %12, %14 : tensor<2x3xf32>, tensor<5xi32>
}

// CHECK-LABEL: func.func @contractions
func.func @contractions(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %v: tensor<4xf32>,
                        %m: tensor<4x3xf32>, %n: tensor<5x4xf32>, %c: tensor<5xf32>)
    -> (tensor<2x3x5xf32>, tensor<2x3xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  // CHECK: tessel.matmul %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %0 = tessel.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  // A 1-D rhs is promoted to a column and the promoted dim dropped.
  // CHECK: tessel.matmul %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  %1 = tessel.matmul %a, %v : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  // Default attributes are not printed.
  // CHECK: tessel.gemm %{{.*}}, %{{.*}}, %{{.*}} {trans_a = true} : (tensor<4x3xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  %2 = tessel.gemm %m, %b, %c {trans_a = true} : (tensor<4x3xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  // CHECK: tessel.gemm %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f64, trans_a = true, trans_b = true} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  %3 = tessel.gemm %m, %n {trans_a = true, trans_b = true, alpha = 0.5 : f64} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return %0, %1, %2, %3 : tensor<2x3x5xf32>, tensor<2x3xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2x1x1xf32>, tensor<2xf32>, tensor<3x4xf32>) {
  // CHECK: tessel.reduce_sum %{{.*}} {axes = array<i64: 1, 2>} : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  %0 = tessel.reduce_sum %x {axes = array<i64: 1, 2>} : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  // CHECK: tessel.reduce_mean %{{.*}} {axes = array<i64: 1, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<2xf32>
  %1 = tessel.reduce_mean %x {axes = array<i64: 1, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<2xf32>
  // CHECK: tessel.reduce_max
  %2 = tessel.reduce_max %x {axes = array<i64: 0>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3x4xf32>
  // CHECK: tessel.reduce_min
  %3 = tessel.reduce_min %2 {axes = array<i64>} : tensor<3x4xf32> -> tensor<3x4xf32>
  // CHECK: tessel.reduce_prod
  %4 = tessel.reduce_prod %3 {axes = array<i64>, keepdims = false} : tensor<3x4xf32> -> tensor<3x4xf32>
  return %0, %1, %4 : tensor<2x1x1xf32>, tensor<2xf32>, tensor<3x4xf32>
}

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: tessel.softmax %{{.*}} {axis = 1 : i64} : tensor<2x3xf32>
  %0 = tessel.softmax %x {axis = 1 : i64} : tensor<2x3xf32>
  // CHECK: tessel.log_softmax %{{.*}} {axis = 0 : i64} : tensor<2x3xf32>
  %1 = tessel.log_softmax %0 {axis = 0 : i64} : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @nn
func.func @nn(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>,
              %p: tensor<4xf32>) -> (tensor<1x6x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x8x8xf32>) {
  // CHECK: tessel.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  // CHECK: tessel.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %1 = tessel.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // ceil_mode rounds the output size up: (8 - 3) / 3 + 1 = 2 windows become 3.
  // CHECK: tessel.avg_pool %{{.*}} {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 3>} : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  %2 = tessel.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true, count_include_pad = true} : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  // With ceil_mode, a last window that would start in the end padding is
  // dropped: (3 + 1 + 1 - 1) / 2 + 1 = 3 windows, the third starting at 4 >= 3 + 1.
  // CHECK: tessel.max_pool %{{.*}} : tensor<1x4x3x3xf32> -> tensor<1x4x2x2xf32>
  %cm = tessel.max_pool %2 {kernel_shape = array<i64: 1, 1>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x4x3x3xf32> -> tensor<1x4x2x2xf32>
  // CHECK: tessel.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-05 : f64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %3 = tessel.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0, %1, %2, %3 : tensor<1x6x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @tensor_ops
func.func @tensor_ops(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>)
    -> (tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<2x8x4xf32>) {
  // CHECK: tessel.reshape %{{.*}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = tessel.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: tessel.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = tessel.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: tessel.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %2 = tessel.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  return %0, %1, %2 : tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<2x8x4xf32>
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<3xf32>, tensor<2x2xf32>, tensor<i1>) {
  // CHECK: tessel.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
  %0 = tessel.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  // CHECK: tessel.constant dense_resource<blob1> : tensor<2x2xf32>
  %1 = tessel.constant dense_resource<blob1> : tensor<2x2xf32>
  // CHECK: tessel.constant dense<true> : tensor<i1>
  %2 = tessel.constant dense<true> : tensor<i1>
  return %0, %1, %2 : tensor<3xf32>, tensor<2x2xf32>, tensor<i1>
}

// The resource blob survives the round trip byte for byte.
// CHECK: dialect_resources
// CHECK: blob1: "0x040000000000803F0000004000004040000080C0"
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}
