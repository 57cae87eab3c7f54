//===- ConstantFolding.h - Evaluating tessel ops on small constants -------===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Concat -> Reshape).
// With static shapes these chains are constants; the op folders evaluate them
// on small dense constants so the graph holds no shape arithmetic.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CONSTANT_FOLDING_H
#define TESSEL_CONSTANT_FOLDING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace tessel {

/// Constants of at most this many elements are inline DenseElementsAttr (so
/// they fold, and kernels clone them in); larger ones are resource blobs
/// (weights). The importer, graph fusion and kernel outlining all use it.
constexpr int64_t kInlineConstantElements = 16;

/// Constants larger than this are never folded (folding is for shapes and
/// other small tensors, not for weights).
constexpr int64_t kFoldElementLimit = 4096;

/// A small constant decoded to int64 (integers, bools) or double (floats).
struct ConstTensor {
  mlir::RankedTensorType type;
  bool isFloat = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  int64_t size() const { return isFloat ? (int64_t)floats.size() : (int64_t)ints.size(); }
  double asDouble(int64_t i) const { return isFloat ? floats[i] : (double)ints[i]; }
  int64_t asInt(int64_t i) const { return isFloat ? (int64_t)floats[i] : ints[i]; }
};

/// Decodes a dense constant of at most kFoldElementLimit elements.
std::optional<ConstTensor> decodeConstant(mlir::Attribute attr);

/// Encodes values as a DenseElementsAttr of `type` (converting numerically).
mlir::DenseElementsAttr encodeConstant(mlir::RankedTensorType type, const ConstTensor &values);

/// Flat index into an operand of `inputShape` broadcast to `resultShape`.
int64_t broadcastSourceIndex(int64_t flatIndex, llvm::ArrayRef<int64_t> resultShape,
                             llvm::ArrayRef<int64_t> inputShape);

/// Row-major strides of a shape.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

} // namespace tessel

#endif // TESSEL_CONSTANT_FOLDING_H
