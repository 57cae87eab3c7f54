//===- OpRegistry.cpp -----------------------------------------------------===//
#include "frontend/OpRegistry.h"

namespace tessel {

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerMathImporters(r);
    registerNNImporters(r);
    registerTensorImporters(r);
    registerRNNImporters(r);
    registerLossImporters(r);
    registerGeneratorImporters(r);
    return r;
  }();
  return registry;
}

const OpImporterInfo *OpRegistry::lookup(llvm::StringRef opType) const {
  for (const OpImporterInfo &info : entries_)
    if (opType == info.opType)
      return &info;
  return nullptr;
}

} // namespace tessel
