// RUN: tessel-opt %s --split-input-file --tessel-set-target=cpu=znver3 --tessel-convert-to-linalg | FileCheck %s
// tessel.linear, tessel.attention, tessel.rms_norm and tessel.group_norm.

// Linear: leading axes collapse into M; the accumulator starts at bias +
// residual; the transposed weight is read as [N, K]; SiLU follows.
// CHECK-DAG: #[[$X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$WT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @linear
// CHECK: %[[X:.*]] = tensor.expand_shape {{.*}} into tensor<6x8xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape {{.*}} into tensor<6x4xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%arg2, %[[R]] : tensor<4xf32>, tensor<6x4xf32>)
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[$X]], #[[$WT]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %arg1 : tensor<6x8xf32>, tensor<4x8xf32>) outs(%[[INIT]] : tensor<6x4xf32>)
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<6x4xf32>)
// CHECK:   math.exp
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x4xf32>
func.func @linear(%x: tensor<2x3x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>, %r: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = tessel.linear %x, %w, %b, %r {transpose_weight = true, activation = "silu"} : (tensor<2x3x8xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Attention over 128 positions: a parallel loop (scf.forall) over the batch
// axes and query blocks (of up to 256 rows: here one), and inside it a loop
// over key blocks of 32 carrying the running max, sum and output block. Only
// 128x32 score blocks exist; never 128x128. K is transposed once, before the
// loops, so that score blocks read it along keys.
// CHECK-LABEL: func @attention
// CHECK-NOT: 128x128
// CHECK: %[[KT:.*]] = linalg.transpose ins(%arg1 : tensor<1x2x128x16xf32>) outs({{.*}} : tensor<1x2x16x128xf32>) permutation = [0, 1, 3, 2]
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (1, 2, 128) step (1, 1, 128) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x2x128x16xf32>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<128xf32>, tensor<128xf32>, tensor<128x16xf32>)
// CHECK: tensor.extract_slice %[[KT]]{{.*}} to tensor<16x32xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<128x32xf32>)
// CHECK: math.exp
// CHECK: scf.yield {{.*}} : tensor<128xf32>, tensor<128xf32>, tensor<128x16xf32>
// CHECK: arith.divf
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice {{.*}} into {{.*}} : tensor<128x16xf32> into tensor<1x2x128x16xf32>
// CHECK-NOT: 128x128
func.func @attention(%q: tensor<1x2x128x16xf32>, %k: tensor<1x2x128x16xf32>, %v: tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32> {
  %0 = tessel.attention %q, %k, %v {scale = 0.25 : f64} : (tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
  return %0 : tensor<1x2x128x16xf32>
}

// -----

// Causal self-attention: query blocks as long as the key blocks (32), and
// each query block's loop over key blocks stops after its own (at qi + 32):
// the blocks past it are masked whole. The causal cut masks the rest.
// CHECK-LABEL: func @attention_causal
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %[[QI:.*]]) = (0, 0, 0) to (1, 2, 128) step (1, 1, 32) shared_outs
// CHECK: %[[END:.*]] = arith.addi %[[QI]], %c32{{.*}} : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[END]] step %{{.*}} iter_args({{.*}}) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x16xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<32x32xf32>)
// CHECK: arith.cmpi ugt
// CHECK: tensor.parallel_insert_slice {{.*}} : tensor<32x16xf32> into tensor<1x2x128x16xf32>
func.func @attention_causal(%q: tensor<1x2x128x16xf32>, %k: tensor<1x2x128x16xf32>, %v: tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32> {
  %0 = tessel.attention %q, %k, %v {scale = 0.25 : f64, causal = true} : (tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
  return %0 : tensor<1x2x128x16xf32>
}

// -----

// Sequence lengths without a good divisor get whole-sequence blocks rather
// than tiny ones: 65 tokens (5 x 13) are one block of 65 query rows and one
// of 65 keys; 197 (prime, ViT-B/16) likewise.
// CHECK-LABEL: func @attention_short_odd
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (4, 65) step (1, 65)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<65x65xf32>)
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (12, 197) step (1, 197)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<197x197xf32>)
func.func @attention_short_odd(%q: tensor<4x65x8xf32>, %k: tensor<4x65x8xf32>, %v: tensor<4x65x8xf32>,
                               %q2: tensor<12x197x64xf32>, %k2: tensor<12x197x64xf32>, %v2: tensor<12x197x64xf32>)
    -> (tensor<4x65x8xf32>, tensor<12x197x64xf32>) {
  %0 = tessel.attention %q, %k, %v {scale = 0.35 : f64} : (tensor<4x65x8xf32>, tensor<4x65x8xf32>, tensor<4x65x8xf32>) -> tensor<4x65x8xf32>
  %1 = tessel.attention %q2, %k2, %v2 {scale = 0.125 : f64} : (tensor<12x197x64xf32>, tensor<12x197x64xf32>, tensor<12x197x64xf32>) -> tensor<12x197x64xf32>
  return %0, %1 : tensor<4x65x8xf32>, tensor<12x197x64xf32>
}

// -----

// An additive mask [B, 1, 1, Lk] is read as a 1 x Bk tile per key block,
// broadcast over the query rows.
// CHECK-LABEL: func @attention_mask
// CHECK: tensor.extract_slice %arg3{{.*}} to tensor<1x8xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$BCAST:.*]], #{{.*}}]
func.func @attention_mask(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %m: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %0 = tessel.attention %q, %k, %v, %m {scale = 0.25 : f64} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32>
  return %0 : tensor<2x4x8x16xf32>
}

// -----

// RMS norm: mean of squares (no centering), rsqrt, then x * inv * scale.
// CHECK-LABEL: func @rms_norm
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<2x3x4xf32>)
// CHECK:   arith.mulf
// CHECK: math.rsqrt
// CHECK: linalg.generic {{.*}} ins(%arg0, %{{.*}}, %arg1 : tensor<2x3x4xf32>, tensor<2x3xf32>, tensor<4xf32>)
// CHECK-NOT: arith.subf
func.func @rms_norm(%x: tensor<2x3x4xf32>, %w: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = tessel.rms_norm %x, %w {axis = 2 : i64, epsilon = 1.0e-6 : f64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Group norm: statistics over [N, G, C/G * H * W], then the normalization
// reads them at (n, c floordiv C/G) and scale / bias at c.
// CHECK-DAG: #[[$STATS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 floordiv 4)>
// CHECK-DAG: #[[$CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @group_norm
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x256xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$STATS]], #[[$STATS]], #[[$CH]], #[[$CH]], #{{.*}}]
func.func @group_norm(%x: tensor<1x8x8x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<1x8x8x8xf32> {
  %0 = tessel.group_norm %x, %g, %b {num_groups = 2 : i64, epsilon = 1.0e-5 : f64} : (tensor<1x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// A dynamic sequence: blocks of 64 query rows and 32 keys. Sequences of
// whole blocks run on q, k and v as they are; others on copies padded to
// whole blocks (zeros), the padded keys masked (-inf), the padded query rows
// dropped from the output.
// CHECK-LABEL: func @attention_dynamic
// CHECK: %[[LQ:.*]] = tensor.dim %arg0, %c1
// CHECK: %[[LK:.*]] = tensor.dim %arg1, %c1
// CHECK: arith.remui %[[LQ]], %c64
// CHECK: arith.remui %[[LK]], %c32
// CHECK: %[[WHOLE:.*]] = arith.andi
// CHECK: scf.if %[[WHOLE]] -> (tensor<?x?x16xf32>)
// CHECK-NOT: tensor.pad
// CHECK-NOT: arith.cmpi uge
// CHECK: scf.forall
// CHECK: } else {
// CHECK-COUNT-3: tensor.pad
// CHECK: scf.forall
// CHECK: arith.cmpi uge
// CHECK: tensor.extract_slice
func.func @attention_dynamic(%q: tensor<?x?x16xf32>, %k: tensor<?x?x16xf32>, %v: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %0 = tessel.attention %q, %k, %v {scale = 0.25 : f64} : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}
