/*===- driver_main.c - main() of executables built by tessel-compile -------===*
 *
 *   ./model INPUT0.npy INPUT1.npy ... [--output-dir DIR]
 *
 * Runs the statically linked model once on the given inputs (in the model's
 * input order) and prints every output; with --output-dir also saves each
 * output as DIR/<index>.npy.
 *===----------------------------------------------------------------------===*/
#include "internal.h"
#include "npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const uint32_t tessel_abi_version;
extern const char tessel_model_metadata[];
extern const uint64_t tessel_model_metadata_size;
extern const tessel_kernel_fn tessel_model_kernels[];
void tessel_model_run_v3(void **buffers, const int64_t *dims, const tessel_run_context *context);
/* Only models with dynamic dimensions, shape checks or shape inputs have a
 * shape function. */
int32_t tessel_model_shapes(const int64_t *input_dims, int64_t *output_dims,
                            int64_t *check_sizes, const uint8_t *shape_data)
    __attribute__((weak));

static void print_value(tessel_dtype dtype, const void *data, int64_t i) {
  switch (dtype) {
  case TESSEL_FLOAT32: printf("%g", ((const float *)data)[i]); break;
  case TESSEL_FLOAT64: printf("%g", ((const double *)data)[i]); break;
  case TESSEL_INT64: printf("%lld", (long long)((const int64_t *)data)[i]); break;
  case TESSEL_INT32: printf("%d", ((const int32_t *)data)[i]); break;
  case TESSEL_INT16: printf("%d", ((const int16_t *)data)[i]); break;
  case TESSEL_INT8: printf("%d", ((const int8_t *)data)[i]); break;
  case TESSEL_UINT8: printf("%u", ((const uint8_t *)data)[i]); break;
  case TESSEL_BOOL: printf("%s", ((const uint8_t *)data)[i] ? "true" : "false"); break;
  default: printf("?"); break;
  }
}

static int fail(tessel_status *st) {
  fprintf(stderr, "error: %s\n", tessel_status_message(st));
  tessel_status_free(st);
  return 1;
}

int main(int argc, char **argv) {
  const char *output_dir = NULL;
  const char **files = calloc((size_t)argc, sizeof(char *));
  int num_files = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--output-dir") && i + 1 < argc) {
      output_dir = argv[++i];
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: %s INPUT.npy... [--output-dir DIR]\n", argv[0]);
      return 0;
    } else {
      files[num_files++] = argv[i];
    }
  }
  tessel_model *model;
  tessel_status *st = tessel_model_from_symbols(tessel_abi_version, tessel_model_metadata,
                                                tessel_model_metadata_size, tessel_model_run_v3,
                                                tessel_model_shapes, tessel_model_kernels,
                                                &model);
  if (st)
    return fail(st);
  int32_t ni = tessel_model_num_inputs(model), no = tessel_model_num_outputs(model);
  if (num_files != ni) {
    fprintf(stderr, "error: the model takes %d input(s), %d file(s) given; inputs:\n", ni,
            num_files);
    for (int32_t i = 0; i < ni; ++i) {
      tessel_tensor_info info = {.struct_size = sizeof info};
      tessel_model_input_info(model, i, &info);
      fprintf(stderr, "  %d: %s, dtype %d, shape [", i, info.name, info.dtype);
      for (int32_t d = 0; d < info.rank; ++d)
        fprintf(stderr, "%s%lld", d ? "," : "", (long long)info.shape[d]);
      fprintf(stderr, "]\n");
    }
    return 1;
  }
  void **inputs = calloc((size_t)ni + 1, sizeof(void *));
  size_t *input_sizes = calloc((size_t)ni + 1, sizeof(size_t));
  void **outputs = calloc((size_t)no + 1, sizeof(void *));
  size_t *output_sizes = calloc((size_t)no + 1, sizeof(size_t));
  for (int32_t i = 0; i < ni; ++i) {
    tessel_tensor_info info = {.struct_size = sizeof info};
    tessel_model_input_info(model, i, &info);
    if ((st = tessel_npy_read(files[i], &info, &inputs[i])))
      return fail(st);
    input_sizes[i] = info.byte_size;
  }
  for (int32_t i = 0; i < no; ++i) {
    tessel_tensor_info info = {.struct_size = sizeof info};
    tessel_model_output_info(model, i, &info);
    outputs[i] = malloc(info.byte_size ? info.byte_size : 1);
    output_sizes[i] = info.byte_size;
  }
  tessel_session *session;
  tessel_session_options options = {TESSEL_API_VERSION, 1, sizeof(tessel_session_options)};
  if ((st = tessel_session_create(model, &options, &session)))
    return fail(st);
  if ((st = tessel_session_run(session, (const void *const *)inputs, input_sizes, outputs,
                               output_sizes)))
    return fail(st);
  for (int32_t i = 0; i < no; ++i) {
    tessel_tensor_info info = {.struct_size = sizeof info};
    tessel_model_output_info(model, i, &info);
    printf("output %d '%s' shape [", i, info.name);
    for (int32_t d = 0; d < info.rank; ++d)
      printf("%s%lld", d ? "," : "", (long long)info.shape[d]);
    printf("]:");
    int64_t shown = info.num_elements < 32 ? info.num_elements : 32;
    for (int64_t e = 0; e < shown; ++e) {
      printf(" ");
      print_value(info.dtype, outputs[i], e);
    }
    printf("%s\n", shown < info.num_elements ? " ..." : "");
    if (output_dir) {
      char path[4096];
      snprintf(path, sizeof path, "%s/output_%d.npy", output_dir, i);
      if ((st = tessel_npy_write(path, &info, outputs[i])))
        return fail(st);
    }
  }
  tessel_session_destroy(session);
  for (int32_t i = 0; i < ni; ++i)
    free(inputs[i]);
  for (int32_t i = 0; i < no; ++i)
    free(outputs[i]);
  free(inputs);
  free(outputs);
  free(input_sizes);
  free(output_sizes);
  free(files);
  tessel_model_close(model);
  return 0;
}
