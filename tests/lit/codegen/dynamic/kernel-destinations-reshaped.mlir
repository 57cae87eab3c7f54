// tessel-kernel-destinations computes a kernel's result in its destination
// through the forms the tiled kernels take: a result reshaped at the end (a
// linear layer computes [B*S, N] rows and returns [B, S, N]) is computed into
// the same reshape of the destination, and through an scf.if that updates a
// value or yields it as it is (the remainder tile of a dynamic contraction).
// Either way nothing is computed into a buffer of its own and copied.
// RUN: tessel-opt %s --tessel-kernel-destinations | FileCheck %s

// CHECK-LABEL: func.func private @k0_rows(%arg0: tensor<?x?x4xf32>, %arg1: tensor<?x?x4xf32>)
// CHECK: %[[D:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1], [2]] : tensor<?x?x4xf32> into tensor<?x4xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[D]] : tensor<?x4xf32>)
// CHECK: scf.if
// CHECK: linalg.negf ins(%{{.*}} : tensor<?x4xf32>) outs(%[[INIT]] : tensor<?x4xf32>)
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[INIT]]
// CHECK: %[[R:.*]] = tensor.expand_shape
// CHECK-NOT: materialize_in_destination
// CHECK: return %[[R]]
module {
  func.func @main_graph(%x: tensor<?x?x4xf32>) -> tensor<?x?x4xf32> {
    %0 = call @k0_rows(%x) : (tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
    return %0 : tensor<?x?x4xf32>
  }
  func.func private @k0_rows(%a: tensor<?x?x4xf32>) -> tensor<?x?x4xf32> attributes {tessel.kernel = {index = 0 : i64}} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %flat = tensor.collapse_shape %a [[0, 1], [2]] : tensor<?x?x4xf32> into tensor<?x4xf32>
    %n = tensor.dim %flat, %c0 : tensor<?x4xf32>
    %e = tensor.empty(%n) : tensor<?x4xf32>
    %zero = arith.constant 0.0 : f32
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
    %any = arith.cmpi ugt, %n, %c0 : index
    %r = scf.if %any -> tensor<?x4xf32> {
      %v = linalg.negf ins(%flat : tensor<?x4xf32>) outs(%init : tensor<?x4xf32>) -> tensor<?x4xf32>
      scf.yield %v : tensor<?x4xf32>
    } else {
      scf.yield %init : tensor<?x4xf32>
    }
    %b0 = tensor.dim %a, %c0 : tensor<?x?x4xf32>
    %b1 = tensor.dim %a, %c1 : tensor<?x?x4xf32>
    %out = tensor.expand_shape %r [[0, 1], [2]] output_shape [%b0, %b1, 4] : tensor<?x4xf32> into tensor<?x?x4xf32>
    return %out : tensor<?x?x4xf32>
  }
}
