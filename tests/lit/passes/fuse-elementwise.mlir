// tessel-fuse-elementwise: chains of elementwise ops become one
// tessel.elementwise_chain (one kernel).
// RUN: tessel-opt %s --tessel-fuse-elementwise --split-input-file | FileCheck %s
// RUN: tessel-opt %s --tessel-fuse-elementwise=report=true --split-input-file -verify-diagnostics -o /dev/null

// Rotary embedding: x * cos + rotate(x) * sin. The [8, 8] tables are read
// broadcast, so they are inputs; the scalar constant moves inside.
// CHECK-LABEL: func.func @rotary
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[R:.*]]: tensor<1x4x8x8xf32>, %[[C:.*]]: tensor<8x8xf32>, %[[S:.*]]: tensor<8x8xf32>)
// CHECK-NEXT: %[[Y:.*]] = tessel.elementwise_chain(%[[X]], %[[C]], %[[R]], %[[S]]) : (tensor<1x4x8x8xf32>, tensor<8x8xf32>, tensor<1x4x8x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8x8xf32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<1x4x8x8xf32>, %[[B:.*]]: tensor<8x8xf32>, %[[D:.*]]: tensor<1x4x8x8xf32>, %[[E:.*]]: tensor<8x8xf32>):
// CHECK-NEXT: %[[TWO:.*]] = tessel.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[M1:.*]] = tessel.mul %[[A]], %[[B]]
// CHECK-NEXT: %[[M2:.*]] = tessel.mul %[[D]], %[[E]]
// CHECK-NEXT: %[[SUM:.*]] = tessel.add %[[M1]], %[[M2]]
// CHECK-NEXT: %[[Z:.*]] = tessel.mul %[[SUM]], %[[TWO]]
// CHECK-NEXT: tessel.yield %[[Z]] : tensor<1x4x8x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Y]]
func.func @rotary(%x: tensor<1x4x8x8xf32>, %r: tensor<1x4x8x8xf32>, %cos: tensor<8x8xf32>, %sin: tensor<8x8xf32>) -> tensor<1x4x8x8xf32> {
  %two = tessel.constant dense<2.0> : tensor<f32>
  %0 = tessel.mul %x, %cos : (tensor<1x4x8x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8x8xf32>
  %1 = tessel.mul %r, %sin : (tensor<1x4x8x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = tessel.add %0, %1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark @+1 {{fused elementwise (4 ops)}}
  %3 = tessel.mul %2, %two : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}

// -----

// SiLU: the input feeds both ops of the chain; one input.
// CHECK-LABEL: func.func @silu
// CHECK-NEXT: tessel.elementwise_chain(%arg0) : (tensor<2x16xf32>) -> tensor<2x16xf32>
// CHECK: tessel.sigmoid
// CHECK: tessel.mul
func.func @silu(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %s = tessel.sigmoid %x : tensor<2x16xf32>
  // expected-remark @+1 {{fused elementwise (2 ops)}}
  %y = tessel.mul %x, %s : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// Look-alikes that must not fuse.

// The intermediate is also returned: each op stays its own kernel.
// CHECK-LABEL: func.func @intermediate_has_another_user
// CHECK-NOT: tessel.elementwise_chain
func.func @intermediate_has_another_user(%x: tensor<2x16xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>) {
  %e = tessel.exp %x : tensor<2x16xf32>
  %y = tessel.tanh %e : tensor<2x16xf32>
  return %y, %e : tensor<2x16xf32>, tensor<2x16xf32>
}

// -----

// The producer's result is read broadcast ([16] against [2, 16]): fusing would
// compute its exp twice, so the chain starts after it.
// CHECK-LABEL: func.func @broadcast_producer_stays_out
// CHECK: %[[E:.*]] = tessel.exp %arg1 : tensor<16xf32>
// CHECK: tessel.elementwise_chain(%arg0, %[[E]])
func.func @broadcast_producer_stays_out(%x: tensor<2x16xf32>, %v: tensor<16xf32>) -> tensor<2x16xf32> {
  %e = tessel.exp %v : tensor<16xf32>
  %a = tessel.add %x, %e : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  // expected-remark @+1 {{fused elementwise (2 ops)}}
  %y = tessel.relu %a : tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// Softmax is not elementwise: the chain stops at it.
// CHECK-LABEL: func.func @softmax_breaks_chain
// CHECK-NOT: tessel.elementwise_chain
func.func @softmax_breaks_chain(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %e = tessel.exp %x : tensor<2x16xf32>
  %s = tessel.softmax %e {axis = 1 : i64} : tensor<2x16xf32>
  %y = tessel.tanh %s : tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}
