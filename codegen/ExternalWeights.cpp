//===- ExternalWeights.cpp ------------------------------------------------===//
#include "codegen/ExternalWeights.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace tessel {

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Expected<std::string> externalizeWeights(mlir::ModuleOp module,
                                               llvm::StringRef binaryPath) {
  std::error_code ec;
  llvm::raw_fd_ostream bin(binaryPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + binaryPath + "': " + ec.message());
  std::string assembly;
  llvm::raw_string_ostream as(assembly);
  uint64_t offset = 0;
  for (auto global : module.getOps<mlir::LLVM::GlobalOp>()) {
    auto resource =
        llvm::dyn_cast_or_null<mlir::DenseResourceElementsAttr>(global.getValueOrNull());
    if (!global.getConstant() || !resource || resource.getElementType().isInteger(1))
      continue;
    mlir::AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || (int64_t)blob->getData().size() < kExternalWeightMinBytes)
      continue;
    llvm::ArrayRef<char> data = blob->getData();
    uint64_t align = std::max<uint64_t>(global.getAlignment().value_or(64), 64);
    uint64_t padded = (offset + align - 1) / align * align;
    bin.write_zeros(padded - offset);
    bin.write(data.data(), data.size());
    offset = padded + data.size();
    llvm::StringRef name = global.getSymName();
    as << "  .p2align " << llvm::Log2_64(align) << "\n"
       << "  .globl " << name << "\n  .hidden " << name << "\n  .type " << name
       << ",@object\n  .size " << name << ", " << data.size() << "\n"
       << name << ":\n  .incbin \"" << binaryPath << "\", " << padded << ", " << data.size()
       << "\n";
    // A hidden external declaration: the assembled definition resolves it.
    global.removeValueAttr();
    global.setLinkage(mlir::LLVM::Linkage::External);
    global.setVisibility_(mlir::LLVM::Visibility::Hidden);
  }
  bin.close();
  if (bin.has_error())
    return fail("cannot write '" + binaryPath + "'");
  if (assembly.empty())
    return std::string();
  return "  .section .rodata.tessel_weights,\"a\",@progbits\n" + assembly +
         "  .section .note.GNU-stack,\"\",@progbits\n";
}

} // namespace tessel
