// A result size that depends on tensor data cannot be computed by the
// caller: a clear error naming the kernel.
// RUN: tessel-opt %s --tessel-kernel-destinations -verify-diagnostics

module {
  func.func @main_graph(%x: tensor<2xindex>) -> tensor<?xf32> {
    // expected-error@+1 {{the size of dimension 0 of 'tensor<?xf32>' computed by kernel @k0 is not known before the kernel runs (it depends on tensor data); data-dependent sizes are not supported yet}}
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
