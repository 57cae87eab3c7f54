// tessel-fuse-epilogues: MatMul / Gemm -> linear; BatchNorm, bias, residual
// and activation into conv / linear.
// RUN: tessel-opt %s --tessel-fuse-epilogues --split-input-file | FileCheck %s
// RUN: tessel-opt %s --tessel-fuse-epilogues=report=true --split-input-file -verify-diagnostics -o /dev/null

// ResNet's basic block tail: conv, residual Add, Relu -> one conv.
// CHECK-LABEL: func.func @conv_residual_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x6x6xf32>, %[[W:.*]]: tensor<4x4x3x3xf32>, %[[B:.*]]: tensor<4xf32>, %[[S:.*]]: tensor<1x4x6x6xf32>)
// CHECK-NEXT: %[[Y:.*]] = tessel.conv %[[X]], %[[W]], %[[B]], %[[S]] {activation = "relu", dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-NEXT: return %[[Y]]
func.func @conv_residual_relu(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x3x3xf32>, %b: tensor<4xf32>, %skip: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  // expected-remark @+2 {{fused residual}}
  // expected-remark @+1 {{fused activation (relu)}}
  %c = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %a = tessel.add %skip, %c : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %r = tessel.relu %a : tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// BatchNorm folds into constant weights: s = gamma / sqrt(var + eps) = [2, 0.5],
// w' = w * s per output channel, b' = (b - mean) * s + beta. Then Clip(0, 6)
// (ReLU6) becomes the activation.
// CHECK-LABEL: func.func @conv_batchnorm_relu6
// CHECK-DAG: %[[W:.*]] = tessel.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}1.500000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = tessel.constant dense<[3.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = tessel.conv %arg0, %[[W]], %[[B]] {activation = "clip", activation_params = array<f64: 0.000000e+00, 6.000000e+00>
// CHECK-NOT: tessel.batch_norm
// CHECK-NOT: tessel.clip
func.func @conv_batchnorm_relu6(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = tessel.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = tessel.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %gamma = tessel.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = tessel.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = tessel.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = tessel.constant dense<[1.0, 4.0]> : tensor<2xf32>
  // expected-remark @+2 {{fused batch_norm (folded into the weights)}}
  // expected-remark @+1 {{fused activation (clip)}}
  %c = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %n = tessel.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %r = tessel.clip %n {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// -----

// A transformer's MLP: MatMul by a 2-D weight, bias Add, GELU written with
// Erf (x * (1 + erf(x / sqrt 2)) * 0.5), MatMul, bias Add, residual Add.
// CHECK-LABEL: func.func @mlp_gelu_residual
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x16xf32>, %[[W1:.*]]: tensor<16x32xf32>, %[[W2:.*]]: tensor<32x16xf32>)
// CHECK-DAG: %[[B1:.*]] = tessel.constant dense_resource<fused_bias> : tensor<32xf32>
// CHECK-DAG: %[[B2:.*]] = tessel.constant dense<5.000000e-01> : tensor<16xf32>
// CHECK: %[[H:.*]] = tessel.linear %[[X]], %[[W1]], %[[B1]] {activation = "gelu_erf"}
// CHECK: %[[Y:.*]] = tessel.linear %[[H]], %[[W2]], %[[B2]], %[[X]] : (tensor<2x8x32xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @mlp_gelu_residual(%x: tensor<2x8x16xf32>, %w1: tensor<16x32xf32>, %w2: tensor<32x16xf32>) -> tensor<2x8x16xf32> {
  %b1 = tessel.constant dense<0.25> : tensor<32xf32>
  %b2 = tessel.constant dense<0.5> : tensor<16xf32>
  %sqrt2 = tessel.constant dense<1.41421354> : tensor<f32>
  %one = tessel.constant dense<1.0> : tensor<f32>
  %half = tessel.constant dense<0.5> : tensor<f32>
  // expected-remark @+3 {{fused linear (MatMul)}}
  // expected-remark @+2 {{fused bias}}
  // expected-remark @+1 {{fused activation (gelu_erf)}}
  %m = tessel.matmul %x, %w1 : (tensor<2x8x16xf32>, tensor<16x32xf32>) -> tensor<2x8x32xf32>
  %h = tessel.add %m, %b1 : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
  %d = tessel.div %h, %sqrt2 : (tensor<2x8x32xf32>, tensor<f32>) -> tensor<2x8x32xf32>
  %e = tessel.erf %d : tensor<2x8x32xf32>
  %e1 = tessel.add %e, %one : (tensor<2x8x32xf32>, tensor<f32>) -> tensor<2x8x32xf32>
  %g0 = tessel.mul %h, %e1 : (tensor<2x8x32xf32>, tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
  %g = tessel.mul %g0, %half : (tensor<2x8x32xf32>, tensor<f32>) -> tensor<2x8x32xf32>
  // expected-remark @+3 {{fused linear (MatMul)}}
  // expected-remark @+2 {{fused bias}}
  // expected-remark @+1 {{fused residual}}
  %m2 = tessel.matmul %g, %w2 : (tensor<2x8x32xf32>, tensor<32x16xf32>) -> tensor<2x8x16xf32>
  %o = tessel.add %m2, %b2 : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %r = tessel.add %x, %o : (tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %r : tensor<2x8x16xf32>
}

// -----

// Gemm with transB and a [N] C is a linear with a transposed weight; SiLU
// written as x * sigmoid(x) is its activation.
// CHECK-LABEL: func.func @gemm_silu
// CHECK: %[[Y:.*]] = tessel.linear %arg0, %arg1, %arg2 {activation = "silu", transpose_weight = true}
// CHECK-NEXT: return %[[Y]]
func.func @gemm_silu(%a: tensor<4x8xf32>, %w: tensor<16x8xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  // expected-remark @+2 {{fused linear (Gemm)}}
  // expected-remark @+1 {{fused activation (silu)}}
  %g = tessel.gemm %a, %w, %c {trans_b = true} : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %s = tessel.sigmoid %g : tensor<4x16xf32>
  %y = tessel.mul %g, %s : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// LeakyRelu, Tanh, HardSigmoid and HardSwish after convs.
// CHECK-LABEL: func.func @activations
// CHECK: activation = "leaky_relu", activation_params = array<f64: 2.000000e-01>
// CHECK: activation = "tanh"
// CHECK: activation = "hard_sigmoid", activation_params = array<f64: 2.000000e-01, 5.000000e-01>
// CHECK: activation = "hard_swish"
func.func @activations(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  // expected-remark @+1 {{fused activation (leaky_relu)}}
  %c0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %a0 = tessel.leaky_relu %c0 {alpha = 0.2 : f64} : tensor<1x2x3x3xf32>
  // expected-remark @+1 {{fused activation (tanh)}}
  %c1 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %a1 = tessel.tanh %c1 : tensor<1x2x3x3xf32>
  // expected-remark @+1 {{fused activation (hard_sigmoid)}}
  %c2 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %a2 = tessel.hard_sigmoid %c2 {alpha = 0.2 : f64, beta = 0.5 : f64} : tensor<1x2x3x3xf32>
  // expected-remark @+1 {{fused activation (hard_swish)}}
  %c3 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %a3 = tessel.hard_swish %c3 : tensor<1x2x3x3xf32>
  return %a0, %a1, %a2, %a3 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// GELU's tanh approximation as PyTorch writes it (x³ as x * (x * x)).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK: %[[Y:.*]] = tessel.linear %arg0, %arg1, %arg2 {activation = "gelu_tanh"}
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh(%x: tensor<2x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %c1 = tessel.constant dense<0.0447149984> : tensor<f32>
  %c2 = tessel.constant dense<0.797884583> : tensor<f32>
  %one = tessel.constant dense<1.0> : tensor<f32>
  %half = tessel.constant dense<0.5> : tensor<f32>
  // expected-remark @+2 {{fused linear (Gemm)}}
  // expected-remark @+1 {{fused activation (gelu_tanh)}}
  %y = tessel.gemm %x, %w, %b : (tensor<2x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %sq = tessel.mul %y, %y : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %cube = tessel.mul %y, %sq : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = tessel.mul %cube, %c1 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %u = tessel.add %y, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %v = tessel.mul %u, %c2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %t = tessel.tanh %v : tensor<2x8xf32>
  %t1 = tessel.add %t, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %g0 = tessel.mul %y, %t1 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %g = tessel.mul %g0, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %g : tensor<2x8xf32>
}

// -----

// Hardswish before opset 14 (x * HardSigmoid(x, 1/6, 1/2)), and F.relu6 as
// Relu then Clip(0, 6).
// CHECK-LABEL: func.func @hardswish_and_relu6
// CHECK: activation = "hard_swish"
// CHECK: activation = "clip", activation_params = array<f64: 0.000000e+00, 6.000000e+00>
// CHECK-NOT: tessel.clip
func.func @hardswish_and_relu6(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  // expected-remark @+1 {{fused activation (hard_swish)}}
  %c0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %h = tessel.hard_sigmoid %c0 {alpha = 0.1666666716337204 : f64, beta = 0.5 : f64} : tensor<1x2x3x3xf32>
  %a0 = tessel.mul %c0, %h : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark @+2 {{fused activation (relu)}}
  // expected-remark @+1 {{fused activation (clip)}}
  %c1 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %r = tessel.relu %c1 : tensor<1x2x3x3xf32>
  %a1 = tessel.clip %r {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x2x3x3xf32>
  return %a0, %a1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// BatchNorm1d after a Gemm (weight [N, K], transB) folds per output feature:
// s = [2, 1], w' rows scaled by s, b' = (b - mean) * s + beta.
// CHECK-LABEL: func.func @gemm_batchnorm
// CHECK-DAG: %[[W:.*]] = tessel.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = tessel.constant dense<[3.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK: tessel.linear %arg0, %[[W]], %[[B]] {transpose_weight = true}
// CHECK-NOT: tessel.batch_norm
func.func @gemm_batchnorm(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = tessel.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = tessel.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %gamma = tessel.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = tessel.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %mean = tessel.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %var = tessel.constant dense<[1.0, 1.0]> : tensor<2xf32>
  // expected-remark @+2 {{fused linear (Gemm)}}
  // expected-remark @+1 {{fused batch_norm (folded into the weights)}}
  %g = tessel.gemm %x, %w, %b {trans_b = true} : (tensor<4x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %n = tessel.batch_norm %g, %gamma, %beta, %mean, %var {epsilon = 0.0 : f64} : (tensor<4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %n : tensor<4x2xf32>
}

// -----

// Look-alikes that must not fuse.

// The conv result is also returned: the Relu stays.
// CHECK-LABEL: func.func @conv_result_has_another_user
// CHECK: tessel.conv
// CHECK-NOT: activation
// CHECK: tessel.relu
func.func @conv_result_has_another_user(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %c = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark @+1 {{missed activation: the conv/linear result has another user}}
  %r = tessel.relu %c : tensor<1x2x3x3xf32>
  return %r, %c : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// An Add that broadcasts a run-time tensor (a time embedding [1, C, 1, 1]) is
// neither a bias nor a residual.
// CHECK-LABEL: func.func @broadcasting_add
// CHECK: tessel.conv %arg0, %arg1, %arg2 {
// CHECK: tessel.add
func.func @broadcasting_add(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2xf32>, %t: tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32> {
  %c = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark @+1 {{missed epilogue: the added tensor is neither a per-channel constant nor of the result's shape (a broadcasting Add)}}
  %a = tessel.add %c, %t : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %a : tensor<1x2x3x3xf32>
}

// -----

// BatchNorm after a conv whose weights are run-time values.
// CHECK-LABEL: func.func @batchnorm_weights_not_constant
// CHECK: tessel.batch_norm
func.func @batchnorm_weights_not_constant(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2xf32>, %p: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %c = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark @+1 {{missed batch_norm: the weights or the BatchNorm parameters are not constants}}
  %n = tessel.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0e-5 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %n : tensor<1x2x3x3xf32>
}
