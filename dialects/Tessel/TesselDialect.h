//===- TesselDialect.h - The tessel dialect and its ops ------------------===//
#ifndef TESSEL_DIALECT_H
#define TESSEL_DIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace tessel::traits {
/// Ops computed element by element (operands broadcast NumPy-style); see
/// Tessel_Elementwise in TesselBase.td.
template <typename ConcreteType>
class Elementwise : public mlir::OpTrait::TraitBase<ConcreteType, Elementwise> {};

/// Ops that take dynamic dimensions (Tessel_DynamicShapes in TesselBase.td).
template <typename ConcreteType>
class DynamicShapes : public mlir::OpTrait::TraitBase<ConcreteType, DynamicShapes> {};

/// The first operand or result type with a dynamic dimension, or null.
mlir::Type firstDynamicType(mlir::Operation *op);
/// Fails, naming the type, when an op without DynamicShapes has a dynamic
/// operand or result.
mlir::LogicalResult verifyStaticUnlessDynamic(mlir::Operation *op);

template <typename ConcreteType>
class StaticUnlessDynamic : public mlir::OpTrait::TraitBase<ConcreteType, StaticUnlessDynamic> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    if constexpr (ConcreteType::template hasTrait<DynamicShapes>())
      return mlir::success();
    else
      return verifyStaticUnlessDynamic(op);
  }
};
} // namespace tessel::traits

#include "dialects/Tessel/TesselDialect.h.inc"

#include "dialects/Tessel/TesselEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Tessel/TesselAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Tessel/TesselOps.h.inc"

#endif // TESSEL_DIALECT_H
