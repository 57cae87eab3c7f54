// tessel-tile-depthwise-channels: a kernel with a padded depthwise
// convolution becomes an scf.forall over channel tiles, each padding its own
// input planes; the bias, the convolution and the activation write the
// loop's output tile.
// RUN: tessel-opt %s --split-input-file --pass-pipeline='builtin.module(tessel-set-target{cpu=znver3},func.func(tessel-tile-depthwise-channels),canonicalize,cse)' | FileCheck %s

// 16 channels of 10x10 padded planes (400 bytes): 2 channels per tile, so
// that the 8 tiles share out evenly (at most an eighth of the channels).
// CHECK-LABEL: func.func private @depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x8x8xf32>, %[[W:.*]]: tensor<16x1x3x3xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x16x8x8xf32>
// CHECK: %[[R:.*]] = scf.forall (%[[C:.*]]) = (0) to (16) step (2) shared_outs(%[[OUT:.*]] = %[[EMPTY]])
// CHECK: %[[XS:.*]] = tensor.extract_slice %[[X]][0, %[[C]], 0, 0] [1, 2, 8, 8]
// CHECK: %[[P:.*]] = tensor.pad %[[XS]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: } : tensor<1x2x8x8xf32> to tensor<1x2x10x10xf32>
// CHECK: %[[WS:.*]] = tensor.extract_slice %[[W]][%[[C]], 0, 0, 0] [2, 1, 3, 3]
// CHECK: %[[BS:.*]] = tensor.extract_slice %[[B]][%[[C]]] [2]
// CHECK: %[[TILE:.*]] = tensor.extract_slice %[[OUT]][0, %[[C]], 0, 0] [1, 2, 8, 8]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[BS]] : tensor<2xf32>) outs(%[[TILE]] : tensor<1x2x8x8xf32>)
// CHECK: %[[CONV:.*]] = linalg.generic {{.*}} ins(%[[P]], %[[WS]] : tensor<1x2x10x10xf32>, tensor<2x1x3x3xf32>) outs(%[[INIT]] : tensor<1x2x8x8xf32>)
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x2x8x8xf32>) outs(%[[TILE]] : tensor<1x2x8x8xf32>)
// CHECK: tensor.parallel_insert_slice %[[RELU]] into %[[OUT]][0, %[[C]], 0, 0] [1, 2, 8, 8]
// CHECK: return %[[R]]
#bias = affine_map<(n, c, h, w) -> (c)>
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#image = affine_map<(n, c, h, w, g, kh, kw) -> (n, c + g, h + kh, w + kw)>
#filters = affine_map<(n, c, h, w, g, kh, kw) -> (c, g, kh, kw)>
#out = affine_map<(n, c, h, w, g, kh, kw) -> (n, c, h, w)>
func.func private @depthwise(%x: tensor<1x16x8x8xf32>, %w: tensor<16x1x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x8x8xf32> to tensor<1x16x10x10xf32>
  %empty = tensor.empty() : tensor<1x16x8x8xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%empty : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x16x8x8xf32>
  %conv = linalg.generic {indexing_maps = [#image, #filters, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%padded, %w : tensor<1x16x10x10xf32>, tensor<16x1x3x3xf32>) outs(%init : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %f: f32, %acc: f32):
    %p = arith.mulf %in, %f : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16x8x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x16x8x8xf32>) outs(%empty : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x16x8x8xf32>
  return %relu : tensor<1x16x8x8xf32>
}

// -----

// A full convolution: every output channel reads every input plane, so
// nothing is tiled.
// CHECK-LABEL: func.func private @full
// CHECK-NOT: scf.forall
// CHECK: tensor.pad
#image = affine_map<(n, f, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#filters = affine_map<(n, f, h, w, c, kh, kw) -> (f, c, kh, kw)>
#out = affine_map<(n, f, h, w, c, kh, kw) -> (n, f, h, w)>
func.func private @full(%x: tensor<1x4x8x8xf32>, %w: tensor<16x4x3x3xf32>, %init: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %conv = linalg.generic {indexing_maps = [#image, #filters, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%padded, %w : tensor<1x4x10x10xf32>, tensor<16x4x3x3xf32>) outs(%init : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %f: f32, %acc: f32):
    %p = arith.mulf %in, %f : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16x8x8xf32>
  return %conv : tensor<1x16x8x8xf32>
}

// -----

// The model's entry function (public) is not a kernel: left alone.
// CHECK-LABEL: func.func @entry
// CHECK-NOT: scf.forall
#image = affine_map<(n, c, h, w, g, kh, kw) -> (n, c + g, h + kh, w + kw)>
#filters = affine_map<(n, c, h, w, g, kh, kw) -> (c, g, kh, kw)>
#out = affine_map<(n, c, h, w, g, kh, kw) -> (n, c, h, w)>
func.func @entry(%x: tensor<1x16x8x8xf32>, %w: tensor<16x1x3x3xf32>, %init: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x8x8xf32> to tensor<1x16x10x10xf32>
  %conv = linalg.generic {indexing_maps = [#image, #filters, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%padded, %w : tensor<1x16x10x10xf32>, tensor<16x1x3x3xf32>) outs(%init : tensor<1x16x8x8xf32>) {
  ^bb0(%in: f32, %f: f32, %acc: f32):
    %p = arith.mulf %in, %f : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16x8x8xf32>
  return %conv : tensor<1x16x8x8xf32>
}

// -----

// One channel: a single tile would gain nothing; left alone.
// CHECK-LABEL: func.func private @one_channel
// CHECK-NOT: scf.forall
// CHECK: tensor.pad
#image = affine_map<(n, c, h, w, g, kh, kw) -> (n, c + g, h + kh, w + kw)>
#filters = affine_map<(n, c, h, w, g, kh, kw) -> (c, g, kh, kw)>
#out = affine_map<(n, c, h, w, g, kh, kw) -> (n, c, h, w)>
func.func private @one_channel(%x: tensor<1x1x8x8xf32>, %w: tensor<1x1x3x3xf32>, %init: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x8x8xf32> to tensor<1x1x10x10xf32>
  %conv = linalg.generic {indexing_maps = [#image, #filters, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%padded, %w : tensor<1x1x10x10xf32>, tensor<1x1x3x3xf32>) outs(%init : tensor<1x1x8x8xf32>) {
  ^bb0(%in: f32, %f: f32, %acc: f32):
    %p = arith.mulf %in, %f : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x1x8x8xf32>
  return %conv : tensor<1x1x8x8xf32>
}
