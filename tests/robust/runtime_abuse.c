/*===- runtime_abuse.c - The C runtime API under misuse -------------------===*
 *
 *   tessel-runtime-abuse MODEL.so SCRATCH_DIR OTHER.so DYNAMIC.so
 *
 * MODEL.so is tests/robust/runtime_api.py's model: y = x + b, x float32 [2,3],
 * b float32 [3], y float32 [2,3]. Every misuse below must give a status with
 * a message (never a crash, never a write past a buffer), and the same
 * session must still give the right answer afterwards. DYNAMIC.so is
 * z = x + y compiled with --dynamic, x and y float32 [?, 4] (unnamed: only
 * the model's shape checks say that their rows must agree), z [?, 4]: its
 * run-time shape checks are fuzzed.
 *===----------------------------------------------------------------------===*/
#include "tessel/tessel.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

/* Expects a failing status whose message contains `word`; frees it. */
static void expect_error(const char *what, tessel_status *st, const char *word) {
  if (!st) {
    printf("FAIL %s: succeeded\n", what);
    ++failed;
    return;
  }
  const char *msg = tessel_status_message(st);
  if (tessel_status_get_code(st) == TESSEL_OK || !msg || !*msg || !strstr(msg, word)) {
    printf("FAIL %s: message '%s' lacks '%s'\n", what, msg ? msg : "(null)", word);
    ++failed;
  } else {
    printf("PASS %s: %s\n", what, msg);
    ++passed;
  }
  tessel_status_free(st);
}

static void expect_true(const char *what, int ok) {
  printf("%s %s\n", ok ? "PASS" : "FAIL", what);
  ok ? ++passed : ++failed;
}

#define GUARD 64
static const unsigned char kCanary = 0xA5;

/* An output buffer of `size` bytes followed by GUARD canary bytes. */
static unsigned char *guarded(size_t size) {
  unsigned char *p = malloc(size + GUARD);
  memset(p, 0, size);
  memset(p + size, kCanary, GUARD);
  return p;
}
static int guard_intact(const unsigned char *p, size_t size) {
  for (size_t i = 0; i < GUARD; ++i)
    if (p[size + i] != kCanary)
      return 0;
  return 1;
}

static int output_right(const float *y, const float *x, const float *b) {
  for (int i = 0; i < 6; ++i)
    if (y[i] != x[i] + b[i % 3])
      return 0;
  return 1;
}

/* Random shapes for the dynamic model (ranks, sizes negative, zero, huge,
 * rows that disagree, byte counts, allocation requests): a run either is
 * refused with TESSEL_INVALID_ARGUMENT before anything is written or
 * allocated, or the shapes were right and it computes x + y at them.
 * Deterministic (fixed seed) so a failure reproduces. */
static void fuzz_dynamic_shapes(const char *path) {
  enum { kMaxRows = 9 };
  tessel_model *model = NULL;
  tessel_session *session = NULL;
  tessel_status *st = tessel_model_open(path, &model);
  if (!st)
    st = tessel_session_create(model, NULL, &session);
  if (st) {
    printf("FAIL cannot open %s: %s\n", path, tessel_status_message(st));
    ++failed;
    tessel_status_free(st);
    tessel_model_close(model);
    return;
  }
  tessel_tensor_info info = {.struct_size = sizeof info};
  st = tessel_model_input_info(model, 0, &info);
  expect_true("dynamic model: input 0 reports -1 for its dynamic dimension",
              !st && info.rank == 2 && info.shape[0] == -1 && info.shape[1] == 4 &&
                  info.num_elements == -1);
  tessel_status_free(st);
  float x[kMaxRows * 4], y[kMaxRows * 4];
  for (int i = 0; i < kMaxRows * 4; ++i) {
    x[i] = (float)i;
    y[i] = (float)(100 - 3 * i);
  }
  size_t zsize = sizeof(float) * kMaxRows * 4;
  unsigned char *z = guarded(zsize);
  uint64_t seed = 0xd1a5e5;
  int refused = 0, ran = 0, wrong = 0;
  for (int trial = 0; trial < 20000 && !wrong; ++trial) {
    int64_t shapes[3][3];
    int32_t ranks[3] = {2, 2, 2};
    int64_t rows = 0;
    for (int k = 0; k < 3; ++k) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      unsigned r = (unsigned)(seed >> 33);
      if (k == 0)
        rows = r % (kMaxRows + 1);
      shapes[k][0] = rows;
      shapes[k][1] = 4;
      shapes[k][2] = 1;
      /* Mostly right, so that each wrong field is often the only one. */
      switch ((r >> 4) % 10) {
      case 0: shapes[k][0] = (int64_t)((r >> 8) % 7) - 3; break;        /* rows -3..3 */
      case 1: shapes[k][1] = (int64_t)((r >> 8) % 6); break;            /* columns 0..5 */
      case 2: shapes[k][0] = INT64_MAX / ((r >> 8) % 3 + 1); break;     /* byte count overflows */
      case 3: ranks[k] = (int32_t)((r >> 8) % 4); break;                /* rank 0..3 */
      default: break;
      }
    }
    /* Right: both [n, 4] for one n that the buffers hold (the fuzz may give
     * both inputs the same other row count too). */
    rows = shapes[0][0];
    int good = rows >= 0 && rows <= kMaxRows;
    for (int k = 0; k < 2; ++k)
      good &= ranks[k] == 2 && shapes[k][1] == 4 && shapes[k][0] == rows;
    tessel_tensor in[2], out[1];
    float *data[2] = {x, y};
    for (int k = 0; k < 2; ++k) {
      int64_t count = 1;
      int valid = 1;
      for (int d = 0; d < ranks[k]; ++d) {
        valid &= shapes[k][d] >= 0 && shapes[k][d] <= kMaxRows * 4;
        count *= valid ? shapes[k][d] : 1;
      }
      /* The bytes the shape needs where it fits the buffer (else the
       * buffer's, which the runtime must find too small). */
      size_t bytes = valid && count <= kMaxRows * 4 ? (size_t)count * sizeof(float) : sizeof x;
      in[k] = (tessel_tensor){sizeof(tessel_tensor), TESSEL_FLOAT32, ranks[k], shapes[k],
                              data[k], bytes};
    }
    int64_t zshape[2] = {-7, -7};
    int allocate = (seed >> 20) % 4 == 0;
    out[0] = (tessel_tensor){sizeof(tessel_tensor), TESSEL_FLOAT32, 2, zshape,
                             allocate ? NULL : (void *)z, allocate ? 0 : zsize};
    memset(z, 0, zsize);
    st = tessel_session_run_tensors(session, in, 2, out, 1);
    int intact = guard_intact(z, zsize);
    if (st) {
      ++refused;
      const char *msg = tessel_status_message(st);
      if (good || !intact || tessel_status_get_code(st) != TESSEL_INVALID_ARGUMENT || !msg ||
          !*msg || (allocate && out[0].data) || zshape[0] != -7 || ((float *)z)[0] != 0)
        ++wrong;
    } else {
      ++ran;
      const float *result = allocate ? out[0].data : (const float *)z;
      if (!good || !intact || zshape[0] != rows || zshape[1] != 4 || !result)
        ++wrong;
      for (int64_t i = 0; !wrong && i < rows * 4; ++i)
        if (result[i] != x[i] + y[i])
          ++wrong;
      if (allocate)
        tessel_free(out[0].data);
    }
    if (wrong)
      printf("FAIL dynamic shape fuzz: trial %d (good=%d allocate=%d): %s\n", trial, good,
             allocate, st ? tessel_status_message(st) : "ran");
    tessel_status_free(st);
  }
  printf("dynamic shape fuzz: %d refused, %d ran\n", refused, ran);
  expect_true("dynamic shape fuzz: every bad shape refused untouched, every good one right",
              wrong == 0 && refused > 0 && ran > 0);
  /* The check's message names the node and both sizes. */
  int64_t xs[2] = {3, 4}, ys[2] = {5, 4}, zs[2];
  tessel_tensor in[2] = {{sizeof(tessel_tensor), TESSEL_FLOAT32, 2, xs, x, 3 * 4 * sizeof(float)},
                         {sizeof(tessel_tensor), TESSEL_FLOAT32, 2, ys, y, 5 * 4 * sizeof(float)}};
  tessel_tensor out[1] = {{sizeof(tessel_tensor), TESSEL_FLOAT32, 2, zs, z, zsize}};
  expect_error("dynamic model: rows that disagree",
               tessel_session_run_tensors(session, in, 2, out, 1),
               "node 'add': dimension 0 of operand 1 is 5, the other operands need 3");
  expect_error("dynamic model: the bare-buffer API needs shapes",
               tessel_session_run(session, (const void *const *)&in[0].data,
                                  &in[0].byte_size, (void *const *)&out[0].data,
                                  &out[0].byte_size),
               "dynamic dimensions");
  free(z);
  tessel_session_destroy(session);
  tessel_model_close(model);
}

/* Random values for the shape inputs of a model (x float [2,3,4]; r =
 * Reshape(x, shape), t = Tile(x, repeats), s = Resize(x, scales), nearest):
 * sizes negative, zero, huge, too many -1, scales NaN, infinite, tiny,
 * huge. A run is refused with TESSEL_INVALID_ARGUMENT before anything is
 * written, or every output has the shape ONNX gives and the right values.
 * Outputs are caller buffers (a huge size is refused, never allocated). */
static void fuzz_shape_inputs(const char *path) {
  enum { kRoom = 2048 };
  tessel_model *model = NULL;
  tessel_session *session = NULL;
  tessel_status *st = tessel_model_open(path, &model);
  if (!st)
    st = tessel_session_create(model, NULL, &session);
  if (st) {
    printf("FAIL cannot open %s: %s\n", path, tessel_status_message(st));
    ++failed;
    tessel_status_free(st);
    tessel_model_close(model);
    return;
  }
  tessel_tensor_info info = {.struct_size = sizeof info};
  st = tessel_model_input_info(model, 1, &info);
  expect_true("shape-input model: input 1 sets sizes", !st && info.sets_sizes == 1);
  tessel_status_free(st);
  float x[24];
  for (int i = 0; i < 24; ++i)
    x[i] = (float)i;
  const int64_t sizes[] = {-2, -1, 0, 1, 2, 3, 4, 6, 12, 24, INT64_MAX, INT64_MIN, 1LL << 40};
  const float scales[] = {0.5f, 1, 2, 1.5f, 0, -1, NAN, INFINITY, 1e30f, 1e-30f, 3.7f, 0.26f};
  unsigned char *out[3];
  for (int k = 0; k < 3; ++k)
    out[k] = guarded(kRoom * sizeof(float));
  uint64_t seed = 0x5eed;
  int refused = 0, ran = 0, wrong = 0;
  for (int trial = 0; trial < 6000 && !wrong; ++trial) {
    int64_t shape[3], repeats[3];
    float scale[3];
    for (int d = 0; d < 3; ++d) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      unsigned r = (unsigned)(seed >> 33);
      /* Mostly small, so that runs also succeed. */
      shape[d] = r % 4 ? (int64_t)(r >> 4) % 5 - 1 : sizes[(r >> 4) % 13];
      repeats[d] = r % 5 ? (int64_t)(r >> 8) % 3 : sizes[(r >> 8) % 13];
      scale[d] = r % 3 ? (float)((r >> 12) % 5) * 0.5f : scales[(r >> 12) % 12];
    }
    int64_t xs[3] = {2, 3, 4}, one[1] = {3}, shapes[3][3] = {{-7, -7, -7}, {-7}, {-7}};
    tessel_tensor in[4] = {
        {sizeof(tessel_tensor), TESSEL_FLOAT32, 3, xs, x, sizeof x},
        {sizeof(tessel_tensor), TESSEL_INT64, 1, one, shape, sizeof shape},
        {sizeof(tessel_tensor), TESSEL_INT64, 1, one, repeats, sizeof repeats},
        {sizeof(tessel_tensor), TESSEL_FLOAT32, 1, one, scale, sizeof scale}};
    tessel_tensor o[3];
    for (int k = 0; k < 3; ++k) {
      memset(out[k], 0, kRoom * sizeof(float));
      o[k] = (tessel_tensor){sizeof(tessel_tensor), TESSEL_FLOAT32, 3, shapes[k], out[k],
                             kRoom * sizeof(float)};
    }
    st = tessel_session_run_tensors(session, in, 4, o, 3);
    int intact = guard_intact(out[0], kRoom * sizeof(float)) &&
                 guard_intact(out[1], kRoom * sizeof(float)) &&
                 guard_intact(out[2], kRoom * sizeof(float));
    if (st) {
      ++refused;
      const char *msg = tessel_status_message(st);
      if (!intact || tessel_status_get_code(st) != TESSEL_INVALID_ARGUMENT || !msg || !*msg ||
          ((float *)out[1])[1] != 0)
        ++wrong;
    } else {
      ++ran;
      const float *r = (const float *)out[0], *t = (const float *)out[1],
                  *z = (const float *)out[2];
      /* Reshape: 24 elements in order (0 copies, one -1 inferred). */
      int64_t count = 1;
      for (int d = 0; d < 3; ++d)
        count *= shapes[0][d];
      wrong += !intact || count != 24;
      for (int i = 0; !wrong && i < 24; ++i)
        wrong += r[i] != x[i];
      /* Tile: dims times repeats, element i from x[i mod dims]. */
      int64_t n = 1;
      for (int d = 0; d < 3; ++d) {
        int64_t size;
        wrong += __builtin_mul_overflow(xs[d], repeats[d], &size) || shapes[1][d] != size;
        n *= shapes[1][d];
      }
      for (int64_t i = 0; !wrong && i < n; ++i) {
        int64_t c2 = i % shapes[1][2], c1 = i / shapes[1][2] % shapes[1][1],
                c0 = i / shapes[1][2] / shapes[1][1];
        wrong += t[i] != x[(c0 % 2) * 12 + (c1 % 3) * 4 + c2 % 4];
      }
      /* Resize: floor(scale x size) along each axis, each element one of x's. */
      int64_t m = 1;
      for (int d = 0; d < 3; ++d) {
        double size = floor((double)scale[d] * (double)xs[d]); /* kept in [0, 2^62] */
        wrong += shapes[2][d] != (int64_t)(size < 0 ? 0 : size > 0x1p62 ? 0x1p62 : size);
        m *= shapes[2][d];
      }
      for (int64_t i = 0; !wrong && i < m; ++i)
        wrong += !(z[i] >= 0 && z[i] <= 23 && z[i] == floorf(z[i]));
    }
    if (wrong)
      printf("FAIL shape-input fuzz: trial %d, shape [%lld,%lld,%lld] repeats [%lld,%lld,%lld] "
             "scales [%g,%g,%g]: %s\n",
             trial, (long long)shape[0], (long long)shape[1], (long long)shape[2],
             (long long)repeats[0], (long long)repeats[1], (long long)repeats[2], scale[0],
             scale[1], scale[2], st ? tessel_status_message(st) : "ran");
    tessel_status_free(st);
  }
  printf("shape-input fuzz: %d refused, %d ran\n", refused, ran);
  expect_true("shape-input fuzz: every bad value refused untouched, every good one right",
              wrong == 0 && refused > 0 && ran > 0);
  for (int k = 0; k < 3; ++k)
    free(out[k]);
  tessel_session_destroy(session);
  tessel_model_close(model);
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: tessel-runtime-abuse MODEL.so SCRATCH_DIR OTHER.so DYNAMIC.so "
                    "SHAPE_INPUTS.so\n");
    return 2;
  }
  tessel_model *model = NULL;
  tessel_session *session = NULL;
  tessel_tensor_info info = {.struct_size = sizeof info};

  /* --- Opening models ---------------------------------------------------- */
  expect_error("open: NULL path", tessel_model_open(NULL, &model), "NULL");
  expect_error("open: NULL model pointer", tessel_model_open(argv[1], NULL), "NULL");
  expect_error("open: missing file", tessel_model_open("/nonexistent/model.so", &model),
               "cannot load");
  expect_true("open: failure leaves the model pointer NULL", model == NULL);
  char junk[4096];
  snprintf(junk, sizeof(junk), "%s/junk.so", argv[2]);
  FILE *f = fopen(junk, "wb");
  fputs("not an ELF file at all", f);
  fclose(f);
  /* Checked before dlopen, which would crash on some truncated ELF files. */
  expect_error("open: a file that is not a library", tessel_model_open(junk, &model),
               "not a 64-bit ELF shared library");
  expect_error("open: a library that is not a Tessel model",
               tessel_model_open(argv[3], &model), "not a Tessel compiled model");
  expect_error("open: a bare name is not searched for on the library path",
               tessel_model_open("libm.so.6", &model), "cannot load");

  /* --- A NULL model to every function ------------------------------------ */
  expect_true("num_inputs(NULL) is 0", tessel_model_num_inputs(NULL) == 0);
  expect_true("num_outputs(NULL) is 0", tessel_model_num_outputs(NULL) == 0);
  expect_error("input_info(NULL)", tessel_model_input_info(NULL, 0, &info), "NULL");
  expect_error("output_info(NULL)", tessel_model_output_info(NULL, 0, &info), "NULL");
  expect_error("session_create(NULL)", tessel_session_create(NULL, NULL, &session), "NULL");
  tessel_model_close(NULL);
  tessel_session_destroy(NULL);
  tessel_status_free(NULL);
  expect_true("NULL status reads as ok",
              tessel_status_get_code(NULL) == TESSEL_OK && strcmp(tessel_status_message(NULL), "ok") == 0);
  expect_true("dtype_size of an unknown dtype is 0", tessel_dtype_size((tessel_dtype)99) == 0);

  tessel_status *st = tessel_model_open(argv[1], &model);
  if (st) {
    printf("FAIL cannot open %s: %s\n", argv[1], tessel_status_message(st));
    return 1;
  }
  expect_true("the model has 2 inputs and 1 output",
              tessel_model_num_inputs(model) == 2 && tessel_model_num_outputs(model) == 1);
  expect_error("input_info: index -1", tessel_model_input_info(model, -1, &info), "out of range");
  expect_error("input_info: index 2", tessel_model_input_info(model, 2, &info), "out of range");
  expect_error("output_info: index 1", tessel_model_output_info(model, 1, &info), "out of range");
  expect_error("input_info: NULL info", tessel_model_input_info(model, 0, NULL), "NULL");

  /* --- Sessions ---------------------------------------------------------- */
  const size_t os = sizeof(tessel_session_options);
  tessel_session_options bad_version = {99, 1, os}, bad_threads = {TESSEL_API_VERSION, -1, os};
  expect_error("session_create: API version 99",
               tessel_session_create(model, &bad_version, &session), "API version");
  /* A program built against API 1 passed {1, threads}: refused by version,
   * before the (absent) struct_size is read. */
  int32_t v1_options[2] = {1, 1};
  expect_error("session_create: API 1 options",
               tessel_session_create(model, (const tessel_session_options *)(void *)v1_options,
                                     &session),
               "API version 1");
  tessel_session_options small = {TESSEL_API_VERSION, 1, 4};
  expect_error("session_create: struct_size too small",
               tessel_session_create(model, &small, &session), "struct_size is 4");
  tessel_tensor_info small_info = {.struct_size = 4};
  expect_error("input_info: struct_size too small",
               tessel_model_input_info(model, 0, &small_info), "struct_size is 4");
  expect_error("session_create: -1 threads",
               tessel_session_create(model, &bad_threads, &session), "num_threads");
  expect_error("session_create: NULL session pointer",
               tessel_session_create(model, NULL, NULL), "NULL");
  tessel_session_options opts = {TESSEL_API_VERSION, 1, sizeof(tessel_session_options)};
  st = tessel_session_create(model, &opts, &session);
  expect_true("session_create succeeds", st == NULL);
  if (st)
    return 1;

  /* --- tessel_session_run with bad arguments ----------------------------- */
  float x[6] = {1, 2, 3, 4, 5, 6}, b[3] = {10, 20, 30};
  const size_t ysize = sizeof(float) * 6;
  unsigned char *y = guarded(ysize);
  const void *in[2] = {x, b};
  size_t in_sizes[2] = {sizeof(x), sizeof(b)};
  void *out[1] = {y};
  size_t out_sizes[1] = {ysize};

  expect_error("run: NULL session", tessel_session_run(NULL, in, in_sizes, out, out_sizes),
               "NULL");
  expect_error("run: NULL inputs", tessel_session_run(session, NULL, in_sizes, out, out_sizes),
               "NULL");
  expect_error("run: NULL input sizes", tessel_session_run(session, in, NULL, out, out_sizes),
               "NULL");
  expect_error("run: NULL outputs", tessel_session_run(session, in, in_sizes, NULL, out_sizes),
               "NULL");
  const void *in_null[2] = {x, NULL};
  expect_error("run: NULL input buffer",
               tessel_session_run(session, in_null, in_sizes, out, out_sizes), "is NULL");
  size_t small_in[2] = {sizeof(x) - 4, sizeof(b)};
  expect_error("run: input buffer too small",
               tessel_session_run(session, in, small_in, out, out_sizes), "expected 24");
  size_t big_in[2] = {sizeof(x), sizeof(b) + 4};
  expect_error("run: input buffer of the wrong size",
               tessel_session_run(session, in, big_in, out, out_sizes), "expected 12");
  size_t small_out[1] = {ysize - 1};
  expect_error("run: output buffer too small",
               tessel_session_run(session, in, in_sizes, out, small_out), "needs 24");
  void *out_null[1] = {NULL};
  expect_error("run: NULL output buffer",
               tessel_session_run(session, in, in_sizes, out_null, out_sizes), "is NULL");
  /* The output written in place over an input (x itself, or a buffer
   * starting inside x's last element): refused, x left as it was. */
  float x_and_y[6 + 6] = {1, 2, 3, 4, 5, 6};
  const void *in_shared[2] = {x_and_y, b};
  void *out_on_x[1] = {x_and_y};
  expect_error("run: output buffer is an input buffer",
               tessel_session_run(session, in_shared, in_sizes, out_on_x, out_sizes),
               "overlaps input 0");
  void *out_in_x[1] = {(unsigned char *)x_and_y + sizeof(x) - 1};
  expect_error("run: output buffer starts inside an input",
               tessel_session_run(session, in_shared, in_sizes, out_in_x, out_sizes),
               "overlaps input 0");
  expect_true("refused runs left the input alone", x_and_y[0] == 1 && x_and_y[5] == 6);
  void *out_after_x[1] = {x_and_y + 6};
  st = tessel_session_run(session, in_shared, in_sizes, out_after_x, out_sizes);
  expect_true("an output right after an input's last byte is its own buffer",
              st == NULL && output_right(x_and_y + 6, x_and_y, b));
  tessel_status_free(st);
  expect_true("failed runs wrote nothing", guard_intact(y, ysize) && y[0] == 0);

  st = tessel_session_run(session, in, in_sizes, out, out_sizes);
  expect_true("the same session runs correctly after failures",
              st == NULL && output_right((const float *)y, x, b));
  tessel_status_free(st);
  expect_true("the run wrote nothing past the output", guard_intact(y, ysize));

  /* --- tessel_session_run_tensors: counts, dtypes, shapes ----------------- */
  int64_t xs[2] = {2, 3}, bs[1] = {3}, ys[2] = {2, 3}, wrong[2] = {3, 2};
  const size_t ts = sizeof(tessel_tensor);
  tessel_tensor tin[2] = {{ts, TESSEL_FLOAT32, 2, xs, x, sizeof(x)},
                          {ts, TESSEL_FLOAT32, 1, bs, b, sizeof(b)}};
  tessel_tensor tout[1] = {{ts, TESSEL_FLOAT32, 2, ys, y, ysize}};
  memset(y, 0, ysize);
  expect_error("run_tensors: NULL session", tessel_session_run_tensors(NULL, tin, 2, tout, 1),
               "NULL");
  expect_error("run_tensors: one input instead of two",
               tessel_session_run_tensors(session, tin, 1, tout, 1), "got 1 inputs");
  expect_error("run_tensors: three inputs", tessel_session_run_tensors(session, tin, 3, tout, 1),
               "got 3 inputs");
  expect_error("run_tensors: no outputs", tessel_session_run_tensors(session, tin, 2, tout, 0),
               "0 outputs");
  expect_error("run_tensors: NULL input array",
               tessel_session_run_tensors(session, NULL, 2, tout, 1), "NULL");
  tessel_tensor t = tin[0];
  tin[0].dtype = TESSEL_INT32;
  expect_error("run_tensors: wrong dtype", tessel_session_run_tensors(session, tin, 2, tout, 1),
               "dtype");
  tin[0] = t;
  tin[0].shape = wrong;
  expect_error("run_tensors: wrong shape (3x2 for 2x3)",
               tessel_session_run_tensors(session, tin, 2, tout, 1), "shape [3x2]");
  tin[0] = t;
  tin[0].rank = 1;
  expect_error("run_tensors: wrong rank", tessel_session_run_tensors(session, tin, 2, tout, 1),
               "rank 1");
  tin[0] = t;
  tin[0].shape = NULL;
  expect_error("run_tensors: NULL shape", tessel_session_run_tensors(session, tin, 2, tout, 1),
               "shape");
  tin[0] = t;
  tin[0].data = NULL;
  expect_error("run_tensors: NULL data", tessel_session_run_tensors(session, tin, 2, tout, 1),
               "is NULL");
  tin[0] = t;
  tout[0].byte_size = 8;
  expect_error("run_tensors: output too small",
               tessel_session_run_tensors(session, tin, 2, tout, 1), "needs 24");
  tout[0].byte_size = ysize;
  tout[0].dtype = TESSEL_FLOAT64;
  expect_error("run_tensors: wrong output dtype",
               tessel_session_run_tensors(session, tin, 2, tout, 1), "dtype");
  tout[0].dtype = TESSEL_FLOAT32;
  tin[1].struct_size = 8;
  expect_error("run_tensors: input struct_size of an older header",
               tessel_session_run_tensors(session, tin, 2, tout, 1), "struct_size is 8");
  tin[1].struct_size = ts;
  tout[0].rank = 3;
  expect_error("run_tensors: output shape room of the wrong rank",
               tessel_session_run_tensors(session, tin, 2, tout, 1), "rank-3");
  tout[0].rank = 2;
  expect_true("failed typed runs wrote nothing", guard_intact(y, ysize) && y[0] == 0);
  st = tessel_session_run_tensors(session, tin, 2, tout, 1);
  expect_true("run_tensors runs correctly after failures",
              st == NULL && output_right((const float *)y, x, b));
  tessel_status_free(st);
  expect_true("the typed run wrote nothing past the output", guard_intact(y, ysize));

  /* Output shapes: asked before a run, reported by a run; an output the run
   * allocates (data NULL, byte_size 0) comes back with its size. */
  int64_t got_shape[2] = {-7, -7};
  tessel_tensor query[1] = {{ts, TESSEL_FLOAT32, 2, got_shape, NULL, 0}};
  st = tessel_model_output_shapes(model, tin, 2, query, 1);
  expect_true("output_shapes reports the output's shape and bytes",
              st == NULL && got_shape[0] == 2 && got_shape[1] == 3 &&
                  query[0].byte_size == 24 && query[0].data == NULL);
  tessel_status_free(st);
  tin[0].shape = wrong;
  expect_error("output_shapes checks the inputs like a run",
               tessel_model_output_shapes(model, tin, 2, query, 1), "shape [3x2]");
  tin[0].shape = xs;
  expect_error("output_shapes: NULL model", tessel_model_output_shapes(NULL, tin, 2, query, 1),
               "NULL");
  got_shape[0] = got_shape[1] = -7;
  tessel_tensor owned[1] = {{ts, TESSEL_FLOAT32, 2, got_shape, NULL, 0}};
  st = tessel_session_run_tensors(session, tin, 2, owned, 1);
  expect_true("a runtime-allocated output comes back filled, sized and shaped",
              st == NULL && owned[0].data != NULL && owned[0].byte_size == 24 &&
                  ((uintptr_t)owned[0].data % 64) == 0 && got_shape[0] == 2 &&
                  got_shape[1] == 3 && output_right((const float *)owned[0].data, x, b));
  tessel_status_free(st);
  tessel_free(owned[0].data);
  tessel_tensor unsized[1] = {{ts, TESSEL_FLOAT32, 2, NULL, NULL, 0}};
  tin[0].shape = wrong;
  expect_error("a refused run allocates nothing",
               tessel_session_run_tensors(session, tin, 2, unsized, 1), "shape [3x2]");
  expect_true("... and leaves the output empty", unsized[0].data == NULL);
  tin[0].shape = xs;

  /* --- Run-time shape checks, fuzzed ------------------------------------
   * Random descriptions of the run's tensors (ranks, sizes, negative and
   * huge dimensions, byte counts, NULL shapes and data, struct sizes, dtypes,
   * allocation requests): a run either is refused with a status, before
   * anything is written or allocated, or it is the right run and computes the
   * right output. Deterministic (fixed seed) so a failure reproduces. */
  {
    uint64_t seed = 0x7e55e1;
    int refused = 0, ran = 0, wrong = 0;
    for (int trial = 0; trial < 20000; ++trial) {
      int64_t shapes[3][8];
      tessel_tensor fin[2] = {tin[0], tin[1]}, fout[1] = {tout[0]};
      tessel_tensor *all[3] = {&fin[0], &fin[1], &fout[0]};
      int64_t right[3][2] = {{2, 3}, {3, 0}, {2, 3}};
      int good = 1, allocate = 0;
      for (int k = 0; k < 3; ++k) {
        tessel_tensor *t = all[k];
        for (int d = 0; d < 8; ++d)
          shapes[k][d] = right[k][d < 2 ? d : 0];
        t->shape = shapes[k];
        /* Mostly right, so that each field is the only wrong one often. */
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(seed >> 33);
        switch (r % 12) {
        case 0: t->rank = (int32_t)(r >> 8) % 9 - 1; good &= t->rank == (k == 1 ? 1 : 2); break;
        case 1: shapes[k][(r >> 8) % 2] = (int64_t)((r >> 10) % 7) - 2; break;
        case 2: shapes[k][(r >> 8) % 2] = INT64_MAX / ((r >> 10) % 3 + 1); break;
        case 3: t->shape = NULL; good &= k == 2; break;
        case 4: t->byte_size = (r >> 8) % 64; break;
        case 5: t->data = NULL; break;
        case 6: t->struct_size = (r >> 8) % 64; good &= t->struct_size == sizeof(tessel_tensor); break;
        case 7: t->dtype = (tessel_dtype)((r >> 8) % 12); good &= t->dtype == TESSEL_FLOAT32; break;
        case 8:
          if (k == 2) {
            t->data = NULL;
            t->byte_size = 0;
            allocate = 1;
          }
          break;
        default: break;
        }
        if (k < 2 && t->shape && t->rank == (k == 1 ? 1 : 2))
          for (int d = 0; d < t->rank; ++d)
            good &= t->shape[d] == right[k][d];
        if (k < 2 && (!t->data || t->byte_size != (k ? sizeof(b) : sizeof(x))))
          good = 0;
        if (k == 2 && !allocate && (!t->data || t->byte_size < ysize))
          good = 0;
        if (k == 2 && t->shape && t->rank != 2)
          good = 0;
      }
      memset(y, 0, ysize);
      st = tessel_session_run_tensors(session, fin, 2, fout, 1);
      int intact = guard_intact(y, ysize);
      if (st) {
        ++refused;
        const char *msg = tessel_status_message(st);
        /* Refused: nothing written, nothing allocated, a message. */
        if (good || !intact || (fout[0].data != tout[0].data && fout[0].data != NULL) ||
            !msg || !*msg || (!allocate && y[0] != 0))
          ++wrong;
      } else {
        ++ran;
        const float *result = allocate ? fout[0].data : (const float *)y;
        if (!good || !intact || !result || !output_right(result, x, b))
          ++wrong;
        if (fout[0].shape && (fout[0].shape[0] != 2 || fout[0].shape[1] != 3))
          ++wrong;
        if (allocate)
          tessel_free(fout[0].data);
      }
      tessel_status_free(st);
      if (wrong) {
        printf("FAIL shape fuzz: trial %d (good=%d allocate=%d) went wrong\n", trial, good,
               allocate);
        break;
      }
    }
    printf("shape fuzz: %d refused, %d ran\n", refused, ran);
    expect_true("shape fuzz: every malformed run refused untouched, every good run right",
                wrong == 0 && refused > 0 && ran > 0);
  }

  /* Two sessions of one model, and closing in any order of sessions. */
  tessel_session *second = NULL;
  st = tessel_session_create(model, NULL, &second);
  memset(y, 0, ysize);
  if (!st)
    st = tessel_session_run(second, in, in_sizes, out, out_sizes);
  expect_true("a second session (default options) runs correctly",
              st == NULL && output_right((const float *)y, x, b));
  tessel_status_free(st);
  tessel_session_destroy(second);
  tessel_session_destroy(session);
  tessel_model_close(model);
  free(y);

  fuzz_dynamic_shapes(argv[4]);
  fuzz_shape_inputs(argv[5]);

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
