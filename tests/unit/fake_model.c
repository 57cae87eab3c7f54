/*===- fake_model.c - Shared libraries that are not valid compiled models ---===*
 *
 * Built several times with a different FAKE_KIND, for the runtime's error
 * paths (tessel_model_open must refuse each one with a clear status):
 *   FAKE_NOT_A_MODEL       no Tessel symbols at all
 *   FAKE_ABI_MISMATCH      tessel_abi_version = 99
 *   FAKE_BAD_METADATA      right version, metadata that does not parse
 *   FAKE_NO_METADATA       every symbol but tessel_model_metadata
 *   FAKE_GOOD              a valid one-input identity "model" written by hand
 *   FAKE_NO_TENSORS        valid metadata for no inputs and no outputs
 *===----------------------------------------------------------------------===*/
#include "tessel/abi.h"

#include <stdint.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define ABI "tessel-abi " STR(TESSEL_ABI_VERSION) "\n"

#define FAKE_NOT_A_MODEL 1
#define FAKE_ABI_MISMATCH 2
#define FAKE_BAD_METADATA 3
#define FAKE_NO_METADATA 4
#define FAKE_GOOD 5
#define FAKE_NO_TENSORS 6

#ifndef FAKE_KIND
#error "FAKE_KIND must be set"
#endif

#if FAKE_KIND == FAKE_NOT_A_MODEL
int tessel_fake_unrelated_function(int x) { return x + 1; }
#else

#if FAKE_KIND == FAKE_ABI_MISMATCH
const uint32_t tessel_abi_version = 99;
#else
const uint32_t tessel_abi_version = TESSEL_ABI_VERSION;
#endif

#if FAKE_KIND == FAKE_BAD_METADATA
const char tessel_model_metadata[] = ABI "inputs two\n";
#elif FAKE_KIND == FAKE_NO_TENSORS
const char tessel_model_metadata[] = ABI "inputs 0\noutputs 0\nkernels 0\n";
#else
/* One float input 'in' [4], one float output 'out' [4]. */
#define METADATA ABI "inputs 1\n1 1 4 2:in\noutputs 1\n1 1 4 3:out\nkernels 0\n"
#if FAKE_KIND != FAKE_NO_METADATA
const char tessel_model_metadata[] = METADATA;
#endif
#endif

#if FAKE_KIND == FAKE_NO_METADATA
const uint64_t tessel_model_metadata_size = sizeof(METADATA) - 1;
#else
const uint64_t tessel_model_metadata_size = sizeof(tessel_model_metadata) - 1;
#endif

const tessel_kernel_fn tessel_model_kernels[1] = {0}; /* no kernels */

#if FAKE_KIND == FAKE_NO_TENSORS
void tessel_model_run_v3(void **buffers, const int64_t *dims, const tessel_run_context *context) {
  (void)buffers;
  (void)dims;
  (void)context;
}
#else
void tessel_model_run_v3(void **buffers, const int64_t *dims, const tessel_run_context *context) {
  (void)dims;
  (void)context;
  memcpy(buffers[1], buffers[0], 4 * sizeof(float));
}
#endif
#endif
