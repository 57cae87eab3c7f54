// tessel-pack-constant-operands: a kernel's constant filters are stored in
// the order its register tiles broadcast them, and the kernel reads them
// there instead of packing them at run time.
// RUN: tessel-opt %s --split-input-file --pass-pipeline='builtin.module(tessel-pack-constant-operands)' | FileCheck %s
// RUN: tessel-opt %s --split-input-file --pass-pipeline='builtin.module(tessel-pack-constant-operands,func.func(tessel-vectorize-contractions))' | FileCheck %s --check-prefix=KERNEL

// Five 2x1x2 filters in tiles of 2 rows: [3 tiles][2][1][2][2 rows], the
// last tile's second row zero. Filter f holds 4f .. 4f+3, so tile 0 is
// 0 4 1 5 2 6 3 7 and tile 2 is 16 0 17 0 18 0 19 0. The global, the call,
// the kernel's argument, its recorded type and A's map all change.
// CHECK-LABEL: memref.global "private" constant @w_packed : memref<3x2x1x2x2xf32> = dense_resource<w_packed> {alignment = 64 : i64}
// CHECK-NOT: memref.global
// CHECK: func.func @main
// CHECK: %[[W:.*]] = memref.get_global @w_packed : memref<3x2x1x2x2xf32>
// CHECK: call @conv(%{{.*}}, %[[W]], %{{.*}})
// CHECK: func.func private @conv(%{{.*}}: memref<1x2x3x4xf32>, %{{.*}}: memref<3x2x1x2x2xf32>, %{{.*}}: memref<1x5x3x3xf32>)
// CHECK-SAME: type = (tensor<1x2x3x4xf32>, tensor<3x2x1x2x2xf32>) -> tensor<1x5x3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[PACKED:map[0-9]*]], #{{.*}}]
// CHECK: w_packed: "0x08000000{{(00000000)}}{{(00008040)}}0000803F0000A040000000400000C040000040400000E040
// CHECK-SAME: 00000041000040410000104100005041000020410000604100003041000070410000804100000000000088410000000000009041000000000000984100000000"
// The kernel reads each tile's broadcasts from the packed global and packs
// nothing at run time.
// KERNEL-LABEL: func.func private @conv
// KERNEL-NOT: memref.alloc
// KERNEL: %[[TILES:.*]] = memref.collapse_shape %arg1 {{\[}}[0], [1, 2, 3], [4]] : memref<3x2x1x2x2xf32> into memref<3x4x2xf32>
// KERNEL: memref.load %[[TILES]][%{{.*}}, %{{.*}}, %c0{{.*}}] : memref<3x4x2xf32>
// KERNEL: memref.load %[[TILES]][%{{.*}}, %{{.*}}, %c1{{.*}}] : memref<3x4x2xf32>
module {
  memref.global "private" constant @w : memref<5x2x1x2xf32> = dense<[[[[0.0, 1.0]], [[2.0, 3.0]]], [[[4.0, 5.0]], [[6.0, 7.0]]], [[[8.0, 9.0]], [[10.0, 11.0]]], [[[12.0, 13.0]], [[14.0, 15.0]]], [[[16.0, 17.0]], [[18.0, 19.0]]]]>
  func.func @main(%x: memref<1x2x3x4xf32>, %y: memref<1x5x3x3xf32>) {
    %w = memref.get_global @w : memref<5x2x1x2xf32>
    call @conv(%x, %w, %y) : (memref<1x2x3x4xf32>, memref<5x2x1x2xf32>, memref<1x5x3x3xf32>) -> ()
    return
  }
  func.func private @conv(%x: memref<1x2x3x4xf32>, %w: memref<5x2x1x2xf32>, %y: memref<1x5x3x3xf32>) attributes {tessel.kernel = {bytes = 0 : i64, flops = 0 : i64, index = 0 : i64, nodes = ["Conv"], op = "tessel.conv", type = (tensor<1x2x3x4xf32>, tensor<5x2x1x2xf32>) -> tensor<1x5x3x3xf32>}} {
    linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<1x2x3x4xf32>, memref<5x2x1x2xf32>) outs(%y : memref<1x5x3x3xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 2, vectors = 1>} {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// A 1x1 convolution reads its [3, 2, 1, 1] filters as a [3, 2] matrix
// through a collapse (the same row-major data). Filter f holds 2f, 2f+1;
// in tiles of 2 rows: [2 tiles][2 channels][2 rows] = 0 2 1 3 | 4 0 5 0.
// The collapse goes; the kernel reads the packed argument.
// CHECK-LABEL: memref.global "private" constant @w1_packed : memref<2x2x2xf32>
// CHECK: func.func private @pointwise(%{{.*}}: memref<1x2x4xf32>, %[[W:.*]]: memref<2x2x2xf32>, %{{.*}}: memref<1x3x4xf32>)
// CHECK-NOT: memref.collapse_shape
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W]] : memref<1x2x4xf32>, memref<2x2x2xf32>)
// CHECK: w1_packed: "0x08000000{{(00000000)(00000040)(0000803F)(00004040)(00008040)(00000000)(0000A040)(00000000)}}"
module {
  memref.global "private" constant @w1 : memref<3x2x1x1xf32> = dense<[[[[0.0]], [[1.0]]], [[[2.0]], [[3.0]]], [[[4.0]], [[5.0]]]]>
  func.func @main(%x: memref<1x2x4xf32>, %y: memref<1x3x4xf32>) {
    %w = memref.get_global @w1 : memref<3x2x1x1xf32>
    call @pointwise(%x, %w, %y) : (memref<1x2x4xf32>, memref<3x2x1x1xf32>, memref<1x3x4xf32>) -> ()
    return
  }
  func.func private @pointwise(%x: memref<1x2x4xf32>, %w: memref<3x2x1x1xf32>, %y: memref<1x3x4xf32>) {
    %m = memref.collapse_shape %w [[0], [1, 2, 3]] : memref<3x2x1x1xf32> into memref<3x2xf32>
    linalg.generic {indexing_maps = [affine_map<(n, f, p, c) -> (n, c, p)>, affine_map<(n, f, p, c) -> (f, c)>, affine_map<(n, f, p, c) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %m : memref<1x2x4xf32>, memref<3x2xf32>) outs(%y : memref<1x3x4xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 2, vectors = 1>} {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// A linear layer's constant [K, N] weights are B: stored as the panels the
// kernel would pack at run time, [column tile][step][column] for tiles of
// 8 columns, zero past column 10: tile 0 holds 0..7 then 10..17, tile 1
// 8 9 0.. then 18 19 0... The kernel reads its B vectors from the packed
// argument and packs no panel.
// CHECK-LABEL: memref.global "private" constant @wb_packed : memref<2x2x8xf32>
// CHECK: func.func private @linear(%{{.*}}: memref<12x2xf32>, %[[W:.*]]: memref<2x2x8xf32>, %{{.*}}: memref<12x10xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[PACKED:map[0-9]*]], #{{.*}}]
// CHECK: wb_packed: "0x08000000{{(00000000)(0000803F)(00000040)(00004040)(00008040)(0000A040)(0000C040)(0000E040)}}
// CHECK-SAME: {{(00002041)(00003041)(00004041)(00005041)(00006041)(00007041)(00008041)(00008841)}}
// CHECK-SAME: {{(00000041)(00001041)(0{48})(00009041)(00009841)(0{48})}}"
// KERNEL-LABEL: func.func private @linear
// KERNEL-NOT: memref.alloc
// KERNEL: vector.load %arg1[%{{.*}}, %{{.*}}, %c0{{.*}}] : memref<2x2x8xf32>, vector<8xf32>
// KERNEL-NOT: memref.alloc
module {
  memref.global "private" constant @wb : memref<2x10xf32> = dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0]]>
  func.func @main(%x: memref<12x2xf32>, %y: memref<12x10xf32>) {
    %w = memref.get_global @wb : memref<2x10xf32>
    call @linear(%x, %w, %y) : (memref<12x2xf32>, memref<2x10xf32>, memref<12x10xf32>) -> ()
    return
  }
  func.func private @linear(%x: memref<12x2xf32>, %w: memref<2x10xf32>, %y: memref<12x10xf32>) {
    linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : memref<12x2xf32>, memref<2x10xf32>) outs(%y : memref<12x10xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 1, pack_b = true>} {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// Without pack_b (no row reuse: a matrix-vector product) the kernel streams
// B where it lies, and the weights keep their layout.
// CHECK-LABEL: memref.global "private" constant @wv : memref<2x10xf32>
// CHECK-NOT: wv_packed
module {
  memref.global "private" constant @wv : memref<2x10xf32> = dense<1.0>
  func.func @main(%x: memref<1x2xf32>, %y: memref<1x10xf32>) {
    %w = memref.get_global @wv : memref<2x10xf32>
    call @gemv(%x, %w, %y) : (memref<1x2xf32>, memref<2x10xf32>, memref<1x10xf32>) -> ()
    return
  }
  func.func private @gemv(%x: memref<1x2xf32>, %w: memref<2x10xf32>, %y: memref<1x10xf32>) {
    linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : memref<1x2xf32>, memref<2x10xf32>) outs(%y : memref<1x10xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 2>} {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// A weight the graph also reads elsewhere keeps its layout: packing it would
// store it twice.
// CHECK-LABEL: memref.global "private" constant @w : memref<5x2x1x2xf32>
// CHECK-NOT: w_packed
module {
  memref.global "private" constant @w : memref<5x2x1x2xf32> = dense<[[[[0.0, 1.0]], [[2.0, 3.0]]], [[[4.0, 5.0]], [[6.0, 7.0]]], [[[8.0, 9.0]], [[10.0, 11.0]]], [[[12.0, 13.0]], [[14.0, 15.0]]], [[[16.0, 17.0]], [[18.0, 19.0]]]]>
  func.func @main(%x: memref<1x2x3x4xf32>, %y: memref<1x5x3x3xf32>) {
    %w = memref.get_global @w : memref<5x2x1x2xf32>
    call @conv(%x, %w, %y) : (memref<1x2x3x4xf32>, memref<5x2x1x2xf32>, memref<1x5x3x3xf32>) -> ()
    call @other(%w) : (memref<5x2x1x2xf32>) -> ()
    return
  }
  func.func private @conv(%x: memref<1x2x3x4xf32>, %w: memref<5x2x1x2xf32>, %y: memref<1x5x3x3xf32>) attributes {tessel.kernel = {bytes = 0 : i64, flops = 0 : i64, index = 0 : i64, nodes = ["Conv"], op = "tessel.conv", type = (tensor<1x2x3x4xf32>, tensor<5x2x1x2xf32>) -> tensor<1x5x3x3xf32>}} {
    linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<1x2x3x4xf32>, memref<5x2x1x2xf32>) outs(%y : memref<1x5x3x3xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 2, vectors = 1>} {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
  func.func private @other(%w: memref<5x2x1x2xf32>) {
    return
  }
}

// -----

// A public kernel may have callers outside the module; one-row tiles read A
// as a single stream already.
// CHECK-LABEL: memref.global "private" constant @w : memref<5x2x1x2xf32>
// CHECK-NOT: w_packed
module {
  memref.global "private" constant @w : memref<5x2x1x2xf32> = dense<[[[[0.0, 1.0]], [[2.0, 3.0]]], [[[4.0, 5.0]], [[6.0, 7.0]]], [[[8.0, 9.0]], [[10.0, 11.0]]], [[[12.0, 13.0]], [[14.0, 15.0]]], [[[16.0, 17.0]], [[18.0, 19.0]]]]>
  func.func @main(%x: memref<1x2x3x4xf32>, %y: memref<1x5x3x3xf32>) {
    %w = memref.get_global @w : memref<5x2x1x2xf32>
    call @conv(%x, %w, %y) : (memref<1x2x3x4xf32>, memref<5x2x1x2xf32>, memref<1x5x3x3xf32>) -> ()
    return
  }
  func.func @conv(%x: memref<1x2x3x4xf32>, %w: memref<5x2x1x2xf32>, %y: memref<1x5x3x3xf32>) attributes {tessel.kernel = {bytes = 0 : i64, flops = 0 : i64, index = 0 : i64, nodes = ["Conv"], op = "tessel.conv", type = (tensor<1x2x3x4xf32>, tensor<5x2x1x2xf32>) -> tensor<1x5x3x3xf32>}} {
    linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<1x2x3x4xf32>, memref<5x2x1x2xf32>) outs(%y : memref<1x5x3x3xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 2, vectors = 1>} {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// CHECK-LABEL: memref.global "private" constant @w : memref<5x2x1x2xf32>
// CHECK-NOT: w_packed
module {
  memref.global "private" constant @w : memref<5x2x1x2xf32> = dense<[[[[0.0, 1.0]], [[2.0, 3.0]]], [[[4.0, 5.0]], [[6.0, 7.0]]], [[[8.0, 9.0]], [[10.0, 11.0]]], [[[12.0, 13.0]], [[14.0, 15.0]]], [[[16.0, 17.0]], [[18.0, 19.0]]]]>
  func.func @main(%x: memref<1x2x3x4xf32>, %y: memref<1x5x3x3xf32>) {
    %w = memref.get_global @w : memref<5x2x1x2xf32>
    call @conv(%x, %w, %y) : (memref<1x2x3x4xf32>, memref<5x2x1x2xf32>, memref<1x5x3x3xf32>) -> ()
    return
  }
  func.func private @conv(%x: memref<1x2x3x4xf32>, %w: memref<5x2x1x2xf32>, %y: memref<1x5x3x3xf32>) attributes {tessel.kernel = {bytes = 0 : i64, flops = 0 : i64, index = 0 : i64, nodes = ["Conv"], op = "tessel.conv", type = (tensor<1x2x3x4xf32>, tensor<5x2x1x2xf32>) -> tensor<1x5x3x3xf32>}} {
    linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<1x2x3x4xf32>, memref<5x2x1x2xf32>) outs(%y : memref<1x5x3x3xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 1>} {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// With a packed B panel the kernel's reduction is one flat loop over panel
// rows; its broadcasts come from the packed filters at the reduction
// block's first step (block kb of one channel: steps 2kb, 2kb+1), and the
// A panel that pack_a would fill at run time is not allocated.
// CHECK-LABEL: memref.global "private" constant @w_packed
// KERNEL-LABEL: func.func private @conv
// KERNEL-NOT: memref.alloc()
// KERNEL: %[[TILES:.*]] = memref.collapse_shape %arg1
// KERNEL: scf.for %[[KB:.*]] = %c0{{.*}} to %c2{{.*}} step %c1
// KERNEL: %[[BASE:.*]] = arith.muli %[[KB]], %c2
// KERNEL: scf.for %[[ROW:.*]] = %c0{{.*}} to %c2{{.*}} step %c1{{.*}} iter_args
// KERNEL: vector.load %{{.*}}[%[[ROW]], %c0{{.*}}] : memref<2x8xf32>
// KERNEL: %[[STEP:.*]] = arith.addi %[[BASE]], %[[ROW]]
// KERNEL: memref.load %[[TILES]][%{{.*}}, %[[STEP]], %c0{{.*}}] : memref<3x4x2xf32>
module {
  memref.global "private" constant @w : memref<5x2x1x2xf32> = dense<[[[[0.0, 1.0]], [[2.0, 3.0]]], [[[4.0, 5.0]], [[6.0, 7.0]]], [[[8.0, 9.0]], [[10.0, 11.0]]], [[[12.0, 13.0]], [[14.0, 15.0]]], [[[16.0, 17.0]], [[18.0, 19.0]]]]>
  func.func @main(%x: memref<1x2x3x4xf32>, %y: memref<1x5x3x3xf32>) {
    %w = memref.get_global @w : memref<5x2x1x2xf32>
    call @conv(%x, %w, %y) : (memref<1x2x3x4xf32>, memref<5x2x1x2xf32>, memref<1x5x3x3xf32>) -> ()
    return
  }
  func.func private @conv(%x: memref<1x2x3x4xf32>, %w: memref<5x2x1x2xf32>, %y: memref<1x5x3x3xf32>) attributes {tessel.kernel = {bytes = 0 : i64, flops = 0 : i64, index = 0 : i64, nodes = ["Conv"], op = "tessel.conv", type = (tensor<1x2x3x4xf32>, tensor<5x2x1x2xf32>) -> tensor<1x5x3x3xf32>}} {
    linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>, affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<1x2x3x4xf32>, memref<5x2x1x2xf32>) outs(%y : memref<1x5x3x3xf32>)
        attrs = {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 2, vectors = 1, reduction_block = 1, pack_a = true, pack_b = true>} {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %p = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}
