//===- Registration.h - Dialects, interfaces and passes Tessel uses -------===//
#ifndef TESSEL_CODEGEN_REGISTRATION_H
#define TESSEL_CODEGEN_REGISTRATION_H

namespace mlir {
class DialectRegistry;
}

namespace tessel {

/// The tessel dialect, every upstream dialect the pipelines produce, and the
/// interface models (bufferization, LLVM translation) they need.
void registerTesselDialects(mlir::DialectRegistry &registry);

/// Every pass the pipelines name, Tessel's and upstream's.
void registerTesselPasses();

} // namespace tessel

#endif // TESSEL_CODEGEN_REGISTRATION_H
