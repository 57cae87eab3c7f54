// RUN: tessel-opt %s --split-input-file --tessel-convert-to-linalg | FileCheck %s
// tessel.conv_transpose: a direct convolution over the zero-stuffed, padded
// input with the flipped, channel-exchanged kernel.

// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3) -> ((d0 floordiv 4) * 2 + d1, d0 mod 4, -d2 + 2, -d3 + 2)>
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
// CHECK-LABEL: func @stride2
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[FLIP]], {{.*}}]{{.*}} ins(%arg1 : tensor<2x4x3x3xf32>) outs(%{{.*}} : tensor<4x2x3x3xf32>)
// Strides 2: the 3x3 input lands at every other element of a 9x9 zero tensor,
// after (kernel - 1) - pad = 1 leading zeros; 3 - 0 + 1 (output_padding) trail.
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x9x9xf32>)
// CHECK: %[[S:.*]] = tensor.insert_slice %arg0 into %[[Z]][0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 2, 2] : tensor<1x2x3x3xf32> into tensor<1x2x9x9xf32>
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<4xf32>) outs(%{{.*}} : tensor<1x4x7x7xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[S]], %[[W]] : tensor<1x2x9x9xf32>, tensor<4x2x3x3xf32>) outs(%[[B]] : tensor<1x4x7x7xf32>)
func.func @stride2(%x: tensor<1x2x3x3xf32>, %w: tensor<2x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x7x7xf32> {
  %0 = tessel.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>,
      dilations = array<i64: 1, 1>, output_padding = array<i64: 1, 1>}
      : (tensor<1x2x3x3xf32>, tensor<2x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}

// -----

// A pad larger than the kernel's reach crops the input instead.
// CHECK-LABEL: func @crop
// CHECK: %[[S:.*]] = tensor.insert_slice %arg0 into %{{.*}}[0, 0, 0] [1, 1, 4] [1, 1, 1]
// CHECK: %[[C:.*]] = tensor.extract_slice %[[S]][0, 0, 1] [1, 1, 3] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x1x3xf32>
// CHECK: linalg.generic {{.*}} ins(%[[C]], %{{.*}} : tensor<1x1x3xf32>, tensor<1x1x2xf32>) outs(%{{.*}} : tensor<1x1x2xf32>)
func.func @crop(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %0 = tessel.conv_transpose %x, %w {strides = array<i64: 1>, pads = array<i64: 2, 1>,
      dilations = array<i64: 1>, output_padding = array<i64: 0>}
      : (tensor<1x1x4xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}
