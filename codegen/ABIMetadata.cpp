//===- ABIMetadata.cpp - Records of the model metadata text ---------------===//
#include "codegen/ABIMetadata.h"

#include <fmt/format.h>

using namespace mlir;

namespace tessel {

int onnxDataType(Type t) {
  if (t.isF32()) return 1;
  if (t.isF64()) return 11;
  if (t.isF16()) return 10;
  if (t.isInteger(1)) return 9;
  if (t.isInteger(8)) return 3;
  if (t.isInteger(16)) return 5;
  if (t.isInteger(32)) return 6;
  if (t.isInteger(64)) return 7;
  return 0;
}

std::string countedString(StringRef text) {
  return fmt::format("{}:{}", text.size(), text.str());
}

std::string tensorRecord(RankedTensorType type, StringRef name) {
  std::string record = fmt::format("{} {}", onnxDataType(type.getElementType()), type.getRank());
  for (int64_t d : type.getShape()) // -1: a dynamic dimension.
    record += fmt::format(" {}", ShapedType::isDynamic(d) ? int64_t(-1) : d);
  return record + " " + countedString(name) + "\n";
}

} // namespace tessel
