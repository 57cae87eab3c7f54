//===- ShapeHelpers.h - Shape arithmetic shared by ops and lowerings -----===//
#ifndef TESSEL_SHAPE_HELPERS_H
#define TESSEL_SHAPE_HELPERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace tessel {

/// NumPy broadcast of two shapes; std::nullopt if incompatible. A dynamic
/// dimension broadcast against n > 1 gives n (run-time code checks that the
/// dynamic size is n), against 1 or a dynamic one stays dynamic.
std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b);

/// True if two dimensions can be equal: the same size, or one is dynamic.
bool dimsCompatible(int64_t a, int64_t b);

/// Number of elements of a static shape, or std::nullopt on int64 overflow.
std::optional<int64_t> checkedElementCount(llvm::ArrayRef<int64_t> shape);

/// True if a row-major reshape from `from` to `to` keeps each dynamic
/// dimension: both have as many dynamic dimensions, the k-th of `to` takes
/// the size of the k-th of `from`, and the static sizes have the same
/// product (so the element counts agree for every run-time size). Static
/// shapes: the same element count.
bool reshapeKeepsDynamicDims(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Output length of a sliding window (conv/pool) along one axis, or -1 when
/// the window does not fit. `ceilMode` rounds up as ONNX pooling does.
int64_t slidingWindowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                                int64_t padBegin, int64_t padEnd, int64_t dilation,
                                bool ceilMode);

/// Checks what layer_norm and rms_norm share: `axis` within the input's rank,
/// a non-negative `epsilon`, and each named parameter (null ones skipped)
/// broadcasting to the normalized shape [axis, rank) with the input's element
/// type. `opName` is the op's name, e.g. "tessel.layer_norm".
mlir::LogicalResult
verifyNormalization(std::optional<mlir::Location> loc, llvm::StringRef opName,
                    mlir::RankedTensorType input, int64_t axis, double epsilon,
                    llvm::ArrayRef<std::pair<const char *, mlir::Value>> params);

/// Formats a shape as "2x3x4" for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace tessel

#endif // TESSEL_SHAPE_HELPERS_H
