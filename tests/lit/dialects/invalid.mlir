// Verifier and shape-inference errors of the tessel ops. Ops that infer
// their result type reject both operands that do not fit and a declared
// result type other than the inferred one.
// RUN: tessel-opt %s -split-input-file -verify-diagnostics

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tessel.add' op operand shapes 2x3 and 4 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bad_broadcast_inner(%a: tensor<2x3x4xf32>, %b: tensor<2x1x5xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{'tessel.mul' op operand shapes 2x3x4 and 2x1x5 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.mul %a, %b : (tensor<2x3x4xf32>, tensor<2x1x5xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @wrong_result_type(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'tessel.sub' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @mixed_element_types(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tessel.div' op operand element types differ: 'f32' vs 'i32'}}
  %0 = tessel.div %a, %b : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @unsupported_element_type(%a: tensor<2xbf16>) -> tensor<2xbf16> {
  // expected-error @+1 {{'tessel.relu' op operand #0 must be ranked tensor of}}
  %0 = tessel.relu %a : tensor<2xbf16>
  return %0 : tensor<2xbf16>
}

// -----

func.func @float_op_on_integers(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'tessel.exp' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float values}}
  %0 = tessel.exp %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @unary_changes_type(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'tessel.relu' op requires the same type for all operands and results}}
  %0 = "tessel.relu"(%a) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @leaky_relu_without_alpha(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'tessel.leaky_relu' op requires attribute 'alpha'}}
  %0 = tessel.leaky_relu %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'tessel.matmul' op contraction sizes differ: 2x3 by 4x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @matmul_vector_contraction(%a: tensor<3xf32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'tessel.matmul' op contraction sizes differ: 3 by 4x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.matmul %a, %b : (tensor<3xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x3x6xf32> {
  // expected-error @+2 {{'tessel.matmul' op batch dimensions of 2x3x4 and 5x4x6 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tessel.matmul' op operands must not be scalars}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.matmul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @matmul_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<5x2xf32> {
  // expected-error @+2 {{'tessel.matmul' op inferred type(s) 'tensor<2x5xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

func.func @gemm_not_matrix(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'tessel.gemm' op A and B must be matrices, got 2x3x4 and 4x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_contraction(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // With trans_a, A is 4x3: its 3 columns meet B's 4 rows.
  // expected-error @+2 {{'tessel.gemm' op contraction sizes differ: 3 vs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.gemm %a, %b {trans_a = true} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_bias(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'tessel.gemm' op bias of shape 3 does not broadcast to 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_bias_too_big(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<6x5xf32>) -> tensor<3x5xf32> {
  // Broadcasting may stretch C, never shrink it.
  // expected-error @+2 {{'tessel.gemm' op bias of shape 6x5 does not broadcast to 3x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<6x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @reduce_axis_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tessel.reduce_sum' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.reduce_sum %x {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // Axes are normalized by the importer; the op takes non-negative ones only.
  // expected-error @+2 {{'tessel.reduce_max' op axis -1 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.reduce_max %x {axes = array<i64: -1>} : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_axis_repeats(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'tessel.reduce_mean' op axis 1 repeats}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.reduce_mean %x {axes = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_keepdims_result(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // keepdims defaults to true: the result keeps a size-1 axis.
  // expected-error @+2 {{'tessel.reduce_sum' op inferred type(s) 'tensor<2x1xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.reduce_sum %x {axes = array<i64: 1>} : tensor<2x3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tessel.softmax' op axis 2 is out of range for rank 2}}
  %0 = tessel.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @log_softmax_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tessel.log_softmax' op axis -1 is out of range for rank 2}}
  %0 = tessel.log_softmax %x {axis = -1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+2 {{'tessel.conv' op group 3 does not divide 4 input channels and 6 filters}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 3 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_group_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  // With 2 groups each filter sees 2 channels, but the weight holds 4.
  // expected-error @+2 {{'tessel.conv' op weight 6x4x3x3 expects 8 input channels, input has 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_zero_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+2 {{'tessel.conv' op group 0 does not divide}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 0 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+2 {{'tessel.conv' op bias 4 must have shape 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<4xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_rank(%x: tensor<1x4x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6xf32> {
  // expected-error @+2 {{'tessel.conv' op input 1x4x8 and weight 6x4x3x3 must have the same rank, at least 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x4x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6xf32>
  return %0 : tensor<1x6x6xf32>
}

// -----

func.func @conv_window_too_big(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x5x5xf32>, %b: tensor<1xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+2 {{'tessel.conv' op window of size 5 (dilation 1) does not fit axis 2 of size 3 with pads 0+0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x5x5xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

func.func @conv_pads_count(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>, %b: tensor<1xf32>) -> tensor<1x1x8x8xf32> {
  // expected-error @+2 {{'tessel.conv' op expects 2 strides, 2 dilations and 4 pads}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

func.func @conv_negative_pad(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>, %b: tensor<1xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+2 {{'tessel.conv' op pads must not be negative}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @conv_zero_stride(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>, %b: tensor<1xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error @+2 {{'tessel.conv' op kernel sizes, strides and dilations must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}

// -----

func.func @conv_wrong_result(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x8x8xf32> {
  // Stride 2, pad 1: (8 + 2 - 3) / 2 + 1 = 4.
  // expected-error @+2 {{'tessel.conv' op inferred type(s) 'tensor<1x2x4x4xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}

// -----

func.func @pool_rank(%x: tensor<1x4x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'tessel.max_pool' op input of shape 1x4x8 needs rank 4 for a 2-D window}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @pool_dilated_window(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xf32> {
  // A 3-tap window with dilation 2 spans 5 elements.
  // expected-error @+2 {{'tessel.avg_pool' op window of size 3 (dilation 2) does not fit axis 2 of size 4 with pads 0+0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.avg_pool %x {kernel_shape = array<i64: 3, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'tessel.batch_norm' op parameter of shape 3 must have shape 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.batch_norm %x, %p, %p, %q, %p {epsilon = 1.0e-5 : f64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tessel.batch_norm' op input must have rank >= 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tessel.reshape' op cannot reshape 2x3 into 4x2}}
  %0 = tessel.reshape %x : tensor<2x3xf32> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @reshape_scalar(%x: tensor<2xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tessel.reshape' op cannot reshape 2 into scalar}}
  %0 = tessel.reshape %x : tensor<2xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @+1 {{'tessel.reshape' op changes the element type}}
  %0 = tessel.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{'tessel.transpose' op perm is not a permutation}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.transpose %x {perm = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @transpose_out_of_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'tessel.transpose' op perm is not a permutation}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.transpose %x {perm = array<i64: 2, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_length(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'tessel.transpose' op permutation has 3 entries for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.transpose %x {perm = array<i64: 1, 0, 2>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_wrong_result(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  // expected-error @+2 {{'tessel.transpose' op inferred type(s) 'tensor<3x4x2xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

func.func @concat_shapes(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'tessel.concat' op input shapes 2x3 and 3x3 differ off axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tessel.concat' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.concat %a, %b {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_element_types(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'tessel.concat' op inputs differ in rank or element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @constant_type() -> tensor<2xf32> {
  // The result type is the value's type.
  // expected-error @+2 {{'tessel.constant' op inferred type(s) 'tensor<3xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tessel.constant"() {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @unranked(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'tessel.neg' op operand #0 must be ranked tensor of}}
  %0 = "tessel.neg"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @slice_out_of_bounds(%x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tessel.slice' op window of dimension 0 leaves the input}}
  %r = tessel.slice %x {starts = array<i64: 2>, steps = array<i64: 1>} : tensor<4xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

func.func @expand_incompatible(%x: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tessel.expand' op cannot broadcast 3 to 2x4}}
  %r = tessel.expand %x : tensor<3xf32> -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

func.func @einsum_bad_term(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'tessel.einsum' op term 'ijk' does not match operand rank 2}}
  %r = tessel.einsum %a {equation = "ijk->i"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @and_not_bool(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'tessel.and' op operands must be boolean tensors}}
  %r = tessel.and %a, %a : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}

// -----

func.func @gather_nd_tuple_too_long(%d: tensor<2x3xf32>, %i: tensor<4x3xi64>) -> tensor<4xf32> {
  // expected-error @+2 {{'tessel.gather_nd' op index tuples of length 3 do not fit data of rank 2 after 0 batch axes}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = tessel.gather_nd %d, %i {batch_dims = 0 : i64} : (tensor<2x3xf32>, tensor<4x3xi64>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @gather_nd_batch_mismatch(%d: tensor<2x3xf32>, %i: tensor<3x1xi64>) -> tensor<3xf32> {
  // expected-error @+2 {{'tessel.gather_nd' op batch axis 0 differs: 2 in data, 3 in indices}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = tessel.gather_nd %d, %i {batch_dims = 1 : i64} : (tensor<2x3xf32>, tensor<3x1xi64>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

func.func @scatter_bad_reduction(%d: tensor<3xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'tessel.scatter_elements' op reduction 'sub' is not none, add, mul, max or min}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = tessel.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "sub"} : (tensor<3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

func.func @scatter_nd_bad_updates(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x4xf32> {
  // expected-error @+2 {{'tessel.scatter_nd' op updates must have shape indices.shape[:-1] + data.shape[k:] and the data's element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = tessel.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

func.func @conv_residual_type(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>, %r: tensor<1x6x6x5xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'tessel.conv' op residual 'tensor<1x6x6x5xf32>' must have the result's type 'tensor<1x6x6x6xf32>'}}
  %0 = tessel.conv %x, %w, %b, %r {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>, tensor<1x6x6x5xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_activation(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'tessel.conv' op unknown activation 'swish'}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "swish"} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_activation_params(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'tessel.conv' op activation 'clip' takes 2 parameters, got 1}}
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "clip", activation_params = array<f64: 6.0>} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}
