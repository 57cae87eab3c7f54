// tessel-fuse-normalizations: written-out layer, RMS and group norms.
// RUN: tessel-opt %s --tessel-fuse-normalizations --split-input-file | FileCheck %s
// RUN: tessel-opt %s --tessel-fuse-normalizations=report=true --split-input-file -verify-diagnostics -o /dev/null

// PyTorch's opset-13 LayerNorm: ReduceMean, Sub, Pow 2, ReduceMean, Add eps,
// Sqrt, Div, then Mul gamma and Add beta.
// CHECK-LABEL: func.func @layer_norm_pow_div
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x32xf32>, %[[G:.*]]: tensor<32xf32>, %[[B:.*]]: tensor<32xf32>)
// CHECK-NEXT: %[[N:.*]] = tessel.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.9999997473787516E-6 : f64}
// CHECK-NEXT: return %[[N]]
func.func @layer_norm_pow_div(%x: tensor<2x8x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<2x8x32xf32> {
  %two = tessel.constant dense<2.0> : tensor<f32>
  %eps = tessel.constant dense<1.0e-5> : tensor<f32>
  %m = tessel.reduce_mean %x {axes = array<i64: 2>} : tensor<2x8x32xf32> -> tensor<2x8x1xf32>
  %d = tessel.sub %x, %m : (tensor<2x8x32xf32>, tensor<2x8x1xf32>) -> tensor<2x8x32xf32>
  %sq = tessel.pow %d, %two : (tensor<2x8x32xf32>, tensor<f32>) -> tensor<2x8x32xf32>
  %v = tessel.reduce_mean %sq {axes = array<i64: 2>} : tensor<2x8x32xf32> -> tensor<2x8x1xf32>
  %ve = tessel.add %v, %eps : (tensor<2x8x1xf32>, tensor<f32>) -> tensor<2x8x1xf32>
  %s = tessel.sqrt %ve : tensor<2x8x1xf32>
  // expected-remark @+1 {{fused layer_norm}}
  %n = tessel.div %d, %s : (tensor<2x8x32xf32>, tensor<2x8x1xf32>) -> tensor<2x8x32xf32>
  %y = tessel.mul %n, %g : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
  %z = tessel.add %y, %b : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
  return %z : tensor<2x8x32xf32>
}

// -----

// Mul(d, d) for the square, Mul by Reciprocal(Sqrt) for the division, over
// the last two axes, no affine: the scale is a splat 1.
// CHECK-LABEL: func.func @layer_norm_mul_reciprocal
// CHECK: %[[ONE:.*]] = tessel.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[N:.*]] = tessel.layer_norm %arg0, %[[ONE]] {axis = 1 : i64, epsilon = 0.0010000000474974513 : f64}
// CHECK-NEXT: return %[[N]]
func.func @layer_norm_mul_reciprocal(%x: tensor<4x6x5xf32>) -> tensor<4x6x5xf32> {
  %eps = tessel.constant dense<1.0e-3> : tensor<f32>
  %m = tessel.reduce_mean %x {axes = array<i64: 1, 2>} : tensor<4x6x5xf32> -> tensor<4x1x1xf32>
  %d = tessel.sub %x, %m : (tensor<4x6x5xf32>, tensor<4x1x1xf32>) -> tensor<4x6x5xf32>
  %sq = tessel.mul %d, %d : (tensor<4x6x5xf32>, tensor<4x6x5xf32>) -> tensor<4x6x5xf32>
  %v = tessel.reduce_mean %sq {axes = array<i64: 1, 2>} : tensor<4x6x5xf32> -> tensor<4x1x1xf32>
  %ve = tessel.add %eps, %v : (tensor<f32>, tensor<4x1x1xf32>) -> tensor<4x1x1xf32>
  %s = tessel.sqrt %ve : tensor<4x1x1xf32>
  %r = tessel.reciprocal %s : tensor<4x1x1xf32>
  // expected-remark @+1 {{fused layer_norm}}
  %n = tessel.mul %r, %d : (tensor<4x1x1xf32>, tensor<4x6x5xf32>) -> tensor<4x6x5xf32>
  return %n : tensor<4x6x5xf32>
}

// -----

// LLaMA's RMSNorm: x * (1 / sqrt(mean(x^2) + eps)) * w.
// CHECK-LABEL: func.func @rms_norm_div_one
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x32xf32>, %[[W:.*]]: tensor<32xf32>)
// CHECK-NEXT: %[[N:.*]] = tessel.rms_norm %[[X]], %[[W]] {axis = 2 : i64, epsilon = 9.9999999747524271E-7 : f64}
// CHECK-NEXT: return %[[N]]
func.func @rms_norm_div_one(%x: tensor<1x8x32xf32>, %w: tensor<32xf32>) -> tensor<1x8x32xf32> {
  %two = tessel.constant dense<2.0> : tensor<f32>
  %one = tessel.constant dense<1.0> : tensor<f32>
  %eps = tessel.constant dense<1.0e-6> : tensor<f32>
  %sq = tessel.pow %x, %two : (tensor<1x8x32xf32>, tensor<f32>) -> tensor<1x8x32xf32>
  %m = tessel.reduce_mean %sq {axes = array<i64: 2>} : tensor<1x8x32xf32> -> tensor<1x8x1xf32>
  %me = tessel.add %m, %eps : (tensor<1x8x1xf32>, tensor<f32>) -> tensor<1x8x1xf32>
  %s = tessel.sqrt %me : tensor<1x8x1xf32>
  %r = tessel.div %one, %s : (tensor<f32>, tensor<1x8x1xf32>) -> tensor<1x8x1xf32>
  // expected-remark @+1 {{fused rms_norm}}
  %n = tessel.mul %x, %r : (tensor<1x8x32xf32>, tensor<1x8x1xf32>) -> tensor<1x8x32xf32>
  %y = tessel.mul %n, %w : (tensor<1x8x32xf32>, tensor<32xf32>) -> tensor<1x8x32xf32>
  return %y : tensor<1x8x32xf32>
}

// -----

// RMSNorm as Div(x, Sqrt(...)), square as Mul(x, x), weight on the left.
// CHECK-LABEL: func.func @rms_norm_div
// CHECK-NEXT: %[[N:.*]] = tessel.rms_norm %arg0, %arg1 {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64}
// CHECK-NEXT: return %[[N]]
func.func @rms_norm_div(%x: tensor<4x16xf32>, %w: tensor<16xf32>) -> tensor<4x16xf32> {
  %eps = tessel.constant dense<1.0e-5> : tensor<f32>
  %sq = tessel.mul %x, %x : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = tessel.reduce_mean %sq {axes = array<i64: 1>} : tensor<4x16xf32> -> tensor<4x1xf32>
  %me = tessel.add %m, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %s = tessel.sqrt %me : tensor<4x1xf32>
  // expected-remark @+1 {{fused rms_norm}}
  %n = tessel.div %x, %s : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %y = tessel.mul %w, %n : (tensor<16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// RMSNorm with Sqrt + Reciprocal + Mul, no weight.
// CHECK-LABEL: func.func @rms_norm_reciprocal
// CHECK: tessel.rms_norm %arg0, %{{.*}} {axis = 1 : i64
// CHECK-NOT: tessel.sqrt
func.func @rms_norm_reciprocal(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = tessel.constant dense<2.0> : tensor<f32>
  %eps = tessel.constant dense<1.0e-5> : tensor<f32>
  %sq = tessel.pow %x, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %m = tessel.reduce_mean %sq {axes = array<i64: 1>} : tensor<4x16xf32> -> tensor<4x1xf32>
  %me = tessel.add %m, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %s = tessel.sqrt %me : tensor<4x1xf32>
  %r = tessel.reciprocal %s : tensor<4x1xf32>
  // expected-remark @+1 {{fused rms_norm}}
  %n = tessel.mul %x, %r : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// nn.GroupNorm as PyTorch exports it: Reshape to [N, G, -1], an instance norm
// (imported as a layer norm with unit scale, then Mul 1 and Add 0), Reshape
// back, Mul gamma [C, 1, 1], Add beta [C, 1, 1].
// CHECK-LABEL: func.func @group_norm
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x4x4xf32>, %[[G:.*]]: tensor<16x1x1xf32>, %[[B:.*]]: tensor<16x1x1xf32>)
// CHECK-DAG: %[[GV:.*]] = tessel.reshape %[[G]] : tensor<16x1x1xf32> -> tensor<16xf32>
// CHECK-DAG: %[[BV:.*]] = tessel.reshape %[[B]] : tensor<16x1x1xf32> -> tensor<16xf32>
// CHECK: %[[N:.*]] = tessel.group_norm %[[X]], %[[GV]], %[[BV]] {epsilon = 9.9999997473787516E-6 : f64, num_groups = 4 : i64}
// CHECK-NEXT: return %[[N]]
func.func @group_norm(%x: tensor<1x16x4x4xf32>, %g: tensor<16x1x1xf32>, %b: tensor<16x1x1xf32>) -> tensor<1x16x4x4xf32> {
  %one = tessel.constant dense<1.0> : tensor<f32>
  %ones = tessel.constant dense<1.0> : tensor<4x1xf32>
  %zeros = tessel.constant dense<0.0> : tensor<4x1xf32>
  %r = tessel.reshape %x : tensor<1x16x4x4xf32> -> tensor<1x4x64xf32>
  // expected-remark @+1 {{fused group_norm (groups=4)}}
  %n = tessel.layer_norm %r, %one {axis = 2 : i64, epsilon = 9.9999997473787516E-6 : f64} : (tensor<1x4x64xf32>, tensor<f32>) -> tensor<1x4x64xf32>
  %s = tessel.mul %n, %ones : (tensor<1x4x64xf32>, tensor<4x1xf32>) -> tensor<1x4x64xf32>
  %t = tessel.add %s, %zeros : (tensor<1x4x64xf32>, tensor<4x1xf32>) -> tensor<1x4x64xf32>
  %u = tessel.reshape %t : tensor<1x4x64xf32> -> tensor<1x16x4x4xf32>
  %y = tessel.mul %u, %g : (tensor<1x16x4x4xf32>, tensor<16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %z = tessel.add %y, %b : (tensor<1x16x4x4xf32>, tensor<16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %z : tensor<1x16x4x4xf32>
}

// -----

// Look-alikes that must not fuse.

// The mean and variance over axis 1 of 3: not trailing axes.
// CHECK-LABEL: func.func @not_trailing
// CHECK-NOT: tessel.layer_norm
// CHECK: tessel.div
func.func @not_trailing(%x: tensor<2x8x32xf32>) -> tensor<2x8x32xf32> {
  %eps = tessel.constant dense<1.0e-5> : tensor<f32>
  %m = tessel.reduce_mean %x {axes = array<i64: 1>} : tensor<2x8x32xf32> -> tensor<2x1x32xf32>
  %d = tessel.sub %x, %m : (tensor<2x8x32xf32>, tensor<2x1x32xf32>) -> tensor<2x8x32xf32>
  %sq = tessel.mul %d, %d : (tensor<2x8x32xf32>, tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
  %v = tessel.reduce_mean %sq {axes = array<i64: 1>} : tensor<2x8x32xf32> -> tensor<2x1x32xf32>
  %ve = tessel.add %v, %eps : (tensor<2x1x32xf32>, tensor<f32>) -> tensor<2x1x32xf32>
  %s = tessel.sqrt %ve : tensor<2x1x32xf32>
  // expected-remark @+2 {{missed layer_norm: the mean square is not taken over trailing axes with keepdims}}
  // expected-remark @+1 {{missed rms_norm: the mean square is not taken over trailing axes with keepdims}}
  %n = tessel.div %d, %s : (tensor<2x8x32xf32>, tensor<2x1x32xf32>) -> tensor<2x8x32xf32>
  return %n : tensor<2x8x32xf32>
}

// -----

// x - mean is also returned: fusing would compute it twice.
// CHECK-LABEL: func.func @centered_has_another_user
// CHECK-NOT: tessel.layer_norm
func.func @centered_has_another_user(%x: tensor<2x32xf32>) -> (tensor<2x32xf32>, tensor<2x32xf32>) {
  %eps = tessel.constant dense<1.0e-5> : tensor<f32>
  %m = tessel.reduce_mean %x {axes = array<i64: 1>} : tensor<2x32xf32> -> tensor<2x1xf32>
  %d = tessel.sub %x, %m : (tensor<2x32xf32>, tensor<2x1xf32>) -> tensor<2x32xf32>
  %sq = tessel.mul %d, %d : (tensor<2x32xf32>, tensor<2x32xf32>) -> tensor<2x32xf32>
  %v = tessel.reduce_mean %sq {axes = array<i64: 1>} : tensor<2x32xf32> -> tensor<2x1xf32>
  %ve = tessel.add %v, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %s = tessel.sqrt %ve : tensor<2x1xf32>
  // expected-remark @+2 {{missed layer_norm: x - mean has another user}}
  // expected-remark @+1 {{fused rms_norm}}
  %n = tessel.div %d, %s : (tensor<2x32xf32>, tensor<2x1xf32>) -> tensor<2x32xf32>
  return %n, %d : tensor<2x32xf32>, tensor<2x32xf32>
}

// -----

// The epsilon is not a constant: not a norm.
// CHECK-LABEL: func.func @epsilon_not_constant
// CHECK-NOT: tessel.rms_norm
func.func @epsilon_not_constant(%x: tensor<4x16xf32>, %e: tensor<4x1xf32>) -> tensor<4x16xf32> {
  %sq = tessel.mul %x, %x : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = tessel.reduce_mean %sq {axes = array<i64: 1>} : tensor<4x16xf32> -> tensor<4x1xf32>
  %me = tessel.add %m, %e : (tensor<4x1xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %s = tessel.sqrt %me : tensor<4x1xf32>
  %n = tessel.div %x, %s : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}
