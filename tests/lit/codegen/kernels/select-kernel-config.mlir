// tessel-select-kernel-config: the register tile and blocking of every
// contraction derive from the module's tessel.target alone.
// RUN: tessel-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tessel-select-kernel-config))' | FileCheck %s

// AVX2 (16 x 256-bit registers, 32 KiB L1, 512 KiB L2), 1024^3 matmul:
// 6 rows x 2 vectors of 8 (12 accumulators), the B panel (256 x 16 floats)
// in half of L1, A and B packed, A in row blocks of half of L2; the column
// tiles run on the thread pool. C (4 MiB) fits in half of L3, so no column
// blocks: each would repack the A block.
// CHECK-LABEL: func.func @matmul_avx2
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 256, row_block = 252, pack_a = true, pack_b = true, parallel = columns>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx", "avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288, l3_bytes = 33554432>} {
func.func @matmul_avx2(%a: memref<1024x1024xf32>, %b: memref<1024x1024xf32>, %c: memref<1024x1024xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1024x1024xf32>, memref<1024x1024xf32>) outs(%c : memref<1024x1024xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// The same with a 4 MiB L3: C would stream from memory once per reduction
// block, so it is blocked to half of L2 (252 rows x 256 columns) at the
// cost of repacking A per column block.
// CHECK-LABEL: func.func @matmul_small_l3
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 256, row_block = 252, column_block = 256, pack_a = true, pack_b = true, parallel = columns>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx", "avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288, l3_bytes = 4194304>} {
func.func @matmul_small_l3(%a: memref<1024x1024xf32>, %b: memref<1024x1024xf32>, %c: memref<1024x1024xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1024x1024xf32>, memref<1024x1024xf32>) outs(%c : memref<1024x1024xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// AVX-512 (32 x 512-bit registers): 6 rows x 4 vectors of 16.
// CHECK-LABEL: func.func @matmul_avx512
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 16, rows = 6, vectors = 4{{.*}}>
module attributes {tessel.target = #tessel.target<cpu = "znver5", extensions = ["avx", "avx2", "fma", "avx512f"], vector_bits = 512, vector_registers = 32, l1_bytes = 49152, l2_bytes = 1048576>} {
func.func @matmul_avx512(%a: memref<256x256xf32>, %b: memref<256x256xf32>, %c: memref<256x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<256x256xf32>, memref<256x256xf32>) outs(%c : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// One row (a matrix-vector product): the registers go to columns instead;
// nothing reuses a B panel, so nothing is packed. B (2 MB) is streamed once:
// in reduction blocks of 16 rows swept left to right, a few sequential
// streams the prefetchers follow, not one stream per B row. Its 0.5 M
// multiply-adds of one-row tiles are worth a fork: the column tiles run on
// the thread pool.
// CHECK-LABEL: func.func @gemv
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 4, reduction_block = 16, parallel = columns>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16>} {
func.func @gemv(%a: memref<1x512xf32>, %b: memref<512x1000xf32>, %c: memref<1x1000xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x512xf32>, memref<512x1000xf32>) outs(%c : memref<1x1000xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// A 3x3 convolution (NCHW): n = output width (B = the image), m = output
// channels (A = the filters), reductions over input channels and taps; the
// operand order of the multiply does not matter. Too small (0.3 M
// multiply-adds) to be worth a fork.
// CHECK-LABEL: func.func @conv3x3
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, pack_b = true>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16>} {
func.func @conv3x3(%x: memref<1x8x18x18xf32>, %w: memref<16x8x3x3xf32>, %y: memref<1x16x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x8x18x18xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x16x16xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// A depthwise convolution: its channel loop indexes both operands, so no
// loop can be the broadcast rows; one row of width vectors it is. An integer
// matmul and a max reduction are left to the loop lowering.
// CHECK-LABEL: func.func @depthwise_and_others
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 1>
// CHECK: linalg.generic
// CHECK-NOT: tessel.kernel_config
// CHECK: linalg.generic
// CHECK-NOT: tessel.kernel_config
// CHECK: return
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16>} {
func.func @depthwise_and_others(%x: memref<1x8x10x10xf32>, %w: memref<8x1x3x3xf32>, %y: memref<1x8x8x8xf32>,
                      %ia: memref<4x4xi32>, %ib: memref<4x4xi32>, %ic: memref<4x4xi32>, %v: memref<4x8xf32>, %r: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, kh, kw) -> (n, f, h + kh, w + kw)>, affine_map<(n, f, h, w, kh, kw) -> (f, 0, kh, kw)>, affine_map<(n, f, h, w, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x8x10x10xf32>, memref<8x1x3x3xf32>) outs(%y : memref<1x8x8x8xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%ia, %ib : memref<4x4xi32>, memref<4x4xi32>) outs(%ic : memref<4x4xi32>) {
  ^bb0(%p0: i32, %p1: i32, %acc: i32):
    %p = arith.muli %p0, %p1 : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%v : memref<4x8xf32>) outs(%r : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  }
  return
}
}

// -----

// A large convolution runs its output rows on the thread pool; A is not
// packed then (the iterations would share the packed block).
// CHECK-LABEL: func.func @conv_parallel_rows
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 16, pack_b = true, parallel = outer>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16>} {
func.func @conv_parallel_rows(%x: memref<1x64x58x58xf32>, %w: memref<64x64x3x3xf32>, %y: memref<1x64x56x56xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x64x58x58xf32>, memref<64x64x3x3xf32>) outs(%y : memref<1x64x56x56xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// A 3x3 convolution on a 7x7 map with 512 filters of 512 channels (9.4 MB,
// ResNet-18's last stage): the filters are the same for every output row
// and far over half of L2, and a row is less than a vector. A stays
// stationary: row blocks of 9 tiles (the A block's share of half of L2;
// blocks are shared out to the threads), reduction blocks of 128 channels
// (C's rows end in a partial vector, whose masked loads and stores are
// worth amortizing: the B panel may fill a quarter of L2); per block, all
// output rows sweep it, two rows per register tile (6 filters x 2 rows).
// CHECK-LABEL: func.func @conv3x3_7x7_stationary
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 128, row_block = 54, pack_a = true, pack_b = true, stationary_a = true, fold_outer = true, parallel = rows>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288>} {
func.func @conv3x3_7x7_stationary(%x: memref<1x512x9x9xf32>, %w: memref<512x512x3x3xf32>, %y: memref<1x512x7x7xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x512x9x9xf32>, memref<512x512x3x3xf32>) outs(%y : memref<1x512x7x7xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// The same filters on a 14x14 map: a row fills two vectors, and the default
// order (output rows on the thread pool, A streamed per row) is kept.
// Reduction blocks of 128 channels (rows end in a partial vector, as above);
// no row blocks: with one column tile they would only repack its B panel.
// CHECK-LABEL: func.func @conv3x3_14x14
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 128, pack_b = true, parallel = outer>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288>} {
func.func @conv3x3_14x14(%x: memref<1x512x16x16xf32>, %w: memref<512x512x3x3xf32>, %y: memref<1x512x14x14xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x512x16x16xf32>, memref<512x512x3x3xf32>) outs(%y : memref<1x512x14x14xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// A 1x1 convolution on a 7x7 map (320 -> 1280 channels, as a matmul on
// [channels, 49 pixels]): 3 full column tiles and an edge, which two threads
// would split 2:1, but 214 row tiles. The row blocks run on the thread pool
// instead: 27 tiles (162 rows) each, 8 blocks.
// CHECK-LABEL: func.func @pointwise_7x7
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, row_block = 162, pack_b = true, parallel = rows>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288>} {
func.func @pointwise_7x7(%x: memref<1x320x49xf32>, %w: memref<1280x320xf32>, %y: memref<1x1280x49xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, p, c) -> (n, c, p)>, affine_map<(n, f, p, c) -> (f, c)>, affine_map<(n, f, p, c) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x320x49xf32>, memref<1280x320xf32>) outs(%y : memref<1x1280x49xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %wt, %in : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// A depthwise 3x3 convolution on a 14x14 map, 576 channels: 1.0 M
// multiply-adds, under the 2 M that would pay for a fork at the FMA peak,
// but one-row tiles load a B vector per FMA and run far below it, so their
// threshold is an eighth: the channels run on the thread pool.
// CHECK-LABEL: func.func @depthwise_14x14
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 2, parallel = outer>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288>} {
func.func @depthwise_14x14(%x: memref<1x576x16x16xf32>, %w: memref<576x1x3x3xf32>, %y: memref<1x576x14x14xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w, g, kh, kw) -> (n, c + g, h + kh, w + kw)>, affine_map<(n, c, h, w, g, kh, kw) -> (c, g, kh, kw)>, affine_map<(n, c, h, w, g, kh, kw) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x576x16x16xf32>, memref<576x1x3x3xf32>) outs(%y : memref<1x576x14x14xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// AlexNet's first linear layer at batch 1 (9216 -> 4096): reduction blocks
// of 16 rows; column tiles on the thread pool inside them would fork once
// per block, 576 times. The column blocks run on the pool instead, each
// row's part of a block 8 KiB (2048 columns), a stream the prefetchers
// follow.
// CHECK-LABEL: func.func @gemv_wide
// CHECK: linalg.generic
// CHECK-SAME: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 4, reduction_block = 16, column_block = 2048, parallel = column_blocks>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx2", "fma"], vector_bits = 256, vector_registers = 16>} {
func.func @gemv_wide(%a: memref<1x9216xf32>, %b: memref<9216x4096xf32>, %c: memref<1x4096xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x9216xf32>, memref<9216x4096xf32>) outs(%c : memref<1x4096xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// 8 filters (U-Net's first 3x3 convolutions) in two row tiles of 4, not
// 6 + 2; 20 as four of 5. 64 rows keep the full height of 6.
// CHECK-LABEL: func.func @balanced_row_tiles
// CHECK: linalg.generic
// CHECK-SAME: rows = 4, vectors = 2
// CHECK: linalg.generic
// CHECK-SAME: rows = 5, vectors = 2
// CHECK: linalg.generic
// CHECK-SAME: rows = 6, vectors = 2
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx", "avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288, l3_bytes = 33554432>} {
func.func @balanced_row_tiles(%a8: memref<8x64xf32>, %a20: memref<20x64xf32>, %a64: memref<64x64xf32>,
                              %b: memref<64x256xf32>, %c8: memref<8x256xf32>,
                              %c20: memref<20x256xf32>, %c64: memref<64x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a8, %b : memref<8x64xf32>, memref<64x256xf32>) outs(%c8 : memref<8x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a20, %b : memref<20x64xf32>, memref<64x256xf32>) outs(%c20 : memref<20x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a64, %b : memref<64x64xf32>, memref<64x256xf32>) outs(%c64 : memref<64x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// A convolution over flattened pixels (14x14, B gathered in runs): no row
// blocks, so that each gathered B panel is packed once, not once per block.
// CHECK-LABEL: func.func @flattened_conv
// CHECK: tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 128, pack_a = true, pack_b = true, parallel = columns>
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx", "avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288, l3_bytes = 33554432>} {
func.func @flattened_conv(%x: memref<1x256x16x16xf32>, %w: memref<256x256x3x3xf32>, %y: memref<1x256x196xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, p, c, kh, kw) -> (n, c, p floordiv 14 + kh, p mod 14 + kw)>, affine_map<(n, f, p, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, p, c, kh, kw) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x256x16x16xf32>, memref<256x256x3x3xf32>) outs(%y : memref<1x256x196xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}

// -----

// B read at (p + kh) floordiv 4: no per-lane offset that depends on the
// column alone, so no kernel (the contraction stays loops).
// CHECK-LABEL: func.func @not_separable
// CHECK-NOT: tessel.kernel_config
module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx", "avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288, l3_bytes = 33554432>} {
func.func @not_separable(%x: memref<4x20xf32>, %w: memref<8x4x3xf32>, %y: memref<8x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(f, p, c, kh) -> (c, (p + kh) floordiv 4)>, affine_map<(f, p, c, kh) -> (f, c, kh)>, affine_map<(f, p, c, kh) -> (f, p)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<4x20xf32>, memref<8x4x3xf32>) outs(%y : memref<8x64xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
}
