// RUN: tessel-opt %s | tessel-opt | FileCheck %s
// Round trip of tessel.conv_transpose, pad, resize, layer_norm, prelu and lrn.

// CHECK-LABEL: func @conv_transpose
// CHECK: tessel.conv_transpose %arg0, %arg1, %arg2 {dilations = array<i64: 1, 2>, group = 2 : i64, output_padding = array<i64: 1, 0>, pads = array<i64: 0, 1, 1, 0>, strides = array<i64: 2, 3>}
// CHECK-SAME: -> tensor<1x6x11x11xf32>
func.func @conv_transpose(%x: tensor<1x4x5x4xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<6xf32>) -> tensor<1x6x11x11xf32> {
  %0 = tessel.conv_transpose %x, %w, %b {strides = array<i64: 2, 3>, pads = array<i64: 0, 1, 1, 0>,
      dilations = array<i64: 1, 2>, output_padding = array<i64: 1, 0>, group = 2 : i64}
      : (tensor<1x4x5x4xf32>, tensor<4x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x11x11xf32>
  return %0 : tensor<1x6x11x11xf32>
}

// CHECK-LABEL: func @pad
// CHECK: tessel.pad %arg0 {mode = "reflect", pads = array<i64: 0, 2, 0, -1>} : tensor<3x4xf32> -> tensor<3x5xf32>
func.func @pad(%x: tensor<3x4xf32>) -> tensor<3x5xf32> {
  %0 = tessel.pad %x {pads = array<i64: 0, 2, 0, -1>, mode = "reflect"} : tensor<3x4xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func @resize
// CHECK: tessel.resize %arg0 {coordinate_transformation_mode = "align_corners", mode = "linear", scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 1.500000e+00>, sizes = array<i64: 1, 2, 8, 6>}
func.func @resize(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x8x6xf32> {
  %0 = tessel.resize %x {sizes = array<i64: 1, 2, 8, 6>, scales = array<f64: 1.0, 1.0, 2.0, 1.5>,
      mode = "linear", coordinate_transformation_mode = "align_corners"}
      : tensor<1x2x4x4xf32> -> tensor<1x2x8x6xf32>
  return %0 : tensor<1x2x8x6xf32>
}

// CHECK-LABEL: func @layer_norm
// CHECK: tessel.layer_norm %arg0, %arg1, %arg2 {axis = 2 : i64, epsilon = 1.000000e-03 : f64} : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
// CHECK: tessel.layer_norm %{{.*}}, %arg1 {axis = 2 : i64} : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
func.func @layer_norm(%x: tensor<2x8x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<2x8x16xf32> {
  %0 = tessel.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-3 : f64}
      : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %1 = tessel.layer_norm %0, %g {axis = 2 : i64} : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return %1 : tensor<2x8x16xf32>
}

// CHECK-LABEL: func @prelu_lrn
// CHECK: tessel.prelu %arg0, %arg1 : (tensor<2x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<2x3x4x4xf32>
// CHECK: tessel.lrn %{{.*}} {alpha = 2.000000e-04 : f64, size = 3 : i64} : tensor<2x3x4x4xf32>
func.func @prelu_lrn(%x: tensor<2x3x4x4xf32>, %s: tensor<3x1x1xf32>) -> tensor<2x3x4x4xf32> {
  %0 = tessel.prelu %x, %s : (tensor<2x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<2x3x4x4xf32>
  %1 = tessel.lrn %0 {size = 3 : i64, alpha = 2.0e-4 : f64} : tensor<2x3x4x4xf32>
  return %1 : tensor<2x3x4x4xf32>
}
