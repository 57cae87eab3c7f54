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

Type tessel::traits::firstDynamicType(Operation *op) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto shaped = dyn_cast<ShapedType>(t); shaped && shaped.hasRank() && !shaped.hasStaticShape())
      return t;
  return {};
}

LogicalResult tessel::traits::verifyStaticUnlessDynamic(Operation *op) {
  if (Type t = firstDynamicType(op))
    return op->emitOpError("does not take dynamic dimensions yet (it has ") << t << ")";
  return success();
}
