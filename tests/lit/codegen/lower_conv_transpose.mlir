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

// -----

// Kernel == stride, no padding (U-Net's 2x2 stride-2 upsampling): no zero
// stuffing. One matmul per image over the input's pixels for every
// (filter, tap) row, w [C, F, K...] transposed to [F * prod(K), C], then one
// pass that interleaves its rows into the output and adds the bias.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[TAPS:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5, d2, d4)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1)>
// CHECK-LABEL: func @stride_sized
// CHECK: linalg.transpose ins(%arg1 : tensor<3x2x2x2xf32>) outs(%{{.*}} : tensor<2x2x2x3xf32>) permutation = [1, 2, 3, 0]
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[T]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<1x3x20xf32>, tensor<8x3xf32>) outs(%{{.*}} : tensor<1x8x20xf32>)
// CHECK: %[[PT:.*]] = tensor.expand_shape {{.*}} : tensor<160xf32> into tensor<1x2x2x2x4x5xf32>
// CHECK: linalg.generic {indexing_maps = [#[[TAPS]], #[[BIAS]], {{.*}}]{{.*}} ins(%[[PT]], %arg2 : tensor<1x2x2x2x4x5xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<1x2x4x2x5x2xf32>)
// CHECK-NOT: tensor.insert_slice
// CHECK: return {{.*}} : tensor<1x2x8x10xf32>
func.func @stride_sized(%x: tensor<1x3x4x5xf32>, %w: tensor<3x2x2x2xf32>, %b: tensor<2xf32>) -> tensor<1x2x8x10xf32> {
  %0 = tessel.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>}
      : (tensor<1x3x4x5xf32>, tensor<3x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x8x10xf32>
  return %0 : tensor<1x2x8x10xf32>
}

// -----

// Kernel == stride with a pad keeps the zero-stuffed form.
// CHECK-LABEL: func @stride_sized_padded
// CHECK: tensor.insert_slice %arg0 into
func.func @stride_sized_padded(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x6x6xf32> {
  %0 = tessel.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>}
      : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}
