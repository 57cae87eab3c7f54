//===- RecordModelABI.cpp - The tessel-record-abi pass --------------------===//
#include "codegen/ABIMetadata.h"
#include "codegen/Passes.h"

#include "dialects/Tessel/ModelAttributes.h"
#include "tessel/abi.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <fmt/format.h>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_RECORDMODELABI
#include "codegen/Passes.h.inc"

namespace {

LogicalResult appendTensors(std::string &out, const char *section, TypeRange types,
                            ArrayAttr names, Operation *func) {
  out += fmt::format("{} {}\n", section, types.size());
  for (auto [i, type] : llvm::enumerate(types)) {
    auto tt = dyn_cast<RankedTensorType>(type);
    if (!tt || !onnxDataType(tt.getElementType()))
      return func->emitError() << "model " << section << " " << i << " has unsupported type "
                               << type;
    std::string name = names && i < names.size() ? cast<StringAttr>(names[i]).str()
                                                 : fmt::format("{}{}", section, i);
    out += tensorRecord(tt, name);
  }
  return success();
}

/// The "dim_names" section: the ONNX names of the model's input and output
/// dimensions, as "<tensor index> <len>:<name>..." (one name per dimension,
/// tensors numbered inputs first). Left out when no dimension is named. Each
/// tessel.dim_names must hold one string per dimension of its tensor.
LogicalResult appendDimNames(std::string &out, func::FuncOp func) {
  SmallVector<std::pair<unsigned, ArrayAttr>> named;
  unsigned numInputs = func.getNumArguments();
  // `index` numbers the tensor as the metadata does (inputs, then outputs).
  auto collect = [&](ArrayAttr names, Type type, const char *what, unsigned i,
                     unsigned index) -> LogicalResult {
    if (!names)
      return success();
    auto tt = dyn_cast<RankedTensorType>(type);
    if (!tt || (int64_t)names.size() != tt.getRank() ||
        !llvm::all_of(names, [](Attribute a) { return isa<StringAttr>(a); }))
      return func.emitError() << what << " " << i << " has a " << kDimNamesAttr
                              << " that is not one string per dimension";
    named.push_back({index, names});
    return success();
  };
  for (unsigned i = 0; i < numInputs; ++i)
    if (failed(collect(func.getArgAttrOfType<ArrayAttr>(i, kDimNamesAttr),
                       func.getArgumentTypes()[i], "input", i, i)))
      return failure();
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    if (failed(collect(func.getResultAttrOfType<ArrayAttr>(i, kDimNamesAttr),
                       func.getResultTypes()[i], "output", i, numInputs + i)))
      return failure();
  if (named.empty())
    return success();
  out += fmt::format("dim_names {}\n", named.size());
  for (auto [index, names] : named) {
    out += std::to_string(index);
    for (Attribute name : names) {
      StringRef text = cast<StringAttr>(name).getValue();
      out += fmt::format(" {}:{}", text.size(), text.str());
    }
    out += "\n";
  }
  return success();
}

/// Little-endian bytes of a dense value as the runtime receives the tensor
/// (bool: one byte per element).
std::string denseBytes(DenseElementsAttr value) {
  std::string bytes;
  auto append = [&](const APInt &bits) {
    unsigned width = std::max(8u, bits.getBitWidth());
    APInt wide = bits.zext(width);
    for (unsigned b = 0; b < width; b += 8)
      bytes.push_back((char)wide.extractBitsAsZExtValue(8, b));
  };
  if (isa<FloatType>(value.getElementType())) {
    for (const APFloat &v : value.getValues<APFloat>())
      append(v.bitcastToAPInt());
  } else {
    for (const APInt &v : value.getValues<APInt>())
      append(v);
  }
  return bytes;
}

/// The "bound" section: inputs fixed at compile time, as
/// "<input index> <byte count> <hex bytes>". Left out when there are none.
LogicalResult appendBoundInputs(std::string &out, func::FuncOp func) {
  SmallVector<std::pair<unsigned, DenseElementsAttr>> bound;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (Attribute attr = func.getArgAttr(i, kBoundValueAttr)) {
      auto value = dyn_cast<DenseElementsAttr>(attr);
      if (!value || value.getType() != func.getArgumentTypes()[i])
        return func.emitError() << "input " << i << " has a " << kBoundValueAttr
                                << " that is not a dense value of the input's type";
      bound.push_back({i, value});
    }
  if (bound.empty())
    return success();
  out += fmt::format("bound {}\n", bound.size());
  for (auto [i, value] : bound) {
    std::string bytes = denseBytes(value);
    out += fmt::format("{} {} ", i, bytes.size());
    for (unsigned char c : bytes)
      out += fmt::format("{:02x}", c);
    out += "\n";
  }
  return success();
}

/// Zero-element tensors (legal ONNX) carry no data: an input of shape 2x0 is
/// passed as tensor<0xT> and replaced inside by an empty tensor of its shape;
/// an output of shape 2x0 is returned as an empty tensor<0xT>.
void flattenEmptyBoundaryTensors(func::FuncOp func) {
  auto needsFlattening = [](Type type) {
    auto tt = dyn_cast<RankedTensorType>(type);
    return tt && tt.hasStaticShape() && tt.getNumElements() == 0 && tt.getRank() != 1;
  };
  auto flat = [](Type type) {
    return RankedTensorType::get({0}, cast<RankedTensorType>(type).getElementType());
  };
  SmallVector<Type> inputs(func.getFunctionType().getInputs());
  SmallVector<Type> results(func.getFunctionType().getResults());
  Block &entry = func.getBody().front();
  OpBuilder b(func.getContext());
  for (BlockArgument arg : entry.getArguments()) {
    if (!needsFlattening(arg.getType()))
      continue;
    auto tt = cast<RankedTensorType>(arg.getType());
    b.setInsertionPointToStart(&entry);
    Value empty = tensor::EmptyOp::create(b, arg.getLoc(), tt.getShape(), tt.getElementType());
    arg.replaceAllUsesWith(empty);
    arg.setType(flat(tt));
    inputs[arg.getArgNumber()] = arg.getType();
  }
  func.walk([&](func::ReturnOp ret) {
    for (OpOperand &operand : ret->getOpOperands()) {
      if (!needsFlattening(operand.get().getType()))
        continue;
      b.setInsertionPoint(ret);
      auto type = flat(operand.get().getType());
      operand.set(tensor::EmptyOp::create(b, ret.getLoc(), type.getShape(),
                                          type.getElementType()));
      results[operand.getOperandNumber()] = type;
    }
  });
  func.setType(FunctionType::get(func.getContext(), inputs, results));
}

struct RecordModelABIPass : impl::RecordModelABIBase<RecordModelABIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>("main_graph");
    if (!func) {
      module.emitError("the module has no @main_graph function to export");
      return signalPassFailure();
    }
    std::string text = fmt::format("tessel-abi {}\n", TESSEL_ABI_VERSION);
    FunctionType type = func.getFunctionType();
    if (failed(appendTensors(text, "inputs", type.getInputs(),
                             func->getAttrOfType<ArrayAttr>("tessel.input_names"), func)) ||
        failed(appendTensors(text, "outputs", type.getResults(),
                             func->getAttrOfType<ArrayAttr>("tessel.output_names"), func)) ||
        failed(appendDimNames(text, func)) || failed(appendBoundInputs(text, func)))
      return signalPassFailure();
    module->setAttr("tessel.abi_metadata", StringAttr::get(&getContext(), text));
    // The bound values now live in the metadata; the lowering need not carry them.
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      func.removeArgAttr(i, kBoundValueAttr);
      func.removeArgAttr(i, kDimNamesAttr);
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      func.removeResultAttr(i, StringAttr::get(&getContext(), kDimNamesAttr));
    flattenEmptyBoundaryTensors(func);
    // The caller owns the input buffers: bufferization must never write them.
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.setArgAttr(i, "bufferization.writable", BoolAttr::get(&getContext(), false));
    // Every output gets its own caller buffer: a value returned twice (two
    // graph outputs of one tensor) is copied for its repeats, so that no two
    // results share one allocation (buffer-results-to-out-params would crash
    // hoisting the same alloc into two out-parameters).
    func.walk([&](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder b(ret);
      for (OpOperand &result : ret->getOpOperands()) {
        auto type = dyn_cast<RankedTensorType>(result.get().getType());
        if (type && !seen.insert(result.get()).second)
          result.set(bufferization::AllocTensorOp::create(b, ret.getLoc(), type, ValueRange{},
                                                         result.get()));
      }
    });
  }
};

} // namespace
} // namespace tessel
