// tessel-convert-to-linalg: reductions are a filled accumulator plus one
// linalg.generic with reduction iterators on the reduced axes; softmax is
// max, shift, exp, sum and divide.
// RUN: tessel-opt %s --tessel-convert-to-linalg -split-input-file | FileCheck %s

// reduce_mean with keepdims: sum from 0, divide by the 12 reduced elements,
// then expand to the kept rank.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$D0:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$D0]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[ACC]] : tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[A:.*]]: f32):
// CHECK-NEXT: arith.addf %[[A]], %[[X]] : f32
// CHECK: %[[MEAN:.*]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2xf32>)
// CHECK: %[[N:.*]] = arith.constant 1.200000e+01 : f32
// CHECK-NEXT: arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[R:.*]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
// CHECK: return %[[R]]
func.func @reduce_mean_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %0 = tessel.reduce_mean %x {axes = array<i64: 1, 2>} : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// -----

// reduce_max without keepdims over non-adjacent axes starts from -inf.
// CHECK-DAG: #[[$D1:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @reduce_max
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NINF]] : f32)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[$D1]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK: arith.maximumf
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[R]] : tensor<3xf32>
func.func @reduce_max(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = tessel.reduce_max %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_min_prod_sum
// reduce_min starts from +inf.
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.minimumf
// reduce_prod starts from 1.
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: arith.mulf
// Integer reduce_sum starts from 0 and adds with addi.
// CHECK: arith.constant 0 : i64
// CHECK: arith.addi
// Integer reduce_max starts from the smallest i32.
// CHECK: arith.constant -2147483648 : i32
// CHECK: arith.maxsi
func.func @reduce_min_prod_sum(%x: tensor<4x5xf32>, %i: tensor<6xi64>, %j: tensor<6xi32>)
    -> (tensor<4x1xf32>, tensor<1x5xf32>, tensor<1xi64>, tensor<i32>) {
  %0 = tessel.reduce_min %x {axes = array<i64: 1>} : tensor<4x5xf32> -> tensor<4x1xf32>
  %1 = tessel.reduce_prod %x {axes = array<i64: 0>} : tensor<4x5xf32> -> tensor<1x5xf32>
  %2 = tessel.reduce_sum %i {axes = array<i64: 0>} : tensor<6xi64> -> tensor<1xi64>
  %3 = tessel.reduce_max %j {axes = array<i64: 0>, keepdims = false} : tensor<6xi32> -> tensor<i32>
  return %0, %1, %2, %3 : tensor<4x1xf32>, tensor<1x5xf32>, tensor<1xi64>, tensor<i32>
}

// -----

// softmax(x) = exp(x - max) / sum(exp(x - max)) along axis 1; the reduced
// max and sum are expanded to 2x1 and broadcast back by the (d0, 0) map.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROWS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$BCAST:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]]
// CHECK: arith.maximumf
// CHECK: %[[MAX2:.*]] = tensor.expand_shape %[[MAX]] {{\[\[}}0, 1]] output_shape [2, 1]
// CHECK: %[[SHIFTED:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$BCAST]], #[[$ID]]], {{.*}} ins(%[[X]], %[[MAX2]] :
// CHECK: arith.subf
// CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[SHIFTED]] :
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]]
// CHECK: arith.addf
// CHECK: %[[SUM2:.*]] = tensor.expand_shape %[[SUM]]
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$BCAST]], #[[$ID]]], {{.*}} ins(%[[EXP]], %[[SUM2]] :
// CHECK: arith.divf
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tessel.softmax %x {axis = 1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// log_softmax along axis 0: (x - max) - log(sum(exp(x - max))).
// CHECK-DAG: #[[$COLS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$BCAST:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$COLS]]], iterator_types = ["reduction", "parallel"]}
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 3]
// CHECK: %[[SHIFTED:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[$BCAST]], #{{.*}}]
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$BCAST]], #{{.*}}], {{.*}} ins(%[[SHIFTED]], %{{.*}} :
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %[[SUM:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[LOG:.*]] = math.log %[[SUM]] : f32
// CHECK-NEXT: arith.subf %[[S]], %[[LOG]] : f32
func.func @log_softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tessel.log_softmax %x {axis = 0 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
