//===- RuntimeTest.cpp - The C runtime on models compiled at test time ----===//
//
// The fixture builds two small ONNX models with the onnx_proto C++ API,
// compiles them with the freshly built tessel-compile into a temporary
// folder once per test suite, and exercises runtime/include/tessel/tessel.h:
// metadata queries, numbers, error statuses and concurrent runs.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include "tessel/abi.h"
#include "tessel/tessel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <dlfcn.h>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace tessel::test;

namespace {

/// Owns a status; EXPECT_OK-style checks print its message.
struct Status {
  tessel_status *st;
  explicit Status(tessel_status *s) : st(s) {}
  ~Status() { tessel_status_free(st); }
  Status(const Status &) = delete;
  bool ok() const { return st == nullptr; }
  tessel_status_code code() const { return tessel_status_get_code(st); }
  std::string message() const { return tessel_status_message(st); }
};

#define ASSERT_TESSEL_OK(expr)                                                              \
  do {                                                                                     \
    Status s_(expr);                                                                       \
    ASSERT_TRUE(s_.ok()) << #expr << ": " << s_.message();                                 \
  } while (0)

struct ModelCloser {
  void operator()(tessel_model *m) const { tessel_model_close(m); }
};
struct SessionDestroyer {
  void operator()(tessel_session *s) const { tessel_session_destroy(s); }
};
using ModelPtr = std::unique_ptr<tessel_model, ModelCloser>;
using SessionPtr = std::unique_ptr<tessel_session, SessionDestroyer>;

// --- The models ---------------------------------------------------------------

/// Two inputs of two dtypes, five outputs: computed, integer, a copy of an
/// input, a constant, and the first output again.
///   y       = relu(x * w + b)   x: float [2,3], w: [3], b: [2,1]
///   twice   = idx + idx         idx: int64 [4]
///   x_copy  = Identity(x)
///   cst     = Constant [7, -7]
///   y_again = Identity(y)       (the same tensor as y, in its own buffer)
onnx::ModelProto multiOutputModel() {
  onnx::ModelProto m = makeModel(13);
  auto &g = *m.mutable_graph();
  addInput(g, "x", onnx::TensorProto::FLOAT, {2, 3});
  addInput(g, "idx", onnx::TensorProto::INT64, {4});
  addFloatInitializer(g, "w", {3}, {0.5f, -1.0f, 2.0f});
  addFloatInitializer(g, "b", {2, 1}, {1.0f, -1.0f});
  addNode(g, "Mul", {"x", "w"}, {"xw"}, "scale");
  addNode(g, "Add", {"xw", "b"}, {"pre"}, "shift");
  addNode(g, "Relu", {"pre"}, {"y"}, "act");
  addNode(g, "Add", {"idx", "idx"}, {"twice"}, "double_it");
  addNode(g, "Identity", {"x"}, {"x_copy"}, "copy");
  addNode(g, "Identity", {"y"}, {"y_again"}, "copy_y");
  auto &c = addNode(g, "Constant", {}, {"cst"}, "const");
  auto *attr = c.add_attribute();
  attr->set_name("value");
  attr->set_type(onnx::AttributeProto::TENSOR);
  auto *t = attr->mutable_t();
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(2);
  t->add_float_data(7.0f);
  t->add_float_data(-7.0f);
  addOutput(g, "y", onnx::TensorProto::FLOAT, {2, 3});
  addOutput(g, "twice", onnx::TensorProto::INT64, {4});
  addOutput(g, "x_copy", onnx::TensorProto::FLOAT, {2, 3});
  addOutput(g, "cst", onnx::TensorProto::FLOAT, {2});
  addOutput(g, "y_again", onnx::TensorProto::FLOAT, {2, 3});
  return m;
}

constexpr int kBatch = 32, kIn = 128, kHidden = 128, kOut = 32;

/// probs = softmax(tanh(x @ W1 + b1) @ W2), enough work per run for threads
/// to overlap.
onnx::ModelProto mlpModel() {
  onnx::ModelProto m = makeModel(13);
  auto &g = *m.mutable_graph();
  addInput(g, "x", onnx::TensorProto::FLOAT, {kBatch, kIn});
  addFloatInitializer(g, "w1", {kIn, kHidden}, pseudoRandom(kIn * kHidden, 1));
  addFloatInitializer(g, "b1", {kHidden}, pseudoRandom(kHidden, 2));
  addFloatInitializer(g, "w2", {kHidden, kOut}, pseudoRandom(kHidden * kOut, 3));
  addNode(g, "MatMul", {"x", "w1"}, {"h0"}, "fc1");
  addNode(g, "Add", {"h0", "b1"}, {"h1"}, "fc1_bias");
  addNode(g, "Tanh", {"h1"}, {"h"}, "act");
  addNode(g, "MatMul", {"h", "w2"}, {"logits"}, "fc2");
  addNode(g, "Softmax", {"logits"}, {"probs"}, "softmax");
  addOutput(g, "probs", onnx::TensorProto::FLOAT, {kBatch, kOut});
  return m;
}

/// The same computation in double precision.
std::vector<double> mlpReference(const std::vector<float> &x) {
  auto w1 = pseudoRandom(kIn * kHidden, 1), b1 = pseudoRandom(kHidden, 2),
       w2 = pseudoRandom(kHidden * kOut, 3);
  std::vector<double> out(kBatch * kOut);
  for (int r = 0; r < kBatch; ++r) {
    std::vector<double> h(kHidden);
    for (int j = 0; j < kHidden; ++j) {
      double acc = b1[j];
      for (int k = 0; k < kIn; ++k)
        acc += (double)x[r * kIn + k] * w1[k * kHidden + j];
      h[j] = std::tanh(acc);
    }
    std::vector<double> logits(kOut);
    double mx = -INFINITY;
    for (int j = 0; j < kOut; ++j) {
      double acc = 0;
      for (int k = 0; k < kHidden; ++k)
        acc += h[k] * w2[k * kOut + j];
      logits[j] = acc;
      mx = std::max(mx, acc);
    }
    double sum = 0;
    for (int j = 0; j < kOut; ++j)
      sum += std::exp(logits[j] - mx);
    for (int j = 0; j < kOut; ++j)
      out[r * kOut + j] = std::exp(logits[j] - mx) / sum;
  }
  return out;
}

ModelPtr openModel(const std::string &path) {
  tessel_model *m = nullptr;
  Status st(tessel_model_open(path.c_str(), &m));
  EXPECT_TRUE(st.ok()) << st.message();
  return ModelPtr(m);
}

SessionPtr makeSession(const tessel_model *m, int threads = 1) {
  tessel_session *s = nullptr;
  tessel_session_options opts = {TESSEL_API_VERSION, threads, sizeof(tessel_session_options)};
  Status st(tessel_session_create(m, &opts, &s));
  EXPECT_TRUE(st.ok()) << st.message();
  return SessionPtr(s);
}

/// Runs the MLP on `x` into `probs`.
tessel_status *runMlp(tessel_session *s, const std::vector<float> &x, std::vector<float> &probs) {
  const void *in[] = {x.data()};
  size_t inSizes[] = {x.size() * sizeof(float)};
  void *out[] = {probs.data()};
  size_t outSizes[] = {probs.size() * sizeof(float)};
  return tessel_session_run(s, in, inSizes, out, outSizes);
}

class RuntimeTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    multiPath_ = new std::string(compileModel(multiOutputModel(), *dir_, "multi"));
    mlpPath_ = new std::string(compileModel(mlpModel(), *dir_, "mlp"));
  }
  static void TearDownTestSuite() {
    delete multiPath_;
    delete mlpPath_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_FALSE(multiPath_->empty()) << "the multi-output model did not compile";
    ASSERT_FALSE(mlpPath_->empty()) << "the MLP model did not compile";
  }

  static TempDir *dir_;
  static std::string *multiPath_, *mlpPath_;
};

TempDir *RuntimeTest::dir_;
std::string *RuntimeTest::multiPath_;
std::string *RuntimeTest::mlpPath_;

// --- Metadata -------------------------------------------------------------------

TEST_F(RuntimeTest, ReportsInputsAndOutputs) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  ASSERT_EQ(tessel_model_num_inputs(m.get()), 2);
  ASSERT_EQ(tessel_model_num_outputs(m.get()), 5);

  struct Expected {
    const char *name;
    tessel_dtype dtype;
    std::vector<int64_t> shape;
    size_t bytes;
  };
  const Expected inputs[] = {{"x", TESSEL_FLOAT32, {2, 3}, 24}, {"idx", TESSEL_INT64, {4}, 32}};
  const Expected outputs[] = {{"y", TESSEL_FLOAT32, {2, 3}, 24},
                              {"twice", TESSEL_INT64, {4}, 32},
                              {"x_copy", TESSEL_FLOAT32, {2, 3}, 24},
                              {"cst", TESSEL_FLOAT32, {2}, 8},
                              {"y_again", TESSEL_FLOAT32, {2, 3}, 24}};
  auto check = [](const tessel_tensor_info &info, const Expected &e) {
    EXPECT_STREQ(info.name, e.name);
    EXPECT_EQ(info.dtype, e.dtype) << e.name;
    ASSERT_EQ(info.rank, (int32_t)e.shape.size()) << e.name;
    EXPECT_EQ(std::vector<int64_t>(info.shape, info.shape + info.rank), e.shape) << e.name;
    int64_t n = 1;
    for (int64_t d : e.shape)
      n *= d;
    EXPECT_EQ(info.num_elements, n) << e.name;
    EXPECT_EQ(info.byte_size, e.bytes) << e.name;
  };
  for (int i = 0; i < 2; ++i) {
    tessel_tensor_info info = {sizeof info};
    ASSERT_TESSEL_OK(tessel_model_input_info(m.get(), i, &info));
    check(info, inputs[i]);
  }
  for (int i = 0; i < 5; ++i) {
    tessel_tensor_info info = {sizeof info};
    ASSERT_TESSEL_OK(tessel_model_output_info(m.get(), i, &info));
    check(info, outputs[i]);
  }
}

TEST_F(RuntimeTest, InfoIndexOutOfRange) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  tessel_tensor_info info = {sizeof info};
  for (int32_t bad : {-1, 2, 1000}) {
    Status st(tessel_model_input_info(m.get(), bad, &info));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT) << bad;
    EXPECT_NE(st.message().find("input index " + std::to_string(bad) + " is out of range"),
              std::string::npos)
        << st.message();
  }
  Status st(tessel_model_output_info(m.get(), 5, &info));
  EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("(5 outputs)"), std::string::npos) << st.message();
}

TEST_F(RuntimeTest, DtypeSizes) {
  EXPECT_EQ(tessel_dtype_size(TESSEL_FLOAT32), 4u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_FLOAT64), 8u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_FLOAT16), 2u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_INT64), 8u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_INT32), 4u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_INT16), 2u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_INT8), 1u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_UINT8), 1u);
  EXPECT_EQ(tessel_dtype_size(TESSEL_BOOL), 1u);
  EXPECT_EQ(tessel_dtype_size((tessel_dtype)8 /* ONNX string */), 0u);
}

TEST_F(RuntimeTest, DtypeNames) {
  EXPECT_STREQ(tessel_dtype_name(TESSEL_FLOAT32), "float32");
  EXPECT_STREQ(tessel_dtype_name(TESSEL_FLOAT64), "float64");
  EXPECT_STREQ(tessel_dtype_name(TESSEL_INT64), "int64");
  EXPECT_STREQ(tessel_dtype_name(TESSEL_BOOL), "bool");
  EXPECT_STREQ(tessel_dtype_name((tessel_dtype)8 /* ONNX string */), "an unsupported type");
}

// --- Running --------------------------------------------------------------------

TEST_F(RuntimeTest, RunComputesEveryOutput) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  SessionPtr s = makeSession(m.get());
  ASSERT_TRUE(s);
  const std::vector<float> x = {1, -2, 3, -4, 5, -6};
  const std::vector<int64_t> idx = {1, -2, 3000000000LL, -4};
  const std::vector<float> xBefore = x;
  std::vector<float> y(6, NAN), xCopy(6, NAN), cst(2, NAN), yAgain(6, NAN);
  std::vector<int64_t> twice(4, 0);
  const void *in[] = {x.data(), idx.data()};
  size_t inSizes[] = {24, 32};
  void *out[] = {y.data(), twice.data(), xCopy.data(), cst.data(), yAgain.data()};
  size_t outSizes[] = {24, 32, 24, 8, 24};
  ASSERT_TESSEL_OK(tessel_session_run(s.get(), in, inSizes, out, outSizes));

  // relu(x * [0.5, -1, 2] + [[1], [-1]]): exact in float.
  EXPECT_EQ(y, (std::vector<float>{1.5f, 3.0f, 7.0f, 0.0f, 0.0f, 0.0f}));
  EXPECT_EQ(twice, (std::vector<int64_t>{2, -4, 6000000000LL, -8}));
  EXPECT_EQ(xCopy, x);
  EXPECT_EQ(cst, (std::vector<float>{7.0f, -7.0f}));
  EXPECT_EQ(yAgain, y);
  EXPECT_EQ(x, xBefore) << "the run wrote to its input";
}

TEST_F(RuntimeTest, OutputsMustNotOverlapEachOther) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  SessionPtr s = makeSession(m.get());
  ASSERT_TRUE(s);
  const std::vector<float> x = {1, -2, 3, -4, 5, -6};
  const std::vector<int64_t> idx = {1, 2, 3, 4};
  std::vector<float> y(6, NAN), xCopy(6, NAN), cst(2, NAN);
  std::vector<int64_t> twice(4, 0);
  const void *in[] = {x.data(), idx.data()};
  size_t inSizes[] = {24, 32};
  size_t outSizes[] = {24, 32, 24, 8, 24};
  // Output 4 (y_again) on output 0's buffer, then starting at its last byte.
  void *same[] = {y.data(), twice.data(), xCopy.data(), cst.data(), y.data()};
  Status st(tessel_session_run(s.get(), in, inSizes, same, outSizes));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("output 4 ('y_again') overlaps output 0 ('y')"), std::string::npos)
      << st.message();
  void *tail[] = {y.data(), twice.data(), xCopy.data(), cst.data(),
                  reinterpret_cast<unsigned char *>(y.data()) + 23};
  Status st2(tessel_session_run(s.get(), in, inSizes, tail, outSizes));
  ASSERT_FALSE(st2.ok());
  EXPECT_NE(st2.message().find("overlaps output 0"), std::string::npos) << st2.message();
  // Refused before anything ran: the outputs are untouched.
  EXPECT_TRUE(std::isnan(y[0]) && std::isnan(xCopy[0]) && twice[0] == 0);
  // Adjacent buffers (one ends where the next begins) are fine.
  std::vector<float> joined(12, NAN);
  void *adjacent[] = {joined.data(), twice.data(), xCopy.data(), cst.data(), joined.data() + 6};
  ASSERT_TESSEL_OK(tessel_session_run(s.get(), in, inSizes, adjacent, outSizes));
  EXPECT_EQ(std::vector<float>(joined.begin(), joined.begin() + 6),
            std::vector<float>(joined.begin() + 6, joined.end()));
}

TEST_F(RuntimeTest, OutputBufferMayBeLarger) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  SessionPtr s = makeSession(m.get());
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  const std::vector<int64_t> idx = {1, 2, 3, 4};
  std::vector<float> y(8, -1.0f), xCopy(6), cst(2), yAgain(6);
  std::vector<int64_t> twice(4);
  const void *in[] = {x.data(), idx.data()};
  size_t inSizes[] = {24, 32};
  void *out[] = {y.data(), twice.data(), xCopy.data(), cst.data(), yAgain.data()};
  size_t outSizes[] = {32, 32, 24, 8, 24};
  ASSERT_TESSEL_OK(tessel_session_run(s.get(), in, inSizes, out, outSizes));
  EXPECT_EQ(y[0], 1.5f);
  // The bytes past the output's size are left alone.
  EXPECT_EQ(y[6], -1.0f);
  EXPECT_EQ(y[7], -1.0f);
}

TEST_F(RuntimeTest, MlpMatchesDoublePrecisionReference) {
  ModelPtr m = openModel(*mlpPath_);
  ASSERT_TRUE(m);
  SessionPtr s = makeSession(m.get());
  std::vector<float> x = pseudoRandom(kBatch * kIn, 7), probs(kBatch * kOut, NAN);
  ASSERT_TESSEL_OK(runMlp(s.get(), x, probs));
  std::vector<double> ref = mlpReference(x);
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_NEAR(probs[i], ref[i], 1e-5 + 1e-4 * std::fabs(ref[i])) << "element " << i;
  // Softmax rows sum to one, and the numbers are not all the same.
  for (int r = 0; r < kBatch; ++r) {
    double sum = 0;
    for (int j = 0; j < kOut; ++j)
      sum += probs[r * kOut + j];
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << r;
  }
  EXPECT_NE(probs[0], probs[1]);
}

// --- Errors -----------------------------------------------------------------------

TEST_F(RuntimeTest, OpenMissingFile) {
  tessel_model *m = reinterpret_cast<tessel_model *>(0x1);
  std::string path = dir_->file("does-not-exist.so");
  Status st(tessel_model_open(path.c_str(), &m));
  EXPECT_EQ(st.code(), TESSEL_IO_ERROR);
  EXPECT_NE(st.message().find("cannot load compiled model '" + path + "'"), std::string::npos)
      << st.message();
  EXPECT_EQ(m, nullptr) << "the output must be cleared on failure";
}

TEST_F(RuntimeTest, OpenGarbageFile) {
  std::string path = dir_->file("garbage.so");
  writeFile(path, std::string(4096, '\x7f') + "not an ELF file");
  tessel_model *m = nullptr;
  Status st(tessel_model_open(path.c_str(), &m));
  EXPECT_EQ(st.code(), TESSEL_IO_ERROR);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_EQ(m, nullptr);
}

TEST_F(RuntimeTest, OpenOnnxFileInsteadOfLibrary) {
  tessel_model *m = nullptr;
  Status st(tessel_model_open(dir_->file("multi.onnx").c_str(), &m));
  EXPECT_EQ(st.code(), TESSEL_IO_ERROR) << st.message();
  EXPECT_EQ(m, nullptr);
}

TEST_F(RuntimeTest, OpenLibraryThatIsNotAModel) {
  tessel_model *m = nullptr;
  Status st(tessel_model_open(TESSEL_FAKE_NOT_A_MODEL, &m));
  EXPECT_EQ(st.code(), TESSEL_ABI_MISMATCH);
  EXPECT_NE(st.message().find("is not a Tessel compiled model (missing tessel_abi_version)"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(m, nullptr);
}

TEST_F(RuntimeTest, OpenLibraryMissingOneSymbolNamesIt) {
  tessel_model *m = nullptr;
  Status st(tessel_model_open(TESSEL_FAKE_NO_METADATA, &m));
  EXPECT_EQ(st.code(), TESSEL_ABI_MISMATCH);
  EXPECT_NE(st.message().find("(missing tessel_model_metadata)"), std::string::npos)
      << st.message();
  EXPECT_EQ(m, nullptr);
}

TEST_F(RuntimeTest, OpenWrongAbiVersion) {
  tessel_model *m = nullptr;
  Status st(tessel_model_open(TESSEL_FAKE_ABI_MISMATCH, &m));
  EXPECT_EQ(st.code(), TESSEL_ABI_MISMATCH);
  EXPECT_NE(st.message().find("compiled for Tessel ABI 99, this runtime speaks " +
                              std::to_string(TESSEL_ABI_VERSION)),
            std::string::npos)
      << st.message();
  EXPECT_EQ(m, nullptr);
}

TEST_F(RuntimeTest, OpenMalformedMetadata) {
  tessel_model *m = nullptr;
  Status st(tessel_model_open(TESSEL_FAKE_BAD_METADATA, &m));
  EXPECT_EQ(st.code(), TESSEL_ABI_MISMATCH);
  EXPECT_NE(st.message().find("metadata is malformed"), std::string::npos) << st.message();
  EXPECT_EQ(m, nullptr);
}

TEST_F(RuntimeTest, HandWrittenModelRuns) {
  // A library that speaks the ABI without coming from tessel-compile: the
  // runtime depends on abi.h only.
  ModelPtr m = openModel(TESSEL_FAKE_GOOD);
  ASSERT_TRUE(m);
  tessel_tensor_info info = {sizeof info};
  ASSERT_TESSEL_OK(tessel_model_output_info(m.get(), 0, &info));
  EXPECT_STREQ(info.name, "out");
  SessionPtr s = makeSession(m.get());
  float in[4] = {1, 2, 3, 4}, out[4] = {};
  const void *ins[] = {in};
  void *outs[] = {out};
  size_t sizes[] = {16};
  ASSERT_TESSEL_OK(tessel_session_run(s.get(), ins, sizes, outs, sizes));
  EXPECT_EQ(std::memcmp(in, out, sizeof in), 0);
}

TEST_F(RuntimeTest, ModelWithoutInputsOrOutputs) {
  // Metadata that lists no tensors at all is valid; it must neither crash
  // nor leak, and runs need no arrays.
  ModelPtr m = openModel(TESSEL_FAKE_NO_TENSORS);
  ASSERT_TRUE(m);
  EXPECT_EQ(tessel_model_num_inputs(m.get()), 0);
  EXPECT_EQ(tessel_model_num_outputs(m.get()), 0);
  SessionPtr s = makeSession(m.get());
  ASSERT_TRUE(s);
  ASSERT_TESSEL_OK(tessel_session_run(s.get(), nullptr, nullptr, nullptr, nullptr));
}

TEST_F(RuntimeTest, OpenRelativePathWithoutSlash) {
  // dlopen would search the library path for a bare name; the runtime opens
  // it from the current folder instead.
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(chdir(dir_->path().c_str()), 0);
  tessel_model *m = nullptr;
  Status st(tessel_model_open("multi.so", &m));
  ASSERT_EQ(chdir(cwd), 0);
  ModelPtr owned(m);
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(tessel_model_num_inputs(m), 2);
}

TEST_F(RuntimeTest, WrongInputByteSize) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  SessionPtr s = makeSession(m.get());
  std::vector<float> x(6), y(6), xCopy(6), cst(2), yAgain(6);
  std::vector<int64_t> idx(4), twice(4);
  const void *in[] = {x.data(), idx.data()};
  void *out[] = {y.data(), twice.data(), xCopy.data(), cst.data(), yAgain.data()};
  size_t outSizes[] = {24, 32, 24, 8, 24};
  for (size_t bad : {0, 20, 28, 48}) {
    size_t inSizes[] = {24, bad * 32 / 24};
    Status st(tessel_session_run(s.get(), in, inSizes, out, outSizes));
    if (inSizes[1] == 32)
      continue;
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT) << bad;
    EXPECT_NE(st.message().find("input 1 ('idx') has " + std::to_string(inSizes[1]) +
                                " bytes, expected 32"),
              std::string::npos)
        << st.message();
  }
  size_t inSizes[] = {23, 32};
  Status st(tessel_session_run(s.get(), in, inSizes, out, outSizes));
  EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("input 0 ('x') has 23 bytes, expected 24"), std::string::npos)
      << st.message();
}

TEST_F(RuntimeTest, OutputBufferTooSmall) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  SessionPtr s = makeSession(m.get());
  std::vector<float> x(6), y(6), xCopy(6), cst(2), yAgain(6);
  std::vector<int64_t> idx(4), twice(4);
  const void *in[] = {x.data(), idx.data()};
  size_t inSizes[] = {24, 32};
  void *out[] = {y.data(), twice.data(), xCopy.data(), cst.data(), yAgain.data()};
  size_t outSizes[] = {24, 32, 24, 4, 24};
  Status st(tessel_session_run(s.get(), in, inSizes, out, outSizes));
  EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("output 3 ('cst') has room for 4 bytes, needs 8"),
            std::string::npos)
      << st.message();
}

TEST_F(RuntimeTest, NullPointers) {
  tessel_model *m = nullptr;
  {
    Status st(tessel_model_open(nullptr, &m));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
  }
  {
    Status st(tessel_model_open(multiPath_->c_str(), nullptr));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
  }
  ModelPtr model = openModel(*multiPath_);
  ASSERT_TRUE(model);
  {
    tessel_tensor_info info = {sizeof info};
    Status a(tessel_model_input_info(nullptr, 0, &info));
    EXPECT_EQ(a.code(), TESSEL_INVALID_ARGUMENT);
    Status b(tessel_model_output_info(model.get(), 0, nullptr));
    EXPECT_EQ(b.code(), TESSEL_INVALID_ARGUMENT);
  }
  EXPECT_EQ(tessel_model_num_inputs(nullptr), 0);
  EXPECT_EQ(tessel_model_num_outputs(nullptr), 0);
  {
    tessel_session *s = nullptr;
    Status a(tessel_session_create(nullptr, nullptr, &s));
    EXPECT_EQ(a.code(), TESSEL_INVALID_ARGUMENT);
    Status b(tessel_session_create(model.get(), nullptr, nullptr));
    EXPECT_EQ(b.code(), TESSEL_INVALID_ARGUMENT);
  }
  // NULL options mean the defaults.
  tessel_session *raw = nullptr;
  {
    Status st(tessel_session_create(model.get(), nullptr, &raw));
    EXPECT_TRUE(st.ok()) << st.message();
  }
  SessionPtr s(raw);
  ASSERT_TRUE(s);

  std::vector<float> x(6), y(6), xCopy(6), cst(2), yAgain(6);
  std::vector<int64_t> idx(4), twice(4);
  const void *in[] = {x.data(), idx.data()};
  size_t inSizes[] = {24, 32};
  void *out[] = {y.data(), twice.data(), xCopy.data(), cst.data(), yAgain.data()};
  size_t outSizes[] = {24, 32, 24, 8, 24};
  {
    Status st(tessel_session_run(nullptr, in, inSizes, out, outSizes));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
    EXPECT_EQ(st.message(), "session is NULL");
  }
  {
    Status a(tessel_session_run(s.get(), nullptr, inSizes, out, outSizes));
    EXPECT_EQ(a.code(), TESSEL_INVALID_ARGUMENT);
    Status b(tessel_session_run(s.get(), in, nullptr, out, outSizes));
    EXPECT_EQ(b.code(), TESSEL_INVALID_ARGUMENT);
    Status c(tessel_session_run(s.get(), in, inSizes, nullptr, outSizes));
    EXPECT_EQ(c.code(), TESSEL_INVALID_ARGUMENT);
    Status d(tessel_session_run(s.get(), in, inSizes, out, nullptr));
    EXPECT_EQ(d.code(), TESSEL_INVALID_ARGUMENT);
  }
  {
    const void *nullIn[] = {x.data(), nullptr};
    Status st(tessel_session_run(s.get(), nullIn, inSizes, out, outSizes));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
    EXPECT_NE(st.message().find("input 1 ('idx') is NULL"), std::string::npos) << st.message();
  }
  {
    void *nullOut[] = {y.data(), twice.data(), nullptr, cst.data(), yAgain.data()};
    Status st(tessel_session_run(s.get(), in, inSizes, nullOut, outSizes));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
    EXPECT_NE(st.message().find("output 2 ('x_copy') is NULL"), std::string::npos)
        << st.message();
  }
  // The status API and the destructors accept NULL.
  EXPECT_EQ(tessel_status_get_code(nullptr), TESSEL_OK);
  EXPECT_STREQ(tessel_status_message(nullptr), "ok");
  tessel_status_free(nullptr);
  tessel_model_close(nullptr);
  tessel_session_destroy(nullptr);
}

TEST_F(RuntimeTest, SessionOptionsVersionAndThreads) {
  ModelPtr m = openModel(*multiPath_);
  ASSERT_TRUE(m);
  tessel_session *s = reinterpret_cast<tessel_session *>(0x1);
  tessel_session_options future = {TESSEL_API_VERSION + 1, 1, sizeof(tessel_session_options)};
  {
    Status st(tessel_session_create(m.get(), &future, &s));
    EXPECT_EQ(st.code(), TESSEL_ABI_MISMATCH);
    EXPECT_NE(st.message().find("session options are for API version 3, this runtime is 2"),
              std::string::npos)
        << st.message();
    EXPECT_EQ(s, nullptr);
  }
  tessel_session_options zero = {0, 1, sizeof(tessel_session_options)};
  {
    Status st(tessel_session_create(m.get(), &zero, &s));
    EXPECT_EQ(st.code(), TESSEL_ABI_MISMATCH);
  }
  tessel_session_options negative = {TESSEL_API_VERSION, -1, sizeof(tessel_session_options)};
  {
    Status st(tessel_session_create(m.get(), &negative, &s));
    EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
    EXPECT_NE(st.message().find("num_threads must not be negative"), std::string::npos);
  }
  // 0 threads (one per core) is valid.
  SessionPtr ok = makeSession(m.get(), 0);
  EXPECT_TRUE(ok);
}

// --- Several models, sessions and threads -------------------------------------------

TEST_F(RuntimeTest, SameLibraryOpenedTwice) {
  ModelPtr a = openModel(*mlpPath_), b = openModel(*mlpPath_);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  std::vector<float> x = pseudoRandom(kBatch * kIn, 11), first(kBatch * kOut),
                     second(kBatch * kOut);
  {
    SessionPtr s = makeSession(a.get());
    ASSERT_TESSEL_OK(runMlp(s.get(), x, first));
  }
  // Closing one model leaves the other (same shared library) usable.
  a.reset();
  SessionPtr s = makeSession(b.get());
  ASSERT_TESSEL_OK(runMlp(s.get(), x, second));
  EXPECT_EQ(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)), 0);
}

/// Runs `kThreads` threads of `kRuns` runs each on a rotation of inputs,
/// through one session per thread or one shared session, and compares every
/// result bit for bit with a single-threaded run of the same input.
void runConcurrently(const tessel_model *model, bool sharedSession) {
  constexpr int kThreads = 8, kRuns = 24, kInputs = 12;
  std::vector<std::vector<float>> inputs, expected;
  SessionPtr single = makeSession(model);
  for (int i = 0; i < kInputs; ++i) {
    inputs.push_back(pseudoRandom(kBatch * kIn, 100 + i));
    expected.emplace_back(kBatch * kOut);
    Status st(runMlp(single.get(), inputs.back(), expected.back()));
    ASSERT_TRUE(st.ok()) << st.message();
  }
  // Different inputs give different outputs, so a mixed-up buffer would show.
  ASSERT_NE(std::memcmp(expected[0].data(), expected[1].data(), expected[0].size() * 4), 0);

  SessionPtr shared = sharedSession ? makeSession(model) : nullptr;
  std::atomic<int> ready{0}, failures{0}, mismatches{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SessionPtr own = sharedSession ? nullptr : makeSession(model);
      tessel_session *s = sharedSession ? shared.get() : own.get();
      std::vector<float> out(kBatch * kOut);
      ++ready;
      while (!go.load())
        std::this_thread::yield();
      for (int r = 0; r < kRuns; ++r) {
        int which = (t * 5 + r) % kInputs;
        std::fill(out.begin(), out.end(), NAN);
        tessel_status *st = runMlp(s, inputs[which], out);
        if (st) {
          ++failures;
          tessel_status_free(st);
          continue;
        }
        if (std::memcmp(out.data(), expected[which].data(), out.size() * sizeof(float)) != 0)
          ++mismatches;
      }
    });
  }
  while (ready.load() < kThreads)
    std::this_thread::yield();
  go = true;
  for (auto &th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0) << "of " << kThreads * kRuns << " concurrent runs";
}

TEST_F(RuntimeTest, EightThreadsSeparateSessions) {
  ModelPtr m = openModel(*mlpPath_);
  ASSERT_TRUE(m);
  runConcurrently(m.get(), /*sharedSession=*/false);
}

TEST_F(RuntimeTest, EightThreadsSharedSession) {
  ModelPtr m = openModel(*mlpPath_);
  ASSERT_TRUE(m);
  runConcurrently(m.get(), /*sharedSession=*/true);
}

} // namespace

namespace {

/// y = relu(x), x: float [batch, 3, seq] with ONNX-named dimensions.
onnx::ModelProto namedDimsModel() {
  onnx::ModelProto m = makeModel(13);
  auto &g = *m.mutable_graph();
  addNamedInput(g, "x", onnx::TensorProto::FLOAT, {"batch", "3", "seq"});
  addNode(g, "Relu", {"x"}, {"y"}, "act");
  addOutput(g, "y", onnx::TensorProto::FLOAT, {2, 3, 5});
  return m;
}

/// y = x @ w, 33 M multiply-adds: a parallel kernel loop.
onnx::ModelProto parallelMatmulModel() {
  onnx::ModelProto m = makeModel(13);
  auto &g = *m.mutable_graph();
  addInput(g, "x", onnx::TensorProto::FLOAT, {256, 512});
  addFloatInitializer(g, "w", {512, 256}, pseudoRandom(512 * 256, 3));
  addNode(g, "MatMul", {"x", "w"}, {"y"}, "matmul");
  addOutput(g, "y", onnx::TensorProto::FLOAT, {256, 256});
  return m;
}

} // namespace

// Dimensions fixed with --dim keep their ONNX names in the tensor infos, and a
// run at another size names the dimension and the flag that would fit it.
TEST(RuntimeDims, NamedDimensionsAreReportedAndChecked) {
  TempDir dir;
  std::string path = compileModel(namedDimsModel(), dir, "named", "--dim batch=2 --dim seq=5");
  ASSERT_FALSE(path.empty());
  tessel_model *raw = nullptr;
  ASSERT_TESSEL_OK(tessel_model_open(path.c_str(), &raw));
  ModelPtr m(raw);
  tessel_tensor_info in = {sizeof in}, out = {sizeof out};
  ASSERT_TESSEL_OK(tessel_model_input_info(m.get(), 0, &in));
  ASSERT_TESSEL_OK(tessel_model_output_info(m.get(), 0, &out));
  ASSERT_EQ(in.rank, 3);
  EXPECT_EQ(std::vector<int64_t>(in.shape, in.shape + 3), (std::vector<int64_t>{2, 3, 5}));
  ASSERT_NE(in.dim_names, nullptr);
  EXPECT_STREQ(in.dim_names[0], "batch");
  EXPECT_STREQ(in.dim_names[1], "");
  EXPECT_STREQ(in.dim_names[2], "seq");
  // The output was declared with sizes only: every name is "".
  ASSERT_NE(out.dim_names, nullptr);
  for (int d = 0; d < out.rank; ++d)
    EXPECT_STREQ(out.dim_names[d], "") << d;

  SessionPtr s;
  {
    tessel_session *session = nullptr;
    tessel_session_options opts = TESSEL_SESSION_OPTIONS_INIT;
    opts.num_threads = 1;
    ASSERT_TESSEL_OK(tessel_session_create(m.get(), &opts, &session));
    s.reset(session);
  }
  std::vector<float> x(4 * 3 * 5, -1.0f), y(4 * 3 * 5, 42.0f);
  int64_t wrongShape[3] = {4, 3, 5}, yShape[3] = {0, 0, 0};
  tessel_tensor input = {sizeof(tessel_tensor), TESSEL_FLOAT32, 3, wrongShape, x.data(),
                         x.size() * sizeof(float)};
  tessel_tensor output = {sizeof(tessel_tensor), TESSEL_FLOAT32, 3, yShape, y.data(),
                          y.size() * sizeof(float)};
  Status st(tessel_session_run_tensors(s.get(), &input, 1, &output, 1));
  EXPECT_EQ(st.code(), TESSEL_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("input 0 ('x') has shape [4x3x5], the model expects [2x3x5]: "
                              "dimension 0 ('batch') is 4, it was fixed to 2 at compile time "
                              "(recompile with --dim batch=4 for this size)"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(y[0], 42.0f) << "a refused run wrote an output";

  int64_t goodShape[3] = {2, 3, 5};
  input.shape = goodShape;
  input.byte_size = 2 * 3 * 5 * sizeof(float);
  ASSERT_TESSEL_OK(tessel_session_run_tensors(s.get(), &input, 1, &output, 1));
  EXPECT_EQ(std::vector<int64_t>(yShape, yShape + 3), (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[29], 0.0f);
  EXPECT_EQ(y[30], 42.0f) << "the run wrote past its output's shape";
}

// A run sizes OpenMP's team for itself and gives the calling thread's
// setting back: the host program's own parallel regions are not changed.
TEST(RuntimeThreads, RunRestoresTheCallersOpenMPThreadCount) {
  TempDir dir;
  std::string path = compileModel(parallelMatmulModel(), dir, "matmul");
  ASSERT_FALSE(path.empty());
  tessel_model *raw = nullptr;
  ASSERT_TESSEL_OK(tessel_model_open(path.c_str(), &raw));
  ModelPtr m(raw);
  void *omp = nullptr;
  for (const char *name : {"libomp.so.5", "libomp.so"})
    if (!omp)
      omp = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
  if (!omp)
    GTEST_SKIP() << "the model did not load libomp (no parallel loop)";
  auto set = reinterpret_cast<void (*)(int)>(dlsym(omp, "omp_set_num_threads"));
  auto get = reinterpret_cast<int (*)()>(dlsym(omp, "omp_get_max_threads"));
  ASSERT_TRUE(set && get);
  set(7);
  for (int threads : {1, 2}) {
    tessel_session *session = nullptr;
    tessel_session_options opts = TESSEL_SESSION_OPTIONS_INIT;
    opts.num_threads = threads;
    ASSERT_TESSEL_OK(tessel_session_create(m.get(), &opts, &session));
    SessionPtr s(session);
    std::vector<float> x(256 * 512, 0.5f), y(256 * 256);
    const void *ins[] = {x.data()};
    size_t inSizes[] = {x.size() * sizeof(float)};
    void *outs[] = {y.data()};
    size_t outSizes[] = {y.size() * sizeof(float)};
    ASSERT_TESSEL_OK(tessel_session_run(s.get(), ins, inSizes, outs, outSizes));
    EXPECT_EQ(get(), 7) << "after a run with " << threads << " thread(s)";
  }
  dlclose(omp);
}
