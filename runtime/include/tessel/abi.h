/*===- tessel/abi.h - The contract between compiled models and the runtime -===*
 *
 * Every compiled model (shared library, object or executable) exports these
 * symbols. The compiler emits them (codegen/BuildABIEntry.cpp); the runtime
 * reads them (runtime/src/model.c). Bump TESSEL_ABI_VERSION on any change.
 *
 * tessel_model_metadata is text, one record per line:
 *   tessel-abi <version>
 *   inputs <count>
 *   <dtype> <rank> <dim>... <name-length>:<name>     (one line per input)
 *   outputs <count>
 *   <dtype> <rank> <dim>... <name-length>:<name>     (one line per output)
 * dtype is the ONNX TensorProto.DataType number (1 = float, 7 = int64, ...).
 *
 * tessel_model_run_v1(buffers): buffers[0..inputs) point to the inputs,
 * buffers[inputs..inputs+outputs) to caller-allocated outputs, each dense,
 * row-major, with the element type and shape of the metadata. The function
 * keeps no state between calls and may run concurrently from many threads.
 *===----------------------------------------------------------------------===*/
#ifndef TESSEL_ABI_H
#define TESSEL_ABI_H

#include <stdint.h>

#define TESSEL_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*tessel_model_run_fn)(void **buffers);

#define TESSEL_SYMBOL_ABI_VERSION "tessel_abi_version"
#define TESSEL_SYMBOL_METADATA "tessel_model_metadata"
#define TESSEL_SYMBOL_METADATA_SIZE "tessel_model_metadata_size"
#define TESSEL_SYMBOL_RUN "tessel_model_run_v1"

#ifdef __cplusplus
}
#endif

#endif /* TESSEL_ABI_H */
