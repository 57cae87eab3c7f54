// tessel-vectorize-contractions: a configured contraction becomes the
// register-blocked outer-product kernel in the vector dialect.
// RUN: tessel-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tessel-vectorize-contractions))' | FileCheck %s

// 7x20 += 7x5 * 5x20 with 3 rows x 2 vectors of 8: two full column tiles
// (16 columns) and a 4-column edge; two full row tiles and a 1-row edge.
// Inside the reduction loop: the B row as 2 vector loads, then per row one
// broadcast of A and 2 FMAs into loop-carried accumulators.
// CHECK-LABEL: func.func @matmul_edges
// CHECK-NOT: linalg.generic
// Full column tiles, full row tiles: C tile in, 5 reduction steps, C tile out.
// CHECK-NOT: scf.for
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %c1
// CHECK-COUNT-6: vector.load %arg2
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-2: vector.load %arg1
// CHECK: memref.load %arg0
// CHECK-NEXT: vector.broadcast {{.*}} : f32 to vector<8xf32>
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK-COUNT-2: memref.load %arg0
// CHECK: scf.yield {{.*}} : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>
// CHECK-COUNT-6: vector.store
// The 1-row edge of the full column tile.
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>)
// CHECK-COUNT-2: vector.fma
// The 4-column edge: masked loads and stores, one vector per row.
// CHECK: vector.constant_mask [4] : vector<8xi1>
// CHECK: vector.maskedload %arg2
// CHECK: vector.maskedload %arg1
// CHECK: vector.maskedstore %arg2
func.func @matmul_edges(%a: memref<7x5xf32>, %b: memref<5x20xf32>, %c: memref<7x20xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<7x5xf32>, memref<5x20xf32>) outs(%c : memref<7x20xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, rows = 3 : i64, vectors = 2 : i64}} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Packing and blocking: the reduction in blocks of 4; per block the A rows
// are copied into [tile][step][row] and per column tile the B panel into a
// 4x16 stack buffer; the kernel then reads only the packed copies.
// CHECK-LABEL: func.func @packed
// CHECK-DAG: %[[APANEL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x3xf32>
// CHECK-DAG: %[[BPANEL:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4x16xf32>
// CHECK: scf.for %[[KB:.*]] = %c0{{.*}} to %c8{{.*}} step %c4
// CHECK: memref.store {{.*}}, %[[APANEL]]
// CHECK: vector.store {{.*}}, %[[BPANEL]]
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.load %[[BPANEL]]
// CHECK: memref.load %[[APANEL]]
// CHECK: vector.fma
// CHECK: memref.dealloc %[[APANEL]]
func.func @packed(%a: memref<6x8xf32>, %b: memref<8x128xf32>, %c: memref<6x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<6x8xf32>, memref<8x128xf32>) outs(%c : memref<6x128xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, pack_a, pack_b, reduction_block = 4 : i64, rows = 3 : i64, vectors = 2 : i64}} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A stride-2 convolution: the 15 elements that hold the image row's 8
// lanes are loaded (masked: nothing past the last one is read), and a
// shuffle keeps every other one.
// CHECK-LABEL: func.func @strided_conv
// CHECK: %[[M:.*]] = vector.constant_mask [15] : vector<16xi1>
// CHECK: %[[W:.*]] = vector.maskedload %arg0[{{.*}}], %[[M]], %{{.*}} : memref<1x2x17x17xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: vector.shuffle %[[W]], %[[W]] [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xf32>, vector<16xf32>
// CHECK: vector.fma
func.func @strided_conv(%x: memref<1x2x17x17xf32>, %w: memref<4x2x3x3xf32>, %y: memref<1x4x8x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h * 2 + kh, w * 2 + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x17x17xf32>, memref<4x2x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, rows = 4 : i64, vectors = 1 : i64}} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

func.func @malformed(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  // expected-error @+1 {{malformed tessel.kernel_config}}
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, rows = 0 : i64, vectors = 1 : i64}} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

func.func @not_a_contraction(%a: memref<4x4xf32>, %c: memref<4xf32>) {
  // expected-error @+1 {{tessel.kernel_config on an op that is not a float32 multiply-accumulate contraction with static shapes}}
  linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (m)>], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<4x4xf32>) outs(%c : memref<4xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, rows = 1 : i64, vectors = 1 : i64}} {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

func.func @ragged_block(%a: memref<6x10xf32>, %b: memref<10x16xf32>, %c: memref<6x16xf32>) {
  // expected-error @+1 {{reduction_block 4 does not divide the reduction loop of 10}}
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<6x10xf32>, memref<10x16xf32>) outs(%c : memref<6x16xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, reduction_block = 4 : i64, rows = 3 : i64, vectors = 2 : i64}} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Parallel column tiles: an scf.parallel over the full tiles, each iteration
// packing into a B panel of its own; the last 8 columns (half a tile) run
// after it with their own panel too.
// CHECK-LABEL: func.func @parallel_columns
// CHECK-NOT: memref.alloca
// CHECK: scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c32{{.*}}) step (%c16{{.*}})
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x16xf32>
// CHECK: vector.store {{.*}}, %[[P]]
// CHECK: vector.fma
// CHECK: memref.dealloc %[[P]]
// CHECK: scf.reduce
// CHECK: %[[Q:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x16xf32>
// CHECK: vector.load %arg1{{.*}} : memref<8x40xf32>, vector<8xf32>
// CHECK: vector.store {{.*}}, %[[Q]]
// CHECK: memref.dealloc %[[Q]]
func.func @parallel_columns(%a: memref<12x8xf32>, %b: memref<8x40xf32>, %c: memref<12x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<12x8xf32>, memref<8x40xf32>) outs(%c : memref<12x40xf32>)
      attrs = {tessel.kernel_config = {kernel = "outer_product", lanes = 8 : i64, pack_b, parallel = "columns", rows = 6 : i64, vectors = 2 : i64}} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
