//===- NodeImporter.cpp ---------------------------------------------------===//
#include "frontend/NodeImporter.h"

#include "dialects/Tessel/ShapeArithmetic.h"
#include "dialects/Tessel/ShapeHelpers.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <fmt/format.h>
#include <map>

using namespace mlir;

namespace tessel {

Type onnxElementType(MLIRContext *ctx, int32_t onnxType) {
  switch ((ElementType)onnxType) {
  case ElementType::F32: return Float32Type::get(ctx);
  case ElementType::F64: return Float64Type::get(ctx);
  case ElementType::F16: return Float16Type::get(ctx);
  case ElementType::I64: return IntegerType::get(ctx, 64);
  case ElementType::I32: return IntegerType::get(ctx, 32);
  case ElementType::I16: return IntegerType::get(ctx, 16);
  case ElementType::I8: return IntegerType::get(ctx, 8);
  case ElementType::Bool: return IntegerType::get(ctx, 1);
  default: return {};
  }
}

NodeImporter::NodeImporter(const onnx::NodeProto &node, int64_t opset, OpBuilder &builder,
                           ValueTable &table)
    : node_(node), opset_(opset), builder_(builder), table_(table),
      loc_(NameLoc::get(builder.getStringAttr(node.name().empty() ? node.op_type()
                                                                  : node.name()))) {}

int NodeImporter::numInputs() const { return node_.input_size(); }

bool NodeImporter::hasInput(int i) const {
  return i >= 0 && i < node_.input_size() && !node_.input(i).empty();
}

Value NodeImporter::input(int i) const {
  if (!hasInput(i))
    return {};
  return table_.values.lookup(node_.input(i));
}

RankedTensorType NodeImporter::inputType(int i) const {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

const TensorData *NodeImporter::constantInput(int i) const {
  if (!hasInput(i))
    return nullptr;
  auto it = table_.constants.find(node_.input(i));
  return it == table_.constants.end() ? nullptr : &it->second;
}

/// Names of the graph inputs (function arguments, named by their NameLoc)
/// that `value` is computed from, in argument order.
static SmallVector<std::string> graphInputsFeeding(Value value) {
  SmallVector<Value> work{value};
  llvm::SmallPtrSet<Operation *, 32> seen;
  std::map<unsigned, std::string> inputs;
  while (!work.empty() && seen.size() < 10000) {
    Value v = work.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (auto name = dyn_cast<NameLoc>(arg.getLoc()))
        inputs[arg.getArgNumber()] = name.getName().str();
      continue;
    }
    Operation *op = v.getDefiningOp();
    if (op && seen.insert(op).second)
      llvm::append_range(work, op->getOperands());
  }
  SmallVector<std::string> names;
  for (auto &[index, name] : inputs)
    names.push_back(name);
  return names;
}

bool NodeImporter::computedFromRunTimeSizes(llvm::ArrayRef<int> inputs) const {
  bool computed = false;
  for (int i : inputs) {
    if (!hasInput(i) || constantInput(i))
      continue;
    // Computed from graph inputs of shape-vector type (a Reshape's shape fed
    // as a graph input): those become shape inputs, read before the run.
    if (!isSizeComputation(input(i)) && !markShapeInputs(input(i)))
      return false;
    computed = true;
  }
  return computed;
}

FailureOr<const TensorData *> NodeImporter::requireConstantInput(int i,
                                                                llvm::StringRef what) const {
  if (const TensorData *c = constantInput(i))
    return c;
  std::string name = hasInput(i) ? node_.input(i) : std::string();
  std::string hint;
  if (isa_and_nonnull<BlockArgument>(input(i))) {
    auto type = cast<RankedTensorType>(input(i).getType());
    if (!isShapeVectorType(type)) {
      // A shape input needs a static length: the rank of what it shapes.
      (void)error("input '" + name + "' (" + what + ") is a graph input of shape [" +
                  formatShape(type.getShape()) + "]" +
                  ", read at run time only with a static length of at most " +
                  Twine(kShapeVectorElements) + " entries; fix its length with --input-shape " +
                  name + "=N, or its value with --bind-input=" + name + "=FILE (.pb or .npy)");
      return failure();
    }
    hint = "; it is a graph input: fix its value at compile time with --bind-input=" + name +
           "=FILE (.pb or .npy)";
  } else if (isSizeComputation(input(i))) {
    // Computed from run-time sizes only (Shape -> ...): --dim fixes those.
    (void)error("input '" + name + "' (" + what +
                ") is computed from run-time sizes, which this operator does not take "
                "yet; fix the model's dynamic dimensions at compile time with --dim SYMBOL=N "
                "or --input-shape NAME=DIMS");
    return failure();
  } else {
    // Name the graph inputs it is computed from: binding those may make it a
    // constant (the ops in between fold).
    SmallVector<std::string> sources = graphInputsFeeding(input(i));
    hint = "; it is computed at run time";
    if (!sources.empty()) {
      hint += " from graph input";
      hint += sources.size() > 1 ? "s" : "";
      for (const std::string &s : sources)
        hint += " '" + s + "'";
      hint += ": fixing their values at compile time may make it constant (";
      for (const std::string &s : sources)
        hint += (s == sources.front() ? "" : " ") + ("--bind-input=" + s + "=FILE");
      hint += ")";
    }
  }
  (void)error("input '" + name + "' (" + what +
              ") must be a compile-time constant (Tessel sizes results from constants, "
              "run-time sizes and graph inputs, not from values kernels compute)" + hint);
  return failure();
}

const onnx::AttributeProto *NodeImporter::attr(llvm::StringRef name) const {
  for (const auto &a : node_.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool NodeImporter::hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }

int64_t NodeImporter::intAttr(llvm::StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

double NodeImporter::floatAttr(llvm::StringRef name, double dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeImporter::stringAttr(llvm::StringRef name, llvm::StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

llvm::SmallVector<int64_t> NodeImporter::intsAttr(llvm::StringRef name,
                                                  llvm::ArrayRef<int64_t> dflt) const {
  const auto *a = attr(name);
  if (!a)
    return llvm::SmallVector<int64_t>(dflt);
  return llvm::SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

int NodeImporter::numOutputs() const { return node_.output_size(); }

void NodeImporter::setOutput(int i, Value value) {
  if (i >= node_.output_size() || node_.output(i).empty())
    return;
  const std::string &name = node_.output(i);
  table_.values[name] = value;
  // Remember small constant results: later importers read them at compile
  // time (Reshape's shape, Slice's starts, ...).
  // (Only small ones: a splat of 2^40 elements, e.g. from ConstantOfShape, is
  // cheap as an attribute but would be expanded element by element here.)
  if (auto cst = value.getDefiningOp<ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()))
      if (dense.getNumElements() <= kRememberedConstantElements)
        if (auto data = tensorDataFromAttr(name, dense))
          table_.constants[name] = std::move(*data);
}

/// A shape vector whose entries are all known at compile time although it is
/// computed from run-time sizes (Gather of a static dimension of a dynamic
/// tensor's shape, say), as a constant; null otherwise.
static DenseElementsAttr knownShapeVector(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !isShapeVectorType(type) || !type.getElementType().isInteger(64))
    return {};
  SmallVector<int64_t> values;
  for (std::optional<int64_t> entry : knownShapeEntries(value)) {
    if (!entry)
      return {};
    values.push_back(*entry);
  }
  return DenseIntElementsAttr::get(type, values);
}

Value NodeImporter::foldIfConstant(Operation *op) {
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(folded)) || folded.size() != 1) {
    if (op->getNumResults() == 1 && !op->hasTrait<OpTrait::ConstantLike>())
      if (DenseElementsAttr known = knownShapeVector(op->getResult(0))) {
        op->erase();
        return constant(known);
      }
    return op->getResult(0);
  }
  if (auto value = dyn_cast<Value>(folded.front())) {
    if (value == op->getResult(0))
      return value; // Folded in place.
    op->erase();
    return value;
  }
  auto attr = dyn_cast<ElementsAttr>(cast<Attribute>(folded.front()));
  if (!attr || attr.getType() != op->getResult(0).getType())
    return op->getResult(0);
  op->erase();
  return constant(attr);
}

Value NodeImporter::constant(ElementsAttr value) {
  return ConstantOp::create(builder_, loc_, value.getType(), value);
}

FailureOr<Value> NodeImporter::reshape(Value value, llvm::ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return createWithType<ReshapeOp>(RankedTensorType::get(shape, type.getElementType()),
                                   ValueRange{value});
}

Value NodeImporter::scalarConstant(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto ft = dyn_cast<FloatType>(elementType))
    element = builder_.getFloatAttr(ft, value);
  else
    element = builder_.getIntegerAttr(elementType, (int64_t)value);
  return constant(DenseElementsAttr::get(type, element));
}

LogicalResult NodeImporter::reportingErrorsAtNode(llvm::function_ref<LogicalResult()> fn) {
  std::string message;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(context(), [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      if (message.empty())
        message = diag.str();
      return success();
    });
    result = fn();
  }
  if (failed(result))
    return error(message.empty() ? "invalid operands" : message);
  return success();
}

LogicalResult NodeImporter::checkOperands(ValueRange operands) const {
  for (Value v : operands)
    if (!v)
      return error("a required input is missing (empty name or absent)");
  return success();
}

LogicalResult NodeImporter::checkStaticOperands(StringRef opName, ValueRange operands,
                                                bool batchOnly) const {
  for (auto [i, v] : llvm::enumerate(operands)) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || type.hasStaticShape())
      continue;
    ArrayRef<int64_t> dims = type.getShape();
    if (batchOnly && llvm::none_of(dims.drop_front(), ShapedType::isDynamic))
      continue;
    std::string text;
    llvm::raw_string_ostream(text) << type;
    return error(fmt::format("{} {} (operand {} is {}); fix the model's dynamic dimensions at "
                             "compile time with --dim SYMBOL=N or --input-shape NAME=DIMS",
                             opName.str(),
                             batchOnly ? "takes a dynamic dimension only as its batch "
                                         "(dimension 0) yet"
                                       : "does not take dynamic dimensions yet",
                             i, text));
  }
  return success();
}

LogicalResult NodeImporter::checkResultSize(llvm::ArrayRef<Type> types) const {
  for (Type type : types) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      continue;
    // Dynamic dimensions are checked at run time, with their sizes.
    SmallVector<int64_t> staticDims;
    for (int64_t d : tensor.getShape())
      if (!ShapedType::isDynamic(d))
        staticDims.push_back(d);
    auto count = checkedElementCount(staticDims);
    int64_t elementBytes = 1;
    if (tensor.getElementType().isIntOrFloat())
      elementBytes = std::max<int64_t>(1, tensor.getElementType().getIntOrFloatBitWidth() / 8);
    if (!count || *count > INT64_MAX / elementBytes)
      return error("the result of shape " + formatShape(tensor.getShape()) +
                   " has more bytes than fit in 64 bits");
  }
  return success();
}

LogicalResult NodeImporter::verifyOp(Operation *op) {
  return mlir::verify(op, /*verifyRecursively=*/false);
}

LogicalResult NodeImporter::error(const llvm::Twine &message) const {
  return emitError(loc_) << node_.op_type() << " node '" << node_.name() << "' (opset "
                         << opset_ << "): " << message;
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank) const {
  if (axis < -rank || axis >= rank) {
    (void)error("axis " + llvm::Twine(axis) + " is out of range for rank " + llvm::Twine(rank));
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

} // namespace tessel
