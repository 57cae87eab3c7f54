//===- TensorLoader.cpp - Decoding ONNX TensorProtos ----------------------===//
#include "frontend/TensorLoader.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

namespace tessel {

namespace {

llvm::Error fail(const std::string &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

template <typename Dst, typename Src>
void appendConverted(std::vector<char> &bytes, const Src &values) {
  for (auto v : values) {
    Dst d = static_cast<Dst>(v);
    const char *p = reinterpret_cast<const char *>(&d);
    bytes.insert(bytes.end(), p, p + sizeof(Dst));
  }
}

/// Parses a whole decimal number (no sign, no trailing characters).
bool parseCount(const std::string &text, int64_t &out) {
  return !text.empty() && !llvm::StringRef(text).getAsInteger(10, out) && out >= 0;
}

struct ExternalFile {
  std::string location, realPath;
  int64_t offset = 0, length = -1;
  uint64_t fileSize = 0;
};

/// Resolves the external data of `proto`: a regular file inside `baseDir`.
llvm::Expected<ExternalFile> resolveExternal(const onnx::TensorProto &proto,
                                             llvm::StringRef baseDir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t value;
      if (!parseCount(entry.value(), value))
        return fail(fmt::format("external data entry '{}' of tensor '{}' is not a number ('{}')",
                                entry.key(), proto.name(), entry.value()));
      (entry.key() == "offset" ? offset : length) = value;
    }
  }
  if (baseDir.empty())
    return fail(fmt::format("tensor '{}' uses external data, which is not allowed here",
                            proto.name()));
  if (location.empty())
    return fail(fmt::format("tensor '{}' uses external data without a location", proto.name()));
  if (location.find('\0') != std::string::npos)
    return fail(fmt::format("external data path of tensor '{}' contains a NUL byte",
                            proto.name()));
  if (llvm::sys::path::is_absolute(location))
    return fail(fmt::format("external data path '{}' of tensor '{}' is absolute; it must be "
                            "relative to the model's folder",
                            location, proto.name()));
  // A `..` that climbs out is refused before touching the file system:
  // whether a file outside the model's folder exists is none of the model's
  // business. (`sub/../w.bin` stays inside and is fine.)
  llvm::SmallString<256> normalized(location);
  llvm::sys::path::remove_dots(normalized, /*remove_dot_dot=*/true);
  if (normalized.empty())
    return fail(fmt::format("external data path '{}' of tensor '{}' is not a regular file",
                            location, proto.name()));
  if (*llvm::sys::path::begin(normalized) == "..")
    return fail(fmt::format("external data path '{}' of tensor '{}' leaves the model's folder",
                            location, proto.name()));
  llvm::SmallString<256> realBase, realFile, joined(baseDir);
  llvm::sys::path::append(joined, normalized);
  if (llvm::sys::fs::real_path(baseDir, realBase))
    return fail(fmt::format("cannot resolve the model folder '{}'", baseDir.str()));
  if (llvm::sys::fs::real_path(joined, realFile))
    return fail(fmt::format("external data file '{}' of tensor '{}' does not exist", location,
                            proto.name()));
  // Symlinks are resolved: the file itself must lie inside the folder.
  llvm::StringRef fileRef(realFile), baseRef(realBase);
  if (!fileRef.starts_with(baseRef) || fileRef.size() <= baseRef.size() ||
      !llvm::sys::path::is_separator(fileRef[baseRef.size()]))
    return fail(fmt::format("external data path '{}' of tensor '{}' leaves the model's folder",
                            location, proto.name()));
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(realFile, status))
    return fail(fmt::format("cannot read external data file '{}'", location));
  if (!llvm::sys::fs::is_regular_file(status))
    return fail(fmt::format("external data path '{}' of tensor '{}' is not a regular file",
                            location, proto.name()));
  return ExternalFile{location, std::string(realFile), offset, length, status.getSize()};
}

/// Reads [offset, offset+length) of an external data file that must live
/// inside `baseDir`: no absolute paths, no `..` components, no symlinks out,
/// and only a regular file (a FIFO or device would block or never end).
llvm::Error readExternal(const onnx::TensorProto &proto, llvm::StringRef baseDir,
                         uint64_t byteCount, std::vector<char> &bytes) {
  auto file = resolveExternal(proto, baseDir);
  if (!file)
    return file.takeError();
  const std::string &location = file->location;
  int64_t offset = file->offset, length = file->length;
  uint64_t fileSize = file->fileSize;
  if ((uint64_t)offset > fileSize)
    return fail(fmt::format("external data offset {} of tensor '{}' is past the end of '{}' ({} "
                            "bytes)",
                            offset, proto.name(), location, fileSize));
  uint64_t available = fileSize - offset;
  // Without a length, the data is the rest of the file (as in ONNX).
  uint64_t want = length < 0 ? available : (uint64_t)length;
  if (want > available)
    return fail(fmt::format("external data file '{}' is too short for tensor '{}': needs {} "
                            "bytes at offset {}, has {}",
                            location, proto.name(), want, offset, available));
  // Sizes are compared before reading: a huge file is never read in vain.
  if (want != byteCount)
    return fail(fmt::format("tensor '{}' needs {} bytes of data but has {} (external data '{}' "
                            "from offset {})",
                            proto.name(), byteCount, want, location, offset));
  std::ifstream in(file->realPath, std::ios::binary);
  bytes.resize(want);
  in.seekg(offset);
  if (!in.read(bytes.data(), want))
    return fail(fmt::format("cannot read external data file '{}'", location));
  return llvm::Error::success();
}

} // namespace

llvm::Error checkExternalData(const onnx::TensorProto &proto, llvm::StringRef baseDir) {
  auto file = resolveExternal(proto, baseDir);
  return file ? llvm::Error::success() : file.takeError();
}

size_t elementByteSize(int32_t t) {
  switch ((ElementType)t) {
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::U8:
  case ElementType::I8:
  case ElementType::Bool:
    return 1;
  case ElementType::I16:
  case ElementType::F16:
    return 2;
  case ElementType::I64:
  case ElementType::F64:
    return 8;
  }
  return 0;
}

const char *onnxTypeName(int32_t t) {
  if (!onnx::TensorProto_DataType_IsValid(t))
    return "invalid";
  static std::string names[32];
  std::string &n = names[t & 31];
  if (n.empty()) {
    n = onnx::TensorProto_DataType_Name((onnx::TensorProto_DataType)t);
    for (char &c : n)
      c = (char)tolower(c);
  }
  return n.c_str();
}

int64_t TensorData::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// A float as int64 without undefined behaviour: NaN is 0, out-of-range
/// values saturate (a hostile model's float "shape" must not be UB).
static int64_t saturatingInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775807.0)
    return INT64_MAX;
  if (v <= -9223372036854775808.0)
    return INT64_MIN;
  return (int64_t)v;
}

std::vector<int64_t> TensorData::asInt64() const {
  std::vector<int64_t> out;
  int64_t n = numElements();
  for (int64_t i = 0; i < n; ++i) {
    switch ((ElementType)onnxType) {
    case ElementType::I64: out.push_back(data<int64_t>()[i]); break;
    case ElementType::I32: out.push_back(data<int32_t>()[i]); break;
    case ElementType::I16: out.push_back(data<int16_t>()[i]); break;
    case ElementType::I8: out.push_back(data<int8_t>()[i]); break;
    case ElementType::U8:
    case ElementType::Bool: out.push_back(data<uint8_t>()[i]); break;
    case ElementType::F32: out.push_back(saturatingInt64(data<float>()[i])); break;
    case ElementType::F64: out.push_back(saturatingInt64(data<double>()[i])); break;
    default: return {};
    }
  }
  return out;
}

std::vector<double> TensorData::asDouble() const {
  std::vector<double> out;
  int64_t n = numElements();
  for (int64_t i = 0; i < n; ++i) {
    switch ((ElementType)onnxType) {
    case ElementType::F32: out.push_back(data<float>()[i]); break;
    case ElementType::F64: out.push_back(data<double>()[i]); break;
    default: {
      auto ints = asInt64();
      return std::vector<double>(ints.begin(), ints.end());
    }
    }
  }
  return out;
}

llvm::Expected<TensorData> decodeTensor(const onnx::TensorProto &proto, llvm::StringRef baseDir) {
  TensorData t;
  t.name = proto.name();
  t.onnxType = proto.data_type();
  size_t elemSize = elementByteSize(t.onnxType);
  if (elemSize == 0)
    return fail(fmt::format("tensor '{}' has element type {}, which Tessel does not support",
                            proto.name(), onnxTypeName(t.onnxType)));
  // Element count with overflow checks: a hostile dims list must not wrap.
  uint64_t count = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail(fmt::format("tensor '{}' has a negative dimension {}", proto.name(), d));
    if (d != 0 && count > (uint64_t)INT64_MAX / elemSize / (uint64_t)d)
      return fail(fmt::format("tensor '{}' has more elements than fit in 64 bits", proto.name()));
    count *= (uint64_t)d;
    t.shape.push_back(d);
  }
  uint64_t byteCount = count * elemSize;

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    if (auto err = readExternal(proto, baseDir, byteCount, t.bytes))
      return std::move(err);
  } else if (proto.has_raw_data()) {
    t.bytes.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    switch ((ElementType)t.onnxType) {
    case ElementType::F32: appendConverted<float>(t.bytes, proto.float_data()); break;
    case ElementType::F64: appendConverted<double>(t.bytes, proto.double_data()); break;
    case ElementType::I64: appendConverted<int64_t>(t.bytes, proto.int64_data()); break;
    case ElementType::I32: appendConverted<int32_t>(t.bytes, proto.int32_data()); break;
    case ElementType::I16: appendConverted<int16_t>(t.bytes, proto.int32_data()); break;
    case ElementType::I8: appendConverted<int8_t>(t.bytes, proto.int32_data()); break;
    case ElementType::U8:
    case ElementType::Bool: appendConverted<uint8_t>(t.bytes, proto.int32_data()); break;
    case ElementType::F16: appendConverted<uint16_t>(t.bytes, proto.int32_data()); break;
    }
  }
  if (t.bytes.size() != byteCount)
    return fail(fmt::format("tensor '{}' of shape [{}] and type {} needs {} bytes of data but has "
                            "{}",
                            proto.name(), fmt::join(t.shape, ","), onnxTypeName(t.onnxType),
                            byteCount, t.bytes.size()));
  return t;
}

std::optional<TensorData> tensorDataFromAttr(llvm::StringRef name, mlir::DenseElementsAttr attr) {
  auto type = llvm::cast<mlir::RankedTensorType>(attr.getType());
  mlir::Type et = type.getElementType();
  TensorData t;
  t.name = name.str();
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  if (et.isF32()) t.onnxType = (int32_t)ElementType::F32;
  else if (et.isF64()) t.onnxType = (int32_t)ElementType::F64;
  else if (et.isF16()) t.onnxType = (int32_t)ElementType::F16;
  else if (et.isInteger(1)) t.onnxType = (int32_t)ElementType::Bool;
  else if (et.isInteger(8)) t.onnxType = (int32_t)ElementType::I8;
  else if (et.isInteger(16)) t.onnxType = (int32_t)ElementType::I16;
  else if (et.isInteger(32)) t.onnxType = (int32_t)ElementType::I32;
  else if (et.isInteger(64)) t.onnxType = (int32_t)ElementType::I64;
  else return std::nullopt;
  int64_t count = type.getNumElements();
  if (et.isInteger(1)) {
    for (bool b : attr.getValues<bool>())
      t.bytes.push_back(b ? 1 : 0);
    return t;
  }
  llvm::ArrayRef<char> raw = attr.getRawData();
  size_t elemSize = elementByteSize(t.onnxType);
  if (attr.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      t.bytes.insert(t.bytes.end(), raw.begin(), raw.begin() + elemSize);
  } else {
    t.bytes.assign(raw.begin(), raw.end());
  }
  return t;
}

llvm::Expected<TensorData> readTensorProtoFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail(fmt::format("cannot read '{}': {}", path.str(), buffer.getError().message()));
  onnx::TensorProto proto;
  if ((*buffer)->getBufferSize() > (size_t)INT32_MAX ||
      !proto.ParseFromArray((*buffer)->getBufferStart(), (int)(*buffer)->getBufferSize()))
    return fail(fmt::format("'{}' is not a serialized ONNX TensorProto", path.str()));
  return decodeTensor(proto, llvm::sys::path::parent_path(path));
}

namespace {
struct NpyType {
  const char *descr;
  ElementType type;
};
const NpyType kNpyTypes[] = {{"<f4", ElementType::F32}, {"<f8", ElementType::F64},
                             {"<f2", ElementType::F16}, {"<i8", ElementType::I64},
                             {"<i4", ElementType::I32}, {"<i2", ElementType::I16},
                             {"|i1", ElementType::I8},  {"|u1", ElementType::U8},
                             {"|b1", ElementType::Bool}};
} // namespace

llvm::Expected<TensorData> readNpyFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail(fmt::format("cannot read '{}': {}", path.str(), buffer.getError().message()));
  llvm::StringRef data = (*buffer)->getBuffer();
  if (data.size() < 10 || !data.starts_with("\x93NUMPY"))
    return fail(fmt::format("'{}' is not a .npy file", path.str()));
  uint8_t major = (uint8_t)data[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = (uint8_t)data[8] | ((uint8_t)data[9] << 8);
    headerStart = 10;
  } else {
    if (data.size() < 12)
      return fail(fmt::format("'{}' is a truncated .npy file", path.str()));
    headerLen = (uint8_t)data[8] | ((uint8_t)data[9] << 8) | ((uint8_t)data[10] << 16) |
                ((size_t)(uint8_t)data[11] << 24);
    headerStart = 12;
  }
  if (headerStart + headerLen > data.size())
    return fail(fmt::format("'{}' is a truncated .npy file", path.str()));
  llvm::StringRef header = data.substr(headerStart, headerLen);
  TensorData t;
  for (const NpyType &nt : kNpyTypes)
    if (header.contains(std::string("'") + nt.descr + "'"))
      t.onnxType = (int32_t)nt.type;
  if (!t.onnxType)
    return fail(fmt::format("'{}' has an unsupported dtype: {}", path.str(), header.str()));
  if (header.contains("'fortran_order': True"))
    return fail(fmt::format("'{}' is in Fortran order; save it in C order", path.str()));
  size_t open = header.find("'shape': (");
  if (open == llvm::StringRef::npos)
    return fail(fmt::format("'{}' has no shape in its header", path.str()));
  llvm::StringRef dims = header.substr(open + 10);
  dims = dims.substr(0, dims.find(')'));
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef p : parts) {
    p = p.trim();
    if (p.empty())
      continue;
    int64_t d;
    if (p.getAsInteger(10, d) || d < 0)
      return fail(fmt::format("'{}' has a bad shape entry '{}'", path.str(), p.str()));
    t.shape.push_back(d);
  }
  // Overflow-checked like decodeTensor: a hostile shape must not wrap to a
  // small byte count.
  uint64_t bytes = elementByteSize(t.onnxType);
  for (int64_t d : t.shape) {
    if (d != 0 && bytes > (uint64_t)INT64_MAX / (uint64_t)d)
      return fail(fmt::format("'{}' has a shape with too many elements", path.str()));
    bytes *= (uint64_t)d;
  }
  llvm::StringRef payload = data.substr(headerStart + headerLen);
  if (payload.size() < bytes)
    return fail(fmt::format("'{}' holds {} bytes of data, its shape needs {}", path.str(),
                            payload.size(), bytes));
  t.bytes.assign(payload.begin(), payload.begin() + bytes);
  return t;
}

llvm::Error writeNpyFile(llvm::StringRef path, const TensorData &t) {
  const char *descr = nullptr;
  for (const NpyType &nt : kNpyTypes)
    if ((int32_t)nt.type == t.onnxType)
      descr = nt.descr;
  if (!descr)
    return fail(fmt::format("cannot write element type {} to .npy", onnxTypeName(t.onnxType)));
  std::string shape;
  for (int64_t d : t.shape)
    shape += std::to_string(d) + ",";
  if (t.shape.size() > 1)
    shape.pop_back();
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, shape);
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path.str(), std::ios::binary);
  if (!out)
    return fail(fmt::format("cannot write '{}'", path.str()));
  uint16_t len = (uint16_t)header.size();
  out.write("\x93NUMPY\x01\x00", 8);
  out.write(reinterpret_cast<const char *>(&len), 2);
  out << header;
  out.write(t.bytes.data(), t.bytes.size());
  return llvm::Error::success();
}

} // namespace tessel
