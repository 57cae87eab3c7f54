// Result sizes that depend on tensor data.
// RUN: tessel-opt %s --split-input-file --tessel-kernel-destinations --tessel-build-shape-function -verify-diagnostics

// Data the kernel computes: the caller cannot know the size, a clear error
// naming the kernel.
module {
  func.func @main_graph(%x: tensor<2xindex>) -> tensor<?xf32> {
    // expected-error@+1 {{the size of dimension 0 of 'tensor<?xf32>' computed by kernel @k0 is not known before the kernel runs (it depends on tensor data); data-dependent sizes are not supported yet}}
    %0 = call @k0(%x) : (tensor<2xindex>) -> tensor<?xf32>
    return %0 : tensor<?xf32>
  }
  func.func private @k0(%x: tensor<2xindex>) -> tensor<?xf32> attributes {tessel.kernel = {index = 0 : i64}} {
    %c0 = arith.constant 0 : index
    %c5 = arith.constant 5 : index
    %t = tensor.empty() : tensor<2xindex>
    %f = linalg.fill ins(%c5 : index) outs(%t : tensor<2xindex>) -> tensor<2xindex>
    %n = tensor.extract %f[%c0] : tensor<2xindex>
    %e = tensor.empty(%n) : tensor<?xf32>
    return %e : tensor<?xf32>
  }
}

// -----

// Data of a model input: the caller reads it where it calls the kernel,
// but the model's shape function, which sees sizes only, refuses it.
module {
  // expected-error@+1 {{dimension 0 of output 0 is not known before the run (it depends on tensor data); data-dependent output sizes are not supported yet}}
  func.func @main_graph(%x: tensor<2xindex>) -> tensor<?xf32> {
    %0 = call @k0(%x) : (tensor<2xindex>) -> tensor<?xf32>
    return %0 : tensor<?xf32>
  }
  func.func private @k0(%x: tensor<2xindex>) -> tensor<?xf32> attributes {tessel.kernel = {index = 0 : i64}} {
    %c0 = arith.constant 0 : index
    %n = tensor.extract %x[%c0] : tensor<2xindex>
    %e = tensor.empty(%n) : tensor<?xf32>
    return %e : tensor<?xf32>
  }
}
