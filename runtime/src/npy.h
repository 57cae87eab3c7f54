/*===- npy.h - Minimal NumPy .npy reading and writing for the driver ------===*/
#ifndef TESSEL_RUNTIME_NPY_H
#define TESSEL_RUNTIME_NPY_H

#include "tessel/tessel.h"

/* Reads `path` into a malloc'ed buffer after checking that its dtype and shape
 * match `info`. Returns NULL on success, else a status naming the problem. */
tessel_status *tessel_npy_read(const char *path, const tessel_tensor_info *info, void **data);

/* Writes `data` (laid out as `info`) to `path`. */
tessel_status *tessel_npy_write(const char *path, const tessel_tensor_info *info, const void *data);

#endif
