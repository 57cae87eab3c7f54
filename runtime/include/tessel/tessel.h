/*===- tessel/tessel.h - Tessel's C runtime API -----------------------------===*
 *
 * Load a compiled model, inspect its inputs and outputs, run it.
 *
 *   tessel_model *model;
 *   tessel_status *st = tessel_model_open("model.so", &model);
 *   if (st) { fprintf(stderr, "%s\n", tessel_status_message(st)); ... }
 *   tessel_session *session;
 *   tessel_session_options opts = {TESSEL_API_VERSION, 1};
 *   tessel_session_create(model, &opts, &session);
 *   tessel_session_run(session, inputs, input_sizes, outputs, output_sizes);
 *
 * Every call that can fail returns NULL on success or a tessel_status the
 * caller frees with tessel_status_free. A model is immutable once opened: any
 * number of sessions, on any threads, may use it at once. A session may also
 * be shared between threads; its runs do not share mutable state.
 *
 * For tools (tessel-bench): a compiled model is a sequence of kernels, one per
 * generated function, each mapped back to the ONNX nodes it computes. They can
 * be listed (tessel_model_kernel_info), run alone on caller buffers
 * (tessel_model_run_kernel), and timed inside a real run
 * (tessel_session_run_profiled).
 *===----------------------------------------------------------------------===*/
#ifndef TESSEL_TESSEL_H
#define TESSEL_TESSEL_H

#include <stddef.h>
#include <stdint.h>

#define TESSEL_API_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TESSEL_OK = 0,
  TESSEL_INVALID_ARGUMENT = 1,
  TESSEL_IO_ERROR = 2,
  TESSEL_ABI_MISMATCH = 3,
  TESSEL_OUT_OF_MEMORY = 4,
} tessel_status_code;

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum {
  TESSEL_FLOAT32 = 1,
  TESSEL_UINT8 = 2,
  TESSEL_INT8 = 3,
  TESSEL_INT16 = 5,
  TESSEL_INT32 = 6,
  TESSEL_INT64 = 7,
  TESSEL_BOOL = 9,
  TESSEL_FLOAT16 = 10,
  TESSEL_FLOAT64 = 11,
} tessel_dtype;

typedef struct tessel_status tessel_status;
typedef struct tessel_model tessel_model;
typedef struct tessel_session tessel_session;

typedef struct {
  const char *name;      /* the ONNX graph input/output name */
  tessel_dtype dtype;
  int32_t rank;
  const int64_t *shape;  /* rank entries, owned by the model */
  int64_t num_elements;
  size_t byte_size;      /* num_elements * element size */
} tessel_tensor_info;

typedef struct {
  int32_t api_version; /* TESSEL_API_VERSION */
  /* Threads of the parallel kernel loops, the caller's included; 0: one per
   * core. The workers are pinned to CPUs other than the caller's, unless
   * TESSEL_PIN_THREADS=0 or OMP_PROC_BIND, OMP_PLACES, KMP_AFFINITY or
   * GOMP_CPU_AFFINITY is set (runtime/src/threads.c). */
  int32_t num_threads;
} tessel_session_options;

/* --- Status ------------------------------------------------------------- */
tessel_status_code tessel_status_get_code(const tessel_status *status);
const char *tessel_status_message(const tessel_status *status);
void tessel_status_free(tessel_status *status);

/* --- Models ------------------------------------------------------------- */
/* Opens a compiled model shared library (tessel-compile -o model.so). */
tessel_status *tessel_model_open(const char *path, tessel_model **model);
void tessel_model_close(tessel_model *model);
int32_t tessel_model_num_inputs(const tessel_model *model);
int32_t tessel_model_num_outputs(const tessel_model *model);
tessel_status *tessel_model_input_info(const tessel_model *model, int32_t index,
                                       tessel_tensor_info *info);
tessel_status *tessel_model_output_info(const tessel_model *model, int32_t index,
                                        tessel_tensor_info *info);
size_t tessel_dtype_size(tessel_dtype dtype);

/* --- Sessions ----------------------------------------------------------- */
tessel_status *tessel_session_create(const tessel_model *model,
                                     const tessel_session_options *options,
                                     tessel_session **session);
void tessel_session_destroy(tessel_session *session);
/* Runs the model. inputs[i] holds input i (input_sizes[i] bytes, which must
 * equal its byte_size); outputs[i] receives output i (output_sizes[i] bytes at
 * least its byte_size). Inputs are not modified. Output buffers may not
 * overlap an input or each other (the model writes each output in place,
 * possibly before it has read every input): such runs are refused. */
tessel_status *tessel_session_run(tessel_session *session, const void *const *inputs,
                                  const size_t *input_sizes, void *const *outputs,
                                  const size_t *output_sizes);

/* A tensor as the caller describes it to tessel_session_run_tensors. */
typedef struct {
  tessel_dtype dtype;
  int32_t rank;
  const int64_t *shape; /* rank entries */
  void *data;           /* inputs are only read */
  size_t byte_size;     /* bytes at data */
} tessel_tensor;

/* Runs the model like tessel_session_run, after checking the caller's view of
 * every tensor against the model: the numbers of inputs and outputs, each
 * dtype, rank and shape, NULL data and byte sizes. A mismatch is a status
 * naming the tensor; nothing is read or written then. */
tessel_status *tessel_session_run_tensors(tessel_session *session,
                                          const tessel_tensor *inputs, int32_t num_inputs,
                                          const tessel_tensor *outputs, int32_t num_outputs);

/* --- Kernels (for benchmarking and profiling tools) ---------------------- */
typedef struct {
  const char *name;          /* the generated function, e.g. "k3_conv_layer1_0_conv1_Conv" */
  const char *op;            /* the tessel op it computes, e.g. "tessel.conv" */
  int32_t num_nodes;
  const char *const *nodes;  /* the ONNX node names it covers */
  int64_t flops;             /* arithmetic operations per call, from static shapes */
  int64_t bytes;             /* bytes of its inputs and outputs */
  int32_t num_inputs, num_outputs;
} tessel_kernel_info;

int32_t tessel_model_num_kernels(const tessel_model *model);
tessel_status *tessel_model_kernel_info(const tessel_model *model, int32_t kernel,
                                        tessel_kernel_info *info);
/* Argument `arg` of a kernel: inputs first, then outputs. Names are "in<i>" / "out<i>". */
tessel_status *tessel_model_kernel_arg_info(const tessel_model *model, int32_t kernel,
                                            int32_t arg, tessel_tensor_info *info);
/* Runs one kernel alone: args[i] points to argument i (arg_sizes[i] bytes, at
 * least its byte_size). Reads only the inputs, writes only the outputs. */
tessel_status *tessel_model_run_kernel(const tessel_model *model, int32_t kernel,
                                       void *const *args, const size_t *arg_sizes);

/* Called on the running thread right before (is_end = 0) and after (is_end =
 * 1) each kernel of a run. */
typedef void (*tessel_kernel_hook)(void *user_data, int32_t kernel, int32_t is_end);
/* tessel_session_run, calling `hook` around every kernel (NULL: no hook). */
tessel_status *tessel_session_run_profiled(tessel_session *session, const void *const *inputs,
                                           const size_t *input_sizes, void *const *outputs,
                                           const size_t *output_sizes, tessel_kernel_hook hook,
                                           void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* TESSEL_TESSEL_H */
