//===- FusionUtils.h - Matching helpers and the fusion report -------------===//
#ifndef TESSEL_PASSES_FUSION_UTILS_H
#define TESSEL_PASSES_FUSION_UTILS_H

#include "dialects/Tessel/ConstantFolding.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <vector>

namespace tessel {

/// The value of a float constant whose elements are all equal (a scalar, a
/// splat, or a small constant of one repeated value).
std::optional<double> getScalarConstant(mlir::Value v);

/// Every element of a float, integer or bool tessel.constant (inline or a
/// resource blob), as doubles in row-major order; nullopt otherwise.
std::optional<std::vector<double>> getConstantValues(mlir::Value v);

/// A tessel.constant of `type` holding `values` (a resource blob named after
/// `nameHint` when large, as the importer stores weights).
mlir::Value createConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                           llvm::ArrayRef<double> values, llvm::StringRef nameHint);

/// Calls `fn(a, b)` with the operands of a commutative binary op in both
/// orders until it returns true; false for a null op.
template <typename OpTy>
bool eitherOrder(OpTy op, llvm::function_ref<bool(mlir::Value, mlir::Value)> fn) {
  return op && (fn(op.getLhs(), op.getRhs()) || fn(op.getRhs(), op.getLhs()));
}

/// The op defining `v` if it is an OpTy whose result has no other user.
template <typename OpTy>
OpTy soleUseProducer(mlir::Value v) {
  auto op = v.getDefiningOp<OpTy>();
  return op && v.hasOneUse() ? op : OpTy();
}

/// One location for an op that replaces `ops`: a FusedLoc of their locations,
/// so that every ONNX node name is kept (kernel tables, profiles, reports).
mlir::Location fusedLocation(mlir::MLIRContext *ctx, llvm::ArrayRef<mlir::Operation *> ops);

/// Strictly upper-triangular in its last two axes (true/nonzero above the
/// diagonal, false/zero on and below it), every leading index alike.
bool isStrictlyUpperTriangular(llvm::ArrayRef<double> values, llvm::ArrayRef<int64_t> shape);

/// Remarks for tessel-compile --fusion-report: "fused <kind>" on the op a
/// fusion built, "missed <kind>: <reason>" on the op where a near miss
/// stopped. Each near miss is reported once even when patterns re-run.
class FusionReporter {
public:
  explicit FusionReporter(bool enabled) : enabled(enabled) {}
  void fused(mlir::Operation *op, llvm::StringRef kind, const llvm::Twine &detail = "");
  void missed(mlir::Operation *anchor, llvm::StringRef kind, const llvm::Twine &reason);

private:
  bool enabled;
  llvm::StringSet<> seen;
};

} // namespace tessel

#endif // TESSEL_PASSES_FUSION_UTILS_H
