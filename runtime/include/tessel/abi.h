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
 * tessel_model_run_v2(buffers, context): buffers[0..inputs) point to the
 * inputs, buffers[inputs..inputs+outputs) to caller-allocated outputs, each
 * dense, row-major, with the element type and shape of the metadata, no
 * output overlapping an input or another output (outputs are written in
 * place, possibly before the last read of an input). context
 * may be NULL; if it is not and its kernel_hook is not NULL, the hook is
 * called right before (is_end = 0) and right after (is_end = 1) each kernel
 * call, on the calling thread. The function keeps no state between calls and
 * may run concurrently from many threads.
 *
 * tessel_model_kernels[k](args) runs kernel k alone: args[0..inputs) point to
 * its inputs, then its outputs, laid out as its metadata says. It reads only
 * its inputs and writes only its outputs (for benchmarks: tessel-bench).
 *===----------------------------------------------------------------------===*/
#ifndef TESSEL_ABI_H
#define TESSEL_ABI_H

#include <stdint.h>

#define TESSEL_ABI_VERSION 4

#ifdef __cplusplus
extern "C" {
#endif

/* Per-run context of tessel_model_run_v2 (layout fixed by the ABI: the hook
 * pointer at offset 0, user_data right after). */
typedef struct tessel_run_context {
  void (*kernel_hook)(void *user_data, int32_t kernel, int32_t is_end);
  void *user_data;
} tessel_run_context;

typedef void (*tessel_model_run_fn)(void **buffers, const tessel_run_context *context);
typedef void (*tessel_kernel_fn)(void **args);

#define TESSEL_SYMBOL_ABI_VERSION "tessel_abi_version"
#define TESSEL_SYMBOL_METADATA "tessel_model_metadata"
#define TESSEL_SYMBOL_METADATA_SIZE "tessel_model_metadata_size"
#define TESSEL_SYMBOL_RUN "tessel_model_run_v2"
#define TESSEL_SYMBOL_KERNELS "tessel_model_kernels"

#ifdef __cplusplus
}
#endif

#endif /* TESSEL_ABI_H */
