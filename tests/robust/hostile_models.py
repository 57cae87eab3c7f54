#!/usr/bin/python3
"""Hostile and edge-case models: tessel-compile must refuse each cleanly.

Generates every case at test time (onnx.helper, raw bytes, files and links in
a scratch folder), runs tessel-compile on it and checks:

  * exit code 1, within a time limit (no hang);
  * stderr is one paragraph (a single line) that starts with
    "tessel-compile: error: <model path>:" and contains the case's key words;
  * no crash markers (LLVM ERROR, assertion, stack dump, sanitizer report).

Positive cases (zero-sized tensors, which are legal ONNX, and external data
inside the model's folder) must compile to a shared library and run with
tessel-run, matching the expected outputs.

  hostile_models.py --bin BUILD/bin            run all cases
  hostile_models.py --bin BUILD/bin --table    also print a Markdown table
  hostile_models.py --bin BUILD/bin --filter external
Ends with "N passed, N failed"; exit code 0 only if every case passed.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CRASH_MARKERS = ["LLVM ERROR", "Assertion", "Stack dump", "PLEASE submit", "Sanitizer",
                 "terminate called", "Segmentation fault", "core dumped", "runtime error:"]
FLOAT = TensorProto.FLOAT
INT64_MAX = 2**63 - 1


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, initializers=(), opset=13, extra_opsets=()):
    graph = helper.make_graph(nodes, "hostile", inputs, outputs, list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="hostile_models.py")
    m.ir_version = 8
    return m


def mlp():
    """A small valid model: y = relu(x @ w + b)."""
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4), "w")
    b = numpy_helper.from_array(np.ones(4, dtype=np.float32), "b")
    return model([helper.make_node("MatMul", ["x", "w"], ["t"], name="matmul"),
                  helper.make_node("Add", ["t", "b"], ["u"], name="add"),
                  helper.make_node("Relu", ["u"], ["y"], name="relu")],
                 [vi("x", [2, 3])], [vi("y", [2, 4])], [w, b])


def external_model(location=None, offset=None, length=None, entries=None, dims=(4, 4)):
    """x[4,4] + w, where w is stored as external data."""
    w = TensorProto()
    w.name = "w"
    w.data_type = FLOAT
    w.dims.extend(dims)
    w.data_location = TensorProto.EXTERNAL
    kv = entries or []
    if location is not None:
        kv.append(("location", location))
    if offset is not None:
        kv.append(("offset", str(offset)))
    if length is not None:
        kv.append(("length", str(length)))
    for k, v in kv:
        e = w.external_data.add()
        e.key, e.value = k, v
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", list(dims))], [vi("y", list(dims))], [w])


def conv_model(x_shape=(1, 1, 5, 5), w_shape=(1, 1, 3, 3), y_shape=(1, 1, 3, 3), **attrs):
    w = numpy_helper.from_array(np.ones(w_shape, dtype=np.float32), "w")
    return model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv", **attrs)],
                 [vi("x", list(x_shape))], [vi("y", list(y_shape))], [w])


def raw_initializer(name, dims, raw, elem=FLOAT):
    t = TensorProto()
    t.name, t.data_type = name, elem
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def float_data_initializer(name, dims, values):
    t = TensorProto()
    t.name, t.data_type = name, FLOAT
    t.dims.extend(dims)
    t.float_data.extend(values)
    return t


def nested_if(depth):
    """An If whose then-branch holds an If whose then-branch ... `depth` deep."""
    leaf = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "leaf", [],
                             [vi("y", [1])])
    graph = leaf
    for i in range(depth):
        node = helper.make_node("If", ["c"], ["y"], then_branch=graph, else_branch=leaf,
                                name="if%d" % i)
        graph = helper.make_graph([node], "level%d" % i, [], [vi("y", [1])])
    m = model(list(graph.node), [vi("x", [1]), vi("c", [], TensorProto.BOOL)], [vi("y", [1])])
    return m


# --- Cases -------------------------------------------------------------------
# Each hostile case: (name, description, setup(dir) -> model path, key words).
# setup writes whatever the case needs into its own scratch folder.

def write(dir, data, name="model.onnx"):
    path = os.path.join(dir, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.SerializeToString())
    return path


def with_files(m, files=(), links=(), fifos=(), dirs=()):
    def setup(dir):
        for rel, data in files:
            p = os.path.join(dir, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
        for rel in dirs:
            os.makedirs(os.path.join(dir, rel), exist_ok=True)
        for rel, target in links:
            os.symlink(target, os.path.join(dir, rel))
        for rel in fifos:
            os.mkfifo(os.path.join(dir, rel))
        return write(os.path.join(dir, "model"), m)
    return setup


def plain(m):
    return lambda dir: write(os.path.join(dir, "model"), m)


SECRET = np.full(16, 7.0, dtype=np.float32).tobytes()  # a valid 4x4 float tensor's bytes

HOSTILE = [
    ("empty file", "a zero-byte file", plain(b""), ["empty"]),
    ("truncated model", "a valid model cut in half",
     plain(mlp().SerializeToString()[:len(mlp().SerializeToString()) // 2]),
     ["not a valid ONNX model", "parse"]),
    ("random bytes", "4 KiB of random bytes", plain(random.Random(1234).randbytes(4096)),
     ["not a valid ONNX model"]),
    ("text file", "plain text, not protobuf",
     plain(b"This is not an ONNX model, only some text.\n" * 20), ["not a valid ONNX model"]),
    ("nesting too deep", "If subgraphs nested 200 deep (protobuf recursion)",
     plain(nested_if(200)), ["not a valid ONNX model"]),
    ("undefined tensor name", "a node reads a tensor nothing defines",
     plain(model([helper.make_node("Relu", ["ghost"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])])), ["ghost"]),
    ("graph cycle", "two nodes that feed each other",
     plain(model([helper.make_node("Add", ["x", "b_out"], ["a_out"], name="a"),
                  helper.make_node("Relu", ["a_out"], ["b_out"], name="b")],
                 [vi("x", [2])], [vi("a_out", [2])])), ["b_out", "topologically sorted"]),
    ("duplicate output name", "two nodes write the same tensor",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="r1"),
                  helper.make_node("Abs", ["x"], ["y"], name="r2")],
                 [vi("x", [2])], [vi("y", [2])])), ["'y'"]),
    ("unknown op", "an op ONNX does not define",
     plain(model([helper.make_node("FrobnicateTensor", ["x"], ["y"], name="frob")],
                 [vi("x", [2])], [vi("y", [2])])), ["FrobnicateTensor"]),
    ("unknown domain", "an op of a custom domain",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="evil", domain="com.example.evil")],
                 [vi("x", [2])], [vi("y", [2])], extra_opsets=[("com.example.evil", 1)])),
     ["com.example.evil", "not supported"]),
    ("opset too new", "default-domain opset 99",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])], opset=99)), ["opset", "99"]),
    ("supported op, unsupported opset", "opset 18 (newer than Tessel's 17, known to ONNX)",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2])], [vi("y", [2])], opset=18)), ["opset", "18"]),
    ("MatMul shape contradiction", "MatMul of 2x3 by 5x4",
     plain(model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [vi("x", [2, 3])], [vi("y", [2, 4])],
                 [numpy_helper.from_array(np.zeros((5, 4), np.float32), "w")])),
     ["MatMul", "mm", "2x3", "5x4"]),
    ("initializer data too short", "a 4x4 float initializer with 8 bytes of data",
     plain(model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [4, 4])], [vi("y", [4, 4])], [raw_initializer("w", [4, 4], b"\0" * 8)])),
     ["'w'", "64 bytes", "8"]),
    ("initializer values too few", "a 4x4 float initializer with 3 float_data values",
     plain(model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [4, 4])], [vi("y", [4, 4])],
                 [float_data_initializer("w", [4, 4], [1.0, 2.0, 3.0])])),
     ["'w'", "64 bytes", "12"]),
    ("negative input dimension", "graph input of shape [-3, 4]",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [-3, 4])], [vi("y", [-3, 4])])), ["'x'", "negative dimension"]),
    ("negative initializer dimension", "initializer of dims [-1]",
     plain(model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [1])], [vi("y", [1])], [raw_initializer("w", [-1], b"\0" * 4)])),
     ["'w'", "negative dimension"]),
    ("element count overflows 64 bits", "graph input of shape [2^32, 2^32]",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2**32, 2**32])], [vi("y", [2**32, 2**32])])), ["'x'", "64 bits"]),
    ("byte count overflows 64 bits", "float initializer of 2^62 elements (2^64 bytes)",
     plain(model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", [1])], [vi("y", [1])], [raw_initializer("w", [2**62], b"\0" * 4)])),
     ["'w'", "64 bits"]),
    ("huge input tensor", "graph input of 2^61 floats (2^63 bytes)",
     plain(model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [2**61])], [vi("y", [2**61])])), ["'x'", "bytes"]),
    ("zero strides", "Conv with strides [0, 0]",
     plain(conv_model(strides=[0, 0])), ["Conv", "conv", "strides", "positive"]),
    ("negative pads", "Conv with pads [-1, -1, -1, -1]",
     plain(conv_model(pads=[-1, -1, -1, -1])), ["Conv", "conv", "pads", "negative"]),
    ("kernel larger than input", "3x3 input, 5x5 kernel",
     plain(conv_model(x_shape=(1, 1, 3, 3), w_shape=(1, 1, 5, 5), y_shape=(1, 1, 1, 1))),
     ["Conv", "conv", "does not fit"]),
    ("pads overflow", "MaxPool with pads of 2^63-1",
     plain(model([helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                                   pads=[INT64_MAX] * 4)],
                 [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 2, 2])])),
     ["MaxPool", "pool", "pads"]),
    ("Reshape to a wrong element count", "Reshape 2x3 into 4x4",
     plain(model([helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
                 [vi("x", [2, 3])], [vi("y", [4, 4])],
                 [numpy_helper.from_array(np.array([4, 4], np.int64), "s")])),
     ["Reshape", "reshape", "2x3", "4x4"]),
    ("axis out of range", "Softmax over axis 5 of a rank-2 tensor",
     plain(model([helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=5)],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])), ["Softmax", "axis 5"]),
    ("Range with a NaN limit", "Range(0, NaN, 1)",
     plain(model([helper.make_node("Range", ["a", "b", "c"], ["y"], name="range")], [],
                 [vi("y", [3])], [numpy_helper.from_array(np.array(0, np.float32), "a"),
                                  numpy_helper.from_array(np.array(np.nan, np.float32), "b"),
                                  numpy_helper.from_array(np.array(1, np.float32), "c")])),
     ["Range", "range", "not finite"]),
    ("Range with an empty start", "Range([], 3, 1)",
     plain(model([helper.make_node("Range", ["a", "b", "c"], ["y"], name="range")], [],
                 [vi("y", [3])], [numpy_helper.from_array(np.zeros(0, np.float32), "a"),
                                  numpy_helper.from_array(np.array(3, np.float32), "b"),
                                  numpy_helper.from_array(np.array(1, np.float32), "c")])),
     ["Range", "range", "scalars"]),
    ("Reshape to a NaN shape", "Reshape whose shape is a float NaN tensor",
     plain(model([helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
                 [vi("x", [2, 3])], [vi("y", [6])],
                 [numpy_helper.from_array(np.array([np.nan], np.float32), "s")])),
     ["Reshape", "reshape"]),
    ("unsupported element type", "a string graph input",
     plain(model([helper.make_node("Identity", ["x"], ["y"], name="id")],
                 [vi("x", [2], TensorProto.STRING)], [vi("y", [2], TensorProto.STRING)])),
     ["'x'", "string"]),
    ("external data missing", "location names a file that is not there",
     with_files(external_model("weights.bin")), ["weights.bin", "does not exist"]),
    ("external data too short", "8-byte file for a 64-byte tensor",
     with_files(external_model("weights.bin"), files=[("model/weights.bin", b"\0" * 8)]),
     ["weights.bin", "needs 64 bytes", "has 8"]),
    ("external data too short (with length)", "length 64 in an 8-byte file",
     with_files(external_model("weights.bin", length=64),
                files=[("model/weights.bin", b"\0" * 8)]), ["weights.bin", "too short", "64"]),
    ("external length too large", "length 2^62 in a 64-byte file",
     with_files(external_model("weights.bin", length=2**62),
                files=[("model/weights.bin", SECRET * 4)]), ["weights.bin", "too short"]),
    ("external offset past end", "offset 1000 in a 64-byte file",
     with_files(external_model("weights.bin", offset=1000), files=[("model/weights.bin", SECRET)]),
     ["weights.bin", "past the end"]),
    ("external offset not a number", "offset '12abc'",
     with_files(external_model("weights.bin", offset="12abc"),
                files=[("model/weights.bin", SECRET * 2)]), ["offset", "not a number"]),
    ("external path with ..", "location ../secret.bin (the file exists)",
     with_files(external_model("../secret.bin"), files=[("secret.bin", SECRET)]),
     ["../secret.bin", "leaves the model's folder"]),
    ("external path with .. inside", "location sub/../../secret.bin",
     with_files(external_model("sub/../../secret.bin"), files=[("secret.bin", SECRET)],
                dirs=["model/sub"]), ["leaves the model's folder"]),
    ("external absolute path", "location /etc/passwd",
     with_files(external_model("/etc/passwd")), ["/etc/passwd", "absolute"]),
    ("external symlink out", "weights.bin is a symlink to ../secret.bin",
     with_files(external_model("weights.bin"), files=[("secret.bin", SECRET)],
                links=[("model/weights.bin", "../secret.bin")]),
     ["weights.bin", "leaves the model's folder"]),
    ("external symlinked folder out", "data/ is a symlink to a folder outside",
     with_files(external_model("data/secret.bin"), files=[("outside/secret.bin", SECRET)],
                links=[("model/data", "../outside")]),
     ["data/secret.bin", "leaves the model's folder"]),
    ("external data is a FIFO", "weights.bin is a named pipe (would block)",
     with_files(external_model("weights.bin"), fifos=["model/weights.bin"]),
     ["weights.bin", "not a regular file"]),
    ("external data is a folder", "location names a folder",
     with_files(external_model("weights"), dirs=["model/weights"]),
     ["weights", "not a regular file"]),
    ("external data is a device", "location is a symlink to /dev/zero",
     with_files(external_model("weights.bin"), links=[("model/weights.bin", "/dev/zero")]),
     ["weights.bin", "leaves the model's folder"]),
]


def positive_cases():
    """Legal models that must compile and run: zero-sized tensors and external
    data inside the model's folder. (name, model, inputs, outputs, files)."""
    x = np.zeros((0, 3), np.float32)
    relu = model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [vi("x", [0, 3])], [vi("y", [0, 3])])
    v = np.array([1.0, -2.0, 3.0], np.float32)
    empty = numpy_helper.from_array(np.zeros(0, np.float32), "e")
    concat = model([helper.make_node("Concat", ["v", "e"], ["y"], name="concat", axis=0)],
                   [vi("v", [3])], [vi("y", [3])], [empty])
    m = np.zeros((2, 0), np.float32)
    w = numpy_helper.from_array(np.zeros((0, 4), np.float32), "w")
    matmul = model([helper.make_node("MatMul", ["m", "w"], ["y"], name="mm")],
                   [vi("m", [2, 0])], [vi("y", [2, 4])], [w])
    x44 = np.arange(16, dtype=np.float32).reshape(4, 4)
    weights = np.full((4, 4), 0.5, np.float32)
    return [("zero-sized input (Relu of 0x3)", relu, [x], [x], []),
            ("zero-sized initializer (Concat with [0])", concat, [v], [v], []),
            ("zero-sized contraction (MatMul 2x0 by 0x4)", matmul, [m],
             [np.zeros((2, 4), np.float32)], []),
            ("zero-sized output (Relu of 2x0)",
             model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                   [vi("x", [2, 0])], [vi("y", [2, 0])]),
             [np.zeros((2, 0), np.float32)], [np.zeros((2, 0), np.float32)], []),
            ("valid external data (inside the folder, other working folder)",
             external_model("data/weights.bin", offset=8), [x44], [x44 + weights],
             [("data/weights.bin", b"\0" * 8 + weights.tobytes())])]


# --- Runner ------------------------------------------------------------------

def run_hostile(bin_dir, scratch, name, setup, keywords, timeout):
    dir = tempfile.mkdtemp(dir=scratch)
    os.makedirs(os.path.join(dir, "model"))
    path = setup(dir)
    out = os.path.join(dir, "out.so")
    start = time.monotonic()
    try:
        p = subprocess.run([os.path.join(bin_dir, "tessel-compile"), path, "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timed out after %ds" % timeout, ""
    elapsed = time.monotonic() - start
    err = p.stderr.decode(errors="replace")
    lines = [l for l in err.splitlines() if l.strip()]
    message = lines[0] if lines else ""
    problems = []
    if p.returncode != 1:
        problems.append("exit code %d, expected 1" % p.returncode)
    if len(lines) != 1:
        problems.append("stderr has %d lines, expected one paragraph" % len(lines))
    prefix = "tessel-compile: error: %s: " % path
    if not message.startswith(prefix):
        problems.append("message does not start with %r" % prefix)
    for marker in CRASH_MARKERS:
        if marker in err:
            problems.append("crash marker %r" % marker)
    for k in keywords:
        if k.lower() not in message.lower():
            problems.append("message lacks %r" % k)
    if os.path.exists(out):
        problems.append("an output was written")
    short = message[len(prefix):] if message.startswith(prefix) else message
    return not problems, "; ".join(problems) + ("" if not problems else " | stderr: " + err[-600:]), \
        "%s (%.1fs)" % (short, elapsed)


def run_positive(bin_dir, scratch, name, m, inputs, outputs, files, timeout):
    dir = tempfile.mkdtemp(dir=scratch)
    path = write(dir, m)
    for rel, data in files:
        os.makedirs(os.path.dirname(os.path.join(dir, rel)), exist_ok=True)
        write(dir, data, rel)
    data = os.path.join(dir, "test_data_set_0")
    os.makedirs(data)
    for i, a in enumerate(inputs):
        write(data, numpy_helper.from_array(a), "input_%d.pb" % i)
    for i, a in enumerate(outputs):
        write(data, numpy_helper.from_array(a), "output_%d.pb" % i)
    so = os.path.join(dir, "model.so")
    try:
        p = subprocess.run([os.path.join(bin_dir, "tessel-compile"), path, "-o", so],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        if p.returncode != 0:
            return False, "tessel-compile exit %d: %s" % (p.returncode, p.stdout.decode()[-600:]), ""
        p = subprocess.run([os.path.join(bin_dir, "tessel-run"), so, "--data", data],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        if p.returncode != 0:
            return False, "tessel-run exit %d: %s" % (p.returncode, p.stdout.decode()[-600:]), ""
    except subprocess.TimeoutExpired:
        return False, "timed out after %ds" % timeout, ""
    return True, "", "compiles and runs, outputs match"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", required=True, help="folder with tessel-compile and tessel-run")
    ap.add_argument("--filter", default="", help="only cases whose name contains this")
    ap.add_argument("--timeout", type=int, default=30, help="seconds per case")
    ap.add_argument("--table", action="store_true", help="print a Markdown table of the results")
    ap.add_argument("--keep", help="write the cases into this folder and keep them")
    args = ap.parse_args()

    scratch = args.keep or tempfile.mkdtemp(prefix="tessel-hostile-")
    os.makedirs(scratch, exist_ok=True)
    rows, passed, failed = [], 0, 0
    try:
        for name, desc, setup, keywords in HOSTILE:
            if args.filter.lower() not in name.lower():
                continue
            ok, why, message = run_hostile(args.bin, scratch, name, setup, keywords, args.timeout)
            rows.append((name, desc, message, "1" if ok else "?"))
            passed, failed = passed + ok, failed + (not ok)
            print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + why))
        for name, m, inputs, outputs, files in positive_cases():
            if args.filter.lower() not in name.lower():
                continue
            ok, why, message = run_positive(args.bin, scratch, name, m, inputs, outputs, files,
                                            args.timeout)
            rows.append((name, "legal ONNX", message, "0" if ok else "?"))
            passed, failed = passed + ok, failed + (not ok)
            print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + why))
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.table:
        print("\n| case | input | message (after `tessel-compile: error: PATH:`) | exit |")
        print("|---|---|---|---|")
        for name, desc, message, code in rows:
            print("| %s | %s | %s | %s |" % (name, desc, message.replace("|", "\\|"), code))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
