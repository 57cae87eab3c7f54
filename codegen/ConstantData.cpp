//===- ConstantData.cpp ---------------------------------------------------===//
#include "codegen/ConstantData.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;

namespace tessel {

std::optional<std::vector<float>> readFloats(ElementsAttr attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto values = dense.tryGetValues<float>();
    if (failed(values))
      return std::nullopt;
    return std::vector<float>(values->begin(), values->end());
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  AsmResourceBlob *blob = resource ? resource.getRawHandle().getBlob() : nullptr;
  if (!blob || !attr.getElementType().isF32())
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  std::vector<float> out(attr.getNumElements());
  if (data.size() < out.size() * sizeof(float))
    return std::nullopt;
  std::memcpy(out.data(), data.data(), out.size() * sizeof(float));
  return out;
}

DenseResourceElementsAttr makeFloatResource(ShapedType type, StringRef key,
                                            ArrayRef<float> values) {
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                       values.size() * sizeof(float));
  return DenseResourceElementsAttr::get(
      type, key, HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(double)));
}

} // namespace tessel
