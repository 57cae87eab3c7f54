//===- DecomposePads.cpp - The tessel-decompose-pads pass -----------------===//
//
// tensor.pad bufferizes to a fill of the whole padded buffer followed by a
// copy of the source into its interior: every interior element is written
// twice. For the pads of a convolution or pooling window (a border one or
// two elements wide around each feature map) the fill is nearly a full
// extra pass over the buffer, a sixth of a stride-2 depthwise
// convolution's time. Decomposed here into the copy plus fills of the
// border slabs alone, each element is written once.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_DECOMPOSEPADS
#include "codegen/Passes.h.inc"

namespace {

/// `pad` as an empty tensor, the source inserted into its interior and the
/// slabs before and after the interior along each padded dimension filled
/// with the padding value (slabs of two dimensions overlap at the corners,
/// which are filled twice). Fails on dynamic shapes, negative pads (crops)
/// and padding values that depend on the position.
LogicalResult decomposePad(RewriterBase &rewriter, tensor::PadOp pad) {
  RankedTensorType sourceType = pad.getSourceType(), type = pad.getResultType();
  Value value = pad.getConstantPaddingValue();
  if (!value || !sourceType.hasStaticShape() || !type.hasStaticShape())
    return failure();
  SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
  if (llvm::any_of(low, ShapedType::isDynamic) || llvm::any_of(high, ShapedType::isDynamic) ||
      llvm::any_of(low, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(high, [](int64_t p) { return p < 0; }))
    return failure();

  Location loc = pad.getLoc();
  rewriter.setInsertionPoint(pad);
  int64_t rank = type.getRank();
  SmallVector<int64_t> ones(rank, 1);
  Value result = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
  result = tensor::InsertSliceOp::create(rewriter, loc, pad.getSource(), result, ValueRange{},
                                         ValueRange{}, ValueRange{}, low, sourceType.getShape(),
                                         ones);
  auto fillSlab = [&](int64_t dim, int64_t offset, int64_t size) {
    SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape());
    offsets[dim] = offset;
    sizes[dim] = size;
    auto slabType = RankedTensorType::get(sizes, type.getElementType());
    Value slab = tensor::ExtractSliceOp::create(rewriter, loc, slabType, result, ValueRange{},
                                                ValueRange{}, ValueRange{}, offsets, sizes, ones);
    Value filled = linalg::FillOp::create(rewriter, loc, value, slab).getResult(0);
    result = tensor::InsertSliceOp::create(rewriter, loc, filled, result, ValueRange{},
                                           ValueRange{}, ValueRange{}, offsets, sizes, ones);
  };
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] > 0)
      fillSlab(d, 0, low[d]);
    if (high[d] > 0)
      fillSlab(d, low[d] + sourceType.getDimSize(d), high[d]);
  }
  rewriter.replaceOp(pad, result);
  return success();
}

struct DecomposePadsPass : impl::DecomposePadsBase<DecomposePadsPass> {
  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp op) { pads.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (tensor::PadOp pad : pads)
      (void)decomposePad(rewriter, pad);
  }
};

} // namespace
} // namespace tessel
