//===- LoweringUtils.h - Building blocks for tessel -> linalg -------------===//
#ifndef TESSEL_CODEGEN_LOWERING_UTILS_H
#define TESSEL_CODEGEN_LOWERING_UTILS_H

#include "dialects/Tessel/TesselDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace tessel {

struct LoweringStrategy;


/// Computes one result element from the block arguments of a linalg.generic.
using ScalarBodyFn =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A tensor.empty of `type`. Each dynamic dimension takes its size from the
/// first of `sizeSources` that is dynamic there (dimensions aligned from the
/// right, as in broadcasting).
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                        mlir::ValueRange sizeSources = {});

/// A tensor of `type` filled with `value` (converted to its element type);
/// dynamic sizes as in emptyTensor.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                         double value, mlir::ValueRange sizeSources = {});

/// A tensor of `type` filled with `value`, its dynamic sizes given (one per
/// dynamic dimension, in order).
mlir::Value filledTensorOfSizes(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::RankedTensorType type, double value,
                                mlir::ValueRange dynamicSizes);

/// tensor.dim of `tensor` along `dim`.
mlir::Value dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor, int64_t dim);

/// "node 'add1'" / "nodes 'mm', 'add'" for run-time check messages.
std::string nodeDescription(mlir::Location loc);

/// A run-time shape check: `actual` (index) must equal `expected`. The
/// message names the op's ONNX nodes; `{0}` and `{1}` in `what` stand for
/// the two sizes (filled in at run time). Checks become the model's shape
/// function (codegen/BuildShapeFunction.cpp): a run that fails one returns
/// TESSEL_INVALID_ARGUMENT before any kernel runs.
void checkSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value actual, mlir::Value expected,
               const llvm::Twine &what);
/// The same for `actual` >= `minimum`.
void checkSizeAtLeast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value actual,
                      mlir::Value minimum, const llvm::Twine &what);

/// Entry `i` of an integer shape vector (Reshape's shape, Slice's bounds,
/// Expand's shape, pads read at run time) as an index value.
mlir::Value shapeEntry(mlir::OpBuilder &b, mlir::Location loc, mlir::Value vector, int64_t i);

/// Axes read at run time (Squeeze, Unsqueeze, ReduceSum with a graph-input
/// axes vector): which of `rank` positions the int64 vector `axes` names
/// (negative entries count from the end), one i1 per position; checked at
/// run time to be as many distinct positions in range as `axes` has
/// entries (`op` names the ONNX operator in the message).
llvm::SmallVector<mlir::Value> runTimeAxes(mlir::OpBuilder &b, mlir::Location loc,
                                           mlir::Value axes, int64_t rank,
                                           llvm::StringRef op);

/// `values[index]` for an index known only at run time (a chain of
/// selects; values[0] where it is out of range).
mlir::Value selectAt(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange values,
                     mlir::Value index);

/// A scalar arith.constant of `type` (float or integer) holding `value`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type, double value);

/// The smallest / largest value of an element type (-inf / +inf for floats).
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);
mlir::Value highestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);

/// Indexing map that reads an input of `inputShape` broadcast (NumPy rules)
/// into an iteration space equal to `resultShape`.
mlir::AffineMap broadcastIndexingMap(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> inputShape,
                                     llvm::ArrayRef<int64_t> resultShape);

/// linalg.generic computing `body` elementwise over `inputs`, each broadcast
/// to `resultType`'s shape. A dynamic input dimension must equal the result's
/// (checked at run time): only static 1s stretch.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType, mlir::ValueRange inputs,
                             ScalarBodyFn body);

/// Same, into the destination `init`.
mlir::Value buildElementwiseInto(mlir::OpBuilder &b, mlir::Location loc, mlir::Value init,
                                 mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> maps,
                                 ScalarBodyFn body);

/// linalg.generic computing `body` elementwise over `inputs`, each read
/// through its indexing map from `maps` (the result's map is the identity).
/// A dynamic result dimension takes its size from an input the maps read
/// along it.
mlir::Value buildElementwiseMapped(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::RankedTensorType resultType, mlir::ValueRange inputs,
                                   llvm::ArrayRef<mlir::AffineMap> maps, ScalarBodyFn body);

/// The body of a multiply-accumulate linalg.generic (matmuls, convolutions,
/// recurrent gates): yields out + in0 * in1 (float or integer arith).
void yieldMultiplyAccumulate(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange args);

/// A 2-D contraction out[i, j] += lhs[...] * rhs[...] over loops (i, j, r)
/// reading lhs / rhs through `lhsMap` / `rhsMap` (3 dims) and accumulating into
/// `init`.
mlir::Value buildMatmulGeneric(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                               mlir::Value rhs, mlir::Value init, mlir::AffineMap lhsMap,
                               mlir::AffineMap rhsMap);

/// Reshapes a static tensor to `shape` (same element count) through
/// tensor.collapse_shape / tensor.expand_shape.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                          llvm::ArrayRef<int64_t> shape);

/// Collapses all but the last dimension of `value` into one: [..., K] ->
/// [M, K] (dynamic M when a leading dimension is dynamic).
mlir::Value collapseLeadingDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// The inverse for a [M, N] `value`: expands M back into the leading
/// dimensions of `like` ([..., K]), giving [..., N] of `type`.
mlir::Value expandLeadingDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                              mlir::RankedTensorType type, mlir::Value like);

/// Pads the trailing `pads.size()/2` axes of `value` (begin pads then end pads)
/// with `padValue`; returns `value` when all pads are zero.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                       llvm::ArrayRef<int64_t> pads, mlir::Value padValue);

/// Reduces `axes` (sorted) of `input` with `combine`, starting from `init`;
/// the result drops the reduced axes.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           llvm::ArrayRef<int64_t> axes, mlir::Value init,
                           llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                                          mlir::Value acc, mlir::Value x)>
                               combine);

/// Arithmetic that picks the float or integer arith op by element type.
mlir::Value createAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value createMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
mlir::Value createMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);

/// The epilogue activation of tessel.conv / tessel.linear on one scalar.
mlir::Value applyActivation(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                            llvm::StringRef activation, llvm::ArrayRef<double> params);

/// The accumulator a fused conv / linear starts from: `bias` broadcast along
/// axis `biasAxis` of `type`, plus `residual` (of `type`) when given; dynamic
/// sizes from `sizeSources` as in emptyTensor.
mlir::Value buildEpilogueInit(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                              mlir::Value bias, int64_t biasAxis, mlir::Value residual,
                              mlir::ValueRange sizeSources = {});

/// Applies `activation` elementwise to `value` (returns it unchanged for "none").
mlir::Value buildActivation(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                            llvm::StringRef activation, llvm::ArrayRef<double> params);

/// The scalar semantics of elementwise op `op` (tessel.add, tessel.cast,
/// tessel.select...) on one element of each operand; null for an op it
/// does not know.
mlir::Value scalarElementwise(mlir::Operation *op, mlir::OpBuilder &b, mlir::Location loc,
                              mlir::ValueRange operands);

void populateMathLoweringPatterns(mlir::RewritePatternSet &patterns);
/// The target's choices (codegen/Kernels/KernelConfig.h) for the lowerings
/// that depend on it: convolutions' flattening, attention's blocks.
void populateNNLoweringPatterns(mlir::RewritePatternSet &patterns,
                                const LoweringStrategy &strategy);
void populateTensorLoweringPatterns(mlir::RewritePatternSet &patterns);
/// Shape arithmetic (dialects/Tessel/ShapeArithmetic.h) as scalars: each
/// element of a shape vector its own index computation.
void populateShapeArithmeticLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateComputedResizeLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateRNNLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateNormLoweringPatterns(mlir::RewritePatternSet &patterns);
void populateFusedLoweringPatterns(mlir::RewritePatternSet &patterns,
                                   const LoweringStrategy &strategy);

} // namespace tessel

#endif // TESSEL_CODEGEN_LOWERING_UTILS_H
