//===- PackConstantOperands.cpp - The tessel-pack-constant-operands pass --===//
//
// The register-blocked kernel broadcasts A (a convolution's filters) row
// tile by row tile: per reduction step, `rows` consecutive rows of one
// column of A. Read where they lie, those are `rows` streams a whole filter
// apart; packed at run time, they cost a scalar copy per element per row
// block and reduction block (a fifth of a 7x7 convolution's time). It reads
// B (a linear layer's [K, N] weights) column tile by column tile: per step,
// one row of `lanes * vectors` columns, packed at run time into a panel
// once per row block and reduction block, from rows a whole weight row
// apart that the prefetchers do not follow (a tenth of a BERT linear
// layer's time). For a constant A or B the packing is done here, once, at
// compile time: the weight's global is replaced by one in the packed layout
// (packedMap in KernelConfig.h), and the kernel's argument, the
// contraction's indexing map and the kernel's recorded type follow it, so
// the IR means the same at every step and the kernel generator only has to
// recognize the map.
//
//===----------------------------------------------------------------------===//
#include "codegen/ConstantData.h"
#include "codegen/Kernels/KernelConfig.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

#include <map>

using namespace mlir;

namespace tessel {

#define GEN_PASS_DEF_PACKCONSTANTOPERANDS
#include "codegen/Passes.h.inc"

namespace {

/// A contraction in a kernel whose A or B is a constant global that only it
/// reads, passed in by every call of the kernel.
struct ConstantOperand {
  linalg::GenericOp op;
  ContractionRoles roles;
  KernelConfig config;
  /// The input operand (roles.a or roles.b), the loop its layout tiles (m
  /// or n) and the tile size (rows or columns of the register tile).
  unsigned operand = 0;
  int64_t dim = -1, tile = 1;
  func::FuncOp kernel;
  unsigned argNo = 0;
  memref::GlobalOp global;
  SmallVector<memref::GetGlobalOp> reads;
  /// The reshape the contraction reads the argument through (a 1x1
  /// convolution's [f, c, 1, 1] filters as [f, c]), if any.
  memref::CollapseShapeOp reshape;
};

/// The offset in A's row-major data of the element `map` reads, as
/// base + sum(coefficient[d] * loop d), or nullopt where `map` is not
/// affine in the loops.
struct LinearOffset {
  int64_t base = 0;
  SmallVector<int64_t> coefficient;
};

std::optional<LinearOffset> linearOffset(AffineMap map, ArrayRef<int64_t> shape) {
  LinearOffset offset;
  offset.coefficient.assign(map.getNumDims(), 0);
  SmallVector<int64_t> zeros(map.getNumDims(), 0);
  SmallVector<int64_t> atZero = map.compose(zeros);
  int64_t stride = 1;
  for (int64_t r = map.getNumResults() - 1; r >= 0; --r) {
    offset.base += stride * atZero[r];
    for (unsigned d = 0; d < map.getNumDims(); ++d) {
      std::optional<int64_t> c = linearCoefficient(map.getResult(r), d);
      if (!c)
        return std::nullopt;
      offset.coefficient[d] += stride * *c;
    }
    stride *= shape[r];
  }
  return offset;
}

struct PackConstantOperandsPass : impl::PackConstantOperandsBase<PackConstantOperandsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTableCollection symbols;
    SymbolUserMap users(symbols, module);
    std::vector<ConstantOperand> candidates;
    module.walk([&](linalg::GenericOp op) {
      for (bool isA : {true, false})
        if (std::optional<ConstantOperand> c = match(op, isA, users))
          candidates.push_back(std::move(*c));
    });
    // Contractions that read one argument: a contraction with a dynamic
    // loop runs as several static pieces (tessel-tile-dynamic-contractions),
    // all reading the same weight. They share one packed copy when every
    // reader of the argument is such a candidate with the same layout.
    std::map<std::pair<Operation *, unsigned>, SmallVector<ConstantOperand *>> byArgument;
    for (ConstantOperand &c : candidates)
      byArgument[{c.kernel, c.argNo}].push_back(&c);
    SymbolTable &table = symbols.getSymbolTable(module);
    for (auto &[key, readers] : byArgument) {
      ConstantOperand &first = *readers.front();
      Value arg = first.kernel.getArgument(first.argNo);
      size_t uses = std::distance(arg.getUses().begin(), arg.getUses().end());
      AffineMap layout = packedMap(first.roles, first.dim, first.tile, &getContext());
      bool shared =
          readers.size() == 1
              ? uses == 1 // one contraction (maybe through its reshape)
              : readers.size() == uses && llvm::all_of(readers, [&](ConstantOperand *c) {
                  // The same elements in the same packed order: the same map
                  // from the same loops into the weight, the same trip counts.
                  return !c->reshape && c->operand == c->roles.b &&
                         first.operand == first.roles.b && c->tile == first.tile &&
                         c->op.getIndexingMapsArray()[c->operand] ==
                             first.op.getIndexingMapsArray()[first.operand] &&
                         c->roles.ranges[c->dim] == first.roles.ranges[first.dim] &&
                         c->roles.reductions == first.roles.reductions &&
                         llvm::all_of(c->roles.reductions, [&](int64_t d) {
                           return c->roles.ranges[d] == first.roles.ranges[d];
                         }) &&
                         packedMap(c->roles, c->dim, c->tile, &getContext()) == layout;
                });
      if (shared)
        pack(readers, table);
    }
  }

  std::optional<ConstantOperand> match(linalg::GenericOp op, bool isA, SymbolUserMap &users) {
    auto attr = op->getAttrOfType<KernelConfigAttr>(kKernelConfigAttrName);
    if (!attr)
      return std::nullopt;
    KernelConfig config = KernelConfig::fromAttr(attr);
    FailureOr<ContractionRoles> roles = analyzeContraction(op);
    if (failed(roles) || roles->reductions.empty())
      return std::nullopt;
    ConstantOperand c;
    c.op = op;
    c.roles = *roles;
    c.config = config;
    if (isA) {
      // One-row tiles read A as one stream already; an A that changes with
      // the outer loops is not a filter bank.
      if (roles->m < 0 || roles->aReadsOuter || config.rows < 2)
        return std::nullopt;
      c.operand = roles->a;
      c.dim = roles->m;
      c.tile = config.rows;
    } else {
      // B is packed where the kernel would pack it at run time, and only a B
      // that depends on nothing but its columns and the reductions (a
      // weight, not a convolution's input rows) has one panel per column
      // tile for all outer iterations and rows.
      AffineMap map = op.getIndexingMapsArray()[roles->b];
      if (!config.packB || config.foldOuter ||
          llvm::any_of(llvm::seq<unsigned>(0, map.getNumDims()), [&](unsigned d) {
            return map.isFunctionOfDim(d) && int64_t(d) != roles->n &&
                   !llvm::is_contained(roles->reductions, int64_t(d));
          }))
        return std::nullopt;
      c.operand = roles->b;
      c.dim = roles->n;
      c.tile = config.columns();
    }
    Value value = op.getDpsInputs()[c.operand];
    // A collapse of an identity-layout argument has the same row-major data.
    c.reshape = value.getDefiningOp<memref::CollapseShapeOp>();
    if (c.reshape) {
      if (!c.reshape->hasOneUse())
        return std::nullopt;
      value = c.reshape.getSrc();
    }
    auto arg = dyn_cast<BlockArgument>(value);
    c.kernel = op->getParentOfType<func::FuncOp>();
    // (Several readers of one argument are grouped in runOnOperation.)
    if (!arg || !c.kernel || !c.kernel.isPrivate() ||
        arg.getOwner() != &c.kernel.getBody().front() ||
        !llvm::all_of(arg.getUsers(), llvm::IsaPred<linalg::GenericOp, memref::CollapseShapeOp>))
      return std::nullopt;
    c.argNo = arg.getArgNumber();
    // Every call passes the same constant global, read for nothing else.
    for (Operation *user : users.getUsers(c.kernel)) {
      auto call = dyn_cast<func::CallOp>(user);
      auto read = call ? call.getOperand(c.argNo).getDefiningOp<memref::GetGlobalOp>()
                       : memref::GetGlobalOp();
      if (!read || !read->hasOneUse() ||
          (c.global && read.getName() != c.global.getSymName()))
        return std::nullopt;
      c.global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(read, read.getNameAttr());
      c.reads.push_back(read);
    }
    if (c.reads.empty() || !c.global || !c.global.getConstant() ||
        !c.global.getType().getLayout().isIdentity() ||
        users.getUsers(c.global).size() != c.reads.size())
      return std::nullopt;
    return c;
  }

  /// Packs the argument `readers` (at least one) read, and makes each of
  /// them read the packed layout.
  void pack(ArrayRef<ConstantOperand *> readers, SymbolTable &table) {
    ConstantOperand &c = *readers.front();
    MemRefType type = c.global.getType();
    auto initial = dyn_cast_or_null<ElementsAttr>(c.global.getInitialValueAttr());
    std::optional<LinearOffset> offset =
        linearOffset(c.op.getIndexingMapsArray()[c.operand],
                     c.reshape ? c.reshape.getType().getShape() : type.getShape());
    std::optional<std::vector<float>> data =
        initial ? readFloats(initial) : std::optional<std::vector<float>>();
    if (!offset || !data)
      return;

    // The reduction steps' offsets, the first reduction outermost.
    std::vector<int64_t> stepOffset{0};
    for (int64_t d : c.roles.reductions) {
      std::vector<int64_t> next;
      next.reserve(stepOffset.size() * c.roles.ranges[d]);
      for (int64_t o : stepOffset)
        for (int64_t i = 0; i < c.roles.ranges[d]; ++i)
          next.push_back(o + i * offset->coefficient[d]);
      stepOffset = std::move(next);
    }
    int64_t rows = c.tile, m = c.roles.ranges[c.dim], steps = stepOffset.size();
    SmallVector<int64_t> shape = packedShape(c.roles, c.dim, rows);
    int64_t tiles = shape.front(), size = static_cast<int64_t>(data->size());
    std::vector<float> packed(tiles * steps * rows, 0.0f);
    for (int64_t t = 0; t < tiles; ++t)
      for (int64_t i = 0; i < rows && t * rows + i < m; ++i) {
        int64_t rowOffset = offset->base + offset->coefficient[c.dim] * (t * rows + i);
        for (int64_t s = 0; s < steps; ++s) {
          int64_t at = rowOffset + stepOffset[s];
          if (at < 0 || at >= size)
            return; // The map reads outside the weight: leave it to the verifier.
          packed[(t * steps + s) * rows + i] = (*data)[at];
        }
      }
    data.reset();

    // The packed global, the calls' reads of it, and the kernel's view.
    MLIRContext *ctx = &getContext();
    auto packedType = MemRefType::get(shape, type.getElementType());
    std::string name = (c.global.getSymName() + "_packed").str();
    OpBuilder builder(c.global);
    auto global = memref::GlobalOp::create(
        builder, c.global.getLoc(), name, c.global.getSymVisibilityAttr(), packedType,
        makeFloatResource(RankedTensorType::get(shape, type.getElementType()), name, packed),
        /*constant=*/true, builder.getI64IntegerAttr(64));
    table.insert(global); // Uniques the name.
    for (memref::GetGlobalOp read : c.reads) {
      builder.setInsertionPoint(read);
      read.getResult().replaceAllUsesWith(memref::GetGlobalOp::create(
          builder, read.getLoc(), packedType, global.getSymName()));
      read.erase();
    }
    table.erase(c.global);

    SmallVector<Type> inputs(c.kernel.getArgumentTypes());
    inputs[c.argNo] = packedType;
    c.kernel.setType(FunctionType::get(ctx, inputs, c.kernel.getResultTypes()));
    c.kernel.getArgument(c.argNo).setType(packedType);
    if (c.reshape) {
      c.reshape.getResult().replaceAllUsesWith(c.kernel.getArgument(c.argNo));
      c.reshape.erase();
    }
    if (auto info = c.kernel->getAttrOfType<DictionaryAttr>("tessel.kernel")) {
      auto signature = info.getAs<TypeAttr>("type");
      auto fn = signature ? dyn_cast<FunctionType>(signature.getValue()) : FunctionType();
      if (fn && c.argNo < fn.getNumInputs()) {
        SmallVector<Type> tensors(fn.getInputs());
        tensors[c.argNo] = RankedTensorType::get(shape, type.getElementType());
        NamedAttrList fields(info);
        fields.set("type", TypeAttr::get(FunctionType::get(ctx, tensors, fn.getResults())));
        c.kernel->setAttr("tessel.kernel", fields.getDictionary(ctx));
      }
    }
    for (ConstantOperand *reader : readers) {
      SmallVector<AffineMap> maps = reader->op.getIndexingMapsArray();
      maps[reader->operand] = packedMap(reader->roles, reader->dim, rows, ctx);
      reader->op.setIndexingMapsAttr(builder.getAffineMapArrayAttr(maps));
    }
  }
};

} // namespace
} // namespace tessel
