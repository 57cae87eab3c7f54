//===- TesselAttrs.cpp - #tessel.target and #tessel.kernel_config ---------===//
#include "dialects/Tessel/TesselDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tessel;

#include "dialects/Tessel/TesselEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Tessel/TesselAttrs.cpp.inc"

void TesselDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Tessel/TesselAttrs.cpp.inc"
      >();
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef,
                                 StringRef, ArrayAttr extensions, int64_t vectorBits,
                                 int64_t vectorRegisters, int64_t fmaUnits, int64_t l1Bytes,
                                 int64_t l2Bytes, int64_t l3Bytes) {
  if (extensions && !llvm::all_of(extensions, [](Attribute a) { return isa<StringAttr>(a); }))
    return emitError() << "#tessel.target: extensions must be strings";
  if (vectorBits <= 0 || vectorBits % 32 != 0)
    return emitError() << "#tessel.target: vector_bits must be a positive multiple of 32, not "
                       << vectorBits;
  for (auto [name, value] : {std::pair<const char *, int64_t>{"vector_registers", vectorRegisters},
                             {"fma_units", fmaUnits},
                             {"l1_bytes", l1Bytes},
                             {"l2_bytes", l2Bytes},
                             {"l3_bytes", l3Bytes}})
    if (value <= 0)
      return emitError() << "#tessel.target: " << name << " must be positive, not " << value;
  return success();
}

LogicalResult KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                       int64_t lanes, int64_t rows, int64_t vectors,
                                       int64_t reductionBlock, int64_t rowBlock,
                                       int64_t columnBlock, bool packA, bool, bool stationaryA,
                                       bool foldOuter, ParallelLoop parallel) {
  auto fail = [&]() { return emitError() << "#tessel.kernel_config: "; };
  for (auto [name, value] : {std::pair<const char *, int64_t>{"lanes", lanes},
                             {"rows", rows},
                             {"vectors", vectors}})
    if (value < 1)
      return fail() << name << " must be at least 1, not " << value;
  for (auto [name, value] : {std::pair<const char *, int64_t>{"reduction_block", reductionBlock},
                             {"row_block", rowBlock},
                             {"column_block", columnBlock}})
    if (value < 0)
      return fail() << name << " must be 0 (none) or positive, not " << value;
  if (rowBlock % rows != 0)
    return fail() << "row_block " << rowBlock << " is not a multiple of rows " << rows;
  if (columnBlock % (lanes * vectors) != 0)
    return fail() << "column_block " << columnBlock << " is not a multiple of the tile's "
                  << lanes * vectors << " columns";
  // A stationary A is packed per row block, which the kernel then reuses;
  // its loop order has no column blocks, and its row blocks are the only
  // loop that can run on the thread pool. Folded tiles need that order.
  if (stationaryA && (!packA || columnBlock ||
                      (parallel != ParallelLoop::None && parallel != ParallelLoop::Rows)))
    return fail() << "stationary_a needs pack_a, no column_block, and parallel none or rows";
  if (foldOuter && !stationaryA)
    return fail() << "fold_outer needs stationary_a";
  if (parallel == ParallelLoop::ColumnBlocks && !columnBlock)
    return fail() << "parallel = column_blocks needs a column_block";
  return success();
}
