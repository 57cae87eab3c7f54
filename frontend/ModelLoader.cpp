//===- ModelLoader.cpp ----------------------------------------------------===//
#include "frontend/ModelLoader.h"

#include "onnx/checker.h"
#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>

#include <fmt/format.h>

namespace tessel {

static llvm::Error fail(const std::string &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Error parseAndCheckModel(llvm::StringRef bytes, onnx::ModelProto &model) {
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
  try {
    onnx::checker::check_model(model);
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
