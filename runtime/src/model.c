/*===- model.c - Loading compiled models, sessions, running ----------------===*/
#define _GNU_SOURCE
#include "internal.h"
#include "threads.h"

#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct tessel_status {
  tessel_status_code code;
  const char *message;
  char storage[];
};

/* Returned when a status itself cannot be allocated: NULL means success, so
 * an allocation failure while reporting must still read as a failure. */
static tessel_status out_of_memory_status = {TESSEL_OUT_OF_MEMORY,
                                             "out of memory (while reporting an error)"};

typedef struct {
  char *name;
  tessel_dtype dtype;
  int32_t rank;
  int64_t *shape;
  char **dim_names; /* rank entries ("" unnamed); NULL until the metadata is read */
  int64_t num_elements; /* -1 when a dimension is dynamic */
  size_t byte_size;     /* 0 when a dimension is dynamic */
  int32_t num_dynamic;  /* dimensions of size -1: the run's */
  unsigned char *bound; /* an input's value fixed at compile time, or NULL */
  int32_t shape_input;  /* its values set sizes: the shape function reads them */
} tensor_desc;

typedef struct {
  char *name, *op;
  char **nodes;
  int32_t num_nodes;
  int64_t flops, bytes;
  int32_t num_inputs, num_outputs;
  tensor_desc *args; /* inputs, then outputs */
} kernel_desc;

struct tessel_model {
  void *handle; /* dlopen handle, NULL for a statically linked model */
  tessel_model_run_fn run;
  /* The shape function (tessel/abi.h), NULL for a static model. */
  tessel_model_shapes_fn shapes;
  const tessel_kernel_fn *kernel_fns;
  /* The OpenMP runtime the model's parallel kernel loops run on (none found:
   * a model without parallel loops). */
  tessel_omp omp;
  int32_t num_inputs, num_outputs, num_kernels;
  tensor_desc *tensors; /* inputs, then outputs */
  kernel_desc *kernels;
  /* Dynamic dimensions of the inputs and of the outputs, and the messages
   * of the shape function's checks. */
  int32_t num_input_dims, num_output_dims, num_checks;
  char **checks;
  /* Bytes of the shape function's shape_data: every shape input's, each
   * rounded up to 8 (tessel/abi.h). */
  size_t shape_data_bytes;
};

struct tessel_session {
  const tessel_model *model;
  int32_t num_threads;
};

tessel_status *tessel_make_status(tessel_status_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (len < 0)
    len = 0;
  tessel_status *st = malloc(sizeof(tessel_status) + (size_t)len + 1);
  if (!st)
    return &out_of_memory_status;
  st->code = code;
  va_start(ap, fmt);
  vsnprintf(st->storage, (size_t)len + 1, fmt, ap);
  va_end(ap);
  st->message = st->storage;
  return st;
}

tessel_status_code tessel_status_get_code(const tessel_status *st) {
  return st ? st->code : TESSEL_OK;
}
const char *tessel_status_message(const tessel_status *st) { return st ? st->message : "ok"; }
void tessel_status_free(tessel_status *st) {
  if (st != &out_of_memory_status)
    free(st);
}

void tessel_free(void *data) { free(data); }

size_t tessel_dtype_size(tessel_dtype dtype) {
  switch (dtype) {
  case TESSEL_FLOAT32: case TESSEL_INT32: return 4;
  case TESSEL_UINT8: case TESSEL_INT8: case TESSEL_BOOL: return 1;
  case TESSEL_INT16: case TESSEL_FLOAT16: return 2;
  case TESSEL_INT64: case TESSEL_FLOAT64: return 8;
  }
  return 0;
}

const char *tessel_dtype_name(tessel_dtype dtype) {
  switch (dtype) {
  case TESSEL_FLOAT32: return "float32";
  case TESSEL_UINT8: return "uint8";
  case TESSEL_INT8: return "int8";
  case TESSEL_INT16: return "int16";
  case TESSEL_INT32: return "int32";
  case TESSEL_INT64: return "int64";
  case TESSEL_BOOL: return "bool";
  case TESSEL_FLOAT16: return "float16";
  case TESSEL_FLOAT64: return "float64";
  }
  return "an unsupported type";
}

static void free_tensors(tensor_desc *tensors, int32_t count) {
  if (!tensors)
    return;
  for (int32_t i = 0; i < count; ++i) {
    free(tensors[i].name);
    free(tensors[i].shape);
    free(tensors[i].bound);
    for (int32_t d = 0; tensors[i].dim_names && d < tensors[i].rank; ++d)
      free(tensors[i].dim_names[d]);
    free(tensors[i].dim_names);
  }
  free(tensors);
}

static void free_model(tessel_model *m) {
  if (!m)
    return;
  free_tensors(m->tensors, m->num_inputs + m->num_outputs);
  for (int32_t i = 0; m->checks && i < m->num_checks; ++i)
    free(m->checks[i]);
  free(m->checks);
  if (m->kernels) {
    for (int32_t k = 0; k < m->num_kernels; ++k) {
      kernel_desc *d = &m->kernels[k];
      free(d->name);
      free(d->op);
      for (int32_t i = 0; d->nodes && i < d->num_nodes; ++i)
        free(d->nodes[i]);
      free(d->nodes);
      free_tensors(d->args, d->num_inputs + d->num_outputs);
    }
    free(m->kernels);
  }
  if (m->handle)
    dlclose(m->handle);
  free(m);
}

/* --- Metadata parsing (format: tessel/abi.h) ----------------------------- */

static int default_dim_names(tensor_desc *tensors, int32_t count);

typedef struct {
  const char *p, *end;
} cursor;

static int read_int(cursor *c, int64_t *out) {
  while (c->p < c->end && *c->p == ' ')
    ++c->p;
  char buf[32];
  size_t n = 0;
  while (c->p < c->end && n < sizeof(buf) - 1 && (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')))
    buf[n++] = *c->p++;
  if (n == 0)
    return 0;
  buf[n] = 0;
  *out = strtoll(buf, NULL, 10);
  return 1;
}

static int read_word(cursor *c, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
    return 0;
  c->p += n;
  return 1;
}

static int skip_newline(cursor *c) {
  if (c->p < c->end && *c->p == '\n') {
    ++c->p;
    return 1;
  }
  return 0;
}

/* "<len>:<bytes>" into a malloc'ed, NUL-terminated string. */
static int read_counted(cursor *c, char **out) {
  int64_t len;
  if (!read_int(c, &len) || len < 0 || c->p >= c->end || *c->p != ':' ||
      c->end - c->p - 1 < len)
    return 0;
  ++c->p;
  *out = malloc((size_t)len + 1);
  if (!*out)
    return 0;
  memcpy(*out, c->p, (size_t)len);
  (*out)[len] = 0;
  c->p += len;
  return 1;
}

static int parse_tensor(cursor *c, tensor_desc *t) {
  int64_t dtype, rank;
  if (!read_int(c, &dtype) || !read_int(c, &rank) || rank < 0 || rank > 64)
    return 0;
  t->dtype = (tessel_dtype)dtype;
  t->rank = (int32_t)rank;
  t->shape = calloc((size_t)rank + 1, sizeof(int64_t));
  if (!t->shape || tessel_dtype_size(t->dtype) == 0)
    return 0;
  t->num_elements = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (!read_int(c, &t->shape[i]) || t->shape[i] < -1)
      return 0;
    if (t->shape[i] == -1) {
      ++t->num_dynamic;
      continue;
    }
    /* Element and byte counts must not wrap (a corrupt or hostile library). */
    if (t->shape[i] != 0 &&
        t->num_elements > INT64_MAX / (int64_t)tessel_dtype_size(t->dtype) / t->shape[i])
      return 0;
    t->num_elements *= t->shape[i];
  }
  t->byte_size = (size_t)t->num_elements * tessel_dtype_size(t->dtype);
  if (t->num_dynamic) {
    t->num_elements = -1;
    t->byte_size = 0;
  }
  return read_counted(c, &t->name) && skip_newline(c);
}

/* "kernel <flops> <bytes> <inputs> <outputs> <symbol> <op> <n> <node>..." then
 * one tensor line per argument (tessel/abi.h). */
static int parse_kernel(cursor *c, kernel_desc *k) {
  int64_t flops, bytes, ins, outs, nodes;
  if (!read_word(c, "kernel") || !read_int(c, &flops) || !read_int(c, &bytes) ||
      !read_int(c, &ins) || !read_int(c, &outs) || ins < 0 || outs < 0 || ins + outs > 4096)
    return 0;
  k->flops = flops;
  k->bytes = bytes;
  k->num_inputs = (int32_t)ins;
  k->num_outputs = (int32_t)outs;
  if (!read_counted(c, &k->name) || !read_counted(c, &k->op) || !read_int(c, &nodes) ||
      nodes < 0 || nodes > 100000)
    return 0;
  k->nodes = calloc((size_t)nodes + 1, sizeof(char *));
  if (!k->nodes)
    return 0;
  k->num_nodes = (int32_t)nodes;
  for (int64_t i = 0; i < nodes; ++i)
    if (!read_counted(c, &k->nodes[i]))
      return 0;
  if (!skip_newline(c))
    return 0;
  k->args = calloc((size_t)(ins + outs) + 1, sizeof(tensor_desc));
  if (!k->args)
    return 0;
  for (int64_t i = 0; i < ins + outs; ++i)
    if (!parse_tensor(c, &k->args[i]))
      return 0;
  return default_dim_names(k->args, (int32_t)(ins + outs));
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  return -1;
}

/* "<input index> <byte count> <hex bytes>": a bound input's value (tessel/abi.h).
 * The byte count must be the input's. */
static int parse_bound(cursor *c, tessel_model *m) {
  int64_t index, size;
  if (!read_int(c, &index) || index < 0 || index >= m->num_inputs || !read_int(c, &size))
    return 0;
  tensor_desc *t = &m->tensors[index];
  if (t->bound || size < 0 || (uint64_t)size != t->byte_size || c->p >= c->end || *c->p != ' ')
    return 0;
  ++c->p;
  if ((uint64_t)(c->end - c->p) / 2 < (uint64_t)size)
    return 0;
  t->bound = malloc((size_t)size + 1);
  if (!t->bound)
    return 0;
  for (int64_t i = 0; i < size; ++i) {
    int hi = hex_digit(c->p[2 * i]), lo = hex_digit(c->p[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return 0;
    t->bound[i] = (unsigned char)(hi << 4 | lo);
  }
  c->p += 2 * size;
  return skip_newline(c);
}

/* "<input index>": an input whose values set sizes (tessel/abi.h), in
 * increasing order. It has a static shape. */
static int parse_shape_input(cursor *c, tessel_model *m, int64_t *previous) {
  int64_t index;
  if (!read_int(c, &index) || index <= *previous || index >= m->num_inputs ||
      m->tensors[index].num_dynamic || m->tensors[index].bound)
    return 0;
  *previous = index;
  m->tensors[index].shape_input = 1;
  m->shape_data_bytes += (m->tensors[index].byte_size + 7) / 8 * 8;
  return skip_newline(c);
}

/* A tensor's array of rank dimension names, entries NULL. */
static int alloc_dim_names(tensor_desc *t) {
  t->dim_names = calloc((size_t)t->rank + 1, sizeof(char *));
  return t->dim_names != NULL;
}

/* "<tensor index> <len>:<name>...": the ONNX names of a model input's or
 * output's dimensions (tessel/abi.h). */
static int parse_dim_names(cursor *c, tessel_model *m) {
  int64_t index;
  if (!read_int(c, &index) || index < 0 || index >= m->num_inputs + m->num_outputs)
    return 0;
  tensor_desc *t = &m->tensors[index];
  if (t->dim_names || !alloc_dim_names(t))
    return 0;
  for (int32_t d = 0; d < t->rank; ++d) {
    if (c->p >= c->end || *c->p != ' ')
      return 0;
    ++c->p;
    if (!read_counted(c, &t->dim_names[d]))
      return 0;
  }
  return skip_newline(c);
}

/* Tensors the metadata names no dimension of get "" for each. */
static int default_dim_names(tensor_desc *tensors, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    tensor_desc *t = &tensors[i];
    if (t->dim_names)
      continue;
    if (!alloc_dim_names(t))
      return 0;
    for (int32_t d = 0; d < t->rank; ++d)
      if (!(t->dim_names[d] = calloc(1, 1)))
        return 0;
  }
  return 1;
}

static int parse_section(cursor *c, const char *section, int32_t *count) {
  int64_t n;
  if (!read_word(c, section) || !read_int(c, &n) || n < 0 || n > 100000 || !skip_newline(c))
    return 0;
  *count = (int32_t)n;
  return 1;
}

tessel_status *tessel_model_from_symbols(uint32_t abi_version, const char *metadata,
                                         uint64_t metadata_size, tessel_model_run_fn run,
                                         tessel_model_shapes_fn shapes,
                                         const tessel_kernel_fn *kernels, tessel_model **out) {
  if (!out)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "model output pointer is NULL");
  *out = NULL;
  if (abi_version != TESSEL_ABI_VERSION)
    return tessel_make_status(TESSEL_ABI_MISMATCH,
                              "the model was compiled for Tessel ABI %u, this runtime speaks %u",
                              abi_version, TESSEL_ABI_VERSION);
  tessel_model *m = calloc(1, sizeof(tessel_model));
  if (!m)
    return tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
  /* Statically linked (an executable): libomp is among the process's libraries. */
  tessel_omp_find(&m->omp, RTLD_DEFAULT);
  m->run = run;
  m->shapes = shapes;
  m->kernel_fns = kernels;
  cursor c = {metadata, metadata + metadata_size};
  int64_t version;
  int ok = read_word(&c, "tessel-abi") && read_int(&c, &version) && skip_newline(&c) &&
           version == TESSEL_ABI_VERSION && parse_section(&c, "inputs", &m->num_inputs);
  if (ok) {
    m->tensors = calloc((size_t)m->num_inputs + 1, sizeof(tensor_desc));
    ok = m->tensors != NULL;
    for (int32_t i = 0; ok && i < m->num_inputs; ++i)
      ok = parse_tensor(&c, &m->tensors[i]);
  }
  int32_t outputs = 0;
  ok = ok && parse_section(&c, "outputs", &outputs);
  if (ok) {
    /* +1: realloc to size 0 would free the array (then freed again below). */
    tensor_desc *grown =
        realloc(m->tensors, sizeof(tensor_desc) * ((size_t)m->num_inputs + (size_t)outputs + 1));
    ok = grown != NULL;
    if (ok) {
      m->tensors = grown;
      memset(m->tensors + m->num_inputs, 0, sizeof(tensor_desc) * (size_t)outputs);
      m->num_outputs = outputs;
      for (int32_t i = 0; ok && i < outputs; ++i)
        ok = parse_tensor(&c, &m->tensors[m->num_inputs + i]);
    }
  }
  /* Optional: the ONNX names of input and output dimensions. */
  if (ok && (size_t)(c.end - c.p) > 10 && memcmp(c.p, "dim_names ", 10) == 0) {
    int32_t num_named = 0;
    ok = parse_section(&c, "dim_names", &num_named) &&
         num_named <= m->num_inputs + m->num_outputs;
    for (int32_t i = 0; ok && i < num_named; ++i)
      ok = parse_dim_names(&c, m);
  }
  ok = ok && default_dim_names(m->tensors, m->num_inputs + m->num_outputs);
  /* Optional: inputs bound at compile time. */
  if (ok && (size_t)(c.end - c.p) > 6 && memcmp(c.p, "bound ", 6) == 0) {
    int32_t num_bound = 0;
    ok = parse_section(&c, "bound", &num_bound) && num_bound <= m->num_inputs;
    for (int32_t i = 0; ok && i < num_bound; ++i)
      ok = parse_bound(&c, m);
  }
  /* Optional: the messages of the shape function's checks. */
  if (ok && (size_t)(c.end - c.p) > 7 && memcmp(c.p, "checks ", 7) == 0) {
    int32_t num_checks = 0;
    ok = parse_section(&c, "checks", &num_checks);
    if (ok) {
      m->checks = calloc((size_t)num_checks + 1, sizeof(char *));
      ok = m->checks != NULL;
      if (ok)
        m->num_checks = num_checks;
    }
    for (int32_t i = 0; ok && i < num_checks; ++i)
      ok = read_counted(&c, &m->checks[i]) && skip_newline(&c);
  }
  /* Optional: the inputs whose values set sizes. */
  int32_t num_shape_inputs = 0;
  if (ok && (size_t)(c.end - c.p) > 13 && memcmp(c.p, "shape_inputs ", 13) == 0) {
    int64_t previous = -1;
    ok = parse_section(&c, "shape_inputs", &num_shape_inputs) &&
         num_shape_inputs <= m->num_inputs;
    for (int32_t i = 0; ok && i < num_shape_inputs; ++i)
      ok = parse_shape_input(&c, m, &previous);
  }
  for (int32_t i = 0; ok && i < m->num_inputs + m->num_outputs; ++i)
    *(i < m->num_inputs ? &m->num_input_dims : &m->num_output_dims) += m->tensors[i].num_dynamic;
  /* Dynamic sizes, shape checks and shape inputs need the shape function. */
  ok = ok && (m->num_input_dims + m->num_output_dims + m->num_checks + num_shape_inputs == 0 ||
              shapes != NULL);
  int32_t num_kernels = 0;
  ok = ok && parse_section(&c, "kernels", &num_kernels);
  if (ok) {
    m->kernels = calloc((size_t)num_kernels + 1, sizeof(kernel_desc));
    ok = m->kernels != NULL;
    if (ok)
      m->num_kernels = num_kernels;
    for (int32_t k = 0; ok && k < num_kernels; ++k)
      ok = parse_kernel(&c, &m->kernels[k]);
  }
  ok = ok && c.p == c.end && (num_kernels == 0 || kernels != NULL);
  if (!ok) {
    free_model(m);
    return tessel_make_status(TESSEL_ABI_MISMATCH, "the model's metadata is malformed");
  }
  *out = m;
  return NULL;
}

/* dlopen maps a shared library's segments straight from the file: a
 * truncated one faults (SIGBUS) on first touch instead of failing. So check
 * that the file is a 64-bit ELF shared object whose headers and loadable
 * segments lie inside it, and say what is wrong otherwise. */
static tessel_status *check_elf_file(const char *open_path, const char *path) {
  FILE *f = fopen(open_path, "rb");
  if (!f)
    return NULL; /* dlopen reports why it cannot open it. */
  tessel_status *st = NULL;
  Elf64_Ehdr eh;
  Elf64_Phdr ph;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    st = tessel_make_status(TESSEL_IO_ERROR, "cannot read '%s'", path);
    goto done;
  }
  if (fread(&eh, sizeof eh, 1, f) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_DYN) {
    st = tessel_make_status(TESSEL_IO_ERROR,
                            "cannot load compiled model '%s': not a 64-bit ELF shared library "
                            "(make one with tessel-compile MODEL.onnx -o MODEL.so)",
                            path);
    goto done;
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
      eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > (uint64_t)size ||
      (eh.e_shoff && eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize > (uint64_t)size)) {
    st = tessel_make_status(TESSEL_IO_ERROR,
                            "cannot load compiled model '%s': the file is truncated or corrupt "
                            "(its ELF headers extend past its %ld bytes)",
                            path, size);
    goto done;
  }
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    if (fseek(f, (long)(eh.e_phoff + (uint64_t)i * sizeof ph), SEEK_SET) != 0 ||
        fread(&ph, sizeof ph, 1, f) != 1) {
      st = tessel_make_status(TESSEL_IO_ERROR, "cannot read '%s'", path);
      goto done;
    }
    if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) &&
        ph.p_offset + ph.p_filesz > (uint64_t)size) {
      st = tessel_make_status(TESSEL_IO_ERROR,
                              "cannot load compiled model '%s': the file is truncated or corrupt "
                              "(segment %u ends at byte %llu, the file has %ld bytes)",
                              path, (unsigned)i,
                              (unsigned long long)(ph.p_offset + ph.p_filesz), size);
      goto done;
    }
  }
done:
  fclose(f);
  return st;
}

tessel_status *tessel_model_open(const char *path, tessel_model **out) {
  if (!path || !out)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "path or model output pointer is NULL");
  *out = NULL;
  /* A path without a slash would make dlopen search the library path. */
  char *resolved = NULL;
  if (!strchr(path, '/')) {
    resolved = malloc(strlen(path) + 3);
    if (!resolved)
      return tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
    strcpy(resolved, "./");
    strcat(resolved, path);
  }
  tessel_status *bad = check_elf_file(resolved ? resolved : path, path);
  if (bad) {
    free(resolved);
    return bad;
  }
  void *handle = dlopen(resolved ? resolved : path, RTLD_NOW | RTLD_LOCAL);
  free(resolved);
  if (!handle)
    return tessel_make_status(TESSEL_IO_ERROR, "cannot load compiled model '%s': %s", path,
                              dlerror());
  const uint32_t *version = dlsym(handle, TESSEL_SYMBOL_ABI_VERSION);
  const char *metadata = dlsym(handle, TESSEL_SYMBOL_METADATA);
  const uint64_t *size = dlsym(handle, TESSEL_SYMBOL_METADATA_SIZE);
  if (!version) {
    dlclose(handle);
    return tessel_make_status(TESSEL_ABI_MISMATCH,
                              "'%s' is not a Tessel compiled model (missing %s)", path,
                              TESSEL_SYMBOL_ABI_VERSION);
  }
  if (*version != TESSEL_ABI_VERSION) {
    uint32_t v = *version;
    dlclose(handle);
    return tessel_make_status(TESSEL_ABI_MISMATCH,
                              "'%s' was compiled for Tessel ABI %u, this runtime speaks %u; "
                              "recompile it with this tessel-compile",
                              path, v, TESSEL_ABI_VERSION);
  }
  void *run = dlsym(handle, TESSEL_SYMBOL_RUN);
  void *shapes = dlsym(handle, TESSEL_SYMBOL_SHAPES); /* dynamic models only */
  const tessel_kernel_fn *kernels = dlsym(handle, TESSEL_SYMBOL_KERNELS);
  if (!metadata || !size || !run || !kernels) {
    dlclose(handle);
    return tessel_make_status(TESSEL_ABI_MISMATCH,
                              "'%s' is not a Tessel compiled model (missing %s)", path,
                              !metadata ? TESSEL_SYMBOL_METADATA
                              : !size   ? TESSEL_SYMBOL_METADATA_SIZE
                              : !run    ? TESSEL_SYMBOL_RUN
                                        : TESSEL_SYMBOL_KERNELS);
  }
  tessel_model_run_fn fn;
  memcpy(&fn, &run, sizeof(fn));
  tessel_model_shapes_fn shapes_fn = NULL;
  if (shapes)
    memcpy(&shapes_fn, &shapes, sizeof(shapes_fn));
  tessel_status *st =
      tessel_model_from_symbols(*version, metadata, *size, fn, shapes_fn, kernels, out);
  if (st) {
    dlclose(handle);
    return st;
  }
  (*out)->handle = handle;
  /* A shared library: libomp is one of its dependencies. */
  tessel_omp_find(&(*out)->omp, handle);
  return NULL;
}

void tessel_model_close(tessel_model *model) { free_model(model); }

int32_t tessel_model_num_inputs(const tessel_model *m) { return m ? m->num_inputs : 0; }
int32_t tessel_model_num_outputs(const tessel_model *m) { return m ? m->num_outputs : 0; }

/* Callers set struct_size; version 2's struct is the smallest accepted. */
static tessel_status *check_struct_size(const char *what, size_t got, size_t want) {
  if (got < want)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "%s.struct_size is %zu, expected at least %zu (set it to sizeof(%s) "
                              "from this runtime's tessel.h)",
                              what, got, want, what);
  return NULL;
}

static tessel_status *fill_info(const tensor_desc *t, tessel_tensor_info *info) {
  /* API 2.0's struct ends before sets_sizes. */
  tessel_status *st = check_struct_size("tessel_tensor_info", info->struct_size,
                                        offsetof(tessel_tensor_info, sets_sizes));
  if (st)
    return st;
  info->name = t->name;
  info->dtype = t->dtype;
  info->rank = t->rank;
  info->shape = t->shape;
  info->dim_names = (const char *const *)t->dim_names;
  info->num_elements = t->num_elements;
  info->byte_size = t->byte_size;
  if (info->struct_size >= offsetof(tessel_tensor_info, sets_sizes) + sizeof(int32_t))
    info->sets_sizes = t->shape_input;
  return NULL;
}

tessel_status *tessel_model_input_info(const tessel_model *m, int32_t i, tessel_tensor_info *info) {
  if (!m || !info)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "model or info pointer is NULL");
  if (i < 0 || i >= m->num_inputs)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "input index %d is out of range (%d inputs)",
                              i, m->num_inputs);
  return fill_info(&m->tensors[i], info);
}

tessel_status *tessel_model_output_info(const tessel_model *m, int32_t i, tessel_tensor_info *info) {
  if (!m || !info)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "model or info pointer is NULL");
  if (i < 0 || i >= m->num_outputs)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "output index %d is out of range (%d outputs)", i, m->num_outputs);
  return fill_info(&m->tensors[m->num_inputs + i], info);
}

tessel_status *tessel_session_create(const tessel_model *model,
                                     const tessel_session_options *options,
                                     tessel_session **out) {
  if (!model || !out)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "model or session output pointer is NULL");
  *out = NULL;
  /* api_version is read first: it is at offset 0 in every version, the rest
   * of an older program's struct may be smaller. */
  if (options && options->api_version != TESSEL_API_VERSION)
    return tessel_make_status(TESSEL_ABI_MISMATCH,
                              "session options are for API version %d, this runtime is %d: "
                              "rebuild the program against this runtime's tessel.h",
                              options->api_version, TESSEL_API_VERSION);
  if (options) {
    tessel_status *st = check_struct_size("tessel_session_options", options->struct_size,
                                          sizeof(tessel_session_options));
    if (st)
      return st;
  }
  if (options && options->num_threads < 0)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "num_threads must not be negative");
  tessel_session *s = calloc(1, sizeof(tessel_session));
  if (!s)
    return tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
  s->model = model;
  s->num_threads = options ? options->num_threads : 0;
  /* The runtime leaves malloc's parameters alone (it once raised glibc's mmap
   * and trim thresholds, process-wide): glibc's own dynamic mmap threshold
   * already keeps a run's arena in the heap from the second run on, and
   * MobileNetV2 and ResNet-18 at 224 run as fast without it, at 1 and 2
   * threads. */
  *out = s;
  return NULL;
}

void tessel_session_destroy(tessel_session *session) { free(session); }

/* The session's thread count; 0 asks for one per online core. */
static int session_threads(const tessel_session *s) {
  if (s->num_threads > 0)
    return s->num_threads;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? (int)cores : 1;
}

tessel_status *tessel_session_run(tessel_session *s, const void *const *inputs,
                                  const size_t *input_sizes, void *const *outputs,
                                  const size_t *output_sizes) {
  return tessel_session_run_profiled(s, inputs, input_sizes, outputs, output_sizes, NULL, NULL);
}

/* Whether [a, a + a_size) and [b, b + b_size) share a byte (empty ranges
 * share none). */
static int overlaps(const void *a, size_t a_size, const void *b, size_t b_size) {
  uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
  return a_size && b_size && x < y + b_size && y < x + a_size;
}

/* The sizes of one run: the ABI's dims array (dynamic input dimensions,
 * then dynamic output dimensions), every output's shape and every buffer's
 * byte count (inputs, then outputs). A static model's come from its
 * metadata. One allocation, freed with free(sizes->dims). */
typedef struct {
  int64_t *dims;
  int64_t *output_shapes; /* each output's rank entries, concatenated */
  size_t *bytes;
} run_sizes;

static tessel_status *resolve_run_sizes(const tessel_model *m, const tessel_tensor *inputs,
                                        run_sizes *rs);

/* The model's buffers, checked and run: ptrs holds the inputs, then the
 * outputs, of the byte counts in sizes->bytes at least. */
static tessel_status *run_buffers(tessel_session *s, const void *const *inputs,
                                  const size_t *input_sizes, void *const *outputs,
                                  const size_t *output_sizes, const run_sizes *rs,
                                  tessel_kernel_hook hook, void *user_data) {
  const tessel_model *m = s->model;
  size_t n = (size_t)(uint32_t)m->num_inputs + (size_t)(uint32_t)m->num_outputs;
  if ((m->num_inputs && (!inputs || !input_sizes)) || (m->num_outputs && (!outputs || !output_sizes)))
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "input or output arrays are NULL");
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    const tensor_desc *t = &m->tensors[i];
    size_t bytes = rs->bytes[i];
    if (!inputs[i] && bytes)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT, "input %d ('%s') is NULL", i, t->name);
    if (input_sizes[i] != bytes)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "input %d ('%s') has %zu bytes, expected %zu", i, t->name,
                                input_sizes[i], bytes);
    /* The code was specialised for this value: another one would compute
     * with the wrong shapes. */
    if (t->bound && bytes && memcmp(inputs[i], t->bound, bytes) != 0)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "input %d ('%s') was bound at compile time (tessel-compile "
                                "--bind-input) and this run passes a different value",
                                i, t->name);
  }
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    const tensor_desc *t = &m->tensors[m->num_inputs + i];
    size_t bytes = rs->bytes[m->num_inputs + i];
    if (!outputs[i] && bytes)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT, "output %d ('%s') is NULL", i, t->name);
    if (output_sizes[i] < bytes)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "output %d ('%s') has room for %zu bytes, needs %zu", i, t->name,
                                output_sizes[i], bytes);
  }
  /* Kernels write outputs in place, possibly before the last read of an
   * input, and each output only once: no output may share a byte with an
   * input or another output. */
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    const tensor_desc *t = &m->tensors[m->num_inputs + i];
    /* The other buffers in the model's tensor order: the inputs, then the
     * outputs before this one. */
    for (int32_t j = 0; j < m->num_inputs + i; ++j) {
      int is_input = j < m->num_inputs;
      const void *other = is_input ? inputs[j] : outputs[j - m->num_inputs];
      if (overlaps(outputs[i], rs->bytes[m->num_inputs + i], other, rs->bytes[j]))
        return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                  "output %d ('%s') overlaps %s %d ('%s'): outputs need "
                                  "buffers of their own",
                                  i, t->name, is_input ? "input" : "output",
                                  is_input ? j : j - m->num_inputs, m->tensors[j].name);
    }
  }
  void **buffers = malloc(sizeof(void *) * (n ? n : 1));
  if (!buffers)
    return tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
  /* Generated code takes non-const pointers but never writes its inputs. */
  for (int32_t i = 0; i < m->num_inputs; ++i)
    memcpy(&buffers[i], &inputs[i], sizeof(void *));
  for (int32_t i = 0; i < m->num_outputs; ++i)
    buffers[m->num_inputs + i] = outputs[i];
  tessel_run_context context = {hook, user_data};
  /* The partition of each parallel loop changes with the thread count,
   * never the arithmetic of an element. */
  int previous_threads = tessel_omp_prepare(&m->omp, session_threads(s));
  m->run(buffers, rs->dims, hook ? &context : NULL);
  tessel_omp_restore(&m->omp, previous_threads);
  free(buffers);
  return NULL;
}

tessel_status *tessel_session_run_profiled(tessel_session *s, const void *const *inputs,
                                           const size_t *input_sizes, void *const *outputs,
                                           const size_t *output_sizes, tessel_kernel_hook hook,
                                           void *user_data) {
  if (!s)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "session is NULL");
  run_sizes rs;
  tessel_status *st = resolve_run_sizes(s->model, NULL, &rs);
  if (st)
    return st;
  st = run_buffers(s, inputs, input_sizes, outputs, output_sizes, &rs, hook, user_data);
  free(rs.dims);
  return st;
}

/* "2x5x4" into buf ("?" for a dynamic dimension). */
static void format_shape(char *buf, size_t size, int32_t rank, const int64_t *shape) {
  size_t n = 0;
  buf[0] = 0;
  for (int32_t d = 0; shape && d < rank && d < 64 && n < size; ++d)
    n += shape[d] == -1 ? (size_t)snprintf(buf + n, size - n, d ? "x?" : "?")
                        : (size_t)snprintf(buf + n, size - n, d ? "x%lld" : "%lld",
                                           (long long)shape[d]);
}

/* What inputs and outputs share: the struct's size and the dtype. */
static tessel_status *check_tensor_header(const char *kind, int32_t i, const tensor_desc *want,
                                          const tessel_tensor *got) {
  if (got->struct_size != sizeof(tessel_tensor))
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "%s %d: tessel_tensor.struct_size is %zu, expected %zu (set it to "
                              "sizeof(tessel_tensor) from this runtime's tessel.h)",
                              kind, i, got->struct_size, sizeof(tessel_tensor));
  if (got->dtype != want->dtype)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "%s %d ('%s') has dtype %s (%d), the model expects %s (%d)",
                              kind, i, want->name, tessel_dtype_name(got->dtype),
                              (int)got->dtype, tessel_dtype_name(want->dtype), (int)want->dtype);
  return NULL;
}

/* An input's dtype, rank and shape against the model's. A mismatch names the
 * input, and the dimension's ONNX name when it has one: that dimension was
 * fixed at compile time, and recompiling with --dim gives another size. */
static tessel_status *check_input(int32_t i, const tensor_desc *want, const tessel_tensor *got) {
  tessel_status *st = check_tensor_header("input", i, want, got);
  if (st)
    return st;
  /* Formatted only for a message: a good run does no string work. */
  char expected[256], actual[256];
  if (got->rank != want->rank || (got->rank > 0 && !got->shape)) {
    format_shape(expected, sizeof expected, want->rank, want->shape);
    format_shape(actual, sizeof actual, got->shape ? got->rank : 0, got->shape);
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "input %d ('%s') has rank %d%s%s%s, the model expects rank %d and "
                              "shape [%s]",
                              i, want->name, (int)got->rank, got->shape ? " and shape [" : "",
                              got->shape ? actual : " and no shape", got->shape ? "]" : "",
                              (int)want->rank, expected);
  }
  for (int32_t d = 0; d < want->rank; ++d) {
    if (got->shape[d] == want->shape[d])
      continue;
    const char *name = want->dim_names ? want->dim_names[d] : "";
    if (want->shape[d] == -1) { /* dynamic: any size the shape checks accept */
      if (got->shape[d] >= 0)
        continue;
      format_shape(actual, sizeof actual, got->rank, got->shape);
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "input %d ('%s') has shape [%s]: dimension %d%s%s%s is %lld, "
                                "sizes cannot be negative",
                                i, want->name, actual, (int)d, name[0] ? " ('" : "", name,
                                name[0] ? "')" : "", (long long)got->shape[d]);
    }
    format_shape(expected, sizeof expected, want->rank, want->shape);
    format_shape(actual, sizeof actual, got->rank, got->shape);
    if (name[0])
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "input %d ('%s') has shape [%s], the model expects [%s]: "
                                "dimension %d ('%s') is %lld, it was fixed to %lld at compile "
                                "time (recompile with --dim %s=%lld for this size)",
                                i, want->name, actual, expected, (int)d, name,
                                (long long)got->shape[d], (long long)want->shape[d], name,
                                (long long)got->shape[d]);
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "input %d ('%s') has shape [%s], the model expects [%s]: dimension "
                              "%d is %lld, not %lld",
                              i, want->name, actual, expected, (int)d, (long long)got->shape[d],
                              (long long)want->shape[d]);
  }
  return NULL;
}

/* What the caller says of an output: its struct, dtype and rank (the shape
 * is the run's to report). */
static tessel_status *check_output(int32_t i, const tensor_desc *want, const tessel_tensor *got) {
  tessel_status *st = check_tensor_header("output", i, want, got);
  if (st)
    return st;
  if (got->shape && got->rank != want->rank)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "output %d ('%s') has room for a rank-%d shape, the output has "
                              "rank %d",
                              i, want->name, (int)got->rank, (int)want->rank);
  return NULL;
}

/* Everything tessel_session_run_tensors and tessel_model_output_shapes check
 * before a run: the counts, then each input and output. */
static tessel_status *check_run_tensors(const tessel_model *m, const tessel_tensor *inputs,
                                        int32_t num_inputs, const tessel_tensor *outputs,
                                        int32_t num_outputs) {
  if (num_inputs != m->num_inputs || num_outputs != m->num_outputs)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "got %d inputs and %d outputs, the model has %d and %d",
                              num_inputs, num_outputs, m->num_inputs, m->num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "input or output arrays are NULL");
  tessel_status *st = NULL;
  for (int32_t i = 0; !st && i < num_inputs; ++i)
    st = check_input(i, &m->tensors[i], &inputs[i]);
  for (int32_t i = 0; !st && i < num_outputs; ++i)
    st = check_output(i, &m->tensors[m->num_inputs + i], &outputs[i]);
  return st;
}

/* Bytes of a tensor of `shape`, or a status when the count overflows. */
static tessel_status *shape_bytes(const char *kind, int32_t i, const tensor_desc *t,
                                  const int64_t *shape, size_t *bytes) {
  uint64_t count = tessel_dtype_size(t->dtype);
  for (int32_t d = 0; d < t->rank; ++d) {
    if (shape[d] != 0 && count > (uint64_t)INT64_MAX / (uint64_t)shape[d]) {
      char text[256];
      format_shape(text, sizeof text, t->rank, shape);
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "%s %d ('%s') would have shape [%s], more bytes than memory "
                                "can address",
                                kind, i, t->name, text);
    }
    count *= (uint64_t)shape[d];
  }
  *bytes = (size_t)count;
  return NULL;
}

/* " = [4, -1]": the values of a shape input (the sizes it sets), for a
 * shape check's message; at most 16 of them. Returns the characters written. */
static size_t format_values(char *buf, size_t size, const tensor_desc *t, const void *data) {
  size_t n = (size_t)snprintf(buf, size, " = [");
  for (int64_t i = 0; data && i < t->num_elements && i < 16 && n + 1 < size; ++i) {
    const char *sep = i ? ", " : "";
    switch (t->dtype) {
    case TESSEL_INT64:
      n += (size_t)snprintf(buf + n, size - n, "%s%lld", sep, (long long)((const int64_t *)data)[i]);
      break;
    case TESSEL_INT32:
      n += (size_t)snprintf(buf + n, size - n, "%s%d", sep, ((const int32_t *)data)[i]);
      break;
    case TESSEL_FLOAT32:
      n += (size_t)snprintf(buf + n, size - n, "%s%g", sep, ((const float *)data)[i]);
      break;
    case TESSEL_FLOAT64:
      n += (size_t)snprintf(buf + n, size - n, "%s%g", sep, ((const double *)data)[i]);
      break;
    case TESSEL_BOOL:
      n += (size_t)snprintf(buf + n, size - n, "%s%d", sep, ((const uint8_t *)data)[i] != 0);
      break;
    default:
      n += (size_t)snprintf(buf + n, size - n, "%s?", sep);
    }
  }
  if (n + 1 < size)
    n += (size_t)snprintf(buf + n, size - n, "%s]", t->num_elements > 16 ? ", ..." : "");
  return n < size ? n : size - 1;
}

/* "x [2x8], mask [2x16]": the run's input shapes (and shape inputs' values),
 * for a shape check's message. */
static void format_input_shapes(char *buf, size_t size, const tessel_model *m,
                                const tessel_tensor *inputs) {
  size_t n = 0;
  buf[0] = 0;
  for (int32_t i = 0; i < m->num_inputs && n + 1 < size; ++i) {
    char shape[128];
    format_shape(shape, sizeof shape, inputs[i].rank, inputs[i].shape);
    n += (size_t)snprintf(buf + n, size - n, "%s%s [%s]", i ? ", " : "", m->tensors[i].name,
                          shape);
    if (m->tensors[i].shape_input && n + 1 < size)
      n += format_values(buf + n, size - n, &m->tensors[i], inputs[i].data);
  }
}

/* A failed shape check's message, its {0} and {1} replaced by the sizes. */
static tessel_status *check_failure(const tessel_model *m, int32_t check, const int64_t *sizes,
                                    const tessel_tensor *inputs) {
  char text[1024], shapes[512];
  size_t n = 0;
  const char *msg = check >= 0 && check < m->num_checks ? m->checks[check]
                                                        : "a shape check of the model failed";
  for (const char *p = msg; *p && n + 32 < sizeof text; ++p) {
    if (p[0] == '{' && (p[1] == '0' || p[1] == '1') && p[2] == '}') {
      n += (size_t)snprintf(text + n, sizeof text - n, "%lld", (long long)sizes[p[1] - '0']);
      p += 2;
    } else {
      text[n++] = *p;
    }
  }
  text[n] = 0;
  format_input_shapes(shapes, sizeof shapes, m, inputs);
  return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                            "the input shapes do not fit the model: %s (inputs: %s)", text,
                            shapes);
}

static tessel_status *resolve_run_sizes(const tessel_model *m, const tessel_tensor *inputs,
                                        run_sizes *rs) {
  int32_t n = m->num_inputs + m->num_outputs, out_rank = 0;
  for (int32_t i = m->num_inputs; i < n; ++i)
    out_rank += m->tensors[i].rank;
  size_t num_dims = (size_t)m->num_input_dims + (size_t)m->num_output_dims;
  /* The shape inputs' values (small: a few shape vectors fit here). */
  uint64_t data_words[8] = {0};
  uint8_t *shape_data = (uint8_t *)data_words;
  char *block = malloc(sizeof(int64_t) * (num_dims + (size_t)out_rank) +
                       sizeof(size_t) * (size_t)n + 1);
  if (!block)
    return tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
  rs->dims = (int64_t *)block;
  rs->output_shapes = rs->dims + num_dims;
  rs->bytes = (size_t *)(rs->output_shapes + out_rank);
  if (!m->shapes) { /* static: the metadata says it all */
    int64_t *shape = rs->output_shapes;
    for (int32_t i = 0; i < n; ++i) {
      const tensor_desc *t = &m->tensors[i];
      rs->bytes[i] = t->byte_size;
      if (i >= m->num_inputs) {
        memcpy(shape, t->shape, sizeof(int64_t) * (size_t)t->rank);
        shape += t->rank;
      }
    }
    return NULL;
  }
  tessel_status *st = NULL;
  if (!inputs) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT,
                            "the model has dynamic dimensions or shape inputs: run it with "
                            "tessel_session_run_tensors, which passes the input shapes");
    goto fail;
  }
  /* The dynamic input sizes, and agreement between dimensions named alike. */
  int64_t *dim = rs->dims;
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    const tensor_desc *t = &m->tensors[i];
    for (int32_t d = 0; d < t->rank; ++d) {
      if (t->shape[d] != -1)
        continue;
      *dim++ = inputs[i].shape[d];
      const char *name = t->dim_names[d];
      for (int32_t j = 0; name[0] && j <= i; ++j)
        for (int32_t e = 0; e < (j == i ? d : m->tensors[j].rank); ++e)
          if (m->tensors[j].shape[e] == -1 && !strcmp(m->tensors[j].dim_names[e], name) &&
              inputs[j].shape[e] != inputs[i].shape[d]) {
            st = tessel_make_status(
                TESSEL_INVALID_ARGUMENT,
                "input %d ('%s') has dimension %d ('%s') of size %lld, but input %d ('%s') has "
                "it of size %lld: dimensions of one name must agree",
                i, t->name, (int)d, name, (long long)inputs[i].shape[d], j,
                m->tensors[j].name, (long long)inputs[j].shape[e]);
            goto fail;
          }
    }
    if ((st = shape_bytes("input", i, t, inputs[i].shape, &rs->bytes[i])))
      goto fail;
  }
  /* The shape inputs' values, packed as the shape function reads them. */
  if (m->shape_data_bytes > sizeof data_words && !(shape_data = malloc(m->shape_data_bytes))) {
    st = tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
    goto fail;
  }
  size_t offset = 0;
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    const tensor_desc *t = &m->tensors[i];
    if (!t->shape_input)
      continue;
    if (t->byte_size && (!inputs[i].data || inputs[i].byte_size != t->byte_size)) {
      st = tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "input %d ('%s') sets sizes of the run: its data is needed (%zu "
                              "bytes), the call passes %s",
                              i, t->name, t->byte_size, inputs[i].data ? "another byte count"
                                                                        : "NULL");
      goto fail_data;
    }
    if (t->byte_size) /* (an empty one may pass NULL) */
      memcpy(shape_data + offset, inputs[i].data, t->byte_size);
    offset += (t->byte_size + 7) / 8 * 8;
  }
  int64_t check_sizes[2] = {0, 0};
  int32_t failed = m->shapes(rs->dims, rs->dims + m->num_input_dims, check_sizes, shape_data);
  if (shape_data != (uint8_t *)data_words)
    free(shape_data);
  if (failed) {
    st = check_failure(m, failed - 1, check_sizes, inputs);
    goto fail;
  }
  const int64_t *out_dim = rs->dims + m->num_input_dims;
  int64_t *shape = rs->output_shapes;
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    const tensor_desc *t = &m->tensors[m->num_inputs + i];
    for (int32_t d = 0; d < t->rank; ++d)
      shape[d] = t->shape[d] == -1 ? *out_dim++ : t->shape[d];
    for (int32_t d = 0; d < t->rank; ++d)
      if (shape[d] < 0) {
        char text[256];
        format_shape(text, sizeof text, t->rank, shape);
        st = tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "output %d ('%s') would have shape [%s] at these input shapes",
                                i, t->name, text);
        goto fail;
      }
    if ((st = shape_bytes("output", i, t, shape, &rs->bytes[m->num_inputs + i])))
      goto fail;
    shape += t->rank;
  }
  return NULL;
fail_data:
  if (shape_data != (uint8_t *)data_words)
    free(shape_data);
fail:
  free(block);
  rs->dims = NULL;
  return st;
}

/* Writes output i's shape where the caller gave room for it. */
static void report_output_shape(const tessel_model *m, const run_sizes *rs, int32_t i,
                                tessel_tensor *out) {
  const int64_t *shape = rs->output_shapes;
  for (int32_t j = 0; j < i; ++j)
    shape += m->tensors[m->num_inputs + j].rank;
  if (out->shape)
    memcpy(out->shape, shape, sizeof(int64_t) * (size_t)m->tensors[m->num_inputs + i].rank);
}

/* An output the caller leaves to the run to allocate (tessel.h). */
static int run_allocates(const tessel_tensor *out) { return !out->data && out->byte_size == 0; }

tessel_status *tessel_model_output_shapes(const tessel_model *m, const tessel_tensor *inputs,
                                          int32_t num_inputs, tessel_tensor *outputs,
                                          int32_t num_outputs) {
  if (!m)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "model is NULL");
  tessel_status *st = check_run_tensors(m, inputs, num_inputs, outputs, num_outputs);
  if (st)
    return st;
  run_sizes rs;
  if ((st = resolve_run_sizes(m, inputs, &rs)))
    return st;
  for (int32_t i = 0; i < num_outputs; ++i) {
    report_output_shape(m, &rs, i, &outputs[i]);
    outputs[i].byte_size = rs.bytes[m->num_inputs + i];
  }
  free(rs.dims);
  return NULL;
}

static tessel_status *run_tensors(tessel_session *s, const tessel_tensor *inputs,
                                  int32_t num_inputs, tessel_tensor *outputs,
                                  int32_t num_outputs, tessel_kernel_hook hook, void *user_data) {
  if (!s)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "session is NULL");
  const tessel_model *m = s->model;
  tessel_status *st = check_run_tensors(m, inputs, num_inputs, outputs, num_outputs);
  if (st)
    return st;
  run_sizes rs;
  if ((st = resolve_run_sizes(m, inputs, &rs)))
    return st;
  int32_t n = num_inputs + num_outputs;
  /* calloc: an output the run was to allocate but did not (a failure
   * before it) stays NULL, which the clean-up below may free. */
  void **ptrs = calloc((size_t)(n ? n : 1), sizeof(void *));
  size_t *sizes = malloc(sizeof(size_t) * (size_t)(n ? n : 1));
  if (!ptrs || !sizes)
    st = tessel_make_status(TESSEL_OUT_OF_MEMORY, "out of memory");
  for (int32_t i = 0; !st && i < num_inputs; ++i) {
    ptrs[i] = inputs[i].data;
    sizes[i] = inputs[i].byte_size;
  }
  for (int32_t i = 0; !st && i < num_outputs; ++i) {
    const tensor_desc *t = &m->tensors[m->num_inputs + i];
    size_t needed = rs.bytes[m->num_inputs + i];
    void *data = outputs[i].data;
    size_t size = outputs[i].byte_size;
    if (run_allocates(&outputs[i])) {
      /* 64-byte aligned, at least one byte: a zero-element output still
       * gets a pointer the caller can free. */
      size_t bytes = needed > SIZE_MAX - 63 ? 0 : (needed + 63) / 64 * 64;
      data = bytes || !needed ? aligned_alloc(64, bytes ? bytes : 64) : NULL;
      if (!data) {
        st = tessel_make_status(TESSEL_OUT_OF_MEMORY,
                                "out of memory allocating output %d ('%s', %zu bytes)", i,
                                t->name, needed);
        break;
      }
      size = needed;
    }
    ptrs[num_inputs + i] = data;
    sizes[num_inputs + i] = size;
  }
  /* Sizes, NULL data and overlaps are checked by run_buffers. */
  if (!st)
    st = run_buffers(s, (const void *const *)ptrs, sizes, ptrs + num_inputs,
                     sizes + num_inputs, &rs, hook, user_data);
  /* The caller's tensors are untouched until here: a refused or failed run
   * frees what it allocated and reports nothing. */
  for (int32_t i = 0; ptrs && i < num_outputs; ++i) {
    int allocates = run_allocates(&outputs[i]);
    if (st) {
      if (allocates)
        free(ptrs[num_inputs + i]);
      continue;
    }
    if (allocates) {
      outputs[i].data = ptrs[num_inputs + i];
      outputs[i].byte_size = rs.bytes[m->num_inputs + i];
    }
    report_output_shape(m, &rs, i, &outputs[i]);
  }
  free(ptrs);
  free(sizes);
  free(rs.dims);
  return st;
}

tessel_status *tessel_session_run_tensors(tessel_session *s, const tessel_tensor *inputs,
                                          int32_t num_inputs, tessel_tensor *outputs,
                                          int32_t num_outputs) {
  return run_tensors(s, inputs, num_inputs, outputs, num_outputs, NULL, NULL);
}

/* Kernel k's entry subtracts the clock from kernel_ns[k] and its exit adds
 * it: the sum of its calls' durations, with no state beside the array. */
static void time_kernel(void *user_data, int32_t kernel, int32_t is_end) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
  int64_t *kernel_ns = user_data;
  kernel_ns[kernel] += is_end ? ns : -ns;
}

tessel_status *tessel_session_run_tensors_profiled(tessel_session *s, const tessel_tensor *inputs,
                                                   int32_t num_inputs, tessel_tensor *outputs,
                                                   int32_t num_outputs, int64_t *kernel_ns) {
  if (!s)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "session is NULL");
  if (!kernel_ns)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "kernel_ns is NULL");
  memset(kernel_ns, 0, sizeof(int64_t) * (size_t)s->model->num_kernels);
  return run_tensors(s, inputs, num_inputs, outputs, num_outputs, time_kernel, kernel_ns);
}

/* --- Kernels ------------------------------------------------------------- */

int32_t tessel_model_num_kernels(const tessel_model *m) { return m ? m->num_kernels : 0; }

static tessel_status *check_kernel(const tessel_model *m, int32_t k) {
  if (!m)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "model is NULL");
  if (k < 0 || k >= m->num_kernels)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "kernel index %d is out of range (%d kernels)", k, m->num_kernels);
  return NULL;
}

tessel_status *tessel_model_kernel_info(const tessel_model *m, int32_t k,
                                        tessel_kernel_info *info) {
  tessel_status *st = check_kernel(m, k);
  if (st)
    return st;
  if (!info)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "info pointer is NULL");
  st = check_struct_size("tessel_kernel_info", info->struct_size, sizeof(tessel_kernel_info));
  if (st)
    return st;
  const kernel_desc *d = &m->kernels[k];
  info->name = d->name;
  info->op = d->op;
  info->num_nodes = d->num_nodes;
  info->nodes = (const char *const *)d->nodes;
  info->flops = d->flops;
  info->bytes = d->bytes;
  info->num_inputs = d->num_inputs;
  info->num_outputs = d->num_outputs;
  return NULL;
}

tessel_status *tessel_model_kernel_arg_info(const tessel_model *m, int32_t k, int32_t arg,
                                            tessel_tensor_info *info) {
  tessel_status *st = check_kernel(m, k);
  if (st)
    return st;
  const kernel_desc *d = &m->kernels[k];
  if (!info)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "info pointer is NULL");
  if (arg < 0 || arg >= d->num_inputs + d->num_outputs)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                              "argument %d of kernel %d is out of range (%d arguments)", arg, k,
                              d->num_inputs + d->num_outputs);
  return fill_info(&d->args[arg], info);
}

tessel_status *tessel_model_run_kernel(const tessel_model *m, int32_t k, void *const *args,
                                       const size_t *arg_sizes) {
  tessel_status *st = check_kernel(m, k);
  if (st)
    return st;
  const kernel_desc *d = &m->kernels[k];
  int32_t n = d->num_inputs + d->num_outputs;
  if (n && (!args || !arg_sizes))
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "argument arrays are NULL");
  for (int32_t i = 0; i < n; ++i) {
    if (!args[i] && d->args[i].byte_size)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT, "argument %d of kernel %d is NULL", i, k);
    if (arg_sizes[i] < d->args[i].byte_size)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "argument %d of kernel %d has %zu bytes, needs %zu", i, k,
                                arg_sizes[i], d->args[i].byte_size);
  }
  for (int32_t i = 0; i < n; ++i)
    if (d->args[i].num_dynamic)
      return tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "kernel %d ('%s') has dynamic dimensions: it runs alone only "
                                "inside a run (tessel_session_run_tensors_profiled times it)",
                                k, d->name);
  void **mutable_args; /* the ABI's signature; kernels write only their outputs */
  memcpy(&mutable_args, &args, sizeof(mutable_args));
  m->kernel_fns[k](mutable_args, NULL);
  return NULL;
}
