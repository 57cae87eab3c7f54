// tessel-vectorize-copies: copies whose buffers are unit-stride innermost
// become loops of target-width vector loads and stores over the run of
// static trailing dimensions contiguous in both, with one shorter vector for
// a ragged end; dynamic leading dimensions loop to their run-time size.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-vectorize-copies),canonicalize)' | FileCheck %s
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-vectorize-copies),func.func(convert-linalg-to-loops),convert-vector-to-llvm,finalize-memref-to-llvm,convert-scf-to-cf,convert-arith-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)' | FileCheck %s --check-prefix=LLVM

module attributes {tessel.target = #tessel.target<cpu = "znver3", extensions = ["avx", "avx2", "fma"], vector_bits = 256, vector_registers = 16, l1_bytes = 32768, l2_bytes = 524288>} {

// A padded convolution's input copy: rows of 56 into rows of 58. Each row
// is 7 vectors of 8; the channel and row loops stay.
// CHECK-LABEL: func.func @into_padded
// CHECK-NOT: linalg.copy
// CHECK: scf.for %[[C:.*]] = %c0 to %c4 step %c1
// CHECK: scf.for %[[H:.*]] = %c0 to %c56 step %c1
// CHECK: scf.for %[[W:.*]] = %c0 to %c56 step %c8
// CHECK: %[[V:.*]] = vector.load %arg0[%c0, %[[C]], %[[H]], %[[W]]] : memref<1x4x56x56xf32>, vector<8xf32>
// CHECK: vector.store %[[V]], %{{.*}}[%c0, %[[C]], %[[H]], %[[W]]] : memref<1x4x56x56xf32, strided<[13456, 3364, 58, 1], offset: 59>>, vector<8xf32>
// CHECK-NOT: vector.load
// CHECK: return
func.func @into_padded(%x: memref<1x4x56x56xf32>, %p: memref<1x4x58x58xf32>) {
  %v = memref.subview %p[0, 0, 1, 1] [1, 4, 56, 56] [1, 1, 1, 1] : memref<1x4x58x58xf32> to memref<1x4x56x56xf32, strided<[13456, 3364, 58, 1], offset: 59>>
  linalg.copy ins(%x : memref<1x4x56x56xf32>) outs(%v : memref<1x4x56x56xf32, strided<[13456, 3364, 58, 1], offset: 59>>)
  return
}

// Contiguous in both: one run of 3 * 7 * 7 = 147 elements, 18 vectors and
// a tail of 3.
// CHECK-LABEL: func.func @contiguous
// CHECK: %[[S:.*]] = memref.collapse_shape %arg0 {{\[\[}}0], [1, 2, 3]] : memref<2x3x7x7xf32> into memref<2x147xf32>
// CHECK: %[[D:.*]] = memref.collapse_shape %arg1 {{\[\[}}0], [1, 2, 3]] : memref<2x3x7x7xf32, strided<[294, 49, 7, 1]>> into memref<2x147xf32, strided<[294, 1]>>
// CHECK: scf.for %[[N:.*]] = %c0 to %c2 step %c1
// CHECK: scf.for %[[I:.*]] = %c0 to %c144 step %c8
// CHECK: vector.load %[[S]][%[[N]], %[[I]]] : memref<2x147xf32>, vector<8xf32>
// CHECK: vector.load %[[S]][%[[N]], %c144] : memref<2x147xf32>, vector<3xf32>
// CHECK: vector.store %{{.*}}, %[[D]][%[[N]], %c144] : memref<2x147xf32, strided<[294, 1]>>, vector<3xf32>
func.func @contiguous(%x: memref<2x3x7x7xf32>, %y: memref<2x3x7x7xf32, strided<[294, 49, 7, 1]>>) {
  linalg.copy ins(%x : memref<2x3x7x7xf32>) outs(%y : memref<2x3x7x7xf32, strided<[294, 49, 7, 1]>>)
  return
}

// Narrower elements get more lanes, wider ones fewer; a run of one vector
// or less needs no loop.
// CHECK-LABEL: func.func @element_widths
// CHECK: scf.for %[[I:.*]] = %c0 to %c96 step %c32
// CHECK: vector.load %arg0[%[[I]]] : memref<96xi8>, vector<32xi8>
// CHECK: scf.for %[[R:.*]] = %c0 to %c3 step %c1
// CHECK-NOT: scf.for
// CHECK: vector.load %arg2[%[[R]], %c0] : memref<3x5xi64>, vector<4xi64>
// CHECK: vector.load %arg2[%[[R]], %c4] : memref<3x5xi64>, vector<1xi64>
// CHECK: scf.for %[[R2:.*]] = %c0 to %c3 step %c1
// CHECK-NOT: scf.for
// CHECK: vector.load %arg4[%[[R2]], %c0] : memref<3x5xf32>, vector<5xf32>
// CHECK-NOT: vector.load
// CHECK: return
func.func @element_widths(%a: memref<96xi8>, %b: memref<96xi8>,
                          %c: memref<3x5xi64>, %d: memref<3x5xi64, strided<[8, 1]>>,
                          %e: memref<3x5xf32>, %f: memref<3x5xf32, strided<[8, 1]>>) {
  linalg.copy ins(%a : memref<96xi8>) outs(%b : memref<96xi8>)
  linalg.copy ins(%c : memref<3x5xi64>) outs(%d : memref<3x5xi64, strided<[8, 1]>>)
  linalg.copy ins(%e : memref<3x5xf32>) outs(%f : memref<3x5xf32, strided<[8, 1]>>)
  return
}

// A slice of a dynamic [b, 16, s, 128] tensor (LLaMA's rotary halves):
// the batch, head and position loops run to their sizes, each row of 64 is
// 8 vectors.
// CHECK-LABEL: func.func @dynamic_leading
// CHECK-DAG: %[[B:.*]] = memref.dim %arg0, %c0
// CHECK-DAG: %[[S:.*]] = memref.dim %arg0, %c2
// CHECK: scf.for %[[I:.*]] = %c0 to %[[B]] step %c1
// CHECK: scf.for %[[H:.*]] = %c0 to %c16 step %c1
// CHECK: scf.for %[[P:.*]] = %c0 to %[[S]] step %c1
// CHECK: scf.for %[[J:.*]] = %c0 to %c64 step %c8
// CHECK: vector.load %arg0[%[[I]], %[[H]], %[[P]], %[[J]]] : memref<?x16x?x64xf32, strided<[?, ?, 128, 1], offset: ?>>, vector<8xf32>
// CHECK-NOT: linalg.copy
func.func @dynamic_leading(%x: memref<?x16x?x64xf32, strided<[?, ?, 128, 1], offset: ?>>, %y: memref<?x16x?x64xf32>) {
  linalg.copy ins(%x : memref<?x16x?x64xf32, strided<[?, ?, 128, 1], offset: ?>>) outs(%y : memref<?x16x?x64xf32>)
  return
}

// Left as they are: a transposing (non-unit innermost stride) copy, a
// dynamic innermost dimension, and copies on tensors.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.copy ins(%arg0 : memref<4x4xf32, strided<[1, 4]>>)
// CHECK: linalg.copy ins(%arg2 : memref<?xf32>)
// CHECK: linalg.copy ins(%arg4 : tensor<8xf32>)
func.func @left_alone(%a: memref<4x4xf32, strided<[1, 4]>>, %b: memref<4x4xf32>,
                      %c: memref<?xf32>, %d: memref<?xf32>, %t: tensor<8xf32>) -> tensor<8xf32> {
  linalg.copy ins(%a : memref<4x4xf32, strided<[1, 4]>>) outs(%b : memref<4x4xf32>)
  linalg.copy ins(%c : memref<?xf32>) outs(%d : memref<?xf32>)
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.copy ins(%t : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

}

// The loads and stores lower to whole-vector LLVM loads and stores.
// LLVM-LABEL: llvm.func @into_padded
// LLVM: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// LLVM: llvm.store %{{.*}}, %{{.*}} {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
