"""Compiles Pad over a dynamic [batch, len] input once per mode (--dynamic) and
runs each artifact at several shapes with tessel-run against NumPy's np.pad:
constant (with a crop of the other side), reflect and edge. Then checks that
a length too short for the reflect pads, or for the crop, is refused with
TESSEL_INVALID_ARGUMENT (tessel-run exit 1) and the check's message.

usage: run_dynamic_pad.py TESSEL_COMPILE TESSEL_RUN WORKDIR
Prints one line per mode and shape: "MODE BxL: shape [..] ok" (exit 1 when
a shape or value is wrong), then the refusals' messages."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

tessel_compile, tessel_run, work = sys.argv[1:4]
# ONNX pads: begin of every axis, then end. Axis 1 (dynamic): 2 before, 3 after
# (constant: 3 cropped off the end instead).
CASES = {"constant": [0, 2, 0, -3], "reflect": [0, 2, 0, 3], "edge": [0, 2, 0, 3]}
ok = True
for mode, pads in CASES.items():
    graph = helper.make_graph(
        [helper.make_node("Pad", ["x", "pads", "value"], ["y"], name="pad", mode=mode)],
        "pad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "len"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "out"])],
        [numpy_helper.from_array(np.array(pads, np.int64), "pads"),
         numpy_helper.from_array(np.array(1.5, np.float32), "value")])
    model = os.path.join(work, f"pad_{mode}.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    so = os.path.join(work, f"pad_{mode}.so")
    subprocess.run([tessel_compile, model, "--dynamic", "-o", so], check=True)
    for batch, length in ((1, 4), (3, 9), (2, 37)):
        x = np.random.RandomState(length).randn(batch, length).astype(np.float32)
        x_path = os.path.join(work, f"x_{mode}_{batch}x{length}.npy")
        out = os.path.join(work, f"out_{mode}_{batch}x{length}")
        np.save(x_path, x)
        subprocess.run([tessel_run, so, "--input", f"x={x_path}", "--output-dir", out],
                       check=True, stdout=subprocess.DEVNULL)
        if mode == "constant":
            want = np.pad(x[:, :length - 3], ((0, 0), (2, 0)), constant_values=1.5)
        else:
            want = np.pad(x, ((0, 0), (2, 3)), mode="reflect" if mode == "reflect" else "edge")
        got = np.load(os.path.join(out, "output_0.npy"))
        good = got.shape == want.shape and np.array_equal(got, want)
        ok = ok and good
        print(f"{mode} {batch}x{length}: shape [{','.join(map(str, got.shape))}] "
              f"{'ok' if good else 'WRONG'}")
# Too short: reflect pads of 3 need 4 elements; the crop of 3 needs 3.
for mode, length in (("reflect", 3), ("constant", 2)):
    x_path = os.path.join(work, f"short_{mode}.npy")
    np.save(x_path, np.zeros((1, length), np.float32))
    run = subprocess.run([tessel_run, os.path.join(work, f"pad_{mode}.so"), "--input",
                          f"x={x_path}"], capture_output=True, text=True)
    ok = ok and run.returncode == 1
    print(f"{mode} length {length}: exit {run.returncode}: {run.stderr.strip()}")
sys.exit(0 if ok else 1)
