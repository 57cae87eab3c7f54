//===- DropDestinationResults.cpp - tessel-drop-destination-results -------===//
//
// A function with destinations (tessel.destinations: kernels with dynamic
// results, a main_graph with dynamic outputs) returns, after one-shot
// bufferization, the very buffers its callers passed as its trailing
// arguments. This pass removes those results and makes callers use the
// buffers they passed. Unlike upstream drop-equivalent-buffer-results it
// touches only such functions and only results equivalent to their own
// destination (a kernel that returns one of its inputs unchanged, a Clip
// without bounds, keeps that result for buffer-results-to-out-params to copy
// into an output), and it applies to the public main_graph too.
//
//===----------------------------------------------------------------------===//
#include "codegen/DynamicShapes/RunTimeSizes.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <algorithm>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_DROPDESTINATIONRESULTS
#include "codegen/Passes.h.inc"

namespace {

/// `v` through casts, and through a reshape that undoes another (a kernel
/// that computed its [B, S, N] destination as [B*S, N] rows returns it
/// expanded back: the same buffer).
Value stripCasts(Value v) {
  while (true) {
    if (auto cast = v.getDefiningOp<memref::CastOp>()) {
      v = cast.getSource();
      continue;
    }
    auto expand = v.getDefiningOp<memref::ExpandShapeOp>();
    auto collapse = expand ? expand.getSrc().getDefiningOp<memref::CollapseShapeOp>() : nullptr;
    if (collapse && collapse.getSrcType() == expand.getResultType() &&
        collapse.getReassociationIndices() == expand.getReassociationIndices()) {
      v = collapse.getSrc();
      continue;
    }
    return v;
  }
}

struct DropDestinationResultsPass
    : impl::DropDestinationResultsBase<DropDestinationResultsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Callees first (kernels), so that a caller returning a call's result
    // sees the buffer that call was passed.
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func->hasAttr(kDestinationsAttr))
        funcs.push_back(func);
    std::stable_partition(funcs.begin(), funcs.end(),
                          [](func::FuncOp f) { return f->hasAttr("tessel.kernel"); });
    for (func::FuncOp func : funcs) {
      unsigned numResults = func.getNumResults();
      if (numResults == 0)
        continue;
      unsigned firstDest = func.getNumArguments() - numResults;
      auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
      for (unsigned i = 0; i < numResults; ++i)
        if (stripCasts(ret.getOperand(i)) != func.getArgument(firstDest + i)) {
          ret.emitError("internal error: result ")
              << i << " of @" << func.getSymName()
              << " is not written into its destination argument";
          return signalPassFailure();
        }
      // Callers: each result is the buffer passed as its destination.
      auto uses = SymbolTable::getSymbolUses(func, module);
      for (const SymbolTable::SymbolUse &use : uses ? *uses : SymbolTable::UseRange({})) {
        auto call = dyn_cast<func::CallOp>(use.getUser());
        if (!call)
          continue;
        OpBuilder b(call);
        for (unsigned i = 0; i < numResults; ++i) {
          Value dest = call.getOperand(firstDest + i);
          Value result = call.getResult(i);
          if (dest.getType() != result.getType())
            dest = memref::CastOp::create(b, call.getLoc(), result.getType(), dest);
          result.replaceAllUsesWith(dest);
        }
        auto replacement = func::CallOp::create(b, call.getLoc(), func.getSymName(),
                                                TypeRange{}, call.getOperands());
        replacement->setDiscardableAttrs(call->getDiscardableAttrDictionary());
        call.erase();
      }
      OpBuilder b(ret);
      func::ReturnOp::create(b, ret.getLoc(), ValueRange{});
      ret.erase();
      func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(), {}));
      func.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
      func->removeAttr(kDestinationsAttr);
    }
  }
};

} // namespace
} // namespace tessel
