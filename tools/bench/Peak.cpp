//===- Peak.cpp - Measuring one core's FMA peak and memory bandwidth ------===//
//
// The FLOP peak is a loop of independent fused multiply-adds on full vector
// registers (24 zmm accumulators with AVX-512, 12 ymm with AVX2: more than
// FMA latency x FMA ports on current x86 cores), timed for ~0.1 s, best of 5.
// The bandwidth is a scale-copy over two 64 MiB arrays (beyond the last-level
// cache), counting bytes read + written, best of 3.
//
//===----------------------------------------------------------------------===//
#include "tools/bench/Peak.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <time.h>
#include <vector>

namespace tessel::bench {
namespace {

/// Changes whenever the measurement changes, so that old caches are redone.
const char *kMethod = "fma-loop-cputime-1";

/// This thread's CPU time: the peak of the core is what we want, not the
/// share of it that a loaded machine gives us (time slices of other
/// processes do not count).
double now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

__attribute__((target("avx512f"), noinline)) float fmaLoopAvx512(long iterations) {
  constexpr int kAcc = 24;
  __m512 acc[kAcc];
  for (int j = 0; j < kAcc; ++j)
    acc[j] = _mm512_set1_ps(0.001f * (float)j);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-6f);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 24
    for (int j = 0; j < kAcc; ++j)
      acc[j] = _mm512_fmadd_ps(acc[j], a, b);
  }
  float out[16], total = 0;
  __m512 sum = acc[0];
  for (int j = 1; j < kAcc; ++j)
    sum = _mm512_add_ps(sum, acc[j]);
  _mm512_storeu_ps(out, sum);
  for (float v : out)
    total += v;
  return total;
}

__attribute__((target("avx2,fma"), noinline)) float fmaLoopAvx2(long iterations) {
  constexpr int kAcc = 12;
  __m256 acc[kAcc];
  for (int j = 0; j < kAcc; ++j)
    acc[j] = _mm256_set1_ps(0.001f * (float)j);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-6f);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int j = 0; j < kAcc; ++j)
      acc[j] = _mm256_fmadd_ps(acc[j], a, b);
  }
  float out[8], total = 0;
  __m256 sum = acc[0];
  for (int j = 1; j < kAcc; ++j)
    sum = _mm256_add_ps(sum, acc[j]);
  _mm256_storeu_ps(out, sum);
  for (float v : out)
    total += v;
  return total;
}

__attribute__((noinline)) float fmaLoopScalar(long iterations) {
  constexpr int kAcc = 8;
  float acc[kAcc];
  for (int j = 0; j < kAcc; ++j)
    acc[j] = 0.001f * (float)j;
  for (long i = 0; i < iterations; ++i)
    for (int j = 0; j < kAcc; ++j)
      acc[j] = acc[j] * 0.999999f + 1e-6f;
  float total = 0;
  for (float v : acc)
    total += v;
  return total;
}

volatile float sink;

/// GFLOP/s of `loop`, which does `flopsPerIteration` per iteration.
double timeFmaLoop(float (*loop)(long), double flopsPerIteration) {
  long iterations = 1 << 16;
  double best = 0;
  // Grow until one timing takes ~0.1 s, then keep the best of 5.
  for (int round = 0, kept = 0; kept < 5 && round < 40; ++round) {
    double start = now();
    sink = loop(iterations);
    double seconds = now() - start;
    if (seconds < 0.05) {
      iterations *= 2;
      continue;
    }
    best = std::max(best, flopsPerIteration * (double)iterations / seconds / 1e9);
    ++kept;
  }
  return best;
}

double measureBandwidth() {
  const size_t n = (64u << 20) / sizeof(float);
  std::vector<float> a(n, 1.0f), b(n, 0.0f); // Touches every page before timing.
  double best = 0;
  for (int round = 0; round < 4; ++round) {
    float scale = 1.0f + 1e-7f * (float)round;
    double start = now();
    for (size_t i = 0; i < n; ++i)
      b[i] = a[i] * scale;
    double seconds = now() - start;
    sink = b[n / 2];
    if (round > 0) // The first round warms the TLB and the prefetchers.
      best = std::max(best, 2.0 * (double)n * sizeof(float) / seconds / 1e9);
  }
  return best;
}

std::string bestIsa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "avx2";
  return "scalar";
}

std::string cachePath() {
  const char *xdg = std::getenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  std::string base = xdg && *xdg ? xdg : home && *home ? std::string(home) + "/.cache" : "";
  return base.empty() ? "" : base + "/tessel/peak.json";
}

/// The text after `"key":` in a flat JSON object, or "".
std::string jsonValue(const std::string &text, const std::string &key) {
  size_t at = text.find("\"" + key + "\"");
  if (at == std::string::npos)
    return "";
  at = text.find(':', at);
  if (at == std::string::npos)
    return "";
  ++at;
  while (at < text.size() && text[at] == ' ')
    ++at;
  if (at < text.size() && text[at] == '"') {
    size_t end = text.find('"', at + 1);
    return end == std::string::npos ? "" : text.substr(at + 1, end - at - 1);
  }
  size_t end = text.find_first_of(",}\n", at);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string jsonEscape(const std::string &s) {
  std::string out;
  for (char c : s)
    if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if ((unsigned char)c >= 0x20)
      out += c;
  return out;
}

void makeParents(const std::string &path) {
  for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1))
    mkdir(path.substr(0, at).c_str(), 0755);
}

} // namespace

std::string cpuDescription() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos)
        model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  return model + " (" + bestIsa() + ")";
}

Peak measurePeak() {
  Peak p;
  p.isa = bestIsa();
  if (p.isa == "avx512")
    p.gflops = timeFmaLoop(fmaLoopAvx512, 24 * 16 * 2);
  else if (p.isa == "avx2")
    p.gflops = timeFmaLoop(fmaLoopAvx2, 12 * 8 * 2);
  else
    p.gflops = timeFmaLoop(fmaLoopScalar, 8 * 2);
  p.gbps = measureBandwidth();
  p.source = "measured";
  return p;
}

Peak loadOrMeasurePeak(bool verbose) {
  std::string path = cachePath(), cpu = cpuDescription();
  if (!path.empty()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    Peak p;
    p.gflops = std::atof(jsonValue(text.str(), "gflops").c_str());
    p.gbps = std::atof(jsonValue(text.str(), "gbps").c_str());
    p.isa = jsonValue(text.str(), "isa");
    if (jsonValue(text.str(), "cpu") == jsonEscape(cpu) &&
        jsonValue(text.str(), "method") == kMethod && p.gflops > 0 && p.gbps > 0) {
      p.source = "cache " + path;
      return p;
    }
  }
  if (verbose)
    std::fprintf(stderr, "tessel-bench: measuring this core's peak (once; cached in %s)\n",
                 path.empty() ? "nowhere: no HOME" : path.c_str());
  Peak p = measurePeak();
  if (!path.empty()) {
    makeParents(path);
    std::ofstream out(path);
    out << "{\"cpu\": \"" << jsonEscape(cpu) << "\", \"method\": \"" << kMethod
        << "\", \"isa\": \"" << p.isa
        << "\", \"gflops\": " << p.gflops << ", \"gbps\": " << p.gbps << "}\n";
    // A cache we cannot write is no error: we measure again next time.
  }
  return p;
}

} // namespace tessel::bench
