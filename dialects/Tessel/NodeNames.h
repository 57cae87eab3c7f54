//===- NodeNames.h - ONNX node names carried by op locations --------------===//
//
// The importer gives every op the NameLoc of its ONNX node; fusion gives the
// op it builds a FusedLoc of all the nodes it replaced. Kernel tables,
// profiles and the fusion report map ops back to node names through this.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_DIALECT_NODE_NAMES_H
#define TESSEL_DIALECT_NODE_NAMES_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/SetVector.h"

namespace tessel {

/// The ONNX node names of a location: a NameLoc's name, the names inside a
/// FusedLoc (in order, without repeats), or nothing.
void collectNodeNames(mlir::Location loc, llvm::SetVector<llvm::StringRef> &names);

} // namespace tessel

#endif // TESSEL_DIALECT_NODE_NAMES_H
