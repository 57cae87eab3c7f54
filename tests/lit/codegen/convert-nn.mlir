// tessel-convert-to-linalg: convolution, pooling and batch norm.
// The choice of the flattened-pixel form depends on the target's register
// tile (16 columns on AVX2, 64 on AVX-512): the target is pinned, and the
// AVX-512 choice is checked where it differs.
// RUN: tessel-opt %s --tessel-set-target=cpu=znver3 --tessel-convert-to-linalg -split-input-file | FileCheck %s
// RUN: tessel-opt %s --tessel-set-target=cpu=znver4 --tessel-convert-to-linalg -split-input-file | FileCheck %s --check-prefix=AVX512

// Loops (n, f, oh, ow, c, kh, kw). Pads become a zero tensor.pad; stride 2
// scales the output index; with 2 groups of 3 filters over 2 channels each,
// filter f reads channel (f floordiv 3) * 2 + c. The bias initializes the
// accumulator, broadcast along every dim but the filter.
// CHECK-DAG: #[[$BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[$ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, (d1 floordiv 3) * 2 + d4, d2 * 2 + d5, d3 * 2 + d6)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_grouped_strided_padded
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PADDED:.*]] = tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[$BIAS]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[B]] : tensor<6xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$IN]], #[[$W]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[PADDED]], %[[W]] : tensor<1x4x10x10xf32>, tensor<6x2x3x3xf32>) outs(%[[INIT]] : tensor<1x6x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[I:.*]]: f32, %[[K:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[I]], %[[K]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @conv_grouped_strided_padded(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 2, 1, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// 1-D, dilation 2, no pads, one group: no tensor.pad, and the channel index
// is plain c.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d2 + d4 * 2)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-LABEL: func.func @conv1d_dilated
// CHECK-NOT: tensor.pad
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$W]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<1x3x6xf32>)
func.func @conv1d_dilated(%x: tensor<1x2x10xf32>, %w: tensor<3x2x3xf32>, %b: tensor<3xf32>) -> tensor<1x3x6xf32> {
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 2>} : (tensor<1x2x10xf32>, tensor<3x2x3xf32>, tensor<3xf32>) -> tensor<1x3x6xf32>
  return %0 : tensor<1x3x6xf32>
}

// -----

// The fused epilogue: the accumulator starts at bias + residual (one
// elementwise loop), the activation (here ReLU6 as clip) follows the sums.
// A 1x1 convolution over a map narrower than the 16-column register tile is
// a matmul over the flattened pixels: [F, C] x [C, H*W] per image, its init,
// sums and activation adjacent on [N, F, H*W].
// CHECK-DAG: #[[$PX:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$PW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[$PO:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv_epilogue
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[W:.*]]: tensor<2x2x1x1xf32>, %[[B:.*]]: tensor<2xf32>, %[[R:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[XF:.*]] = tensor.expand_shape {{.*}} into tensor<1x2x16xf32>
// CHECK: %[[WF:.*]] = tensor.expand_shape {{.*}} into tensor<2x2xf32>
// CHECK: %[[RF:.*]] = tensor.expand_shape {{.*}} into tensor<1x2x16xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[B]], %[[RF]] : tensor<2xf32>, tensor<1x2x16xf32>)
// CHECK:   arith.addf
// CHECK: %[[CONV:.*]] = linalg.generic {indexing_maps = [#[[$PX]], #[[$PW]], #[[$PO]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[XF]], %[[WF]] : {{.*}}) outs(%[[INIT]] : tensor<1x2x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x2x16xf32>)
// CHECK:   arith.maximumf
// CHECK:   arith.minimumf
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x4x4xf32>
func.func @conv_epilogue(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2xf32>, %r: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %0 = tessel.conv %x, %w, %b, %r {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = "clip", activation_params = array<f64: 0.0, 6.0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// A strided 3x3 max pool pads with -inf and becomes one elementwise generic
// over the output with one input per tap (the padded tensor through that
// tap's map), so that its innermost loop runs over consecutive outputs.
// The max is a compare and select (it vectorizes; arith.maximumf's scalar
// expansion branches) that takes a NaN and never replaces one; the taps
// combine in window order.
// CHECK-DAG: #[[$TAP0:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2, d3 * 2)>
// CHECK-DAG: #[[$TAP1:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2, d3 * 2 + 1)>
// CHECK-DAG: #[[$TAP8:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2 + 2, d3 * 2 + 2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PADDED:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NINF]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[$TAP0]], #[[$TAP1]], {{.*}}, #[[$TAP8]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[PADDED]], %[[PADDED]], %[[PADDED]], %[[PADDED]], %[[PADDED]], %[[PADDED]], %[[PADDED]], %[[PADDED]], %[[PADDED]] :
// CHECK-NEXT: ^bb0(%[[X0:.*]]: f32, %[[X1:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[X1]], %[[X0]] : f32
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf uno, %[[X1]], %[[X1]] : f32
// CHECK-NEXT: %[[TAKE:.*]] = arith.ori %[[GT]], %[[NAN]] : i1
// CHECK-NEXT: arith.select %[[TAKE]], %[[X1]], %[[X0]] : f32
// CHECK-COUNT-7: arith.select
// CHECK-NEXT: linalg.yield
func.func @max_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = tessel.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// With ceil_mode the last window runs past the input: the end pad grows so
// that it stays in bounds (windows start at 0, 2, 4 and need 6 rows; 5 there).
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x1x5x5xf32> to tensor<1x1x6x6xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x1x3x3xf32>)
func.func @max_pool_ceil(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = tessel.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// With a stride of 1 the first tap's map would be the identity on the
// larger padded input (from which linalg takes loop extents), so the pool
// stays a windowed reduction from -inf: a kernel-shaped empty tensor gives
// the window loops their bounds.
// CHECK-LABEL: func.func @max_pool_stride1
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %[[WINDOW]] : tensor<1x4x10x10xf32>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x4x8x8xf32>)
func.func @max_pool_stride1(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %0 = tessel.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// Average pool: a windowed sum over the zero-padded input, then a division by
// the number of taps inside the input: along each axis,
// clamp(floor((hi - 1 - start) / d) + 1, k) - max(ceil((lo - start) / d), 0)
// with start = o * stride - pad_begin, lo = 0 and hi = 8 (the input size).
// CHECK-LABEL: func.func @avg_pool
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<1x4x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[OH:.*]] = linalg.index 2 : index
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[OS:.*]] = arith.muli %[[OH]], %[[C2]] : index
// CHECK: %[[START:.*]] = arith.subi %[[OS]], %{{.*}} : index
// CHECK: %[[C7:.*]] = arith.constant 7 : index
// CHECK: arith.subi %[[C7]], %[[START]] : index
// CHECK: arith.floordivsi
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: arith.minsi %{{.*}}, %[[C3]] : index
// CHECK: linalg.index 3 : index
// CHECK: %[[CI:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[CF:.*]] = arith.sitofp %[[CI]] : i64 to f32
// CHECK: %[[AVG:.*]] = arith.divf %[[S]], %[[CF]] : f32
// CHECK: linalg.yield %[[AVG]] : f32
func.func @avg_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = tessel.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// With count_include_pad the explicit pads count: lo = -1 and hi = 8 + 1.
// CHECK-LABEL: func.func @avg_pool_include_pad
// CHECK: linalg.index 2 : index
// CHECK: %[[LO:.*]] = arith.constant -1 : index
// CHECK: arith.subi %[[LO]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.constant 8 : index
// CHECK: arith.subi %[[HI]], %{{.*}} : index
func.func @avg_pool_include_pad(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = tessel.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = true} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Batch norm: one generic; the four parameters are read by channel (d1).
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x4x8x8xf32>, %[[SCALE:[^:]*]]: tensor<4xf32>, %[[BIAS:[^:]*]]: tensor<4xf32>, %[[MEAN:[^:]*]]: tensor<4xf32>, %[[VAR:[^:]*]]: tensor<4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[SCALE]], %[[BIAS]], %[[MEAN]], %[[VAR]] :
// CHECK-NEXT: ^bb0(%[[x:.*]]: f32, %[[s:.*]]: f32, %[[b:.*]]: f32, %[[m:.*]]: f32, %[[v:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[v]], %[[EPS]] : f32
// CHECK-NEXT: %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: %[[XC:.*]] = arith.subf %[[x]], %[[m]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.divf %[[XC]], %[[SD]] : f32
// CHECK-NEXT: %[[NS:.*]] = arith.mulf %[[N]], %[[s]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[NS]], %[[b]] : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %scale: tensor<4xf32>, %bias: tensor<4xf32>, %mean: tensor<4xf32>, %var: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %0 = tessel.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-5 : f64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// A stride-1 convolution whose output rows are ragged against the 16-column
// register tile (10 wide here; 14 and 28 in ResNet-18) runs over the
// flattened output pixels p: the padded input is read at (p floordiv 10 +
// kh, p mod 10 + kw), the init, sums and activation are on [N, F, H*W].
// CHECK-DAG: #[[$FX:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d2 floordiv 10 + d4, d2 mod 10 + d5)>
// CHECK-DAG: #[[$FW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d3, d4, d5)>
// CHECK-DAG: #[[$FO:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv_flattened
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%arg2, %{{.*}} : tensor<3xf32>, tensor<1x3x100xf32>)
// CHECK: %[[CONV:.*]] = linalg.generic {indexing_maps = [#[[$FX]], #[[$FW]], #[[$FO]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[P]], %arg1 : tensor<1x2x12x12xf32>, tensor<3x2x3x3xf32>) outs(%[[INIT]] : tensor<1x3x100xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x3x100xf32>)
// CHECK:   arith.maximumf
// CHECK: tensor.expand_shape {{.*}} into tensor<1x3x10x10xf32>
func.func @conv_flattened(%x: tensor<1x2x10x10xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xf32>, %r: tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32> {
  %0 = tessel.conv %x, %w, %b, %r {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, activation = "relu"} : (tensor<1x2x10x10xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>, tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// Stride 2 too: the input at ((p floordiv 10) * 2 + kh, (p mod 10) * 2 + kw).
// CHECK-DAG: #[[$SX:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, (d2 floordiv 10) * 2 + d4, (d2 mod 10) * 2 + d5)>
// CHECK-LABEL: func.func @conv_flattened_strided
// CHECK: linalg.generic {indexing_maps = [#[[$SX]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<1x3x100xf32>)
func.func @conv_flattened_strided(%x: tensor<1x2x20x20xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x3x10x10xf32> {
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x20x20xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// Rows of 7 (the folded 7x7 kernel is as fast), rows of 32 (whole register
// tiles on AVX2) and stride 3 (not read in runs) keep the row-wise form.
// On AVX-512 rows of 32 are half a 64-column tile: flattened.
// AVX512-LABEL: func.func @conv_rows_kept
// AVX512: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x7x7xf32>)
// AVX512: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<1x3x128xf32>)
// AVX512: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x10x10xf32>)
// CHECK-LABEL: func.func @conv_rows_kept
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<1x3x7x7xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<1x3x4x32xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<1x3x10x10xf32>)
func.func @conv_rows_kept(%x: tensor<1x2x7x7xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xf32>, %y: tensor<1x2x4x32xf32>, %z: tensor<1x2x30x30xf32>) -> (tensor<1x3x7x7xf32>, tensor<1x3x4x32xf32>, tensor<1x3x10x10xf32>) {
  %0 = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x7x7xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x7x7xf32>
  %1 = tessel.conv %y, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x32xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x32xf32>
  %2 = tessel.conv %z, %w, %b {strides = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x30x30xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x10x10xf32>
  return %0, %1, %2 : tensor<1x3x7x7xf32>, tensor<1x3x4x32xf32>, tensor<1x3x10x10xf32>
}
