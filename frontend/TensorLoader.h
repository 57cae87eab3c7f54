//===- TensorLoader.h - Decoding ONNX TensorProtos -----------------------===//
//
// Turns an onnx::TensorProto (an initializer, a Constant node's value or a
// test-data file) into a typed, shaped byte buffer, checking every size so
// that a hostile file cannot make us read or allocate out of bounds.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_FRONTEND_TENSOR_LOADER_H
#define TESSEL_FRONTEND_TENSOR_LOADER_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <optional>

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace tessel {

/// Element types Tessel supports, with the ONNX enum values.
enum class ElementType : int32_t {
  F32 = 1,
  U8 = 2,
  I8 = 3,
  I16 = 5,
  I32 = 6,
  I64 = 7,
  Bool = 9,
  F16 = 10,
  F64 = 11,
};

/// Byte size of one element, or 0 for an ONNX type Tessel does not support.
size_t elementByteSize(int32_t onnxType);
/// Human-readable ONNX type name ("float", "int64", ...).
const char *onnxTypeName(int32_t onnxType);

/// A decoded tensor: little-endian elements in row-major order.
struct TensorData {
  std::string name;
  int32_t onnxType = 0;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> bytes;

  int64_t numElements() const;
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
  /// Values as int64 (for integer tensors used as shapes, axes, ...).
  std::vector<int64_t> asInt64() const;
  /// Values as double (for scalar attributes carried as tensors).
  std::vector<double> asDouble() const;
};

/// Decodes `proto`. External data is read relative to `baseDir` and must stay
/// inside it; an empty `baseDir` forbids external data.
llvm::Expected<TensorData> decodeTensor(const onnx::TensorProto &proto, llvm::StringRef baseDir);

/// Checks, without reading it, that the external data of `proto` is a regular
/// file inside `baseDir` (no absolute path, no `..`, no symlink out); an empty
/// `baseDir` forbids external data.
llvm::Error checkExternalData(const onnx::TensorProto &proto, llvm::StringRef baseDir);

/// Decodes a small dense MLIR constant (for constants the importer folds);
/// std::nullopt for element types without an ONNX equivalent.
std::optional<TensorData> tensorDataFromAttr(llvm::StringRef name,
                                             mlir::DenseElementsAttr attr);

/// Reads a TensorProto serialized in a .pb file (the ONNX backend test layout).
llvm::Expected<TensorData> readTensorProtoFile(llvm::StringRef path);

/// Reads a NumPy .npy file (version 1/2, little-endian, C order).
llvm::Expected<TensorData> readNpyFile(llvm::StringRef path);

/// Writes a NumPy .npy file.
llvm::Error writeNpyFile(llvm::StringRef path, const TensorData &tensor);

} // namespace tessel

#endif // TESSEL_FRONTEND_TENSOR_LOADER_H
