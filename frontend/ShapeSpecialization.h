//===- ShapeSpecialization.h - Graph input shapes from declarations + flags ===//
//
// ONNX graph inputs and outputs declare each dimension as a size, a symbol
// (`dim_param`, e.g. "batch") or nothing. Dimensions that share a symbol are
// one size. The user fixes symbols (--dim batch=1) or whole input shapes
// (--input-shape x=1x3x224x224), as ONNX Runtime's free-dimension overrides
// and onnx-mlir's --shapeInformation do; an input shape also fixes the
// symbols its declaration names. This file resolves those choices against
// the graph once, before any node is imported, and reports every conflict
// (a rank or a static size that disagrees, a symbol given two sizes, a name
// the graph does not have) and every dimension left unknown, naming the input,
// the dimension and its symbol.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_FRONTEND_SHAPE_SPECIALIZATION_H
#define TESSEL_FRONTEND_SHAPE_SPECIALIZATION_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class GraphProto;
class ValueInfoProto;
} // namespace onnx

namespace tessel {

/// One dimension as a graph input or output declares it.
struct DeclaredDim {
  std::optional<int64_t> size; ///< dim_value, when the declaration has one.
  std::string symbol;          ///< dim_param, "" when the dimension has none.
};

/// The declared shape of a tensor value; std::nullopt for a value declared
/// without a shape (its rank is unknown).
std::optional<llvm::SmallVector<DeclaredDim>> declaredShape(const onnx::ValueInfoProto &info);

/// Formats a declared shape as ONNX's text format does: "[batch,3,?]".
std::string formatDeclaredShape(llvm::ArrayRef<DeclaredDim> dims);

/// Parses "1x3x224x224" (the --input-shape syntax); "" is a scalar.
llvm::Expected<std::vector<int64_t>> parseShapeList(llvm::StringRef text);

class ShapeSpecialization {
public:
  /// An output dimension the declaration leaves open (MLIR's kDynamic).
  static constexpr int64_t kUnknownSize = INT64_MIN;

  /// Resolves the shapes of the graph's inputs (those listed in
  /// graph.input() that are not initializers) from their declarations,
  /// `inputShapes` (input name -> shape) and `dims` (symbol -> size). A
  /// dimension none of them fixes is an error unless `keepDynamic`, which
  /// leaves it dynamic (kUnknownSize).
  static llvm::Expected<ShapeSpecialization>
  resolve(const onnx::GraphProto &graph, const llvm::StringSet<> &initializerNames,
          const std::map<std::string, std::vector<int64_t>> &inputShapes,
          const std::map<std::string, int64_t> &dims, bool keepDynamic);

  /// The shape of graph input `name` (resolve() succeeded for it).
  llvm::ArrayRef<int64_t> inputShape(llvm::StringRef name) const;

  /// The shape an output declares once known symbols are substituted; an
  /// unknown dimension (no size, or a symbol no input fixes) is
  /// `kUnknownSize`, to be taken from shape inference. std::nullopt: declared
  /// without a shape.
  std::optional<llvm::SmallVector<int64_t>> outputShape(const onnx::ValueInfoProto &info) const;

  /// The size of `symbol`, if an input, --dim or --input-shape fixed it.
  std::optional<int64_t> symbolSize(llvm::StringRef symbol) const;

private:
  llvm::StringMap<std::vector<int64_t>> inputs_;
  llvm::StringMap<int64_t> symbols_;
};

} // namespace tessel

#endif // TESSEL_FRONTEND_SHAPE_SPECIALIZATION_H
