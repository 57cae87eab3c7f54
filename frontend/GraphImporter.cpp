//===- GraphImporter.cpp - ONNX GraphProto -> func.func of tessel ops -----===//
//
// Walks the (topologically ordered) ONNX graph: graph inputs become function
// arguments, initializers become tessel.constant ops backed by resource blobs,
// each node is handed to its op importer, graph outputs become the results.
//
//===----------------------------------------------------------------------===//
#include "frontend/ModelLoader.h"
#include "frontend/OnnxImporter.h"
#include "frontend/OpRegistry.h"
#include "frontend/ShapeSpecialization.h"
#include "dialects/Tessel/ConstantFolding.h"
#include "dialects/Tessel/ModelAttributes.h"
#include "dialects/Tessel/ShapeHelpers.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

using namespace mlir;

namespace tessel {

static_assert(ShapeSpecialization::kUnknownSize == ShapedType::kDynamic);

namespace {

class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, StringRef displayName, StringRef baseDir,
                const ImportOptions &options)
      : ctx_(ctx), builder_(&ctx), displayName_(displayName.str()), baseDir_(baseDir.str()),
        options_(options) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

private:
  LogicalResult error(const Twine &msg) {
    return emitError(FileLineColLoc::get(&ctx_, displayName_, 0, 0)) << msg;
  }
  LogicalResult readOpsets(const onnx::ModelProto &model);
  /// The element type and the shape of a graph input (fully static: from
  /// its declaration and the user's --input-shape / --dim) or output
  /// (ShapedType::kDynamic where the declaration leaves a size to shape
  /// inference).
  FailureOr<RankedTensorType> valueInfoType(const onnx::ValueInfoProto &info, StringRef what,
                                            ArrayRef<int64_t> shape);
  /// The dimension names (dim_param) of a declaration, "" where a dimension
  /// has none; null when it names none.
  ArrayAttr dimNames(const onnx::ValueInfoProto &info);
  FailureOr<Value> materialize(TensorData data, Location loc);
  LogicalResult importNode(const onnx::NodeProto &node);
  LogicalResult bindInputs(func::FuncOp func, ArrayRef<Attribute> inputNames);
  std::string uniqueBlobName(StringRef name);

  MLIRContext &ctx_;
  OpBuilder builder_;
  std::string displayName_, baseDir_;
  const ImportOptions &options_;
  int64_t defaultOpset_ = 0;
  ValueTable table_;
  llvm::StringSet<> blobNames_;
};

LogicalResult GraphImporter::readOpsets(const onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      defaultOpset_ = opset.version();
  }
  if (defaultOpset_ == 0)
    return error("the model imports no opset of the default ONNX domain");
  if (defaultOpset_ > kMaxSupportedOpset)
    return error(fmt::format("the model uses opset {}, newer than the newest Tessel supports ({})",
                             defaultOpset_, kMaxSupportedOpset));
  return success();
}

FailureOr<RankedTensorType> GraphImporter::valueInfoType(const onnx::ValueInfoProto &info,
                                                         StringRef what,
                                                         ArrayRef<int64_t> shape) {
  if (!info.type().has_tensor_type())
    return error(fmt::format("{} '{}' is not a tensor (sequences, maps and optionals are not "
                             "supported)",
                             what.str(), info.name()));
  const auto &tt = info.type().tensor_type();
  Type element = onnxElementType(&ctx_, tt.elem_type());
  if (!element)
    return error(fmt::format("{} '{}' has element type {}, which Tessel does not support",
                             what.str(), info.name(), onnxTypeName(tt.elem_type())));
  for (int64_t d : shape)
    if (d < 0 && !ShapedType::isDynamic(d))
      return error(fmt::format("{} '{}' has a negative dimension {}", what.str(), info.name(), d));
  if (!ShapedType::isStaticShape(shape)) // An output's size left to shape inference.
    return RankedTensorType::get(shape, element);
  auto count = checkedElementCount(shape);
  if (!count)
    return error(fmt::format("{} '{}' has more elements than fit in 64 bits", what.str(),
                             info.name()));
  int64_t elementBytes = std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
  if (*count > INT64_MAX / elementBytes)
    return error(fmt::format("{} '{}' of shape [{}] needs more bytes than fit in 64 bits",
                             what.str(), info.name(), fmt::join(shape, ",")));
  return RankedTensorType::get(shape, element);
}

ArrayAttr GraphImporter::dimNames(const onnx::ValueInfoProto &info) {
  auto shape = declaredShape(info);
  if (!shape || llvm::all_of(*shape, [](const DeclaredDim &d) { return d.symbol.empty(); }))
    return nullptr;
  return builder_.getStrArrayAttr(
      SmallVector<StringRef>(llvm::map_range(*shape, [](const DeclaredDim &d) {
        return StringRef(d.symbol);
      })));
}

std::string GraphImporter::uniqueBlobName(StringRef name) {
  std::string base;
  for (char c : name)
    base += (isalnum((unsigned char)c) || c == '_') ? c : '_';
  if (base.empty() || isdigit((unsigned char)base[0]))
    base = "w_" + base;
  std::string candidate = base;
  for (int i = 1; blobNames_.contains(candidate); ++i)
    candidate = base + "_" + std::to_string(i);
  blobNames_.insert(candidate);
  return candidate;
}

FailureOr<Value> GraphImporter::materialize(TensorData data, Location loc) {
  Type element = onnxElementType(&ctx_, data.onnxType);
  if (!element) {
    emitError(loc) << "constant '" << data.name << "' has element type "
                   << onnxTypeName(data.onnxType) << ", which Tessel does not support";
    return failure();
  }
  auto type = RankedTensorType::get(data.shape, element);
  ElementsAttr value;
  int64_t count = data.numElements();
  if (element.isInteger(1)) {
    SmallVector<bool> bits;
    for (int64_t i = 0; i < count; ++i)
      bits.push_back(data.bytes[i] != 0);
    value = DenseElementsAttr::get(type, bits);
  } else if (count <= kInlineConstantElements) {
    value = DenseElementsAttr::getFromRawBuffer(type, data.bytes);
  } else {
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(data.bytes, alignof(double));
    value = DenseResourceElementsAttr::get(type, uniqueBlobName(data.name), std::move(blob));
  }
  Value result = ConstantOp::create(builder_, loc, type, value);
  table_.values[data.name] = result;
  if (count <= kRememberedConstantElements)
    table_.constants[data.name] = std::move(data);
  return result;
}

/// Replaces the uses of each bound graph input by a constant of its value, so
/// that importers see it like an initializer, and records the value on the
/// argument (the argument stays: the compiled model keeps its inputs, and the
/// runtime checks that runs pass the bound value).
LogicalResult GraphImporter::bindInputs(func::FuncOp func, ArrayRef<Attribute> inputNames) {
  for (const auto &binding : options_.boundInputFiles) {
    const std::string &name = binding.first, &path = binding.second;
    auto it = llvm::find_if(inputNames,
                            [&](Attribute a) { return cast<StringAttr>(a).getValue() == name; });
    if (it == inputNames.end())
      return error(fmt::format("--bind-input: the graph has no input '{}' (initializers cannot "
                               "be bound)", name));
    unsigned index = it - inputNames.begin();
    auto expected = cast<RankedTensorType>(func.getArgumentTypes()[index]);
    bool npy = StringRef(path).ends_with(".npy");
    auto data = npy ? readNpyFile(path) : readTensorProtoFile(path);
    if (!data)
      return error(fmt::format("--bind-input: input '{}': {}", name,
                               llvm::toString(data.takeError())));
    Type element = onnxElementType(&ctx_, data->onnxType);
    if (element != expected.getElementType() || ArrayRef(data->shape) != expected.getShape()) {
      std::string want;
      llvm::raw_string_ostream(want) << expected;
      return error(fmt::format("--bind-input: input '{}' is {}, but '{}' holds {} [{}]",
                               name, want, path, onnxTypeName(data->onnxType),
                               fmt::join(data->shape, ",")));
    }
    data->name = name;
    auto value = materialize(std::move(*data), NameLoc::get(builder_.getStringAttr(name)));
    if (failed(value))
      return failure();
    auto constant = (*value).getDefiningOp<ConstantOp>();
    auto attr = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!attr)
      return error(fmt::format("--bind-input: input '{}' has {} elements; at most {} can be "
                               "bound", name, expected.getNumElements(),
                               kInlineConstantElements));
    func.setArgAttr(index, kBoundValueAttr, attr);
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node) {
  std::string where = fmt::format("{} node '{}'", node.op_type(), node.name());
  Location loc = NameLoc::get(builder_.getStringAttr(node.name().empty() ? node.op_type()
                                                                         : node.name()));
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return emitError(loc) << where << ": operator domain '" << node.domain()
                          << "' is not supported (only the default ONNX domain is)";
  for (const std::string &in : node.input())
    if (!in.empty() && !table_.values.count(in))
      return emitError(loc) << where << ": input '" << in
                            << "' is not a graph input, an initializer or an earlier node's "
                               "output";
  // Only optional inputs may be left empty (ONNX's checker lets an empty name
  // through in a variadic list): importers then see every required input.
  if (const onnx::OpSchema *schema =
          onnx::OpSchemaRegistry::Schema(node.op_type(), (int)defaultOpset_, "")) {
    const auto &formals = schema->inputs();
    for (int i = 0; i < node.input_size() && !formals.empty(); ++i) {
      const auto &formal = formals[std::min<size_t>(i, formals.size() - 1)];
      if (node.input(i).empty() && formal.GetOption() != onnx::OpSchema::Optional)
        return emitError(loc) << where << ": input " << i << " ('" << formal.GetName()
                              << "') is required but its name is empty";
    }
  }
  if (node.op_type() == "Constant") {
    // Constant nodes become constants directly, like initializers.
    const onnx::AttributeProto *valueAttr = nullptr;
    for (const auto &a : node.attribute())
      valueAttr = &a;
    if (!valueAttr || node.output_size() != 1)
      return emitError(loc) << where << ": needs exactly one value attribute and one output";
    onnx::TensorProto proto;
    if (valueAttr->name() == "value") {
      proto = valueAttr->t();
    } else if (valueAttr->name() == "value_float") {
      proto.set_data_type(onnx::TensorProto::FLOAT);
      proto.add_float_data(valueAttr->f());
    } else if (valueAttr->name() == "value_floats") {
      proto.set_data_type(onnx::TensorProto::FLOAT);
      proto.add_dims(valueAttr->floats_size());
      for (float f : valueAttr->floats())
        proto.add_float_data(f);
    } else if (valueAttr->name() == "value_int") {
      proto.set_data_type(onnx::TensorProto::INT64);
      proto.add_int64_data(valueAttr->i());
    } else if (valueAttr->name() == "value_ints") {
      proto.set_data_type(onnx::TensorProto::INT64);
      proto.add_dims(valueAttr->ints_size());
      for (int64_t i : valueAttr->ints())
        proto.add_int64_data(i);
    } else {
      return emitError(loc) << where << ": value attribute '" << valueAttr->name()
                            << "' is not supported";
    }
    proto.set_name(node.output(0));
    auto data = decodeTensor(proto, baseDir_);
    if (!data)
      return emitError(loc) << where << ": " << llvm::toString(data.takeError());
    return materialize(std::move(*data), loc);
  }

  const OpImporterInfo *info = OpRegistry::get().lookup(node.op_type());
  if (!info)
    return emitError(loc) << where << ": operator " << node.op_type() << " (opset "
                          << defaultOpset_ << ") is not supported by Tessel";
  if (defaultOpset_ < info->minOpset || defaultOpset_ > info->maxOpset)
    return emitError(loc) << where << ": operator " << node.op_type() << " is supported at opsets "
                          << info->minOpset << " to " << info->maxOpset << ", the model uses "
                          << defaultOpset_;
  NodeImporter importer(node, defaultOpset_, builder_, table_);
  if (failed(info->fn(importer)))
    return failure();
  for (const std::string &out : node.output())
    if (!out.empty() && !table_.values.count(out))
      return emitError(loc) << where << ": output '" << out
                            << "' is not supported by Tessel's importer";
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run(const onnx::ModelProto &model) {
  if (failed(readOpsets(model)))
    return {};
  const onnx::GraphProto &graph = model.graph();
  Location fileLoc = FileLineColLoc::get(&ctx_, displayName_, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder_.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());

  auto shapes = ShapeSpecialization::resolve(graph, initializerNames, options_.inputShapes,
                                             options_.dims, options_.keepDynamicDims);
  if (!shapes) {
    (void)error(llvm::toString(shapes.takeError()));
    return {};
  }

  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  SmallVector<Attribute> inputNames, inputDimNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue; // Pre-IR4 models list initializers as inputs: they are constants.
    auto type = valueInfoType(input, "graph input", shapes->inputShape(input.name()));
    if (failed(type))
      return {};
    argTypes.push_back(*type);
    argLocs.push_back(NameLoc::get(builder_.getStringAttr(input.name())));
    inputNames.push_back(builder_.getStringAttr(input.name()));
    inputDimNames.push_back(dimNames(input));
  }
  // Declared output types; a size left open is taken from shape inference.
  SmallVector<Type> declaredResultTypes;
  SmallVector<Attribute> outputNames, outputDimNames;
  for (const auto &output : graph.output()) {
    auto shape = shapes->outputShape(output);
    auto type =
        valueInfoType(output, "graph output", shape ? ArrayRef(*shape) : ArrayRef<int64_t>());
    if (failed(type))
      return {};
    // Declared without a shape: any shape shape inference gives is right.
    declaredResultTypes.push_back(shape ? Type(*type)
                                        : UnrankedTensorType::get(type->getElementType()));
    outputNames.push_back(builder_.getStringAttr(output.name()));
    outputDimNames.push_back(dimNames(output));
  }
  SmallVector<Type> resultTypes = declaredResultTypes;
  if (resultTypes.empty()) {
    (void)error("the graph has no outputs");
    return {};
  }

  auto func = func::FuncOp::create(builder_, fileLoc, "main_graph",
                                   builder_.getFunctionType(argTypes, resultTypes));
  for (auto [i, names] : llvm::enumerate(inputDimNames))
    if (names)
      func.setArgAttr(i, kDimNamesAttr, names);
  for (auto [i, names] : llvm::enumerate(outputDimNames))
    if (names)
      func.setResultAttr(i, kDimNamesAttr, names);
  func->setAttr("tessel.input_names", builder_.getArrayAttr(inputNames));
  func->setAttr("tessel.output_names", builder_.getArrayAttr(outputNames));
  module->getOperation()->setAttr("tessel.opset", builder_.getI64IntegerAttr(defaultOpset_));
  Block *body = func.addEntryBlock();
  for (auto [i, arg] : llvm::enumerate(body->getArguments())) {
    arg.setLoc(argLocs[i]);
    table_.values[cast<StringAttr>(inputNames[i]).getValue()] = arg;
  }
  builder_.setInsertionPointToStart(body);
  if (failed(bindInputs(func, inputNames)))
    return {};

  for (const auto &init : graph.initializer()) {
    auto data = decodeTensor(init, baseDir_);
    if (!data) {
      (void)error(fmt::format("initializer: {}", llvm::toString(data.takeError())));
      return {};
    }
    if (failed(materialize(std::move(*data), NameLoc::get(builder_.getStringAttr(init.name())))))
      return {};
  }
  for (const auto &node : graph.node())
    if (failed(importNode(node)))
      return {};

  SmallVector<Value> results;
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    Value v = table_.values.lookup(output.name());
    if (!v) {
      (void)error(fmt::format("graph output '{}' is produced by no node", output.name()));
      return {};
    }
    auto declaredType = cast<TensorType>(declaredResultTypes[i]);
    auto inferredType = dyn_cast<RankedTensorType>(v.getType());
    if (!inferredType || inferredType.getElementType() != declaredType.getElementType() ||
        (declaredType.hasRank() &&
         failed(verifyCompatibleShape(inferredType.getShape(), declaredType.getShape())))) {
      std::string inferred, declared;
      llvm::raw_string_ostream(inferred) << v.getType();
      llvm::raw_string_ostream(declared) << declaredType;
      (void)error(fmt::format("graph output '{}' is declared as {} but computes {}",
                              output.name(), declared, inferred));
      return {};
    }
    results.push_back(v);
    resultTypes[i] = v.getType();
  }
  func::ReturnOp::create(builder_, fileLoc, results);
  func.setFunctionType(builder_.getFunctionType(argTypes, resultTypes));
  if (failed(verify(*module)))
    return {};
  return module;
}

} // namespace

void registerImporterDialects(MLIRContext &context) {
  context.loadDialect<TesselDialect, func::FuncDialect>();
}

OwningOpRef<ModuleOp> importOnnxBytes(MLIRContext &context, StringRef bytes,
                                      StringRef displayName, StringRef baseDir,
                                      const ImportOptions &options) {
  registerImporterDialects(context);
  onnx::ModelProto model;
  if (auto err = parseAndCheckModel(bytes, model, baseDir)) {
    emitError(FileLineColLoc::get(&context, displayName, 0, 0)) << llvm::toString(std::move(err));
    return {};
  }
  return GraphImporter(context, displayName, baseDir, options).run(model);
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, StringRef path,
                                     const ImportOptions &options) {
  registerImporterDialects(context);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read the model: " << buffer.getError().message();
    return {};
  }
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  onnx::ModelProto model;
  if (auto err = parseAndCheckModel((*buffer)->getBuffer(), model, dir)) {
    emitError(FileLineColLoc::get(&context, path, 0, 0)) << llvm::toString(std::move(err));
    return {};
  }
  // The file's bytes are in the parsed model now: unmap them before the
  // weights are copied into the module, or a large model is held three times.
  buffer->reset();
  return GraphImporter(context, path, dir, options).run(model);
}

} // namespace tessel
