//===- FusionUtils.cpp - Matching helpers and the fusion report -----------===//
#include "passes/FusionUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;

namespace tessel {

std::optional<std::vector<double>> getConstantValues(Value v) {
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto type = cast<RankedTensorType>(cst.getType());
  Type et = type.getElementType();
  std::vector<double> out;
  out.reserve(type.getNumElements());
  Attribute value = cst.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (isa<FloatType>(et)) {
      for (APFloat f : dense.getValues<APFloat>())
        out.push_back(f.convertToDouble());
    } else if (et.isInteger(1)) {
      for (bool bit : dense.getValues<bool>())
        out.push_back(bit ? 1.0 : 0.0);
    } else if (isa<IntegerType>(et)) {
      for (APInt i : dense.getValues<APInt>())
        out.push_back((double)i.getSExtValue());
    } else {
      return std::nullopt;
    }
    return out;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource)
    return std::nullopt;
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  int64_t n = type.getNumElements();
  auto read = [&](auto tag) -> bool {
    using T = decltype(tag);
    if ((int64_t)data.size() < n * (int64_t)sizeof(T))
      return false;
    for (int64_t i = 0; i < n; ++i) {
      T x;
      std::memcpy(&x, data.data() + i * sizeof(T), sizeof(T));
      out.push_back((double)x);
    }
    return true;
  };
  bool ok = et.isF32()    ? read(float())
            : et.isF64()  ? read(double())
            : et.isInteger(64) ? read(int64_t())
            : et.isInteger(32) ? read(int32_t())
                               : false;
  if (!ok)
    return std::nullopt;
  return out;
}

std::optional<double> getScalarConstant(Value v) {
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst || !isa<FloatType>(cast<RankedTensorType>(cst.getType()).getElementType()))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()))
    if (dense.isSplat())
      return dense.getSplatValue<APFloat>().convertToDouble();
  if (cast<RankedTensorType>(cst.getType()).getNumElements() > 64)
    return std::nullopt;
  auto values = getConstantValues(v);
  if (!values || values->empty())
    return std::nullopt;
  for (double x : *values)
    if (x != values->front())
      return std::nullopt;
  return values->front();
}

Value createConstant(OpBuilder &b, Location loc, RankedTensorType type, ArrayRef<double> values,
                     StringRef nameHint) {
  Type et = type.getElementType();
  ElementsAttr attr;
  if (et.isF32()) {
    std::vector<float> data(values.begin(), values.end());
    if ((int64_t)data.size() <= kInlineConstantElements) {
      attr = DenseElementsAttr::get(type, ArrayRef<float>(data));
    } else {
      ArrayRef<char> bytes(reinterpret_cast<const char *>(data.data()),
                           data.size() * sizeof(float));
      attr = DenseResourceElementsAttr::get(
          type, nameHint, HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(double)));
    }
  } else {
    std::vector<double> data(values.begin(), values.end());
    SmallVector<Attribute> elements;
    for (double x : data)
      elements.push_back(b.getFloatAttr(et, x));
    attr = DenseElementsAttr::get(type, elements);
  }
  return ConstantOp::create(b, loc, type, attr);
}

Location fusedLocation(MLIRContext *ctx, ArrayRef<Operation *> ops) {
  SmallVector<Location> locs;
  for (Operation *op : ops)
    if (op)
      locs.push_back(op->getLoc());
  return FusedLoc::get(ctx, locs);
}

bool isStrictlyUpperTriangular(ArrayRef<double> values, ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return false;
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  if (rows == 0 || cols == 0 || rows != cols)
    return false;
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t c = i % cols, r = (i / cols) % rows;
    bool above = c > r;
    if ((values[i] != 0) != above)
      return false;
  }
  return true;
}

void FusionReporter::fused(Operation *op, StringRef kind, const Twine &detail) {
  if (!enabled)
    return;
  std::string text = ("fused " + kind).str();
  std::string extra = detail.str();
  if (!extra.empty())
    text += " (" + extra + ")";
  op->emitRemark(text);
}

void FusionReporter::missed(Operation *anchor, StringRef kind, const Twine &reason) {
  if (!enabled)
    return;
  std::string text = ("missed " + kind + ": " + reason).str();
  std::string key;
  llvm::raw_string_ostream os(key);
  os << anchor->getLoc() << "|" << text;
  if (!seen.insert(key).second)
    return;
  anchor->emitRemark(text);
}

} // namespace tessel
