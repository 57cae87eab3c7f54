//===- Linker.cpp ---------------------------------------------------------===//
#include "codegen/Linker.h"

#include <cstring>
#include <dlfcn.h>

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#ifndef TESSEL_CLANG_PATH
#define TESSEL_CLANG_PATH "clang"
#endif

namespace tessel {

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

ArtifactKind artifactKindForPath(llvm::StringRef path) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".o" || ext == ".obj")
    return ArtifactKind::Object;
  if (ext == ".so" || ext == ".dylib")
    return ArtifactKind::SharedLibrary;
  return ArtifactKind::Executable;
}

std::optional<ArtifactKind> parseArtifactKind(llvm::StringRef name) {
  if (name == "obj")
    return ArtifactKind::Object;
  if (name == "so")
    return ArtifactKind::SharedLibrary;
  if (name == "exe")
    return ArtifactKind::Executable;
  return std::nullopt;
}

/// The folder of Tessel's static runtime libraries: lib/ beside the bin/
/// folder of the running compiler (the build tree and installs share this
/// layout), or the folder of libtessel-compiler.so when the compiler is that
/// library in someone else's process (Python's): lib/ too.
static std::string runtimeLibDir() {
  Dl_info info;
  // For the main program dladdr gives argv[0], which need not be a path.
  bool named = dladdr((void *)&runtimeLibDir, &info) && info.dli_fname &&
               std::strchr(info.dli_fname, '/');
  std::string self = named ? std::string(info.dli_fname)
                           : llvm::sys::fs::getMainExecutable(nullptr, (void *)&runtimeLibDir);
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(self, real))
    self = std::string(real);
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(llvm::sys::path::parent_path(self)));
  llvm::sys::path::append(dir, "lib");
  return std::string(dir);
}

static llvm::Error writeFile(llvm::StringRef path, llvm::StringRef data) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + path + "': " + ec.message());
  os << data;
  os.close();
  if (os.has_error())
    return fail("cannot write '" + path + "'");
  return llvm::Error::success();
}

llvm::Error writeArtifact(llvm::StringRef object, llvm::StringRef weightsAssembly,
                          llvm::StringRef outputPath, ArtifactKind kind) {
  if (kind == ArtifactKind::Object && weightsAssembly.empty())
    return writeFile(outputPath, object);

  llvm::SmallString<128> objectPath;
  if (auto ec = llvm::sys::fs::createTemporaryFile("tessel", "o", objectPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  if (auto err = writeFile(objectPath, object))
    return err;

  std::string clang = TESSEL_CLANG_PATH;
  if (const char *env = std::getenv("TESSEL_CLANG"))
    clang = env;
  std::vector<std::string> args{clang, "-fuse-ld=lld", "-o", outputPath.str(),
                                std::string(objectPath)};
  llvm::SmallString<128> weightsPath;
  std::optional<llvm::FileRemover> removeWeights;
  if (!weightsAssembly.empty()) {
    if (auto ec = llvm::sys::fs::createTemporaryFile("tessel-weights", "s", weightsPath))
      return fail("cannot create a temporary file: " + ec.message());
    removeWeights.emplace(weightsPath);
    if (auto err = writeFile(weightsPath, weightsAssembly))
      return err;
    args.push_back(std::string(weightsPath));
  }
  if (kind == ArtifactKind::Object) {
    // Object code plus the weights' definitions, as one relocatable object.
    args.insert(args.begin() + 1, {"-r", "-nostdlib"});
  } else if (kind == ArtifactKind::SharedLibrary) {
    args.insert(args.begin() + 1, "-shared");
  } else {
    std::string lib = runtimeLibDir();
    args.push_back(lib + "/libtessel_driver.a");
    args.push_back(lib + "/libtessel_runtime.a");
    args.push_back("-ldl");
    args.push_back("-lpthread");
  }
  if (kind != ArtifactKind::Object) {
    // Parallel kernel loops call LLVM's OpenMP runtime (__kmpc_*): link it,
    // and find it at run time where libomp-22-dev installs it. Only a model
    // with parallel loops depends on it (--as-needed): a small one still
    // needs nothing beyond libc and libm.
    args.insert(args.end(), {"-L" TESSEL_LIBOMP_DIR, "-Wl,-rpath," TESSEL_LIBOMP_DIR,
                             "-Wl,--as-needed", "-lomp", "-Wl,--no-as-needed", "-lm"});
  }
  llvm::SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());

  llvm::SmallString<128> logPath;
  if (auto ec = llvm::sys::fs::createTemporaryFile("tessel-link", "log", logPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeLog(logPath);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath.str(), logPath.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(clang, argRefs, std::nullopt, redirects, 0, 0, &execError);
  if (rc != 0) {
    std::string log;
    if (auto buf = llvm::MemoryBuffer::getFile(logPath))
      log = (*buf)->getBuffer().trim().str();
    return fail("linking '" + outputPath + "' with " + clang + " failed" +
                (execError.empty() ? "" : ": " + execError) + (log.empty() ? "" : ": " + log));
  }
  return llvm::Error::success();
}

} // namespace tessel
