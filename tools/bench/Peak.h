//===- Peak.h - The machine's single-core peak, measured once and cached --===//
#ifndef TESSEL_TOOLS_BENCH_PEAK_H
#define TESSEL_TOOLS_BENCH_PEAK_H

#include <string>

namespace tessel::bench {

struct Peak {
  double gflops = 0;     // float32 FMA throughput of one core
  double gbps = 0;       // one core's streaming bandwidth (read + write) to memory
  std::string isa;       // "avx512", "avx2" or "scalar": the loop that measured gflops
  std::string source;    // "measured", "cache <path>" or "--peak-gflops"
};

/// The CPU's model name and vector ISA, the key of the cache.
std::string cpuDescription();

/// Peak from the cache ($XDG_CACHE_HOME/tessel/peak.json, else
/// ~/.cache/tessel/peak.json) when it was measured on this CPU, else measured
/// now (about a second) and cached. `log` gets one line when it measures.
Peak loadOrMeasurePeak(bool verbose);

/// Measures now, without the cache.
Peak measurePeak();

} // namespace tessel::bench

#endif
