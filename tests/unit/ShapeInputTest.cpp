//===- ShapeInputTest.cpp - The ABI's "shape_inputs" section --------------===//
//
// A graph input whose values set sizes (a Reshape's shape fed as an input)
// is a shape input: the runtime hands its data to the shape function, and
// tessel_model_output_shapes needs that data (and only that). A hostile
// library's malformed section is refused.
//
//===----------------------------------------------------------------------===//
#include "runtime/src/internal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

/// Inputs x (float [6]) and n (int64 [1], a shape input); output y (float
/// [?]) = the first n elements of x.
const std::string kTensors = "tessel-abi 6\ninputs 2\n1 1 6 1:x\n7 1 1 1:n\noutputs 1\n1 1 -1 1:y\n";
const std::string kShapeInputs = "shape_inputs 1\n1\n";
const std::string kKernels = "kernels 0\n";

/// The shape function: y has n elements, 0 <= n <= 6 (check 1).
int32_t shapes(const int64_t *, int64_t *outputDims, int64_t *checkSizes,
               const uint8_t *shapeData) {
  int64_t n;
  std::memcpy(&n, shapeData, sizeof n);
  if (n < 0 || n > 6) {
    checkSizes[0] = n;
    checkSizes[1] = 6;
    return 1;
  }
  outputDims[0] = n;
  return 0;
}

void prefix(void **buffers, const int64_t *dims, const tessel_run_context *) {
  std::memcpy(buffers[2], buffers[0], (size_t)dims[0] * sizeof(float));
}

std::string open(const std::string &metadata, tessel_model **model) {
  tessel_status *st = tessel_model_from_symbols(TESSEL_ABI_VERSION, metadata.data(),
                                                metadata.size(), prefix, shapes, nullptr, model);
  std::string message = st ? tessel_status_message(st) : "";
  tessel_status_free(st);
  return message;
}

TEST(ShapeInput, OutputSizesFromItsData) {
  tessel_model *model = nullptr;
  ASSERT_EQ(open(kTensors + "checks 1\n27:{0} elements of at most {1}\n" + kShapeInputs + kKernels,
                 &model),
            "");
  tessel_tensor_info info = {sizeof info};
  ASSERT_EQ(tessel_model_input_info(model, 1, &info), nullptr);
  EXPECT_EQ(info.sets_sizes, 1);
  ASSERT_EQ(tessel_model_input_info(model, 0, &info), nullptr);
  EXPECT_EQ(info.sets_sizes, 0);

  float x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {0};
  int64_t n = 4, xShape[1] = {6}, nShape[1] = {1}, yShape[1] = {-1};
  tessel_tensor inputs[2] = {{sizeof(tessel_tensor), TESSEL_FLOAT32, 1, xShape, nullptr, 0},
                             {sizeof(tessel_tensor), TESSEL_INT64, 1, nShape, &n, sizeof n}};
  tessel_tensor output = {sizeof(tessel_tensor), TESSEL_FLOAT32, 1, yShape, y, sizeof y};
  // Before the run: x's data is not needed, n's is.
  tessel_status *st = tessel_model_output_shapes(model, inputs, 2, &output, 1);
  ASSERT_EQ(st, nullptr) << tessel_status_message(st);
  EXPECT_EQ(yShape[0], 4);
  EXPECT_EQ(output.byte_size, 4 * sizeof(float));

  inputs[1].data = nullptr;
  st = tessel_model_output_shapes(model, inputs, 2, &output, 1);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(tessel_status_get_code(st), TESSEL_INVALID_ARGUMENT);
  EXPECT_STREQ(tessel_status_message(st),
               "input 1 ('n') sets sizes of the run: its data is needed (8 bytes), the call "
               "passes NULL");
  tessel_status_free(st);

  // A value the shape checks refuse names the value; nothing is written.
  n = 7;
  inputs[1].data = &n;
  inputs[0].data = x;
  inputs[0].byte_size = sizeof x;
  tessel_session *session = nullptr;
  ASSERT_EQ(tessel_session_create(model, nullptr, &session), nullptr);
  output.byte_size = sizeof y;
  st = tessel_session_run_tensors(session, inputs, 2, &output, 1);
  ASSERT_NE(st, nullptr);
  EXPECT_STREQ(tessel_status_message(st),
               "the input shapes do not fit the model: 7 elements of at most 6 (inputs: x [6], "
               "n [1] = [7])");
  EXPECT_EQ(y[0], 0.0f);
  tessel_status_free(st);

  n = 3;
  st = tessel_session_run_tensors(session, inputs, 2, &output, 1);
  ASSERT_EQ(st, nullptr) << tessel_status_message(st);
  EXPECT_EQ(yShape[0], 3);
  EXPECT_EQ(y[2], 3.0f);
  EXPECT_EQ(y[3], 0.0f);
  tessel_session_destroy(session);
  tessel_model_close(model);
}

TEST(ShapeInput, MalformedSectionsAreRefused) {
  const char *bad[] = {
      "shape_inputs 1\n2\n",      // no input 2
      "shape_inputs 1\n-1\n",     // negative index
      "shape_inputs 2\n1\n1\n",   // twice
      "shape_inputs 2\n1\n0\n",   // not increasing
      "shape_inputs 3\n0\n1\n",   // more than the inputs
      "shape_inputs 1\n1",        // no newline
  };
  for (const char *section : bad) {
    tessel_model *model = nullptr;
    EXPECT_EQ(open(kTensors + section + kKernels, &model), "the model's metadata is malformed")
        << section;
    EXPECT_EQ(model, nullptr);
  }
}

TEST(ShapeInput, NeedsTheShapeFunction) {
  tessel_model *model = nullptr;
  const std::string metadata = kTensors + kShapeInputs + kKernels;
  tessel_status *st = tessel_model_from_symbols(TESSEL_ABI_VERSION, metadata.data(),
                                                metadata.size(), prefix, nullptr, nullptr, &model);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(model, nullptr);
  tessel_status_free(st);
}

} // namespace
