//===- TensorLoaderTest.cpp - frontend/TensorLoader -----------------------===//
//
// Decoding TensorProtos (raw vs typed data, sizes, external data confined to
// the model's folder) and reading/writing .npy files.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include "frontend/TensorLoader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <unistd.h>

using namespace tessel;
using namespace tessel::test;

namespace {

template <typename T> std::string bytesOf(const std::vector<T> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T));
}
template <typename T> std::vector<T> valuesOf(const TensorData &t) {
  std::vector<T> v(t.bytes.size() / sizeof(T));
  std::memcpy(v.data(), t.bytes.data(), v.size() * sizeof(T));
  return v;
}

/// The error of an Expected that must have failed, as text ("" if it did not fail).
template <typename T> std::string errorOf(llvm::Expected<T> e) {
  if (e)
    return "";
  return llvm::toString(e.takeError());
}

std::string errorOf(llvm::Error e) { return e ? llvm::toString(std::move(e)) : ""; }

onnx::TensorProto floatTensor(const std::string &name, const std::vector<int64_t> &dims) {
  onnx::TensorProto p;
  p.set_name(name);
  p.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    p.add_dims(d);
  return p;
}

// --- decodeTensor --------------------------------------------------------------------

TEST(DecodeTensor, RawDataAndFloatDataAgree) {
  const std::vector<float> values = {1.5f, -2.0f, 0.0f, 3.25f, 1e-8f, -7.0f};
  onnx::TensorProto raw = floatTensor("w", {2, 3});
  raw.set_raw_data(bytesOf(values));
  onnx::TensorProto typed = floatTensor("w", {2, 3});
  for (float v : values)
    typed.add_float_data(v);

  auto a = decodeTensor(raw, "");
  ASSERT_TRUE((bool)a) << llvm::toString(a.takeError());
  auto b = decodeTensor(typed, "");
  ASSERT_TRUE((bool)b) << llvm::toString(b.takeError());
  EXPECT_EQ(a->name, "w");
  EXPECT_EQ(a->onnxType, (int32_t)ElementType::F32);
  EXPECT_EQ(std::vector<int64_t>(a->shape.begin(), a->shape.end()),
            (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->numElements(), 6);
  EXPECT_EQ(valuesOf<float>(*a), values);
  EXPECT_EQ(a->bytes, b->bytes);
  EXPECT_EQ(std::vector<int64_t>(b->shape.begin(), b->shape.end()),
            (std::vector<int64_t>{2, 3}));
}

TEST(DecodeTensor, TypedFieldsOfEveryIntegerType) {
  // int64 from int64_data.
  onnx::TensorProto i64;
  i64.set_data_type(onnx::TensorProto::INT64);
  i64.add_dims(3);
  for (int64_t v : {int64_t{-1}, int64_t{1} << 40, int64_t{7}})
    i64.add_int64_data(v);
  auto t = decodeTensor(i64, "");
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_EQ(valuesOf<int64_t>(*t), (std::vector<int64_t>{-1, int64_t{1} << 40, 7}));
  EXPECT_EQ(t->asInt64(), (std::vector<int64_t>{-1, int64_t{1} << 40, 7}));

  // Narrow types come packed in int32_data, one value per entry.
  struct Case {
    onnx::TensorProto::DataType type;
    std::vector<int32_t> values;
    std::string expectedBytes;
  };
  const Case cases[] = {
      {onnx::TensorProto::INT8, {-3, 127}, std::string("\xfd\x7f", 2)},
      {onnx::TensorProto::UINT8, {200, 1}, std::string("\xc8\x01", 2)},
      {onnx::TensorProto::BOOL, {1, 0}, std::string("\x01\x00", 2)},
      {onnx::TensorProto::INT16, {-2, 300}, std::string("\xfe\xff\x2c\x01", 4)},
      // float16 bit patterns: 1.0 = 0x3C00, -2.0 = 0xC000.
      {onnx::TensorProto::FLOAT16, {0x3C00, 0xC000}, std::string("\x00\x3c\x00\xc0", 4)},
      {onnx::TensorProto::INT32, {-5, 65536}, std::string("\xfb\xff\xff\xff\x00\x00\x01\x00", 8)},
  };
  for (const Case &c : cases) {
    onnx::TensorProto p;
    p.set_data_type(c.type);
    p.add_dims(2);
    for (int32_t v : c.values)
      p.add_int32_data(v);
    auto d = decodeTensor(p, "");
    ASSERT_TRUE((bool)d) << onnx::TensorProto::DataType_Name(c.type) << ": "
                         << llvm::toString(d.takeError());
    EXPECT_EQ(std::string(d->bytes.begin(), d->bytes.end()), c.expectedBytes)
        << onnx::TensorProto::DataType_Name(c.type);
  }
}

TEST(DecodeTensor, DoubleDataAndScalars) {
  onnx::TensorProto p;
  p.set_data_type(onnx::TensorProto::DOUBLE);
  p.add_double_data(0.1);
  auto t = decodeTensor(p, "");
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_TRUE(t->shape.empty()) << "no dims is a scalar";
  EXPECT_EQ(t->numElements(), 1);
  EXPECT_EQ(t->asDouble(), std::vector<double>{0.1});
}

TEST(DecodeTensor, DataShorterThanShape) {
  onnx::TensorProto raw = floatTensor("w", {2, 3});
  raw.set_raw_data(std::string(20, '\0'));
  EXPECT_EQ(errorOf(decodeTensor(raw, "")),
            "tensor 'w' of shape [2,3] and type float needs 24 bytes of data but has 20");

  onnx::TensorProto typed = floatTensor("v", {4});
  typed.add_float_data(1);
  typed.add_float_data(2);
  EXPECT_EQ(errorOf(decodeTensor(typed, "")),
            "tensor 'v' of shape [4] and type float needs 16 bytes of data but has 8");

  // A tensor with a shape but no data at all is not silently zero.
  onnx::TensorProto empty = floatTensor("e", {3});
  EXPECT_NE(errorOf(decodeTensor(empty, "")).find("needs 12 bytes of data but has 0"),
            std::string::npos);
}

TEST(DecodeTensor, DataLongerThanShape) {
  onnx::TensorProto raw = floatTensor("w", {2});
  raw.set_raw_data(std::string(12, '\0'));
  EXPECT_NE(errorOf(decodeTensor(raw, "")).find("needs 8 bytes of data but has 12"),
            std::string::npos);
}

TEST(DecodeTensor, NegativeDimension) {
  onnx::TensorProto p = floatTensor("w", {3, -2});
  p.set_raw_data(std::string(24, '\0'));
  EXPECT_EQ(errorOf(decodeTensor(p, "")), "tensor 'w' has a negative dimension -2");
}

TEST(DecodeTensor, ElementCountOverflow) {
  // 2^31 * 2^31 * 4 bytes wraps 64 bits; it must be refused, not wrapped to 0.
  onnx::TensorProto p = floatTensor("huge", {int64_t{1} << 31, int64_t{1} << 31, 4});
  EXPECT_EQ(errorOf(decodeTensor(p, "")), "tensor 'huge' has more elements than fit in 64 bits");
}

TEST(DecodeTensor, ZeroSizedTensor) {
  onnx::TensorProto p = floatTensor("none", {0, 5});
  auto t = decodeTensor(p, "");
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_EQ(t->numElements(), 0);
  EXPECT_TRUE(t->bytes.empty());
}

TEST(DecodeTensor, UnsupportedElementType) {
  onnx::TensorProto p;
  p.set_name("s");
  p.set_data_type(onnx::TensorProto::STRING);
  p.add_string_data("hello");
  EXPECT_EQ(errorOf(decodeTensor(p, "")),
            "tensor 's' has element type string, which Tessel does not support");
  p.set_data_type(onnx::TensorProto::BFLOAT16);
  EXPECT_NE(errorOf(decodeTensor(p, "")).find("element type bfloat16"), std::string::npos);
}

// --- External data ------------------------------------------------------------------

class ExternalData : public ::testing::Test {
protected:
  void SetUp() override {
    modelDir_ = tmp_.file("model");
    ASSERT_EQ(mkdir(modelDir_.c_str(), 0755), 0);
    // 4 floats of padding, then the tensor's 6 floats.
    std::vector<float> data = {9, 9, 9, 9, 1, 2, 3, 4, 5, 6};
    writeFile(modelDir_ + "/weights.bin", bytesOf(data));
    writeFile(tmp_.file("secret.bin"), bytesOf(std::vector<float>(6, 42.0f)));
  }

  static onnx::TensorProto external(const std::string &location, int64_t offset = -1,
                                    int64_t length = -1) {
    onnx::TensorProto p = floatTensor("w", {2, 3});
    p.set_data_location(onnx::TensorProto::EXTERNAL);
    auto add = [&](const char *k, const std::string &v) {
      auto *e = p.add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    add("location", location);
    if (offset >= 0)
      add("offset", std::to_string(offset));
    if (length >= 0)
      add("length", std::to_string(length));
    return p;
  }

  TempDir tmp_;
  std::string modelDir_;
};

TEST_F(ExternalData, ReadsOffsetAndLength) {
  auto t = decodeTensor(external("weights.bin", 16, 24), modelDir_);
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_EQ(valuesOf<float>(*t), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST_F(ExternalData, LengthDefaultsToTheRestOfTheFile) {
  auto t = decodeTensor(external("weights.bin", 16), modelDir_);
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_EQ(valuesOf<float>(*t), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  // Without an offset the whole 40-byte file does not fit 2x3 floats.
  EXPECT_NE(errorOf(decodeTensor(external("weights.bin"), modelDir_))
                .find("needs 24 bytes of data but has 40"),
            std::string::npos);
}

TEST_F(ExternalData, DotDotInsideTheFolderIsFine) {
  ASSERT_EQ(mkdir((modelDir_ + "/sub").c_str(), 0755), 0);
  auto t = decodeTensor(external("sub/../weights.bin", 16, 24), modelDir_);
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
}

TEST_F(ExternalData, PathEscapingTheFolderIsRefused) {
  EXPECT_EQ(errorOf(decodeTensor(external("../secret.bin"), modelDir_)),
            "external data path '../secret.bin' of tensor 'w' leaves the model's folder");
  ASSERT_EQ(mkdir((modelDir_ + "/sub").c_str(), 0755), 0);
  EXPECT_NE(errorOf(decodeTensor(external("sub/../../secret.bin"), modelDir_)).find("leaves"),
            std::string::npos);
}

TEST_F(ExternalData, SiblingFolderWithTheSamePrefixIsRefused) {
  // <tmp>/model2 starts with the text "<tmp>/model" but is another folder.
  std::string sibling = tmp_.file("model2");
  ASSERT_EQ(mkdir(sibling.c_str(), 0755), 0);
  writeFile(sibling + "/w.bin", bytesOf(std::vector<float>(6, 1.0f)));
  EXPECT_NE(errorOf(decodeTensor(external("../model2/w.bin"), modelDir_))
                .find("leaves the model's folder"),
            std::string::npos);
}

TEST_F(ExternalData, SymlinkOutOfTheFolderIsRefused) {
  std::string link = modelDir_ + "/innocent.bin";
  ASSERT_EQ(symlink(tmp_.file("secret.bin").c_str(), link.c_str()), 0);
  EXPECT_NE(errorOf(decodeTensor(external("innocent.bin"), modelDir_))
                .find("leaves the model's folder"),
            std::string::npos);
}

TEST_F(ExternalData, AbsolutePathIsRefused) {
  std::string abs = tmp_.file("secret.bin");
  EXPECT_EQ(errorOf(decodeTensor(external(abs), modelDir_)),
            "external data path '" + abs +
                "' of tensor 'w' is absolute; it must be relative to the model's folder");
}

TEST_F(ExternalData, RefusedWithoutABaseFolder) {
  EXPECT_EQ(errorOf(decodeTensor(external("weights.bin", 16, 24), "")),
            "tensor 'w' uses external data, which is not allowed here");
}

TEST_F(ExternalData, MissingFileOffsetPastEndAndShortFile) {
  EXPECT_NE(errorOf(decodeTensor(external("nope.bin"), modelDir_)).find("does not exist"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeTensor(external("weights.bin", 44), modelDir_)).find("past the end"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeTensor(external("weights.bin", 32, 24), modelDir_)).find("too short"),
            std::string::npos);
  onnx::TensorProto bad = external("weights.bin");
  bad.mutable_external_data(0)->set_value("");
  EXPECT_NE(errorOf(decodeTensor(bad, modelDir_)).find("without a location"), std::string::npos);
  onnx::TensorProto notNumber = external("weights.bin", 16);
  notNumber.mutable_external_data(1)->set_value("sixteen");
  EXPECT_NE(errorOf(decodeTensor(notNumber, modelDir_)).find("'offset' of tensor 'w' is not a number"),
            std::string::npos);
}

// --- TensorProto files and .npy ---------------------------------------------------------

TEST(TensorFiles, ReadTensorProtoFile) {
  TempDir tmp;
  onnx::TensorProto p = floatTensor("input_0", {3});
  for (float v : {1.0f, 2.0f, 3.0f})
    p.add_float_data(v);
  std::string path = tmp.file("input_0.pb");
  writeFile(path, p.SerializeAsString());
  auto t = readTensorProtoFile(path);
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_EQ(t->name, "input_0");
  EXPECT_EQ(valuesOf<float>(*t), (std::vector<float>{1, 2, 3}));

  EXPECT_NE(errorOf(readTensorProtoFile(tmp.file("missing.pb"))).find("cannot read"),
            std::string::npos);
  writeFile(tmp.file("junk.pb"), std::string("\xff\xff\xff\xff\xff", 5));
  EXPECT_NE(errorOf(readTensorProtoFile(tmp.file("junk.pb"))).find("is not a serialized ONNX "
                                                                    "TensorProto"),
            std::string::npos);
}

TensorData makeTensor(ElementType type, std::vector<int64_t> shape, std::string bytes) {
  TensorData t;
  t.onnxType = (int32_t)type;
  t.shape.assign(shape.begin(), shape.end());
  t.bytes.assign(bytes.begin(), bytes.end());
  return t;
}

TEST(Npy, RoundTripsEveryShapeKind) {
  TempDir tmp;
  const TensorData cases[] = {
      makeTensor(ElementType::F32, {2, 3}, bytesOf(std::vector<float>{1, 2, 3, 4, 5, 6})),
      makeTensor(ElementType::I64, {5}, bytesOf(std::vector<int64_t>{-2, -1, 0, 1, 1LL << 50})),
      makeTensor(ElementType::F64, {}, bytesOf(std::vector<double>{3.5})),
      makeTensor(ElementType::Bool, {2, 1, 2}, std::string("\x01\x00\x00\x01", 4)),
      makeTensor(ElementType::I8, {0, 4}, ""),
      makeTensor(ElementType::F16, {1}, std::string("\x00\x3c", 2)),
  };
  int i = 0;
  for (const TensorData &t : cases) {
    std::string path = tmp.file("t" + std::to_string(i++) + ".npy");
    ASSERT_EQ(errorOf(writeNpyFile(path, t)), "") << path;
    // NumPy's layout: magic, version 1.0, a header padded so the data starts
    // on a 64-byte boundary and ends with a newline.
    std::string file = readFile(path);
    ASSERT_GE(file.size(), 10u);
    EXPECT_EQ(file.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    size_t headerLen = (uint8_t)file[8] | ((uint8_t)file[9] << 8);
    EXPECT_EQ((10 + headerLen) % 64, 0u) << path;
    EXPECT_EQ(file[10 + headerLen - 1], '\n') << path;
    EXPECT_EQ(file.size(), 10 + headerLen + t.bytes.size()) << path;

    auto back = readNpyFile(path);
    ASSERT_TRUE((bool)back) << llvm::toString(back.takeError());
    EXPECT_EQ(back->onnxType, t.onnxType) << path;
    EXPECT_EQ(std::vector<int64_t>(back->shape.begin(), back->shape.end()),
              std::vector<int64_t>(t.shape.begin(), t.shape.end()))
        << path;
    EXPECT_EQ(back->bytes, t.bytes) << path;
  }
}

TEST(Npy, HeaderMatchesNumPyConventions) {
  TempDir tmp;
  std::string path = tmp.file("v.npy");
  ASSERT_EQ(errorOf(writeNpyFile(
                path, makeTensor(ElementType::I32, {3}, bytesOf(std::vector<int32_t>{1, 2, 3})))),
            "");
  std::string file = readFile(path);
  // A 1-tuple keeps its trailing comma: (3,).
  EXPECT_NE(file.find("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"),
            std::string::npos)
      << file;
}

TEST(Npy, ReadsAHandWrittenVersion2Header) {
  TempDir tmp;
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  header.append(64 - (12 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string file = std::string("\x93NUMPY\x02\x00", 8);
  uint32_t len = header.size();
  file.append(reinterpret_cast<const char *>(&len), 4);
  file += header + bytesOf(std::vector<float>{1, 2, 3, 4});
  writeFile(tmp.file("v2.npy"), file);
  auto t = readNpyFile(tmp.file("v2.npy"));
  ASSERT_TRUE((bool)t) << llvm::toString(t.takeError());
  EXPECT_EQ(std::vector<int64_t>(t->shape.begin(), t->shape.end()),
            (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf<float>(*t), (std::vector<float>{1, 2, 3, 4}));
}

std::string npyBytes(const std::string &dict, const std::string &payload) {
  std::string header = dict;
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  uint16_t len = header.size();
  file.append(reinterpret_cast<const char *>(&len), 2);
  return file + header + payload;
}

TEST(Npy, Errors) {
  TempDir tmp;
  auto check = [&](const std::string &name, const std::string &bytes, const std::string &want) {
    writeFile(tmp.file(name), bytes);
    std::string err = errorOf(readNpyFile(tmp.file(name)));
    EXPECT_NE(err.find(want), std::string::npos) << name << ": '" << err << "'";
  };
  check("text.npy", "just some text, definitely not numpy", "is not a .npy file");
  check("fortran.npy",
        npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                 std::string(16, '\0')),
        "Fortran order");
  check("complex.npy",
        npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
                 std::string(16, '\0')),
        "unsupported dtype");
  check("bigendian.npy",
        npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                 std::string(8, '\0')),
        "unsupported dtype");
  check("short.npy",
        npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                 std::string(20, '\0')),
        "holds 20 bytes of data, its shape needs 24");
  check("badshape.npy",
        npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }",
                 std::string(24, '\0')),
        "bad shape entry '-3'");
  std::string truncated = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                                   "");
  check("truncated.npy", truncated.substr(0, 40), "truncated");
  EXPECT_NE(errorOf(readNpyFile(tmp.file("missing.npy"))).find("cannot read"),
            std::string::npos);
}

TEST(Npy, ShapeWhoseElementCountOverflowsIsRefused) {
  // 2^62 * 4 elements wrap to 0 in 64 bits: with no data at all the file must
  // still be refused, never read as a tensor that claims 2^64 elements.
  TempDir tmp;
  writeFile(tmp.file("huge.npy"),
            npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, "
                     "4), }",
                     ""));
  auto t = readNpyFile(tmp.file("huge.npy"));
  EXPECT_FALSE((bool)t) << "read a tensor of shape [2^62, 4] from an empty payload";
  if (!t) {
    EXPECT_NE(llvm::toString(t.takeError()).find("too many elements"), std::string::npos);
  }
}

TEST(Npy, WriteRefusesUnknownTypes) {
  TempDir tmp;
  TensorData t;
  t.onnxType = 8; // ONNX string
  EXPECT_EQ(errorOf(writeNpyFile(tmp.file("s.npy"), t)), "cannot write element type string to .npy");
}

} // namespace
