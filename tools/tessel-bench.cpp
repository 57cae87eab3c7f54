//===- tessel-bench.cpp - Latency of a compiled model and of its kernels --===//
//
//   tessel-bench MODEL.so [--threads N] [--iterations N] [--warmup N] [--json]
//                         [--kernels] [--profile] [--peak-gflops X] [--peak-gbps X]
//                         [--html FILE] [--svg FILE] [--input NAME=FILE.npy]...
//
// Whole-model latency (median, p10, p90, min); --kernels times every
// generated kernel alone on scratch buffers against the machine's peak;
// --profile times every kernel inside real whole-model runs. Uses only the C
// runtime: no LLVM, no MLIR, and so its own argument parser.
//
//===----------------------------------------------------------------------===//
#include "tessel/tessel.h"
extern "C" {
#include "runtime/src/npy.h" // The runtime's .npy reader (C, no extern "C" of its own).
}
#include "tools/bench/Peak.h"
#include "tools/bench/Report.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <time.h>
#include <vector>

using namespace tessel::bench;

namespace {

const char *kUsage =
    "usage: tessel-bench MODEL.so [options]\n"
    "  --threads N         session threads (default 1; 0: one per core)\n"
    "  --iterations N      timed runs (default: at least 10 runs and 1 s)\n"
    "  --warmup N          untimed runs first (default 2)\n"
    "  --json              one JSON object on stdout instead of tables\n"
    "  --kernels           also time every kernel alone on scratch buffers: median, FLOPs,\n"
    "                      GFLOP/s, fraction of peak, bytes and GB/s\n"
    "  --profile           also time every kernel inside whole-model runs, sorted by share\n"
    "  --peak-gflops X     one core's float32 peak (default: measured once, cached in\n"
    "                      ~/.cache/tessel/peak.json)\n"
    "  --peak-gbps X       one core's memory bandwidth (default: measured with the peak)\n"
    "  --html FILE         write a self-contained HTML report with charts (implies --profile\n"
    "                      unless --kernels is given)\n"
    "  --svg FILE          write the main chart alone as SVG (same rule)\n"
    "  --input NAME=FILE   an input from a .npy file (default: random values)\n"
    "  --shape NAME=DIMS   random values of this shape for input NAME (e.g. x=1x3x224x224;\n"
    "                      empty for a scalar); the runtime checks it against the model.\n"
    "                      The report lists the shapes run\n";

struct Options {
  std::string model, htmlPath, svgPath;
  std::vector<std::string> inputs, shapes;
  int threads = 1, iterations = 0, warmup = 2;
  bool json = false, kernels = false, profile = false;
  double peakGflops = 0, peakGbps = 0;
};

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "tessel-bench: error: %s\n", message.c_str());
  std::exit(1);
}

void check(tessel_status *st, const std::string &context = "") {
  if (!st)
    return;
  std::string message = tessel_status_message(st);
  tessel_status_free(st);
  fail(context.empty() ? message : context + ": " + message);
}

bool parseInt(const std::string &s, int &out) {
  char *end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end || v < 0 || v > 1000000000)
    return false;
  out = (int)v;
  return true;
}

bool parseDouble(const std::string &s, double &out) {
  char *end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && !*end && out > 0 && std::isfinite(out);
}

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], flag = arg, value;
    bool inlineValue = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      flag = arg.substr(0, arg.find('='));
      value = arg.substr(arg.find('=') + 1);
      inlineValue = true;
    }
    auto next = [&]() -> std::string {
      if (inlineValue)
        return value;
      if (i + 1 >= argc)
        fail(flag + " needs a value");
      return argv[++i];
    };
    auto number = [&](int &out) {
      std::string v = next();
      if (!parseInt(v, out))
        fail(flag + " needs a non-negative integer, got '" + v + "'");
    };
    auto real = [&](double &out) {
      std::string v = next();
      if (!parseDouble(v, out))
        fail(flag + " needs a positive number, got '" + v + "'");
    };
    if (flag == "-h" || flag == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag == "--threads") {
      number(o.threads);
    } else if (flag == "--iterations") {
      number(o.iterations);
      if (o.iterations == 0)
        fail("--iterations must be at least 1");
    } else if (flag == "--warmup") {
      number(o.warmup);
    } else if (flag == "--json" && !inlineValue) {
      o.json = true;
    } else if (flag == "--kernels" && !inlineValue) {
      o.kernels = true;
    } else if (flag == "--profile" && !inlineValue) {
      o.profile = true;
    } else if (flag == "--peak-gflops") {
      real(o.peakGflops);
    } else if (flag == "--peak-gbps") {
      real(o.peakGbps);
    } else if (flag == "--html") {
      o.htmlPath = next();
    } else if (flag == "--svg") {
      o.svgPath = next();
    } else if (flag == "--input") {
      o.inputs.push_back(next());
    } else if (flag == "--shape") {
      o.shapes.push_back(next());
    } else if (arg.rfind("-", 0) != 0 && o.model.empty()) {
      o.model = arg;
    } else {
      std::fprintf(stderr, "tessel-bench: error: unexpected argument '%s'\n%s", arg.c_str(),
                   kUsage);
      std::exit(1);
    }
  }
  if (o.model.empty()) {
    std::fputs(kUsage, stderr);
    std::exit(1);
  }
  if ((!o.htmlPath.empty() || !o.svgPath.empty()) && !o.kernels)
    o.profile = true;
  return o;
}

double nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/// A 64-byte aligned buffer (at least 1 byte). `stagger` shifts its start by
/// stagger * 576 bytes modulo 4 KiB, so that a kernel's scratch buffers do
/// not all start at the same offset within a page: same-offset loads and
/// stores falsely depend on each other on x86 (4K aliasing), which would
/// time the allocator's luck rather than the kernel.
struct Buffer {
  void *base = nullptr, *data = nullptr;
  size_t size = 0;
  explicit Buffer(size_t bytes, unsigned stagger = 0) : size(bytes) {
    size_t offset = (stagger * 576) % 4096;
    if (posix_memalign(&base, 4096, (bytes ? bytes : 1) + offset) != 0)
      fail("out of memory allocating " + std::to_string(bytes) + " bytes");
    data = static_cast<char *>(base) + offset;
    std::memset(data, 0, bytes ? bytes : 1);
  }
  Buffer(Buffer &&o) noexcept : base(o.base), data(o.data), size(o.size) { o.base = nullptr; }
  Buffer(const Buffer &) = delete;
  ~Buffer() { std::free(base); }
};

/// Random values in [-1, 1] for floats; zeros (valid indices, false) otherwise.
void fillRandom(Buffer &b, tessel_dtype dtype, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  size_t n = b.size / std::max<size_t>(1, tessel_dtype_size(dtype));
  if (dtype == TESSEL_FLOAT32) {
    float *p = static_cast<float *>(b.data);
    for (size_t i = 0; i < n; ++i)
      p[i] = dist(rng);
  } else if (dtype == TESSEL_FLOAT64) {
    double *p = static_cast<double *>(b.data);
    for (size_t i = 0; i < n; ++i)
      p[i] = dist(rng);
  } else if (dtype == TESSEL_FLOAT16) {
    uint16_t *p = static_cast<uint16_t *>(b.data);
    for (size_t i = 0; i < n; ++i)
      p[i] = (uint16_t)(0x3800 | (rng() & 0x83ff)); // +-[0.5, 1)
  }
}

std::string describeTensor(const tessel_tensor_info &info) {
  return TensorShape{info.name, (int)info.dtype,
                     std::vector<int64_t>(info.shape, info.shape + info.rank)}
      .str();
}

/// Hook state of one profiled run: when each kernel began, and its total.
/// Per-kernel nanoseconds summed over profiled runs.
struct ProfileRun {
  std::vector<uint64_t> total;
};

class Bench {
public:
  explicit Bench(const Options &o) : opts(o), rng(12345) {}

  int run() {
    check(tessel_model_open(opts.model.c_str(), &model));
    result.model = opts.model;
    result.threads = opts.threads;
    result.warmup = opts.warmup;
    prepareIO();
    tessel_session_options so{TESSEL_API_VERSION, opts.threads, sizeof(tessel_session_options)};
    check(tessel_session_create(model, &so, &session));
    describeKernels();

    timeModel();
    if (opts.kernels) {
      if (opts.peakGflops > 0) {
        Peak p;
        p.gflops = opts.peakGflops;
        p.source = "--peak-gflops";
        p.isa = "given";
        p.gbps = opts.peakGbps > 0 ? opts.peakGbps : 0;
        if (p.gbps == 0 && opts.kernels) // Only the bandwidth is missing: measure it.
          p.gbps = loadOrMeasurePeak(!opts.json).gbps;
        result.peak = p;
      } else {
        result.peak = loadOrMeasurePeak(!opts.json);
        if (opts.peakGbps > 0)
          result.peak->gbps = opts.peakGbps;
      }
    }
    if (opts.kernels)
      timeKernels();

    if (opts.json)
      printJson(result, std::cout);
    else
      printText(result, std::cout);
    writeFile(opts.htmlPath, [&] { return renderHtml(result); });
    writeFile(opts.svgPath, [&] { return renderSvg(result); });
    tessel_session_destroy(session);
    tessel_model_close(model);
    return 0;
  }

private:
  const Options &opts;
  std::mt19937 rng;
  tessel_model *model = nullptr;
  tessel_session *session = nullptr;
  std::vector<Buffer> inputs, outputs;
  // The same buffers as tensors with their shapes: runs go through
  // tessel_session_run_tensors, which a model with dynamic dimensions needs.
  std::vector<std::vector<int64_t>> inShapes, outShapes;
  std::vector<tessel_tensor> inTensors, outTensors;
  std::vector<int64_t> kernelNs;
  BenchResult result;

  /// "1x3x224x224" (empty: a scalar) as dimensions; false when malformed.
  static bool parseDims(const std::string &text, std::vector<int64_t> &dims) {
    dims.clear();
    if (text.empty())
      return true;
    size_t start = 0;
    while (true) {
      size_t end = text.find('x', start);
      std::string part = text.substr(start, end == std::string::npos ? end : end - start);
      char *stop = nullptr;
      long long v = std::strtoll(part.c_str(), &stop, 10);
      if (part.empty() || *stop || v < 0)
        return false;
      dims.push_back(v);
      if (end == std::string::npos)
        return true;
      start = end + 1;
    }
  }

  int32_t inputIndex(const std::vector<tessel_tensor_info> &info, const std::string &name) {
    for (size_t i = 0; i < info.size(); ++i)
      if (name == info[i].name)
        return (int32_t)i;
    return -1;
  }

  /// Inputs: random values of the model's shapes, or --shape's, or --input's
  /// .npy data; outputs sized by the runtime for those shapes
  /// (tessel_model_output_shapes, which checks them first).
  void prepareIO() {
    int32_t ni = tessel_model_num_inputs(model), no = tessel_model_num_outputs(model);
    std::vector<tessel_tensor_info> info(ni, tessel_tensor_info{sizeof(tessel_tensor_info)});
    std::vector<std::vector<int64_t>> &shapes = inShapes;
    shapes.resize(ni);
    for (int32_t i = 0; i < ni; ++i) {
      check(tessel_model_input_info(model, i, &info[i]));
      shapes[i].assign(info[i].shape, info[i].shape + info[i].rank);
    }
    std::vector<bool> given(ni, false);
    for (const std::string &spec : opts.shapes) {
      size_t eq = spec.find('=');
      int32_t index = eq == std::string::npos ? -1 : inputIndex(info, spec.substr(0, eq));
      if (index < 0 || !parseDims(spec.substr(eq + 1), shapes[index]))
        fail("--shape " + spec + ": expected NAME=DIMS (e.g. x=1x3x224x224) with NAME one of "
             "the model's inputs");
      if (given[index])
        fail("--shape " + spec + ": input '" + info[index].name + "' given twice");
      given[index] = true;
    }
    std::vector<tessel_tensor> &in = inTensors, &out = outTensors;
    in.resize(ni);
    out.resize(no);
    for (int32_t i = 0; i < ni; ++i) {
      for (size_t d = 0; d < shapes[i].size(); ++d)
        if (shapes[i][d] < 0)
          fail(std::string("input '") + info[i].name + "' has a dynamic dimension " +
               std::to_string(d) +
               (info[i].dim_names[d][0] ? std::string(" ('") + info[i].dim_names[d] + "')" : "") +
               ": give its shape with --shape " + info[i].name +
               "=DIMS (random values; --input files fit static inputs)");
      size_t bytes = tessel_dtype_size(info[i].dtype);
      for (int64_t d : shapes[i]) {
        if (d > 0 && bytes > ((size_t)1 << 40) / (size_t)d)
          fail(std::string("--shape: input '") + info[i].name + "' would need over 1 TiB");
        bytes *= (size_t)d;
      }
      inputs.emplace_back(bytes);
      fillRandom(inputs.back(), info[i].dtype, rng);
      in[i] = {sizeof(tessel_tensor), info[i].dtype, (int32_t)shapes[i].size(),
               shapes[i].data(), inputs.back().data, bytes};
    }
    for (const std::string &spec : opts.inputs) {
      size_t eq = spec.find('=');
      std::string name = spec.substr(0, eq), file = eq == std::string::npos ? "" : spec.substr(eq + 1);
      int32_t index = inputIndex(info, name);
      if (index < 0 || file.empty())
        fail("--input " + spec + ": expected NAME=FILE.npy with NAME one of the model's inputs");
      if (given[index])
        fail("--input " + spec + ": --shape gives input '" + name + "' too; give one of them");
      void *data = nullptr;
      check(tessel_npy_read(file.c_str(), &info[index], &data), "--input " + spec);
      std::memcpy(inputs[index].data, data, info[index].byte_size);
      std::free(data);
    }
    std::vector<tessel_tensor_info> outInfo(no, tessel_tensor_info{sizeof(tessel_tensor_info)});
    outShapes.resize(no);
    for (int32_t i = 0; i < no; ++i) {
      check(tessel_model_output_info(model, i, &outInfo[i]));
      outShapes[i].resize(outInfo[i].rank);
      out[i] = {sizeof(tessel_tensor), outInfo[i].dtype, outInfo[i].rank, outShapes[i].data(),
                nullptr, 0};
    }
    check(tessel_model_output_shapes(model, in.data(), ni, out.data(), no), "input shapes");
    for (int32_t i = 0; i < ni; ++i) {
      result.inputs.push_back({info[i].name, info[i].dtype, shapes[i]});
    }
    for (int32_t i = 0; i < no; ++i) {
      outputs.emplace_back(out[i].byte_size);
      result.outputs.push_back({outInfo[i].name, outInfo[i].dtype, outShapes[i]});
      // A zero-byte output still needs a pointer (data NULL asks the run to
      // allocate it).
      static char noBytes;
      out[i].data = out[i].byte_size ? outputs[i].data : &noBytes;
    }
  }


  void describeKernels() {
    int32_t n = tessel_model_num_kernels(model);
    for (int32_t k = 0; k < n; ++k) {
      tessel_kernel_info info = {sizeof info};
      check(tessel_model_kernel_info(model, k, &info));
      KernelRow row;
      row.index = k;
      row.name = info.name;
      row.op = info.op;
      for (int32_t i = 0; i < info.num_nodes; ++i)
        row.nodes.push_back(info.nodes[i]);
      row.flops = info.flops;
      row.bytes = info.bytes;
      for (int32_t a = 0; a < info.num_inputs + info.num_outputs; ++a) {
        tessel_tensor_info arg = {sizeof arg};
        check(tessel_model_kernel_arg_info(model, k, a, &arg));
        row.args.push_back(describeTensor(arg));
      }
      result.kernels.push_back(row);
    }
  }

  void runOnce(ProfileRun *profile) {
    int32_t ni = inTensors.size(), no = outTensors.size();
    if (!profile) {
      check(tessel_session_run_tensors(session, inTensors.data(), ni, outTensors.data(), no));
      return;
    }
    kernelNs.resize(profile->total.size());
    check(tessel_session_run_tensors_profiled(session, inTensors.data(), ni, outTensors.data(),
                                              no, kernelNs.data()));
    for (size_t k = 0; k < kernelNs.size(); ++k)
      profile->total[k] += (uint64_t)kernelNs[k];
  }

  /// Whole-model runs: warm-up, then the timed runs. With --profile, every
  /// timed run is followed by a profiled one (the kernel hook on), so that
  /// both see the same machine: their medians, and the sum of the kernels'
  /// medians, are comparable even on a busy machine.
  void timeModel() {
    size_t numKernels = result.kernels.size();
    ProfileRun profile;
    profile.total.assign(numKernels, 0);
    for (int i = 0; i < opts.warmup; ++i) {
      runOnce(nullptr);
      if (opts.profile)
        runOnce(&profile);
    }
    std::vector<double> whole, profiled;
    std::vector<std::vector<double>> perKernel(numKernels);
    double start = nowMs();
    while (true) {
      if (opts.iterations ? (int)whole.size() >= opts.iterations
                          : whole.size() >= 10 && nowMs() - start >= 1000.0)
        break;
      if (!opts.iterations && whole.size() >= 100000)
        break;
      double t0 = nowMs();
      runOnce(nullptr);
      whole.push_back(nowMs() - t0);
      if (!opts.profile)
        continue;
      std::fill(profile.total.begin(), profile.total.end(), 0);
      t0 = nowMs();
      runOnce(&profile);
      profiled.push_back(nowMs() - t0);
      for (size_t k = 0; k < numKernels; ++k)
        perKernel[k].push_back((double)profile.total[k] * 1e-6);
    }
    result.whole = summarize(whole);
    if (!opts.profile)
      return;
    result.profiledRun = summarize(profiled);
    result.kernelSumMs = 0;
    for (size_t k = 0; k < numKernels; ++k) {
      result.kernels[k].inModel = summarize(perKernel[k]);
      result.kernelSumMs += result.kernels[k].inModel->median;
    }
    result.profiled = true;
  }

  /// Each kernel alone: scratch buffers, one warm-up call, then samples of
  /// `calls` back-to-back calls, each sample at least ~0.2 ms so that the
  /// clock's resolution does not matter.
  void timeKernels() {
    for (KernelRow &row : result.kernels) {
      tessel_kernel_info info = {sizeof info};
      check(tessel_model_kernel_info(model, row.index, &info));
      std::vector<Buffer> args;
      std::vector<void *> ptrs;
      std::vector<size_t> sizes;
      for (int32_t a = 0; a < info.num_inputs + info.num_outputs; ++a) {
        tessel_tensor_info arg = {sizeof arg};
        check(tessel_model_kernel_arg_info(model, row.index, a, &arg));
        args.emplace_back(arg.byte_size, (unsigned)a);
        if (a < info.num_inputs)
          fillRandom(args.back(), arg.dtype, rng);
        ptrs.push_back(args.back().data);
        sizes.push_back(arg.byte_size);
      }
      auto call = [&] { check(tessel_model_run_kernel(model, row.index, ptrs.data(), sizes.data())); };
      double t0 = nowMs();
      call();
      double once = std::max(nowMs() - t0, 1e-5);
      int64_t calls = std::max<int64_t>(1, (int64_t)std::ceil(0.2 / once));
      std::vector<double> samples;
      int wanted = opts.iterations ? opts.iterations : 0;
      double start = nowMs();
      while (true) {
        if (wanted ? (int)samples.size() >= wanted
                   : samples.size() >= 5 && (nowMs() - start >= 100.0 || samples.size() >= 200))
          break;
        double s0 = nowMs();
        for (int64_t c = 0; c < calls; ++c)
          call();
        samples.push_back((nowMs() - s0) / (double)calls);
      }
      row.alone = summarize(samples);
      row.callsPerSample = calls;
    }
    result.kernelsTimed = true;
  }

  template <typename Render> void writeFile(const std::string &path, Render render) {
    if (path.empty())
      return;
    std::ofstream out(path);
    out << render();
    out.close();
    if (!out)
      fail("cannot write '" + path + "'");
  }
};

} // namespace

int main(int argc, char **argv) {
  Options opts = parseArgs(argc, argv);
  return Bench(opts).run();
}
