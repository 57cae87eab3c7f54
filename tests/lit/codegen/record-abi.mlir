// tessel-record-abi stores the runtime metadata of @main_graph (format in
// runtime/include/tessel/abi.h: dtype, rank, dims, length-prefixed name) and
// marks the caller-owned inputs non-writable for bufferization.
// RUN: tessel-opt %s --tessel-record-abi -split-input-file -verify-diagnostics | FileCheck %s

// Names may hold spaces (hence the length prefix); a rank-0 tensor has no
// dims; an output without a name gets "outputs<i>"; i1 is ONNX bool (9),
// i64 is 7.
// CHECK: module attributes {tessel.abi_metadata = "tessel-abi 6\0Ainputs 2\0A1 2 2 3 1:x\0A7 1 4 9:token ids\0Aoutputs 2\0A1 0 1:y\0A9 2 2 3 8:outputs1\0A"}
// CHECK: func.func @main_graph(%{{.*}}: tensor<2x3xf32> {bufferization.writable = false}, %{{.*}}: tensor<4xi64> {bufferization.writable = false})
module {
  func.func @main_graph(%x: tensor<2x3xf32>, %ids: tensor<4xi64>) -> (tensor<f32>, tensor<2x3xi1>)
      attributes {tessel.input_names = ["x", "token ids"], tessel.output_names = ["y"]} {
    %c = arith.constant dense<1.0> : tensor<f32>
    %b = arith.constant dense<true> : tensor<2x3xi1>
    return %c, %b : tensor<f32>, tensor<2x3xi1>
  }
}

// -----

// Without name attributes every tensor gets a positional name; f16, f64, i8,
// i16 and i32 map to ONNX 10, 11, 3, 5 and 6.
// CHECK: tessel.abi_metadata = "tessel-abi 6\0Ainputs 3\0A10 1 8 7:inputs0\0A11 2 1 1 7:inputs1\0A3 1 2 7:inputs2\0Aoutputs 2\0A5 1 3 8:outputs0\0A6 3 1 2 3 8:outputs1\0A"
module {
  func.func @main_graph(%a: tensor<8xf16>, %b: tensor<1x1xf64>, %c: tensor<2xi8>) -> (tensor<3xi16>, tensor<1x2x3xi32>) {
    %0 = arith.constant dense<1> : tensor<3xi16>
    %1 = arith.constant dense<2> : tensor<1x2x3xi32>
    return %0, %1 : tensor<3xi16>, tensor<1x2x3xi32>
  }
}

// -----

// expected-error @+1 {{the module has no @main_graph function to export}}
module {
  func.func @other() {
    return
  }
}

// -----

module {
  // expected-error @+1 {{model inputs 0 has unsupported type 'tensor<2xbf16>'}}
  func.func @main_graph(%a: tensor<2xbf16>) {
    return
  }
}

// -----

// A value returned more than once is copied for each repeat, so that every
// output gets its own buffer once bufferized.
// CHECK: func.func @main_graph(%[[X:[^:]*]]: tensor<2xf32> {bufferization.writable = false}, %[[Y:[^:]*]]: tensor<2xf32> {bufferization.writable = false})
// CHECK-NEXT: %[[C1:.*]] = bufferization.alloc_tensor() copy(%[[X]]) : tensor<2xf32>
// CHECK-NEXT: %[[C2:.*]] = bufferization.alloc_tensor() copy(%[[X]]) : tensor<2xf32>
// CHECK-NEXT: return %[[X]], %[[Y]], %[[C1]], %[[C2]] :
module {
  func.func @main_graph(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
    return %x, %y, %x, %x : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
  }
}

// -----

// Inputs bound at compile time (tessel-compile --bind-input) get a "bound"
// section: input index, byte count, little-endian hex bytes (bool: one byte
// per element); the argument attribute is dropped once recorded.
// CHECK: tessel.abi_metadata = "tessel-abi 6\0Ainputs 3\0A1 1 2 1:x\0A7 1 2 5:shape\0A9 1 3 4:mask\0Aoutputs 1\0A1 1 2 1:y\0Abound 2\0A1 16 0100000000000000feffffffffffffff\0A2 3 010001\0A"
// CHECK-NOT: tessel.bound_value
module {
  func.func @main_graph(%x: tensor<2xf32>, %s: tensor<2xi64> {tessel.bound_value = dense<[1, -2]> : tensor<2xi64>},
                        %m: tensor<3xi1> {tessel.bound_value = dense<[true, false, true]> : tensor<3xi1>}) -> tensor<2xf32>
      attributes {tessel.input_names = ["x", "shape", "mask"], tessel.output_names = ["y"]} {
    return %x : tensor<2xf32>
  }
}

// -----

// A bound value must have the input's type.
module {
  // expected-error @+1 {{input 0 has a tessel.bound_value that is not a dense value of the input's type}}
  func.func @main_graph(%s: tensor<2xi64> {tessel.bound_value = dense<[1, 2, 3]> : tensor<3xi64>}) -> tensor<2xi64> {
    return %s : tensor<2xi64>
  }
}

// -----

// ONNX dimension names (tessel.dim_names, from the importer) get a
// "dim_names" section: tensor index (inputs, then outputs), one
// length-prefixed name per dimension; the attributes are dropped once
// recorded.
// CHECK: tessel.abi_metadata = "tessel-abi 6\0Ainputs 2\0A1 2 2 3 1:x\0A1 1 3 1:b\0Aoutputs 1\0A1 2 2 3 1:y\0Adim_names 2\0A0 5:batch 0:\0A2 5:batch 9:Add_dim_1\0A"
// CHECK-NOT: tessel.dim_names
module {
  func.func @main_graph(%x: tensor<2x3xf32> {tessel.dim_names = ["batch", ""]}, %b: tensor<3xf32>)
      -> (tensor<2x3xf32> {tessel.dim_names = ["batch", "Add_dim_1"]})
      attributes {tessel.input_names = ["x", "b"], tessel.output_names = ["y"]} {
    return %x : tensor<2x3xf32>
  }
}

// -----

// One name per dimension.
module {
  // expected-error @+1 {{input 0 has a tessel.dim_names that is not one string per dimension}}
  func.func @main_graph(%x: tensor<2x3xf32> {tessel.dim_names = ["batch"]}) -> tensor<2x3xf32> {
    return %x : tensor<2x3xf32>
  }
}
