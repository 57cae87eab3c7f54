//===- BuildABIEntry.cpp - The tessel-build-abi-entry pass ----------------===//
//
// Emits what runtime/include/tessel/abi.h promises, on the LLVM-dialect
// module: the metadata text (inputs/outputs from tessel-record-abi, plus the
// kernel table from tessel-outline-kernels), the run entry point with its
// optional per-run context (kernel hooks for profiling), and one wrapper per
// kernel for running it alone.
//
//===----------------------------------------------------------------------===//
#include "codegen/ABIMetadata.h"
#include "codegen/Passes.h"

#include "tessel/abi.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <fmt/format.h>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_BUILDABIENTRY
#include "codegen/Passes.h.inc"

namespace {

struct Kernel {
  LLVM::LLVMFuncOp func;
  DictionaryAttr info;
  FunctionType type; // Tensor signature, recorded before bufferization.
  unsigned numDims;  // Trailing size arguments (its dynamic dimensions).
};

struct BuildABIEntryPass : impl::BuildABIEntryBase<BuildABIEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto main = module.lookupSymbol<LLVM::LLVMFuncOp>("main_graph");
    auto metadata = module->getAttrOfType<StringAttr>("tessel.abi_metadata");
    if (!main || !metadata) {
      module.emitError("expected an LLVM-dialect @main_graph and tessel.abi_metadata; run "
                       "tessel-record-abi before lowering");
      return signalPassFailure();
    }
    // Only the ABI entry points are exported.
    main.setLinkage(LLVM::Linkage::Internal);
    // Bare buffer pointers, then the sizes of their dynamic dimensions
    // (tessel-pass-dynamic-sizes).
    unsigned numBuffers = 0, numDims = 0;
    if (failed(splitSignature(main, numBuffers, numDims)))
      return signalPassFailure();
    SmallVector<Kernel> kernels;
    if (failed(collectKernels(module, kernels)))
      return signalPassFailure();

    std::string text = metadata.getValue().str();
    if (auto checks = module->getAttrOfType<ArrayAttr>("tessel.shape_checks")) {
      text += fmt::format("checks {}\n", checks.size());
      for (Attribute check : checks)
        text += countedString(cast<StringAttr>(check).getValue()) + "\n";
    }
    if (auto inputs = module->getAttrOfType<DenseI64ArrayAttr>("tessel.shape_inputs");
        inputs && !inputs.empty()) {
      text += fmt::format("shape_inputs {}\n", inputs.size());
      for (int64_t i : inputs.asArrayRef())
        text += fmt::format("{}\n", i);
    }
    text += fmt::format("kernels {}\n", kernels.size());
    for (Kernel &k : kernels)
      text += describeKernel(k);

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32),
         i64 = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);

    LLVM::GlobalOp::create(b, loc, i32, /*isConstant=*/true, LLVM::Linkage::External,
                           TESSEL_SYMBOL_ABI_VERSION, b.getI32IntegerAttr(TESSEL_ABI_VERSION));
    LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(i8, text.size()),
                           /*isConstant=*/true, LLVM::Linkage::External, TESSEL_SYMBOL_METADATA,
                           b.getStringAttr(text));
    LLVM::GlobalOp::create(b, loc, i64, /*isConstant=*/true, LLVM::Linkage::External,
                           TESSEL_SYMBOL_METADATA_SIZE, b.getI64IntegerAttr(text.size()));

    // main_graph gets the run context as its last argument, and every kernel
    // call is bracketed by the hook (a no-op branch when the context is NULL).
    SmallVector<Type> params(main.getFunctionType().getParams());
    params.push_back(ptrType);
    main.setFunctionType(LLVM::LLVMFunctionType::get(main.getFunctionType().getReturnType(), params));
    if (ArrayAttr argAttrs = main.getArgAttrsAttr()) {
      SmallVector<Attribute> attrs(argAttrs.getValue());
      attrs.push_back(b.getDictionaryAttr({}));
      main.setArgAttrsAttr(b.getArrayAttr(attrs));
    }
    Value runContext = main.getBody().front().addArgument(ptrType, loc);
    LLVM::LLVMFuncOp hook = buildHookHelper(b, loc);
    llvm::DenseMap<StringRef, int32_t> kernelIndex;
    for (auto [i, k] : llvm::enumerate(kernels))
      kernelIndex[k.func.getSymName()] = i;
    main.walk([&](LLVM::CallOp call) {
      auto callee = call.getCallee();
      if (!callee)
        return;
      auto it = kernelIndex.find(*callee);
      if (it == kernelIndex.end())
        return;
      OpBuilder cb(call);
      Value index = LLVM::ConstantOp::create(cb, call.getLoc(), i32, it->second);
      Value begin = LLVM::ConstantOp::create(cb, call.getLoc(), i32, 0);
      LLVM::CallOp::create(cb, call.getLoc(), hook, ValueRange{runContext, index, begin});
      cb.setInsertionPointAfter(call);
      Value end = LLVM::ConstantOp::create(cb, call.getLoc(), i32, 1);
      LLVM::CallOp::create(cb, call.getLoc(), hook, ValueRange{runContext, index, end});
    });

    // tessel_model_run_v3(void **buffers, const int64_t *dims,
    //                     const tessel_run_context *context).
    auto entry = LLVM::LLVMFuncOp::create(
        b, loc, TESSEL_SYMBOL_RUN,
        LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType, ptrType}));
    {
      OpBuilder::InsertionGuard guard(b);
      Block *body = entry.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      SmallVector<Value> args = unpack(b, loc, body->getArgument(0), ptrType, numBuffers);
      args.append(unpack(b, loc, body->getArgument(1), i64, numDims));
      args.push_back(body->getArgument(2));
      LLVM::CallOp::create(b, loc, main, args);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }

    // One `void wrapper(void **args, const int64_t *dims)` per kernel, and
    // the table of them.
    SmallVector<LLVM::LLVMFuncOp> wrappers;
    for (Kernel &k : kernels) {
      // The same machine code runs in the model and alone (tessel-bench
      // --kernels), and a profile's kernel boundaries stay where they are.
      k.func.setNoInline(true);
      k.func.setLinkage(LLVM::Linkage::Internal);
      auto wrapper = LLVM::LLVMFuncOp::create(
          b, k.func.getLoc(), (k.func.getSymName() + "_abi").str(),
          LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType}), LLVM::Linkage::Internal);
      OpBuilder::InsertionGuard guard(b);
      Block *body = wrapper.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      SmallVector<Value> args = unpack(b, loc, body->getArgument(0), ptrType,
                                       k.type.getNumInputs() + k.type.getNumResults());
      args.append(unpack(b, loc, body->getArgument(1), i64, k.numDims));
      LLVM::CallOp::create(b, loc, k.func, args);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
      wrappers.push_back(wrapper);
    }
    auto tableType = LLVM::LLVMArrayType::get(ptrType, kernels.size());
    auto table = LLVM::GlobalOp::create(b, loc, tableType, /*isConstant=*/true,
                                        LLVM::Linkage::External, TESSEL_SYMBOL_KERNELS,
                                        Attribute());
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(b.createBlock(&table.getInitializerRegion()));
      Value array = LLVM::UndefOp::create(b, loc, tableType);
      for (auto [i, wrapper] : llvm::enumerate(wrappers)) {
        Value address = LLVM::AddressOfOp::create(b, loc, wrapper);
        array = LLVM::InsertValueOp::create(b, loc, array, address, ArrayRef<int64_t>{(int64_t)i});
      }
      LLVM::ReturnOp::create(b, loc, array);
    }
  }

  /// The kernels of tessel-outline-kernels, in table order (by `index`).
  LogicalResult collectKernels(ModuleOp module, SmallVectorImpl<Kernel> &kernels) {
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      auto info = func->getAttrOfType<DictionaryAttr>("tessel.kernel");
      if (!info)
        continue;
      auto typeAttr = info.getAs<TypeAttr>("type");
      auto type = typeAttr ? dyn_cast<FunctionType>(typeAttr.getValue()) : FunctionType();
      if (!type || !info.getAs<IntegerAttr>("index") || !info.getAs<StringAttr>("op") ||
          !info.getAs<ArrayAttr>("nodes") || !info.getAs<IntegerAttr>("flops") ||
          !info.getAs<IntegerAttr>("bytes"))
        return func.emitError("malformed tessel.kernel attribute");
      // Bufferization turned the results into trailing output buffers;
      // tessel-pass-dynamic-sizes appended the dynamic sizes.
      unsigned numBuffers = 0, numDims = 0;
      if (failed(splitSignature(func, numBuffers, numDims)))
        return failure();
      int64_t expectedDims = 0;
      for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults()))
        if (auto st = dyn_cast<ShapedType>(t))
          expectedDims += st.getNumDynamicDims();
      if (numBuffers != type.getNumInputs() + type.getNumResults() ||
          (int64_t)numDims != expectedDims ||
          func.getFunctionType().getReturnType() != LLVM::LLVMVoidType::get(&getContext()))
        return func.emitError("kernel ")
               << func.getSymName() << " does not have the signature (inputs..., outputs..., "
               << "dynamic sizes...) of " << type << " as bare pointers and sizes";
      for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults())) {
        auto tt = dyn_cast<RankedTensorType>(t);
        if (!tt || !onnxDataType(tt.getElementType()))
          return func.emitError("kernel ") << func.getSymName() << " has an unsupported type " << t;
      }
      kernels.push_back({func, info, type, numDims});
    }
    llvm::stable_sort(kernels, [](const Kernel &a, const Kernel &b) {
      return a.info.getAs<IntegerAttr>("index").getInt() <
             b.info.getAs<IntegerAttr>("index").getInt();
    });
    return success();
  }

  static std::string describeKernel(Kernel &k) {
    std::string line = fmt::format(
        "kernel {} {} {} {} {} {} {}", k.info.getAs<IntegerAttr>("flops").getInt(),
        k.info.getAs<IntegerAttr>("bytes").getInt(), k.type.getNumInputs(),
        k.type.getNumResults(), countedString(k.func.getSymName()),
        countedString(k.info.getAs<StringAttr>("op").getValue()),
        k.info.getAs<ArrayAttr>("nodes").size());
    for (Attribute node : k.info.getAs<ArrayAttr>("nodes"))
      line += " " + countedString(cast<StringAttr>(node).getValue());
    line += "\n";
    for (auto [i, t] : llvm::enumerate(k.type.getInputs()))
      line += tensorRecord(cast<RankedTensorType>(t), fmt::format("in{}", i));
    for (auto [i, t] : llvm::enumerate(k.type.getResults()))
      line += tensorRecord(cast<RankedTensorType>(t), fmt::format("out{}", i));
    return line;
  }

  /// Loads elements [0, count) of type `type` from the array `base`.
  static SmallVector<Value> unpack(OpBuilder &b, Location loc, Value base, Type type,
                                   unsigned count) {
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    SmallVector<Value> values;
    for (unsigned i = 0; i < count; ++i) {
      Value slot =
          LLVM::GEPOp::create(b, loc, ptrType, type, base, ArrayRef<LLVM::GEPArg>{(int32_t)i});
      values.push_back(LLVM::LoadOp::create(b, loc, type, slot));
    }
    return values;
  }

  /// A lowered signature (bare pointers..., i64 sizes...): how many of each.
  static LogicalResult splitSignature(LLVM::LLVMFuncOp func, unsigned &numBuffers,
                                      unsigned &numDims) {
    ArrayRef<Type> params = func.getFunctionType().getParams();
    numBuffers = 0;
    while (numBuffers < params.size() && isa<LLVM::LLVMPointerType>(params[numBuffers]))
      ++numBuffers;
    numDims = params.size() - numBuffers;
    if (!llvm::all_of(params.drop_front(numBuffers),
                      [](Type t) { return t.isInteger(64); }))
      return func.emitError("@")
             << func.getSymName()
             << " must take bare buffer pointers, then i64 sizes (bare-pointer calling "
                "convention after tessel-pass-dynamic-sizes)";
    return success();
  }

  /// internal void tessel_kernel_hook(const tessel_run_context *c, i32 k, i32 end):
  ///   if (c && c->kernel_hook) c->kernel_hook(c->user_data, k, end);
  LLVM::LLVMFuncOp buildHookHelper(OpBuilder &b, Location loc) {
    MLIRContext *ctx = b.getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i32 = IntegerType::get(ctx, 32);
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    auto hookType = LLVM::LLVMFunctionType::get(voidType, {ptrType, i32, i32});
    auto helper = LLVM::LLVMFuncOp::create(b, loc, "tessel_kernel_hook", hookType,
                                           LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard guard(b);
    Block *entry = helper.addEntryBlock(b);
    Region &region = helper.getBody();
    Block *check = b.createBlock(&region), *call = b.createBlock(&region),
          *done = b.createBlock(&region);
    Value c = entry->getArgument(0);

    b.setInsertionPointToEnd(entry);
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    Value noContext = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, c, null);
    LLVM::CondBrOp::create(b, loc, noContext, done, check);

    b.setInsertionPointToEnd(check);
    Value fn = LLVM::LoadOp::create(b, loc, ptrType, c);
    Value noHook = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, fn, null);
    LLVM::CondBrOp::create(b, loc, noHook, done, call);

    b.setInsertionPointToEnd(call);
    Value userSlot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, c, ArrayRef<LLVM::GEPArg>{1});
    Value user = LLVM::LoadOp::create(b, loc, ptrType, userSlot);
    LLVM::CallOp::create(b, loc, hookType,
                         ValueRange{fn, user, entry->getArgument(1), entry->getArgument(2)});
    LLVM::BrOp::create(b, loc, done);

    b.setInsertionPointToEnd(done);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return helper;
  }
};

} // namespace
} // namespace tessel
