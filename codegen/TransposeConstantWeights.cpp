//===- TransposeConstantWeights.cpp - tessel-transpose-constant-weights ---===//
//
// PyTorch stores a Linear layer's weight as [out, in] and exports it with
// Gemm(transB=1) or a transposed MatMul, which fusion turns into
// tessel.linear {transpose_weight = true}. The register-blocked kernel wants
// the weight as [in, out], contiguous along the output columns it vectorizes.
// For a constant weight the transposition is done once, here, at compile
// time; a weight that is computed at run time stays as it is.
//
//===----------------------------------------------------------------------===//
#include "codegen/ConstantData.h"
#include "codegen/Passes.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_TRANSPOSECONSTANTWEIGHTS
#include "codegen/Passes.h.inc"

namespace {

struct TransposeConstantWeightsPass
    : impl::TransposeConstantWeightsBase<TransposeConstantWeightsPass> {
  void runOnOperation() override {
    SmallVector<LinearOp> linears;
    getOperation()->walk([&](LinearOp op) {
      if (op.getTransposeWeight())
        linears.push_back(op);
    });
    for (LinearOp op : linears) {
      auto cst = op.getWeight().getDefiningOp<ConstantOp>();
      auto type = cast<RankedTensorType>(op.getWeight().getType());
      if (!cst || type.getRank() != 2 || !type.getElementType().isF32())
        continue;
      std::optional<std::vector<float>> values = readFloats(cst.getValue());
      if (!values)
        continue;
      int64_t n = type.getDimSize(0), k = type.getDimSize(1);
      std::vector<float> transposed(values->size());
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < k; ++j)
          transposed[j * n + i] = (*values)[i * k + j];
      values.reset(); // Large weights: hold at most two copies at a time.

      auto newType = RankedTensorType::get({k, n}, type.getElementType());
      ElementsAttr attr;
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(cst.getValue())) {
        AsmResourceBlob *blob = resource.getRawHandle().getBlob();
        if (cst->hasOneUse() && blob->isMutable()) {
          // The weight's only reader is this layer: rewrite its blob in
          // place instead of keeping both layouts alive.
          std::memcpy(blob->getMutableData().data(), transposed.data(),
                      transposed.size() * sizeof(float));
          attr = DenseResourceElementsAttr::get(newType, resource.getRawHandle());
        } else {
          attr = makeFloatResource(newType, resource.getRawHandle().getKey().str() + "_t",
                                   transposed);
        }
      } else {
        attr = DenseElementsAttr::get(newType, ArrayRef<float>(transposed));
      }
      OpBuilder b(cst);
      Value weight = ConstantOp::create(b, cst.getLoc(), newType, attr);
      op.getWeightMutable().assign(weight);
      op.setTransposeWeight(false);
      if (cst->use_empty())
        cst->erase();
    }
  }
};

} // namespace
} // namespace tessel
