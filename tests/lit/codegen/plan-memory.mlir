// tessel-plan-memory: the entry function's buffers become views of one
// arena; buffers live at the same time get disjoint ranges, the others
// share memory.
// RUN: tessel-opt %s --pass-pipeline='builtin.module(tessel-plan-memory)' | FileCheck %s

// The module records the arenas of its public functions together.
// CHECK: module attributes {tessel.arena_bytes = 32768 : i64}

func.func private @kernel(memref<1024xf32>, memref<1024xf32>)
func.func private @widen(memref<1024xf32>, memref<2048xf32>)
func.func private @narrow(memref<2048xf32>, memref<1024xf32>)
func.func private @pair(memref<1024xf32>, memref<1024xf32>, memref<1024xf32>)
func.func private @dynamic_pair(memref<?xf32>, memref<1024xf32>)

// A chain x -> a -> b -> c -> y: a (4 KiB) and b (8 KiB) overlap at the call
// that reads a and writes b; c (4 KiB) is allocated while b is live, and a
// is dead by then, so c takes a's place. The arena is 12 KiB, not 16 KiB.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: attributes {tessel.arena_bytes = 12288 : i64}
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<12288xi8>
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%c8192{{.*}}][] : memref<12288xi8> to memref<1024xf32>
// CHECK: call @kernel(%arg0, %[[A]])
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<12288xi8> to memref<2048xf32>
// CHECK: call @widen(%[[A]], %[[B]])
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%c8192{{.*}}][] : memref<12288xi8> to memref<1024xf32>
// CHECK: call @narrow(%[[B]], %[[C]])
// CHECK: call @kernel(%[[C]], %arg1)
// CHECK-NOT: memref.dealloc %[[A]]
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NEXT: return
func.func @chain(%x: memref<1024xf32>, %y: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  call @kernel(%x, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
  %b = memref.alloc() : memref<2048xf32>
  call @widen(%a, %b) : (memref<1024xf32>, memref<2048xf32>) -> ()
  %c = memref.alloc() : memref<1024xf32>
  call @narrow(%b, %c) : (memref<2048xf32>, memref<1024xf32>) -> ()
  call @kernel(%c, %y) : (memref<1024xf32>, memref<1024xf32>) -> ()
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<2048xf32>
  memref.dealloc %c : memref<1024xf32>
  return
}

// A residual: a is read again after b and c are written through a view of
// c, so all three are live together and get three ranges.
// CHECK-LABEL: func.func @residual
// CHECK-SAME: tessel.arena_bytes = 12288
// CHECK-DAG: memref.view %{{.*}}[%c0{{.*}}][] : memref<12288xi8> to memref<1024xf32>
// CHECK-DAG: memref.view %{{.*}}[%c4096{{.*}}][] : memref<12288xi8> to memref<1024xf32>
// CHECK-DAG: memref.view %{{.*}}[%c8192{{.*}}][] : memref<12288xi8> to memref<2x512xf32>
func.func @residual(%x: memref<1024xf32>, %y: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  call @kernel(%x, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
  %b = memref.alloc() : memref<1024xf32>
  call @kernel(%a, %b) : (memref<1024xf32>, memref<1024xf32>) -> ()
  %c = memref.alloc() : memref<2x512xf32>
  %cv = memref.collapse_shape %c [[0, 1]] : memref<2x512xf32> into memref<1024xf32>
  call @kernel(%b, %cv) : (memref<1024xf32>, memref<1024xf32>) -> ()
  call @pair(%a, %cv, %y) : (memref<1024xf32>, memref<1024xf32>, memref<1024xf32>) -> ()
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<1024xf32>
  memref.dealloc %c : memref<2x512xf32>
  return
}

// A buffer read through a cast after another is written: the cast's use
// keeps the first alive, so the two do not share memory.
// CHECK-LABEL: func.func @cast_alias
// CHECK-SAME: tessel.arena_bytes = 8192
// CHECK-DAG: memref.view %{{.*}}[%c0{{.*}}][] : memref<8192xi8> to memref<1024xf32>
// CHECK-DAG: memref.view %{{.*}}[%c4096{{.*}}][] : memref<8192xi8> to memref<1024xf32>
func.func @cast_alias(%x: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  call @kernel(%x, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
  %c = memref.cast %a : memref<1024xf32> to memref<?xf32>
  %b = memref.alloc() : memref<1024xf32>
  call @kernel(%x, %b) : (memref<1024xf32>, memref<1024xf32>) -> ()
  call @dynamic_pair(%c, %b) : (memref<?xf32>, memref<1024xf32>) -> ()
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<1024xf32>
  return
}

// Left alone: a dynamic buffer, a private function (a kernel's scratch
// lives within its call), and a buffer that is returned.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: tessel.arena_bytes = 0
// CHECK-NOT: memref.view
// CHECK: memref.alloc(%arg0) : memref<?xf32>
func.func @dynamic(%n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// CHECK-LABEL: func.func private @private_kernel
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<1024xf32>
func.func private @private_kernel(%x: memref<1024xf32>, %y: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  call @kernel(%x, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
  call @kernel(%a, %y) : (memref<1024xf32>, memref<1024xf32>) -> ()
  memref.dealloc %a : memref<1024xf32>
  return
}

// CHECK-LABEL: func.func @returned
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<1024xf32>
func.func @returned(%x: memref<1024xf32>) -> memref<1024xf32> {
  %a = memref.alloc() : memref<1024xf32>
  call @kernel(%x, %a) : (memref<1024xf32>, memref<1024xf32>) -> ()
  return %a : memref<1024xf32>
}
