//===- TestUtil.cpp -------------------------------------------------------===//
#include "TestUtil.h"

#include <algorithm>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#ifndef TESSEL_COMPILE_PATH
#error "TESSEL_COMPILE_PATH must name the tessel-compile binary"
#endif

namespace tessel::test {

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/tessel-unit-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back(0);
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("mkdtemp failed for " + templ);
  path_ = buf.data();
}

TempDir::~TempDir() {
  // Test folders hold only files and links we made; rm -rf is the simplest
  // correct removal (it does not follow links out of the folder).
  std::string cmd = "rm -rf '" + path_ + "'";
  if (std::system(cmd.c_str()) != 0)
    std::fprintf(stderr, "warning: could not remove %s\n", path_.c_str());
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), (std::streamsize)bytes.size());
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

onnx::ModelProto makeModel(int64_t opset) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("tessel-unit-tests");
  auto *op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  m.mutable_graph()->set_name("g");
  return m;
}

static void fillValueInfo(onnx::ValueInfoProto *vi, const std::string &name, int32_t elemType,
                          const std::vector<int64_t> &shape) {
  vi->set_name(name);
  auto *tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elemType);
  auto *s = tt->mutable_shape();
  for (int64_t d : shape)
    s->add_dim()->set_dim_value(d);
}

void addInput(onnx::GraphProto &g, const std::string &name, int32_t elemType,
              const std::vector<int64_t> &shape) {
  fillValueInfo(g.add_input(), name, elemType, shape);
}

void addOutput(onnx::GraphProto &g, const std::string &name, int32_t elemType,
               const std::vector<int64_t> &shape) {
  fillValueInfo(g.add_output(), name, elemType, shape);
}

void addFloatInitializer(onnx::GraphProto &g, const std::string &name,
                         const std::vector<int64_t> &shape, const std::vector<float> &values) {
  auto *t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                              values.size() * sizeof(float)));
}

onnx::NodeProto &addNode(onnx::GraphProto &g, const std::string &opType,
                         const std::vector<std::string> &inputs,
                         const std::vector<std::string> &outputs, const std::string &name) {
  auto *n = g.add_node();
  n->set_op_type(opType);
  n->set_name(name);
  for (const auto &i : inputs)
    n->add_input(i);
  for (const auto &o : outputs)
    n->add_output(o);
  return *n;
}

std::vector<float> pseudoRandom(size_t count, uint32_t seed) {
  std::vector<float> out(count);
  uint32_t state = seed * 2654435761u + 1;
  for (float &v : out) {
    state = state * 1664525u + 1013904223u;
    v = (float)((state >> 8) & 0xFFFF) / 32768.0f - 1.0f;
  }
  return out;
}

void addNamedInput(onnx::GraphProto &g, const std::string &name, int32_t elemType,
                   const std::vector<std::string> &dims) {
  auto *vi = g.add_input();
  vi->set_name(name);
  auto *tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elemType);
  auto *shape = tt->mutable_shape();
  for (const std::string &d : dims) {
    auto *dim = shape->add_dim();
    if (!d.empty() && std::all_of(d.begin(), d.end(), ::isdigit))
      dim->set_dim_value(std::stoll(d));
    else
      dim->set_dim_param(d);
  }
}

std::string compileModel(const onnx::ModelProto &model, const TempDir &dir,
                         const std::string &name, const std::string &flags) {
  std::string onnxPath = dir.file(name + ".onnx"), soPath = dir.file(name + ".so"),
              logPath = dir.file(name + ".log");
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    ADD_FAILURE() << "cannot serialize model " << name;
    return "";
  }
  writeFile(onnxPath, bytes);
  std::string cmd = std::string("'") + TESSEL_COMPILE_PATH + "' '" + onnxPath + "' " + flags + " -o '" +
                    soPath + "' > '" + logPath + "' 2>&1";
  int rc = std::system(cmd.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    ADD_FAILURE() << "tessel-compile failed on " << name << " (status " << rc
                  << "): " << readFile(logPath);
    return "";
  }
  return soPath;
}

} // namespace tessel::test
