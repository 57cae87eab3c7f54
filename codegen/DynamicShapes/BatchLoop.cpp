//===- BatchLoop.cpp - The tessel-batch-loop pass -------------------------===//
//
// A per-sample op (Tessel_DynamicBatch: convolutions, pooling, batch and
// group norms) with a dynamic batch becomes a loop over the samples of the
// same op on static one-sample slices:
//
//   %y = tessel.conv %x, %w, %b : (tensor<?x3x8x8xf32>, ...) -> tensor<?x4x8x8xf32>
// becomes
//   scf.for %n = 0 to dim(%x, 0) iter_args(%acc = tensor.empty(dim(%x, 0)))
//     %s = tensor.extract_slice %x[%n, 0, 0, 0] [1, 3, 8, 8]
//     %r = tessel.conv %s, %w, %b : (tensor<1x3x8x8xf32>, ...) -> tensor<1x4x8x8xf32>
//     tensor.insert_slice %r into %acc[%n, 0, 0, 0] [1, 4, 8, 8]
//
// so that the op lowers as the static op it is per sample, with the kernel
// configuration and speed of a batch-1 compile (whose loops would run over
// one sample anyway). Operands with a dynamic dimension 0 are sliced; the
// others (weights) are used whole. Runs on tensors, in kernels, before
// tessel-convert-to-linalg.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "dialects/Tessel/TesselDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_BATCHLOOP
#include "codegen/Passes.h.inc"

namespace {

bool hasDynamicBatch(Type t) {
  auto tt = dyn_cast<RankedTensorType>(t);
  return tt && tt.getRank() > 0 && tt.isDynamicDim(0);
}

/// `type` with dimension 0 of size 1.
RankedTensorType oneSample(RankedTensorType type) {
  SmallVector<int64_t> shape(type.getShape());
  shape[0] = 1;
  return RankedTensorType::get(shape, type.getElementType(), type.getEncoding());
}

/// Offsets (n, 0, ...), sizes (1, static...), unit strides of one sample.
void sampleSlice(OpBuilder &b, RankedTensorType type, Value n, SmallVectorImpl<OpFoldResult> &offsets,
                 SmallVectorImpl<OpFoldResult> &sizes, SmallVectorImpl<OpFoldResult> &strides) {
  offsets.assign(type.getRank(), b.getIndexAttr(0));
  offsets[0] = n;
  sizes.clear();
  sizes.push_back(b.getIndexAttr(1));
  for (int64_t d = 1; d < type.getRank(); ++d)
    sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
  strides.assign(type.getRank(), b.getIndexAttr(1));
}

LogicalResult loopOverSamples(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0)
    return op->emitError("internal error: a per-sample op with a dynamic batch must have one "
                         "result and no region");
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Value batched;
  for (Value v : op->getOperands())
    if (hasDynamicBatch(v.getType())) {
      batched = v;
      break;
    }
  if (!batched || !hasDynamicBatch(resultType))
    return op->emitError("internal error: a dynamic batch must come from an operand and reach "
                         "the result");
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value count = tensor::DimOp::create(b, loc, batched, 0);
  Value init = tensor::EmptyOp::create(b, loc, resultType, ValueRange{count});
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{init},
      [&](OpBuilder &lb, Location, Value n, ValueRange args) {
        IRMapping mapping;
        SmallVector<OpFoldResult> offsets, sizes, strides;
        for (Value v : op->getOperands()) {
          if (!hasDynamicBatch(v.getType()) || mapping.contains(v))
            continue;
          auto type = cast<RankedTensorType>(v.getType());
          sampleSlice(lb, type, n, offsets, sizes, strides);
          mapping.map(v, tensor::ExtractSliceOp::create(lb, loc, oneSample(type), v, offsets,
                                                        sizes, strides)
                             .getResult());
        }
        Operation *sample = lb.clone(*op, mapping);
        sample->getResult(0).setType(oneSample(resultType));
        sampleSlice(lb, resultType, n, offsets, sizes, strides);
        Value next = tensor::InsertSliceOp::create(lb, loc, sample->getResult(0), args[0],
                                                   offsets, sizes, strides);
        scf::YieldOp::create(lb, loc, next);
      });
  op->getResult(0).replaceAllUsesWith(loop.getResult(0));
  op->erase();
  return success();
}

struct BatchLoopPass : impl::BatchLoopBase<BatchLoopPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (op->hasTrait<traits::DynamicBatch>() && !isa<ReshapeOp>(op) &&
          llvm::any_of(op->getResultTypes(), hasDynamicBatch))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(loopOverSamples(op)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace tessel
