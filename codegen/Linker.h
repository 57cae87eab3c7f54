//===- Linker.h - Object file -> shared library or executable -------------===//
#ifndef TESSEL_CODEGEN_LINKER_H
#define TESSEL_CODEGEN_LINKER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace tessel {

enum class ArtifactKind { Object, SharedLibrary, Executable };

/// The kind `-o PATH` asks for: .o object, .so shared library, else executable.
ArtifactKind artifactKindForPath(llvm::StringRef path);

/// The kind --emit names ("obj", "so", "exe"); nullopt for anything else.
std::optional<ArtifactKind> parseArtifactKind(llvm::StringRef name);

/// Writes `object` to `outputPath` as the requested artifact. Shared
/// libraries and executables are linked by clang (with lld) against libc and
/// libm only; executables also get Tessel's static runtime and driver.
/// `weightsAssembly`, when not empty, defines the weights moved out of the
/// object (ExternalWeights.h); it is assembled into the artifact (for an
/// object, by a relocatable link).
llvm::Error writeArtifact(llvm::StringRef object, llvm::StringRef weightsAssembly,
                          llvm::StringRef outputPath, ArtifactKind kind);

} // namespace tessel

#endif // TESSEL_CODEGEN_LINKER_H
