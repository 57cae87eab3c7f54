// tessel-outline-kernels: one kernel per compute op, named after the op and
// its ONNX node, carrying its nodes, FLOPs and bytes; weights become
// arguments, small constants move inside, reshapes stay in @main_graph.
// RUN: tessel-opt --tessel-outline-kernels --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>)
// CHECK: %[[W:.*]] = tessel.constant dense<1.000000e+00> : tensor<8x3x3x3xf32>
// CHECK: %[[C:.*]] = call @k0_conv_conv1_Conv(%[[X]], %[[W]])
// CHECK: %[[R:.*]] = call @k1_relu_relu2_Relu(%[[C]])
// CHECK: %[[S:.*]] = tessel.reshape %[[R]]
// CHECK: %[[A:.*]] = call @k2_add_add_Add(%[[S]]) : (tensor<1x288xf32>) -> tensor<1x288xf32>
// CHECK: tessel.reshape %[[A]]
// CHECK-NOT: tessel.conv
// CHECK-NOT: tessel.relu
func.func @main_graph(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x6x6xf32> {
  %w = tessel.constant dense<1.0> : tensor<8x3x3x3xf32> loc("conv1.weight")
  %b = tessel.constant dense<0.5> : tensor<8xf32> loc("conv1.bias")
  %c = tessel.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32> loc(fused["/conv1/Conv", "/relu/Relu"])
  %r = tessel.relu %c : tensor<1x8x6x6xf32> loc("/relu2/Relu")
  %s = tessel.reshape %r : tensor<1x8x6x6xf32> -> tensor<1x288xf32> loc("/flat/Reshape")
  %a = tessel.add %s, %s : (tensor<1x288xf32>, tensor<1x288xf32>) -> tensor<1x288xf32> loc("/add/Add")
  %back = tessel.reshape %a : tensor<1x288xf32> -> tensor<1x8x6x6xf32> loc("/unflat")
  return %back : tensor<1x8x6x6xf32>
}

// A fused location lists every ONNX node. Conv FLOPs: 288 outputs x 27 MACs x
// 2 + 288 bias adds; bytes: input 768 + weight 864 + bias 32 + output 1152.
// CHECK: func.func private @k0_conv_conv1_Conv(%{{.*}}: tensor<1x3x8x8xf32>, %{{.*}}: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
// CHECK-SAME: tessel.kernel = {bytes = 2816 : i64, flops = 15840 : i64, index = 0 : i64, nodes = ["/conv1/Conv", "/relu/Relu"], op = "tessel.conv", type = (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>}
// The 8-element bias is small enough to live inside the kernel.
// CHECK-NEXT: %[[B:.*]] = tessel.constant dense<5.000000e-01> : tensor<8xf32>
// CHECK-NEXT: %[[CONV:.*]] = tessel.conv %arg0, %arg1, %[[B]]
// CHECK-NEXT: return %[[CONV]]

// CHECK: func.func private @k1_relu_relu2_Relu
// CHECK-SAME: flops = 288 : i64, index = 1 : i64, nodes = ["/relu2/Relu"], op = "tessel.relu"

// The same value used twice is passed once (and read once).
// CHECK: func.func private @k2_add_add_Add(%[[ARG:.*]]: tensor<1x288xf32>)
// CHECK-SAME: bytes = 2304 : i64
// CHECK-NEXT: tessel.add %[[ARG]], %[[ARG]]

// -----

// ConvTranspose FLOPs: each of the 2x4x4 input elements is scattered into
// 3 filters x 2x2 taps (32 x 12 MACs x 2 = 768), plus the 3x8x8 bias adds.
// CHECK: func.func private @k0_conv_transpose_up_ConvTranspose
// CHECK-SAME: flops = 960 : i64
func.func @main_graph(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x8x8xf32> {
  %w = tessel.constant dense<1.0> : tensor<2x3x2x2xf32> loc("up.weight")
  %b = tessel.constant dense<0.5> : tensor<3xf32> loc("up.bias")
  %y = tessel.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>} : (tensor<1x2x4x4xf32>, tensor<2x3x2x2xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32> loc("/up/ConvTranspose")
  return %y : tensor<1x3x8x8xf32>
}
