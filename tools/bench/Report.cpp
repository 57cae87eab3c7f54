//===- Report.cpp - Text, JSON, HTML and SVG reports of tessel-bench ------===//
#include "tools/bench/Report.h"

#include <algorithm>
#include <cstdarg>
#include <functional>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace tessel::bench {

namespace {

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string join(const std::vector<std::string> &parts, const std::string &sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? sep : "") + parts[i];
  return out;
}

/// "35 ns", "57.1 us", "1.234 ms".
std::string timeText(double ms) {
  if (ms < 1e-3)
    return format("%.0f ns", ms * 1e6);
  return ms < 1.0 ? format("%.1f us", ms * 1e3) : format("%.3f ms", ms);
}

std::string shortOp(const std::string &op) {
  return op.rfind("tessel.", 0) == 0 ? op.substr(7) : op;
}

std::string truncate(const std::string &s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

/// Keeps both ends, which name the kernel ("#38 conv") and the node ("/Conv").
std::string truncateMiddle(const std::string &s, size_t n) {
  if (s.size() <= n)
    return s;
  size_t head = (n - 3) / 2, tail = n - 3 - head;
  return s.substr(0, head) + "..." + s.substr(s.size() - tail);
}

double percentile(const std::vector<double> &sorted, double q) {
  if (sorted.empty())
    return 0;
  double pos = q * (double)(sorted.size() - 1);
  size_t lo = (size_t)std::floor(pos), hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - (double)lo);
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if ((unsigned char)c < 0x20)
        out += format("\\u%04x", c);
      else
        out += c;
    }
  }
  return out + "\"";
}

std::string jsonNumber(double v) {
  if (!std::isfinite(v))
    return "null";
  return format("%.9g", v);
}

std::string xml(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

/// Kernels in decreasing in-model time (the profile's order).
std::vector<const KernelRow *> byProfileTime(const BenchResult &r) {
  std::vector<const KernelRow *> rows;
  for (const KernelRow &k : r.kernels)
    if (k.inModel)
      rows.push_back(&k);
  std::stable_sort(rows.begin(), rows.end(), [](const KernelRow *a, const KernelRow *b) {
    return a->inModel->median > b->inModel->median;
  });
  return rows;
}

const char *kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string opColor(const std::string &op) {
  size_t h = std::hash<std::string>()(op);
  return kPalette[h % (sizeof kPalette / sizeof *kPalette)];
}

struct Bar {
  std::string label, valueText, tooltip, color;
  double value = 0;
};

/// A horizontal bar chart: one row per bar, label left, value text right.
std::string barChart(const std::string &title, const std::vector<Bar> &bars, double maxValue,
                     const std::string &footnote) {
  const int labelWidth = 430, barWidth = 440, textWidth = 200, rowHeight = 18, top = 34;
  int height = top + rowHeight * (int)bars.size() + 30;
  int width = labelWidth + barWidth + textWidth;
  std::ostringstream os;
  os << format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
               width, height, width, height);
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  os << format("<text x=\"4\" y=\"18\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
               xml(title).c_str());
  if (maxValue <= 0)
    maxValue = 1;
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar &b = bars[i];
    int y = top + rowHeight * (int)i;
    double w = std::max(1.0, barWidth * std::min(1.0, b.value / maxValue));
    os << "<g><title>" << xml(b.tooltip) << "</title>";
    os << format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 6,
                 y + 13, xml(truncateMiddle(b.label, 64)).c_str());
    os << format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                 labelWidth, y + 2, w, rowHeight - 4, b.color.c_str());
    os << format("<text x=\"%.1f\" y=\"%d\">%s</text></g>\n", labelWidth + w + 4, y + 13,
                 xml(b.valueText).c_str());
  }
  os << format("<text x=\"4\" y=\"%d\" fill=\"#555\">%s</text>\n", height - 10,
               xml(footnote).c_str());
  os << "</svg>\n";
  return os.str();
}

std::string profileChart(const BenchResult &r) {
  std::vector<Bar> bars;
  double maxMs = 0;
  for (const KernelRow *k : byProfileTime(r)) {
    double ms = k->inModel->median;
    double share = r.profiledRun.median > 0 ? ms / r.profiledRun.median : 0;
    maxMs = std::max(maxMs, ms);
    bars.push_back({format("#%d ", k->index) + k->label(),
                    timeText(ms) + format("  %.1f%%", 100 * share),
                    k->name + "\nONNX: " + join(k->nodes, ", ") + "\n" + join(k->args, ", ") +
                        format("\n%.3f ms per run (p10 %.3f, p90 %.3f)", ms, k->inModel->p10,
                               k->inModel->p90),
                    opColor(k->op), ms});
  }
  std::string footnote = format(
      "kernels add up to %.3f ms = %.1f%% of the whole-model median %.3f ms (profiled runs: "
      "median %.3f ms); shares are of the profiled run",
      r.kernelSumMs, r.whole.median > 0 ? 100 * r.kernelSumMs / r.whole.median : 0,
      r.whole.median, r.profiledRun.median);
  return barChart("Where the time goes: each kernel inside whole-model runs", bars, maxMs,
                  footnote);
}

std::string kernelsChart(const BenchResult &r) {
  std::vector<Bar> bars;
  const Peak &peak = *r.peak;
  for (const KernelRow &k : r.kernels) {
    if (!k.alone)
      continue;
    double ms = k.alone->median;
    bool mem = k.memoryBound(peak);
    double fraction = peak.gflops > 0 ? k.gflops(ms) / peak.gflops : 0;
    std::string text = format("%.1f GFLOP/s, %.1f%%", k.gflops(ms), 100 * fraction);
    if (mem)
      text += format("; %.1f GB/s", k.gbps(ms));
    bars.push_back({format("#%d ", k.index) + k.label(), text,
                    k.name + "\nONNX: " + join(k.nodes, ", ") + "\n" + join(k.args, ", ") +
                        format("\n%.4f ms alone, %.3g FLOP, %.3g bytes", ms, (double)k.flops,
                               (double)k.bytes),
                    mem ? "#76b7b2" : "#4e79a7", fraction});
  }
  return barChart("How far each kernel is from the peak (alone, scratch buffers)", bars, 1.0,
                  format("fraction of %.1f GFLOP/s (one core, %s); teal: memory-bound (below "
                         "%.1f FLOP/byte), see GB/s",
                         peak.gflops, peak.source.c_str(),
                         peak.gbps > 0 ? peak.gflops / peak.gbps : 0.0));
}

} // namespace

std::string KernelRow::label() const {
  std::string nodeText = nodes.empty() ? name : join(nodes, ", ");
  return shortOp(op) + " " + nodeText;
}

std::string TensorShape::str() const {
  static const char *names[] = {"?",   "f32", "u8",  "i8",  "?",  "i16",
                                "i32", "i64", "?",   "bool", "f16", "f64"};
  std::string s = name + " " + (dtype >= 0 && dtype <= 11 ? names[dtype] : "?") + "[";
  for (size_t d = 0; d < shape.size(); ++d)
    s += (d ? "," : "") + std::to_string(shape[d]);
  return s + "]";
}

Stats summarize(std::vector<double> samples) {
  Stats s;
  if (samples.empty())
    return s;
  std::sort(samples.begin(), samples.end());
  s.count = samples.size();
  s.median = percentile(samples, 0.5);
  s.p10 = percentile(samples, 0.1);
  s.p90 = percentile(samples, 0.9);
  s.min = samples.front();
  s.max = samples.back();
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / (double)samples.size();
  return s;
}

void printText(const BenchResult &r, std::ostream &os) {
  os << format("%s: %d thread%s, %zu runs after %d warm-up\n", r.model.c_str(), r.threads,
               r.threads == 1 ? "" : "s", r.whole.count, r.warmup);
  for (const auto *tensors : {&r.inputs, &r.outputs}) {
    if (tensors->empty())
      continue;
    os << (tensors == &r.inputs ? "inputs: " : "outputs: ");
    for (size_t i = 0; i < tensors->size(); ++i)
      os << (i ? ", " : "") << (*tensors)[i].str();
    os << "\n";
  }
  os << format("whole model: median %.3f ms  p10 %.3f  p90 %.3f  min %.3f\n", r.whole.median,
               r.whole.p10, r.whole.p90, r.whole.min);
  if (r.peak)
    os << format("peak: %.1f GFLOP/s float32 FMA (%s), %.1f GB/s, one core (%s)\n",
                 r.peak->gflops, r.peak->isa.c_str(), r.peak->gbps, r.peak->source.c_str());

  if (r.kernelsTimed) {
    const Peak &peak = *r.peak;
    os << "\nkernels, each alone on scratch buffers (%peak: of the FLOP peak; GB/s and %bw of "
          "the memory bandwidth for memory-bound ones):\n";
    os << format("%4s  %-12s %11s %10s %9s %6s %9s %8s %6s  %s\n", "#", "op", "median us",
                 "MFLOP", "GFLOP/s", "%peak", "MB", "GB/s", "%bw", "kernel [ONNX nodes]");
    double sum = 0;
    for (const KernelRow &k : r.kernels) {
      if (!k.alone)
        continue;
      double ms = k.alone->median;
      sum += ms;
      bool mem = k.memoryBound(peak);
      std::string gbps = mem ? format("%8.2f", k.gbps(ms)) : std::string(8, ' ');
      std::string bw = mem && peak.gbps > 0 ? format("%5.0f%%", 100 * k.gbps(ms) / peak.gbps)
                                            : std::string(6, ' ');
      os << format("%4d  %-12s %11.2f %10.2f %9.2f %5.1f%% %9.3f %s %s  %s [%s]\n", k.index,
                   truncate(shortOp(k.op), 12).c_str(), ms * 1e3, (double)k.flops / 1e6,
                   k.gflops(ms), peak.gflops > 0 ? 100 * k.gflops(ms) / peak.gflops : 0.0,
                   (double)k.bytes / 1e6, gbps.c_str(), bw.c_str(), k.name.c_str(),
                   join(k.nodes, ", ").c_str());
    }
    os << format("%zu kernels; their medians alone add up to %.3f ms (whole model %.3f ms)\n",
                 r.kernels.size(), sum, r.whole.median);
  }

  if (r.profiled) {
    os << format("\nprofile: each kernel inside %zu whole-model runs, by share of the run:\n",
                 r.profiledRun.count);
    os << format("%7s %7s %11s %9s  %4s  %s\n", "share", "cum", "median us", "GFLOP/s", "#",
                 "kernel [ONNX nodes]");
    double cum = 0;
    for (const KernelRow *k : byProfileTime(r)) {
      double ms = k->inModel->median;
      double share = r.profiledRun.median > 0 ? ms / r.profiledRun.median : 0;
      cum += share;
      os << format("%6.1f%% %6.1f%% %11.2f %9.2f  %4d  %s [%s]\n", 100 * share, 100 * cum, ms * 1e3,
                   k->gflops(ms), k->index, k->name.c_str(), join(k->nodes, ", ").c_str());
    }
    os << format("kernels add up to %.3f ms = %.1f%% of the whole-model median %.3f ms; "
                 "profiled runs (interleaved with those): median %.3f ms, %.3f ms outside "
                 "kernels\n",
                 r.kernelSumMs, r.whole.median > 0 ? 100 * r.kernelSumMs / r.whole.median : 0,
                 r.whole.median, r.profiledRun.median, r.profiledRun.median - r.kernelSumMs);
  }
}

void printJson(const BenchResult &r, std::ostream &os) {
  auto stats = [](const Stats &s) {
    return format("\"median_ms\": %s, \"p10_ms\": %s, \"p90_ms\": %s, \"min_ms\": %s, "
                  "\"max_ms\": %s, \"mean_ms\": %s, \"runs\": %zu",
                  jsonNumber(s.median).c_str(), jsonNumber(s.p10).c_str(),
                  jsonNumber(s.p90).c_str(), jsonNumber(s.min).c_str(), jsonNumber(s.max).c_str(),
                  jsonNumber(s.mean).c_str(), s.count);
  };
  os << "{\"model\": " << jsonString(r.model) << ", \"threads\": " << r.threads
     << ", \"warmup\": " << r.warmup << ", " << stats(r.whole);
  for (const auto *tensors : {&r.inputs, &r.outputs}) {
    os << ", \"" << (tensors == &r.inputs ? "inputs" : "outputs") << "\": [";
    for (size_t i = 0; i < tensors->size(); ++i) {
      const TensorShape &t = (*tensors)[i];
      os << (i ? ", " : "") << "{\"name\": " << jsonString(t.name) << ", \"dtype\": " << t.dtype
         << ", \"shape\": [";
      for (size_t d = 0; d < t.shape.size(); ++d)
        os << (d ? ", " : "") << t.shape[d];
      os << "]}";
    }
    os << "]";
  }
  if (r.peak)
    os << ", \"peak\": {\"gflops\": " << jsonNumber(r.peak->gflops)
       << ", \"gbps\": " << jsonNumber(r.peak->gbps) << ", \"isa\": " << jsonString(r.peak->isa)
       << ", \"source\": " << jsonString(r.peak->source) << "}";
  auto kernelCommon = [&](const KernelRow &k) {
    std::string nodes;
    for (size_t i = 0; i < k.nodes.size(); ++i)
      nodes += (i ? ", " : "") + jsonString(k.nodes[i]);
    std::string args;
    for (size_t i = 0; i < k.args.size(); ++i)
      args += (i ? ", " : "") + jsonString(k.args[i]);
    return format("\"index\": %d, ", k.index) + "\"name\": " + jsonString(k.name) +
           ", \"op\": " + jsonString(k.op) + ", \"nodes\": [" + nodes + "], \"args\": [" + args +
           "], " + format("\"flops\": %lld, \"bytes\": %lld", (long long)k.flops,
                          (long long)k.bytes);
  };
  if (r.kernelsTimed) {
    os << ", \"kernels\": [";
    bool first = true;
    for (const KernelRow &k : r.kernels) {
      if (!k.alone)
        continue;
      double ms = k.alone->median;
      os << (first ? "\n  {" : ",\n  {") << kernelCommon(k) << ", " << stats(*k.alone)
         << format(", \"calls_per_sample\": %lld", (long long)k.callsPerSample)
         << ", \"gflops\": " << jsonNumber(k.gflops(ms))
         << ", \"peak_fraction\": " << jsonNumber(r.peak->gflops > 0 ? k.gflops(ms) / r.peak->gflops : 0)
         << ", \"gbps\": " << jsonNumber(k.gbps(ms))
         << ", \"bandwidth_fraction\": " << jsonNumber(r.peak->gbps > 0 ? k.gbps(ms) / r.peak->gbps : 0)
         << ", \"bound\": " << jsonString(k.memoryBound(*r.peak) ? "memory" : "compute") << "}";
      first = false;
    }
    os << "]";
  }
  if (r.profiled) {
    os << ", \"profile\": {" << stats(r.profiledRun)
       << ", \"kernel_sum_ms\": " << jsonNumber(r.kernelSumMs) << ", \"kernel_sum_fraction\": "
       << jsonNumber(r.whole.median > 0 ? r.kernelSumMs / r.whole.median : 0)
       << ", \"kernels\": [";
    bool first = true;
    for (const KernelRow *k : byProfileTime(r)) {
      double ms = k->inModel->median;
      os << (first ? "\n  {" : ",\n  {") << kernelCommon(*k) << ", " << stats(*k->inModel)
         << ", \"share\": "
         << jsonNumber(r.profiledRun.median > 0 ? ms / r.profiledRun.median : 0)
         << ", \"gflops\": " << jsonNumber(k->gflops(ms)) << "}";
      first = false;
    }
    os << "]}";
  }
  os << "}\n";
}

std::string renderSvg(const BenchResult &r) {
  if (r.profiled)
    return profileChart(r);
  if (r.kernelsTimed)
    return kernelsChart(r);
  return barChart("Whole model", {{r.model, format("%.3f ms median", r.whole.median), "",
                                   "#4e79a7", r.whole.median}},
                  r.whole.median, "");
}

std::string renderHtml(const BenchResult &r) {
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tessel-bench: "
     << xml(r.model) << "</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
     << "table{border-collapse:collapse;font-size:12px}td,th{padding:2px 8px;text-align:right;"
        "border-bottom:1px solid #ddd}td.l,th.l{text-align:left}h2{margin-top:32px}</style>"
        "</head><body>\n";
  os << "<h1>tessel-bench: " << xml(r.model) << "</h1>\n";
  os << format("<p>%d thread%s, %zu runs after %d warm-up. Whole model: <b>median %.3f ms</b>, "
               "p10 %.3f, p90 %.3f, min %.3f.</p>\n",
               r.threads, r.threads == 1 ? "" : "s", r.whole.count, r.warmup, r.whole.median,
               r.whole.p10, r.whole.p90, r.whole.min);
  if (r.peak)
    os << format("<p>Peak of one core: %.1f GFLOP/s float32 FMA (%s), %.1f GB/s (%s).</p>\n",
                 r.peak->gflops, r.peak->isa.c_str(), r.peak->gbps,
                 xml(r.peak->source).c_str());
  if (r.profiled) {
    os << "<h2>Profile</h2>\n" << profileChart(r);
    os << "<table><tr><th>share</th><th>median ms</th><th>p10</th><th>p90</th><th>GFLOP/s</th>"
          "<th>#</th><th class=l>op</th><th class=l>kernel</th><th class=l>ONNX nodes</th></tr>\n";
    for (const KernelRow *k : byProfileTime(r)) {
      double ms = k->inModel->median;
      os << format("<tr><td>%.1f%%</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.2f</td>"
                   "<td>%d</td>",
                   r.profiledRun.median > 0 ? 100 * ms / r.profiledRun.median : 0, ms,
                   k->inModel->p10, k->inModel->p90, k->gflops(ms), k->index)
         << "<td class=l>" << xml(shortOp(k->op)) << "</td><td class=l>" << xml(k->name)
         << "</td><td class=l>" << xml(join(k->nodes, ", ")) << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  if (r.kernelsTimed) {
    os << "<h2>Kernels alone</h2>\n" << kernelsChart(r);
    os << "<table><tr><th>#</th><th class=l>op</th><th>median ms</th><th>MFLOP</th>"
          "<th>GFLOP/s</th><th>% peak</th><th>MB</th><th>GB/s</th><th class=l>bound</th>"
          "<th class=l>kernel</th><th class=l>ONNX nodes</th><th class=l>arguments</th></tr>\n";
    for (const KernelRow &k : r.kernels) {
      if (!k.alone)
        continue;
      double ms = k.alone->median;
      os << format("<tr><td>%d</td><td class=l>%s</td><td>%.4f</td><td>%.2f</td><td>%.2f</td>"
                   "<td>%.1f%%</td><td>%.3f</td><td>%.2f</td><td class=l>%s</td>",
                   k.index, xml(shortOp(k.op)).c_str(), ms, (double)k.flops / 1e6, k.gflops(ms),
                   r.peak->gflops > 0 ? 100 * k.gflops(ms) / r.peak->gflops : 0,
                   (double)k.bytes / 1e6, k.gbps(ms),
                   k.memoryBound(*r.peak) ? "memory" : "compute")
         << "<td class=l>" << xml(k.name) << "</td><td class=l>" << xml(join(k.nodes, ", "))
         << "</td><td class=l>" << xml(join(k.args, ", ")) << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  os << "<p style=\"color:#777\">FLOPs and bytes per kernel are computed at compile time from "
        "the shapes (tessel-outline-kernels); a multiply-add counts 2.</p>\n</body></html>\n";
  return os.str();
}

} // namespace tessel::bench
