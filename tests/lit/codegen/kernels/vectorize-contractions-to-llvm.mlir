// The do-not-unroll annotation tessel-vectorize-contractions puts on the
// loop of a kernel over stacked row tiles survives the lowering to the LLVM
// dialect, on the loop's latch branch (whence llvm.loop metadata).
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-vectorize-contractions),convert-scf-to-cf,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)' | FileCheck %s

// CHECK: #[[UNROLL:.*]] = #llvm.loop_unroll<disable = true>
// CHECK: #[[ANNOTATION:.*]] = #llvm.loop_annotation<unroll = #[[UNROLL]]>
// CHECK-LABEL: llvm.func @stacked_tiles
// Exactly one loop, the 8-column edge's, carries it.
// CHECK-COUNT-1: llvm.br {{.*}} {loop_annotation = #[[ANNOTATION]]}
// CHECK-NOT: loop_annotation
func.func @stacked_tiles(%a: memref<12x4xf32>, %b: memref<4x24xf32>, %c: memref<12x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<12x4xf32>, memref<4x24xf32>) outs(%c : memref<12x24xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, pack_a = true, pack_b = true>} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
