// A contraction with dynamic rows becomes static tiles: a loop of 256-row
// tiles (AVX2: L2 / L1 x 16 columns), then at most one tile of 192 (the size
// halfway, so that 192 rows are one sweep of the weights) and of each half
// size down to 8, then the last rows zero-padded to 8; each tile is a static
// linalg.generic that the register-blocked kernels take.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-tile-dynamic-contractions),canonicalize,cse)' | FileCheck %s

// CHECK-LABEL: func.func @mm
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %arg2)
// CHECK: tensor.extract_slice %arg0[%{{.*}}, 0] [256, 8] [1, 1] : tensor<?x8xf32> to tensor<256x8xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %arg1 : tensor<256x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<256x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[ACC]][%{{.*}}, 0] [256, 16] [1, 1]
// CHECK: tensor<192x8xf32>, tensor<8x16xf32>) outs(
// CHECK-COUNT-5: tensor<{{(128|64|32|16|8)}}x8xf32>, tensor<8x16xf32>) outs(
// CHECK: scf.if
// CHECK: tensor.pad %{{.*}} low[0, 0] high[%{{.*}}, 0]
// CHECK: tensor.pad %{{.*}} low[0, 0] high[%{{.*}}, 0]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %arg1 : tensor<8x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [%{{.*}}, 16] [1, 1] : tensor<8x16xf32> to tensor<?x16xf32>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(m, n) -> (n)>
#id = affine_map<(m, n) -> (m, n)>
module attributes {tessel.target = #tessel.target<triple = "x86_64-pc-linux-gnu", cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, l3_bytes = 268435456>} {
  func.func @mm(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
    %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x8xf32>, tensor<8x16xf32>) outs(%init : tensor<?x16xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %0 = arith.mulf %p, %q : f32
      %1 = arith.addf %o, %0 : f32
      linalg.yield %1 : f32
    } -> tensor<?x16xf32>
    return %r : tensor<?x16xf32>
  }

  // Two dynamic loops: left to the generic loops.
  // CHECK-LABEL: func.func @two_dynamic
  // CHECK-NOT: scf.for
  // CHECK: linalg.generic {{.*}} outs(%arg2 : tensor<?x?xf32>)
  func.func @two_dynamic(%x: tensor<?x8xf32>, %w: tensor<8x?xf32>, %init: tensor<?x?xf32>) -> tensor<?x?xf32> {
    %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x8xf32>, tensor<8x?xf32>) outs(%init : tensor<?x?xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %0 = arith.mulf %p, %q : f32
      %1 = arith.addf %o, %0 : f32
      linalg.yield %1 : f32
    } -> tensor<?x?xf32>
    return %r : tensor<?x?xf32>
  }

  // The bias broadcast that initializes C and the activation after it are
  // tiled with the contraction (tile and fuse): each piece is init -> matmul
  // -> activation on one slice of the result, adjacent, which the kernel
  // generator fuses into the register tile's first load and last store as in
  // a static kernel. The loop carries the tensor the prologue wrote.
  // CHECK-LABEL: func.func @linear_relu
  // CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x16xf32>
  // CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[E]])
  // CHECK-DAG: %[[X:.*]] = tensor.extract_slice %arg0[%{{.*}}, 0] [256, 8]
  // CHECK-DAG: %[[S:.*]] = tensor.extract_slice %[[ACC]][%{{.*}}, 0] [256, 16]
  // CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<16xf32>) outs(%[[S]] : tensor<256x16xf32>)
  // CHECK: %[[MM:.*]] = linalg.generic {{.*}} ins(%[[X]], %arg1 : tensor<256x8xf32>, tensor<8x16xf32>) outs(%[[INIT]] : tensor<256x16xf32>)
  // CHECK: %[[ACT:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<256x16xf32>) outs(%[[MM]] : tensor<256x16xf32>)
  // CHECK: arith.maximumf
  // CHECK: tensor.insert_slice %[[ACT]] into %[[ACC]]
  // CHECK-COUNT-5: arith.maximumf
  // CHECK: scf.if
  // CHECK: tensor.pad
  // CHECK: arith.maximumf
  // CHECK-NOT: linalg.generic
  // CHECK: return
    func.func @linear_relu(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %bias: tensor<16xf32>) -> tensor<?x16xf32> {
      %c0 = arith.constant 0 : index
      %zero = arith.constant 0.0 : f32
      %m = tensor.dim %x, %c0 : tensor<?x8xf32>
      %e = tensor.empty(%m) : tensor<?x16xf32>
      %init = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]} ins(%bias : tensor<16xf32>) outs(%e : tensor<?x16xf32>) {
      ^bb0(%in: f32, %o: f32):
        linalg.yield %in : f32
      } -> tensor<?x16xf32>
      %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x8xf32>, tensor<8x16xf32>) outs(%init : tensor<?x16xf32>) {
      ^bb0(%p: f32, %q: f32, %o: f32):
        %0 = arith.mulf %p, %q : f32
        %1 = arith.addf %o, %0 : f32
        linalg.yield %1 : f32
      } -> tensor<?x16xf32>
      %m2 = tensor.dim %r, %c0 : tensor<?x16xf32>
      %e2 = tensor.empty(%m2) : tensor<?x16xf32>
      %act = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<?x16xf32>) outs(%e2 : tensor<?x16xf32>) {
      ^bb0(%in: f32, %o: f32):
        %0 = arith.maximumf %in, %zero : f32
        linalg.yield %0 : f32
      } -> tensor<?x16xf32>
      return %act : tensor<?x16xf32>
    }

  // An elementwise consumer that updates a tensor in place (a recurrent
  // layer's state: its init is that tensor, not a tensor.empty) stays after
  // the tiles, as bufferization needs it to write that tensor.
  // CHECK-LABEL: func.func @state_update
  // CHECK: scf.if
  // CHECK: %[[ACT:.*]] = linalg.generic {{.*}} outs(%arg3 : tensor<?x16xf32>)
  // CHECK: arith.maximumf
  // CHECK: return %[[ACT]]
  func.func @state_update(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %init: tensor<?x16xf32>, %state: tensor<?x16xf32>) -> tensor<?x16xf32> {
    %zero = arith.constant 0.0 : f32
    %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x8xf32>, tensor<8x16xf32>) outs(%init : tensor<?x16xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %0 = arith.mulf %p, %q : f32
      %1 = arith.addf %o, %0 : f32
      linalg.yield %1 : f32
    } -> tensor<?x16xf32>
    %act = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<?x16xf32>) outs(%state : tensor<?x16xf32>) {
    ^bb0(%in: f32, %o: f32):
      %0 = arith.maximumf %in, %zero : f32
      linalg.yield %0 : f32
    } -> tensor<?x16xf32>
    return %act : tensor<?x16xf32>
  }
}
