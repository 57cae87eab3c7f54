/*===- threads.h - The OpenMP thread pool the kernels run on ---------------===*
 *
 * A model's parallel kernel loops are OpenMP parallel regions (LLVM's
 * libomp). The runtime does not link libomp itself: a model without
 * parallel loops needs nothing beyond libc. It finds the few entry points it
 * needs in the model's libraries instead, and through them sizes the pool
 * and places its worker threads.
 *===----------------------------------------------------------------------===*/
#ifndef TESSEL_RUNTIME_THREADS_H
#define TESSEL_RUNTIME_THREADS_H

#include <stdint.h>

typedef struct {
  /* omp_set_num_threads, or NULL (no libomp among the model's libraries). */
  void (*set_num_threads)(int);
  /* omp_get_max_threads, or NULL. */
  int (*get_max_threads)(void);
  /* __kmpc_fork_call, the entry point of every compiled parallel region. */
  void (*fork_call)(void *ident, int32_t argc, void *microtask, ...);
} tessel_omp;

/* Finds libomp's entry points through `handle` (dlopen's, or RTLD_DEFAULT). */
void tessel_omp_find(tessel_omp *omp, void *handle);

/* Before a run on the calling thread with `threads` threads: sizes its
 * parallel regions, and the first time this thread asks for that many,
 * places the worker threads (see threads.c). Returns the calling thread's
 * previous OpenMP thread count (0: none to restore), for
 * tessel_omp_restore after the run: the host program's own OpenMP regions
 * keep the size it chose. */
int tessel_omp_prepare(const tessel_omp *omp, int threads);
void tessel_omp_restore(const tessel_omp *omp, int previous);

#endif
