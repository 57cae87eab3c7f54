// RUN: tessel-opt %s --split-input-file --verify-diagnostics
// Verifier errors of tessel.rnn / tessel.gru / tessel.lstm.


func.func @bad_weight_shape(%x: tensor<2x1x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x4x4xf32>,
                            %b: tensor<1x8xf32>, %h: tensor<1x1x4xf32>) {
  // expected-error @+2 {{'tessel.rnn' op weight has shape 1x5x3, expected 1x4x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = tessel.rnn %x, %w, %r, %b, %h {hidden_size = 4 : i64, activations = ["Tanh"],
      activation_alpha = array<f64: 0.0>, activation_beta = array<f64: 0.0>}
      : (tensor<2x1x3xf32>, tensor<1x5x3xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>, tensor<1x1x4xf32>)
      -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @bad_activation(%x: tensor<2x1x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>,
                          %b: tensor<1x8xf32>, %h: tensor<1x1x4xf32>) {
  // expected-error @+2 {{'tessel.rnn' op activation 'Gelu' is not supported}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = tessel.rnn %x, %w, %r, %b, %h {hidden_size = 4 : i64, activations = ["Gelu"],
      activation_alpha = array<f64: 0.0>, activation_beta = array<f64: 0.0>}
      : (tensor<2x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>, tensor<1x1x4xf32>)
      -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @bidirectional_needs_two_directions(%x: tensor<2x1x3xf32>, %w: tensor<1x12x3xf32>,
    %r: tensor<1x12x4xf32>, %b: tensor<1x24xf32>, %h: tensor<1x1x4xf32>) {
  // expected-error @+2 {{'tessel.gru' op weight has shape 1x12x3, expected 2x12x3}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = tessel.gru %x, %w, %r, %b, %h {hidden_size = 4 : i64, direction = "bidirectional",
      activations = ["Sigmoid", "Tanh", "Sigmoid", "Tanh"],
      activation_alpha = array<f64: 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f64: 0.0, 0.0, 0.0, 0.0>}
      : (tensor<2x1x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>, tensor<1x1x4xf32>)
      -> (tensor<2x2x1x4xf32>, tensor<2x1x4xf32>)
  return
}

// -----

func.func @activation_count(%x: tensor<2x1x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>,
    %b: tensor<1x32xf32>, %h: tensor<1x1x4xf32>, %p: tensor<1x12xf32>) {
  // expected-error @+2 {{'tessel.lstm' op expects 3 activations with as many alphas and betas (3 per direction), got 2, 2 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh, %yc = tessel.lstm %x, %w, %r, %b, %h, %h, %p {hidden_size = 4 : i64,
      activations = ["Sigmoid", "Tanh"], activation_alpha = array<f64: 0.0, 0.0>,
      activation_beta = array<f64: 0.0, 0.0>}
      : (tensor<2x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>,
         tensor<1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x12xf32>)
      -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @bad_direction(%x: tensor<2x1x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>,
                         %b: tensor<1x8xf32>, %h: tensor<1x1x4xf32>) {
  // expected-error @+2 {{'tessel.rnn' op direction 'backward' is not forward, reverse or bidirectional}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %yh = tessel.rnn %x, %w, %r, %b, %h {hidden_size = 4 : i64, direction = "backward",
      activations = ["Tanh"], activation_alpha = array<f64: 0.0>, activation_beta = array<f64: 0.0>}
      : (tensor<2x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>, tensor<1x1x4xf32>)
      -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>)
  return
}
