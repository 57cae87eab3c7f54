#!/usr/bin/python3
"""Writes small ONNX models for the importer lit tests.

    make_model.py NAME OUT.onnx [NAME OUT.onnx]... [--data DIR] [--perturbed-data DIR]

Several models per call keep the tests fast (importing onnx is most of the
cost). With --data, also writes the model's inputs and numpy-computed expected
outputs as DIR/input_<i>.pb and DIR/output_<i>.pb (tessel-run --data), and the
same tensors as DIR/input_<i>.npy and DIR/output_<i>.npy.

Every model is built here with onnx.helper at test time, so the tests need no
binary files in the repository. Node names are explicit so that tests can
check that they become op locations. Run with Debian's /usr/bin/python3
(lit's %python), which has the onnx package.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, initializers=(), opset=13, check=True):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="tessel-lit")
    # IR version 7 is understood by ONNX 1.12's checker at every opset used here.
    m.ir_version = 7
    if check:
        onnx.checker.check_model(m)
    return m


def weights(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# --- Models ------------------------------------------------------------------

def conv_relu():
    # 4x3x3x3 = 108 weights: more than the inline limit, so a dense_resource.
    # The 4-element bias stays inline.
    return model(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1",
                          pads=[1, 1, 1, 1], strides=[1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu1")],
        [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])],
        [init("w", weights((4, 3, 3, 3))),
         init("b", np.array([0.5, -0.5, 1.0, 0.0], np.float32))])


def mlp():
    # y = relu(x @ w1 + b1) @ w2: the model the pipeline tests compile.
    return model(
        [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
         helper.make_node("Add", ["h", "b1"], ["hb"], name="fc1_bias"),
         helper.make_node("Relu", ["hb"], ["a"], name="act"),
         helper.make_node("MatMul", ["a", "w2"], ["y"], name="fc2")],
        [vi("x", [2, 8])], [vi("y", [2, 3])],
        [init("w1", weights((8, 16), 1)), init("b1", weights((16,), 2)),
         init("w2", weights((16, 3), 3))])


def softmax(opset):
    def build():
        return model([helper.make_node("Softmax", ["x"], ["y"], name="sm")],
                     [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], opset=opset)
    return build


def softmax_v11_axis_last():
    # Before opset 13, coercing at the last axis is a plain last-axis softmax.
    return model([helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=-1)],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], opset=11)


def reshape_zero_neg():
    # 0 copies the input dimension, -1 takes what is left: [2,3,4] -> [2,12].
    return model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="flatten_it")],
        [vi("x", [2, 3, 4])], [vi("y", [2, 12])],
        [init("shape", np.array([0, -1], np.int64))])


def reshape_two_neg():
    return model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="bad_reshape")],
        [vi("x", [2, 3, 4])], [vi("y", [2, 12])],
        [init("shape", np.array([-1, -1], np.int64))])


def conv_auto_pad(mode):
    def build():
        # A 2x2 kernel on a 5x5 input with stride 1 needs one pad in total per
        # axis: SAME_UPPER puts it at the end, SAME_LOWER at the beginning.
        return model(
            [helper.make_node("Conv", ["x", "w"], ["y"], name="same_conv", auto_pad=mode)],
            [vi("x", [1, 1, 5, 5])], [vi("y", [1, 2, 5, 5])],
            [init("w", weights((2, 1, 2, 2), 4))])
    return build


def legacy_broadcast():
    # Opset 6: Add aligns the [3] operand at axis 1 of [2,3,4] only with
    # broadcast=1.
    return model(
        [helper.make_node("Add", ["x", "b"], ["y"], name="legacy_add", broadcast=1, axis=1)],
        [vi("x", [2, 3, 4]), vi("b", [3])], [vi("y", [2, 3, 4])], opset=6)


def gemm_flatten():
    # Flatten [2,3,2] -> [2,6], then Gemm with transB and a [4] bias.
    return model(
        [helper.make_node("Flatten", ["x"], ["f"], name="flat", axis=1),
         helper.make_node("Gemm", ["f", "w", "c"], ["y"], name="linear", transB=1,
                          alpha=2.0)],
        [vi("x", [2, 3, 2])], [vi("y", [2, 4])],
        [init("w", weights((4, 6), 5)), init("c", np.ones(4, np.float32))])


def reduce_axes_input():
    # ReduceSum takes its axes from a constant input from opset 13; -1 is the
    # last axis. Identity and inference Dropout import as no ops at all.
    return model(
        [helper.make_node("Constant", [], ["axes"], name="axes_const",
                          value=init("axes_value", np.array([-1], np.int64))),
         helper.make_node("ReduceSum", ["x", "axes"], ["r"], name="rsum", keepdims=0),
         helper.make_node("Identity", ["r"], ["i"], name="ident"),
         helper.make_node("Dropout", ["i"], ["y"], name="drop")],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3])])


def duplicate_output():
    # Two graph outputs that are one tensor: y and Identity(y).
    return model(
        [helper.make_node("Relu", ["x"], ["y"], name="act"),
         helper.make_node("Identity", ["y"], ["y_again"], name="same")],
        [vi("x", [2, 3])], [vi("y", [2, 3]), vi("y_again", [2, 3])])


def unsupported_op():
    # Unique's output shape depends on the data: it cannot have a static shape.
    return model([helper.make_node("Unique", ["x"], ["y"], name="uq")],
                 [vi("x", [6])], [vi("y", [6])])


def undefined_input():
    # ONNX's checker would reject this graph, so it is written unchecked.
    return model([helper.make_node("Relu", ["nope"], ["y"], name="r")],
                 [vi("x", [2, 3])], [vi("y", [2, 3])], check=False)


def symbolic_dim():
    return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                 [vi("x", ["batch", 3])], [vi("y", ["batch", 3])])


def dynamic_mul():
    # Two inputs sharing the symbols batch and seq, one output whose last
    # dimension carries an exporter-made name no input uses.
    return model([helper.make_node("Mul", ["x", "m"], ["y"], name="mul")],
                 [vi("x", ["batch", "seq", 4]), vi("m", ["batch", "seq", 1])],
                 [vi("y", ["batch", "seq", "Mul_dim_2"])])


def dynamic_add():
    # x + y over dimensions without names: only the shape function knows
    # they must agree.
    return model([helper.make_node("Add", ["x", "y"], ["z"], name="add")],
                 [vi("x", [None, 4]), vi("y", [None, 4])], [vi("z", [None, 4])])


def dynamic_mlp():
    # softmax(relu(x @ w1 + b1) @ w2 + b2) over a symbolic batch.
    return model(
        [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
         helper.make_node("Add", ["h", "b1"], ["hb"], name="fc1_bias"),
         helper.make_node("Relu", ["hb"], ["a"], name="act"),
         helper.make_node("MatMul", ["a", "w2"], ["z"], name="fc2"),
         helper.make_node("Add", ["z", "b2"], ["zb"], name="fc2_bias"),
         helper.make_node("Softmax", ["zb"], ["y"], name="probs", axis=-1)],
        [vi("x", ["batch", 8])], [vi("y", ["batch", 3])],
        [init("w1", weights((8, 16), 1)), init("b1", weights((16,), 2)),
         init("w2", weights((16, 3), 3)), init("b2", weights((3,), 4))])


def dynamic_conv_hw():
    # A Conv over a symbolic height and width, which it does not take yet.
    return model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1", pads=[1, 1, 1, 1])],
        [vi("x", [1, 3, "H", "W"])], [vi("y", [1, 4, "H", "W"])],
        [init("w", weights((4, 3, 3, 3)))])


def dynamic_conv():
    # A Conv over a symbolic batch behind a Relu.
    return model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu0"),
         helper.make_node("Conv", ["r", "w"], ["y"], name="conv1", pads=[1, 1, 1, 1])],
        [vi("x", ["N", 3, 8, 8])], [vi("y", ["N", 4, 8, 8])],
        [init("w", weights((4, 3, 3, 3)))])


def computed_reshape():
    # Reshape targets computed from run-time sizes, as exporters write them:
    # z: attention heads, [batch, seq, 4, 16] from Shape -> Gather -> Concat,
    #    then Transpose;
    # w: Keras-style flatten, Shape -> Slice -> Concat with -1;
    # v: [batch, seq * 64] through a Mul of a size.
    i64 = TensorProto.INT64
    return model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "i0"], ["b"], name="batch", axis=0),
         helper.make_node("Gather", ["s", "i1"], ["t"], name="seq", axis=0),
         helper.make_node("Concat", ["b", "t", "heads"], ["s1"], name="heads_shape", axis=0),
         helper.make_node("Reshape", ["x", "s1"], ["y"], name="split_heads"),
         helper.make_node("Transpose", ["y"], ["z"], name="heads_first", perm=[0, 2, 1, 3]),
         helper.make_node("Slice", ["s", "i0", "i1"], ["bs"], name="batch_slice"),
         helper.make_node("Concat", ["bs", "minus1"], ["s2"], name="flat_shape", axis=0),
         helper.make_node("Reshape", ["x", "s2"], ["w"], name="flatten"),
         helper.make_node("Mul", ["t", "c64"], ["t64"], name="seq_x64"),
         helper.make_node("Concat", ["b", "t64"], ["s3"], name="rows_shape", axis=0),
         helper.make_node("Reshape", ["x", "s3"], ["v"], name="rows")],
        [vi("x", ["batch", "seq", 64])],
        [vi("z", ["batch", 4, "seq", 16]), vi("w", ["batch", None]), vi("v", ["batch", None])],
        [init("i0", np.array([0], np.int64)), init("i1", np.array([1], np.int64)),
         init("heads", np.array([4, 16], np.int64)), init("minus1", np.array([-1], np.int64)),
         init("c64", np.array([64], np.int64))])


def computed_range():
    # Position ids Range(0, Shape(x)[1], 1) (int64, as BERT exports), and a
    # float Range(0, seq, 0.5) through a Cast of the size.
    return model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "one"], ["t"], name="seq", axis=0),
         helper.make_node("Range", ["zero", "t", "one"], ["p"], name="positions"),
         helper.make_node("Cast", ["t"], ["tf"], name="seq_float", to=F),
         helper.make_node("Range", ["zerof", "tf", "half"], ["h"], name="halves")],
        [vi("x", ["batch", "seq"])],
        [vi("p", ["seq"], TensorProto.INT64), vi("h", [None])],
        [init("zero", np.array(0, np.int64)), init("one", np.array(1, np.int64)),
         init("zerof", np.array(0, np.float32)), init("half", np.array(0.5, np.float32))])


def computed_reshape_three():
    # [batch, 3] from Shape: fits only inputs of 3 elements per sample.
    return model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "i0"], ["b"], name="batch", axis=0),
         helper.make_node("Concat", ["b", "c3"], ["s1"], name="three_shape", axis=0),
         helper.make_node("Reshape", ["x", "s1"], ["y"], name="three")],
        [vi("x", ["batch", "n"])], [vi("y", ["batch", 3])],
        [init("i0", np.array([0], np.int64)), init("c3", np.array([3], np.int64))])


def computed_reshape_deep():
    # A hostile size computation: 60 doublings of the batch, Add(t, t) each
    # (a DAG whose paths number 2^60), then [batch, t60 / t59, -1]. The
    # doublings wrap around int64 from batch 8 on, as ONNX Runtime's do.
    i64 = TensorProto.INT64
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Gather", ["s", "i0"], ["t0"], name="batch", axis=0)]
    for i in range(60):
        nodes.append(helper.make_node("Add", ["t%d" % i, "t%d" % i], ["t%d" % (i + 1)],
                                      name="double%d" % i))
    nodes += [helper.make_node("Div", ["t60", "t59"], ["two"], name="ratio"),
              helper.make_node("Concat", ["t0", "two", "minus1"], ["s1"], name="deep_shape",
                               axis=0),
              helper.make_node("Reshape", ["x", "s1"], ["y"], name="deep")]
    return model(nodes, [vi("x", ["batch", 4])], [vi("y", ["batch", None, None])],
                 [init("i0", np.array([0], np.int64)), init("minus1", np.array([-1], np.int64))])


def dynamic_seq_ops():
    # The data movement of transformer exports over a dynamic batch and
    # sequence: an embedding Gather by ids, LayerNormalization, the first
    # token (Gather along the sequence), Slices of the sequence (forward,
    # reversed, and up to a bound computed from Shape), Concat along it,
    # Unsqueeze, Flatten, constant Reshapes that keep or merge dynamic dims,
    # Expand and ConstantOfShape to computed shapes. run_dynamic_seq_ops.py
    # checks every output against NumPy.
    i64 = TensorProto.INT64
    big = np.iinfo(np.int64)
    nodes = [
        helper.make_node("Gather", ["table", "ids"], ["e"], name="embed"),
        helper.make_node("Add", ["x", "e"], ["h"], name="add"),
        helper.make_node("LayerNormalization", ["h", "gamma", "beta"], ["ln"], name="norm",
                         axis=-1, epsilon=1e-5),
        helper.make_node("Gather", ["ln", "zero"], ["first"], name="first_token", axis=1),
        helper.make_node("Slice", ["ln", "one1", "max1", "one1"], ["tail"], name="tail"),
        helper.make_node("Slice", ["ln", "minus1", "min1", "one1", "minus1"], ["rev"],
                         name="reverse"),
        helper.make_node("Concat", ["ln", "tail"], ["cat"], name="cat", axis=1),
        helper.make_node("Unsqueeze", ["first", "one1"], ["u"], name="unsqueeze"),
        helper.make_node("Flatten", ["ln"], ["flat"], name="flatten", axis=2),
        helper.make_node("Reshape", ["ln", "keep_shape"], ["heads"], name="split_heads"),
        helper.make_node("Reshape", ["ln", "rows_shape"], ["rows"], name="rows"),
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero1"], ["b"], name="batch", axis=0),
        helper.make_node("Gather", ["s", "one1"], ["t"], name="seq", axis=0),
        helper.make_node("Concat", ["b", "one1", "eight"], ["cls_shape"], name="cls_shape", axis=0),
        helper.make_node("Expand", ["cls", "cls_shape"], ["cls_b"], name="expand_cls"),
        helper.make_node("Shape", ["ids"], ["ids_shape"], name="ids_shape"),
        helper.make_node("ConstantOfShape", ["ids_shape"], ["ones"], name="ones",
                         value=helper.make_tensor("v", F, [1], [1.0])),
        helper.make_node("Slice", ["table", "zero1", "t", "zero1"], ["positions"],
                         name="positions"),
    ]
    outs = {"first": ["batch", 8], "tail": ["batch", None, 8], "rev": ["batch", "seq", 8],
            "cat": ["batch", None, 8], "u": ["batch", 1, 8], "flat": [None, 8],
            "heads": ["batch", "seq", 2, 4], "rows": [None, 4], "cls_b": ["batch", 1, 8],
            "ones": ["batch", "seq"], "positions": ["seq", 8]}
    rng = np.random.default_rng(7)
    return model(nodes, [vi("x", ["batch", "seq", 8]), vi("ids", ["batch", "seq"], i64)],
                 [vi(o, dims) for o, dims in outs.items()],
                 [init("table", rng.standard_normal((40, 8)).astype(np.float32)),
                  init("gamma", rng.standard_normal(8).astype(np.float32)),
                  init("beta", rng.standard_normal(8).astype(np.float32)),
                  init("cls", rng.standard_normal((1, 1, 8)).astype(np.float32)),
                  init("zero", np.array(0, np.int64)), init("zero1", np.array([0], np.int64)),
                  init("one1", np.array([1], np.int64)), init("minus1", np.array([-1], np.int64)),
                  init("max1", np.array([big.max], np.int64)),
                  init("min1", np.array([big.min], np.int64)),
                  init("eight", np.array([8], np.int64)),
                  init("keep_shape", np.array([0, 0, 2, 4], np.int64)),
                  init("rows_shape", np.array([-1, 4], np.int64))], opset=17)


def int_division():
    # Integer Div and Mod (fmod=0) of int64 tensors, fed divisors 0 and -1 by
    # the tests: they must not trap (SIGFPE) in the host process.
    i64 = TensorProto.INT64
    return model([helper.make_node("Div", ["a", "b"], ["q"], name="div"),
                  helper.make_node("Mod", ["a", "b"], ["r"], name="mod")],
                 [vi("a", [4], i64), vi("b", [4], i64)], [vi("q", [4], i64), vi("r", [4], i64)])


def slice_data_bound():
    # A Slice whose end is computed from run-time sizes and whose start is
    # data (a graph input, read by the shape function).
    i64 = TensorProto.INT64
    return model([helper.make_node("Shape", ["x"], ["s"], name="shape", start=1, end=2),
                  helper.make_node("Slice", ["x", "n", "s", "one"], ["y"], name="window")],
                 [vi("x", ["batch", "len"]), vi("n", [1], i64)], [vi("y", ["batch", None])],
                 [init("one", np.array([1], np.int64))], opset=15)


def squeeze_dynamic():
    # Squeeze of an axis whose size is only known at run time.
    return model([helper.make_node("Squeeze", ["x", "axes"], ["y"], name="sq")],
                 [vi("x", ["batch", 4])], [vi("y", [4])],
                 [init("axes", np.array([0], np.int64))], opset=13)


def split_dynamic():
    # Split of an axis of run-time size into three equal parts.
    return model([helper.make_node("Split", ["x"], ["a", "b", "c"], name="sp", axis=1)],
                 [vi("x", ["batch", "len"])], [vi(o, ["batch", None]) for o in "abc"],
                 opset=13)


def unnamed_dim():
    # A dimension with neither a size nor a name.
    return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                 [vi("x", [None, 3])], [vi("y", [None, 3])])


def matmul_mismatch():
    return model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                 [vi("a", [2, 3]), vi("b", [4, 5])], [vi("y", [2, 5])])


def opset_too_new():
    return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                 [vi("x", [2, 3])], [vi("y", [2, 3])], opset=18, check=False)


# --- Reference data (ONNX backend test layout: input_<i>.pb, output_<i>.pb) ---

def softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def reference(name, m):
    """Inputs and numpy-computed outputs of model `name`, or None."""
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    rng = np.random.default_rng(42)
    if name == "mlp":
        x = rng.standard_normal((2, 8)).astype(np.float32)
        h = np.maximum(x @ inits["w1"] + inits["b1"], 0)
        return [x], [h @ inits["w2"]]
    if name == "softmax_v11":
        # Before opset 13 the input is coerced to [2, 12] at axis 1: one
        # softmax over the 12 trailing elements of each batch row.
        x = rng.standard_normal((2, 3, 4)).astype(np.float32)
        return [x], [softmax_ref(x.reshape(2, 12), 1).reshape(2, 3, 4)]
    if name == "duplicate_output":
        x = rng.standard_normal((2, 3)).astype(np.float32)
        return [x], [np.maximum(x, 0), np.maximum(x, 0)]
    if name == "softmax_v13":
        x = rng.standard_normal((2, 3, 4)).astype(np.float32)
        return [x], [softmax_ref(x, 2)]
    return None


def write_data(name, m, data_dir, perturb):
    ref = reference(name, m)
    if ref is None:
        sys.exit(f"no reference data for model '{name}'")
    os.makedirs(data_dir, exist_ok=True)
    inputs, outputs = ref
    if perturb:
        outputs = [o + np.float32(0.5) for o in outputs]
    for kind, arrays, infos in (("input", inputs, m.graph.input),
                                ("output", outputs, m.graph.output)):
        for i, (a, info) in enumerate(zip(arrays, infos)):
            a = np.asarray(a, np.float32)
            t = numpy_helper.from_array(a, info.name)
            with open(os.path.join(data_dir, f"{kind}_{i}.pb"), "wb") as f:
                f.write(t.SerializeToString())
            # The same tensor as .npy, for tools that read NumPy files.
            np.save(os.path.join(data_dir, f"{kind}_{i}.npy"), a)


MODELS = {
    "conv_relu": conv_relu,
    "mlp": mlp,
    "softmax_v11": softmax(11),
    "softmax_v13": softmax(13),
    "softmax_v11_axis_last": softmax_v11_axis_last,
    "reshape_zero_neg": reshape_zero_neg,
    "reshape_two_neg": reshape_two_neg,
    "same_upper": conv_auto_pad("SAME_UPPER"),
    "same_lower": conv_auto_pad("SAME_LOWER"),
    "legacy_broadcast": legacy_broadcast,
    "gemm_flatten": gemm_flatten,
    "reduce_axes_input": reduce_axes_input,
    "duplicate_output": duplicate_output,
    "unsupported_op": unsupported_op,
    "undefined_input": undefined_input,
    "symbolic_dim": symbolic_dim,
    "dynamic_mul": dynamic_mul,
    "unnamed_dim": unnamed_dim,
    "dynamic_mlp": dynamic_mlp,
    "dynamic_add": dynamic_add,
    "dynamic_conv_hw": dynamic_conv_hw,
    "dynamic_conv": dynamic_conv,
    "computed_reshape": computed_reshape,
    "computed_reshape_three": computed_reshape_three,
    "computed_range": computed_range,
    "computed_reshape_deep": computed_reshape_deep,
    "dynamic_seq_ops": dynamic_seq_ops,
    "int_division": int_division,
    "slice_data_bound": slice_data_bound,
    "squeeze_dynamic": squeeze_dynamic,
    "split_dynamic": split_dynamic,
    "matmul_mismatch": matmul_mismatch,
    "opset_too_new": opset_too_new,
}


def model_bytes(name):
    if name == "garbage":
        return b"this is not an ONNX model\x00\xff\xfe" * 8
    if name == "empty":
        return b""
    if name.startswith("truncated:"):
        full = MODELS[name.split(":", 1)[1]]().SerializeToString()
        return full[: len(full) // 2]
    if name not in MODELS:
        sys.exit(f"unknown model '{name}'; known: {', '.join(sorted(MODELS))}")
    return MODELS[name]().SerializeToString()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", metavar="NAME OUT.onnx",
                        help="pairs of a model name (or truncated:NAME, garbage, empty) "
                             "and the file to write")
    parser.add_argument("--data", metavar="DIR",
                        help="also write the (single) model's inputs and numpy-computed "
                             "expected outputs to DIR/input_<i>.pb, DIR/output_<i>.pb")
    parser.add_argument("--perturbed-data", metavar="DIR",
                        help="like --data, with 0.5 added to the expected outputs "
                             "(a run checked against them must fail)")
    args = parser.parse_args(argv[1:])
    if len(args.models) % 2:
        parser.error("models come in pairs: NAME OUT.onnx")
    pairs = list(zip(args.models[::2], args.models[1::2]))
    for data_dir, perturb in ((args.data, False), (args.perturbed_data, True)):
        if data_dir:
            if len(pairs) != 1:
                parser.error("--data and --perturbed-data take exactly one model")
            name = pairs[0][0]
            write_data(name, MODELS[name](), data_dir, perturb)
    for name, out in pairs:
        data = model_bytes(name)
        with open(out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv)
