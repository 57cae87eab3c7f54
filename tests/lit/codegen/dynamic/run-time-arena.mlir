// tessel-plan-memory: buffers sized by one run-time size (here x's batch n)
// share one arena allocated per run. Planned per unit of n: b (32 n bytes)
// at 0, a (16 n bytes, live with b) after it, at align64(32 n) + 64 (its
// rank among the buffers times 64 keeps it aligned and apart at every n);
// the arena holds max(32 n + 64, 48 n + 128) bytes.
// RUN: tessel-opt %s --tessel-plan-memory --allow-unregistered-dialect --canonicalize --cse | FileCheck %s

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


// Buffers of other run-time sizes (two dimensions of x, a size computed
// from them between kernels, as a Reshape's shape arithmetic is) join the
// same arena: their sizes are computed at the top of the function, and in
// order of allocation each starts, 64-byte aligned, above every earlier one
// live at the same time. c (32 s t bytes) at 0; d (16 s t, live with c)
// at align64(32 s t); e (live with d, not c) above d; f (live with e only)
// above e. A buffer whose size is read from data keeps its own allocation.
// CHECK-LABEL: func.func @main_graph_2d
// CHECK-DAG: %[[S:.*]] = memref.dim %arg0, %c0
// CHECK-DAG: %[[T:.*]] = memref.dim %arg0, %c1
// CHECK: %[[ST:.*]] = arith.muli %[[S]], %[[T]]
// CHECK: %[[S32:.*]] = arith.muli %[[S]], %c32
// CHECK: %[[CEND:.*]] = arith.muli %[[S32]], %[[T]]
// CHECK: %[[CUP:.*]] = arith.addi %[[CEND]], %c63
// CHECK: %[[DOFF:.*]] = arith.andi %[[CUP]], %c-64
// CHECK: %[[DBYTES:.*]] = arith.muli %[[ST]], %c16
// CHECK: %[[DEND:.*]] = arith.addi %[[DOFF]], %[[DBYTES]]
// CHECK: %[[DUP:.*]] = arith.addi %[[DEND]], %c63
// CHECK: %[[EOFF:.*]] = arith.andi %[[DUP]], %c-64
// CHECK: %[[EEND:.*]] = arith.addi %[[EOFF]], %{{.*}}
// CHECK: %[[EUP:.*]] = arith.addi %[[EEND]], %c63
// CHECK: %[[FOFF:.*]] = arith.andi %[[EUP]], %c-64
// CHECK: %[[TOTAL:.*]] = arith.maxui
// CHECK: %[[ARENA:.*]] = memref.alloc(%[[TOTAL]]) {alignment = 64 : i64} : memref<?xi8>
// CHECK: memref.view %[[ARENA]][%c0][%[[S]], %[[T]]] : memref<?xi8> to memref<?x?x8xf32>
// CHECK: memref.view %[[ARENA]][%[[DOFF]]][%[[ST]]] : memref<?xi8> to memref<?x4xf32>
// CHECK: memref.view %[[ARENA]][%[[EOFF]]][%[[ST]]] : memref<?xi8> to memref<?x2xf32>
// CHECK: %[[LOADED:.*]] = memref.load
// CHECK: memref.alloc(%[[LOADED]]) : memref<?xf32>
// CHECK: memref.view %[[ARENA]][%[[FOFF]]][%[[T]], %[[S]]] : memref<?xi8> to memref<?x?x8xf32>
// CHECK: memref.dealloc %[[ARENA]]
func.func @main_graph_2d(%x: memref<?x?x8xf32>, %n: memref<1xindex>, %out: memref<?x?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = memref.dim %x, %c0 : memref<?x?x8xf32>
  %t = memref.dim %x, %c1 : memref<?x?x8xf32>
  %c = memref.alloc(%s, %t) : memref<?x?x8xf32>
  "test.use"(%x, %c) : (memref<?x?x8xf32>, memref<?x?x8xf32>) -> ()
  %st = arith.muli %s, %t : index
  %d = memref.alloc(%st) : memref<?x4xf32>
  "test.use"(%c, %d) : (memref<?x?x8xf32>, memref<?x4xf32>) -> ()
  %e = memref.alloc(%st) : memref<?x2xf32>
  "test.use"(%d, %e) : (memref<?x4xf32>, memref<?x2xf32>) -> ()
  %k = memref.load %n[%c0] : memref<1xindex>
  %g = memref.alloc(%k) : memref<?xf32>
  "test.use"(%g) : (memref<?xf32>) -> ()
  %f = memref.alloc(%t, %s) : memref<?x?x8xf32>
  "test.use"(%e, %f) : (memref<?x2xf32>, memref<?x?x8xf32>) -> ()
  "test.use"(%f, %out) : (memref<?x?x8xf32>, memref<?x?x8xf32>) -> ()
  memref.dealloc %c : memref<?x?x8xf32>
  memref.dealloc %d : memref<?x4xf32>
  memref.dealloc %e : memref<?x2xf32>
  memref.dealloc %f : memref<?x?x8xf32>
  memref.dealloc %g : memref<?xf32>
  return
}
