//===- TesselDialect.cpp - Dialect registration ---------------------------===//
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace tessel;

#include "dialects/Tessel/TesselDialect.cpp.inc"

void TesselDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Tessel/TesselOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *TesselDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                              Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

#define GET_OP_CLASSES
#include "dialects/Tessel/TesselOps.cpp.inc"

Type tessel::traits::firstDynamicType(Operation *op, bool batchOnly) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto shaped = dyn_cast<ShapedType>(t);
    if (!shaped || !shaped.hasRank())
      continue;
    ArrayRef<int64_t> dims = shaped.getShape();
    if (llvm::any_of(batchOnly ? dims.drop_front(std::min<size_t>(1, dims.size())) : dims,
                     ShapedType::isDynamic))
      return t;
  }
  return {};
}

LogicalResult tessel::traits::verifyStaticUnlessDynamic(Operation *op, bool batchOnly) {
  if (Type t = firstDynamicType(op, batchOnly))
    return op->emitOpError(batchOnly ? "takes a dynamic dimension only as its batch (dimension "
                                       "0) yet (it has "
                                     : "does not take dynamic dimensions yet (it has ")
           << t << ")";
  return success();
}
