// RUN: tessel-opt %s --split-input-file --tessel-convert-to-linalg | FileCheck %s
// Recurrent layers: the input projection of all steps as one generic, then an
// scf.for over the steps whose states are updated in place.

// CHECK-LABEL: func @lstm_reverse
// CHECK-DAG: %[[R:[a-z0-9_#]+]] = tensor.extract_slice %arg2[0, 0, 0] [1, 16, 4] [1, 1, 1] : tensor<1x16x4xf32> to tensor<16x4xf32>
// Input projection X W^T + Wb + Rb for all 5 steps:
// CHECK: %[[XW:[a-z0-9_#]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<5x3x6xf32>, tensor<1x16x6xf32>) outs(%{{.*}} : tensor<5x3x16xf32>)
// CHECK: %[[LOOP:[a-z0-9_#]+]]:3 = scf.for %[[T:[a-z0-9_#]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:[a-z0-9_#]+]] = %{{.*}}, %[[C:[a-z0-9_#]+]] = %{{.*}}, %[[Y:[a-z0-9_#]+]] = %{{.*}}) -> (tensor<3x4xf32>, tensor<3x4xf32>, tensor<5x3x4xf32>)
// Reverse direction: step t reads time 4 - t.
// CHECK:   %[[TT:[a-z0-9_#]+]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK:   %[[XWT:[a-z0-9_#]+]] = tensor.extract_slice %[[XW]][%[[TT]], 0, 0] [1, 3, 16] [1, 1, 1] : tensor<5x3x16xf32> to tensor<3x16xf32>
// The recurrent matmul accumulates H R^T onto the step's projection:
// CHECK:   %[[G:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[H]], %[[R]] : tensor<3x4xf32>, tensor<16x4xf32>) outs(%[[XWT]] : tensor<3x16xf32>)
// CHECK-COUNT-4: tensor.extract_slice %[[G]]
// The gates write the new H and C into the loop's state tensors (no peepholes: P is zero):
// CHECK:   %[[NEW:[a-z0-9_#]+]]:2 = linalg.generic {{.*}} ins(%[[C]], {{.*}} : tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) outs(%[[H]], %[[C]] : tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK:     math.tanh
// CHECK:   %[[YN:[a-z0-9_#]+]] = tensor.insert_slice %[[NEW]]#0 into %[[Y]][%[[TT]], 0, 0] [1, 3, 4] [1, 1, 1]
// CHECK:   scf.yield %[[NEW]]#0, %[[NEW]]#1, %[[YN]]
// CHECK: tensor.insert_slice %[[LOOP]]#2 into %{{.*}}[0, 0, 0, 0] [5, 1, 3, 4] [1, 1, 1, 1] : tensor<5x3x4xf32> into tensor<5x1x3x4xf32>
// CHECK: tensor.insert_slice %[[LOOP]]#0 into %{{.*}}[0, 0, 0] [1, 3, 4] [1, 1, 1] : tensor<3x4xf32> into tensor<1x3x4xf32>
func.func @lstm_reverse(%x: tensor<5x3x6xf32>, %w: tensor<1x16x6xf32>, %r: tensor<1x16x4xf32>,
                        %b: tensor<1x32xf32>, %h: tensor<1x3x4xf32>)
    -> (tensor<5x1x3x4xf32>, tensor<1x3x4xf32>) {
  %p = tessel.constant dense<0.0> : tensor<1x12xf32>
  %y, %yh, %yc = tessel.lstm %x, %w, %r, %b, %h, %h, %p {
      hidden_size = 4 : i64, direction = "reverse", activations = ["Sigmoid", "Tanh", "Tanh"],
      activation_alpha = array<f64: 0.0, 0.0, 0.0>, activation_beta = array<f64: 0.0, 0.0, 0.0>}
      : (tensor<5x3x6xf32>, tensor<1x16x6xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>,
         tensor<1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x12xf32>)
      -> (tensor<5x1x3x4xf32>, tensor<1x3x4xf32>, tensor<1x3x4xf32>)
  return %y, %yh : tensor<5x1x3x4xf32>, tensor<1x3x4xf32>
}

// -----

// GRU without linear_before_reset: (r * H) R_h^T needs a second matmul per step.
// CHECK-LABEL: func @gru_two_matmuls
// CHECK-DAG: %[[RZR:[a-z0-9_#]+]] = tensor.extract_slice %arg2[0, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<1x12x4xf32> to tensor<8x4xf32>
// CHECK-DAG: %[[RH:[a-z0-9_#]+]] = tensor.extract_slice %arg2[0, 8, 0] [1, 4, 4] [1, 1, 1] : tensor<1x12x4xf32> to tensor<4x4xf32>
// CHECK: scf.for {{.*}} iter_args(%[[H:[a-z0-9_#]+]] = %{{.*}}) -> (tensor<2x4xf32>)
// CHECK:   %[[ZR:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[H]], %[[RZR]] : tensor<2x4xf32>, tensor<8x4xf32>)
// CHECK:   %[[RHV:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[H]], %{{.*}} : tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK:   %[[HC:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[RHV]], %[[RH]] : tensor<2x4xf32>, tensor<4x4xf32>)
// CHECK:   %[[NEW:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[H]], %{{.*}}, %[[HC]] : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) outs(%[[H]] : tensor<2x4xf32>)
// CHECK:   scf.yield %[[NEW]] : tensor<2x4xf32>
func.func @gru_two_matmuls(%x: tensor<3x2x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x4xf32>,
                           %b: tensor<1x24xf32>, %h: tensor<1x2x4xf32>) -> tensor<1x2x4xf32> {
  %y, %yh = tessel.gru %x, %w, %r, %b, %h {hidden_size = 4 : i64,
      activations = ["Sigmoid", "Tanh"], activation_alpha = array<f64: 0.0, 0.0>,
      activation_beta = array<f64: 0.0, 0.0>}
      : (tensor<3x2x5xf32>, tensor<1x12x5xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>, tensor<1x2x4xf32>)
      -> (tensor<3x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

// sequence_lens with a reverse direction: the projection is reversed within
// each batch entry's length, steps past it keep the state and write 0 to Y,
// and Y is reversed back.
// CHECK-LABEL: func @rnn_reverse_lengths
// CHECK: %[[REV:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%arg5 : tensor<2xi32>) outs(%{{.*}} : tensor<3x2x4xf32>)
// CHECK:   tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<3x2x4xf32>
// CHECK: %[[LOOP:[a-z0-9_#]+]]:2 = scf.for %[[T:[a-z0-9_#]+]] = {{.*}} iter_args(%[[H:[a-z0-9_#]+]] = %{{.*}}, %[[Y:[a-z0-9_#]+]] = %{{.*}})
// CHECK:   tensor.extract_slice %[[REV]][%[[T]], 0, 0]
// CHECK:   %[[PRE:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[H]], %{{.*}} : tensor<2x4xf32>, tensor<4x4xf32>)
// CHECK:   %[[CAND:[a-z0-9_#]+]] = linalg.generic {{.*}} ins(%[[PRE]] : tensor<2x4xf32>)
// CHECK:   %[[MASK:[a-z0-9_#]+]]:2 = linalg.generic {{.*}} ins(%[[H]], %arg5, %[[CAND]] : tensor<2x4xf32>, tensor<2xi32>, tensor<2x4xf32>) outs(%[[H]], %{{.*}} : tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK:     arith.cmpi slt, %[[T]]
// CHECK:   tensor.insert_slice %[[MASK]]#1 into %[[Y]][%[[T]], 0, 0]
// CHECK: linalg.generic {{.*}} ins(%arg5 : tensor<2xi32>) outs(%{{.*}} : tensor<3x2x4xf32>)
func.func @rnn_reverse_lengths(%x: tensor<3x2x5xf32>, %w: tensor<1x4x5xf32>, %r: tensor<1x4x4xf32>,
                               %b: tensor<1x8xf32>, %h: tensor<1x2x4xf32>, %lens: tensor<2xi32>)
    -> tensor<3x1x2x4xf32> {
  %y, %yh = tessel.rnn %x, %w, %r, %b, %h sequence_lens(%lens) {hidden_size = 4 : i64,
      direction = "reverse", activations = ["Tanh"], activation_alpha = array<f64: 0.0>,
      activation_beta = array<f64: 0.0>}
      : (tensor<3x2x5xf32>, tensor<1x4x5xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>, tensor<1x2x4xf32>,
         tensor<2xi32>) -> (tensor<3x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y : tensor<3x1x2x4xf32>
}

// -----

// A dynamic sequence and batch: the input projection is one matmul over the
// T*B rows (a single dynamic loop, which the dynamic-contraction tiling gives
// static tiles), the loop runs to the input's dimension 0, the initial state
// of batch 1 (the importer's zero default) is broadcast to the B entries,
// and the weights' dynamic dimensions are checked at run time.
// CHECK-LABEL: func @rnn_dynamic
// CHECK: cf.assert {{.*}}"{{.*}}the input weights (W) has {0} in dimension 2, the layer needs {1}"
// CHECK: %[[ROWS:[a-z0-9_#]+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<?x?x5xf32> into tensor<?x5xf32>
// CHECK: %[[XW:[a-z0-9_#]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]], %{{.*}} : tensor<?x5xf32>, tensor<4x5xf32>) outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: tensor.expand_shape %[[XW]] {{\[\[}}0, 1], [2]] output_shape [%{{.*}}, %{{.*}}, 4] : tensor<?x4xf32> into tensor<?x?x4xf32>
// CHECK: %[[H0:[a-z0-9_#]+]] = tensor.extract_slice %arg4[0, 0, 0] [1, 1, 4] [1, 1, 1] : tensor<1x1x4xf32> to tensor<4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[H0]] : tensor<4xf32>) outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: scf.for {{.*}} -> (tensor<?x4xf32>, tensor<?x?x4xf32>)
func.func @rnn_dynamic(%x: tensor<?x?x5xf32>, %w: tensor<1x4x?xf32>, %r: tensor<1x4x4xf32>,
                       %b: tensor<1x8xf32>, %h: tensor<1x1x4xf32>) -> tensor<?x1x?x4xf32> {
  %y, %yh = tessel.rnn %x, %w, %r, %b, %h {hidden_size = 4 : i64, activations = ["Tanh"],
      activation_alpha = array<f64: 0.0>, activation_beta = array<f64: 0.0>}
      : (tensor<?x?x5xf32>, tensor<1x4x?xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>, tensor<1x1x4xf32>)
        -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>)
  return %y : tensor<?x1x?x4xf32>
}
