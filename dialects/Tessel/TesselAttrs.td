//===- TesselAttrs.td - Code-generation attributes of the tessel dialect -===//
//
// The two attributes that carry code-generation decisions through the IR:
// `#tessel.target`, the CPU that code is generated for (on the module), and
// `#tessel.kernel_config`, the strategy chosen for one contraction (on its
// linalg.generic) by tessel-select-kernel-config. Typed, verified, and
// printed and parsed by MLIR, so that a hand-written test, an IR dump and
// the passes read the same fields with the same meaning.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_ATTRS_TD
#define TESSEL_ATTRS_TD

include "dialects/Tessel/TesselBase.td"
include "mlir/IR/EnumAttr.td"

def Tessel_ParallelLoop : I32EnumAttr<"ParallelLoop",
    "which loop of a register-blocked kernel runs its iterations on the thread pool", [
  I32EnumAttrCase<"None", 0, "none">,
  I32EnumAttrCase<"Outer", 1, "outer">,
  I32EnumAttrCase<"Columns", 2, "columns">,
  I32EnumAttrCase<"Rows", 3, "rows">,
  I32EnumAttrCase<"ColumnBlocks", 4, "column_blocks">
]> {
  let cppNamespace = "::tessel";
  let genSpecializedAttr = 0;
}

def Tessel_ParallelLoopParameter : EnumParameter<Tessel_ParallelLoop> {
  let defaultValue = "::tessel::ParallelLoop::None";
}

class Tessel_Attr<string name, string attrMnemonic> : AttrDef<Tessel_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Tessel_TargetAttr : Tessel_Attr<"Target", "target"> {
  let summary = "The CPU that code is generated for";
  let description = [{
    What kernels may assume about the CPU: its LLVM triple and CPU name, the
    instruction-set extensions that matter to kernels (LLVM's names), the
    vector register width and count, the vector FMAs it issues per cycle and
    its per-core cache sizes. Recorded on the module by tessel-compile (from
    the host, or from --target-cpu / --target-features) and read by every
    pass that chooses a size (codegen/Target/TargetDescription.h).

    ```mlir
    module attributes {tessel.target = #tessel.target<cpu = "znver3",
        extensions = ["avx", "avx2", "fma"], vector_bits = 256>}
    ```
  }];
  let parameters = (ins
    StringRefParameter<"LLVM target triple", "\"\"">:$triple,
    StringRefParameter<"LLVM CPU name", "\"\"">:$cpu,
    OptionalParameter<"::mlir::ArrayAttr", "kernel-relevant extensions, as strings">:$extensions,
    DefaultValuedParameter<"int64_t", "128", "bits of one vector register">:$vector_bits,
    DefaultValuedParameter<"int64_t", "16", "vector registers">:$vector_registers,
    DefaultValuedParameter<"int64_t", "2", "vector FMAs issued per cycle">:$fma_units,
    DefaultValuedParameter<"int64_t", "32768", "L1 data cache bytes per core">:$l1_bytes,
    DefaultValuedParameter<"int64_t", "524288", "L2 cache bytes per core">:$l2_bytes,
    DefaultValuedParameter<"int64_t", "8388608", "L3 cache bytes">:$l3_bytes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Tessel_KernelConfigAttr : Tessel_Attr<"KernelConfig", "kernel_config"> {
  let summary = "The register-blocked outer-product kernel chosen for one contraction";
  let description = [{
    Set on a bufferized float32 multiply-accumulate linalg.generic by
    tessel-select-kernel-config and read by tessel-pack-constant-operands and
    tessel-vectorize-contractions: a register tile of `rows` rows of C by
    `vectors` vector registers of `lanes` float32 lanes, the blocks of the
    outermost reduction, of C's rows and of its columns (0: none), which
    operands are packed, the loop order (`stationary_a`, `fold_outer`) and
    which loop runs on the thread pool. codegen/Kernels/KernelConfig.h
    documents each field; the verifier holds the combinations the kernel
    generator supports.

    ```mlir
    tessel.kernel_config = #tessel.kernel_config<lanes = 8, rows = 6,
        vectors = 2, reduction_block = 256, pack_b = true, parallel = columns>
    ```
  }];
  let parameters = (ins
    "int64_t":$lanes,
    "int64_t":$rows,
    "int64_t":$vectors,
    DefaultValuedParameter<"int64_t", "0">:$reduction_block,
    DefaultValuedParameter<"int64_t", "0">:$row_block,
    DefaultValuedParameter<"int64_t", "0">:$column_block,
    DefaultValuedParameter<"bool", "false">:$pack_a,
    DefaultValuedParameter<"bool", "false">:$pack_b,
    DefaultValuedParameter<"bool", "false">:$stationary_a,
    DefaultValuedParameter<"bool", "false">:$fold_outer,
    Tessel_ParallelLoopParameter:$parallel
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // TESSEL_ATTRS_TD
