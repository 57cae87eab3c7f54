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

#include "dialects/Tessel/TesselDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/Tessel/TesselOps.h.inc"

#endif // TESSEL_DIALECT_H
