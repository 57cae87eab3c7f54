//===- TargetDescription.h - What the generated code may assume -----------===//
//
// One description of the CPU that code is generated for: its vector width,
// register file, FMA units, caches and the instruction-set extensions that
// matter to kernels. tessel-compile detects it from the host (or builds it
// from --target-cpu / --target-features) and stores it on the module as the
// `tessel.target` attribute (#tessel.target, TesselAttrs.td), so that every
// later pass, and every IR dump,
// sees the same description. Tile sizes derive from it and nothing else.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_CODEGEN_TARGET_TARGET_DESCRIPTION_H
#define TESSEL_CODEGEN_TARGET_TARGET_DESCRIPTION_H

#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel {

struct TargetDescription {
  std::string triple;
  std::string cpu;
  /// The LLVM feature string the object code is generated with.
  std::string features;
  /// Kernel-relevant extensions present, e.g. {"avx2", "fma"} or
  /// {"avx512f", "avx512bw", "avx512vl", "avx512bf16", "avx512vnni"}.
  std::vector<std::string> extensions;
  unsigned vectorBits = 128;
  unsigned vectorRegisters = 16;
  /// Vector FMAs the core can issue per cycle.
  unsigned fmaUnits = 2;
  int64_t l1Bytes = 32 * 1024, l2Bytes = 512 * 1024, l3Bytes = 8 * 1024 * 1024;

  /// Float32 lanes of one vector register.
  unsigned f32Lanes() const { return vectorBits / 32; }
  bool has(llvm::StringRef extension) const;

  TargetAttr toAttr(mlir::MLIRContext *ctx) const;
  /// The description an attribute records. The full LLVM feature string is
  /// not recorded (hundreds of entries): the one read back names the
  /// extensions that matter.
  static TargetDescription fromAttr(TargetAttr attr);
};

/// The description of `cpu` with `features` (LLVM's names; empty: the host's
/// CPU and its detected features). Caches are the host's when the CPU is.
/// Registers LLVM's native target and its asm printer, once per process
/// (compiles may run on several threads: the Python package's).
void initializeNativeTarget();

llvm::Expected<TargetDescription> describeTarget(llvm::StringRef triple, llvm::StringRef cpu,
                                                 llvm::StringRef features);

/// The name of the module attribute holding the description.
inline constexpr llvm::StringLiteral kTargetAttrName = "tessel.target";

/// The module's `tessel.target`, or the host's when the module has none
/// (tessel-opt on a hand-written test).
llvm::Expected<TargetDescription> getModuleTarget(mlir::ModuleOp module);

/// The target of the module `op` is in (the host's outside any module), or
/// failure after an error on `op` saying why the description is unusable.
mlir::FailureOr<TargetDescription> getTargetOrEmitError(mlir::Operation *op);

} // namespace tessel

#endif // TESSEL_CODEGEN_TARGET_TARGET_DESCRIPTION_H
