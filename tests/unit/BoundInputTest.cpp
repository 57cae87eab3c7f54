//===- BoundInputTest.cpp - The ABI's "bound" section, parsed and enforced -===//
//
// Inputs bound at compile time (tessel-compile --bind-input) carry their value
// in the model metadata; the runtime must parse it strictly (a hostile library
// may write anything there) and refuse runs that pass another value.
//
//===----------------------------------------------------------------------===//
#include "runtime/src/internal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

#define ABI_LINE "tessel-abi 6\n"
/// Inputs x (float [2]) and shape (int64 [2]); output y (float [2]) = x.
const std::string kTensors = ABI_LINE "inputs 2\n1 1 2 1:x\n7 1 2 5:shape\noutputs 1\n1 1 2 1:y\n";
/// shape bound to [4, -1]: 16 little-endian bytes.
const std::string kBound = "bound 1\n1 16 0400000000000000ffffffffffffffff\n";
const std::string kKernels = "kernels 0\n";

void copyFirstInput(void **buffers, const int64_t *, const tessel_run_context *) {
  std::memcpy(buffers[2], buffers[0], 2 * sizeof(float));
}

/// Opens a model from `metadata`; returns the status message ("" when ok).
std::string open(const std::string &metadata, tessel_model **model) {
  tessel_status *st = tessel_model_from_symbols(TESSEL_ABI_VERSION, metadata.data(),
                                                metadata.size(), copyFirstInput, nullptr, nullptr,
                                                model);
  std::string message = st ? tessel_status_message(st) : "";
  tessel_status_free(st);
  return message;
}

/// Each section, between the tensors and the kernels, makes the metadata malformed.
template <size_t N> void expectAllMalformed(const char *const (&sections)[N]) {
  for (const char *section : sections) {
    tessel_model *model = nullptr;
    EXPECT_EQ(open(kTensors + section + kKernels, &model), "the model's metadata is malformed")
        << section;
    EXPECT_EQ(model, nullptr);
  }
}

TEST(BoundInput, RunsOnlyWithTheBoundValue) {
  tessel_model *model = nullptr;
  ASSERT_EQ(open(kTensors + kBound + kKernels, &model), "");
  tessel_session *session = nullptr;
  tessel_status *st = tessel_session_create(model, nullptr, &session);
  ASSERT_EQ(st, nullptr) << tessel_status_message(st);

  float x[2] = {1.5f, -2.0f}, y[2] = {0, 0};
  int64_t shape[2] = {4, -1};
  const void *inputs[2] = {x, shape};
  size_t inputSizes[2] = {sizeof(x), sizeof(shape)};
  void *outputs[1] = {y};
  size_t outputSizes[1] = {sizeof(y)};
  st = tessel_session_run(session, inputs, inputSizes, outputs, outputSizes);
  EXPECT_EQ(st, nullptr) << tessel_status_message(st);
  EXPECT_EQ(y[0], 1.5f);
  EXPECT_EQ(y[1], -2.0f);

  shape[1] = 6; // another value: refused, outputs untouched
  y[0] = y[1] = 0;
  st = tessel_session_run(session, inputs, inputSizes, outputs, outputSizes);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(tessel_status_get_code(st), TESSEL_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tessel_status_message(st))
                .find("input 1 ('shape') was bound at compile time"),
            std::string::npos)
      << tessel_status_message(st);
  EXPECT_EQ(y[0], 0.0f);
  tessel_status_free(st);
  tessel_session_destroy(session);
  tessel_model_close(model);
}

TEST(BoundInput, MalformedSectionsAreRefused) {
  const char *bad[] = {
      "bound 1\n2 16 0400000000000000ffffffffffffffff\n", // no input 2
      "bound 1\n-1 16 0400000000000000ffffffffffffffff\n", // negative index
      "bound 1\n1 8 0400000000000000\n",                   // not the input's byte size
      "bound 1\n1 16 0400000000000000ffffffffffffff\n",     // hex too short
      "bound 1\n1 16 0400000000000000ffffffffffffffgg\n",   // not hex
      "bound 1\n1 16 0400000000000000FFFFFFFFFFFFFFFF\n",   // upper case is not the format
      "bound 2\n1 16 0400000000000000ffffffffffffffff\n1 16 0400000000000000ffffffffffffffff\n",
      "bound 3\n1 16 0400000000000000ffffffffffffffff\n",   // more than the inputs
      "bound 1\n1 16 0400000000000000ffffffffffffffff",     // no newline
      "bound 1\n1 99999999999999999999 00\n",                // absurd size
  };
  expectAllMalformed(bad);
}

// The dim_names section (tessel/abi.h): names reach tessel_tensor_info, and a
// hostile library's malformed section is refused like any other.
TEST(DimNames, ParsedIntoTensorInfos) {
  tessel_model *model = nullptr;
  ASSERT_EQ(open(kTensors + "dim_names 2\n0 5:batch\n2 0:\n" + kBound + kKernels, &model), "");
  tessel_tensor_info info = {sizeof info};
  ASSERT_EQ(tessel_model_input_info(model, 0, &info), nullptr);
  EXPECT_STREQ(info.dim_names[0], "batch");
  ASSERT_EQ(tessel_model_input_info(model, 1, &info), nullptr);
  EXPECT_STREQ(info.dim_names[0], ""); // not named: ""
  ASSERT_EQ(tessel_model_output_info(model, 0, &info), nullptr);
  EXPECT_STREQ(info.dim_names[0], "");
  tessel_model_close(model);
}

TEST(DimNames, MalformedSectionsAreRefused) {
  const char *bad[] = {
      "dim_names 1\n3 1:a\n",        // no tensor 3
      "dim_names 1\n-1 1:a\n",       // negative index
      "dim_names 1\n0 1:a 1:b\n",    // more names than dimensions
      "dim_names 1\n0\n",            // fewer
      "dim_names 1\n0 9:a\n",        // name past the end of its line
      "dim_names 2\n0 1:a\n0 1:b\n", // one tensor twice
      "dim_names 5\n0 1:a\n",        // more than the tensors
      "dim_names 1\n0 1:a",           // no newline
  };
  expectAllMalformed(bad);
}

TEST(BoundInput, SectionIsOptional) {
  tessel_model *model = nullptr;
  ASSERT_EQ(open(kTensors + kKernels, &model), "");
  tessel_model_close(model);
}

} // namespace
