//===- ABIMetadata.h - Records of the model metadata text -----------------===//
//
// The pieces of tessel_model_metadata (runtime/include/tessel/abi.h) that
// both tessel-record-abi (model inputs/outputs) and tessel-build-abi-entry
// (kernel arguments) write, so that the two agree on one format.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_ABI_METADATA_H
#define TESSEL_CODEGEN_ABI_METADATA_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace tessel {

/// ONNX TensorProto.DataType of an MLIR element type, or 0 when the ABI has
/// none for it.
int onnxDataType(mlir::Type elementType);

/// "<length>:<text>" (names may hold spaces, hence the length prefix).
std::string countedString(llvm::StringRef text);

/// One tensor record, "<dtype> <rank> <dim>... <length>:<name>\n". The
/// element type must have an onnxDataType.
std::string tensorRecord(mlir::RankedTensorType type, llvm::StringRef name);

} // namespace tessel

#endif // TESSEL_CODEGEN_ABI_METADATA_H
