// Shape arithmetic folds on small constants (the chains exporters emit:
// Shape -> Gather -> Concat -> Reshape), so the graph holds no shape math.
// RUN: tessel-opt %s --canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gather_concat
// CHECK-NEXT: %[[C:.*]] = tessel.constant dense<[3, 8, -1]> : tensor<3xi64>
// CHECK-NEXT: return %[[C]]
func.func @gather_concat() -> tensor<3xi64> {
  %shape = tessel.constant dense<[2, 3, 8]> : tensor<3xi64>
  %i = tessel.constant dense<[1, 2]> : tensor<2xi64>
  %dims = tessel.gather %shape, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %m1 = tessel.constant dense<-1> : tensor<1xi64>
  %r = tessel.concat %dims, %m1 {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %r : tensor<3xi64>
}

// -----

// Broadcasting integer arithmetic, comparisons, select, cast, slice, expand.
// CHECK-LABEL: func.func @arith
// CHECK-DAG: tessel.constant dense<[6, 10]> : tensor<2xi64>
// CHECK-DAG: tessel.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: tessel.constant dense<[2, 10]> : tensor<2xi64>
// CHECK-DAG: tessel.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: tessel.constant dense<[3, 2]> : tensor<2xi64>
// CHECK-DAG: tessel.constant dense<3> : tensor<2x2xi64>
// CHECK-NOT: tessel.add
// CHECK-NOT: tessel.select
func.func @arith() -> (tensor<2xi64>, tensor<2xi1>, tensor<2xi64>, tensor<2xf32>, tensor<2xi64>, tensor<2x2xi64>) {
  %a = tessel.constant dense<[2, 3]> : tensor<2xi64>
  %b = tessel.constant dense<3> : tensor<i64>
  %c = tessel.constant dense<[1, 2]> : tensor<2xi64>
  %sum = tessel.add %a, %b : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %mul = tessel.mul %c, %c : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %s = tessel.add %sum, %mul : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %gt = tessel.greater %a, %b : (tensor<2xi64>, tensor<i64>) -> tensor<2xi1>
  %eq = tessel.equal %a, %b : (tensor<2xi64>, tensor<i64>) -> tensor<2xi1>
  %sel = tessel.select %eq, %s, %a : (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %f = tessel.cast %a : tensor<2xi64> -> tensor<2xf32>
  %rev = tessel.slice %a {starts = array<i64: 1>, steps = array<i64: -1>} : tensor<2xi64> -> tensor<2xi64>
  %e = tessel.expand %b : tensor<i64> -> tensor<2x2xi64>
  return %s, %eq, %sel, %f, %rev, %e : tensor<2xi64>, tensor<2xi1>, tensor<2xi64>, tensor<2xf32>, tensor<2xi64>, tensor<2x2xi64>
}

// -----

// Weights (resource blobs) and non-constant operands never fold.
// CHECK-LABEL: func.func @no_fold
// CHECK: tessel.add
func.func @no_fold(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = tessel.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %r = tessel.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// Neg and Abs fold on small constants (exporters negate axes and sizes);
// negating INT64_MIN wraps instead of being undefined.
// CHECK-LABEL: func.func @neg_abs
// CHECK-DAG: tessel.constant dense<[-3, 2, -9223372036854775808]> : tensor<3xi64>
// CHECK-DAG: tessel.constant dense<[1.500000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-NOT: tessel.neg
// CHECK-NOT: tessel.abs
func.func @neg_abs() -> (tensor<3xi64>, tensor<2xf32>) {
  %a = tessel.constant dense<[3, -2, -9223372036854775808]> : tensor<3xi64>
  %n = tessel.neg %a : tensor<3xi64>
  %f = tessel.constant dense<[-1.5, 0.0]> : tensor<2xf32>
  %b = tessel.abs %f : tensor<2xf32>
  return %n, %b : tensor<3xi64>, tensor<2xf32>
}
