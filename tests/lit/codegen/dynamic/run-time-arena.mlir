// tessel-plan-memory: buffers sized by one run-time size (here x's batch n)
// share one arena allocated per run. Planned per unit of n: b (32 n bytes)
// at 0, a (16 n bytes, live with b) after it, at align64(32 n) + 64 (its
// rank among the buffers times 64 keeps it aligned and apart at every n);
// the arena holds max(32 n + 64, 48 n + 128) bytes.
// RUN: tessel-opt %s --tessel-plan-memory --allow-unregistered-dialect --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @main_graph
// CHECK: %[[N:.*]] = memref.dim %arg0, %c0
// CHECK: %[[AEND:.*]] = arith.muli %[[N]], %c32
// CHECK: %[[AL:.*]] = arith.andi %{{.*}}, %c-64
// CHECK: %[[AOFF:.*]] = arith.addi %[[AL]], %c64
// CHECK: %[[TOTAL:.*]] = arith.maxui
// CHECK: %[[ARENA:.*]] = memref.alloc(%[[TOTAL]]) {alignment = 64 : i64} : memref<?xi8>
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%[[AOFF]]][%{{.*}}] : memref<?xi8> to memref<?x4xf32>
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%c0][%{{.*}}] : memref<?xi8> to memref<?x8xf32>
// CHECK: "test.use"(%[[A]], %[[B]])
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NOT: memref.dealloc
func.func @main_graph(%x: memref<?x4xf32>, %out: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  %a = memref.alloc(%n) : memref<?x4xf32>
  %b = memref.alloc(%n) : memref<?x8xf32>
  "test.use"(%x, %a) : (memref<?x4xf32>, memref<?x4xf32>) -> ()
  "test.use"(%a, %b) : (memref<?x4xf32>, memref<?x8xf32>) -> ()
  "test.use"(%b, %out) : (memref<?x8xf32>, memref<?x4xf32>) -> ()
  memref.dealloc %a : memref<?x4xf32>
  memref.dealloc %b : memref<?x8xf32>
  return
}
