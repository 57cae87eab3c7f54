// tessel-convert-to-linalg: elementwise ops become one linalg.generic each,
// broadcasting through the indexing maps (a size-1 dim reads index 0, a
// missing leading dim is dropped from the map).
// RUN: tessel-opt %s --tessel-convert-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_row_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
// CHECK-NOT: tessel.
func.func @add_row_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = tessel.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Integer ops take the integer arith ops; a size-1 column reads index 0.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @sub_column_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]], #[[$ID2]]]
// CHECK: ^bb0(%[[X:.*]]: i32, %[[Y:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: arith.subi %[[X]], %[[Y]] : i32
func.func @sub_column_broadcast(%a: tensor<2x3xi32>, %b: tensor<2x1xi32>) -> tensor<2x3xi32> {
  %0 = tessel.sub %a, %b : (tensor<2x3xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Both operands broadcast into a result of higher rank than either's own dims.
// CHECK-DAG: #[[$LHS:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[$RHS:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @mul_both_broadcast
// CHECK: tensor.empty() : tensor<2x4x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.mulf
func.func @mul_both_broadcast(%a: tensor<4x1xf32>, %b: tensor<2x1x3xf32>) -> tensor<2x4x3xf32> {
  %0 = tessel.mul %a, %b : (tensor<4x1xf32>, tensor<2x1x3xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// A rank-0 operand has an empty map; an integer exponent converts to float.
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @pow_integer_exponent
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$SCALAR]], #{{.*}}]
// CHECK: ^bb0(%[[X:.*]]: f32, %[[E:.*]]: i64, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[E]] : i64 to f32
// CHECK-NEXT: math.powf %[[X]], %[[F]] : f32
func.func @pow_integer_exponent(%x: tensor<2x3xf32>, %e: tensor<i64>) -> tensor<2x3xf32> {
  %0 = tessel.pow %x, %e : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @div_max_min
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.divsi
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @div_max_min(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi64>, %j: tensor<4xi64>)
    -> (tensor<4xf32>, tensor<4xi64>) {
  %0 = tessel.div %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = tessel.max %0, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = tessel.min %1, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = tessel.div %i, %j : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %4 = tessel.max %3, %j : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %5 = tessel.min %4, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %2, %5 : tensor<4xf32>, tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @sigmoid
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[X]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[N]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[ONE2]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tessel.sigmoid %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @leaky_relu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpf olt, %[[X]], %[[ZERO]] : f32
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-NEXT: %[[SCALED:.*]] = arith.mulf %[[X]], %[[ALPHA]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.select %[[NEG]], %[[SCALED]], %[[X]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @leaky_relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tessel.leaky_relu %x {alpha = 0.25 : f64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @clip_and_relu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[A:.*]] = arith.maximumf %[[X]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.*]] = arith.constant 6.000000e+00 : f32
// CHECK-NEXT: %[[B:.*]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK-NEXT: linalg.yield %[[B]] : f32
// An integer clip with only an upper bound is one minsi.
// CHECK: ^bb0(%[[I:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[C6:.*]] = arith.constant 6 : i32
// CHECK-NEXT: %[[M:.*]] = arith.minsi %[[I]], %[[C6]] : i32
// CHECK-NEXT: linalg.yield %[[M]] : i32
// Relu is max with zero.
// CHECK: ^bb0(%[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: arith.maximumf %[[Y]], %[[Z]] : f32
func.func @clip_and_relu(%x: tensor<2x3xf32>, %i: tensor<4xi32>) -> (tensor<2x3xf32>, tensor<4xi32>, tensor<2x3xf32>) {
  %0 = tessel.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x3xf32>
  %1 = tessel.clip %i {max = 6.0 : f64} : tensor<4xi32>
  %2 = tessel.relu %x : tensor<2x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<4xi32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @integer_neg_abs
// CHECK: ^bb0(%[[X:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: arith.subi %[[ZERO]], %[[X]] : i32
// CHECK: math.absi
func.func @integer_neg_abs(%i: tensor<4xi32>) -> tensor<4xi32> {
  %0 = tessel.neg %i : tensor<4xi32>
  %1 = tessel.abs %0 : tensor<4xi32>
  return %1 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @float_unary
// CHECK: arith.negf
// CHECK: math.absf
// CHECK: math.sqrt
// CHECK: math.exp
// CHECK: math.log
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.divf %[[ONE]], %{{.*}} : f32
// CHECK: math.tanh
// CHECK: math.erf
func.func @float_unary(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = tessel.neg %x : tensor<8xf32>
  %1 = tessel.abs %0 : tensor<8xf32>
  %2 = tessel.sqrt %1 : tensor<8xf32>
  %3 = tessel.exp %2 : tensor<8xf32>
  %4 = tessel.log %3 : tensor<8xf32>
  %5 = tessel.reciprocal %4 : tensor<8xf32>
  %6 = tessel.tanh %5 : tensor<8xf32>
  %7 = tessel.erf %6 : tensor<8xf32>
  return %7 : tensor<8xf32>
}
