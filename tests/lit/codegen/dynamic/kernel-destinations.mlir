// tessel-kernel-destinations gives kernels with dynamic results one
// destination argument per result (the result computed in it), sized by each
// call from its operands
// (through the previous call's destination), and states each kernel's shape
// checks again at its call; tessel-build-shape-function turns main_graph's
// checks and output sizes into @tessel_model_shapes over the input sizes,
// and gives main_graph destinations for its outputs.
// RUN: tessel-opt %s --tessel-kernel-destinations --tessel-build-shape-function --canonicalize | FileCheck %s

// CHECK: module attributes {tessel.shape_checks = ["node 'add': dimension 0 of operand 1 is {0}, the other operands need {1}"]}
// CHECK-LABEL: func.func @main_graph(%arg0: tensor<?x4xf32>, %arg1: tensor<?x4xf32>, %arg2: tensor<?x4xf32> {bufferization.writable = true}) -> tensor<?x4xf32> attributes {tessel.destinations}
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[D0:.*]] = tensor.empty(%[[N]]) : tensor<?x4xf32>
// CHECK: %[[A:.*]] = call @k0_add(%arg0, %arg1, %[[D0]]) {tessel.destination_results}
// The last kernel computes straight into main_graph's output.
// CHECK: %[[B:.*]] = call @k1_neg(%[[A]], %arg2) {tessel.destination_results}
// CHECK-NOT: cf.assert
// CHECK: return %[[B]]
// CHECK-LABEL: func.func private @k0_add(%arg0: tensor<?x4xf32>, %arg1: tensor<?x4xf32>, %arg2: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {tessel.destinations
// CHECK: cf.assert
// CHECK: %[[V:.*]] = linalg.add ins(%arg0, %arg1 : tensor<?x4xf32>, tensor<?x4xf32>) outs(%arg2 : tensor<?x4xf32>)
// CHECK: return %[[V]]
// The shape function: input_dims holds x's and y's dimension 0; the check
// compares them (returning 1 and both sizes when they differ), then output 0's
// dimension 0 is x's.
// CHECK-LABEL: func.func @tessel_model_shapes(%arg0: memref<2xi64>, %arg1: memref<1xi64>, %arg2: memref<2xi64>, %arg3: memref<1xi8>) -> i32
// CHECK: %[[Y:.*]] = memref.load %arg0[%c1]
// CHECK: %[[X:.*]] = memref.load %arg0[%c0]
// CHECK: cf.cond_br %{{.*}}, ^[[OK:.*]], ^[[FAIL:.*]]
// CHECK: ^[[FAIL]]:
// CHECK: memref.store %[[Y]], %arg2[%c0]
// CHECK: memref.store %[[X]], %arg2[%c1]
// CHECK: return %c1_i32
// CHECK: ^[[OK]]:
// CHECK: memref.store %[[X]], %arg1[%c0]
// CHECK: return %c0_i32
module {
  func.func @main_graph(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %0 = call @k0_add(%x, %y) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
    %1 = call @k1_neg(%0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %1 : tensor<?x4xf32>
  }
  func.func private @k0_add(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {tessel.kernel = {index = 0 : i64}} {
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x4xf32>
    %m = tensor.dim %b, %c0 : tensor<?x4xf32>
    %same = arith.cmpi eq, %m, %n : index
    cf.assert %same, "node 'add': dimension 0 of operand 1 is {0}, the other operands need {1}"
    %e = tensor.empty(%n) : tensor<?x4xf32>
    %r = linalg.add ins(%a, %b : tensor<?x4xf32>, tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
  func.func private @k1_neg(%a: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {tessel.kernel = {index = 1 : i64}} {
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x4xf32>
    %e = tensor.empty(%n) : tensor<?x4xf32>
    %r = linalg.negf ins(%a : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
}
