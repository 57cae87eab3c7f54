// tessel-decompose-pads: a static, constant tensor.pad becomes the source
// inserted into an empty tensor's interior and fills of the border slabs
// only, so that bufferization writes each element once.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-decompose-pads))' | FileCheck %s

// A convolution's input, padded by 1 above and on both sides, 2 below:
// four slabs, each the full padded extent but along its own dimension.
// CHECK-LABEL: func.func @conv_input
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x5xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x7x7xf32>
// CHECK: %[[R0:.*]] = tensor.insert_slice %[[X]] into %[[E]][0, 0, 1, 1] [1, 2, 4, 5] [1, 1, 1, 1]
// CHECK: %[[T:.*]] = tensor.extract_slice %[[R0]][0, 0, 0, 0] [1, 2, 1, 7] [1, 1, 1, 1]
// CHECK: %[[TF:.*]] = linalg.fill ins(%[[Z:.*]] : f32) outs(%[[T]] : tensor<1x2x1x7xf32>)
// CHECK: %[[R1:.*]] = tensor.insert_slice %[[TF]] into %[[R0]][0, 0, 0, 0] [1, 2, 1, 7]
// CHECK: tensor.extract_slice %[[R1]][0, 0, 5, 0] [1, 2, 2, 7]
// CHECK: %[[R2:.*]] = tensor.insert_slice %{{.*}} into %[[R1]][0, 0, 5, 0] [1, 2, 2, 7]
// CHECK: tensor.extract_slice %[[R2]][0, 0, 0, 0] [1, 2, 7, 1]
// CHECK: %[[R3:.*]] = tensor.insert_slice %{{.*}} into %[[R2]][0, 0, 0, 0] [1, 2, 7, 1]
// CHECK: tensor.extract_slice %[[R3]][0, 0, 0, 6] [1, 2, 7, 1]
// CHECK: %[[R4:.*]] = tensor.insert_slice %{{.*}} into %[[R3]][0, 0, 0, 6] [1, 2, 7, 1]
// CHECK-NOT: linalg.fill
// CHECK: return %[[R4]]
func.func @conv_input(%x: tensor<1x2x4x5xf32>) -> tensor<1x2x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 2, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x5xf32> to tensor<1x2x7x7xf32>
  return %p : tensor<1x2x7x7xf32>
}

// Left alone: a padding value that depends on the position, a dynamic
// shape, and a negative pad (a crop).
// CHECK-LABEL: func.func @left_alone
// CHECK: tensor.pad
// CHECK: tensor.pad
// CHECK: tensor.pad
// CHECK-NOT: linalg.fill
func.func @left_alone(%x: tensor<4xf32>, %y: tensor<?xf32>) -> (tensor<6xf32>, tensor<?xf32>, tensor<3xf32>) {
  %zero = arith.constant 0.0 : f32
  %a = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    %f = arith.index_cast %i : index to i32
    %v = arith.sitofp %f : i32 to f32
    tensor.yield %v : f32
  } : tensor<4xf32> to tensor<6xf32>
  %b = tensor.pad %y low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<?xf32> to tensor<?xf32>
  %c = tensor.pad %x low[-1] high[0] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<3xf32>
  return %a, %b, %c : tensor<6xf32>, tensor<?xf32>, tensor<3xf32>
}
