// tessel-forward-output-buffers: in the public entry function, a kernel's
// result buffer that is only copied into an output argument becomes that
// argument; the copy and the allocation go.
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

// One value copied into two outputs: each copy is another use of the
// allocation besides calls, so both copies stay.
// CHECK-LABEL: func.func @two_outputs
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: memref.copy %[[A]], %arg1
// CHECK: memref.copy %[[A]], %arg2
func.func @two_outputs(%x: memref<4x8xf32>, %y1: memref<4x8xf32>, %y2: memref<4x8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  memref.copy %a, %y1 : memref<4x8xf32> to memref<4x8xf32>
  memref.copy %a, %y2 : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  return
}

// Left alone: the buffer is viewed (the view could be written after the
// copy), the output argument has another use, a kernel writes the buffer
// after the copy, and a private function (a kernel's outputs are already its
// caller's buffers).
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

// CHECK-LABEL: func.func private @private_kernel
// CHECK: memref.alloc
// CHECK: memref.copy
func.func private @private_kernel(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  %a = memref.alloc() : memref<4x8xf32>
  call @kernel(%x, %a) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  memref.copy %a, %y : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  return
}
