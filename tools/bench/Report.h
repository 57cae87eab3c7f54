//===- Report.h - tessel-bench's results and how they are shown -----------===//
#ifndef TESSEL_TOOLS_BENCH_REPORT_H
#define TESSEL_TOOLS_BENCH_REPORT_H

#include "tools/bench/Peak.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tessel::bench {

/// Order statistics of a set of timings, in milliseconds.
struct Stats {
  size_t count = 0;
  double median = 0, p10 = 0, p90 = 0, min = 0, max = 0, mean = 0;
};
Stats summarize(std::vector<double> samplesMs);

struct KernelRow {
  int index = 0;
  std::string name, op;
  std::vector<std::string> nodes;
  std::vector<std::string> args; // "in0 f32[1,3,224,224]"
  int64_t flops = 0, bytes = 0;

  // --kernels: the kernel alone on scratch buffers.
  std::optional<Stats> alone;
  int64_t callsPerSample = 1;
  // --profile: the kernel inside whole-model runs (milliseconds per run).
  std::optional<Stats> inModel;

  /// Derived from `alone` (or `inModel` without it) and the peak.
  double gflops(double ms) const { return ms > 0 ? (double)flops / ms / 1e6 : 0; }
  double gbps(double ms) const { return ms > 0 ? (double)bytes / ms / 1e6 : 0; }
  /// Memory-bound when its FLOPs per byte are below the machine's balance
  /// point (peak GFLOP/s / peak GB/s).
  bool memoryBound(const Peak &peak) const {
    return bytes > 0 && peak.gbps > 0 &&
           (double)flops / (double)bytes < peak.gflops / peak.gbps;
  }
  std::string label() const; // "conv /layer1/layer1.0/conv1/Conv"
};

/// A model input or output as it was run.
struct TensorShape {
  std::string name;
  int dtype = 0; // ONNX TensorProto.DataType
  std::vector<int64_t> shape;
  std::string str() const; // "x f32[1,3,224,224]"
};

struct BenchResult {
  std::string model;
  std::vector<TensorShape> inputs, outputs; // the shapes run
  int threads = 1, warmup = 0;
  Stats whole;                   // whole-model latency
  std::optional<Peak> peak;      // with --kernels (and --profile for GFLOP/s)
  std::vector<KernelRow> kernels;
  bool kernelsTimed = false, profiled = false;
  Stats profiledRun;             // whole runs with the profiling hook on
  double kernelSumMs = 0;        // sum over kernels of their median in-model time
};

void printText(const BenchResult &r, std::ostream &os);
void printJson(const BenchResult &r, std::ostream &os);
/// A self-contained page (inline SVG, no network resources).
std::string renderHtml(const BenchResult &r);
/// The main chart alone: the profile if there is one, else the kernels.
std::string renderSvg(const BenchResult &r);

} // namespace tessel::bench

#endif
