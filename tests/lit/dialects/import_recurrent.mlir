// Importing ONNX RNN / GRU / LSTM nodes (models in ONNX's textual syntax below).
// RUN: sed -n 's|^// ONNX1: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t1.onnx
// RUN: tessel-compile %t1.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=LAYOUT
// RUN: sed -n 's|^// ONNX2: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t2.onnx
// RUN: tessel-compile %t2.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=GRU
// RUN: sed -n 's|^// ONNX3: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t3.onnx
// RUN: not tessel-compile %t3.onnx -o %t3.so 2>&1 | FileCheck %s --check-prefix=BADACT

// layout=1 (batch-major) is transposed to Tessel's time-major op and back;
// omitted bias, initial states and peepholes become zero constants.
// ONNX1: <ir_version: 8, opset_import: ["" : 14]>
// ONNX1: lstm_batch_first (float[2,5,3] X, float[1,16,3] W, float[1,16,4] R) => (float[2,5,1,4] Y, float[2,1,4] Y_h) {
// ONNX1:   Y, Y_h = LSTM <hidden_size = 4, layout = 1> (X, W, R)
// ONNX1: }
// LAYOUT: %[[X:.*]] = tessel.transpose %arg0 {perm = array<i64: 1, 0, 2>} : tensor<2x5x3xf32> -> tensor<5x2x3xf32>
// LAYOUT-DAG: %[[B:.*]] = tessel.constant dense<0.000000e+00> : tensor<1x32xf32>
// LAYOUT-DAG: %[[P:.*]] = tessel.constant dense<0.000000e+00> : tensor<1x12xf32>
// LAYOUT: %[[Y:.*]], %[[YH:.*]], %{{.*}} = tessel.lstm %[[X]], %arg1, %arg2, %[[B]], %{{.*}}, %{{.*}}, %[[P]]
// LAYOUT-SAME: activations = ["Sigmoid", "Tanh", "Tanh"]
// LAYOUT-SAME: -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
// LAYOUT: tessel.transpose %[[Y]] {perm = array<i64: 2, 0, 1, 3>} : tensor<5x1x2x4xf32> -> tensor<2x5x1x4xf32>
// LAYOUT: tessel.transpose %[[YH]] {perm = array<i64: 1, 0, 2>} : tensor<1x2x4xf32> -> tensor<2x1x4xf32>

// Activations are spelled out per direction with ONNX's defaults for alpha
// and beta; alpha values go to the activations that take one, in order.
// ONNX2: <ir_version: 8, opset_import: ["" : 13]>
// ONNX2: gru_bidirectional (float[3,2,5] X, float[2,12,5] W, float[2,12,4] R, float[2,24] B, int32[2] lens) => (float[2,2,4] Y_h) {
// ONNX2:   Y, Y_h = GRU <hidden_size = 4, direction = "bidirectional", linear_before_reset = 1, activations = ["HardSigmoid", "Tanh", "LeakyRelu", "softsign"], activation_alpha = [0.3, 0.05]> (X, W, R, B, lens)
// ONNX2: }
// GRU: tessel.gru %arg0, %arg1, %arg2, %arg3, %{{.*}} sequence_lens(%arg4)
// GRU-SAME: activation_alpha = array<f64: 0.3{{[0-9]*}}, 0.000000e+00, 0.05{{[0-9]*}}, 0.000000e+00>
// GRU-SAME: activation_beta = array<f64: 5.000000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00>
// GRU-SAME: activations = ["HardSigmoid", "Tanh", "LeakyRelu", "Softsign"]
// GRU-SAME: direction = "bidirectional"
// GRU-SAME: linear_before_reset = true

// ONNX3: <ir_version: 8, opset_import: ["" : 14]>
// ONNX3: rnn_gelu (float[3,2,5] X, float[1,4,5] W, float[1,4,4] R) => (float[1,2,4] Y_h) {
// ONNX3:   Y, Y_h = RNN <hidden_size = 4, activations = ["Gelu"]> (X, W, R)
// ONNX3: }
// BADACT: RNN node '' (opset 14): activation 'Gelu' is not supported
