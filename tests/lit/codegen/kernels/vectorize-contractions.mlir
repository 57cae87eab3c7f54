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
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2>} {
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
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, reduction_block = 4, pack_a = true, pack_b = true>} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same contraction inside a parallel loop (an attention's query blocks):
// its panels are allocated on entry to the loop body and freed at its end,
// one pair per iteration, never shared between the threads' iterations.
// CHECK-LABEL: func.func @packed_in_parallel_loop
// CHECK-NOT: memref.alloc
// CHECK: scf.forall (%[[I:.*]]) in (4)
// CHECK-DAG: %[[APANEL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x3xf32>
// CHECK-DAG: %[[BPANEL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x16xf32>
// CHECK: vector.store {{.*}}, %[[BPANEL]]
// CHECK: vector.fma
// CHECK-DAG: memref.dealloc %[[APANEL]]
// CHECK-DAG: memref.dealloc %[[BPANEL]]
// CHECK: }
// CHECK-NEXT: return
func.func @packed_in_parallel_loop(%a: memref<4x6x8xf32>, %b: memref<8x128xf32>, %c: memref<4x6x128xf32>) {
  scf.forall (%i) in (4) {
    %ai = memref.subview %a[%i, 0, 0] [1, 6, 8] [1, 1, 1] : memref<4x6x8xf32> to memref<6x8xf32, strided<[8, 1], offset: ?>>
    %ci = memref.subview %c[%i, 0, 0] [1, 6, 128] [1, 1, 1] : memref<4x6x128xf32> to memref<6x128xf32, strided<[128, 1], offset: ?>>
    linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%ai, %b : memref<6x8xf32, strided<[8, 1], offset: ?>>, memref<8x128xf32>) outs(%ci : memref<6x128xf32, strided<[128, 1], offset: ?>>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, reduction_block = 4, pack_a = true, pack_b = true>} {
    ^bb0(%x: f32, %y: f32, %acc: f32):
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
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
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 4, vectors = 1>} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

func.func @malformed(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  // expected-error @+1 {{tessel.kernel_config must be a #tessel.kernel_config, not {lanes = 8 : i64, rows = 1 : i64, vectors = 1 : i64}}}
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
      attrs = {tessel.kernel_config = {lanes = 8 : i64, rows = 1 : i64, vectors = 1 : i64}} {
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
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 1>} {
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
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, reduction_block = 4>} {
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
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, pack_b = true, parallel = columns>} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A column tile narrower than the register tile stacks row tiles: 12x24
// with 3 rows x 2 vectors has two full column tiles of 16 columns (3x2
// tiles) and an 8-column edge of one vector, which runs 6 rows at a time
// (two packed A tiles, the second at tile + 1), as many accumulators as a
// full tile. Its loop carries LLVM's do-not-unroll annotation.
// CHECK-LABEL: func.func @stacked_tiles
// CHECK-DAG: %[[APANEL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x4x3xf32>
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK-COUNT-2: vector.load
// CHECK: scf.yield
// CHECK-NEXT: {{^ *}}}{{$}}
// The edge: tiles 0-1 and 2-3 of the packed A.
// CHECK: scf.for %[[T:arg[0-9]+]] = %c0{{.*}} to %c4{{.*}} step %c2
// CHECK: scf.for %[[S:arg[0-9]+]] = {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK: memref.load %[[APANEL]][%[[T]], %[[S]], %c0
// CHECK: memref.load %[[APANEL]][%[[T]], %[[S]], %c2
// CHECK: %[[NEXT:.*]] = arith.addi %[[T]], %c1
// CHECK: memref.load %[[APANEL]][%[[NEXT]], %[[S]], %c0
// CHECK-COUNT-3: vector.fma
// CHECK: } {loop_annotation = #[[ANNOTATION:.*]]}
// CHECK-COUNT-6: vector.store {{.*}}, %arg2[%{{.*}}, %c16
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

// -----

// Parallel row blocks without a stationary A (few column tiles, many rows):
// the row blocks (6 rows, then a ragged 4) run on the thread pool, each
// packing into a B panel of its own; inside a block, the column tiles run
// in order on its thread.
// CHECK-LABEL: func.func @parallel_rows
// CHECK: scf.parallel (%[[MB:.*]]) = (%c0{{.*}}) to (%c10{{.*}}) step (%c6{{.*}})
// CHECK-NEXT: %[[B:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x16xf32>
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[MB]], %c6
// CHECK: scf.if %[[LAST]] {
// CHECK: vector.store {{.*}}, %[[B]]
// CHECK: } else {
// CHECK: vector.store {{.*}}, %[[B]]
// CHECK-NOT: scf.parallel
// CHECK: memref.dealloc %[[B]]
// CHECK-NEXT: scf.reduce
func.func @parallel_rows(%a: memref<10x4xf32>, %b: memref<4x24xf32>, %c: memref<10x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<10x4xf32>, memref<4x24xf32>) outs(%c : memref<10x24xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, row_block = 6, pack_b = true, parallel = rows>} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Parallel column blocks (a matrix-vector product in reduction blocks): the
// blocks of 16 columns (then a ragged 8) run on the thread pool, each
// sweeping its own reduction blocks; nothing forks inside them.
// CHECK-LABEL: func.func @parallel_column_blocks
// CHECK: scf.parallel (%[[NB:.*]]) = (%c0{{.*}}) to (%c40{{.*}}) step (%c16{{.*}})
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[NB]], %c32
// CHECK: scf.if %[[LAST]] {
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c32{{.*}} step %c8
// CHECK: scf.for {{.*}} -> (vector<8xf32>) {
// CHECK: vector.store {{.*}}, %arg2[%{{.*}}, %[[NB]]]
// CHECK: } else {
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>) {
// CHECK-NOT: scf.parallel
// CHECK: scf.reduce
func.func @parallel_column_blocks(%a: memref<1x32xf32>, %b: memref<32x40xf32>, %c: memref<1x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x32xf32>, memref<32x40xf32>) outs(%c : memref<1x40xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 2, reduction_block = 8, column_block = 16, parallel = column_blocks>} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Stationary A with folded output rows (a convolution on a 3x3 map): the
// row blocks (6 filters, then a ragged 4) run on the thread pool, each with
// its own A block and B panel; per reduction block the block's filters are
// packed once, then every output row sweeps them. A register tile's two
// vectors are two output rows (3 columns each, masked); the third row gets
// a tile of one vector. The kernel loop runs over the packed panels' rows.
// CHECK-LABEL: func.func @stationary_conv
// CHECK: scf.parallel (%[[MB:.*]]) = (%c0{{.*}}) to (%c10{{.*}}) step (%c6{{.*}})
// CHECK-DAG: %[[B:.*]] = memref.alloc() {alignment = 64 : i64} : memref<18x16xf32>
// CHECK-DAG: %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x18x3xf32>
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[MB]], %c6
// CHECK: scf.if %[[LAST]] {
// CHECK: scf.for %[[KB:.*]] = %c0{{.*}} to %c4{{.*}} step %c2
// CHECK: memref.load %arg1
// CHECK: memref.store {{.*}}, %[[A]]
// Rows 0 and 1 into the B panel's two vectors.
// CHECK: vector.maskedload %arg0[%{{.*}}, %{{.*}}, %[[R0:.*]], %{{.*}}]
// CHECK: vector.store {{.*}}, %[[B]][%{{.*}}, %c0{{.*}}]
// CHECK: vector.maskedload %arg0
// CHECK: vector.store {{.*}}, %[[B]][%{{.*}}, %c8{{.*}}]
// CHECK: vector.maskedload %arg2[%{{.*}}, %[[MB]], %c0{{.*}}, %c0{{.*}}]
// CHECK: vector.maskedload %arg2[%{{.*}}, %[[MB]], %c1{{.*}}, %c0{{.*}}]
// CHECK: scf.for %[[S:arg[0-9]+]] = %c0{{.*}} to %c18{{.*}} step %c1{{.*}} iter_args
// CHECK: vector.load %[[B]][%[[S]], %c0
// CHECK: vector.load %[[B]][%[[S]], %c8
// CHECK: memref.load %[[A]][%{{.*}}, %[[S]], %c0
// CHECK-COUNT-2: vector.fma
// CHECK: vector.maskedstore %arg2[%{{.*}}, %[[MB]], %c0{{.*}}, %c0{{.*}}]
// CHECK: vector.maskedstore %arg2[%{{.*}}, %[[MB]], %c1{{.*}}, %c0{{.*}}]
// Row 2 alone.
// CHECK: vector.maskedload %arg2[%{{.*}}, %[[MB]], %c2{{.*}}, %c0{{.*}}]
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: } else {
// CHECK: memref.dealloc
// CHECK: scf.reduce
func.func @stationary_conv(%x: memref<1x4x5x5xf32>, %w: memref<10x4x3x3xf32>, %y: memref<1x10x3x3xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x4x5x5xf32>, memref<10x4x3x3xf32>) outs(%y : memref<1x10x3x3xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, reduction_block = 2, row_block = 6, pack_a = true, pack_b = true, stationary_a = true, fold_outer = true, parallel = rows>} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows of C wider than a vector cannot be folded.
func.func @fold_wide_rows(%x: memref<1x4x12x12xf32>, %w: memref<10x4x3x3xf32>, %y: memref<1x10x10x10xf32>) {
  // expected-error @+1 {{fold_outer needs an outer loop and rows of C no wider than a vector}}
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x4x12x12xf32>, memref<10x4x3x3xf32>) outs(%y : memref<1x10x10x10xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, pack_a = true, pack_b = true, stationary_a = true, fold_outer = true>} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A convolution over flattened output pixels p (rows of 10): a B vector of
// 8 pixels is at most two runs of one input row, the rest of p's row from
// (p floordiv 10, p mod 10) and the start of the next row: one masked load
// each from a 1-D view of the input, blended by their masks.
// CHECK-LABEL: func.func @gathered_rows
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : memref<1x2x12x12xf32> into memref<288xf32>
// CHECK: arith.remui %{{.*}}, %c10
// CHECK: %[[M1:.*]] = vector.create_mask %{{.*}} : vector<8xi1>
// CHECK: %[[R1:.*]] = vector.maskedload %[[FLAT]][%{{.*}}], %[[M1]], %{{.*}} : memref<288xf32>
// CHECK: %[[UP:.*]] = vector.create_mask %{{.*}} : vector<8xi1>
// CHECK: %[[M2:.*]] = arith.xori %[[UP]], %[[M1]] : vector<8xi1>
// CHECK: %[[R2:.*]] = vector.maskedload %[[FLAT]][%{{.*}}], %[[M2]], %{{.*}} : memref<288xf32>
// CHECK: arith.select %[[M2]], %[[R2]], %[[R1]] : vector<8xi1>, vector<8xf32>
// CHECK-NOT: vector.gather
// CHECK: vector.fma
func.func @gathered_rows(%x: memref<1x2x12x12xf32>, %w: memref<3x2x3x3xf32>, %y: memref<1x3x100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, p, c, kh, kw) -> (n, c, p floordiv 10 + kh, p mod 10 + kw)>, affine_map<(n, f, p, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, p, c, kh, kw) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x12x12xf32>, memref<3x2x3x3xf32>) outs(%y : memref<1x3x100xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2>} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows of 2: a vector would span five runs. A gather instead, each lane at
// its offset from the first (the pixel's part of the index alone).
// CHECK-LABEL: func.func @gathered_short_rows
// CHECK-NOT: memref.collapse_shape
// CHECK: %[[OFF:.*]] = vector.from_elements {{.*}} : vector<8xi32>
// CHECK: vector.gather %arg0[{{.*}}] [%[[OFF]]], %{{.*}}, %{{.*}} : memref<1x2x4x4xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
func.func @gathered_short_rows(%x: memref<1x2x4x4xf32>, %w: memref<3x2x3x3xf32>, %y: memref<1x3x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, p, c, kh, kw) -> (n, c, p floordiv 2 + kh, p mod 2 + kw)>, affine_map<(n, f, p, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, p, c, kh, kw) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x4x4xf32>, memref<3x2x3x3xf32>) outs(%y : memref<1x3x4xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 1>} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Stride 2: each run loads the 16 elements that span its lanes (masked to
// the run) and a shuffle keeps every other one.
// CHECK-LABEL: func.func @gathered_strided_rows
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : memref<1x2x21x21xf32> into memref<882xf32>
// CHECK: %[[HIGH:.*]] = vector.create_mask %{{.*}} : vector<16xi1>
// CHECK: %[[LOW:.*]] = vector.create_mask %{{.*}} : vector<16xi1>
// CHECK: %[[SPAN:.*]] = arith.xori %[[HIGH]], %[[LOW]] : vector<16xi1>
// CHECK: %[[W:.*]] = vector.maskedload %[[FLAT]][%{{.*}}], %[[SPAN]], %{{.*}} : memref<882xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: vector.shuffle %[[W]], %[[W]] [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xf32>, vector<16xf32>
// CHECK-NOT: vector.gather
// CHECK: vector.fma
func.func @gathered_strided_rows(%x: memref<1x2x21x21xf32>, %w: memref<3x2x3x3xf32>, %y: memref<1x3x100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, p, c, kh, kw) -> (n, c, (p floordiv 10) * 2 + kh, (p mod 10) * 2 + kw)>, affine_map<(n, f, p, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, p, c, kh, kw) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x2x21x21xf32>, memref<3x2x3x3xf32>) outs(%y : memref<1x3x100xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2>} {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A prologue that updates C from its own value (attention's acc * alpha
// before the block's products accumulate into acc): the kernel loads each C
// vector, applies the update in registers and accumulates onto it; no
// separate pass over C is left.
// CHECK-LABEL: func.func @rescaled_accumulator
// CHECK-NOT: linalg.generic
// CHECK: %[[C:.*]] = vector.load %arg3[%{{.*}}, %{{.*}}] : memref<12x16xf32>, vector<8xf32>
// CHECK: %[[A:.*]] = memref.load %arg2[%{{.*}}] : memref<12xf32>
// CHECK: %[[AV:.*]] = vector.broadcast %[[A]] : f32 to vector<8xf32>
// CHECK: arith.mulf %[[C]], %[[AV]] : vector<8xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
func.func @rescaled_accumulator(%p: memref<12x8xf32>, %v: memref<8x16xf32>, %alpha: memref<12xf32>, %acc: memref<12x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%alpha : memref<12xf32>) outs(%acc : memref<12x16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %m = arith.mulf %out, %a : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<12x8xf32>, memref<8x16xf32>) outs(%acc : memref<12x16xf32>)
      attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2>} {
  ^bb0(%x: f32, %y: f32, %c: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}
