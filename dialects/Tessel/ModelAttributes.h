//===- ModelAttributes.h - Attributes the importer leaves for codegen ----===//
//
// Names of the discardable attributes that carry facts about the model from
// the importer (frontend/) to the ABI passes (codegen/), which must agree on
// them without depending on each other.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_DIALECT_MODEL_ATTRIBUTES_H
#define TESSEL_DIALECT_MODEL_ATTRIBUTES_H

#include "llvm/ADT/StringRef.h"

namespace tessel {

/// On an argument of @main_graph: the DenseElementsAttr value the input was
/// bound to at compile time (tessel-compile --bind-input). The argument stays
/// a model input; tessel-record-abi writes the value into the metadata and
/// the runtime refuses runs that pass another value.
constexpr llvm::StringLiteral kBoundValueAttr = "tessel.bound_value";

/// On an argument or result of @main_graph: the ONNX dimension names
/// (dim_param) of the graph input or output, one string per dimension, ""
/// where a dimension has none. Present only when some dimension is named:
/// the names of dimensions fixed with --dim / --input-shape stay visible in
/// the IR, and equal names are one size.
constexpr llvm::StringLiteral kDimNamesAttr = "tessel.dim_names";

/// On an argument of @main_graph (a UnitAttr): a graph input whose values
/// set sizes (a Reshape's shape, a Range's limit, Resize's scales fed as a
/// graph input). The importer marks it where such an operand is computed
/// from it; its reads are then shape arithmetic, and the model's shape
/// function reads its data (tessel-build-shape-function, the metadata's
/// "shape_inputs" section).
constexpr llvm::StringLiteral kShapeInputAttr = "tessel.shape_input";

} // namespace tessel

#endif // TESSEL_DIALECT_MODEL_ATTRIBUTES_H
