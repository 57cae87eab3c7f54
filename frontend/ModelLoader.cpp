//===- ModelLoader.cpp ----------------------------------------------------===//
#include "frontend/ModelLoader.h"
#include "frontend/TensorLoader.h"

#include "onnx/checker.h"
#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>

#include <fmt/format.h>

namespace onnx::checker {
// Exported by libonnx (the overload check_model(path) uses) but not declared
// in its header: the checker with a context that says where the model lives.
void check_model(const ModelProto &model, CheckerContext &ctx);
} // namespace onnx::checker

namespace tessel {

static llvm::Error fail(const std::string &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

namespace {

/// Checks every tensor with external data anywhere in the model (initializers,
/// Constant values and other tensor attributes, subgraphs, local functions)
/// before ONNX's checker sees the model: the checker stat()s each location
/// joined to the model's folder, and must never be led outside it.
class ExternalDataScan {
public:
  explicit ExternalDataScan(llvm::StringRef baseDir) : baseDir_(baseDir) {}

  llvm::Error model(const onnx::ModelProto &m) {
    if (auto err = graph(m.graph()))
      return err;
    for (const auto &function : m.functions())
      for (const auto &n : function.node())
        if (auto err = node(n))
          return err;
    return llvm::Error::success();
  }

private:
  llvm::Error tensor(const onnx::TensorProto &t) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL)
      return llvm::Error::success();
    return checkExternalData(t, baseDir_);
  }
  llvm::Error sparse(const onnx::SparseTensorProto &s) {
    if (auto err = tensor(s.values()))
      return err;
    return tensor(s.indices());
  }
  llvm::Error graph(const onnx::GraphProto &g) {
    for (const auto &t : g.initializer())
      if (auto err = tensor(t))
        return err;
    for (const auto &s : g.sparse_initializer())
      if (auto err = sparse(s))
        return err;
    for (const auto &n : g.node())
      if (auto err = node(n))
        return err;
    return llvm::Error::success();
  }
  llvm::Error node(const onnx::NodeProto &n) {
    for (const auto &a : n.attribute()) {
      if (a.has_t())
        if (auto err = tensor(a.t()))
          return err;
      for (const auto &t : a.tensors())
        if (auto err = tensor(t))
          return err;
      if (a.has_sparse_tensor())
        if (auto err = sparse(a.sparse_tensor()))
          return err;
      for (const auto &s : a.sparse_tensors())
        if (auto err = sparse(s))
          return err;
      if (a.has_g())
        if (auto err = graph(a.g()))
          return err;
      for (const auto &g : a.graphs())
        if (auto err = graph(g))
          return err;
    }
    return llvm::Error::success();
  }

  llvm::StringRef baseDir_;
};

} // namespace

llvm::Error parseAndCheckModel(llvm::StringRef bytes, onnx::ModelProto &model,
                               llvm::StringRef baseDir) {
  if (bytes.empty())
    return fail("the file is empty");
  if (bytes.size() > (size_t)INT32_MAX)
    return fail("the model is larger than 2 GiB; store its weights as external data");
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t *>(bytes.data()),
                                                (int)bytes.size());
  stream.SetTotalBytesLimit(INT32_MAX);
  stream.SetRecursionLimit(64);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return fail("not a valid ONNX model: the protobuf does not parse (truncated or corrupt "
                "file?)");
  if (!model.has_graph())
    return fail("not a valid ONNX model: it has no graph");
  if (model.ir_version() <= 0)
    return fail("not a valid ONNX model: it declares no IR version");
  if (auto err = ExternalDataScan(baseDir).model(model))
    return err;
  try {
    onnx::checker::CheckerContext ctx;
    ctx.set_model_dir(baseDir.str());
    onnx::checker::check_model(model, ctx);
  } catch (const std::exception &e) {
    std::string what = e.what();
    // The checker's messages can span lines; keep the error one paragraph.
    for (char &c : what)
      if (c == '\n')
        c = ' ';
    return fail(fmt::format("the ONNX checker rejects the model: {}", what));
  }
  return llvm::Error::success();
}

} // namespace tessel
