#!/usr/bin/python3
"""Compiles three tiny models (y = x + b, both inputs; z = x + y over [?, 4],
compiled with --dynamic; Reshape, Tile and Resize sized by shape inputs) and
runs tessel-runtime-abuse on them."""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

from onnx import TensorProto, helper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        graph = helper.make_graph(
            [helper.make_node("Add", ["x", "b"], ["y"], name="add")], "add",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
             helper.make_tensor_value_info("b", TensorProto.FLOAT, [3])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        path, so = os.path.join(tmp, "add.onnx"), os.path.join(tmp, "add.so")
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        subprocess.run([os.path.join(args.bin, "tessel-compile"), path, "-o", so], check=True)
        graph = helper.make_graph(
            [helper.make_node("Add", ["x", "y"], ["z"], name="add")], "dynamic_add",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4]),
             helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4])],
            [helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, 4])])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        dynamic, dynamic_so = os.path.join(tmp, "dynamic.onnx"), os.path.join(tmp, "dynamic.so")
        with open(dynamic, "wb") as f:
            f.write(m.SerializeToString())
        subprocess.run([os.path.join(args.bin, "tessel-compile"), dynamic, "--dynamic", "-o",
                        dynamic_so], check=True)
        # Shape inputs: Reshape, Tile and Resize sized by input values.
        graph = helper.make_graph(
            [helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
             helper.make_node("Tile", ["x", "repeats"], ["t"], name="tile"),
             helper.make_node("Resize", ["x", "", "scales"], ["s"], name="resize")],
            "shape_inputs",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
             helper.make_tensor_value_info("shape", TensorProto.INT64, [3]),
             helper.make_tensor_value_info("repeats", TensorProto.INT64, [3]),
             helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3])],
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, [None] * 3)
             for n in ("r", "t", "s")])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        shaped, shaped_so = os.path.join(tmp, "shapes.onnx"), os.path.join(tmp, "shapes.so")
        with open(shaped, "wb") as f:
            f.write(m.SerializeToString())
        subprocess.run([os.path.join(args.bin, "tessel-compile"), shaped, "-o", shaped_so],
                       check=True)
        # A shared library that is not a Tessel model.
        other = sorted(glob.glob("/usr/lib/*/libm.so.6") + glob.glob("/lib/*/libm.so.6"))[0]
        return subprocess.run([os.path.join(args.bin, "tessel-runtime-abuse"), so, tmp,
                               other, dynamic_so, shaped_so]).returncode


if __name__ == "__main__":
    sys.exit(main())
