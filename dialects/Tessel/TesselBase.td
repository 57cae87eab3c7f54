//===- TesselBase.td - The tessel dialect and its op base class ----------===//
#ifndef TESSEL_BASE_TD
#define TESSEL_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Tessel_Dialect : Dialect {
  let name = "tessel";
  let cppNamespace = "::tessel";
  let summary = "Tessel's graph-level dialect for neural networks";
  let description = [{
    One op per network operation, on ranked tensors with value semantics;
    dimensions are static, or dynamic (`?`) on ops with the DynamicShapes
    trait. The frontend imports each ONNX node as one op whose location
    is the ONNX node name; graph passes rewrite these into fused high-level ops;
    codegen lowers them to linalg.
  }];
  let hasConstantMaterializer = 1;
  // Attributes live in the attribute dictionary so that the importer can run
  // each op's shape inference before creating it and report a clean error.
  let usePropertiesForAttributes = 0;
  // #tessel.target and #tessel.kernel_config (TesselAttrs.td).
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

// Marks ops computed element by element (operands broadcast NumPy-style):
// graph fusion groups chains of them into one tessel.elementwise_chain.
def Tessel_Elementwise : NativeOpTrait<"Elementwise"> {
  let cppNamespace = "::tessel::traits";
}

// Marks ops whose shape inference, verifier, folders and lowering handle
// dynamic dimensions (`?`): only these may see a tensor type with one.
def Tessel_DynamicShapes : NativeOpTrait<"DynamicShapes"> {
  let cppNamespace = "::tessel::traits";
}

// Per-sample ops (convolutions, pooling, batch and group norms): sample n of
// the result depends on sample n of the operands along dimension 0 only. Such
// an op takes a dynamic dimension as that batch dimension and nowhere else;
// tessel-batch-loop runs it one sample at a time, each a static op.
def Tessel_DynamicBatch : NativeOpTrait<"DynamicBatch"> {
  let cppNamespace = "::tessel::traits";
}

// On every tessel op: an op without Tessel_DynamicShapes has static shapes
// (the importer refuses a dynamic dimension there with the node's name; the
// verifier keeps passes from building one).
def Tessel_StaticUnlessDynamic : NativeOpTrait<"StaticUnlessDynamic"> {
  let cppNamespace = "::tessel::traits";
}

// Every tessel op is side-effect free: the graph is a pure dataflow graph.
class Tessel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tessel_Dialect, mnemonic, !listconcat(traits, [Pure, Tessel_StaticUnlessDynamic])>;

// Element types Tessel supports end to end.
def Tessel_Element : AnyTypeOf<[F32, F64, F16, I1, I8, I16, I32, I64]>;
def Tessel_Tensor : RankedTensorOf<[F32, F64, F16, I1, I8, I16, I32, I64]>;
def Tessel_FloatTensor : RankedTensorOf<[F32, F64, F16]>;

#endif // TESSEL_BASE_TD
