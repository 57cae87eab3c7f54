// The verifiers of #tessel.target and #tessel.kernel_config: the
// combinations the kernel generator cannot run are refused when parsed.
// RUN: tessel-opt %s -split-input-file -verify-diagnostics --allow-unregistered-dialect

// expected-error @+1 {{#tessel.kernel_config: rows must be at least 1, not 0}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 0, vectors = 1>} : () -> ()

// -----

// expected-error @+1 {{#tessel.kernel_config: row_block 8 is not a multiple of rows 6}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, row_block = 8>} : () -> ()

// -----

// expected-error @+1 {{#tessel.kernel_config: column_block 24 is not a multiple of the tile's 16 columns}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, column_block = 24>} : () -> ()

// -----

// expected-error @+1 {{#tessel.kernel_config: reduction_block must be 0 (none) or positive, not -4}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 6, vectors = 2, reduction_block = -4>} : () -> ()

// -----

// Parallel column blocks need column blocks.
// expected-error @+1 {{#tessel.kernel_config: parallel = column_blocks needs a column_block}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 1, vectors = 2, parallel = column_blocks>} : () -> ()

// -----

// Folding needs the stationary order (and its packed A).
// expected-error @+1 {{#tessel.kernel_config: fold_outer needs stationary_a}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, pack_a = true, pack_b = true, fold_outer = true>} : () -> ()

// -----

// expected-error @+1 {{#tessel.kernel_config: stationary_a needs pack_a, no column_block, and parallel none or rows}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, stationary_a = true, pack_a = true, parallel = columns>} : () -> ()

// -----

// expected-error @+2 {{expected ::tessel::ParallelLoop to be one of: none, outer, columns, rows, column_blocks}}
// expected-error @+1 {{failed to parse Tessel_KernelConfigAttr parameter 'parallel' which is to be a `::tessel::ParallelLoop`}}
"test.op"() {c = #tessel.kernel_config<lanes = 8, rows = 3, vectors = 2, parallel = sideways>} : () -> ()

// -----

// expected-error @+1 {{#tessel.target: vector_bits must be a positive multiple of 32, not 100}}
"test.op"() {t = #tessel.target<cpu = "x", vector_bits = 100>} : () -> ()

// -----

// expected-error @+1 {{#tessel.target: l2_bytes must be positive, not 0}}
"test.op"() {t = #tessel.target<cpu = "x", l2_bytes = 0>} : () -> ()

// -----

// expected-error @+1 {{#tessel.target: extensions must be strings}}
"test.op"() {t = #tessel.target<cpu = "x", extensions = [1, 2]>} : () -> ()
