// RUN: tessel-opt %s --split-input-file --tessel-convert-to-linalg | FileCheck %s
// tessel.pad and tessel.resize.

// Constant mode: negative pads crop first, positive ones pad.
// CHECK-LABEL: func @pad_constant
// CHECK: %[[C:.*]] = tensor.extract_slice %arg0[0, 1] [2, 3] [1, 1] : tensor<3x4xf32> to tensor<2x3xf32>
// CHECK: %[[V:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: tensor.pad %[[C]] low[2, 0] high[0, 2]
// CHECK:   tensor.yield %[[V]] : f32
// CHECK: } : tensor<2x3xf32> to tensor<4x5xf32>
func.func @pad_constant(%x: tensor<3x4xf32>) -> tensor<4x5xf32> {
  %0 = tessel.pad %x {pads = array<i64: 2, -1, -1, 2>, constant_value = 1.5 : f64} : tensor<3x4xf32> -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Reflect mode: index o - 2 folded at both ends; untouched axes read directly.
// CHECK-LABEL: func @pad_reflect
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x7xi32>)
// CHECK:   %[[R:.*]] = linalg.index 0 : index
// CHECK:   %[[O:.*]] = linalg.index 1 : index
// CHECK:   %[[S:.*]] = arith.subi %[[O]], %{{.*}} : index
// CHECK:   arith.maxsi %[[S]]
// CHECK:   arith.maxsi
// CHECK:   tensor.extract %arg0[%[[R]], %{{.*}}] : tensor<3x4xi32>
func.func @pad_reflect(%x: tensor<3x4xi32>) -> tensor<3x7xi32> {
  %0 = tessel.pad %x {pads = array<i64: 0, 2, 0, 1>, mode = "reflect"} : tensor<3x4xi32> -> tensor<3x7xi32>
  return %0 : tensor<3x7xi32>
}

// -----

// Edge mode clamps the index into [0, 3].
// CHECK-LABEL: func @pad_edge
// CHECK:   %[[S:.*]] = arith.subi
// CHECK:   %[[L:.*]] = arith.maxsi %[[S]], %{{.*}} : index
// CHECK:   %[[I:.*]] = arith.minsi %[[L]], %{{.*}} : index
// CHECK:   tensor.extract %arg0[%{{.*}}, %[[I]]] : tensor<3x4xf32>
func.func @pad_edge(%x: tensor<3x4xf32>) -> tensor<3x7xf32> {
  %0 = tessel.pad %x {pads = array<i64: 0, 2, 0, 1>, mode = "edge"} : tensor<3x4xf32> -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// Nearest: one index table for the resized axis (floor(x / 2)); the others
// read the output index.
// CHECK-LABEL: func @resize_nearest
// CHECK: %[[T:.*]] = arith.constant dense<{{\[}}[0], [0], [1], [1]]> : tensor<4x1xi64>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x4x3xf32>)
// CHECK:   %[[N:.*]] = linalg.index 0
// CHECK:   %[[C:.*]] = linalg.index 1
// CHECK:   %[[H:.*]] = linalg.index 2
// CHECK:   %[[W:.*]] = linalg.index 3
// CHECK:   %[[E:.*]] = tensor.extract %[[T]][%[[H]], %{{.*}}] : tensor<4x1xi64>
// CHECK:   %[[I:.*]] = arith.index_cast %[[E]] : i64 to index
// CHECK:   tensor.extract %arg0[%[[N]], %[[C]], %[[I]], %[[W]]] : tensor<1x2x2x3xf32>
func.func @resize_nearest(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x4x3xf32> {
  %0 = tessel.resize %x {sizes = array<i64: 1, 2, 4, 3>, scales = array<f64: 1.0, 1.0, 2.0, 1.0>,
      coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : tensor<1x2x2x3xf32> -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}

// -----

// Bilinear, half_pixel 2 -> 4: two taps per axis with weights from the tables,
// four products summed.
// CHECK-LABEL: func @resize_linear
// CHECK-DAG: arith.constant dense<{{\[}}[0, 0], [0, 1], [0, 1], [1, 0]]> : tensor<4x2xi64>
// CHECK-DAG: arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00], [7.500000e-01, 2.500000e-01], [2.500000e-01, 7.500000e-01], [1.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x4x4xf32>)
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: linalg.yield
func.func @resize_linear(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %0 = tessel.resize %x {sizes = array<i64: 1, 1, 4, 4>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>,
      mode = "linear"} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// tf_crop_and_resize: outputs whose coordinate leaves the input take the
// extrapolation value (an i1 table per axis).
// CHECK-LABEL: func @resize_crop
// CHECK: arith.constant dense<[true, false, false, true]> : tensor<4xi1>
// CHECK: linalg.generic
// CHECK:   %[[V:.*]] = arith.constant 2.500000e+00 : f32
// CHECK:   arith.select %{{.*}}, %[[V]], %{{.*}} : f32
func.func @resize_crop(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %0 = tessel.resize %x {sizes = array<i64: 1, 1, 4, 4>, scales = array<f64: 1.0, 1.0, 1.0, 1.0>,
      mode = "linear", coordinate_transformation_mode = "tf_crop_and_resize",
      roi = array<f64: 0.0, 0.0, 0.0, -0.5, 1.0, 1.0, 1.0, 1.5>, extrapolation_value = 2.5 : f64}
      : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
