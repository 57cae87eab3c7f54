// tessel-approximate-math: exp, erf and tanh become polynomial arith (no libm
// call left in the loop); sin keeps its libm call.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-approximate-math))' | FileCheck %s

// CHECK-LABEL: func.func @approximated
// CHECK-NOT: math.exp
// CHECK-NOT: math.erf
// CHECK-NOT: math.tanh
// CHECK: math.fma
// CHECK: math.sin
func.func @approximated(%x: f32) -> (f32, f32, f32, f32) {
  %e = math.exp %x : f32
  %r = math.erf %x : f32
  %t = math.tanh %x : f32
  %s = math.sin %x : f32
  return %e, %r, %t, %s : f32, f32, f32, f32
}
