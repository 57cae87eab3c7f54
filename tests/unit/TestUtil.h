//===- TestUtil.h - Temporary folders, ONNX models and compiling them -----===//
#ifndef TESSEL_TESTS_UNIT_TEST_UTIL_H
#define TESSEL_TESTS_UNIT_TEST_UTIL_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::test {

/// A fresh folder under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

void writeFile(const std::string &path, const std::string &bytes);
std::string readFile(const std::string &path);

/// Small helpers over the onnx_proto C++ API.
onnx::ModelProto makeModel(int64_t opset);
void addInput(onnx::GraphProto &g, const std::string &name, int32_t elemType,
              const std::vector<int64_t> &shape);
void addOutput(onnx::GraphProto &g, const std::string &name, int32_t elemType,
               const std::vector<int64_t> &shape);
/// An input whose dimensions are sizes ("3") or ONNX dim_params ("batch").
void addNamedInput(onnx::GraphProto &g, const std::string &name, int32_t elemType,
                   const std::vector<std::string> &dims);
void addFloatInitializer(onnx::GraphProto &g, const std::string &name,
                         const std::vector<int64_t> &shape, const std::vector<float> &values);
onnx::NodeProto &addNode(onnx::GraphProto &g, const std::string &opType,
                         const std::vector<std::string> &inputs,
                         const std::vector<std::string> &outputs, const std::string &name);

/// `count` reproducible pseudo-random floats in [-1, 1).
std::vector<float> pseudoRandom(size_t count, uint32_t seed);

/// Writes `model` to DIR/NAME.onnx and compiles it with tessel-compile into
/// DIR/NAME.so, passing `flags` (e.g. "--dim batch=2") on. Returns the .so path; on failure, fails the current test
/// (ADD_FAILURE) and returns "".
std::string compileModel(const onnx::ModelProto &model, const TempDir &dir,
                         const std::string &name, const std::string &flags = "");

} // namespace tessel::test

#endif // TESSEL_TESTS_UNIT_TEST_UTIL_H
