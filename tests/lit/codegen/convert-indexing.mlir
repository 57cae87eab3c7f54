// tessel-convert-to-linalg: gather, gather_elements, gather_nd, scatters, slice, tile, trilu,
// comparisons, select, cast, arg_max, cumsum and einsum.
// RUN: tessel-opt %s --tessel-convert-to-linalg -split-input-file | FileCheck %s

// Gather reads the data with tensor.extract at a clamped index.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: arith.index_cast
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract
func.func @gather(%d: tensor<5x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %r = tessel.gather %d, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// GatherND: one generic over the result; each of the k index components is
// read from the indices and clamped into its data axis, then the data read.
// CHECK-LABEL: func.func @gather_nd
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-COUNT-2: arith.minsi
// CHECK: tensor.extract %{{.*}} : tensor<2x4x3x5xf32>
func.func @gather_nd(%d: tensor<2x4x3x5xf32>, %i: tensor<2x6x2xi64>) -> tensor<2x6x5xf32> {
  %r = tessel.gather_nd %d, %i {batch_dims = 1 : i64} : (tensor<2x4x3x5xf32>, tensor<2x6x2xi64>) -> tensor<2x6x5xf32>
  return %r : tensor<2x6x5xf32>
}

// -----

// Scatters write in order (repeated indices: the last write wins, or the
// reduction combines): an scf.for nest over the updates whose iter_arg is the
// result tensor, updated with tensor.insert.
// CHECK-LABEL: func.func @scatter_elements
// CHECK: scf.for {{.*}} iter_args(%[[A:.*]] = %arg0)
// CHECK: scf.for {{.*}} iter_args(%[[B:.*]] = %[[A]])
// CHECK: arith.minsi
// CHECK: arith.addf
// CHECK: tensor.insert {{.*}} into %[[B]]
func.func @scatter_elements(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %r = tessel.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "add"} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @scatter_nd
// CHECK-COUNT-3: scf.for
// CHECK: tensor.insert
func.func @scatter_nd(%d: tensor<4x4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4x4xf32>) -> tensor<4x4x4xf32> {
  %r = tessel.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
  return %r : tensor<4x4x4xf32>
}

// -----

// Positive steps: a strided extract_slice; a negative step: a generic whose
// input map runs backwards.
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0 * 2 + 1, -d1 + 3)>
// CHECK-LABEL: func.func @slices
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [2, 2] [2, 2] : tensor<5x4xf32> to tensor<2x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]
func.func @slices(%x: tensor<5x4xf32>) -> (tensor<2x2xf32>, tensor<2x4xf32>) {
  %a = tessel.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 2, 2>} : tensor<5x4xf32> -> tensor<2x2xf32>
  %b = tessel.slice %x {starts = array<i64: 1, 3>, steps = array<i64: 2, -1>} : tensor<5x4xf32> -> tensor<2x4xf32>
  return %a, %b : tensor<2x2xf32>, tensor<2x4xf32>
}

// -----

// CHECK-DAG: #[[MOD:.*]] = affine_map<(d0, d1) -> (d0 mod 2, d1 mod 3)>
// CHECK-LABEL: func.func @tile
// CHECK: linalg.generic {indexing_maps = [#[[MOD]], #{{.*}}]
func.func @tile(%x: tensor<2x3xf32>) -> tensor<4x9xf32> {
  %r = tessel.tile %x : tensor<2x3xf32> -> tensor<4x9xf32>
  return %r : tensor<4x9xf32>
}

// -----

// A run-time diagonal offset is read from its rank-0 tensor in the body.
// CHECK-LABEL: func.func @trilu
// CHECK: linalg.generic
// CHECK: tensor.extract %{{.*}}[] : tensor<i64>
// CHECK: arith.cmpi sge
// CHECK: arith.select
func.func @trilu(%x: tensor<3x4xf32>, %k: tensor<i64>) -> tensor<3x4xf32> {
  %r = tessel.trilu %x, %k : tensor<i64> {k = 0 : i64, upper = true} : tensor<3x4xf32> -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

// Comparisons produce i1; booleans compare unsigned.
// CHECK-LABEL: func.func @compare
// CHECK: arith.cmpf olt
// CHECK: arith.cmpi ugt
// CHECK: arith.select
func.func @compare(%x: tensor<4xf32>, %y: tensor<f32>, %a: tensor<4xi1>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xf32>) {
  %lt = tessel.less %x, %y : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %gt = tessel.greater %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %s = tessel.select %gt, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %lt, %s : tensor<4xi1>, tensor<4xf32>
}

// -----

// ONNX Cast: float to int truncates, anything to bool is `!= 0`.
// CHECK-LABEL: func.func @cast
// CHECK: arith.fptosi
// CHECK: arith.cmpf une
// CHECK: arith.uitofp
func.func @cast(%x: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xi1>, tensor<4xf32>) {
  %i = tessel.cast %x : tensor<4xf32> -> tensor<4xi32>
  %t = tessel.cast %x : tensor<4xf32> -> tensor<4xi1>
  %f = tessel.cast %b : tensor<4xi1> -> tensor<4xf32>
  return %i, %t, %f : tensor<4xi32>, tensor<4xi1>, tensor<4xf32>
}

// -----

// arg_max carries (value, index) through one reduction.
// CHECK-LABEL: func.func @arg_max
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: linalg.index 1
// CHECK: arith.cmpf ogt
// CHECK: linalg.yield %{{.*}}, %{{.*}} : f32, i64
func.func @arg_max(%x: tensor<3x5xf32>) -> tensor<3x1xi64> {
  %r = tessel.arg_max %x {axis = 1 : i64} : tensor<3x5xf32> -> tensor<3x1xi64>
  return %r : tensor<3x1xi64>
}

// -----

// cumsum: an extra reduction loop j over the axis, masked to j <= i.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @cumsum
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.cmpi ule
func.func @cumsum(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %r = tessel.cumsum %x {axis = 1 : i64} : tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

// einsum: one loop per letter, output letters parallel.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @einsum
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @einsum(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %r = tessel.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %r : tensor<2x3x5xf32>
}
