/*===- tessel/compiler.h - Tessel's compiler as a C library ----------------===*
 *
 * tessel_compile() is tessel-compile as a function call (libtessel-compiler.so):
 * an ONNX model, from a file or from memory, to a shared library, object or
 * executable. The Python package calls it; C and C++ programs may too.
 *
 *   tessel_compile_options opts = TESSEL_COMPILE_OPTIONS_INIT;
 *   opts.output_path = "model.so";
 *   tessel_compile_result *r = tessel_compile("model.onnx", NULL, 0, NULL, &opts);
 *   if (tessel_compile_result_status(r) != TESSEL_COMPILE_OK)
 *     fprintf(stderr, "%s\n", tessel_compile_result_message(r));
 *   tessel_compile_result_free(r);
 *
 * Calls on different threads share no state. Options are the command line's
 * (tools/tessel-compile.cpp), typed.
 *===----------------------------------------------------------------------===*/
#ifndef TESSEL_COMPILER_H
#define TESSEL_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define TESSEL_COMPILER_API_VERSION 1

#if defined(__GNUC__)
#define TESSEL_COMPILER_API __attribute__((visibility("default")))
#else
#define TESSEL_COMPILER_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* --input-shape NAME=DIMS: graph input `name` compiled with this shape. */
typedef struct {
  const char *name;
  int32_t rank;
  const int64_t *dims; /* rank entries, each >= 0 */
} tessel_input_shape;

/* --dim SYMBOL=N: every input/output dimension named `symbol` has size N. */
typedef struct {
  const char *symbol;
  int64_t size; /* >= 0 */
} tessel_dim_size;

/* --bind-input NAME=FILE: graph input `name` fixed to the tensor in `file`
 * (.pb or .npy). */
typedef struct {
  const char *name;
  const char *file;
} tessel_bound_input;

typedef struct {
  size_t struct_size;  /* sizeof(tessel_compile_options) */
  int32_t api_version; /* TESSEL_COMPILER_API_VERSION */
  const char *output_path; /* .so shared library, .o object, other: executable */
  const char *emit;        /* "so", "obj", "exe"; NULL: from output_path's suffix */
  const char *target_cpu;  /* NULL or "": the host */
  const char *target_features;
  const char *tune_cpu;    /* NULL or "": target_cpu's */
  int32_t vector_bits;     /* 0: the tuning CPU's widest */
  int32_t opt_level;       /* LLVM's, 0-3 */
  int32_t fusion;          /* 0: no graph fusion (--no-fusion) */
  int32_t fusion_report;   /* nonzero: the log holds the fusion report */
  int32_t verbose;         /* nonzero: the log holds progress through the phases */
  int32_t num_input_shapes;
  const tessel_input_shape *input_shapes;
  int32_t num_dims;
  const tessel_dim_size *dims;
  int32_t num_bound_inputs;
  const tessel_bound_input *bound_inputs;
  /* Nonzero: dimensions that neither input_shapes nor dims fix stay dynamic
   * (tessel-compile --dynamic): one artifact for every size of them. (Added
   * after version 1's first struct: a smaller struct_size reads as 0.) */
  int32_t dynamic;
} tessel_compile_options;

#define TESSEL_COMPILE_OPTIONS_INIT                                                        \
  {sizeof(tessel_compile_options), TESSEL_COMPILER_API_VERSION, NULL, NULL, NULL, NULL,   \
   NULL, 0, 3, 1, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0}

typedef enum {
  TESSEL_COMPILE_OK = 0,
  TESSEL_COMPILE_REFUSED = 1,        /* the model or the options are wrong: see the message */
  TESSEL_COMPILE_INTERNAL_ERROR = 2, /* a compiler bug */
} tessel_compile_status;

typedef struct tessel_compile_result tessel_compile_result;

/* Compiles the model at model_path or, when model_bytes is not NULL, the
 * model_size bytes there (model_path then only names them in messages, and
 * external data resolves relative to base_dir; NULL refuses it). Never
 * returns NULL; free the result with tessel_compile_result_free. */
TESSEL_COMPILER_API tessel_compile_result *tessel_compile(const char *model_path,
                                                          const void *model_bytes,
                                                          size_t model_size,
                                                          const char *base_dir,
                                                          const tessel_compile_options *options);
TESSEL_COMPILER_API tessel_compile_status
tessel_compile_result_status(const tessel_compile_result *result);
/* One paragraph, as tessel-compile prints it after "error: " ("" on success). */
TESSEL_COMPILER_API const char *tessel_compile_result_message(const tessel_compile_result *result);
/* What the compile reported along the way: the fusion report, progress. */
TESSEL_COMPILER_API const char *tessel_compile_result_log(const tessel_compile_result *result);
TESSEL_COMPILER_API void tessel_compile_result_free(tessel_compile_result *result);

#ifdef __cplusplus
}
#endif

#endif /* TESSEL_COMPILER_H */
