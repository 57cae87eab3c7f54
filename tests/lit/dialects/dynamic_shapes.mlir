// Dynamic dimensions (`?`) in tessel types: ops with the DynamicShapes trait
// infer and verify them (a dynamic size broadcast against n > 1 gives n,
// against 1 or another dynamic size stays dynamic); every other op refuses
// them in its verifier.
// RUN: tessel-opt %s -split-input-file -verify-diagnostics -canonicalize | FileCheck %s

// CHECK-LABEL: func @broadcast
// CHECK: tessel.add %arg0, %arg1 : (tensor<?x1x4xf32>, tensor<3x?x4xf32>) -> tensor<3x?x4xf32>
// CHECK: tessel.mul %arg0, %arg2 : (tensor<?x1x4xf32>, tensor<?x5x4xf32>) -> tensor<?x5x4xf32>
func.func @broadcast(%a: tensor<?x1x4xf32>, %b: tensor<3x?x4xf32>, %c: tensor<?x5x4xf32>) -> (tensor<3x?x4xf32>, tensor<?x5x4xf32>) {
  %0 = tessel.add %a, %b : (tensor<?x1x4xf32>, tensor<3x?x4xf32>) -> tensor<3x?x4xf32>
  %1 = tessel.mul %a, %c : (tensor<?x1x4xf32>, tensor<?x5x4xf32>) -> tensor<?x5x4xf32>
  return %0, %1 : tensor<3x?x4xf32>, tensor<?x5x4xf32>
}

// -----

// CHECK-LABEL: func @contractions
// CHECK: tessel.matmul %arg0, %arg1 : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
// CHECK: tessel.linear %arg0, %arg1, %arg2 : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK: tessel.softmax %{{.*}} {axis = 2 : i64} : tensor<?x?x16xf32>
func.func @contractions(%x: tensor<?x?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %0 = tessel.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %1 = tessel.linear %x, %w, %b : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  %2 = tessel.softmax %1 {axis = 2 : i64} : tensor<?x?x16xf32>
  return %0, %2 : tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

// -----

func.func @static_contraction_mismatch(%x: tensor<?x7xf32>, %w: tensor<8x16xf32>) -> tensor<?x16xf32> {
  // expected-error@+2 {{'tessel.matmul' op contraction sizes differ: ?x7 by 8x16}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = tessel.matmul %x, %w : (tensor<?x7xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

func.func @not_dynamic(%x: tensor<?x8xf32>) -> tensor<2x?x8xf32> {
  // expected-error@+1 {{'tessel.expand' op does not take dynamic dimensions yet (it has 'tensor<?x8xf32>')}}
  %0 = tessel.expand %x : tensor<?x8xf32> -> tensor<2x?x8xf32>
  return %0 : tensor<2x?x8xf32>
}

// -----

// Concat: off the axis a static size wins over a dynamic one (checked at run
// time), along it the sizes add up. A reshape keeps each dynamic dimension,
// the static sizes with one product.
// CHECK-LABEL: func @data_movement
// CHECK: tessel.concat %arg0, %arg1 {axis = 1 : i64} : (tensor<?x8xf32>, tensor<2x?xf32>) -> tensor<2x?xf32>
// CHECK: tessel.reshape %arg0 : tensor<?x8xf32> -> tensor<?x2x4xf32>
// CHECK: tessel.reshape %arg1 : tensor<2x?xf32> -> tensor<1x?x2xf32>
func.func @data_movement(%x: tensor<?x8xf32>, %y: tensor<2x?xf32>) -> (tensor<2x?xf32>, tensor<?x2x4xf32>, tensor<1x?x2xf32>) {
  %0 = tessel.concat %x, %y {axis = 1 : i64} : (tensor<?x8xf32>, tensor<2x?xf32>) -> tensor<2x?xf32>
  %1 = tessel.reshape %x : tensor<?x8xf32> -> tensor<?x2x4xf32>
  %2 = tessel.reshape %y : tensor<2x?xf32> -> tensor<1x?x2xf32>
  return %0, %1, %2 : tensor<2x?xf32>, tensor<?x2x4xf32>, tensor<1x?x2xf32>
}

// -----

func.func @reshape_new_size(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{'tessel.reshape' op keeps each dynamic dimension (the others with the same product; tessel.computed_reshape takes the rest); cannot reshape ?x8 into ?x4}}
  %0 = tessel.reshape %x : tensor<?x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @concat_mismatch(%x: tensor<?x8xf32>, %y: tensor<?x4xf32>) -> tensor<?x?xf32> {
  // expected-error@+2 {{'tessel.concat' op input shapes ?x8 and ?x4 differ off axis 0}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = tessel.concat %x, %y {axis = 0 : i64} : (tensor<?x8xf32>, tensor<?x4xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Transpose moves a dynamic dimension; Shape and Size read run-time sizes
// and fold to constants where the sizes they read are static.
// CHECK-LABEL: func @shapes
// CHECK: %[[C:.*]] = tessel.constant dense<8> : tensor<1xi64>
// CHECK: tessel.transpose %arg0 {perm = array<i64: 1, 0>} : tensor<?x8xf32> -> tensor<8x?xf32>
// CHECK: %[[S:.*]] = tessel.shape %arg0 {end = 2 : i64, start = 0 : i64} : tensor<?x8xf32> -> tensor<2xi64>
// CHECK: %[[N:.*]] = tessel.size %arg0 : tensor<?x8xf32> -> tensor<i64>
// CHECK: return %{{.*}}, %[[S]], %[[N]], %[[C]]
func.func @shapes(%x: tensor<?x8xf32>) -> (tensor<8x?xf32>, tensor<2xi64>, tensor<i64>, tensor<1xi64>) {
  %0 = tessel.transpose %x {perm = array<i64: 1, 0>} : tensor<?x8xf32> -> tensor<8x?xf32>
  %1 = tessel.shape %x {start = 0 : i64, end = 2 : i64} : tensor<?x8xf32> -> tensor<2xi64>
  %2 = tessel.size %x : tensor<?x8xf32> -> tensor<i64>
  %3 = tessel.shape %x {start = 1 : i64, end = 2 : i64} : tensor<?x8xf32> -> tensor<1xi64>
  return %0, %1, %2, %3 : tensor<8x?xf32>, tensor<2xi64>, tensor<i64>, tensor<1xi64>
}

// -----

func.func @bad_shape(%x: tensor<?x8xf32>) -> tensor<3xi64> {
  // expected-error@+1 {{'tessel.shape' op needs 0 <= start <= end <= rank (2), has start 0 and end 3}}
  %0 = tessel.shape %x {start = 0 : i64, end = 3 : i64} : tensor<?x8xf32> -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
