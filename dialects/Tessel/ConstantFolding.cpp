//===- ConstantFolding.cpp ------------------------------------------------===//
#include "dialects/Tessel/ConstantFolding.h"

using namespace mlir;

namespace tessel {

std::optional<ConstTensor> decodeConstant(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kFoldElementLimit)
    return std::nullopt;
  ConstTensor t;
  t.type = cast<RankedTensorType>(dense.getType());
  Type et = t.type.getElementType();
  if (isa<FloatType>(et)) {
    t.isFloat = true;
    for (APFloat v : dense.getValues<APFloat>())
      t.floats.push_back(v.convertToDouble());
  } else if (et.isInteger(1)) {
    for (bool v : dense.getValues<bool>())
      t.ints.push_back(v);
  } else if (et.isInteger()) {
    for (APInt v : dense.getValues<APInt>())
      t.ints.push_back(v.getSExtValue());
  } else {
    return std::nullopt;
  }
  return t;
}

DenseElementsAttr encodeConstant(RankedTensorType type, const ConstTensor &values) {
  Type et = type.getElementType();
  int64_t n = values.size();
  if (auto ft = dyn_cast<FloatType>(et)) {
    SmallVector<APFloat> out;
    for (int64_t i = 0; i < n; ++i) {
      APFloat f(values.asDouble(i));
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(f);
    }
    return DenseElementsAttr::get(type, out);
  }
  if (et.isInteger(1)) {
    SmallVector<bool> out;
    for (int64_t i = 0; i < n; ++i)
      out.push_back(values.asDouble(i) != 0);
    return DenseElementsAttr::get(type, out);
  }
  unsigned width = et.getIntOrFloatBitWidth();
  SmallVector<APInt> out;
  for (int64_t i = 0; i < n; ++i)
    out.push_back(APInt(width, (uint64_t)values.asInt(i), /*isSigned=*/true, /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, out);
}

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

int64_t broadcastSourceIndex(int64_t flatIndex, ArrayRef<int64_t> resultShape,
                             ArrayRef<int64_t> inputShape) {
  size_t offset = resultShape.size() - inputShape.size();
  auto rs = rowMajorStrides(resultShape), is = rowMajorStrides(inputShape);
  int64_t src = 0;
  for (size_t d = 0; d < resultShape.size(); ++d) {
    int64_t coord = (flatIndex / rs[d]) % std::max<int64_t>(resultShape[d], 1);
    if (d >= offset && inputShape[d - offset] != 1)
      src += coord * is[d - offset];
  }
  return src;
}

} // namespace tessel
