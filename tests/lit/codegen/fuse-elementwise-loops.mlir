// RUN: tessel-opt %s --tessel-convert-to-linalg --tessel-fuse-elementwise-loops --split-input-file | FileCheck %s
// An elementwise chain lowers to one loop nest; a producer that a consumer
// reads broadcast, or through a reduction, keeps its own loops.

// CHECK-LABEL: func.func @chain
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK: math.tanh
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<2x16xf32>, %y: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %0 = tessel.elementwise_chain(%x, %y) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32> {
  ^bb0(%a: tensor<2x16xf32>, %b: tensor<2x16xf32>):
    %e = tessel.exp %a : tensor<2x16xf32>
    %t = tessel.tanh %e : tensor<2x16xf32>
    %m = tessel.mul %t, %b : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
    tessel.yield %m : tensor<2x16xf32>
  }
  return %0 : tensor<2x16xf32>
}

// -----

// The exp over [16] is read broadcast by the add over [2, 16]: not fused.
// CHECK-LABEL: func.func @broadcast_read
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @broadcast_read(%x: tensor<2x16xf32>, %v: tensor<16xf32>) -> tensor<2x16xf32> {
  %e = tessel.exp %v : tensor<16xf32>
  %a = tessel.add %x, %e : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  return %a : tensor<2x16xf32>
}

// -----

// Dynamic sizes: the consumers' tensor.empty and shape checks read the
// producers' sizes (tensor.dim), which must not keep them apart: the RoPE
// chain x * cos + y * sin over [?, 16, ?, 128] is one loop nest, as static.
// CHECK-LABEL: func.func @dynamic_chain
// CHECK: cf.assert
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @dynamic_chain(%x: tensor<?x16x?x128xf32>, %cos: tensor<?x128xf32>, %y: tensor<?x16x?x128xf32>, %sin: tensor<?x128xf32>) -> tensor<?x16x?x128xf32> {
  %0 = tessel.elementwise_chain(%x, %cos, %y, %sin) : (tensor<?x16x?x128xf32>, tensor<?x128xf32>, tensor<?x16x?x128xf32>, tensor<?x128xf32>) -> tensor<?x16x?x128xf32> {
  ^bb0(%a: tensor<?x16x?x128xf32>, %c: tensor<?x128xf32>, %b: tensor<?x16x?x128xf32>, %s: tensor<?x128xf32>):
    %m = tessel.mul %a, %c : (tensor<?x16x?x128xf32>, tensor<?x128xf32>) -> tensor<?x16x?x128xf32>
    %n = tessel.mul %b, %s : (tensor<?x16x?x128xf32>, tensor<?x128xf32>) -> tensor<?x16x?x128xf32>
    %r = tessel.add %m, %n : (tensor<?x16x?x128xf32>, tensor<?x16x?x128xf32>) -> tensor<?x16x?x128xf32>
    tessel.yield %r : tensor<?x16x?x128xf32>
  }
  return %0 : tensor<?x16x?x128xf32>
}
