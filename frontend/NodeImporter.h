//===- NodeImporter.h - What an op importer sees of one ONNX node ---------===//
//
// Each op importer (ops/*Importers.cpp) receives a NodeImporter: typed access
// to the node's inputs, attributes and constant operands, creation of tessel
// ops with their shape inference run first, and errors that name the node.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_FRONTEND_NODE_IMPORTER_H
#define TESSEL_FRONTEND_NODE_IMPORTER_H

#include "frontend/TensorLoader.h"

#include "dialects/Tessel/TesselDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <optional>

namespace onnx {
class NodeProto;
class AttributeProto;
} // namespace onnx

namespace tessel {

/// Constants up to this many elements are decoded and remembered for
/// importers that need operand values at compile time (shapes, axes, ...).
constexpr int64_t kRememberedConstantElements = 1 << 16;

/// Values and constants known while importing one graph.
struct ValueTable {
  llvm::StringMap<mlir::Value> values;
  /// Decoded data of small constants (initializers and Constant nodes), for
  /// importers that need operand values at compile time (shapes, axes...).
  llvm::StringMap<TensorData> constants;
};

class NodeImporter {
public:
  NodeImporter(const onnx::NodeProto &node, int64_t opset, mlir::OpBuilder &builder,
               ValueTable &table);

  const onnx::NodeProto &node() const { return node_; }
  int64_t opset() const { return opset_; }
  mlir::OpBuilder &builder() { return builder_; }
  mlir::Location loc() const { return loc_; }
  mlir::MLIRContext *context() { return builder_.getContext(); }

  // --- Inputs -------------------------------------------------------------
  /// Number of inputs, counting optional ones left empty in the middle.
  int numInputs() const;
  /// True if input `i` exists and is not an empty (omitted optional) name.
  bool hasInput(int i) const;
  mlir::Value input(int i) const;
  mlir::RankedTensorType inputType(int i) const;
  /// Decoded value of input `i` if it is a known constant.
  const TensorData *constantInput(int i) const;
  /// Same, or an error when input `i` is not a compile-time constant: it names
  /// the input and its role `what` ("shape", "starts") and, for a graph input,
  /// says how to fix its value (tessel-compile --bind-input).
  mlir::FailureOr<const TensorData *> requireConstantInput(int i, llvm::StringRef what) const;
  /// True if some of `inputs` is computed at run time and each of those is
  /// computed from run-time sizes (Shape -> ...; isSizeComputation) or from
  /// graph inputs of shape-vector type (which become shape inputs, whose
  /// data the model's shape function reads; markShapeInputs), the rest
  /// constants or absent: the operator takes them as run-time values. (A
  /// value computed from other tensor data is left to requireConstantInput.)
  bool computedFromRunTimeSizes(llvm::ArrayRef<int> inputs) const;

  // --- Attributes ---------------------------------------------------------
  bool hasAttr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const;
  double floatAttr(llvm::StringRef name, double dflt) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name,
                                      llvm::ArrayRef<int64_t> dflt = {}) const;
  const onnx::AttributeProto *attr(llvm::StringRef name) const;

  // --- Results ------------------------------------------------------------
  int numOutputs() const;
  void setOutput(int i, mlir::Value value);
  /// Sets output 0 to `value`, or passes its failure on: importers end with
  /// `return n.setResult(n.create<...>(...));`.
  mlir::LogicalResult setResult(mlir::FailureOr<mlir::Value> value) {
    if (mlir::failed(value))
      return mlir::failure();
    setOutput(0, *value);
    return mlir::success();
  }

  // --- Creating ops ---------------------------------------------------------
  /// Creates `OpTy` after running its shape inference, which reports a clean
  /// error at the node (instead of asserting) when the operands do not fit.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value> create(mlir::ValueRange operands,
                                      llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    if (mlir::failed(checkOperands(operands)) || mlir::failed(checkShapesFor<OpTy>(operands)))
      return mlir::failure();
    llvm::SmallVector<mlir::Type> types;
    auto dict = mlir::DictionaryAttr::get(context(), attrs);
    auto infer = [&] {
      return OpTy::inferReturnTypes(context(), loc_, operands, dict, /*properties=*/nullptr,
                                    /*regions=*/{}, types);
    };
    if (mlir::failed(reportingErrorsAtNode(infer)) || mlir::failed(checkResultSize(types)))
      return mlir::failure();
    return createWithType<OpTy>(types.front(), operands, attrs);
  }

  template <typename OpTy>
  mlir::FailureOr<mlir::Value> createWithType(mlir::Type type, mlir::ValueRange operands,
                                              llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    if (mlir::failed(checkOperands(operands)) || mlir::failed(checkShapesFor<OpTy>(operands)))
      return mlir::failure();
    if (!type)
      return error("a required input is missing (empty name or absent)");
    auto op = OpTy::create(builder_, loc_, mlir::TypeRange{type}, operands, attrs);
    if (mlir::failed(reportingErrorsAtNode([&] { return verifyOp(op); }))) {
      op->erase();
      return mlir::failure();
    }
    return foldIfConstant(op);
  }

  /// Like create<OpTy>, for ops with several results: returns the op.
  template <typename OpTy>
  mlir::FailureOr<OpTy> createMulti(mlir::ValueRange operands,
                                    llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    if (mlir::failed(checkShapesFor<OpTy>(operands)))
      return mlir::failure();
    llvm::SmallVector<mlir::Type> types;
    auto dict = mlir::DictionaryAttr::get(context(), attrs);
    auto infer = [&] {
      return OpTy::inferReturnTypes(context(), loc_, operands, dict, /*properties=*/nullptr,
                                    /*regions=*/{}, types);
    };
    if (mlir::failed(reportingErrorsAtNode(infer)))
      return mlir::failure();
    auto op = OpTy::create(builder_, loc_, mlir::TypeRange(types), operands, attrs);
    if (mlir::failed(reportingErrorsAtNode([&] { return verifyOp(op); }))) {
      op->erase();
      return mlir::failure();
    }
    return op;
  }

  /// Like createMulti, for ops whose result types the importer gives.
  template <typename OpTy>
  mlir::FailureOr<OpTy> createMultiWithTypes(mlir::TypeRange types, mlir::ValueRange operands,
                                             llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    if (mlir::failed(checkOperands(operands)) || mlir::failed(checkShapesFor<OpTy>(operands)))
      return mlir::failure();
    auto op = OpTy::create(builder_, loc_, types, operands, attrs);
    if (mlir::failed(reportingErrorsAtNode([&] { return verifyOp(op); }))) {
      op->erase();
      return mlir::failure();
    }
    return op;
  }

  /// Reshapes `value` to `shape` (no-op when it already has it).
  mlir::FailureOr<mlir::Value> reshape(mlir::Value value, llvm::ArrayRef<int64_t> shape);
  /// A tessel.constant holding a scalar of `elementType` shaped as a rank-0 tensor.
  mlir::Value scalarConstant(mlir::Type elementType, double value);
  /// A tessel.constant holding `value`.
  mlir::Value constant(mlir::ElementsAttr value);

  /// Named-attribute helpers.
  mlir::NamedAttribute named(llvm::StringRef name, mlir::Attribute value) {
    return builder_.getNamedAttr(name, value);
  }
  mlir::NamedAttribute namedI64s(llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
    return named(name, builder_.getDenseI64ArrayAttr(v));
  }

  /// Emits "<OpType> node '<name>' (opset N): <message>" at the node.
  mlir::LogicalResult error(const llvm::Twine &message) const;
  /// Normalizes a possibly negative axis against `rank`, or reports an error.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) const;

private:
  /// Runs `fn`; an error it emits is re-emitted prefixed with the node.
  mlir::LogicalResult reportingErrorsAtNode(llvm::function_ref<mlir::LogicalResult()> fn);
  static mlir::LogicalResult verifyOp(mlir::Operation *op);
  /// Refuses a missing operand (an input left empty, e.g. in a variadic op),
  /// which would otherwise reach op creation as a null value.
  mlir::LogicalResult checkOperands(mlir::ValueRange operands) const;
  /// Refuses dynamic operands of an op that does not take them (before its
  /// shape inference, which assumes static shapes).
  template <typename OpTy>
  mlir::LogicalResult checkShapesFor(mlir::ValueRange operands) const {
    if constexpr (OpTy::template hasTrait<traits::DynamicShapes>())
      return mlir::success();
    else
      return checkStaticOperands(OpTy::getOperationName(), operands,
                                 OpTy::template hasTrait<traits::DynamicBatch>());
  }
  /// Refuses a dynamic operand dimension (with `batchOnly`: other than
  /// dimension 0) with the op, the operand and the flags that fix it.
  mlir::LogicalResult checkStaticOperands(llvm::StringRef opName, mlir::ValueRange operands,
                                          bool batchOnly) const;
  /// Refuses inferred result shapes whose element or byte count overflows
  /// 64 bits (huge pads, dilations or broadcasts).
  mlir::LogicalResult checkResultSize(llvm::ArrayRef<mlir::Type> types) const;
  /// Folds `op` when its operands are constants (shape arithmetic), so that
  /// later importers see the result as a constant; returns the result value.
  mlir::Value foldIfConstant(mlir::Operation *op);

  const onnx::NodeProto &node_;
  int64_t opset_;
  mlir::OpBuilder &builder_;
  ValueTable &table_;
  mlir::Location loc_;
};

/// The MLIR element type of an ONNX TensorProto.DataType, or null when
/// Tessel does not support it.
mlir::Type onnxElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// Signature of an op importer.
using OpImportFn = mlir::LogicalResult (*)(NodeImporter &);

} // namespace tessel

#endif // TESSEL_FRONTEND_NODE_IMPORTER_H
