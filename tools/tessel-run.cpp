//===- tessel-run.cpp - Run a compiled model and check its outputs --------===//
//
//   tessel-run MODEL.so --data DIR            (ONNX backend test layout)
//   tessel-run MODEL.so --input x=x.npy --output-dir out/
//
// Inputs come from DIR/input_<i>.pb or --input NAME=FILE (.pb or .npy);
// outputs are compared with DIR/output_<i>.pb when present (|a-e| <= atol +
// rtol*|e|, as numpy.allclose). Exit code 0 only if every output matches.
// Every output gets its shape and min/max/mean; a mismatch lists the worst
// elements (by how far they are beyond the tolerance) with their indices.
//
//===----------------------------------------------------------------------===//
#include "frontend/TensorLoader.h"
#include "tessel/tessel.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <fmt/format.h>

using namespace llvm;
using tessel::TensorData;

namespace {

// Plain argument parsing: libLLVM's global options (it registers its own
// --threads) must not collide with ours.
struct Options {
  std::string modelPath, dataDir, outputDir;
  std::vector<std::string> inputFiles;
  double relTol = 1e-3, absTol = 1e-4;
  int threads = 1;
};

const char *kUsage =
    "usage: tessel-run MODEL.so [--data DIR] [--input NAME=FILE]... [--output-dir DIR]\n"
    "                  [--rtol R] [--atol A] [--threads N]\n"
    "  --data DIR         inputs from DIR/input_<i>.pb; outputs checked against\n"
    "                     DIR/output_<i>.pb when present\n"
    "  --input NAME=FILE  an input from a .pb (TensorProto) or .npy file\n"
    "  --output-dir DIR   write output <i> as DIR/output_<i>.npy (DIR is created)\n"
    "  --rtol, --atol     tolerances: |got-expected| <= atol + rtol*|expected|\n"
    "                     (defaults 1e-3 and 1e-4)\n"
    "  --threads N        threads for the session (0: one per core)\n";

std::optional<Options> parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (arg.contains('='))
        return arg.split('=').second.str();
      if (i + 1 < argc)
        return std::string(argv[++i]);
      errs() << "tessel-run: error: " << arg << " needs a value\n";
      return std::nullopt;
    };
    auto flag = arg.split('=').first;
    std::optional<std::string> v;
    if (arg == "-h" || arg == "--help") {
      outs() << kUsage;
      exit(0);
    } else if (flag == "--data" && (v = value())) {
      o.dataDir = *v;
    } else if (flag == "--output-dir" && (v = value())) {
      o.outputDir = *v;
    } else if (arg == "--input" && (v = value())) {
      o.inputFiles.push_back(*v);
    } else if (flag == "--rtol" && (v = value())) {
      if (StringRef(*v).getAsDouble(o.relTol))
        return std::nullopt;
    } else if (flag == "--atol" && (v = value())) {
      if (StringRef(*v).getAsDouble(o.absTol))
        return std::nullopt;
    } else if (flag == "--threads" && (v = value())) {
      if (StringRef(*v).getAsInteger(10, o.threads))
        return std::nullopt;
    } else if (!arg.starts_with("-") && o.modelPath.empty()) {
      o.modelPath = arg.str();
    } else {
      errs() << "tessel-run: error: unexpected argument '" << arg << "'\n" << kUsage;
      return std::nullopt;
    }
  }
  if (o.modelPath.empty()) {
    errs() << kUsage;
    return std::nullopt;
  }
  return o;
}

int fail(const Twine &message) {
  errs() << "tessel-run: error: " << message << "\n";
  return 1;
}

Expected<TensorData> readTensorFile(StringRef path) {
  if (path.ends_with(".npy"))
    return tessel::readNpyFile(path);
  return tessel::readTensorProtoFile(path);
}

double elementAsDouble(const TensorData &t, int64_t i) {
  switch ((tessel::ElementType)t.onnxType) {
  case tessel::ElementType::F32: return t.data<float>()[i];
  case tessel::ElementType::F64: return t.data<double>()[i];
  case tessel::ElementType::I64: return (double)t.data<int64_t>()[i];
  case tessel::ElementType::I32: return t.data<int32_t>()[i];
  case tessel::ElementType::I16: return t.data<int16_t>()[i];
  case tessel::ElementType::I8: return t.data<int8_t>()[i];
  case tessel::ElementType::U8:
  case tessel::ElementType::Bool: return t.data<uint8_t>()[i];
  default: return NAN;
  }
}

std::string shapeString(ArrayRef<int64_t> shape) {
  return "[" + fmt::format("{}", fmt::join(shape, ",")) + "]";
}

/// The multi-dimensional index of flat (row-major) element `flat`.
std::string indexString(ArrayRef<int64_t> shape, int64_t flat) {
  SmallVector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    int64_t extent = std::max<int64_t>(shape[d], 1);
    index[d] = flat % extent;
    flat /= extent;
  }
  return shapeString(index);
}

/// "min -1.2 max 3.4 mean 0.05" (plus NaN/Inf counts when there are any).
std::string statistics(const TensorData &t) {
  int64_t n = t.numElements(), nan = 0, inf = 0, finite = 0;
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = elementAsDouble(t, i);
    if (std::isnan(v)) {
      ++nan;
      continue;
    }
    if (std::isinf(v))
      ++inf;
    else {
      sum += v;
      ++finite;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (n == 0)
    return "empty";
  std::string s = nan == n ? "all NaN"
                           : fmt::format("min {:.6g} max {:.6g} mean {:.6g}", lo, hi,
                                         finite ? sum / (double)finite : NAN);
  if (nan || inf)
    s += fmt::format(" ({} NaN, {} Inf)", nan, inf);
  return s;
}

/// How many of the worst mismatching elements tessel-run lists.
constexpr size_t kWorstShown = 5;

} // namespace

int main(int argc, char **argv) {
  auto parsed = parseArgs(argc, argv);
  if (!parsed)
    return 1;
  const Options &opts = *parsed;

  tessel_model *model = nullptr;
  if (tessel_status *st = tessel_model_open(opts.modelPath.c_str(), &model)) {
    std::string msg = tessel_status_message(st);
    tessel_status_free(st);
    return fail(msg);
  }
  // Closed on every path, errors included (LeakSanitizer checks the tools).
  std::unique_ptr<tessel_model, void (*)(tessel_model *)> modelOwner(model, tessel_model_close);
  int32_t numInputs = tessel_model_num_inputs(model), numOutputs = tessel_model_num_outputs(model);

  // Gather inputs by index: --data first, then --input NAME=FILE overrides.
  std::vector<std::optional<TensorData>> inputs(numInputs);
  const tessel_tensor_info blank{sizeof(tessel_tensor_info)};
  std::vector<tessel_tensor_info> inInfo(numInputs, blank), outInfo(numOutputs, blank);
  for (int32_t i = 0; i < numInputs; ++i)
    tessel_model_input_info(model, i, &inInfo[i]);
  for (int32_t i = 0; i < numOutputs; ++i)
    tessel_model_output_info(model, i, &outInfo[i]);
  if (!opts.dataDir.empty()) {
    for (int32_t i = 0; i < numInputs; ++i) {
      std::string path = fmt::format("{}/input_{}.pb", opts.dataDir, i);
      if (!sys::fs::exists(path))
        continue;
      auto t = tessel::readTensorProtoFile(path);
      if (!t)
        return fail(toString(t.takeError()));
      inputs[i] = std::move(*t);
    }
  }
  for (const std::string &spec : opts.inputFiles) {
    auto [name, file] = StringRef(spec).split('=');
    int32_t index = -1;
    for (int32_t i = 0; i < numInputs; ++i)
      if (name == inInfo[i].name)
        index = i;
    if (index < 0)
      return fail("--input " + spec + ": the model has no input named '" + name + "'");
    auto t = readTensorFile(file);
    if (!t)
      return fail(toString(t.takeError()));
    inputs[index] = std::move(*t);
  }

  // The runtime checks the shapes (tessel_session_run_tensors): its message
  // names the dimension, and the --dim that would fit a named one.
  std::vector<tessel_tensor> inTensors(numInputs);
  for (int32_t i = 0; i < numInputs; ++i) {
    if (!inputs[i])
      return fail(fmt::format("no value for input {} '{}' (use --data or --input {}=FILE)", i,
                              inInfo[i].name, inInfo[i].name));
    // The runtime checks dtype, rank and shape against the model (its message
    // names the input, the dimension and its ONNX name).
    TensorData &t = *inputs[i];
    inTensors[i] = {sizeof(tessel_tensor), (tessel_dtype)t.onnxType, (int32_t)t.shape.size(),
                    t.shape.data(), t.bytes.data(), t.bytes.size()};
  }
  // Output sizes for these input shapes (a dynamic model's depend on them),
  // checked by the runtime as the run will check them.
  std::vector<TensorData> outputs(numOutputs);
  std::vector<tessel_tensor> outTensors(numOutputs);
  for (int32_t i = 0; i < numOutputs; ++i) {
    outputs[i].name = outInfo[i].name;
    outputs[i].onnxType = outInfo[i].dtype;
    outputs[i].shape.assign(outInfo[i].rank, 0);
    outTensors[i] = {sizeof(tessel_tensor), outInfo[i].dtype, outInfo[i].rank,
                     outputs[i].shape.data(), nullptr, 0};
  }
  if (tessel_status *st = tessel_model_output_shapes(model, inTensors.data(), numInputs,
                                                     outTensors.data(), numOutputs)) {
    std::string msg = tessel_status_message(st);
    tessel_status_free(st);
    return fail(msg);
  }
  for (int32_t i = 0; i < numOutputs; ++i) {
    outputs[i].bytes.resize(outTensors[i].byte_size);
    // A zero-byte output still gets a pointer: data NULL with byte_size 0
    // asks the runtime to allocate the output.
    static char noBytes;
    outTensors[i].data = outputs[i].bytes.empty() ? &noBytes : outputs[i].bytes.data();
  }

  // The output folder, with its parents, before the run: a bad path fails
  // fast rather than after a long model.
  if (!opts.outputDir.empty())
    if (std::error_code ec = sys::fs::create_directories(opts.outputDir))
      return fail(fmt::format("cannot create output directory '{}': {}", opts.outputDir,
                              ec.message()));

  tessel_session *session = nullptr;
  tessel_session_options options{TESSEL_API_VERSION, opts.threads, sizeof(tessel_session_options)};
  tessel_status *st = tessel_session_create(model, &options, &session);
  std::unique_ptr<tessel_session, void (*)(tessel_session *)> sessionOwner(
      session, tessel_session_destroy);
  if (!st)
    st = tessel_session_run_tensors(session, inTensors.data(), numInputs, outTensors.data(),
                                    numOutputs);
  if (st) {
    std::string msg = tessel_status_message(st);
    tessel_status_free(st);
    return fail(msg);
  }

  bool allMatch = true;
  for (int32_t i = 0; i < numOutputs; ++i) {
    const TensorData &out = outputs[i];
    outs() << fmt::format("output {} '{}': {} {}  {}\n", i, out.name,
                          tessel::onnxTypeName(out.onnxType), shapeString(out.shape),
                          statistics(out));
    if (!opts.outputDir.empty()) {
      std::string path = fmt::format("{}/output_{}.npy", opts.outputDir, i);
      if (auto err = tessel::writeNpyFile(path, out))
        return fail(toString(std::move(err)));
    }
    std::string expectedPath = fmt::format("{}/output_{}.pb", opts.dataDir, i);
    if (opts.dataDir.empty() || !sys::fs::exists(expectedPath))
      continue;
    auto expected = tessel::readTensorProtoFile(expectedPath);
    if (!expected)
      return fail(toString(expected.takeError()));
    if (expected->shape != out.shape) {
      outs() << fmt::format("  MISMATCH: expected shape {}\n", shapeString(expected->shape));
      allMatch = false;
      continue;
    }
    double maxAbs = 0, maxRel = 0;
    int64_t bad = 0;
    // (|diff| beyond the tolerance, flat index) of the worst elements.
    std::vector<std::pair<double, int64_t>> worst;
    for (int64_t e = 0; e < out.numElements(); ++e) {
      double a = elementAsDouble(out, e), x = elementAsDouble(*expected, e);
      if (std::isnan(a) && std::isnan(x))
        continue;
      if (std::isinf(a) && std::isinf(x) && (a > 0) == (x > 0))
        continue;
      double diff = std::fabs(a - x);
      if (std::isnan(diff))
        diff = INFINITY;
      double rel = diff / std::max(std::fabs(x), 1e-30);
      double excess = diff - (opts.absTol + opts.relTol * std::fabs(x));
      if (excess > 0) {
        ++bad;
        worst.push_back({excess, e});
        // Keep the list short: the kWorstShown largest so far.
        if (worst.size() > 4 * kWorstShown) {
          std::nth_element(worst.begin(), worst.begin() + kWorstShown, worst.end(),
                           std::greater<>());
          worst.resize(kWorstShown);
        }
      }
      maxAbs = std::max(maxAbs, diff);
      if (x != 0)
        maxRel = std::max(maxRel, rel);
    }
    outs() << fmt::format("  expected: {}\n", statistics(*expected));
    outs() << fmt::format("  max abs error {:.3g}, max rel error {:.3g}", maxAbs, maxRel);
    if (!bad) {
      outs() << ": match\n";
      continue;
    }
    allMatch = false;
    std::sort(worst.begin(), worst.end(), std::greater<>());
    if (worst.size() > kWorstShown)
      worst.resize(kWorstShown);
    outs() << fmt::format("\n  MISMATCH: {} of {} elements outside |got - expected| <= {} + {} * "
                          "|expected|; worst:\n",
                          bad, out.numElements(), opts.absTol, opts.relTol);
    for (auto [excess, e] : worst) {
      double a = elementAsDouble(out, e), x = elementAsDouble(*expected, e);
      outs() << fmt::format("    {}  got {:.7g}  expected {:.7g}  |diff| {:.3g}\n",
                            indexString(out.shape, e), a, x, std::fabs(a - x));
    }
  }
  return allMatch ? 0 : 1;
}
