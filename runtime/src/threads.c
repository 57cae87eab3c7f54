/*===- threads.c - The OpenMP thread pool the kernels run on ---------------===*
 *
 * Worker placement. libomp starts a team's worker threads the first time a
 * thread forks with that many threads, and Linux often starts a new thread
 * on its parent's CPU. Both then spin at the team's barriers on one CPU,
 * each region's join waits for a context switch, and the load balancer,
 * seeing a busy CPU, takes its time to move one: in one process out of four,
 * a LLaMA block ran at 0.23 ms on two threads instead of 0.10 ms (and 124
 * context switches in 30 runs instead of 5), for the whole of a short run.
 * So the first time a thread runs a model with N threads, each of its N - 1
 * workers is pinned to a CPU of its own, never the one the caller is on.
 * The caller's own thread is left as it was, as ONNX Runtime leaves it
 * while it pins its intra-op workers. The scheduler may still move the
 * caller onto a worker's CPU (it did, right after the first run, in half
 * the processes): a later run that finds it there moves the workers off.
 *
 * Not done where the user places threads already (OMP_PROC_BIND,
 * OMP_PLACES, KMP_AFFINITY or GOMP_CPU_AFFINITY set), where
 * TESSEL_PIN_THREADS=0, or where the caller's CPU set has fewer CPUs than
 * threads (pinned workers could not move out of each other's way).
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include "threads.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

void tessel_omp_find(tessel_omp *omp, void *handle) {
  void *set = dlsym(handle, "omp_set_num_threads");
  void *fork = dlsym(handle, "__kmpc_fork_call");
  void *get = dlsym(handle, "omp_get_max_threads");
  memcpy(&omp->set_num_threads, &set, sizeof(set));
  memcpy(&omp->get_max_threads, &get, sizeof(get));
  memcpy(&omp->fork_call, &fork, sizeof(fork));
}

/* libomp's source location record (ident_t): only `flags` and `psource`
 * are read; KMP_IDENT_KMPC marks a call from compiled code. */
typedef struct {
  int32_t reserved_1, flags, reserved_2, reserved_3;
  const char *psource;
} omp_ident;

static omp_ident pin_ident = {0, 0x02, 0, 0, ";tessel;pin_workers;0;0;;"};

/* The CPUs the workers take, worker i (thread number i + 1) the i-th. */
typedef struct {
  int cpus[CPU_SETSIZE];
  int count;
} pin_plan;

/* The parallel region's body, run by every thread of the team with its
 * thread number in *tid (libomp's microtask convention). */
static void pin_worker(int32_t *gtid, int32_t *tid, pin_plan *plan) {
  (void)gtid;
  if (*tid <= 0 || *tid > plan->count)
    return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(plan->cpus[*tid - 1], &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int placement_left_to_us(void) {
  const char *pin = getenv("TESSEL_PIN_THREADS");
  if (pin && strcmp(pin, "0") == 0)
    return 0;
  static const char *const user_placement[] = {"OMP_PROC_BIND", "OMP_PLACES", "KMP_AFFINITY",
                                               "GOMP_CPU_AFFINITY"};
  for (size_t i = 0; i < sizeof(user_placement) / sizeof(user_placement[0]); ++i)
    if (getenv(user_placement[i]))
      return 0;
  return 1;
}

/* This thread's workers' placement: the largest team placed so far (or
 * left unplaced), and the CPUs of its workers (count 0: not pinned). */
static _Thread_local int placed_threads = 1;
static _Thread_local pin_plan placed;

/* Whether the caller now runs on a CPU that one of its first `workers`
 * pinned workers holds. */
static int on_a_worker_cpu(int here, int workers) {
  for (int i = 0; i < placed.count && i < workers; ++i)
    if (placed.cpus[i] == here)
      return 1;
  return 0;
}

/* Pins the pool's workers to CPUs other than the caller's (see above). */
static void place_workers(const tessel_omp *omp, int threads) {
  if (!omp->fork_call || threads <= 1)
    return;
  int here = sched_getcpu();
  /* Placed already, unless the scheduler has since moved the caller onto
   * a worker's CPU (it may: the caller is not pinned). */
  if (threads <= placed_threads && !on_a_worker_cpu(here, threads - 1))
    return;
  if (threads > placed_threads) {
    placed_threads = threads;
    placed.count = 0;
    if (!placement_left_to_us())
      return;
  } else if (placed.count == 0) {
    return;
  }
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0 || CPU_COUNT(&allowed) < threads)
    return;
  pin_plan plan = {.count = 0};
  for (int cpu = 0; cpu < CPU_SETSIZE && plan.count < threads - 1; ++cpu)
    if (CPU_ISSET(cpu, &allowed) && cpu != here)
      plan.cpus[plan.count++] = cpu;
  if (plan.count < threads - 1)
    return;
  placed = plan;
  /* One parallel region with the run's thread count: the team the model's
   * regions will reuse. */
  omp->fork_call(&pin_ident, 1, (void *)pin_worker, &plan);
}

void tessel_omp_restore(const tessel_omp *omp, int previous) {
  if (previous > 0 && omp->set_num_threads)
    omp->set_num_threads(previous);
}

int tessel_omp_prepare(const tessel_omp *omp, int threads) {
  if (!omp->set_num_threads)
    return 0;
  int previous = omp->get_max_threads ? omp->get_max_threads() : 0;
  /* The pool size applies to the calling thread's parallel regions: set on
   * every run, each session may ask for another. */
  omp->set_num_threads(threads);
  place_workers(omp, threads);
  return previous;
}
