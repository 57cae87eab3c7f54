/*===- tessel/tessel.h - Tessel's C runtime API -----------------------------===*
 *
 * Load a compiled model, inspect its inputs and outputs, run it.
 *
 *   tessel_model *model;
 *   tessel_status *st = tessel_model_open("model.so", &model);
 *   if (st) { fprintf(stderr, "%s\n", tessel_status_message(st)); ... }
 *   tessel_session *session;
 *   tessel_session_options opts = TESSEL_SESSION_OPTIONS_INIT;
 *   opts.num_threads = 1;
 *   tessel_session_create(model, &opts, &session);
 *   tessel_session_run_tensors(session, inputs, num_inputs, outputs, num_outputs);
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

/* Version 2: structs carry their size (struct_size) so that they can grow;
 * tensor infos name their dimensions; runs through tessel_session_run_tensors
 * report output shapes and may let the runtime allocate outputs; a status
 * that cannot be allocated reads as TESSEL_OUT_OF_MEMORY, never as success. */
#define TESSEL_API_VERSION 2

/* Marks the functions of the API; the runtime's shared library exports only
 * these. */
#if defined(__GNUC__)
#define TESSEL_API __attribute__((visibility("default")))
#else
#define TESSEL_API
#endif

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

/* What a model says of one of its inputs or outputs. The caller sets
 * struct_size to sizeof(tessel_tensor_info) before asking; the runtime fills
 * the rest and refuses a struct_size smaller than version 2's. */
typedef struct {
  size_t struct_size;
  const char *name;      /* the ONNX graph input/output name */
  tessel_dtype dtype;
  int32_t rank;
  const int64_t *shape;  /* rank entries, owned by the model; -1: a dynamic
                          * dimension (tessel-compile --dynamic), any size the
                          * model's shape checks accept */
  /* rank entries: the ONNX dim_param each dimension was declared with ("batch"),
   * "" where it had none. A named dimension was fixed at compile time
   * (tessel-compile --dim / --input-shape): runs must pass that size. */
  const char *const *dim_names;
  int64_t num_elements;  /* -1 when a dimension is dynamic */
  size_t byte_size;      /* num_elements * element size; 0 when a dimension is dynamic */
  /* Added in API 2.1 (filled when struct_size leaves room for it): 1 for an
   * input whose values set sizes (a Reshape's shape fed as a graph input):
   * output shapes depend on its data, which tessel_model_output_shapes
   * reads. 0 otherwise, and for outputs. */
  int32_t sets_sizes;
} tessel_tensor_info;

typedef struct {
  int32_t api_version; /* TESSEL_API_VERSION: first, so that every version can be told */
  /* Threads of the parallel kernel loops, the caller's included; 0: one per
   * core. The workers are pinned to CPUs other than the caller's, unless
   * TESSEL_PIN_THREADS=0 or OMP_PROC_BIND, OMP_PLACES, KMP_AFFINITY or
   * GOMP_CPU_AFFINITY is set (runtime/src/threads.c). A run leaves the
   * calling thread's OpenMP thread count as it found it. */
  int32_t num_threads;
  size_t struct_size; /* sizeof(tessel_session_options) */
} tessel_session_options;

#define TESSEL_SESSION_OPTIONS_INIT {TESSEL_API_VERSION, 0, sizeof(tessel_session_options)}

/* --- Status ------------------------------------------------------------- */
/* A status that could not be allocated is a shared TESSEL_OUT_OF_MEMORY one
 * (freeing it is a no-op): a failure never reads as success. */
TESSEL_API tessel_status_code tessel_status_get_code(const tessel_status *status);
TESSEL_API const char *tessel_status_message(const tessel_status *status);
TESSEL_API void tessel_status_free(tessel_status *status);

/* --- Models ------------------------------------------------------------- */
/* Opens a compiled model shared library (tessel-compile -o model.so). A model
 * compiled for another ABI version is refused with TESSEL_ABI_MISMATCH. */
TESSEL_API tessel_status *tessel_model_open(const char *path, tessel_model **model);
TESSEL_API void tessel_model_close(tessel_model *model);
TESSEL_API int32_t tessel_model_num_inputs(const tessel_model *model);
TESSEL_API int32_t tessel_model_num_outputs(const tessel_model *model);
TESSEL_API tessel_status *tessel_model_input_info(const tessel_model *model, int32_t index,
                                                  tessel_tensor_info *info);
TESSEL_API tessel_status *tessel_model_output_info(const tessel_model *model, int32_t index,
                                                   tessel_tensor_info *info);
TESSEL_API size_t tessel_dtype_size(tessel_dtype dtype);
/* "float32", "int64", ... (ONNX's number in the enum, this name in messages). */
TESSEL_API const char *tessel_dtype_name(tessel_dtype dtype);

/* --- Sessions ----------------------------------------------------------- */
/* options may be NULL (one thread per core); options of another API version
 * are refused with TESSEL_ABI_MISMATCH. */
TESSEL_API tessel_status *tessel_session_create(const tessel_model *model,
                                                const tessel_session_options *options,
                                                tessel_session **session);
TESSEL_API void tessel_session_destroy(tessel_session *session);
/* Runs a model without dynamic dimensions on bare buffers (a model with
 * them is refused: its runs need shapes, tessel_session_run_tensors).
 * inputs[i] holds input i (input_sizes[i]
 * bytes, which must equal its byte_size); outputs[i] receives output i
 * (output_sizes[i] bytes at least its byte_size). Inputs are not modified.
 * Output buffers may not overlap an input or each other (the model writes
 * each output in place, possibly before it has read every input): such runs
 * are refused. */
TESSEL_API tessel_status *tessel_session_run(tessel_session *session, const void *const *inputs,
                                             const size_t *input_sizes, void *const *outputs,
                                             const size_t *output_sizes);

/* A tensor of a run, as the caller describes it. struct_size is
 * sizeof(tessel_tensor) in every element of an array. */
typedef struct {
  size_t struct_size;
  tessel_dtype dtype;
  int32_t rank;
  /* rank entries. An input's shape is read. An output's, when not NULL,
   * receives the output's shape (the caller sets rank to the output's rank,
   * from tessel_model_output_info). */
  int64_t *shape;
  /* An input's data is only read. An output's is written; an output with
   * data NULL and byte_size 0 is allocated by the run (64-byte aligned, freed
   * by the caller with tessel_free, even when it has no elements) and both
   * fields are set. A caller-provided zero-element output needs some non-NULL
   * pointer. */
  void *data;
  size_t byte_size; /* bytes at data */
} tessel_tensor;

/* Runs the model after checking the caller's view of every tensor against it:
 * the numbers of inputs and outputs, each struct_size, dtype, rank and shape
 * (a mismatch names the tensor, the dimension and its ONNX name), NULL data
 * and byte sizes. For dynamic dimensions: non-negative sizes, equal sizes for
 * equal dim names, byte counts that fit, and the model's shape checks (a
 * failing one names the ONNX node and both sizes); output shapes follow from
 * the inputs'. Nothing is written, and no output is allocated, unless every
 * check passes. */
TESSEL_API tessel_status *tessel_session_run_tensors(tessel_session *session,
                                                     const tessel_tensor *inputs,
                                                     int32_t num_inputs, tessel_tensor *outputs,
                                                     int32_t num_outputs);

/* The shapes the outputs of a run on `inputs` will have, checked as
 * tessel_session_run_tensors checks them: each outputs[i].shape (rank
 * entries) and byte_size are set; data is not touched. Inputs are read for
 * their shapes, and for their data where they set sizes
 * (tessel_tensor_info.sets_sizes): other inputs' data may be NULL. For
 * preallocating. */
TESSEL_API tessel_status *tessel_model_output_shapes(const tessel_model *model,
                                                     const tessel_tensor *inputs,
                                                     int32_t num_inputs, tessel_tensor *outputs,
                                                     int32_t num_outputs);

/* tessel_session_run_tensors, timing each kernel: kernel_ns[k] (one entry
 * per kernel, tessel_model_num_kernels) receives the nanoseconds kernel k
 * took in this run, on the calling thread's monotonic clock (0 for a kernel
 * that did not run). For profilers. */
TESSEL_API tessel_status *tessel_session_run_tensors_profiled(tessel_session *session,
                                                              const tessel_tensor *inputs,
                                                              int32_t num_inputs,
                                                              tessel_tensor *outputs,
                                                              int32_t num_outputs,
                                                              int64_t *kernel_ns);

/* Frees an output the runtime allocated (tessel_session_run_tensors). */
TESSEL_API void tessel_free(void *data);

/* --- Kernels (for benchmarking and profiling tools) ---------------------- */
typedef struct {
  size_t struct_size;        /* sizeof(tessel_kernel_info), set by the caller */
  const char *name;          /* the generated function, e.g. "k3_conv_layer1_0_conv1_Conv" */
  const char *op;            /* the tessel op it computes, e.g. "tessel.conv" */
  int32_t num_nodes;
  const char *const *nodes;  /* the ONNX node names it covers */
  int64_t flops;             /* arithmetic operations per call, from static shapes */
  int64_t bytes;             /* bytes of its inputs and outputs */
  int32_t num_inputs, num_outputs;
} tessel_kernel_info;

TESSEL_API int32_t tessel_model_num_kernels(const tessel_model *model);
TESSEL_API tessel_status *tessel_model_kernel_info(const tessel_model *model, int32_t kernel,
                                                   tessel_kernel_info *info);
/* Argument `arg` of a kernel: inputs first, then outputs. Names are "in<i>" / "out<i>". */
TESSEL_API tessel_status *tessel_model_kernel_arg_info(const tessel_model *model, int32_t kernel,
                                                       int32_t arg, tessel_tensor_info *info);
/* Runs one kernel alone: args[i] points to argument i (arg_sizes[i] bytes, at
 * least its byte_size). Reads only the inputs, writes only the outputs. A
 * kernel with dynamic dimensions is refused (time it inside a run). */
TESSEL_API tessel_status *tessel_model_run_kernel(const tessel_model *model, int32_t kernel,
                                                  void *const *args, const size_t *arg_sizes);

/* Called on the running thread right before (is_end = 0) and after (is_end =
 * 1) each kernel of a run. */
typedef void (*tessel_kernel_hook)(void *user_data, int32_t kernel, int32_t is_end);
/* tessel_session_run, calling `hook` around every kernel (NULL: no hook). */
TESSEL_API tessel_status *tessel_session_run_profiled(tessel_session *session,
                                                      const void *const *inputs,
                                                      const size_t *input_sizes,
                                                      void *const *outputs,
                                                      const size_t *output_sizes,
                                                      tessel_kernel_hook hook, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* TESSEL_TESSEL_H */
