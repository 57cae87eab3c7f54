// RUN: tessel-opt %s -split-input-file -verify-diagnostics

func.func @linear_contraction(%x: tensor<2x8xf32>, %w: tensor<16x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'tessel.linear' op input 2x8 does not contract with weight 16x4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.linear %x, %w, %b : (tensor<2x8xf32>, tensor<16x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_bias(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %b: tensor<8xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'tessel.linear' op bias 8 must have shape 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.linear %x, %w, %b : (tensor<2x8xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_activation(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tessel.linear' op activation 'leaky_relu' takes 1 parameters, got 0}}
  %0 = tessel.linear %x, %w, %b {activation = "leaky_relu"} : (tensor<2x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @attention_batch(%q: tensor<2x8x16xf32>, %k: tensor<3x8x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @+2 {{'tessel.attention' op q, k and v must share their batch axes, got 2x8x16, 3x8x16, 3x8x16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.attention %q, %k, %k {scale = 1.0 : f64} : (tensor<2x8x16xf32>, tensor<3x8x16xf32>, tensor<3x8x16xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}

// -----

func.func @attention_head_size(%q: tensor<2x8x16xf32>, %k: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  // expected-error @+2 {{'tessel.attention' op q 2x8x16 and k 2x8x8 must have the same head size}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.attention %q, %k, %k {scale = 1.0 : f64} : (tensor<2x8x16xf32>, tensor<2x8x8xf32>, tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}

// -----

func.func @attention_mask(%q: tensor<2x8x16xf32>, %m: tensor<2x5xf32>) -> tensor<2x8x16xf32> {
  // expected-error @+2 {{'tessel.attention' op mask of type 'tensor<2x5xf32>' does not broadcast to the scores 2x8x8 of 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.attention %q, %q, %q, %m {scale = 1.0 : f64} : (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x5xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}

// -----

func.func @rms_norm_scale(%x: tensor<2x8xf32>, %w: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'tessel.rms_norm' op scale of type 'tensor<4xf32>' does not broadcast to the normalized shape 8 of 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.rms_norm %x, %w {axis = 1 : i64} : (tensor<2x8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @group_norm_groups(%x: tensor<1x6x4x4xf32>, %g: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  // expected-error @+2 {{'tessel.group_norm' op num_groups 4 does not divide 6 channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.group_norm %x, %g, %g {num_groups = 4 : i64} : (tensor<1x6x4x4xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}
