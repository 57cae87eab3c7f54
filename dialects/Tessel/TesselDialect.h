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

/// Per-sample ops that take a dynamic batch, dimension 0, only
/// (Tessel_DynamicBatch in TesselBase.td).
template <typename ConcreteType>
class DynamicBatch : public mlir::OpTrait::TraitBase<ConcreteType, DynamicBatch> {};

/// The first operand or result type with a dynamic dimension, or null
/// (with `batchOnly`: a dynamic dimension other than dimension 0).
mlir::Type firstDynamicType(mlir::Operation *op, bool batchOnly = false);
/// Fails, naming the type, when an op without DynamicShapes has a dynamic
/// operand or result (with `batchOnly`: one dynamic other than in dimension 0).
mlir::LogicalResult verifyStaticUnlessDynamic(mlir::Operation *op, bool batchOnly);

template <typename ConcreteType>
class StaticUnlessDynamic : public mlir::OpTrait::TraitBase<ConcreteType, StaticUnlessDynamic> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    if constexpr (ConcreteType::template hasTrait<DynamicShapes>())
      return mlir::success();
    else
      return verifyStaticUnlessDynamic(op, ConcreteType::template hasTrait<DynamicBatch>());
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
