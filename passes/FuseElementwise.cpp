//===- FuseElementwise.cpp - The tessel-fuse-elementwise pass -------------===//
//
// Groups chains of elementwise ops into one tessel.elementwise_chain, so that
// codegen emits one loop nest (one kernel) per chain rather than one per op.
// Walking from the last op of the block up, each elementwise op that is not in
// a group yet roots one and pulls in the elementwise producers of its operands
// (transitively) whose only user is in the group and whose result has the
// root's type: a producer that the chain would read broadcast would be
// recomputed for every element it is stretched over, so it stays outside.
//
//===----------------------------------------------------------------------===//
#include "passes/FusionUtils.h"
#include "passes/Passes.h"

#include "dialects/Tessel/ShapeArithmetic.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Passes.h.inc"

namespace {

/// Shape arithmetic (integer ops on run-time sizes) is not a kernel: it stays
/// unfused, for codegen to turn into index arithmetic.
bool isElementwise(Operation *op) {
  return op && op->hasTrait<traits::Elementwise>() && !isShapeArithmetic(op);
}

bool isSmallConstant(Value v) {
  auto cst = v.getDefiningOp<ConstantOp>();
  return cst && cast<RankedTensorType>(cst.getType()).getNumElements() <= kInlineConstantElements;
}

/// The ops of the chain rooted at `root`, in no particular order.
llvm::SetVector<Operation *> collectChain(Operation *root,
                                          const llvm::DenseSet<Operation *> &taken) {
  llvm::SetVector<Operation *> chain;
  SmallVector<Operation *> worklist{root};
  chain.insert(root);
  Type rootType = root->getResult(0).getType();
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    for (Value operand : op->getOperands()) {
      Operation *producer = operand.getDefiningOp();
      if (!isElementwise(producer) || taken.contains(producer) || chain.contains(producer) ||
          producer->getNumResults() != 1 || operand.getType() != rootType ||
          producer->getBlock() != root->getBlock())
        continue;
      // Every use must be inside the chain (an op may use it twice).
      if (!llvm::all_of(operand.getUsers(), [&](Operation *u) { return chain.contains(u); }))
        continue;
      chain.insert(producer);
      worklist.push_back(producer);
    }
  }
  return chain;
}

/// Replaces the ops of `chain` (rooted at `root`) by one elementwise_chain.
void buildChain(OpBuilder &b, Operation *root, ArrayRef<Operation *> chain,
                FusionReporter &report) {
  SmallVector<Operation *> ordered(chain.begin(), chain.end());
  llvm::sort(ordered, [](Operation *a, Operation *c) { return a->isBeforeInBlock(c); });
  // Inputs: operands from outside the chain, except small constants.
  llvm::SetVector<Value> inputs;
  llvm::SetVector<Operation *> constants;
  llvm::DenseSet<Operation *> inChain(chain.begin(), chain.end());
  for (Operation *op : ordered)
    for (Value operand : op->getOperands()) {
      if (inChain.contains(operand.getDefiningOp()))
        continue;
      if (isSmallConstant(operand))
        constants.insert(operand.getDefiningOp());
      else
        inputs.insert(operand);
    }
  b.setInsertionPoint(root);
  // The root's node first: the chain (and its kernel) is named after it.
  SmallVector<Operation *> locOrder{root};
  llvm::append_range(locOrder, llvm::make_filter_range(ordered, [&](Operation *op) {
    return op != root;
  }));
  Location loc = fusedLocation(b.getContext(), locOrder);
  auto fused = ElementwiseChainOp::create(b, loc, root->getResult(0).getType(),
                                          inputs.getArrayRef());
  Block *body = b.createBlock(&fused.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  b.setInsertionPointToStart(body);
  for (Operation *cst : constants)
    b.clone(*cst, mapping);
  for (Operation *op : ordered)
    b.clone(*op, mapping);
  YieldOp::create(b, root->getLoc(), mapping.lookup(root->getResult(0)));
  report.fused(fused, "elementwise", Twine(ordered.size()) + " ops");
  root->getResult(0).replaceAllUsesWith(fused.getResult());
  for (Operation *op : llvm::reverse(ordered))
    op->erase();
  for (Operation *cst : constants)
    if (cst->use_empty())
      cst->erase();
}

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  using FuseElementwiseBase::FuseElementwiseBase;
  void runOnOperation() override {
    FusionReporter reporter(report);
    OpBuilder b(&getContext());
    for (Block &block : getOperation().getBody()) {
      llvm::DenseSet<Operation *> taken;
      SmallVector<SmallVector<Operation *>> chains;
      SmallVector<Operation *> roots;
      for (Operation &op : llvm::reverse(block)) {
        if (!isElementwise(&op) || taken.contains(&op) || op.getNumResults() != 1)
          continue;
        llvm::SetVector<Operation *> chain = collectChain(&op, taken);
        if (chain.size() < 2)
          continue;
        taken.insert(chain.begin(), chain.end());
        chains.emplace_back(chain.begin(), chain.end());
        roots.push_back(&op);
      }
      for (auto [root, chain] : llvm::zip(roots, chains))
        buildChain(b, root, chain, reporter);
    }
  }
};

} // namespace
} // namespace tessel
