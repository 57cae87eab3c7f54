//===- CompilerCApi.cpp - tessel/compiler.h over tessel::compile ----------===//
#include "tessel/compiler.h"
#include "tools/compiler/Compile.h"

#include "llvm/ADT/Twine.h"

#include <cstddef>
#include <new>
#include <string>

struct tessel_compile_result {
  tessel_compile_status status;
  std::string message;
  std::string log;
};

namespace {

// Handed out when a result cannot be allocated: never freed, never success.
tessel_compile_result outOfMemory{TESSEL_COMPILE_REFUSED, "out of memory", ""};

tessel_compile_result *refuse(const llvm::Twine &message) {
  auto *result = new (std::nothrow)
      tessel_compile_result{TESSEL_COMPILE_REFUSED, ("tessel_compile: " + message).str(), ""};
  return result ? result : &outOfMemory;
}

/// The C options as tessel::CompileOptions; a message when they are wrong.
std::string convert(const tessel_compile_options &in, tessel::CompileOptions &out) {
  // The struct as version 1 first had it (before `dynamic`) is accepted.
  if (in.struct_size < offsetof(tessel_compile_options, dynamic) ||
      in.api_version != TESSEL_COMPILER_API_VERSION)
    return "options of API version " + std::to_string(in.api_version) + " (struct_size " +
           std::to_string(in.struct_size) + "); this library is version " +
           std::to_string(TESSEL_COMPILER_API_VERSION) +
           ": initialize them with TESSEL_COMPILE_OPTIONS_INIT";
  if (!in.output_path || !*in.output_path)
    return "no output_path";
  out.outputPath = in.output_path;
  if (in.emit && *in.emit && !(out.kind = tessel::parseArtifactKind(in.emit)))
    return std::string("emit is '") + in.emit + "', not so, obj or exe";
  auto str = [](const char *s) { return s ? std::string(s) : std::string(); };
  out.targetCpu = str(in.target_cpu);
  out.targetFeatures = str(in.target_features);
  out.tuneCpu = str(in.tune_cpu);
  if (in.vector_bits < 0)
    return "vector_bits is negative";
  out.vectorBits = in.vector_bits;
  if (in.opt_level < 0 || in.opt_level > 3)
    return "opt_level " + std::to_string(in.opt_level) + " is not 0-3";
  out.optLevel = in.opt_level;
  out.fusion = in.fusion != 0;
  out.inspect.fusionReport = in.fusion_report != 0;
  out.inspect.verbose = in.verbose != 0;
  out.import.keepDynamicDims =
      in.struct_size >= offsetof(tessel_compile_options, dynamic) + sizeof(in.dynamic) &&
      in.dynamic != 0;
  auto counted = [](int32_t n, const void *p) { return n >= 0 && (n == 0 || p); };
  if (!counted(in.num_input_shapes, in.input_shapes) || !counted(in.num_dims, in.dims) ||
      !counted(in.num_bound_inputs, in.bound_inputs))
    return "a negative count, or a count without its array";
  for (int32_t i = 0; i < in.num_input_shapes; ++i) {
    const tessel_input_shape &s = in.input_shapes[i];
    if (!s.name || !counted(s.rank, s.dims))
      return "input_shapes[" + std::to_string(i) + "] has no name, or a rank without dims";
    std::vector<int64_t> dims(s.dims, s.dims + s.rank);
    for (int64_t d : dims)
      if (d < 0)
        return "input_shapes[" + std::to_string(i) + "] ('" + s.name + "') has a negative size";
    if (std::string clash = out.import.addInputShape(s.name, std::move(dims)); !clash.empty())
      return "input_shapes " + clash;
  }
  for (int32_t i = 0; i < in.num_dims; ++i) {
    const tessel_dim_size &d = in.dims[i];
    if (!d.symbol || !*d.symbol || d.size < 0)
      return "dims[" + std::to_string(i) + "] has no symbol or a negative size";
    if (std::string clash = out.import.addDimSize(d.symbol, d.size); !clash.empty())
      return "dims " + clash;
  }
  for (int32_t i = 0; i < in.num_bound_inputs; ++i) {
    const tessel_bound_input &b = in.bound_inputs[i];
    if (!b.name || !*b.name || !b.file || !*b.file)
      return "bound_inputs[" + std::to_string(i) + "] has no name or no file";
    out.import.boundInputFiles[b.name] = b.file;
  }
  return "";
}

} // namespace

extern "C" tessel_compile_result *tessel_compile(const char *model_path, const void *model_bytes,
                                                 size_t model_size, const char *base_dir,
                                                 const tessel_compile_options *options) {
  try {
    if (!model_path || !*model_path)
      return refuse("no model_path");
    if (!options)
      return refuse("no options (initialize them with TESSEL_COMPILE_OPTIONS_INIT)");
    tessel::CompileOptions compileOptions;
    if (std::string why = convert(*options, compileOptions); !why.empty())
      return refuse(llvm::Twine(model_path) + ": " + why);
    tessel::ModelSource model;
    model.path = model_path;
    if (model_bytes) {
      model.bytes = std::string(static_cast<const char *>(model_bytes), model_size);
      model.baseDir = base_dir ? base_dir : "";
    }
    auto *result = new tessel_compile_result{TESSEL_COMPILE_OK, "", ""};
    llvm::raw_string_ostream log(result->log);
    compileOptions.log = &log;
    tessel::CompileResult r = tessel::compile(model, compileOptions);
    log.flush();
    result->status = r.status == tessel::CompileStatus::Ok ? TESSEL_COMPILE_OK
                     : r.status == tessel::CompileStatus::Refused
                         ? TESSEL_COMPILE_REFUSED
                         : TESSEL_COMPILE_INTERNAL_ERROR;
    result->message = std::move(r.message);
    return result;
  } catch (const std::bad_alloc &) {
    return &outOfMemory;
  }
}

extern "C" tessel_compile_status tessel_compile_result_status(const tessel_compile_result *r) {
  return r ? r->status : TESSEL_COMPILE_REFUSED;
}

extern "C" const char *tessel_compile_result_message(const tessel_compile_result *r) {
  return r ? r->message.c_str() : "no result";
}

extern "C" const char *tessel_compile_result_log(const tessel_compile_result *r) {
  return r ? r->log.c_str() : "";
}

extern "C" void tessel_compile_result_free(tessel_compile_result *r) {
  if (r != &outOfMemory)
    delete r;
}
