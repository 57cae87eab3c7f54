/*===- internal.h - Runtime internals shared by model.c and the driver ---===*/
#ifndef TESSEL_RUNTIME_INTERNAL_H
#define TESSEL_RUNTIME_INTERNAL_H

#include "tessel/abi.h"
#include "tessel/tessel.h"

#ifdef __cplusplus
extern "C" {
#endif

tessel_status *tessel_make_status(tessel_status_code code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Builds a model from ABI symbols already in the process (an executable that
 * links its compiled model statically). */
tessel_status *tessel_model_from_symbols(uint32_t abi_version, const char *metadata,
                                         uint64_t metadata_size, tessel_model_run_fn run,
                                         tessel_model_shapes_fn shapes,
                                         const tessel_kernel_fn *kernels, tessel_model **model);

#ifdef __cplusplus
}
#endif

#endif
