//===- PassDynamicSizes.cpp - The tessel-pass-dynamic-sizes pass ----------===//
//
// Kernels and the entry function are called with bare pointers
// (convert-func-to-llvm{use-bare-ptr-memref-call-conv}): one pointer per
// buffer, which is all a static shape needs, and the ABI the runtime and
// tessel-bench call. A buffer with dynamic dimensions also needs its sizes,
// which that convention cannot express, so this pass makes them explicit on
// buffers, before lowering to LLVM:
//
//   func @k(%a: memref<?x8xf32>, %out: memref<?x16xf32>)          (before)
//   func @k(%a: memref<f32>, %out: memref<f32>, %a0: index, %out0: index)
//     %a' = memref.reinterpret_cast %a to sizes: [%a0, 8], strides: [8, 1]
//
// (a 0-d memref is a bare pointer to the first element; the sizes follow all
// the pointers, in argument then dimension order) and every call passes the
// pointer of each such buffer and its memref.dim sizes. Buffers at a call
// boundary have the identity layout (bufferization's function boundary
// type), so offset 0 and row-major strides are exact.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_PASSDYNAMICSIZES
#include "codegen/Passes.h.inc"

namespace {

bool isDynamicBuffer(Type t) {
  auto mt = dyn_cast<MemRefType>(t);
  return mt && !mt.hasStaticShape();
}

struct PassDynamicSizesPass : impl::PassDynamicSizesBase<PassDynamicSizesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<memref::ExpandShapeOp> expands;
    module.walk([&](memref::ExpandShapeOp op) {
      if (splitsDynamicDimension(op))
        expands.push_back(op);
    });
    for (memref::ExpandShapeOp op : expands)
      expandAsView(op);
    // Function -> its argument types before the rewrite.
    llvm::DenseMap<Operation *, SmallVector<Type>> rewritten;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || !llvm::any_of(func.getArgumentTypes(), isDynamicBuffer))
        continue;
      if (llvm::any_of(func.getResultTypes(), isDynamicBuffer)) {
        func.emitError("internal error: a function returns a buffer of dynamic shape (its "
                       "result should have become a destination argument)");
        return signalPassFailure();
      }
      SmallVector<Type> original(func.getArgumentTypes());
      if (failed(rewriteSignature(func, original)))
        return signalPassFailure();
      rewritten[func] = original;
    }

    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      if (auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee()))
        if (rewritten.count(callee))
          calls.push_back(call);
    });
    for (func::CallOp call : calls) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      rewriteCall(call, callee);
    }
  }

  /// Whether `op` has a reassociation group with two dynamic result sizes
  /// and a contiguous (identity-layout) source and result.
  static bool splitsDynamicDimension(memref::ExpandShapeOp op) {
    MemRefType result = op.getResultType();
    if (!op.getSrcType().getLayout().isIdentity() || !result.getLayout().isIdentity())
      return false;
    return llvm::any_of(op.getReassociationIndices(), [&](ReassociationIndices group) {
      return llvm::count_if(group, [&](int64_t d) { return result.isDynamicDim(d); }) > 1;
    });
  }

  /// The expansion as a row-major view of the source's data.
  static void expandAsView(memref::ExpandShapeOp op) {
    OpBuilder b(op);
    Value view = rowMajorView(b, op.getLoc(), op.getResultType(), op.getSrc(),
                              op.getMixedOutputShape());
    op.getResult().replaceAllUsesWith(view);
    op.erase();
  }

  /// `source`'s data viewed as `type` at `sizes`, row-major from offset 0.
  static Value rowMajorView(OpBuilder &b, Location loc, MemRefType type, Value source,
                            ArrayRef<OpFoldResult> sizes) {
    SmallVector<OpFoldResult> strides(sizes.size());
    OpFoldResult stride = b.getIndexAttr(1);
    for (int64_t d = sizes.size() - 1; d >= 0; --d) {
      strides[d] = stride;
      if (d > 0)
        stride = mulSizes(b, loc, stride, sizes[d]);
    }
    return memref::ReinterpretCastOp::create(b, loc, type, source, b.getIndexAttr(0), sizes,
                                             strides);
  }

  LogicalResult rewriteSignature(func::FuncOp func, ArrayRef<Type> original) {
    Block &entry = func.getBody().front();
    Location loc = func.getLoc();
    unsigned numArgs = original.size();
    IndexType index = IndexType::get(&getContext());
    // The sizes, after every pointer.
    SmallVector<SmallVector<Value>> sizeArgs(numArgs);
    for (unsigned i = 0; i < numArgs; ++i)
      if (isDynamicBuffer(original[i]))
        for (int64_t d = 0, e = cast<MemRefType>(original[i]).getNumDynamicDims(); d < e; ++d) {
          if (failed(func.insertArgument(func.getNumArguments(), index, {}, loc)))
            return failure();
          sizeArgs[i].push_back(func.getArgument(func.getNumArguments() - 1));
        }

    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    for (unsigned i = 0; i < numArgs; ++i) {
      if (!isDynamicBuffer(original[i]))
        continue;
      auto type = cast<MemRefType>(original[i]);
      if (!type.getLayout().isIdentity())
        return func.emitError() << "argument " << i << " of dynamic shape has a layout ("
                                << type << "); the entry convention needs identity layouts";
      BlockArgument arg = func.getArgument(i);
      arg.setType(MemRefType::get({}, type.getElementType(), MemRefLayoutAttrInterface(),
                                  type.getMemorySpace()));
      // Viewed row-major at the passed sizes.
      SmallVector<OpFoldResult> sizes;
      unsigned next = 0;
      for (int64_t d = 0; d < type.getRank(); ++d)
        sizes.push_back(type.isDynamicDim(d) ? OpFoldResult(sizeArgs[i][next++])
                                             : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
      Value view = rowMajorView(b, loc, type, arg, sizes);
      arg.replaceAllUsesExcept(view, view.getDefiningOp());
    }
    func.setType(FunctionType::get(&getContext(), entry.getArgumentTypes(),
                                   func.getResultTypes()));
    return success();
  }

  static OpFoldResult mulSizes(OpBuilder &b, Location loc, OpFoldResult a, OpFoldResult c) {
    auto ca = getConstantIntValue(a), cc = getConstantIntValue(c);
    if (ca && cc)
      return b.getIndexAttr(*ca * *cc);
    auto value = [&](OpFoldResult v) -> Value {
      if (auto attr = dyn_cast<Attribute>(v))
        return arith::ConstantIndexOp::create(b, loc, cast<IntegerAttr>(attr).getInt());
      return cast<Value>(v);
    };
    return arith::MulIOp::create(b, loc, value(a), value(c)).getResult();
  }

  static void rewriteCall(func::CallOp call, func::FuncOp callee) {
    OpBuilder b(call);
    Location loc = call.getLoc();
    SmallVector<Value> operands, sizes;
    for (Value operand : call.getOperands()) {
      if (!isDynamicBuffer(operand.getType())) {
        operands.push_back(operand);
        continue;
      }
      auto type = cast<MemRefType>(operand.getType());
      auto pointer = MemRefType::get({}, type.getElementType(), MemRefLayoutAttrInterface(),
                                     type.getMemorySpace());
      operands.push_back(memref::ReinterpretCastOp::create(b, loc, pointer, operand,
                                                           b.getIndexAttr(0), {}, {}));
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          sizes.push_back(memref::DimOp::create(b, loc, operand, d));
    }
    operands.append(sizes);
    auto replacement = func::CallOp::create(b, loc, callee, operands);
    replacement->setDiscardableAttrs(call->getDiscardableAttrDictionary());
    call.replaceAllUsesWith(replacement.getResults());
    call.erase();
  }
};

} // namespace
} // namespace tessel
