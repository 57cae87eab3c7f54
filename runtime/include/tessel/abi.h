/*===- tessel/abi.h - The contract between compiled models and the runtime -===*
 *
 * Every compiled model (shared library, object or executable) exports these
 * symbols. The compiler emits them (codegen/RecordModelABI.cpp writes the
 * inputs/outputs, codegen/BuildABIEntry.cpp the kernels and the symbols); the
 * runtime reads them (runtime/src/model.c). Bump TESSEL_ABI_VERSION on any
 * change.
 *
 * tessel_model_metadata is text, one record per line:
 *   tessel-abi <version>
 *   inputs <count>
 *   <dtype> <rank> <dim>... <name-length>:<name>     (one line per input)
 *   outputs <count>
 *   <dtype> <rank> <dim>... <name-length>:<name>     (one line per output)
 *   dim_names <count>                                (optional section)
 *   <tensor index> <len>:<name>...                   (one name per dimension)
 *   bound <count>                                    (optional section)
 *   <input index> <byte count> <hex bytes>           (one line per bound input)
 *   checks <count>                                   (optional section)
 *   <len>:<message>                                  (one line per shape check)
 *   shape_inputs <count>                             (optional section)
 *   <input index>                                    (one line per shape input)
 *   kernels <count>
 *   kernel <flops> <bytes> <inputs> <outputs> <len>:<symbol> <len>:<op> <nodes> [<len>:<node>]...
 *   <dtype> <rank> <dim>... <len>:<arg name>         (inputs then outputs of that kernel)
 * dtype is the ONNX TensorProto.DataType number (1 = float, 7 = int64, ...).
 * dim_names gives the ONNX dim_param of each dimension of a model input or
 * output (tensor index: inputs first, then outputs; "" for a dimension
 * without one), for tensors that name any.
 * A bound input was fixed at compile time (tessel-compile --bind-input): the
 * code is specialised for that value, and the runtime refuses runs that pass
 * another one (bytes as the run passes them; bool is one byte per element).
 * A kernel is one generated function (one tessel op, see
 * codegen/OutlineKernels.cpp); `op` is that op ("tessel.conv"), the nodes are
 * the ONNX nodes it computes, flops and bytes are per call.
 *
 * A dimension of -1 is dynamic: its size is the run's (tessel-compile
 * --dynamic). The "checks" section lists the messages of the shape checks of
 * tessel_model_shapes, in order; "{0}" and "{1}" in a message stand for the
 * two sizes the check compared.
 *
 * A shape input is a graph input whose values set sizes (a Reshape's shape,
 * a Range's limit fed as a graph input): output sizes and shape checks
 * depend on its data, which the shape function reads.
 *
 * tessel_model_shapes(input_dims, output_dims, check_sizes, shape_data),
 * exported by a model with dynamic dimensions, run-time shape checks or
 * shape inputs: input_dims holds the run's size of each dynamic input
 * dimension (the -1 entries of the inputs' records, in order), shape_data
 * the values of the shape inputs, in the order of the shape_inputs section,
 * each at the next 8-byte aligned offset (bytes as the run passes them; at
 * least one byte in all). It runs every shape check; the first check k that
 * fails makes it return k + 1 with the two sizes it compared in
 * check_sizes[0..1]. When all hold it writes the size of every dynamic
 * output dimension (the -1 entries of the outputs' records, in order) to
 * output_dims and returns 0. It only reads sizes and shape inputs: callers
 * size outputs with it before running. Sizes are non-negative (the runtime
 * refuses others before calling it).
 *
 * tessel_model_run_v3(buffers, dims, context): buffers[0..inputs) point to
 * the inputs, buffers[inputs..inputs+outputs) to caller-allocated outputs;
 * dims holds the dynamic input dimensions as tessel_model_shapes reads them,
 * then the dynamic output dimensions as it writes them (NULL for a static
 * model). Each buffer is dense, row-major, with the element type and shape
 * of the metadata (at those sizes), no
 * output overlapping an input or another output (outputs are written in
 * place, possibly before the last read of an input). context
 * may be NULL; if it is not and its kernel_hook is not NULL, the hook is
 * called right before (is_end = 0) and right after (is_end = 1) each kernel
 * call, on the calling thread. The function keeps no state between calls and
 * may run concurrently from many threads.
 *
 * The run must only follow a tessel_model_shapes call that returned 0 for
 * the same input sizes.
 *
 * tessel_model_kernels[k](args, dims) runs kernel k alone: args[0..inputs)
 * point to its inputs, then its outputs, laid out as its metadata says, and
 * dims holds the sizes of their -1 dimensions in that order (NULL for a
 * static kernel). It reads only its inputs and writes only its outputs (for
 * benchmarks: tessel-bench).
 *===----------------------------------------------------------------------===*/
#ifndef TESSEL_ABI_H
#define TESSEL_ABI_H

#include <stdint.h>

#define TESSEL_ABI_VERSION 6

#ifdef __cplusplus
extern "C" {
#endif

/* Per-run context of tessel_model_run_v3 (layout fixed by the ABI: the hook
 * pointer at offset 0, user_data right after). */
typedef struct tessel_run_context {
  void (*kernel_hook)(void *user_data, int32_t kernel, int32_t is_end);
  void *user_data;
} tessel_run_context;

typedef void (*tessel_model_run_fn)(void **buffers, const int64_t *dims,
                                    const tessel_run_context *context);
typedef int32_t (*tessel_model_shapes_fn)(const int64_t *input_dims, int64_t *output_dims,
                                          int64_t *check_sizes, const uint8_t *shape_data);
typedef void (*tessel_kernel_fn)(void **args, const int64_t *dims);

#define TESSEL_SYMBOL_ABI_VERSION "tessel_abi_version"
#define TESSEL_SYMBOL_METADATA "tessel_model_metadata"
#define TESSEL_SYMBOL_METADATA_SIZE "tessel_model_metadata_size"
#define TESSEL_SYMBOL_RUN "tessel_model_run_v3"
#define TESSEL_SYMBOL_SHAPES "tessel_model_shapes"
#define TESSEL_SYMBOL_KERNELS "tessel_model_kernels"

#ifdef __cplusplus
}
#endif

#endif /* TESSEL_ABI_H */
