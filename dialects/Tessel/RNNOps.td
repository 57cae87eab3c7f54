//===- RNNOps.td - Recurrent layers: RNN, GRU, LSTM ----------------------===//
#ifndef TESSEL_RNN_OPS_TD
#define TESSEL_RNN_OPS_TD

include "dialects/Tessel/TesselBase.td"

// The three ONNX recurrent layers, in the time-major layout (the importer
// transposes ONNX layout=1). For D directions (1, or 2 for bidirectional),
// hidden size H, G gates (RNN 1, GRU 3, LSTM 4), T steps, batch B, input I:
//   input      [T, B, I]
//   weight     [D, G*H, I]     (ONNX W)
//   recurrence [D, G*H, H]     (ONNX R)
//   bias       [D, 2*G*H]      (ONNX B: input biases then recurrence biases)
//   initial_h  [D, B, H], or [D, 1, H] broadcast to every batch entry (the
//              importer's zero default when B is only known at run time)
//   sequence_lens [B]          optional, i32 or i64: steps at or past a batch
//                              entry's length leave its state unchanged and
//                              write 0 to Y (reverse directions start at the
//                              entry's last valid step)
// Bias and initial states are always operands: the importer materializes
// ONNX's zero defaults as splat constants. (Only one operand may be optional:
// ODS's operand segment sizes do not compile with attributes kept outside
// properties, as this dialect keeps them.)
// results: Y [T, D, B, H] and Y_h [D, B, H] (LSTM also Y_c [D, B, H]).
// T and B may be dynamic (a sequence or batch of run-time size); a dynamic
// size that must agree with another is checked at run time.
//
// `activations` names every activation of every direction (forward first),
// with one `activation_alpha` and `activation_beta` per entry (the importer
// fills in ONNX's defaults). Known names: Relu, Tanh, Sigmoid, Affine,
// LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign,
// Softplus. `clip`, when present, clamps gate pre-activations to
// [-clip, clip].
class Tessel_RecurrentOp<string mnemonic, int numGates, int numActivations,
                         dag extraOperands, dag extraAttrs, dag outs>
    : Tessel_Op<mnemonic, [InferTypeOpAdaptor, Tessel_DynamicShapes]> {
  let arguments = !con(
      (ins Tessel_FloatTensor:$input, Tessel_FloatTensor:$weight,
           Tessel_FloatTensor:$recurrence, Tessel_FloatTensor:$bias,
           Tessel_FloatTensor:$initial_h),
      extraOperands,
      (ins Optional<RankedTensorOf<[I32, I64]>>:$sequence_lens),
      (ins I64Attr:$hidden_size,
           DefaultValuedStrAttr<StrAttr, "forward">:$direction,
           StrArrayAttr:$activations, DenseF64ArrayAttr:$activation_alpha,
           DenseF64ArrayAttr:$activation_beta, OptionalAttr<F64Attr>:$clip),
      extraAttrs);
  let results = outs;
  let extraClassDeclaration = [{
    static constexpr int64_t kNumGates = }] # numGates # [{;
    static constexpr int64_t kNumActivations = }] # numActivations # [{;
    int64_t getNumDirections() { return getDirection() == "bidirectional" ? 2 : 1; }
  }];
}

def Tessel_RNNOp : Tessel_RecurrentOp<"rnn", 1, 1, (ins), (ins),
    (outs Tessel_FloatTensor:$y, Tessel_FloatTensor:$y_h)> {
  let summary = "simple recurrent layer (ONNX RNN)";
  let description = [{
    H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb), one activation f per direction
    (ONNX default Tanh).
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence `,` $bias `,` $initial_h
      (`sequence_lens` `(` $sequence_lens^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_GRUOp : Tessel_RecurrentOp<"gru", 3, 2, (ins),
    (ins DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset),
    (outs Tessel_FloatTensor:$y, Tessel_FloatTensor:$y_h)> {
  let summary = "gated recurrent unit layer (ONNX GRU)";
  let description = [{
    Gates in the order z (update), r (reset), h (hidden); activations (f, g)
    per direction (ONNX default Sigmoid, Tanh):

        z = f(X W_z^T + H R_z^T + Wb_z + Rb_z)
        r = f(X W_r^T + H R_r^T + Wb_r + Rb_r)
        h = g(X W_h^T + (r * H) R_h^T + Rb_h + Wb_h)      linear_before_reset = false
        h = g(X W_h^T + r * (H R_h^T + Rb_h) + Wb_h)      linear_before_reset = true (PyTorch)
        H' = (1 - z) * h + z * H
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence `,` $bias `,` $initial_h
      (`sequence_lens` `(` $sequence_lens^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Tessel_LSTMOp : Tessel_RecurrentOp<"lstm", 4, 3,
    (ins Tessel_FloatTensor:$initial_c, Tessel_FloatTensor:$peepholes),
    (ins DefaultValuedAttr<BoolAttr, "false">:$input_forget),
    (outs Tessel_FloatTensor:$y, Tessel_FloatTensor:$y_h, Tessel_FloatTensor:$y_c)> {
  let summary = "long short-term memory layer (ONNX LSTM)";
  let description = [{
    Gates in the order i, o, f, c; activations (f, g, h) per direction (ONNX
    default Sigmoid, Tanh, Tanh); `initial_c` is [D, B, H] and `peepholes`
    [D, 3*H] (P_i, P_o, P_f; zeros when ONNX omits them):

        i = f(X W_i^T + H R_i^T + P_i * C + Wb_i + Rb_i)
        f = f(X W_f^T + H R_f^T + P_f * C + Wb_f + Rb_f)    (1 - i with input_forget)
        c = g(X W_c^T + H R_c^T + Wb_c + Rb_c)
        C' = f * C + i * c
        o = f(X W_o^T + H R_o^T + P_o * C' + Wb_o + Rb_o)
        H' = o * h(C')
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence `,` $bias `,` $initial_h `,` $initial_c `,` $peepholes
      (`sequence_lens` `(` $sequence_lens^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // TESSEL_RNN_OPS_TD
