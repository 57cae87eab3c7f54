// RUN: tessel-opt %s | tessel-opt | FileCheck %s
// Round trip and verifier of tessel.rnn / tessel.gru / tessel.lstm.

// CHECK-LABEL: func @lstm_bidirectional
// CHECK: %{{.*}}, %{{.*}}, %{{.*}} = tessel.lstm %arg0, %arg1, %arg2, %arg3, %arg4, %arg4, %arg5 sequence_lens(%arg6)
// CHECK-SAME: direction = "bidirectional"
// CHECK-SAME: -> (tensor<5x2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>)
func.func @lstm_bidirectional(%x: tensor<5x3x6xf32>, %w: tensor<2x16x6xf32>, %r: tensor<2x16x4xf32>,
                              %b: tensor<2x32xf32>, %h: tensor<2x3x4xf32>, %p: tensor<2x12xf32>,
                              %lens: tensor<3xi32>)
    -> (tensor<5x2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %y, %yh, %yc = tessel.lstm %x, %w, %r, %b, %h, %h, %p sequence_lens(%lens) {
      hidden_size = 4 : i64, direction = "bidirectional",
      activations = ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"],
      activation_alpha = array<f64: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>,
      activation_beta = array<f64: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>}
      : (tensor<5x3x6xf32>, tensor<2x16x6xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>,
         tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x12xf32>, tensor<3xi32>)
      -> (tensor<5x2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>)
  return %y, %yh, %yc : tensor<5x2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// CHECK-LABEL: func @gru_linear_before_reset
// CHECK: tessel.gru %arg0, %arg1, %arg2, %arg3, %arg4 {
// CHECK-SAME: clip = 2.5
// CHECK-SAME: linear_before_reset = true
func.func @gru_linear_before_reset(%x: tensor<7x2x3xf32>, %w: tensor<1x15x3xf32>, %r: tensor<1x15x5xf32>,
                                   %b: tensor<1x30xf32>, %h: tensor<1x2x5xf32>) -> tensor<1x2x5xf32> {
  %y, %yh = tessel.gru %x, %w, %r, %b, %h {hidden_size = 5 : i64, direction = "reverse",
      activations = ["HardSigmoid", "Tanh"], activation_alpha = array<f64: 0.2, 0.0>,
      activation_beta = array<f64: 0.5, 0.0>, clip = 2.5 : f64, linear_before_reset = true}
      : (tensor<7x2x3xf32>, tensor<1x15x3xf32>, tensor<1x15x5xf32>, tensor<1x30xf32>, tensor<1x2x5xf32>)
      -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
  return %yh : tensor<1x2x5xf32>
}

// CHECK-LABEL: func @rnn_relu
// CHECK: tessel.rnn
// CHECK-SAME: activations = ["Relu"]
func.func @rnn_relu(%x: tensor<2x1x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>,
                    %b: tensor<1x8xf32>, %h: tensor<1x1x4xf32>) -> tensor<2x1x1x4xf32> {
  %y, %yh = tessel.rnn %x, %w, %r, %b, %h {hidden_size = 4 : i64, activations = ["Relu"],
      activation_alpha = array<f64: 0.0>, activation_beta = array<f64: 0.0>}
      : (tensor<2x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>, tensor<1x1x4xf32>)
      -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>)
  return %y : tensor<2x1x1x4xf32>
}
