//===- TensorOps.cpp - Constants and data movement ------------------------===//
#include "dialects/Tessel/ConstantFolding.h"
#include "dialects/Tessel/ShapeHelpers.h"
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace tessel;

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getValue().getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getResult().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (!reshapeKeepsDynamicDims(in.getShape(), out.getShape()))
    return emitOpError(in.hasStaticShape() && out.hasStaticShape()
                           ? "cannot reshape "
                           : "keeps each dynamic dimension (the others with the same product; "
                             "tessel.computed_reshape takes the rest); cannot reshape ")
           << formatShape(in.getShape()) << " into " << formatShape(out.getShape());
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  // reshape(reshape(x)) == reshape(x).
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getResult().getType());
  return {};
}

LogicalResult ComputedReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType(), shape = getShape().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (shape.getRank() != 1 || shape.isDynamicDim(0) || shape.getDimSize(0) != out.getRank())
    return emitOpError("needs a shape of one entry per result dimension (")
           << out.getRank() << "), has " << shape;
  auto inCount = checkedElementCount(in.getShape());
  auto outCount = checkedElementCount(out.getShape());
  if (in.hasStaticShape() && out.hasStaticShape() && (!inCount || !outCount || *inCount != *outCount))
    return emitOpError("cannot reshape ") << formatShape(in.getShape()) << " into "
                                          << formatShape(out.getShape());
  return success();
}

LogicalResult ComputedSliceOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  ArrayRef<int64_t> axes = getAxes(), steps = getSteps();
  if (in.getElementType() != out.getElementType() || in.getRank() != out.getRank())
    return emitOpError("needs the input's rank and element type");
  int64_t n = axes.size();
  if ((int64_t)steps.size() != n || getStarts().getType().getDimSize(0) != n ||
      getEnds().getType().getDimSize(0) != n)
    return emitOpError("needs one start, end and step per axis (") << n << ")";
  SmallVector<bool> sliced(in.getRank(), false);
  for (auto [axis, step] : llvm::zip(axes, steps)) {
    if (axis < 0 || axis >= in.getRank() || sliced[axis])
      return emitOpError("axis ") << axis << " is out of range or repeats";
    if (step == 0)
      return emitOpError("step of axis ") << axis << " is zero";
    sliced[axis] = true;
  }
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!sliced[d] && in.getDimSize(d) != out.getDimSize(d))
      return emitOpError("changes dimension ") << d << ", which it does not slice";
  return success();
}

LogicalResult ComputedExpandOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  int64_t entries = getShape().getType().getDimSize(0);
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (ShapedType::isDynamic(entries) || out.getRank() != std::max(in.getRank(), entries))
    return emitOpError("needs a result of rank max(input rank, shape entries), has ") << out;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t size = in.getDimSize(d), result = out.getDimSize(d + out.getRank() - in.getRank());
    if (size != 1 && !dimsCompatible(size, result))
      return emitOpError("cannot broadcast ") << formatShape(in.getShape()) << " to " << out;
  }
  return success();
}

LogicalResult ComputedStridedSliceOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType() || in.getRank() != out.getRank())
    return emitOpError("needs the input's rank and element type");
  int64_t n = getAxes().getType().getDimSize(0);
  for (Value v : {getStarts(), getEnds(), getSteps()})
    if (cast<RankedTensorType>(v.getType()).getDimSize(0) != n)
      return emitOpError("needs one start, end and step per axis (") << n << ")";
  if (ShapedType::isDynamic(n) || n > in.getRank())
    return emitOpError("needs a static count of axes, at most the rank");
  return success();
}

LogicalResult ComputedSplitOp::verify() {
  RankedTensorType in = getInput().getType();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("axis ") << axis << " is out of range";
  if (getSplit().getType().getDimSize(0) != (int64_t)getResults().size())
    return emitOpError("needs one split entry per result");
  for (Value r : getResults()) {
    auto out = cast<RankedTensorType>(r.getType());
    if (out.getRank() != in.getRank() || out.getElementType() != in.getElementType())
      return emitOpError("results keep the input's rank and element type");
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (d != axis && !dimsCompatible(out.getDimSize(d), in.getDimSize(d)))
        return emitOpError("changes dimension ") << d << ", which it does not split";
  }
  return success();
}

LogicalResult ComputedTileOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getRank() != out.getRank() || in.getElementType() != out.getElementType())
    return emitOpError("must keep the rank and element type");
  if (getRepeats().getType().getDimSize(0) != in.getRank())
    return emitOpError("needs one repeats entry per dimension");
  return success();
}

/// Squeeze and Unsqueeze over run-time axes: `axes` entries change the rank
/// by `sign` each, the element type stays.
static LogicalResult verifyAxesReshape(Operation *op, RankedTensorType in, RankedTensorType out,
                                       RankedTensorType axes, int64_t sign) {
  if (in.getElementType() != out.getElementType())
    return op->emitOpError("changes the element type");
  if (axes.isDynamicDim(0) || out.getRank() != in.getRank() + sign * axes.getDimSize(0))
    return op->emitOpError("needs a result of rank ")
           << (sign > 0 ? "input rank + axes" : "input rank - axes") << ", has " << out;
  return success();
}

LogicalResult ComputedUnsqueezeOp::verify() {
  return verifyAxesReshape(*this, getInput().getType(), getType(), getAxes().getType(), 1);
}

LogicalResult ComputedSqueezeOp::verify() {
  return verifyAxesReshape(*this, getInput().getType(), getType(), getAxes().getType(), -1);
}

LogicalResult RangeOp::verify() {
  Type element = getType().getElementType();
  for (Value v : {getStart(), getLimit(), getDelta()})
    if (cast<RankedTensorType>(v.getType()).getElementType() != element)
      return emitOpError("needs start, limit, delta and the result of one element type");
  return success();
}

LogicalResult ShapeOp::verify() {
  int64_t rank = getInput().getType().getRank(), start = getStart(), end = getEnd();
  if (start < 0 || start > end || end > rank)
    return emitOpError("needs 0 <= start <= end <= rank (") << rank << "), has start " << start
                                                            << " and end " << end;
  if (getType().getRank() != 1 || getType().getDimSize(0) != end - start)
    return emitOpError("result must be tensor<") << end - start << "xi64>";
  return success();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> dims = getInput().getType().getShape().slice(getStart(), getEnd() - getStart());
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return {};
  return DenseElementsAttr::get(getType(), dims);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  RankedTensorType type = getInput().getType();
  if (!type.hasStaticShape())
    return {};
  return DenseElementsAttr::get(getType(), type.getNumElements());
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto it = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if ((int64_t)perm.size() != it.getRank())
    return emitOptionalError(loc, "'tessel.transpose' op permutation has ", perm.size(),
                             " entries for rank ", it.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= it.getRank() || seen[p])
      return emitOptionalError(loc, "'tessel.transpose' op perm is not a permutation");
    seen[p] = true;
    shape.push_back(it.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  // transpose(transpose(x, p0), p) = transpose(x, p0 ∘ p), updated in place.
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> p0 = inner.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : getPerm())
      composed.push_back(p0[p]);
    setOperand(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if ((int64_t)i != p)
      return {};
  return getInput();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "'tessel.concat' op needs at least one input");
  auto first = cast<RankedTensorType>(adaptor.getInputs().front().getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "'tessel.concat' op axis ", axis, " is out of range for rank ",
                             first.getRank());
  // Off the axis, a static size wins over a dynamic one (the lowering checks
  // that they agree at run time); along it the sizes add up, dynamic if one
  // is.
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : adaptor.getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != first.getRank() || t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "'tessel.concat' op inputs differ in rank or element type");
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (d == axis)
        continue;
      if (!dimsCompatible(t.getDimSize(d), shape[d]))
        return emitOptionalError(loc, "'tessel.concat' op input shapes ",
                                 formatShape(first.getShape()), " and ",
                                 formatShape(t.getShape()), " differ off axis ", axis);
      if (ShapedType::isDynamic(shape[d]))
        shape[d] = t.getDimSize(d);
    }
    int64_t size = t.getDimSize(axis);
    shape[axis] = ShapedType::isDynamic(size) || ShapedType::isDynamic(shape[axis]) ||
                          __builtin_add_overflow(shape[axis], size, &shape[axis])
                      ? ShapedType::kDynamic
                      : shape[axis];
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  RankedTensorType type = getType();
  if (!type.hasStaticShape() || type.getNumElements() > kFoldElementLimit)
    return {};
  SmallVector<ConstTensor> parts;
  for (Attribute a : adaptor.getInputs()) {
    auto c = decodeConstant(a);
    if (!c)
      return {};
    parts.push_back(std::move(*c));
  }
  // Row-major: for each outer index, append each part's block along the axis.
  int64_t axis = getAxis(), outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= type.getDimSize(i);
  ConstTensor r;
  r.type = type;
  r.isFloat = parts.front().isFloat;
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor &p : parts) {
      int64_t block = outer ? p.size() / outer : 0;
      for (int64_t k = 0; k < block; ++k) {
        if (r.isFloat)
          r.floats.push_back(p.floats[o * block + k]);
        else
          r.ints.push_back(p.ints[o * block + k]);
      }
    }
  return encodeConstant(type, r);
}

//===----------------------------------------------------------------------===//
// Gather, slices, broadcasts.
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto dt = cast<RankedTensorType>(adaptor.getData().getType());
  auto it = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= dt.getRank())
    return emitOptionalError(loc, "'tessel.gather' op axis ", axis, " is out of range for rank ",
                             dt.getRank());
  SmallVector<int64_t> shape(dt.getShape().take_front(axis));
  shape.append(it.getShape().begin(), it.getShape().end());
  shape.append(dt.getShape().begin() + axis + 1, dt.getShape().end());
  types.push_back(RankedTensorType::get(shape, dt.getElementType()));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor a) {
  auto data = decodeConstant(a.getData()), idx = decodeConstant(a.getIndices());
  RankedTensorType type = getType();
  if (!data || !idx || type.getNumElements() > kFoldElementLimit)
    return {};
  ArrayRef<int64_t> dshape = data->type.getShape();
  int64_t axis = getAxis(), axisSize = dshape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= dshape[i];
  for (int64_t i = axis + 1; i < (int64_t)dshape.size(); ++i)
    inner *= dshape[i];
  ConstTensor r;
  r.type = type;
  r.isFloat = data->isFloat;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < idx->size(); ++k) {
      int64_t j = idx->ints[k] < 0 ? idx->ints[k] + axisSize : idx->ints[k];
      if (j < 0 || j >= axisSize)
        return {}; // Out of range: leave it to run time (and its checks).
      for (int64_t in = 0; in < inner; ++in) {
        int64_t src = (o * axisSize + j) * inner + in;
        if (r.isFloat)
          r.floats.push_back(data->floats[src]);
        else
          r.ints.push_back(data->ints[src]);
      }
    }
  return encodeConstant(type, r);
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                 Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto dt = cast<RankedTensorType>(adaptor.getData().getType());
  auto it = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= dt.getRank() || it.getRank() != dt.getRank())
    return emitOptionalError(loc, "'tessel.gather_elements' op needs indices of the data's rank "
                                  "and an axis in range");
  types.push_back(RankedTensorType::get(it.getShape(), dt.getElementType()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto dt = cast<RankedTensorType>(adaptor.getData().getType());
  auto it = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t b = adaptor.getBatchDims(), r = dt.getRank(), q = it.getRank();
  if (q < 1 || r < 1 || b < 0 || b >= std::min(q, r))
    return emitOptionalError(loc, "'tessel.gather_nd' op needs data and indices of rank >= 1 "
                                  "and batch_dims below both ranks, got ranks ",
                             r, " and ", q, " with batch_dims ", b);
  int64_t k = it.getDimSize(q - 1);
  if (k < 1 || k > r - b)
    return emitOptionalError(loc, "'tessel.gather_nd' op index tuples of length ", k,
                             " do not fit data of rank ", r, " after ", b, " batch axes");
  for (int64_t d = 0; d < b; ++d)
    if (dt.getDimSize(d) != it.getDimSize(d))
      return emitOptionalError(loc, "'tessel.gather_nd' op batch axis ", d, " differs: ",
                               dt.getDimSize(d), " in data, ", it.getDimSize(d), " in indices");
  SmallVector<int64_t> shape(it.getShape().drop_back());
  llvm::append_range(shape, dt.getShape().drop_front(b + k));
  types.push_back(RankedTensorType::get(shape, dt.getElementType()));
  return success();
}

static bool isScatterReduction(StringRef r) {
  return r == "none" || r == "add" || r == "mul" || r == "max" || r == "min";
}

LogicalResult ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  auto dt = cast<RankedTensorType>(adaptor.getData().getType());
  auto it = cast<RankedTensorType>(adaptor.getIndices().getType());
  auto ut = cast<RankedTensorType>(adaptor.getUpdates().getType());
  int64_t axis = adaptor.getAxis(), rank = dt.getRank();
  if (!isScatterReduction(adaptor.getReduction()))
    return emitOptionalError(loc, "'tessel.scatter_elements' op reduction '",
                             adaptor.getReduction(), "' is not none, add, mul, max or min");
  if (axis < 0 || axis >= rank || it.getRank() != rank || it.getShape() != ut.getShape() ||
      ut.getElementType() != dt.getElementType())
    return emitOptionalError(loc, "'tessel.scatter_elements' op needs indices and updates of "
                                  "one shape, the data's rank and element type, and an axis "
                                  "in range");
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && it.getDimSize(d) > dt.getDimSize(d))
      return emitOptionalError(loc, "'tessel.scatter_elements' op indices axis ", d,
                               " is larger than the data's");
  types.push_back(dt);
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto dt = cast<RankedTensorType>(adaptor.getData().getType());
  auto it = cast<RankedTensorType>(adaptor.getIndices().getType());
  auto ut = cast<RankedTensorType>(adaptor.getUpdates().getType());
  if (!isScatterReduction(adaptor.getReduction()))
    return emitOptionalError(loc, "'tessel.scatter_nd' op reduction '", adaptor.getReduction(),
                             "' is not none, add, mul, max or min");
  int64_t q = it.getRank(), r = dt.getRank();
  int64_t k = q >= 1 ? it.getDimSize(q - 1) : 0;
  if (q < 1 || r < 1 || k < 1 || k > r)
    return emitOptionalError(loc, "'tessel.scatter_nd' op index tuples of length ", k,
                             " do not fit data of rank ", r);
  SmallVector<int64_t> expected(it.getShape().drop_back());
  llvm::append_range(expected, dt.getShape().drop_front(k));
  if (ut.getShape() != ArrayRef(expected) || ut.getElementType() != dt.getElementType())
    return emitOptionalError(loc, "'tessel.scatter_nd' op updates must have shape "
                                  "indices.shape[:-1] + data.shape[k:] and the data's "
                                  "element type");
  types.push_back(dt);
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = getInput().getType();
  auto out = getResult().getType();
  if (in.getElementType() != out.getElementType() || in.getRank() != out.getRank() ||
      (int64_t)getStarts().size() != in.getRank() || (int64_t)getSteps().size() != in.getRank())
    return emitOpError("needs one start and one step per dimension and the input's rank and "
                       "element type");
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d], size = out.getDimSize(d);
    if (step == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    // A dynamic dimension passes through whole (tessel.computed_slice slices
    // one).
    if (in.isDynamicDim(d) || out.isDynamicDim(d)) {
      if (!in.isDynamicDim(d) || !out.isDynamicDim(d) || start != 0 || step != 1)
        return emitOpError("takes dynamic dimension ") << d << " only whole";
      continue;
    }
    if (size == 0)
      continue;
    int64_t last = start + (size - 1) * step;
    if (start < 0 || start >= in.getDimSize(d) || last < 0 || last >= in.getDimSize(d))
      return emitOpError("window of dimension ") << d << " leaves the input";
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  auto in = decodeConstant(a.getInput());
  RankedTensorType type = getType();
  if (!in || type.getNumElements() > kFoldElementLimit)
    return {};
  auto inStrides = rowMajorStrides(in->type.getShape());
  auto outStrides = rowMajorStrides(type.getShape());
  ConstTensor r;
  r.type = type;
  r.isFloat = in->isFloat;
  for (int64_t i = 0, n = type.getNumElements(); i < n; ++i) {
    int64_t src = 0;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      int64_t coord = (i / outStrides[d]) % type.getDimSize(d);
      src += (getStarts()[d] + coord * getSteps()[d]) * inStrides[d];
    }
    if (r.isFloat)
      r.floats.push_back(in->floats[src]);
    else
      r.ints.push_back(in->ints[src]);
  }
  return encodeConstant(type, r);
}

LogicalResult ExpandOp::verify() {
  auto in = getInput().getType();
  auto out = getResult().getType();
  auto shape = broadcastShapes(in.getShape(), out.getShape());
  if (in.getElementType() != out.getElementType() || !shape || *shape != out.getShape())
    return emitOpError("cannot broadcast ") << formatShape(in.getShape()) << " to "
                                            << formatShape(out.getShape());
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  auto in = decodeConstant(a.getInput());
  RankedTensorType type = getType();
  if (!in || type.getNumElements() > kFoldElementLimit)
    return {};
  ConstTensor r;
  r.type = type;
  r.isFloat = in->isFloat;
  for (int64_t i = 0, n = type.getNumElements(); i < n; ++i) {
    int64_t src = broadcastSourceIndex(i, type.getShape(), in->type.getShape());
    if (r.isFloat)
      r.floats.push_back(in->floats[src]);
    else
      r.ints.push_back(in->ints[src]);
  }
  return encodeConstant(type, r);
}

LogicalResult TileOp::verify() {
  auto in = getInput().getType();
  auto out = getResult().getType();
  if (in.getRank() != out.getRank() || in.getElementType() != out.getElementType())
    return emitOpError("must keep the rank and element type");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (in.getDimSize(d) == 0 ? out.getDimSize(d) != 0 : out.getDimSize(d) % in.getDimSize(d))
      return emitOpError("result dimension ") << d << " is not a multiple of the input's";
  return success();
}

LogicalResult TriluOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("needs at least two dimensions");
  if (getInput().getType() != getResult().getType())
    return emitOpError("result type must equal the input type");
  return success();
}
