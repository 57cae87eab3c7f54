// The fused ops parse, verify and print back (graph fusion builds them);
// default epsilons are not printed.
// RUN: tessel-opt %s | tessel-opt | FileCheck %s

// CHECK-LABEL: func.func @fused
// CHECK: tessel.linear %arg0, %arg1, %arg2, %arg3 {activation = "gelu_tanh", transpose_weight = true} : (tensor<2x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
// CHECK: tessel.attention %arg4, %arg4, %arg4, %arg5 {causal = true, scale = 1.250000e-01 : f64} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32>
// CHECK: tessel.rms_norm %arg0, %arg6 {axis = 2 : i64} : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
// CHECK: tessel.group_norm %arg7, %arg2, %arg2 {num_groups = 8 : i64} : (tensor<1x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x32x4x4xf32>
func.func @fused(%x: tensor<2x8x16xf32>, %w: tensor<32x16xf32>, %b: tensor<32xf32>, %r: tensor<2x8x32xf32>,
                 %q: tensor<2x4x8x16xf32>, %m: tensor<2x1x1x8xf32>, %g: tensor<16xf32>, %img: tensor<1x32x4x4xf32>)
    -> (tensor<2x8x32xf32>, tensor<2x4x8x16xf32>, tensor<2x8x16xf32>, tensor<1x32x4x4xf32>) {
  %0 = tessel.linear %x, %w, %b, %r {transpose_weight = true, activation = "gelu_tanh"} : (tensor<2x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
  %1 = tessel.attention %q, %q, %q, %m {scale = 0.125 : f64, causal = true} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32>
  %2 = tessel.rms_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-6 : f64} : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %3 = tessel.group_norm %img, %b, %b {num_groups = 8 : i64, epsilon = 1.0e-5 : f64} : (tensor<1x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x32x4x4xf32>
  return %0, %1, %2, %3 : tensor<2x8x32xf32>, tensor<2x4x8x16xf32>, tensor<2x8x16xf32>, tensor<1x32x4x4xf32>
}
