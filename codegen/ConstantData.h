//===- ConstantData.h - Reading and writing float32 weights ---------------===//
//
// Compile-time layout changes of constant weights (transposed linear
// weights, packed filters) read a constant's float32 elements, inline or in
// a resource blob, and write the new layout back as a resource blob, which
// ExternalWeights then moves out of LLVM like any other weight.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_CONSTANT_DATA_H
#define TESSEL_CODEGEN_CONSTANT_DATA_H

#include "mlir/IR/BuiltinAttributes.h"

#include <optional>
#include <vector>

namespace tessel {

/// The float32 elements of `attr` (inline or a resource blob), or nullopt.
std::optional<std::vector<float>> readFloats(mlir::ElementsAttr attr);

/// `values` as a new resource blob named after `key` (uniqued by MLIR).
mlir::DenseResourceElementsAttr makeFloatResource(mlir::ShapedType type, llvm::StringRef key,
                                                  llvm::ArrayRef<float> values);

} // namespace tessel

#endif // TESSEL_CODEGEN_CONSTANT_DATA_H
