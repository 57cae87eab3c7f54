//===- BuildShapeFunction.cpp - The tessel-build-shape-function pass ------===//
//
// A model with dynamic dimensions gets a second entry point, its shape
// function (runtime/include/tessel/abi.h):
//
//   int32_t tessel_model_shapes(const int64_t *input_dims,
//                               int64_t *output_dims, int64_t *check_sizes,
//                               const uint8_t *shape_data)
//
// input_dims holds the run's size of every dynamic input dimension (inputs
// in order, dimensions in order: the -1 entries of the metadata), and
// shape_data the values of the shape inputs (graph inputs whose values set
// sizes: a Reshape's shape fed as an input), each at an 8-byte aligned
// offset; the function runs every shape check of the model over them and,
// when all hold, writes every dynamic output dimension and returns 0. A failing
// check k returns k + 1 and leaves the two sizes it compared in
// check_sizes[0..1]; its message (the metadata's "checks" section, with {0}
// and {1} for those sizes) names the ONNX node. The runtime calls it before
// a run, so a run on inconsistent shapes is refused before any kernel
// writes anything, and callers can size outputs in advance.
//
// It is built from @main_graph on tensors: the checks are main_graph's
// cf.asserts (tessel-kernel-destinations states every kernel's checks at its
// call), the output sizes those of its results (RunTimeSizes), each rebuilt
// over the input sizes loaded from input_dims. The asserts then leave
// main_graph. Last, a main_graph with dynamic results takes destinations for
// all of them, as kernels do (the ABI then passes every output as a
// caller buffer whose size the shape function gave).
//
//===----------------------------------------------------------------------===//
#include "codegen/DynamicShapes/Destinations.h"
#include "codegen/DynamicShapes/RunTimeSizes.h"
#include "codegen/Passes.h"

#include "dialects/Tessel/ModelAttributes.h"
#include "dialects/Tessel/NodeNames.h"
#include "tessel/abi.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_BUILDSHAPEFUNCTION
#include "codegen/Passes.h.inc"

namespace {

int64_t countDynamicDims(TypeRange types) {
  int64_t n = 0;
  for (Type t : types)
    if (auto st = dyn_cast<ShapedType>(t))
      n += st.getNumDynamicDims();
  return n;
}

struct BuildShapeFunctionPass : impl::BuildShapeFunctionBase<BuildShapeFunctionPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main_graph");
    if (!main || main.isExternal())
      return;
    FunctionType mainType = main.getFunctionType();
    int64_t numInputDims = countDynamicDims(mainType.getInputs());
    int64_t numOutputDims = countDynamicDims(mainType.getResults());
    addByteCountChecks(main);
    SmallVector<cf::AssertOp> checks(main.getBody().front().getOps<cf::AssertOp>());
    if (numInputDims == 0 && numOutputDims == 0 && checks.empty()) {
      for (unsigned i = 0; i < main.getNumArguments(); ++i)
        main.removeArgAttr(i, kShapeInputAttr);
      return; // Static: the metadata says every size.
    }

    if (failed(buildShapeFunction(module, main, numInputDims, numOutputDims, checks)))
      return signalPassFailure();
    for (cf::AssertOp check : checks)
      check.erase();
    if (numOutputDims && failed(addOutputDestinations(main)))
      return signalPassFailure();
  }

  /// In a model with shape inputs, every buffer of main_graph sized at run
  /// time must have a byte count that fits: sizes from input values can be
  /// anything (a Tile by 2^31 whose size wraps to a small allocation would
  /// be written out of bounds), unlike sizes of input dimensions, which the
  /// caller's buffers bound. One check per run-time-sized tensor.empty,
  /// after every other check (those name a bad size more precisely).
  void addByteCountChecks(func::FuncOp main) {
    bool shapeInputs = false;
    for (unsigned i = 0; i < main.getNumArguments(); ++i)
      shapeInputs |= main.getArgAttr(i, kShapeInputAttr) != nullptr;
    if (!shapeInputs)
      return;
    Block &body = main.getBody().front();
    SmallVector<tensor::EmptyOp> empties;
    for (auto empty : body.getOps<tensor::EmptyOp>())
      if (!empty.getType().hasStaticShape())
        empties.push_back(empty);
    if (empties.empty())
      return;
    OpBuilder b(body.getTerminator());
    auto i64 = b.getI64Type();
    for (tensor::EmptyOp empty : empties) {
      Location loc = empty.getLoc();
      RankedTensorType type = empty.getType();
      Type element = type.getElementType();
      int64_t elementBytes = std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
      Value bytes = arith::ConstantIntOp::create(b, loc, i64, elementBytes);
      Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
      Value fits = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
      auto dynamicSize = empty.getDynamicSizes().begin();
      for (int64_t d = 0; d < type.getRank(); ++d) {
        Value size = type.isDynamicDim(d)
                         ? Value(arith::IndexCastOp::create(b, loc, i64, *dynamicSize++))
                         : Value(arith::ConstantIntOp::create(b, loc, i64, type.getDimSize(d)));
        // Unsigned: a negative size (refused by an earlier check) overflows.
        auto product = arith::MulUIExtendedOp::create(b, loc, bytes, size);
        bytes = product.getLow();
        fits = arith::AndIOp::create(
            b, loc, fits,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, product.getHigh(), zero));
        fits = arith::AndIOp::create(
            b, loc, fits, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, bytes, zero));
      }
      llvm::SetVector<StringRef> names;
      collectNodeNames(loc, names);
      std::string where = names.empty() ? "the model"
                                        : (names.size() == 1 ? "node '" : "nodes '") +
                                              llvm::join(names.getArrayRef(), "', '") + "'";
      cf::AssertOp::create(b, loc, fits,
                           where + ": a tensor of " + describeType(type) +
                               " would have more bytes than memory can address");
    }
  }

  static std::string describeType(RankedTensorType type) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "shape [";
    for (int64_t d = 0; d < type.getRank(); ++d)
      os << (d ? "x" : "") << (type.isDynamicDim(d) ? std::string("?") : std::to_string(type.getDimSize(d)));
    os << "]";
    return text;
  }

  LogicalResult buildShapeFunction(ModuleOp module, func::FuncOp main, int64_t numInputDims,
                                   int64_t numOutputDims, ArrayRef<cf::AssertOp> checks) {
    MLIRContext *ctx = &getContext();
    Location loc = main.getLoc();
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto i64 = b.getI64Type(), i32 = b.getI32Type();
    auto inType = MemRefType::get({numInputDims}, i64);
    auto outType = MemRefType::get({numOutputDims}, i64);
    auto checkType = MemRefType::get({2}, i64);
    // Where each shape input's values lie in shape_data (abi.h: input order,
    // 8-byte aligned).
    SmallVector<int64_t> shapeInputs;
    llvm::DenseMap<unsigned, int64_t> dataOffset;
    int64_t dataBytes = 0;
    for (unsigned i = 0; i < main.getNumArguments(); ++i) {
      if (!main.getArgAttr(i, kShapeInputAttr))
        continue;
      main.removeArgAttr(i, kShapeInputAttr);
      auto type = dyn_cast<RankedTensorType>(main.getArgumentTypes()[i]);
      if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
        return main.emitError() << "internal error: shape input " << i << " has type "
                                << main.getArgumentTypes()[i];
      dataOffset[i] = dataBytes;
      shapeInputs.push_back(i);
      int64_t bytes = type.getNumElements() *
                      std::max<int64_t>(1, type.getElementType().getIntOrFloatBitWidth() / 8);
      dataBytes += (bytes + 7) / 8 * 8;
    }
    auto dataType = MemRefType::get({std::max<int64_t>(dataBytes, 1)}, b.getI8Type());
    auto func = func::FuncOp::create(
        b, loc, TESSEL_SYMBOL_SHAPES,
        b.getFunctionType({inType, outType, checkType, dataType}, {i32}));
    Block *block = func.addEntryBlock();
    b.setInsertionPointToStart(block);
    Value inDims = block->getArgument(0), outDims = block->getArgument(1),
          checkSizes = block->getArgument(2), shapeData = block->getArgument(3);

    // Position of each dynamic input dimension in input_dims.
    llvm::DenseMap<std::pair<unsigned, int64_t>, int64_t> slot;
    int64_t next = 0;
    for (auto [i, t] : llvm::enumerate(main.getArgumentTypes()))
      if (auto st = dyn_cast<ShapedType>(t))
        for (int64_t d = 0; d < st.getRank(); ++d)
          if (st.isDynamicDim(d))
            slot[{(unsigned)i, d}] = next++;
    auto inputDim = [&](OpBuilder &b, Location loc, Value tensor,
                        int64_t dim) -> FailureOr<Value> {
      auto arg = dyn_cast<BlockArgument>(tensor);
      if (!arg || arg.getOwner() != &main.getBody().front())
        return failure();
      auto it = slot.find({arg.getArgNumber(), dim});
      if (it == slot.end())
        return failure();
      Value index = arith::ConstantIndexOp::create(b, loc, it->second);
      Value size = memref::LoadOp::create(b, loc, inDims, index);
      return Value(arith::IndexCastOp::create(b, loc, b.getIndexType(), size));
    };
    // An element of a shape input, from shape_data (viewed once per input,
    // at the function's entry).
    llvm::DenseMap<unsigned, Value> views;
    auto inputElement = [&](OpBuilder &b, Location loc, Value tensor,
                            ValueRange indices) -> FailureOr<Value> {
      auto arg = dyn_cast<BlockArgument>(tensor);
      if (!arg || arg.getOwner() != &main.getBody().front() ||
          !dataOffset.count(arg.getArgNumber()))
        return failure();
      Value &view = views[arg.getArgNumber()];
      if (!view) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&func.getBody().front());
        auto type = cast<RankedTensorType>(arg.getType());
        Value offset = arith::ConstantIndexOp::create(b, loc, dataOffset[arg.getArgNumber()]);
        view = memref::ViewOp::create(
            b, loc, MemRefType::get(type.getShape(), type.getElementType()), shapeData, offset,
            ValueRange{});
      }
      return Value(memref::LoadOp::create(b, loc, view, indices));
    };
    RunTimeSizes sizes(inputDim, inputElement);
    auto store = [&](Value size, Value memref, int64_t position) {
      // Sizes are index values; the two sides of a check on data (a
      // Range's delta) may be narrower integers or floats.
      Value wide = size;
      if (size.getType().isIndex())
        wide = arith::IndexCastOp::create(b, loc, i64, size);
      else if (isa<FloatType>(size.getType()))
        wide = arith::FPToSIOp::create(b, loc, i64, size);
      else if (size.getType().getIntOrFloatBitWidth() < 64)
        wide = arith::ExtSIOp::create(b, loc, i64, size);
      memref::StoreOp::create(b, loc, wide, memref,
                              ValueRange{arith::ConstantIndexOp::create(b, loc, position)});
    };

    SmallVector<Attribute> messages;
    for (auto [k, constCheck] : llvm::enumerate(checks)) {
      cf::AssertOp check = constCheck;
      FailureOr<Value> holds = sizes.rebuild(b, check.getArg());
      // The two sizes a check compares, for its message.
      Value lhs, rhs;
      if (auto cmp = check.getArg().getDefiningOp<arith::CmpIOp>()) {
        FailureOr<Value> l = sizes.rebuild(b, cmp.getLhs()), r = sizes.rebuild(b, cmp.getRhs());
        if (succeeded(l) && succeeded(r))
          lhs = *l, rhs = *r;
      }
      if (failed(holds))
        return check.emitError("internal error: a run-time shape check does not depend on the "
                               "model's input sizes only");
      Block *fail = b.createBlock(&func.getBody());
      Block *pass = b.createBlock(&func.getBody());
      b.setInsertionPointToEnd(fail);
      if (lhs && rhs) {
        store(lhs, checkSizes, 0);
        store(rhs, checkSizes, 1);
      }
      func::ReturnOp::create(b, loc, ValueRange{arith::ConstantIntOp::create(b, loc, i32, k + 1)});
      b.setInsertionPointToEnd(block);
      cf::CondBranchOp::create(b, check.getLoc(), *holds, pass, fail);
      block = pass;
      b.setInsertionPointToEnd(block);
      messages.push_back(check.getMsgAttr());
    }
    module->setAttr("tessel.shape_checks", b.getArrayAttr(messages));
    if (!shapeInputs.empty())
      module->setAttr("tessel.shape_inputs", b.getDenseI64ArrayAttr(shapeInputs));

    auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
    int64_t position = 0;
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      auto type = dyn_cast<RankedTensorType>(value.getType());
      for (int64_t d = 0; type && d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        FailureOr<Value> size = sizes.sizeOfDim(b, loc, value, d);
        if (failed(size))
          return main.emitError() << "dimension " << d << " of output " << i
                                  << " is not known before the run (it depends on tensor "
                                     "data); data-dependent output sizes are not supported yet";
        store(*size, outDims, position++);
      }
    }
    func::ReturnOp::create(b, loc, ValueRange{arith::ConstantIntOp::create(b, loc, i32, 0)});
    return success();
  }

  /// main_graph writes every output into a destination argument (appended
  /// after its inputs, in output order) rather than returning a buffer
  /// whose size only it knows.
  LogicalResult addOutputDestinations(func::FuncOp main) {
    auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
    OpBuilder b(ret);
    MLIRContext *ctx = &getContext();
    auto writable = DictionaryAttr::get(
        ctx, {NamedAttribute(StringAttr::get(ctx, "bufferization.writable"), BoolAttr::get(ctx, true))});
    for (auto [i, value] : llvm::enumerate(SmallVector<Value>(ret.getOperands()))) {
      if (!isa<RankedTensorType>(value.getType()))
        return main.emitError() << "output " << i << " is not a ranked tensor";
      unsigned index = main.getNumArguments();
      if (failed(main.insertArgument(index, value.getType(), writable, ret.getLoc())))
        return failure();
      ret.setOperand(i, computeInto(b, ret.getLoc(), value, main.getArgument(index)));
    }
    main->setAttr(kDestinationsAttr, UnitAttr::get(ctx));
    return success();
  }
};

} // namespace
} // namespace tessel
