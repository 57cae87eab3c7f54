//===- BuildABIEntry.cpp - The tessel-build-abi-entry pass ----------------===//
#include "codegen/Passes.h"

#include "tessel/abi.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_BUILDABIENTRY
#include "codegen/Passes.h.inc"

namespace {

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
    // Only the ABI entry point is exported.
    main.setLinkage(LLVM::Linkage::Internal);

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32),
         i64 = IntegerType::get(ctx, 64);

    LLVM::GlobalOp::create(b, loc, i32, /*isConstant=*/true, LLVM::Linkage::External,
                           TESSEL_SYMBOL_ABI_VERSION, b.getI32IntegerAttr(TESSEL_ABI_VERSION));
    StringRef text = metadata.getValue();
    LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(i8, text.size()),
                           /*isConstant=*/true, LLVM::Linkage::External, TESSEL_SYMBOL_METADATA,
                           b.getStringAttr(text));
    LLVM::GlobalOp::create(b, loc, i64, /*isConstant=*/true, LLVM::Linkage::External,
                           TESSEL_SYMBOL_METADATA_SIZE, b.getI64IntegerAttr(text.size()));

    auto entryType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrType});
    auto entry = LLVM::LLVMFuncOp::create(b, loc, TESSEL_SYMBOL_RUN, entryType);
    Block *body = entry.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    SmallVector<Value> args;
    for (auto [i, argType] : llvm::enumerate(main.getFunctionType().getParams())) {
      if (!isa<LLVM::LLVMPointerType>(argType)) {
        main.emitError("@main_graph must take bare buffer pointers (bare-pointer calling "
                       "convention)");
        return signalPassFailure();
      }
      Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, body->getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{(int32_t)i});
      args.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
    }
    LLVM::CallOp::create(b, loc, main, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
};

} // namespace
} // namespace tessel
