// RUN: tessel-opt %s --split-input-file --tessel-convert-to-linalg | FileCheck %s
// tessel.layer_norm, tessel.prelu and tessel.lrn.

// Layer norm: sum, mean, centered squares, rsqrt(var + eps), then one
// elementwise pass with scale and bias broadcast over the normalized axis.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func @layer_norm
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<2x3x4xf32>)
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x3xf32>)
// CHECK:   arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[MEAN]] : tensor<2x3x4xf32>, tensor<2x3xf32>)
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<2x3xf32>)
// CHECK:   arith.constant 1.000000e-03 : f32
// CHECK:   math.rsqrt
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[LAST]], #[[LAST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[MEAN]], %[[INV]], %arg1, %arg2 : tensor<2x3x4xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:   arith.subf
// CHECK:   arith.mulf
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = tessel.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-3 : f64}
      : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-DAG: #[[SLOPE:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func @prelu
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SLOPE]], #{{.*}}]{{.*}} ins(%arg0, %arg1 : tensor<2x3x4xf32>, tensor<3x1xf32>)
// CHECK:   %[[NEG:.*]] = arith.cmpf olt
// CHECK:   %[[M:.*]] = arith.mulf
// CHECK:   arith.select %[[NEG]], %[[M]], %{{.*}} : f32
func.func @prelu(%x: tensor<2x3x4xf32>, %s: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = tessel.prelu %x, %s : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// LRN with an even size 4: the squares are padded by 1 channel before and 2
// after, summed over 4 channels, then x / (1 + 1e-4/4 * sum)^0.75.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d4, d2, d3)>
// CHECK-LABEL: func @lrn
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 2, 0, 0]
// CHECK: } : tensor<1x5x2x2xf32> to tensor<1x8x2x2xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[WIN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[P]], %{{.*}} : tensor<1x8x2x2xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[SUM]]
// CHECK:   arith.constant 2.500000e-05 : f32
// CHECK:   math.powf
// CHECK:   arith.divf
func.func @lrn(%x: tensor<1x5x2x2xf32>) -> tensor<1x5x2x2xf32> {
  %0 = tessel.lrn %x {size = 4 : i64} : tensor<1x5x2x2xf32>
  return %0 : tensor<1x5x2x2xf32>
}
