// Importing ConvTranspose, Pad, Resize/Upsample, DepthToSpace, InstanceNormalization,
// LayerNormalization and PRelu (models in ONNX's textual syntax below).
// RUN: sed -n 's|^// ONNX1: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t1.onnx
// RUN: tessel-compile %t1.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=CONVT
// RUN: sed -n 's|^// ONNX2: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t2.onnx
// RUN: tessel-compile %t2.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=PAD
// RUN: sed -n 's|^// ONNX3: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t3.onnx
// RUN: tessel-compile %t3.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=RESIZE
// RUN: sed -n 's|^// ONNX4: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t4.onnx
// RUN: tessel-compile %t4.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=NORM
// RUN: sed -n 's|^// ONNX5: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t5.onnx
// RUN: tessel-compile %t5.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=RUNTIME-SCALES
// RUN: sed -n 's|^// ONNX6: ||p' %s | /usr/bin/python3 -c "import onnx,onnx.parser,sys; onnx.save(onnx.parser.parse_model(sys.stdin.read()), sys.argv[1])" %t6.onnx
// RUN: tessel-compile %t6.onnx --compile-to=import --print-locations=false -o - | FileCheck %s --check-prefix=LEGACY

// output_shape fixes the total padding (odd element at the begin for NOTSET);
// a larger output than the full one becomes output_padding.
// ONNX1: <ir_version: 8, opset_import: ["" : 13]>
// ONNX1: convt (float[1,2,5,4] X, float[2,3,4,3] W) => (float[1,3,9,13] Y) {
// ONNX1:   Y = ConvTranspose <strides = [2, 3], output_shape = [9, 13]> (X, W)
// ONNX1: }
// CONVT: tessel.conv_transpose %arg0, %arg1 {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 1>, pads = array<i64: 2, 0, 1, 0>, strides = array<i64: 2, 3>} : (tensor<1x2x5x4xf32>, tensor<2x3x4x3xf32>) -> tensor<1x3x9x13xf32>

// Opset 11+: pads and constant_value are (constant) inputs.
// ONNX2: <ir_version: 8, opset_import: ["" : 13]>
// ONNX2: pad (float[2,3] X) => (float[3,6] Y) {
// ONNX2:   pads = Constant <value = int64[4] {1, 2, 0, 1}> ()
// ONNX2:   v = Constant <value = float {-1.0}> ()
// ONNX2:   Y = Pad <mode = "constant"> (X, pads, v)
// ONNX2: }
// PAD: tessel.pad %arg0 {constant_value = -1.000000e+00 : f64, pads = array<i64: 1, 2, 0, 1>} : tensor<2x3xf32> -> tensor<3x6xf32>

// Resize from opset 13 with constant scales; sizes follow floor(in * scale).
// ONNX3: <ir_version: 8, opset_import: ["" : 13]>
// ONNX3: resize (float[1,2,4,5] X) => (float[1,2,8,7] Y) {
// ONNX3:   scales = Constant <value = float[4] {1.0, 1.0, 2.0, 1.5}> ()
// ONNX3:   Y = Resize <mode = "linear", coordinate_transformation_mode = "pytorch_half_pixel"> (X, , scales)
// ONNX3: }
// RESIZE: tessel.resize %arg0 {coordinate_transformation_mode = "pytorch_half_pixel", mode = "linear", scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 1.500000e+00>, sizes = array<i64: 1, 2, 8, 7>} : tensor<1x2x4x5xf32> -> tensor<1x2x8x7xf32>

// InstanceNormalization is a layer norm over the spatial axes without scale,
// then the per-channel scale and bias; LayerNormalization's Mean output is a
// ReduceMean beside the fused op.
// ONNX4: <ir_version: 8, opset_import: ["" : 17]>
// ONNX4: norms (float[2,3,4,5] X, float[3] s, float[3] b, float[5] g) => (float[2,3,4,5] Y, float[2,3,4,1] M) {
// ONNX4:   I = InstanceNormalization <epsilon = 0.001> (X, s, b)
// ONNX4:   Y, M = LayerNormalization <axis = -1> (I, g)
// ONNX4: }
// NORM: %[[ONE:.*]] = tessel.constant dense<1.000000e+00> : tensor<f32>
// NORM: %[[N:.*]] = tessel.layer_norm %arg0, %[[ONE]] {axis = 2 : i64, epsilon = {{.*}} : f64} : (tensor<2x3x4x5xf32>, tensor<f32>) -> tensor<2x3x4x5xf32>
// NORM: %[[S:.*]] = tessel.reshape %arg1 : tensor<3xf32> -> tensor<3x1x1xf32>
// NORM: %[[B:.*]] = tessel.reshape %arg2 : tensor<3xf32> -> tensor<3x1x1xf32>
// NORM: %[[M:.*]] = tessel.mul %[[N]], %[[S]]
// NORM: %[[I:.*]] = tessel.add %[[M]], %[[B]]
// NORM: tessel.layer_norm %[[I]], %arg3 {axis = 3 : i64}
// NORM: tessel.reduce_mean %[[I]] {axes = array<i64: 3>} : tensor<2x3x4x5xf32> -> tensor<2x3x4x1xf32>

// Scales fed as a graph input cannot give a static shape.
// ONNX5: <ir_version: 8, opset_import: ["" : 13]>
// ONNX5: runtime_scales (float[1,1,2,2] X, float[4] scales) => (float[1,1,4,4] Y) {
// ONNX5:   Y = Resize (X, , scales)
// ONNX5: }
// Scales fed as a graph input are read at run time (a shape input).
// RUNTIME-SCALES: func.func @main_graph(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<4xf32> {tessel.shape_input}) -> tensor<?x?x?x?xf32>
// RUNTIME-SCALES: tessel.computed_resize %arg0 scales %arg1 sizes %{{.*}} roi %{{.*}} : tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<0xi64>, tensor<0xf32> -> tensor<?x?x?x?xf32>

// Before opset 7, PRelu's 1-D slope applies per channel.
// ONNX6: <ir_version: 4, opset_import: ["" : 6]>
// ONNX6: legacy (float[2,3,4] X, float[3] slope) => (float[2,3,4] Y) {
// ONNX6:   Y = PRelu (X, slope)
// ONNX6: }
// LEGACY: %[[SL:.*]] = tessel.reshape %arg1 : tensor<3xf32> -> tensor<3x1xf32>
// LEGACY: tessel.prelu %arg0, %[[SL]] : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
