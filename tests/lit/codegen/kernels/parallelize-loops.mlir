// tessel-parallelize-loops: large structured ops get their first parallel
// loop (with more than one iteration) as an scf.parallel; small ones, ops in
// sequential loops and reductions along that loop are left alone.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-parallelize-loops{min-iterations=1024}))' | FileCheck %s

// CHECK-LABEL: func.func @relu
// The batch loop has one iteration: the channels are split.
// CHECK: scf.parallel (%[[C:.*]]) = (%{{.*}}) to (%c64) step (%{{.*}})
// CHECK: memref.subview %arg0[0, %[[C]], 0, 0] [1, 1, 16, 16]
// CHECK: linalg.generic
// CHECK: scf.reduce
func.func @relu(%x: memref<1x64x16x16xf32>, %y: memref<1x64x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x64x16x16xf32>) outs(%y : memref<1x64x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// CHECK-LABEL: func.func @row_sums
// Rows in parallel, each row's sum on one thread.
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c128) step (%{{.*}})
// CHECK: iterator_types = ["parallel", "reduction"]
func.func @row_sums(%x: memref<128x64xf32>, %y: memref<128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<128x64xf32>) outs(%y : memref<128xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @left_alone(%a: memref<16x16xf32>, %b: memref<16x16xf32>, %n: index) {
  // Too small.
  linalg.copy ins(%a : memref<16x16xf32>) outs(%b : memref<16x16xf32>)
  // Inside a sequential loop.
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    linalg.copy ins(%a : memref<16x16xf32>) outs(%b : memref<16x16xf32>)
  }
  return
}
