// tessel-convert-to-linalg: matmul and gemm become a zero-filled
// linalg.generic with a trailing reduction loop k; gemm's alpha/beta/C
// become one elementwise epilogue.
// RUN: tessel-opt %s --tessel-convert-to-linalg -split-input-file | FileCheck %s

// Loops (b, m, n, k); the 2-D rhs has no batch dim in its map.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @batched_matmul
// CHECK-SAME: (%[[LHS:.*]]: tensor<2x3x4xf32>, %[[RHS:.*]]: tensor<4x5xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<2x3x5xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<2x3x5xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<2x3x4xf32>, tensor<4x5xf32>) outs(%[[FILL]] : tensor<2x3x5xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @batched_matmul(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = tessel.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// A batch dim of size 1 broadcasts by reading index 0.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1, d3)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-LABEL: func.func @broadcast_batch
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #{{.*}}]
// CHECK-SAME: outs(%{{.*}} : tensor<2x3x5xf32>)
func.func @broadcast_batch(%a: tensor<1x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = tessel.matmul %a, %b : (tensor<1x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// A 1-D lhs becomes a 1xK row, and the promoted dim is dropped again.
// CHECK-LABEL: func.func @vector_matrix
// CHECK: %[[ROW:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 3] : tensor<3xf32> into tensor<1x3xf32>
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: ins(%[[ROW]], %{{.*}} : tensor<1x3xf32>, tensor<2x3x4xf32>) outs(%{{.*}} : tensor<2x1x4xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1, 2]] : tensor<2x1x4xf32> into tensor<8xf32>
// CHECK: %[[OUT:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
// CHECK: return %[[OUT]] : tensor<2x4xf32>
func.func @vector_matrix(%a: tensor<3xf32>, %b: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %0 = tessel.matmul %a, %b : (tensor<3xf32>, tensor<2x3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Integer matmuls accumulate with muli/addi.
// CHECK-LABEL: func.func @integer_matmul
// CHECK: arith.constant 0 : i32
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK-NEXT: arith.addi
func.func @integer_matmul(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  %0 = tessel.matmul %a, %b : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

// Plain gemm: loops (m, n, k), nothing after the contraction.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @gemm_plain
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @gemm_plain(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = tessel.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Transposed operands swap their map's results; alpha scales the product and
// the bias C (shape [N]) broadcasts along rows.
// CHECK-DAG: #[[$AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[$BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm_trans_alpha_bias
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<5xf32>
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[$AT]], #[[$BT]], #[[$C]]]
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]]
// CHECK-SAME: ins(%[[P]], %[[BIAS]] : tensor<3x5xf32>, tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[CV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[SCALED:.*]] = arith.mulf %[[V]], %[[ALPHA]] : f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[SCALED]], %[[CV]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]] : f32
func.func @gemm_trans_alpha_bias(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = tessel.gemm %a, %b, %c {trans_a = true, trans_b = true, alpha = 0.5 : f64} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// beta scales C.
// CHECK-LABEL: func.func @gemm_beta
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<3x5xf32>, tensor<3x5xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[CV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[SC:.*]] = arith.mulf %[[CV]], %[[BETA]] : f32
// CHECK-NEXT: arith.addf %[[V]], %[[SC]] : f32
func.func @gemm_beta(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = tessel.gemm %a, %b, %c {beta = 2.0 : f64} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// With beta = 0, C does not contribute: no epilogue at all.
// CHECK-LABEL: func.func @gemm_beta_zero
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @gemm_beta_zero(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = tessel.gemm %a, %b, %c {beta = 0.0 : f64} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}
