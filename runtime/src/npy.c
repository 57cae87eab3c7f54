/*===- npy.c - Minimal NumPy .npy reading and writing ---------------------===*/
#include "npy.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *npy_descr(tessel_dtype dtype) {
  switch (dtype) {
  case TESSEL_FLOAT32: return "<f4";
  case TESSEL_FLOAT64: return "<f8";
  case TESSEL_FLOAT16: return "<f2";
  case TESSEL_INT64: return "<i8";
  case TESSEL_INT32: return "<i4";
  case TESSEL_INT16: return "<i2";
  case TESSEL_INT8: return "|i1";
  case TESSEL_UINT8: return "|u1";
  case TESSEL_BOOL: return "|b1";
  }
  return NULL;
}

tessel_status *tessel_npy_read(const char *path, const tessel_tensor_info *info, void **data) {
  *data = NULL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return tessel_make_status(TESSEL_IO_ERROR, "cannot open '%s'", path);
  unsigned char magic[10];
  tessel_status *st = NULL;
  char *header = NULL;
  if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' is not a .npy file", path);
    goto done;
  }
  size_t header_len = magic[8] | (magic[9] << 8);
  if (magic[6] >= 2) {
    unsigned char more[2];
    if (fread(more, 1, 2, f) != 2) {
      st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' is truncated", path);
      goto done;
    }
    header_len |= ((size_t)more[0] << 16) | ((size_t)more[1] << 24);
  }
  if (header_len > (1u << 20)) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' has an oversized header", path);
    goto done;
  }
  header = calloc(header_len + 1, 1);
  if (!header || fread(header, 1, header_len, f) != header_len) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' is truncated", path);
    goto done;
  }
  const char *descr = npy_descr(info->dtype);
  char want[16];
  snprintf(want, sizeof want, "'%s'", descr ? descr : "?");
  if (!strstr(header, want)) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' does not hold dtype %s for input '%s'",
                            path, descr ? descr : "?", info->name);
    goto done;
  }
  if (strstr(header, "'fortran_order': True")) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' is in Fortran order", path);
    goto done;
  }
  const char *shape = strstr(header, "'shape': (");
  int64_t count = 1;
  int rank = 0;
  if (shape) {
    const char *p = shape + 10;
    while (*p && *p != ')') {
      char *end;
      long long d = strtoll(p, &end, 10);
      if (end == p) {
        ++p;
        continue;
      }
      if (rank >= info->rank || d != info->shape[rank]) {
        st = tessel_make_status(TESSEL_INVALID_ARGUMENT,
                                "'%s' has a shape that differs from input '%s'", path, info->name);
        goto done;
      }
      count *= d;
      ++rank;
      p = end;
    }
  }
  if (!shape || rank != info->rank) {
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' has a shape that differs from input '%s'",
                            path, info->name);
    goto done;
  }
  (void)count;
  *data = malloc(info->byte_size ? info->byte_size : 1);
  if (!*data || fread(*data, 1, info->byte_size, f) != info->byte_size) {
    free(*data);
    *data = NULL;
    st = tessel_make_status(TESSEL_INVALID_ARGUMENT, "'%s' holds less data than its shape needs",
                            path);
  }
done:
  free(header);
  fclose(f);
  return st;
}

tessel_status *tessel_npy_write(const char *path, const tessel_tensor_info *info, const void *data) {
  const char *descr = npy_descr(info->dtype);
  if (!descr)
    return tessel_make_status(TESSEL_INVALID_ARGUMENT, "unsupported dtype");
  char header[1024], shape[512] = "";
  size_t used = 0;
  for (int32_t i = 0; i < info->rank && used < sizeof shape - 32; ++i)
    used += (size_t)snprintf(shape + used, sizeof shape - used, "%lld%s",
                             (long long)info->shape[i], info->rank == 1 ? "," : (i + 1 < info->rank ? ", " : ""));
  int len = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, shape);
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64;
  FILE *f = fopen(path, "wb");
  if (!f)
    return tessel_make_status(TESSEL_IO_ERROR, "cannot write '%s'", path);
  unsigned short hl = (unsigned short)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(hl & 0xff, f);
  fputc(hl >> 8, f);
  fwrite(header, 1, (size_t)len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(data, 1, info->byte_size, f);
  int bad = ferror(f);
  fclose(f);
  return bad ? tessel_make_status(TESSEL_IO_ERROR, "cannot write '%s'", path) : NULL;
}
