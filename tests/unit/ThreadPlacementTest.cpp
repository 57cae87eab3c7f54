//===- ThreadPlacementTest.cpp - Where the runtime puts the pool's workers ===//
//
// runtime/src/threads.c pins each worker of a multi-threaded run to a CPU of
// its own, off the caller's CPU, and leaves the caller's own thread alone
// (threads.c says why). Each case runs in a child process of its own (a
// death test, re-executed): libomp's threads and the runtime's per-thread
// placement outlive a run, so a case would otherwise see an earlier case's
// workers.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include "tessel/tessel.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

using namespace tessel::test;

namespace {

constexpr int64_t kRows = 256, kInner = 512, kCols = 256;

/// y = x @ w: 33 M multiply-adds, enough for a parallel kernel loop.
onnx::ModelProto matmulModel() {
  onnx::ModelProto m = makeModel(13);
  auto &g = *m.mutable_graph();
  addInput(g, "x", onnx::TensorProto::FLOAT, {kRows, kInner});
  addFloatInitializer(g, "w", {kInner, kCols}, pseudoRandom(kInner * kCols, 7));
  addNode(g, "MatMul", {"x", "w"}, {"y"}, "matmul");
  addOutput(g, "y", onnx::TensorProto::FLOAT, {kRows, kCols});
  return m;
}

pid_t currentTid() { return (pid_t)syscall(SYS_gettid); }

/// The process's other threads that are pinned to one CPU: (thread, CPU).
std::vector<std::pair<pid_t, int>> pinnedOtherThreads() {
  std::vector<std::pair<pid_t, int>> pinned;
  DIR *dir = opendir("/proc/self/task");
  if (!dir)
    return pinned;
  while (dirent *e = readdir(dir)) {
    pid_t tid = (pid_t)std::atoi(e->d_name);
    cpu_set_t set;
    if (tid <= 0 || tid == currentTid() || sched_getaffinity(tid, sizeof(set), &set) != 0 ||
        CPU_COUNT(&set) != 1)
      continue;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set))
        pinned.push_back({tid, cpu});
  }
  closedir(dir);
  return pinned;
}

int threadCount() {
  int count = 0;
  DIR *dir = opendir("/proc/self/task");
  while (dir && readdir(dir))
    ++count;
  if (dir)
    closedir(dir);
  return count - 2; // "." and ".."
}

/// A child's exit code for "the situation under test could not be made".
constexpr int kSkipped = 77;

/// A child's verdict: prints why on stderr and exits non-zero on failure.
[[noreturn]] void verdict(bool ok, const std::string &why) {
  if (!ok)
    std::fprintf(stderr, "%s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(ok ? 0 : 1);
}

/// Runs the model on `threads` threads into `y`; false on an error status.
bool run(tessel_session *s, const std::vector<float> &x, std::vector<float> &y) {
  const void *in[] = {x.data()};
  size_t inSizes[] = {x.size() * sizeof(float)};
  void *out[] = {y.data()};
  size_t outSizes[] = {y.size() * sizeof(float)};
  tessel_status *st = tessel_session_run(s, in, inSizes, out, outSizes);
  tessel_status_free(st);
  return st == nullptr;
}

/// The child processes' shared setup: the model open, a session of
/// `threads`, an input and an output.
struct Child {
  tessel_model *model = nullptr;
  tessel_session *session = nullptr;
  std::vector<float> x = pseudoRandom(kRows * kInner, 3), y = std::vector<float>(kRows * kCols);

  Child(const std::string &path, int threads) {
    tessel_status *st = tessel_model_open(path.c_str(), &model);
    if (st)
      verdict(false, std::string("open: ") + tessel_status_message(st));
    tessel_session_options opts = {TESSEL_API_VERSION, threads, sizeof(tessel_session_options)};
    if ((st = tessel_session_create(model, &opts, &session)))
      verdict(false, std::string("session: ") + tessel_status_message(st));
  }
};

[[noreturn]] void pinsOffTheCaller(const std::string &path) {
  Child c(path, 2);
  cpu_set_t before, after;
  sched_getaffinity(0, sizeof(before), &before);
  int here = sched_getcpu();
  if (!run(c.session, c.x, c.y))
    verdict(false, "the 2-thread run failed");
  sched_getaffinity(0, sizeof(after), &after);
  if (threadCount() < 2)
    verdict(false, "no worker thread: the model has no parallel loop");
  if (!CPU_EQUAL(&before, &after))
    verdict(false, "the caller's own CPU set changed");
  auto pinned = pinnedOtherThreads();
  if (pinned.size() != 1)
    verdict(false, "expected one pinned worker, found " + std::to_string(pinned.size()));
  if (!CPU_ISSET(pinned[0].second, &before))
    verdict(false, "the worker's CPU is outside the caller's set");
  // Pinned off the CPU the caller was on when the run started. (The
  // scheduler may move the caller onto the worker's CPU during the run:
  // the next case.)
  // The caller is not pinned: between sched_getcpu() above and the
  // runtime's own look, the scheduler may move it, and the runtime then
  // rightly pins the worker where the caller was. That reads as the bug this
  // checks for, so it is reported as inconclusive (kSkipped) and the parent
  // tries again in a fresh process: a runtime that does pin the worker on the
  // caller's CPU does so every time.
  if (pinned[0].second == here) {
    std::fprintf(stderr, "the worker shares the caller's CPU %d\n", here);
    std::fflush(stderr);
    std::_Exit(kSkipped);
  }
  // The same bits as one thread.
  std::vector<float> two = c.y;
  tessel_session *single = nullptr;
  tessel_session_options one = {TESSEL_API_VERSION, 1, sizeof(tessel_session_options)};
  tessel_status_free(tessel_session_create(c.model, &one, &single));
  if (!single || !run(single, c.x, c.y))
    verdict(false, "the 1-thread run failed");
  verdict(std::memcmp(two.data(), c.y.data(), two.size() * sizeof(float)) == 0,
          "2 threads and 1 thread differ");
}


[[noreturn]] void movesOffTheCaller(const std::string &path) {
  Child c(path, 2);
  if (!run(c.session, c.x, c.y))
    verdict(false, "the first run failed");
  auto pinned = pinnedOtherThreads();
  if (pinned.size() != 1)
    verdict(false, "expected one pinned worker, found " + std::to_string(pinned.size()));
  int workerCpu = pinned[0].second;
  // Put the caller on the worker's CPU, as the scheduler may, and give it
  // its whole set back (the runtime places workers only for a caller that
  // may run on several CPUs). The scheduler may move it away again before
  // the run looks: try until the caller is still there right before the run.
  cpu_set_t all, there;
  sched_getaffinity(0, sizeof(all), &all);
  CPU_ZERO(&there);
  CPU_SET(workerCpu, &there);
  bool landed = false;
  for (int attempt = 0; attempt < 100 && !landed; ++attempt) {
    sched_setaffinity(0, sizeof(there), &there);
    sched_setaffinity(0, sizeof(all), &all);
    landed = sched_getcpu() == workerCpu;
  }
  if (!landed) {
    std::fprintf(stderr, "the caller never stayed on the worker's CPU %d\n", workerCpu);
    std::fflush(stderr);
    std::_Exit(kSkipped);
  }
  if (!run(c.session, c.x, c.y))
    verdict(false, "the second run failed");
  pinned = pinnedOtherThreads();
  if (pinned.size() != 1)
    verdict(false, "expected one pinned worker, found " + std::to_string(pinned.size()));
  verdict(pinned[0].second != workerCpu,
          "the worker stayed on the caller's CPU " + std::to_string(workerCpu));
}

[[noreturn]] void leavesUnpinned(const std::string &path) {
  setenv("TESSEL_PIN_THREADS", "0", 1);
  Child c(path, 2);
  if (!run(c.session, c.x, c.y))
    verdict(false, "the run failed");
  if (threadCount() < 2)
    verdict(false, "no worker thread: the model has no parallel loop");
  auto pinned = pinnedOtherThreads();
  verdict(pinned.empty(), std::to_string(pinned.size()) + " pinned workers with "
                          "TESSEL_PIN_THREADS=0");
}

class ThreadPlacement : public ::testing::Test {
protected:
  void SetUp() override {
    cpu_set_t set;
    ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
    if (CPU_COUNT(&set) < 2)
      GTEST_SKIP() << "one CPU: there is no placement to make";
    for (const char *var : {"OMP_PROC_BIND", "OMP_PLACES", "KMP_AFFINITY", "GOMP_CPU_AFFINITY",
                            "TESSEL_PIN_THREADS"})
      if (std::getenv(var))
        GTEST_SKIP() << var << " is set: the user places the threads";
    // The child processes re-run this set-up: they take the parent's model
    // (and make no folder that their _Exit would leave behind).
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    if (const char *compiled = std::getenv(kModelVar)) {
      path_ = compiled;
      return;
    }
    dir_.emplace();
    path_ = compileModel(matmulModel(), *dir_, "matmul");
    ASSERT_FALSE(path_.empty());
    setenv(kModelVar, path_.c_str(), 1);
  }
  void TearDown() override {
    if (dir_)
      unsetenv(kModelVar);
  }

  static constexpr const char *kModelVar = "TESSEL_TEST_PLACEMENT_MODEL";
  std::optional<TempDir> dir_;
  std::string path_;
};

TEST_F(ThreadPlacement, WorkerPinnedOffTheCallerWhichStaysFree) {
  static int status = -1;
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    EXPECT_EXIT(pinsOffTheCaller(path_),
                [](int s) {
                  status = s;
                  return WIFEXITED(s) && (WEXITSTATUS(s) == 0 || WEXITSTATUS(s) == kSkipped);
                },
                "");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != kSkipped)
      return;
  }
  ADD_FAILURE() << "the worker shared the caller's CPU in " << kAttempts << " of " << kAttempts
                << " fresh processes";
}

TEST_F(ThreadPlacement, WorkerMovesWhenTheCallerLandsOnItsCpu) {
  // Passes on exit 0; a child that could not put the caller on the worker's
  // CPU exits kSkipped, and the case is reported skipped, not passed.
  static int status = -1;
  EXPECT_EXIT(movesOffTheCaller(path_),
              [](int s) {
                status = s;
                return WIFEXITED(s) && (WEXITSTATUS(s) == 0 || WEXITSTATUS(s) == kSkipped);
              },
              "");
  if (WIFEXITED(status) && WEXITSTATUS(status) == kSkipped)
    GTEST_SKIP() << "the caller could not be kept on the worker's CPU for the second run";
}

TEST_F(ThreadPlacement, OptOutLeavesWorkersUnpinned) {
  EXPECT_EXIT(leavesUnpinned(path_), ::testing::ExitedWithCode(0), "");
}

} // namespace
