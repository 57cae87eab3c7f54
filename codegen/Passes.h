//===- Passes.h - Codegen passes and pipelines ----------------------------===//
#ifndef TESSEL_CODEGEN_PASSES_H
#define TESSEL_CODEGEN_PASSES_H

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir {
namespace linalg { class LinalgDialect; }
namespace tensor { class TensorDialect; }
namespace arith { class ArithDialect; }
namespace math { class MathDialect; }
namespace LLVM { class LLVMDialect; }
namespace func { class FuncDialect; class FuncOp; }
namespace bufferization { class BufferizationDialect; }
namespace cf { class ControlFlowDialect; }
namespace vector { class VectorDialect; }
namespace scf { class SCFDialect; }
namespace affine { class AffineDialect; }
namespace memref { class MemRefDialect; }
} // namespace mlir

namespace tessel {
class TesselDialect;

#define GEN_PASS_DECL
#include "codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/Passes.h.inc"

/// graph -> tiled: tessel on tensors to linalg on tensors, ready for tiling.
void buildTiledPipeline(mlir::OpPassManager &pm);
/// tiled -> llvm: bufferize, lower loops and everything else to the LLVM
/// dialect, and add the ABI entry point.
void buildLLVMPipeline(mlir::OpPassManager &pm);

/// Bytes of the arena that tessel-plan-memory places the model's
/// intermediate tensors in (an attribute of the entry function and the
/// module).
inline constexpr llvm::StringLiteral kArenaBytesAttrName = "tessel.arena_bytes";

} // namespace tessel

#endif // TESSEL_CODEGEN_PASSES_H
