//===- TargetDescription.cpp ----------------------------------------------===//
#include "codegen/Target/TargetDescription.h"

#include "mlir/IR/Builders.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>
#include <unistd.h>

namespace tessel {

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

bool TargetDescription::has(llvm::StringRef extension) const {
  return llvm::is_contained(extensions, extension.str());
}

static std::string hostFeatures() {
  std::string features;
  for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ",";
    features += (enabled ? "+" : "-") + name.str();
  }
  return features;
}

/// sysconf's answer for a cache level, or `fallback` where it has none.
static int64_t hostCache(int name, int64_t fallback) {
#ifdef _SC_LEVEL1_DCACHE_SIZE
  long bytes = sysconf(name);
  return bytes > 0 ? bytes : fallback;
#else
  (void)name;
  return fallback;
#endif
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::Expected<TargetDescription> describeTarget(llvm::StringRef triple, llvm::StringRef cpu,
                                                 llvm::StringRef features) {
  initializeNativeTarget();
  TargetDescription t;
  t.triple = triple.empty() ? llvm::sys::getDefaultTargetTriple() : triple.str();
  bool host = cpu.empty();
  t.cpu = host ? llvm::sys::getHostCPUName().str() : cpu.str();
  t.features = host && features.empty() ? hostFeatures() : features.str();

  llvm::Triple parsed(t.triple);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(parsed, error);
  if (!target)
    return fail("unknown target '" + t.triple + "': " + error);
  // Checked on a generic subtarget first: LLVM warns on stderr about an
  // unknown CPU it is asked to build.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(target->createMCSubtargetInfo(parsed, "", ""));
  if (!host && generic && !generic->isCPUStringValid(t.cpu))
    return fail("--target-cpu: '" + t.cpu + "' is not a CPU of " + t.triple);
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(parsed, t.cpu, t.features));
  if (!sti)
    return fail("cannot describe CPU '" + t.cpu + "' of target '" + t.triple + "'");

  static const char *const kX86[] = {"sse4.1",   "avx",        "avx2",       "fma",
                                     "avx512f",  "avx512bw",   "avx512vl",   "avx512bf16",
                                     "avx512vnni", "amx-tile", "amx-bf16"};
  static const char *const kArm[] = {"neon", "sve", "sve2", "bf16", "i8mm"};
  if (parsed.isX86()) {
    for (const char *ext : kX86)
      if (sti->checkFeatures(std::string("+") + ext))
        t.extensions.push_back(ext);
    t.vectorBits = t.has("avx512f") ? 512 : t.has("avx") ? 256 : 128;
    t.vectorRegisters = t.has("avx512f") ? 32 : 16;
  } else if (parsed.isAArch64()) {
    for (const char *ext : kArm)
      if (sti->checkFeatures(std::string("+") + ext))
        t.extensions.push_back(ext);
    t.vectorBits = 128;
    t.vectorRegisters = 32;
  }
  if (host) {
    t.l1Bytes = hostCache(_SC_LEVEL1_DCACHE_SIZE, t.l1Bytes);
    t.l2Bytes = hostCache(_SC_LEVEL2_CACHE_SIZE, t.l2Bytes);
    t.l3Bytes = hostCache(_SC_LEVEL3_CACHE_SIZE, t.l3Bytes);
  }
  return t;
}

TargetAttr TargetDescription::toAttr(mlir::MLIRContext *ctx) const {
  mlir::Builder b(ctx);
  llvm::SmallVector<llvm::StringRef> exts(extensions.begin(), extensions.end());
  return TargetAttr::get(ctx, triple, cpu, b.getStrArrayAttr(exts), vectorBits, vectorRegisters,
                         fmaUnits, l1Bytes, l2Bytes, l3Bytes);
}

TargetDescription TargetDescription::fromAttr(TargetAttr attr) {
  TargetDescription t;
  t.triple = attr.getTriple().str();
  t.cpu = attr.getCpu().str();
  if (mlir::ArrayAttr exts = attr.getExtensions())
    for (auto e : exts.getAsRange<mlir::StringAttr>())
      t.extensions.push_back(e.str());
  for (const std::string &e : t.extensions)
    t.features += (t.features.empty() ? "+" : ",+") + e;
  t.vectorBits = attr.getVectorBits();
  t.vectorRegisters = attr.getVectorRegisters();
  t.fmaUnits = attr.getFmaUnits();
  t.l1Bytes = attr.getL1Bytes();
  t.l2Bytes = attr.getL2Bytes();
  t.l3Bytes = attr.getL3Bytes();
  return t;
}

llvm::Expected<TargetDescription> getModuleTarget(mlir::ModuleOp module) {
  if (mlir::Attribute attr = module->getAttr(kTargetAttrName)) {
    if (auto target = llvm::dyn_cast<TargetAttr>(attr))
      return TargetDescription::fromAttr(target);
    std::string text;
    llvm::raw_string_ostream os(text);
    os << attr;
    return fail(llvm::Twine(kTargetAttrName) + " must be a #tessel.target, not " + text);
  }
  return describeTarget("", "", "");
}

mlir::FailureOr<TargetDescription> getTargetOrEmitError(mlir::Operation *op) {
  auto module = llvm::dyn_cast<mlir::ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<mlir::ModuleOp>();
  llvm::Expected<TargetDescription> target =
      module ? getModuleTarget(module) : describeTarget("", "", "");
  if (!target) {
    op->emitError() << llvm::toString(target.takeError());
    return mlir::failure();
  }
  return *target;
}

} // namespace tessel
