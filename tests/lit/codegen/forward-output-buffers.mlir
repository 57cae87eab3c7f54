// tessel-forward-output-buffers: a buffer that is only computed and then
// copied into an output argument (a kernel's result in the entry function;
// a kernel's own result, through a reshape) becomes that argument, or the
// matching reshape of it; the copy and the allocation go.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(func.func(tessel-forward-output-buffers))' | FileCheck %s

func.func private @kernel(memref<4x8xf32>, memref<4x8xf32>)
func.func private @reader(memref<4x8xf32>, memref<8xf32>)

// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%[[X:.*]]: memref<4x8xf32>, %[[Y:.*]]: memref<4x8xf32>, %[[Z:.*]]: memref<8xf32>)
// CHECK-NOT: memref.alloc
// CHECK: call @kernel(%[[X]], %[[Y]])
// A later kernel reading the output reads the argument.
// CHECK-NEXT: call @reader(%[[Y]], %[[Z]])
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @entry(%x: memref<4x8xf32>, %y: memref<4x8xf32>, %z: memref<8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  call @reader(%a, %z) : (memref<4x8xf32>, memref<8xf32>) -> ()
  memref.copy %a, %y : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  return
}

// One value copied into two outputs: the kernel writes the second, which
// the first copy (before it, a use that makes no view) then reads.
// CHECK-LABEL: func.func @two_outputs
// CHECK-NOT: memref.alloc
// CHECK: call @kernel(%arg0, %arg2)
// CHECK-NEXT: memref.copy %arg2, %arg1
// CHECK-NEXT: return
func.func @two_outputs(%x: memref<4x8xf32>, %y1: memref<4x8xf32>, %y2: memref<4x8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  memref.copy %a, %y1 : memref<4x8xf32> to memref<4x8xf32>
  memref.copy %a, %y2 : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  return
}

// Left alone: the buffer is viewed (the view could be written after the
// copy), the output argument has another use, and a kernel writes the
// buffer after the copy.
// CHECK-LABEL: func.func @viewed
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @viewed(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  %v = memref.subview %a[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  memref.copy %a, %y : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  return
}

// CHECK-LABEL: func.func @output_also_read
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @output_also_read(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%y, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  memref.copy %a, %y : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  return
}

// CHECK-LABEL: func.func @written_after_copy
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @written_after_copy(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  memref.copy %a, %y : memref<4x8xf32> to memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  memref.dealloc %a : memref<4x8xf32>
  return
}

// In a kernel (private, called with outputs that alias no input), a 1x1
// convolution computed as a matmul on [c, pixels] and expanded back: the
// matmul and its epilogue write the collapsed output argument.
// CHECK-LABEL: func.func private @pointwise_kernel
// CHECK-SAME: (%[[X:.*]]: memref<4x6xf32>, %[[W:.*]]: memref<8x4xf32>, %[[Y:.*]]: memref<8x2x3xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[C:.*]] = memref.collapse_shape %[[Y]] {{\[\[}}0], [1, 2]] : memref<8x2x3xf32> into memref<8x6xf32>
// CHECK: linalg.fill {{.*}} outs(%[[C]] : memref<8x6xf32>)
// CHECK: linalg.matmul ins(%[[W]], %[[X]] : {{.*}}) outs(%[[C]] : memref<8x6xf32>)
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func private @pointwise_kernel(%x: memref<4x6xf32>, %w: memref<8x4xf32>, %y: memref<8x2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<8x6xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<8x6xf32>)
  linalg.matmul ins(%w, %x : memref<8x4xf32>, memref<4x6xf32>) outs(%a : memref<8x6xf32>)
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [8, 2, 3] : memref<8x6xf32> into memref<8x2x3xf32>
  memref.copy %e, %y : memref<8x2x3xf32> to memref<8x2x3xf32>
  memref.dealloc %a : memref<8x6xf32>
  return
}

// The other direction: computed in [8, 2, 3], copied out through a
// collapse; the computation writes the expanded argument.
// CHECK-LABEL: func.func private @collapsed_output
// CHECK: %[[E:.*]] = memref.expand_shape %arg1 {{\[\[}}0], [1, 2]] output_shape [8, 2, 3] : memref<8x6xf32> into memref<8x2x3xf32>
// CHECK: linalg.fill {{.*}} outs(%[[E]] : memref<8x2x3xf32>)
// CHECK-NOT: memref.copy
func.func private @collapsed_output(%x: memref<8x2x3xf32>, %y: memref<8x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<8x2x3xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<8x2x3xf32>)
  %c = memref.collapse_shape %a [[0], [1, 2]] : memref<8x2x3xf32> into memref<8x6xf32>
  memref.copy %c, %y : memref<8x6xf32> to memref<8x6xf32>
  memref.dealloc %a : memref<8x2x3xf32>
  return
}

// The reshape is used besides the copy (it could be written after it), or
// the allocation is written after the copy: the copy stays.
// CHECK-LABEL: func.func private @reshape_reused
// CHECK: memref.alloc
// CHECK: memref.copy
func.func private @reshape_reused(%x: memref<8x2x3xf32>, %y: memref<8x2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<8x6xf32>
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [8, 2, 3] : memref<8x6xf32> into memref<8x2x3xf32>
  memref.copy %e, %y : memref<8x2x3xf32> to memref<8x2x3xf32>
  linalg.fill ins(%zero : f32) outs(%e : memref<8x2x3xf32>)
  memref.dealloc %a : memref<8x6xf32>
  return
}

// CHECK-LABEL: func.func private @kernel_writes_after_copy
// CHECK: memref.alloc
// CHECK: memref.copy
func.func private @kernel_writes_after_copy(%x: memref<8x6xf32>, %y: memref<8x2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<8x6xf32>
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [8, 2, 3] : memref<8x6xf32> into memref<8x2x3xf32>
  memref.copy %e, %y : memref<8x2x3xf32> to memref<8x2x3xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<8x6xf32>)
  memref.dealloc %a : memref<8x6xf32>
  return
}
