// tessel-lower-memref-copies turns memref.copy (whose LLVM lowering calls
// MLIR's runtime library) into linalg.copy, strided views included.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-lower-memref-copies))' | FileCheck %s

// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<4x8xf32, strided<[16, 1], offset: 2>>)
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[A]] : memref<4x8xf32>) outs(%[[B]] : memref<4x8xf32, strided<[16, 1], offset: 2>>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @copy(%a: memref<4x8xf32>, %b: memref<4x8xf32, strided<[16, 1], offset: 2>>) {
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32, strided<[16, 1], offset: 2>>
  return
}

// CHECK-LABEL: func.func @nested
// CHECK: scf.for
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<2xi64>) outs(%{{.*}} : memref<2xi64>)
func.func @nested(%a: memref<2xi64>, %b: memref<2xi64>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.copy %a, %b : memref<2xi64> to memref<2xi64>
  }
  return
}
