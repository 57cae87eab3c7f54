#!/usr/bin/python3
"""Small ONNX models for the tools tests, built with onnx.helper (fast, no
torch), each with a test data set whose expected outputs come from a NumPy
reference:

  cnn          conv/relu/maxpool/conv/add/global-average-pool/flatten/gemm/softmax
  transformer  a pre-norm transformer block: LayerNorm written out
               (ReduceMean/Sub/Pow/Sqrt/Div), multi-head attention with
               Reshape/Transpose head splitting, MatMul/Softmax, erf-GELU MLP

    make_models.py OUT_DIR        writes OUT_DIR/<name>/model.onnx and
                                  OUT_DIR/<name>/test_data_set_0/{input,output}_0.pb

Idempotent and safe to run concurrently: each model is built in a temporary
folder and renamed into place; a folder stamped with this script's hash is
reused.
"""
import hashlib
import math
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def conv2d(x, w, b, pad):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + oh, j:j + ow]
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return out + b.reshape(1, m, 1, 1)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class Graph:
    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)
        self.nodes, self.inits = [], []

    def weight(self, name, shape, scale=0.3):
        value = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        self.inits.append(numpy_helper.from_array(value, name))
        return name, value

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op, inputs, output, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=name, **attrs))
        return output

    def model(self, name, x_shape, y_shape):
        graph = helper.make_graph(
            self.nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="tessel-tests")
        onnx.checker.check_model(model)
        return model


def cnn():
    g = Graph(0)
    x = np.random.RandomState(1).standard_normal((1, 3, 16, 16)).astype(np.float32)
    w1, W1 = g.weight("conv1.weight", (8, 3, 3, 3))
    b1, B1 = g.weight("conv1.bias", (8,))
    w2, W2 = g.weight("conv2.weight", (8, 8, 3, 3), 0.2)
    b2, B2 = g.weight("conv2.bias", (8,))
    w3, W3 = g.weight("fc.weight", (10, 8))
    b3, B3 = g.weight("fc.bias", (10,))
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    g.node("Conv", ["x", w1, b1], "c1", "/conv1/Conv", **conv)
    g.node("Relu", ["c1"], "r1", "/relu1/Relu")
    g.node("MaxPool", ["r1"], "p1", "/pool/MaxPool", kernel_shape=[2, 2], strides=[2, 2])
    g.node("Conv", ["p1", w2, b2], "c2", "/conv2/Conv", **conv)
    g.node("Add", ["c2", "p1"], "a", "/residual/Add")
    g.node("Relu", ["a"], "r2", "/relu2/Relu")
    g.node("GlobalAveragePool", ["r2"], "gap", "/gap/GlobalAveragePool")
    g.node("Flatten", ["gap"], "f", "/flatten/Flatten")
    g.node("Gemm", ["f", w3, b3], "logits", "/fc/Gemm", transB=1)
    g.node("Softmax", ["logits"], "y", "/softmax/Softmax", axis=1)
    model = g.model("cnn", [1, 3, 16, 16], [1, 10])

    xd = x.astype(np.float64)
    r1 = np.maximum(conv2d(xd, W1, B1, 1), 0)
    p1 = r1.reshape(1, 8, 8, 2, 8, 2).max(axis=(3, 5))
    r2 = np.maximum(conv2d(p1, W2, B2, 1) + p1, 0)
    logits = r2.mean(axis=(2, 3)) @ W3.T + B3
    return model, x, softmax(logits, 1)


def transformer():
    seq, d, heads, ff = 16, 32, 4, 64
    dh = d // heads
    g = Graph(2)
    x = np.random.RandomState(3).standard_normal((1, seq, d)).astype(np.float32)
    two = g.const("two", np.array(2.0, dtype=np.float32))
    eps = g.const("eps", np.array(1e-5, dtype=np.float32))
    scale = g.const("scale", np.array(math.sqrt(dh), dtype=np.float32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
    one = g.const("one", np.array(1.0, dtype=np.float32))
    half = g.const("half", np.array(0.5, dtype=np.float32))
    heads_shape = g.const("heads_shape", np.array([1, seq, heads, dh], dtype=np.int64))
    model_shape = g.const("model_shape", np.array([1, seq, d], dtype=np.int64))
    params = {}

    def layer_norm(inp, prefix):
        gamma, params[prefix + ".gamma"] = g.weight(prefix + ".weight", (d,), 0.1)
        beta, params[prefix + ".beta"] = g.weight(prefix + ".bias", (d,), 0.1)
        p = "/" + prefix + "/"
        g.node("ReduceMean", [inp], prefix + "_mean", p + "ReduceMean", axes=[-1])
        g.node("Sub", [inp, prefix + "_mean"], prefix + "_d", p + "Sub")
        g.node("Pow", [prefix + "_d", two], prefix + "_sq", p + "Pow")
        g.node("ReduceMean", [prefix + "_sq"], prefix + "_var", p + "ReduceMean_1", axes=[-1])
        g.node("Add", [prefix + "_var", eps], prefix + "_ve", p + "Add")
        g.node("Sqrt", [prefix + "_ve"], prefix + "_sd", p + "Sqrt")
        g.node("Div", [prefix + "_d", prefix + "_sd"], prefix + "_n", p + "Div")
        g.node("Mul", [prefix + "_n", gamma], prefix + "_s", p + "Mul")
        return g.node("Add", [prefix + "_s", beta], prefix + "_out", p + "Add_1")

    def linear(inp, prefix, n_in, n_out):
        w, params[prefix + ".w"] = g.weight(prefix + ".weight", (n_in, n_out), 1 / math.sqrt(n_in))
        b, params[prefix + ".b"] = g.weight(prefix + ".bias", (n_out,), 0.1)
        g.node("MatMul", [inp, w], prefix + "_mm", "/" + prefix + "/MatMul")
        return g.node("Add", [prefix + "_mm", b], prefix + "_out", "/" + prefix + "/Add")

    ln1 = layer_norm("x", "ln1")
    q, k, v = (linear(ln1, name, d, d) for name in ("q_proj", "k_proj", "v_proj"))
    for name, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
        src = {"q": q, "k": k, "v": v}[name]
        g.node("Reshape", [src, heads_shape], name + "_h", "/attn/%s/Reshape" % name)
        g.node("Transpose", [name + "_h"], name + "_t", "/attn/%s/Transpose" % name, perm=perm)
    g.node("MatMul", ["q_t", "k_t"], "scores", "/attn/MatMul")
    g.node("Div", ["scores", scale], "scaled", "/attn/Div")
    g.node("Softmax", ["scaled"], "probs", "/attn/Softmax", axis=-1)
    g.node("MatMul", ["probs", "v_t"], "ctx", "/attn/MatMul_1")
    g.node("Transpose", ["ctx"], "ctx_t", "/attn/Transpose", perm=[0, 2, 1, 3])
    g.node("Reshape", ["ctx_t", model_shape], "ctx_m", "/attn/Reshape")
    attn = linear("ctx_m", "out_proj", d, d)
    g.node("Add", ["x", attn], "h", "/residual1/Add")
    ln2 = layer_norm("h", "ln2")
    f1 = linear(ln2, "fc1", d, ff)
    g.node("Div", [f1, sqrt2], "g_div", "/gelu/Div")
    g.node("Erf", ["g_div"], "g_erf", "/gelu/Erf")
    g.node("Add", ["g_erf", one], "g_add", "/gelu/Add")
    g.node("Mul", [f1, "g_add"], "g_mul", "/gelu/Mul")
    g.node("Mul", ["g_mul", half], "gelu", "/gelu/Mul_1")
    f2 = linear("gelu", "fc2", ff, d)
    g.node("Add", ["h", f2], "y", "/residual2/Add")
    model = g.model("transformer", [1, seq, d], [1, seq, d])

    def ln_ref(t, prefix):
        mu = t.mean(-1, keepdims=True)
        var = ((t - mu) ** 2).mean(-1, keepdims=True)
        return (t - mu) / np.sqrt(var + 1e-5) * params[prefix + ".gamma"] + params[prefix + ".beta"]

    def lin_ref(t, prefix):
        return t @ params[prefix + ".w"] + params[prefix + ".b"]

    xd = x.astype(np.float64)
    a = ln_ref(xd, "ln1")
    qh = lin_ref(a, "q_proj").reshape(1, seq, heads, dh).transpose(0, 2, 1, 3)
    kh = lin_ref(a, "k_proj").reshape(1, seq, heads, dh).transpose(0, 2, 3, 1)
    vh = lin_ref(a, "v_proj").reshape(1, seq, heads, dh).transpose(0, 2, 1, 3)
    p = softmax(qh @ kh / math.sqrt(dh), -1)
    ctx = (p @ vh).transpose(0, 2, 1, 3).reshape(1, seq, d)
    h = xd + lin_ref(ctx, "out_proj")
    f = lin_ref(ln_ref(h, "ln2"), "fc1")
    erf = np.vectorize(math.erf)
    y = h + lin_ref(0.5 * f * (1 + erf(f / math.sqrt(2))), "fc2")
    return model, x, y


MODELS = {"cnn": cnn, "transformer": transformer}


def main():
    out_dir = sys.argv[1]
    with open(os.path.abspath(__file__), "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest()[:12]
    os.makedirs(out_dir, exist_ok=True)
    for name, build in MODELS.items():
        final = os.path.join(out_dir, name)
        stamp_file = os.path.join(final, "stamp")
        if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
            continue
        model, x, y = build()
        tmp = tempfile.mkdtemp(dir=out_dir, prefix=name + ".tmp")
        onnx.save(model, os.path.join(tmp, "model.onnx"))
        data = os.path.join(tmp, "test_data_set_0")
        os.makedirs(data)
        for kind, value in (("input", x), ("output", y)):
            tensor = numpy_helper.from_array(value.astype(np.float32), "%s_0" % kind)
            with open(os.path.join(data, "%s_0.pb" % kind), "wb") as f:
                f.write(tensor.SerializeToString())
        with open(os.path.join(tmp, "stamp"), "w") as f:
            f.write(stamp)
        try:
            if os.path.exists(final):
                shutil.rmtree(final, ignore_errors=True)
            os.rename(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # Another process made it first.
    return 0


if __name__ == "__main__":
    sys.exit(main())
