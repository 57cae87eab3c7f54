//===- KernelDestinations.cpp - The tessel-kernel-destinations pass -------===//
//
// A kernel must not allocate its results (codegen/OutlineKernels.cpp): for
// static shapes buffer-results-to-out-params hoists each result's
// allocation into the caller. A result with a dynamic dimension cannot be
// hoisted that way (its size is computed inside the kernel), so this pass
// does it on tensors, where sizes are still plain SSA expressions:
//
//   func @k(%x: tensor<?x8xf32>) -> tensor<?x16xf32>         (before)
//   func @k(%x: tensor<?x8xf32>, %out: tensor<?x16xf32>) -> tensor<?x16xf32>
//     ... %v computed into %out (computeInto: its tensor.empty becomes %out)
//     return %v
//
// and every call computes the result's sizes from its own operands
// (RunTimeSizes: tensor.dim of what it passes, through earlier calls'
// destinations) and passes a tensor.empty of them. After one-shot
// bufferization the result is equivalent to %out and
// tessel-drop-destination-results removes it.
//
// The kernel's run-time shape checks (cf.assert over its arguments' sizes,
// see ConvertToLinalg/LoweringUtils.h) are also stated at each call, over
// the caller's values: tessel-build-shape-function gathers them from
// @main_graph into the model's shape function, which runs them all before
// any kernel does.
//
//===----------------------------------------------------------------------===//
#include "codegen/DynamicShapes/Destinations.h"
#include "codegen/DynamicShapes/RunTimeSizes.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <functional>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_KERNELDESTINATIONS
#include "codegen/Passes.h.inc"

namespace {

bool hasDynamicResult(func::FuncOp func) {
  return llvm::any_of(func.getResultTypes(), [](Type t) {
    auto st = dyn_cast<ShapedType>(t);
    return st && !st.hasStaticShape();
  });
}

/// The caller's side: a main_graph argument is a leaf, its size read with
/// tensor.dim.
FailureOr<Value> callerArgumentDim(OpBuilder &b, Location loc, Value tensor, int64_t dim) {
  if (!isa<BlockArgument>(tensor))
    return failure();
  return Value(tensor::DimOp::create(b, loc, tensor, dim));
}

/// An element of a main_graph argument is read where the call is (a size
/// that depends on input data; the shape function refuses it).
FailureOr<Value> callerArgumentElement(OpBuilder &b, Location loc, Value tensor,
                                       ValueRange indices) {
  if (!isa<BlockArgument>(tensor))
    return failure();
  return Value(tensor::ExtractOp::create(b, loc, tensor, indices));
}

struct KernelDestinationsPass : impl::KernelDestinationsBase<KernelDestinationsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(addDestinations(module)))
      return signalPassFailure();
    // A kernel of static results with shape checks (of dynamic operands, or
    // over data its caller passes: a CumSum's axis read at run time) states
    // them at each call, once every call has its destinations (the sizes of
    // what it passes are known then).
    SmallVector<std::pair<func::CallOp, func::FuncOp>> checkedCalls;
    module.walk([&](func::CallOp call) {
      auto kernel = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (kernel && !kernel.isExternal() && kernel->hasAttr("tessel.kernel") &&
          !kernel->hasAttr(kDestinationsAttr) && !kernel.getOps<cf::AssertOp>().empty())
        checkedCalls.push_back({call, kernel});
    });
    for (auto [call, kernel] : checkedCalls) {
      OpBuilder b(call);
      RunTimeSizes callerSizes(callerArgumentDim, callerArgumentElement);
      if (failed(restateChecks(b, call, kernel, callerSizes)))
        return signalPassFailure();
    }
  }

  /// Kernels of dynamic results take destinations.
  LogicalResult addDestinations(ModuleOp module) {
    // Kernel -> the values it returns (the sources of its destinations).
    llvm::DenseMap<Operation *, SmallVector<Value>> returned;
    SmallVector<func::FuncOp> kernels;
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (kernel.isExternal() || !kernel->hasAttr("tessel.kernel") || !hasDynamicResult(kernel))
        continue;
      if (!kernel.getBody().hasOneBlock())
        return kernel.emitError("a kernel with dynamic results must have one block");
      auto ret = cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
      returned[kernel] = SmallVector<Value>(ret.getOperands());
      kernels.push_back(kernel);
    }
    if (kernels.empty())
      return success();

    // The calls first, while each kernel still computes its results from
    // its own inputs (its sizes are then expressions of those alone).
    SmallVector<std::pair<func::CallOp, func::FuncOp>> calls;
    module.walk([&](func::CallOp call) {
      if (auto kernel = module.lookupSymbol<func::FuncOp>(call.getCallee()))
        if (returned.count(kernel))
          calls.push_back({call, kernel});
    });
    for (auto [call, kernel] : calls)
      if (failed(addDestinations(call, kernel, returned[kernel])))
        return failure();

    for (func::FuncOp kernel : kernels) {
      auto ret = cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
      OpBuilder b(ret);
      for (auto [i, value] : llvm::enumerate(returned[kernel])) {
        unsigned index = kernel.getNumArguments();
        if (failed(kernel.insertArgument(index, value.getType(), {}, ret.getLoc())))
          return failure();
        ret.setOperand(i, computeInto(b, ret.getLoc(), value, kernel.getArgument(index)));
      }
      kernel->setAttr(kDestinationsAttr, UnitAttr::get(&getContext()));
    }
    return success();
  }

  /// Sizes and elements inside `kernel`, as computations at the call
  /// (b's insertion point) over what the call passes.
  struct KernelSizes {
    KernelSizes(func::CallOp call, func::FuncOp kernel, RunTimeSizes &callerSizes)
        : call(call), kernel(kernel), callerSizes(callerSizes),
          dimLeaf([this](OpBuilder &b, Location loc, Value t, int64_t d) {
            return dim(b, loc, t, d);
          }),
          elementLeaf([this](OpBuilder &b, Location loc, Value t, ValueRange i) {
            return element(b, loc, t, i);
          }),
          sizes(dimLeaf, elementLeaf) {}
    KernelSizes(const KernelSizes &) = delete; // sizes refers to the leaves
    /// The call's operand for a kernel argument, or null.
    Value operandFor(Value tensor) {
      auto arg = dyn_cast<BlockArgument>(tensor);
      if (!arg || arg.getOwner() != &kernel.getBody().front() ||
          arg.getArgNumber() >= call.getNumOperands())
        return {};
      return call.getOperand(arg.getArgNumber());
    }
    FailureOr<Value> dim(OpBuilder &b, Location loc, Value tensor, int64_t d) {
      Value operand = operandFor(tensor);
      return operand ? callerSizes.sizeOfDim(b, loc, operand, d) : FailureOr<Value>(failure());
    }
    FailureOr<Value> element(OpBuilder &b, Location loc, Value tensor, ValueRange indices) {
      Value operand = operandFor(tensor);
      return operand ? callerSizes.element(b, loc, operand, indices)
                     : FailureOr<Value>(failure());
    }
    func::CallOp call;
    func::FuncOp kernel;
    RunTimeSizes &callerSizes;
    // (Declared before `sizes`, which keeps references to them.)
    std::function<FailureOr<Value>(OpBuilder &, Location, Value, int64_t)> dimLeaf;
    std::function<FailureOr<Value>(OpBuilder &, Location, Value, ValueRange)> elementLeaf;
    RunTimeSizes sizes;
  };

  /// The kernel's shape checks, restated at the call over the caller's values.
  LogicalResult restateChecks(OpBuilder &b, func::CallOp call, func::FuncOp kernel,
                              RunTimeSizes &callerSizes) {
    KernelSizes inside(call, kernel, callerSizes);
    WalkResult checks = kernel.walk([&](cf::AssertOp check) {
      FailureOr<Value> holds = inside.sizes.rebuild(b, check.getArg());
      if (failed(holds)) {
        check.emitError("internal error: a run-time shape check of kernel @")
            << kernel.getSymName() << " does not depend on its arguments' sizes only";
        return WalkResult::interrupt();
      }
      cf::AssertOp::create(b, check.getLoc(), *holds, check.getMsg());
      return WalkResult::advance();
    });
    return failure(checks.wasInterrupted());
  }

  LogicalResult addDestinations(func::CallOp call, func::FuncOp kernel,
                                ArrayRef<Value> values) {
    OpBuilder b(call);
    Location loc = call.getLoc();
    RunTimeSizes callerSizes(callerArgumentDim, callerArgumentElement);
    // Inside the kernel, an argument's size is that of what the call passes.
    KernelSizes inside(call, kernel, callerSizes);
    RunTimeSizes &kernelSizes = inside.sizes;

    SmallVector<Value> operands(call.getOperands());
    for (Value value : values) {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<Value> dynamicSizes;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        FailureOr<Value> size = kernelSizes.sizeOfDim(b, loc, value, d);
        if (failed(size))
          return emitError(loc) << "the size of dimension " << d << " of " << type
                                << " computed by kernel @" << kernel.getSymName()
                                << " is not known before the kernel runs (it depends on "
                                   "tensor data); data-dependent sizes are not supported yet";
        dynamicSizes.push_back(*size);
      }
      operands.push_back(tensor::EmptyOp::create(b, loc, type, dynamicSizes));
    }
    // The kernel's shape checks, over the caller's values.
    if (failed(restateChecks(b, call, kernel, callerSizes)))
      return failure();

    // (The kernel takes the destinations once runOnOperation adds them.)
    auto replacement =
        func::CallOp::create(b, loc, kernel.getSymName(), kernel.getResultTypes(), operands);
    replacement->setAttr(kDestinationResultsAttr, b.getUnitAttr());
    call.replaceAllUsesWith(replacement.getResults());
    call.erase();
    return success();
  }
};

} // namespace
} // namespace tessel
