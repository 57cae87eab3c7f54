//===- OutlineKernels.cpp - The tessel-outline-kernels pass ---------------===//
//
// Moves every compute op of @main_graph into a private function of its own:
// one tessel op -> one kernel (so a fused op is one kernel), which main_graph
// calls. Each kernel carries `tessel.kernel`, a dictionary with
//   index      its position in the kernel table (call order in main_graph)
//   op         the tessel op it computes, e.g. "tessel.conv"
//   nodes      the ONNX node names of the op's location (NameLoc / FusedLoc)
//   flops      floating-point (or integer) operations per call, from shapes
//   bytes      bytes of its operands and results (each touched once)
//   type       the tensor signature: inputs then results
// BuildABIEntry turns these into the kernel table of the compiled model.
//
// Outlining happens on tensors, before lowering and bufferization: one-shot
// bufferization with function boundaries then gives each kernel identity-
// layout memref arguments, and buffer-results-to-out-params turns its results
// into trailing output arguments allocated by main_graph. A kernel's machine
// signature is therefore always (inputs..., outputs...) as bare pointers, and
// kernels never allocate or keep their results (no global state).
//
//===----------------------------------------------------------------------===//
#include "dialects/Tessel/ShapeArithmetic.h"
#include "codegen/Passes.h"

#include "dialects/Tessel/ConstantFolding.h"
#include "dialects/Tessel/NodeNames.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_OUTLINEKERNELS
#include "codegen/Passes.h.inc"

namespace {

int64_t numElements(Type t) {
  auto st = dyn_cast<ShapedType>(t);
  return st && st.hasStaticShape() ? st.getNumElements() : 0;
}

int64_t byteSize(Type t) {
  auto st = dyn_cast<ShapedType>(t);
  if (!st || !st.hasStaticShape())
    return 0;
  int64_t bits = st.getElementType().getIntOrFloatBitWidth();
  return st.getNumElements() * std::max<int64_t>(1, (bits + 7) / 8);
}

int64_t product(ArrayRef<int64_t> values) {
  int64_t p = 1;
  for (int64_t v : values)
    p *= v;
  return p;
}

/// Arithmetic operations of one call, from the static shapes. Conventions
/// (docs/pipeline.md, "Kernels"): a multiply-add is 2; an elementwise op is 1 per result
/// element whatever its cost in instructions (exp, erf, ... count 1); data
/// movement (transpose, concat) is 0.
int64_t countFlops(Operation *op) {
  int64_t out = op->getNumResults() ? numElements(op->getResult(0).getType()) : 0;
  return llvm::TypeSwitch<Operation *, int64_t>(op)
      .Case([&](ConvOp conv) {
        auto w = cast<ShapedType>(conv.getWeight().getType());
        // Every output element is a dot product over C/group * kernel taps.
        int64_t macs = out * product(w.getShape().drop_front(1));
        // Plus the bias (and residual) the accumulator starts from.
        return 2 * macs + out * (conv.getResidual() ? 2 : 1);
      })
      .Case([&](ConvTransposeOp conv) {
        // Every input element is scattered into C_out/group * kernel taps
        // outputs (weight [C_in, C_out/group, k...]), whatever the lowering.
        auto w = cast<ShapedType>(conv.getWeight().getType());
        int64_t macs = numElements(conv.getInput().getType()) * product(w.getShape().drop_front(1));
        return 2 * macs + (conv.getBias() ? out : 0);
      })
      .Case([&](LinearOp linear) {
        auto in = cast<ShapedType>(linear.getInput().getType());
        return 2 * out * in.getShape().back() + out * (linear.getResidual() ? 2 : 1);
      })
      .Case([&](AttentionOp attention) {
        // Two products (q kᵀ and p v) plus ~5 operations per score (scale,
        // max, exp, sum, rescale).
        auto q = cast<ShapedType>(attention.getQ().getType());
        auto k = cast<ShapedType>(attention.getK().getType());
        int64_t lk = k.getShape()[k.getRank() - 2], d = q.getShape().back();
        int64_t dv = cast<ShapedType>(attention.getType()).getShape().back();
        int64_t scores = dv ? out / dv * lk : 0;
        return 2 * scores * (d + dv) + 5 * scores;
      })
      .Case([&](MatMulOp mm) {
        auto lhs = cast<ShapedType>(mm.getLhs().getType());
        return 2 * out * lhs.getShape().back();
      })
      .Case([&](GemmOp gemm) {
        auto a = cast<ShapedType>(gemm.getA().getType());
        int64_t k = gemm.getTransA() ? a.getDimSize(0) : a.getDimSize(1);
        return 2 * out * k + (gemm.getC() ? out : 0);
      })
      .Case<MaxPoolOp, AvgPoolOp>(
          [&](auto pool) { return out * product(pool.getKernelShape()); })
      .Case([&](BatchNormOp) { return 2 * out; })
      // Two reductions and the normalization: ~8 operations per element.
      .Case<LayerNormOp, RMSNormOp, GroupNormOp>([&](Operation *) { return 8 * out; })
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp>(
          [&](Operation *r) { return numElements(r->getOperand(0).getType()); })
      // max, subtract, exp, sum, divide (log for log_softmax) per element.
      .Case<SoftmaxOp, LogSoftmaxOp>([&](Operation *) { return 5 * out; })
      .Case([&](ElementwiseChainOp chain) {
        int64_t sum = 0;
        for (Operation &inner : chain.getBody().front().without_terminator())
          if (!isa<ConstantOp>(inner))
            sum += countFlops(&inner);
        return sum;
      })
      .Case<TransposeOp, ConcatOp>([](Operation *) { return int64_t(0); })
      .Default([&](Operation *) { return out; });
}

/// A C-identifier-like piece of a symbol name: [A-Za-z0-9_], no repeats of
/// '_', at most `limit` characters.
std::string sanitize(StringRef text, size_t limit) {
  std::string out;
  for (char c : text) {
    if (out.size() >= limit)
      break;
    bool ok = llvm::isAlnum(c);
    if (ok)
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  return out;
}

/// Ops that compute: every tessel op except constants, reshapes (a reshape
/// is a view of its input once bufferized; outlining it would force a copy)
/// and shape arithmetic (scalar size computations that the model's shape
/// function and the callers of kernels with dynamic results rebuild: see
/// ShapeArithmetic.h).
bool isKernelOp(Operation *op) {
  if (!isa<TesselDialect>(op->getDialect()) || op->hasTrait<OpTrait::ConstantLike>() ||
      isa<ReshapeOp, ComputedReshapeOp, ComputedSqueezeOp, ComputedUnsqueezeOp>(op) ||
      op->getNumResults() == 0 ||
      isShapeArithmetic(op))
    return false;
  // An op on a zero-element tensor computes nothing: canonicalization empties
  // such a kernel and it would vanish under its call, so it stays inline.
  auto empty = [](Type t) {
    auto s = dyn_cast<ShapedType>(t);
    return s && s.hasStaticShape() && s.getNumElements() == 0;
  };
  if (llvm::any_of(op->getResultTypes(), empty) || llvm::any_of(op->getOperandTypes(), empty))
    return false;
  return llvm::all_of(op->getResultTypes(), [](Type t) { return isa<RankedTensorType>(t); });
}

/// Constants small enough to live inside the kernel, where lowering may fold
/// them (a scalar exponent, clip bounds, a broadcast 1-element bias). Larger
/// ones (weights) are kernel arguments, so the kernel can run on scratch data.
bool cloneIntoKernel(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !def->hasTrait<OpTrait::ConstantLike>() || def->getNumOperands() != 0)
    return false;
  auto type = dyn_cast<ShapedType>(v.getType());
  return type && type.hasStaticShape() && type.getNumElements() <= kInlineConstantElements;
}

struct OutlineKernelsPass : impl::OutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main_graph");
    if (!main || main.isExternal())
      return; // Nothing to outline (a module of kernels only, say in a lit test).
    MLIRContext *ctx = &getContext();
    SymbolTable symbols(module);
    OpBuilder moduleBuilder(ctx);
    moduleBuilder.setInsertionPointToEnd(module.getBody());

    SmallVector<Operation *> ops;
    for (Operation &op : main.getBody().getOps())
      if (isKernelOp(&op))
        ops.push_back(&op);

    for (auto [index, op] : llvm::enumerate(ops)) {
      // Arguments: each distinct non-small operand once.
      llvm::SetVector<Value> args;
      for (Value operand : op->getOperands())
        if (!cloneIntoKernel(operand))
          args.insert(operand);

      llvm::SetVector<StringRef> nodes;
      collectNodeNames(op->getLoc(), nodes);
      StringRef mnemonic = op->getName().stripDialect();
      std::string name = "k" + std::to_string(index) + "_" + sanitize(mnemonic, 24);
      if (!nodes.empty())
        if (std::string node = sanitize(nodes.front(), 48); !node.empty())
          name += "_" + node;

      SmallVector<Type> argTypes;
      for (Value v : args)
        argTypes.push_back(v.getType());
      auto type = FunctionType::get(ctx, argTypes, op->getResultTypes());
      auto kernel = func::FuncOp::create(moduleBuilder, op->getLoc(), name, type);
      kernel.setPrivate();
      symbols.insert(kernel); // Renames on a clash.

      int64_t bytes = 0; // Each distinct operand is read once.
      for (Value v : llvm::SetVector<Value>(op->getOperands().begin(), op->getOperands().end()))
        bytes += byteSize(v.getType());
      for (Type t : op->getResultTypes())
        bytes += byteSize(t);
      SmallVector<Attribute> nodeAttrs;
      for (StringRef node : nodes)
        nodeAttrs.push_back(StringAttr::get(ctx, node));
      Builder b(ctx);
      kernel->setAttr("tessel.kernel",
                      b.getDictionaryAttr({
                          b.getNamedAttr("index", b.getI64IntegerAttr(index)),
                          b.getNamedAttr("op", b.getStringAttr(op->getName().getStringRef())),
                          b.getNamedAttr("nodes", b.getArrayAttr(nodeAttrs)),
                          b.getNamedAttr("flops", b.getI64IntegerAttr(countFlops(op))),
                          b.getNamedAttr("bytes", b.getI64IntegerAttr(bytes)),
                          b.getNamedAttr("type", TypeAttr::get(type)),
                      }));

      Block *body = kernel.addEntryBlock();
      OpBuilder kb = OpBuilder::atBlockBegin(body);
      IRMapping mapping;
      for (auto [v, arg] : llvm::zip(args, body->getArguments()))
        mapping.map(v, arg);
      for (Value operand : op->getOperands())
        if (!mapping.contains(operand))
          kb.clone(*operand.getDefiningOp(), mapping);
      Operation *clone = kb.clone(*op, mapping);
      func::ReturnOp::create(kb, op->getLoc(), clone->getResults());

      OpBuilder callBuilder(op);
      auto call = func::CallOp::create(callBuilder, op->getLoc(), kernel, args.getArrayRef());
      op->replaceAllUsesWith(call.getResults());
      op->erase();
    }
  }
};

} // namespace
} // namespace tessel
