// RUN: tessel-opt %s --split-input-file --verify-diagnostics
// Verifier errors of tessel.conv_transpose, pad, resize, layer_norm, prelu and lrn.

func.func @conv_transpose_weight_rows(%x: tensor<1x4x5x5xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+2 {{'tessel.conv_transpose' op weight 3x2x3x3 must have as many rows as the input has channels (4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv_transpose %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>}
      : (tensor<1x4x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_cropped_away(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x2x2xf32>) {
  // expected-error @+2 {{'tessel.conv_transpose' op spatial axis 2 (input 2, kernel 2) has no output with pads 2+2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.conv_transpose %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 2, 0, 2, 0>,
      dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>}
      : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x1x3xf32>
  return
}

// -----

func.func @pad_reflect_too_far(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'tessel.pad' op reflect pads 0+4 must be smaller than axis 1 of size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.pad %x {pads = array<i64: 0, 0, 0, 4>, mode = "reflect"} : tensor<3x4xf32> -> tensor<3x8xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'tessel.pad' op mode 'wrap' is not supported (constant, reflect or edge)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.pad %x {pads = array<i64: 0, 0, 0, 1>, mode = "wrap"} : tensor<3x4xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{'tessel.resize' op coordinate_transformation_mode 'half_pixel_symmetric' is not supported}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.resize %x {sizes = array<i64: 1, 1, 8, 8>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>,
      coordinate_transformation_mode = "half_pixel_symmetric"} : tensor<1x1x4x4xf32> -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_roi(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{'tessel.resize' op tf_crop_and_resize needs a roi of 8 values}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.resize %x {sizes = array<i64: 1, 1, 8, 8>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>,
      mode = "linear", coordinate_transformation_mode = "tf_crop_and_resize"} : tensor<1x1x4x4xf32> -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+2 {{'tessel.layer_norm' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x8xf32>, %g: tensor<2x8xf32>) {
  // expected-error @+2 {{'tessel.layer_norm' op scale of type 'tensor<2x8xf32>' does not broadcast to the normalized shape 8 of 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @prelu_slope(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+2 {{'tessel.prelu' op slope 'tensor<3xf32>' does not broadcast to the input 'tensor<2x3x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tessel.prelu %x, %s : (tensor<2x3x4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<2x3x4xf32>) {
  // The result type is inferred while parsing, so only the verifier's error shows.
  // expected-error @+1 {{'tessel.lrn' op size must be positive, got 0}}
  %0 = tessel.lrn %x {size = 0 : i64} : tensor<2x3x4xf32>
  return
}
