//===- OpRegistry.h - Which importer handles which ONNX op ----------------===//
#ifndef TESSEL_FRONTEND_OP_REGISTRY_H
#define TESSEL_FRONTEND_OP_REGISTRY_H

#include "frontend/NodeImporter.h"

#include <string>
#include <vector>

namespace tessel {

/// One supported ONNX op (default domain) and the opsets its importer accepts.
struct OpImporterInfo {
  const char *opType;
  int64_t minOpset;
  int64_t maxOpset;
  OpImportFn fn;
};

class OpRegistry {
public:
  static const OpRegistry &get();
  /// The importer for `opType` at `opset`, or null.
  const OpImporterInfo *lookup(llvm::StringRef opType) const;
  const std::vector<OpImporterInfo> &all() const { return entries_; }

  void add(OpImporterInfo info) { entries_.push_back(info); }

private:
  std::vector<OpImporterInfo> entries_;
};

// Each category file registers its importers.
void registerMathImporters(OpRegistry &registry);
void registerNNImporters(OpRegistry &registry);
void registerTensorImporters(OpRegistry &registry);
void registerRNNImporters(OpRegistry &registry);
void registerLossImporters(OpRegistry &registry);
void registerGeneratorImporters(OpRegistry &registry);

} // namespace tessel

#endif // TESSEL_FRONTEND_OP_REGISTRY_H
