// #tessel.target and #tessel.kernel_config parse, print back with their
// defaults elided, and verify.
// RUN: tessel-opt %s --allow-unregistered-dialect | tessel-opt --allow-unregistered-dialect | FileCheck %s

// CHECK: module attributes {tessel.target = #tessel.target<cpu = "znver4", extensions = ["avx2", "fma", "avx512f"], vector_bits = 512, vector_registers = 32, l2_bytes = 1048576>}
// CHECK: "test.op"() {tessel.kernel_config = #tessel.kernel_config<lanes = 16, rows = 6, vectors = 4, reduction_block = 256, row_block = 252, pack_a = true, pack_b = true, parallel = columns>}
// CHECK: "test.op"() {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 128, row_block = 54, pack_a = true, pack_b = true, stationary_a = true, fold_outer = true, parallel = rows>}
module attributes {tessel.target = #tessel.target<cpu = "znver4", extensions = ["avx2", "fma", "avx512f"], vector_bits = 512, vector_registers = 32, fma_units = 2, l2_bytes = 1048576>} {
  "test.op"() {tessel.kernel_config = #tessel.kernel_config<lanes = 16, rows = 6, vectors = 4, reduction_block = 256, row_block = 252, pack_a = true, pack_b = true, parallel = columns>} : () -> ()
  "test.op"() {tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = 128, row_block = 54, pack_a = true, pack_b = true, stationary_a = true, fold_outer = true, parallel = rows>} : () -> ()
}
