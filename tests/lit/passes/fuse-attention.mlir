// tessel-fuse-attention: MatMul(Q, Kᵀ) -> scale -> mask -> Softmax -> MatMul(·, V).
// RUN: tessel-opt %s --tessel-fuse-attention --split-input-file | FileCheck %s
// RUN: tessel-opt %s --tessel-fuse-attention=report=true --split-input-file -verify-diagnostics -o /dev/null

// nn.MultiheadAttention (PyTorch 1.13): heads folded into the batch, Q
// divided by sqrt(d) before the product, K transposed from [L, B*H, D] by
// one Transpose (perm [1, 2, 0]); k becomes that Transpose composed with the
// swap of the last two axes.
// CHECK-LABEL: func.func @mha_prescaled_q
// CHECK-SAME: (%[[Q:.*]]: tensor<8x6x4xf32>, %[[K:.*]]: tensor<6x8x4xf32>, %[[V:.*]]: tensor<8x6x4xf32>)
// CHECK: %[[KT:.*]] = tessel.transpose %[[K]] {perm = array<i64: 1, 0, 2>} : tensor<6x8x4xf32> -> tensor<8x6x4xf32>
// CHECK: %[[O:.*]] = tessel.attention %[[Q]], %[[KT]], %[[V]] {scale = 5.000000e-01 : f64}
// CHECK-NOT: tessel.softmax
// CHECK: return %[[O]]
func.func @mha_prescaled_q(%q: tensor<8x6x4xf32>, %k: tensor<6x8x4xf32>, %v: tensor<8x6x4xf32>) -> tensor<8x6x4xf32> {
  %c = tessel.constant dense<2.0> : tensor<f32>
  %qs = tessel.div %q, %c : (tensor<8x6x4xf32>, tensor<f32>) -> tensor<8x6x4xf32>
  %kt = tessel.transpose %k {perm = array<i64: 1, 2, 0>} : tensor<6x8x4xf32> -> tensor<8x4x6xf32>
  %s = tessel.matmul %qs, %kt : (tensor<8x6x4xf32>, tensor<8x4x6xf32>) -> tensor<8x6x6xf32>
  // expected-remark @+1 {{fused attention (scale=0.5)}}
  %p = tessel.softmax %s {axis = 2 : i64} : tensor<8x6x6xf32>
  %o = tessel.matmul %p, %v : (tensor<8x6x6xf32>, tensor<8x6x4xf32>) -> tensor<8x6x4xf32>
  return %o : tensor<8x6x4xf32>
}

// -----

// BERT-style: Transpose swapping the last two axes of K (absorbed), Div of
// the scores by sqrt(d), an additive padding mask [B, 1, 1, L].
// CHECK-LABEL: func.func @bert_padding_mask
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x8x16xf32>, %[[K:.*]]: tensor<2x4x8x16xf32>, %[[V:.*]]: tensor<2x4x8x16xf32>, %[[M:.*]]: tensor<2x1x1x8xf32>)
// CHECK-NEXT: %[[O:.*]] = tessel.attention %[[Q]], %[[K]], %[[V]], %[[M]] {scale = 2.500000e-01 : f64}
// CHECK-NEXT: return %[[O]]
func.func @bert_padding_mask(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %m: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %c = tessel.constant dense<4.0> : tensor<f32>
  %kt = tessel.transpose %k {perm = array<i64: 0, 1, 3, 2>} : tensor<2x4x8x16xf32> -> tensor<2x4x16x8xf32>
  %s = tessel.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = tessel.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %a = tessel.add %m, %d : (tensor<2x1x1x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  // expected-remark @+1 {{fused attention (scale=0.25, mask)}}
  %p = tessel.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = tessel.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// LLaMA-style causal mask: masked_fill(triu(ones, 1), -inf) after the scale
// is Where(Trilu(true, k = 1, upper), -inf, scores): causal, no mask operand.
// CHECK-LABEL: func.func @llama_causal_where
// CHECK-NOT: tessel.trilu
// CHECK: %[[O:.*]] = tessel.attention %arg0, %arg1, %arg2 {causal = true, scale = 0.35355339{{[0-9]*}} : f64}
// CHECK-NEXT: return %[[O]]
func.func @llama_causal_where(%q: tensor<1x4x8x8xf32>, %k: tensor<1x4x8x8xf32>, %v: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %c = tessel.constant dense<2.82842708> : tensor<f32>
  %ninf = tessel.constant dense<0xFF800000> : tensor<f32>
  %ones = tessel.constant dense<true> : tensor<8x8xi1>
  %kt = tessel.transpose %k {perm = array<i64: 0, 1, 3, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  %s = tessel.matmul %q, %kt : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %d = tessel.div %s, %c : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %cond = tessel.trilu %ones {k = 1 : i64, upper = true} : tensor<8x8xi1> -> tensor<8x8xi1>
  %w = tessel.select %cond, %ninf, %d : (tensor<8x8xi1>, tensor<f32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark @+1 {{fused attention (scale=0.353553, causal)}}
  %p = tessel.softmax %w {axis = 3 : i64} : tensor<1x4x8x8xf32>
  %o = tessel.matmul %p, %v : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %o : tensor<1x4x8x8xf32>
}

// -----

// A constant additive causal mask (0 on and below the diagonal, -1e9 above),
// the scale as Mul by 1/sqrt(d) on the left, split between Q and K.
// CHECK-LABEL: func.func @additive_causal_split_scale
// CHECK: tessel.attention %arg0, %arg1, %arg2 {causal = true, scale = 1.250000e-01 : f64}
func.func @additive_causal_split_scale(%q: tensor<2x3x4xf32>, %k: tensor<2x3x4xf32>, %v: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %half = tessel.constant dense<0.5> : tensor<f32>
  %c = tessel.constant dense<0.5> : tensor<f32>
  %mask = tessel.constant dense<[[0.0, -1.0e9, -1.0e9], [0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0]]> : tensor<3x3xf32>
  %qs = tessel.mul %q, %half : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %kt = tessel.transpose %k {perm = array<i64: 0, 2, 1>} : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
  %ks = tessel.mul %half, %kt : (tensor<f32>, tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  %s = tessel.matmul %qs, %ks : (tensor<2x3x4xf32>, tensor<2x4x3xf32>) -> tensor<2x3x3xf32>
  %m = tessel.mul %c, %s : (tensor<f32>, tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %a = tessel.add %m, %mask : (tensor<2x3x3xf32>, tensor<3x3xf32>) -> tensor<2x3x3xf32>
  // expected-remark @+1 {{fused attention (scale=0.125, causal)}}
  %p = tessel.softmax %a {axis = 2 : i64} : tensor<2x3x3xf32>
  %o = tessel.matmul %p, %v : (tensor<2x3x3xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %o : tensor<2x3x4xf32>
}

// -----

// A dynamic export's causal mask, built at run time from the sequence length:
// Where(Trilu(ConstantOfShape([s, s], true), k = 1, upper), -inf, 0) added to
// the scores: causal, no mask operand.
// CHECK-LABEL: func.func @dynamic_additive_causal
// CHECK-NOT: tessel.trilu
// CHECK: tessel.attention %arg0, %arg1, %arg2 {causal = true, scale = 1.250000e-01 : f64} : (tensor<1x2x?x64xf32>
func.func @dynamic_additive_causal(%q: tensor<1x2x?x64xf32>, %k: tensor<1x2x?x64xf32>, %v: tensor<1x2x?x64xf32>, %shape: tensor<2xi64>) -> tensor<1x2x?x64xf32> {
  %c = tessel.constant dense<8.0> : tensor<f32>
  %ninf = tessel.constant dense<0xFF800000> : tensor<f32>
  %zero = tessel.constant dense<0.0> : tensor<f32>
  %true = tessel.constant dense<true> : tensor<i1>
  %ones = tessel.computed_expand %true to %shape : tensor<i1>, tensor<2xi64> -> tensor<?x?xi1>
  %cond = tessel.trilu %ones {k = 1 : i64, upper = true} : tensor<?x?xi1> -> tensor<?x?xi1>
  %mask = tessel.select %cond, %ninf, %zero : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %kt = tessel.transpose %k {perm = array<i64: 0, 1, 3, 2>} : tensor<1x2x?x64xf32> -> tensor<1x2x64x?xf32>
  %s = tessel.matmul %q, %kt : (tensor<1x2x?x64xf32>, tensor<1x2x64x?xf32>) -> tensor<1x2x?x?xf32>
  %d = tessel.div %s, %c : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %a = tessel.add %d, %mask : (tensor<1x2x?x?xf32>, tensor<?x?xf32>) -> tensor<1x2x?x?xf32>
  // expected-remark @+1 {{fused attention (scale=0.125, causal)}}
  %p = tessel.softmax %a {axis = 3 : i64} : tensor<1x2x?x?xf32>
  %o = tessel.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x64xf32>) -> tensor<1x2x?x64xf32>
  return %o : tensor<1x2x?x64xf32>
}

// -----

// masked_fill with a run-time condition, keeping the scores where it holds
// (Where(cond, scores, -10000)), applied before the scale: the mask becomes
// select(cond, 0, -10000) times the scale. K arrives pre-transposed.
// CHECK-LABEL: func.func @where_keep_before_scale
// CHECK-SAME: (%[[Q:.*]]: tensor<2x5x4xf32>, %[[KT:.*]]: tensor<2x4x5xf32>, %[[V:.*]]: tensor<2x5x4xf32>, %[[C:.*]]: tensor<2x1x5xi1>)
// CHECK-DAG: %[[FILL:.*]] = tessel.constant dense<-1.000000e+04> : tensor<f32>
// CHECK-DAG: %[[ZERO:.*]] = tessel.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[HALF:.*]] = tessel.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[K:.*]] = tessel.transpose %[[KT]] {perm = array<i64: 0, 2, 1>}
// CHECK: %[[SEL:.*]] = tessel.select %[[C]], %[[ZERO]], %[[FILL]]
// CHECK: %[[MASK:.*]] = tessel.mul %[[SEL]], %[[HALF]]
// CHECK: tessel.attention %[[Q]], %[[K]], %[[V]], %[[MASK]] {scale = 5.000000e-01 : f64}
func.func @where_keep_before_scale(%q: tensor<2x5x4xf32>, %kt: tensor<2x4x5xf32>, %v: tensor<2x5x4xf32>, %cond: tensor<2x1x5xi1>) -> tensor<2x5x4xf32> {
  %fill = tessel.constant dense<-1.0e4> : tensor<f32>
  %c = tessel.constant dense<2.0> : tensor<f32>
  %s = tessel.matmul %q, %kt : (tensor<2x5x4xf32>, tensor<2x4x5xf32>) -> tensor<2x5x5xf32>
  %w = tessel.select %cond, %s, %fill : (tensor<2x1x5xi1>, tensor<2x5x5xf32>, tensor<f32>) -> tensor<2x5x5xf32>
  %d = tessel.div %w, %c : (tensor<2x5x5xf32>, tensor<f32>) -> tensor<2x5x5xf32>
  // expected-remark @+1 {{fused attention (scale=0.5, mask)}}
  %p = tessel.softmax %d {axis = 2 : i64} : tensor<2x5x5xf32>
  %o = tessel.matmul %p, %v : (tensor<2x5x5xf32>, tensor<2x5x4xf32>) -> tensor<2x5x4xf32>
  return %o : tensor<2x5x4xf32>
}

// -----

// Look-alikes that must not fuse.

// Softmax over the query axis.
// CHECK-LABEL: func.func @softmax_other_axis
// CHECK-NOT: tessel.attention
func.func @softmax_other_axis(%q: tensor<2x6x4xf32>, %kt: tensor<2x4x6xf32>, %v: tensor<2x6x4xf32>) -> tensor<2x6x4xf32> {
  %s = tessel.matmul %q, %kt : (tensor<2x6x4xf32>, tensor<2x4x6xf32>) -> tensor<2x6x6xf32>
  // expected-remark @+1 {{missed attention: softmax over axis 1, not the last axis of the scores}}
  %p = tessel.softmax %s {axis = 1 : i64} : tensor<2x6x6xf32>
  %o = tessel.matmul %p, %v : (tensor<2x6x6xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
  return %o : tensor<2x6x4xf32>
}

// -----

// The scale is a run-time value.
// CHECK-LABEL: func.func @scale_not_constant
// CHECK-NOT: tessel.attention
func.func @scale_not_constant(%q: tensor<2x6x4xf32>, %kt: tensor<2x4x6xf32>, %v: tensor<2x6x4xf32>, %c: tensor<f32>) -> tensor<2x6x4xf32> {
  %s = tessel.matmul %q, %kt : (tensor<2x6x4xf32>, tensor<2x4x6xf32>) -> tensor<2x6x6xf32>
  // expected-remark @+1 {{missed attention: the scores are divided by a value that is not a nonzero scalar constant}}
  %d = tessel.div %s, %c : (tensor<2x6x6xf32>, tensor<f32>) -> tensor<2x6x6xf32>
  %p = tessel.softmax %d {axis = 2 : i64} : tensor<2x6x6xf32>
  %o = tessel.matmul %p, %v : (tensor<2x6x6xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
  return %o : tensor<2x6x4xf32>
}

// -----

// The attention probabilities are also returned (need_weights).
// CHECK-LABEL: func.func @probabilities_have_another_user
// CHECK-NOT: tessel.attention
func.func @probabilities_have_another_user(%q: tensor<2x6x4xf32>, %kt: tensor<2x4x6xf32>, %v: tensor<2x6x4xf32>) -> (tensor<2x6x4xf32>, tensor<2x6x6xf32>) {
  %s = tessel.matmul %q, %kt : (tensor<2x6x4xf32>, tensor<2x4x6xf32>) -> tensor<2x6x6xf32>
  // expected-remark @+1 {{missed attention: the attention probabilities have another user}}
  %p = tessel.softmax %s {axis = 2 : i64} : tensor<2x6x6xf32>
  %o = tessel.matmul %p, %v : (tensor<2x6x6xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
  return %o, %p : tensor<2x6x4xf32>, tensor<2x6x6xf32>
}

// -----

// The scaled scores feed another op.
// CHECK-LABEL: func.func @scores_have_another_user
// CHECK-NOT: tessel.attention
func.func @scores_have_another_user(%q: tensor<2x6x4xf32>, %kt: tensor<2x4x6xf32>, %v: tensor<2x6x4xf32>) -> (tensor<2x6x4xf32>, tensor<2x6x6xf32>) {
  %c = tessel.constant dense<2.0> : tensor<f32>
  %s = tessel.matmul %q, %kt : (tensor<2x6x4xf32>, tensor<2x4x6xf32>) -> tensor<2x6x6xf32>
  // expected-remark @+1 {{missed attention: the scores feed another op besides the softmax chain}}
  %d = tessel.div %s, %c : (tensor<2x6x6xf32>, tensor<f32>) -> tensor<2x6x6xf32>
  %p = tessel.softmax %d {axis = 2 : i64} : tensor<2x6x6xf32>
  %o = tessel.matmul %p, %v : (tensor<2x6x6xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
  return %o, %d : tensor<2x6x4xf32>, tensor<2x6x6xf32>
}

// -----

// The mask [2, 1, 6, 6] stretches the scores [4, 6, 6] to [2, 4, 6, 6]: the
// softmax no longer runs over one attention's scores.
// CHECK-LABEL: func.func @mask_broadcasts_scores
// CHECK-NOT: tessel.attention
func.func @mask_broadcasts_scores(%q: tensor<4x6x4xf32>, %kt: tensor<4x4x6xf32>, %v: tensor<4x6x4xf32>, %m: tensor<2x1x6x6xf32>) -> tensor<2x4x6x4xf32> {
  %s = tessel.matmul %q, %kt : (tensor<4x6x4xf32>, tensor<4x4x6xf32>) -> tensor<4x6x6xf32>
  // expected-remark @+1 {{missed attention: the mask broadcasts the scores to a larger shape}}
  %a = tessel.add %s, %m : (tensor<4x6x6xf32>, tensor<2x1x6x6xf32>) -> tensor<2x4x6x6xf32>
  %p = tessel.softmax %a {axis = 3 : i64} : tensor<2x4x6x6xf32>
  %o = tessel.matmul %p, %v : (tensor<2x4x6x6xf32>, tensor<4x6x4xf32>) -> tensor<2x4x6x4xf32>
  return %o : tensor<2x4x6x4xf32>
}

// -----

// A dynamic sequence fuses as a static one does (the lowering pads the
// sequence to whole blocks and masks the padded keys).
// CHECK-LABEL: func.func @dynamic_sequence
// CHECK: %[[O:.*]] = tessel.attention %arg0, %{{.*}}, %arg2 {scale = 5.000000e-01 : f64} : (tensor<8x?x4xf32>, tensor<8x?x4xf32>, tensor<8x?x4xf32>) -> tensor<8x?x4xf32>
// CHECK-NOT: tessel.softmax
func.func @dynamic_sequence(%q: tensor<8x?x4xf32>, %kt: tensor<8x4x?xf32>, %v: tensor<8x?x4xf32>) -> tensor<8x?x4xf32> {
  %c = tessel.constant dense<2.0> : tensor<f32>
  %s = tessel.matmul %q, %kt : (tensor<8x?x4xf32>, tensor<8x4x?xf32>) -> tensor<8x?x?xf32>
  %d = tessel.div %s, %c : (tensor<8x?x?xf32>, tensor<f32>) -> tensor<8x?x?xf32>
  // expected-remark @+1 {{fused attention (scale=0.5)}}
  %p = tessel.softmax %d {axis = 2 : i64} : tensor<8x?x?xf32>
  %o = tessel.matmul %p, %v : (tensor<8x?x?xf32>, tensor<8x?x4xf32>) -> tensor<8x?x4xf32>
  return %o : tensor<8x?x4xf32>
}
