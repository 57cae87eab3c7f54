#!/usr/bin/python3
"""Graphs in other exporters' styles, with symbolic dimensions, specialized.

    exporter_styles.py --bin BUILD/bin

Built with onnx.helper as tf2onnx and paddle2onnx write them, and left as they
are (symbolic names included):
  keras_nhwc   NHWC input [unk__0, unk__1, unk__2, 3] (tf2onnx's names), Transpose
               to NCHW, Conv + Relu, Transpose back, and a Reshape whose target is
               computed Shape -> Slice -> Concat, then a MatMul;
  paddle_nchw  input [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1,
               p2o.DynamicDimension.2], strided Conv + Relu, a Resize whose sizes
               are computed from Shape (Slice, Mul, Concat), ConvTranspose, Sigmoid.
Each is compiled at two shapes with --dim (and once with --input-shape) and
its outputs compared with PyTorch's at rtol 1e-3, atol 1e-4. Once Tessel
compiles dynamic dimensions, these become one artifact run at both shapes.
Prints one line per check and `N passed, M failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def keras_nhwc():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((8, 3, 3, 3)).astype(np.float32) * 0.3
    b = rng.standard_normal(8).astype(np.float32) * 0.1
    fc = rng.standard_normal((8, 4)).astype(np.float32) * 0.3
    nodes = [
        helper.make_node("Transpose", ["x"], ["x_nchw"], perm=[0, 3, 1, 2], name="to_nchw"),
        helper.make_node("Conv", ["x_nchw", "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Transpose", ["r"], ["r_nhwc"], perm=[0, 2, 3, 1], name="to_nhwc"),
        helper.make_node("Shape", ["r_nhwc"], ["s"], name="shape"),
        helper.make_node("Slice", ["s", "zero", "one"], ["n"], name="batch_of"),
        helper.make_node("Concat", ["n", "minus_one", "channels"], ["target"], axis=0,
                         name="target"),
        helper.make_node("Reshape", ["r_nhwc", "target"], ["flat"], name="flatten_hw"),
        helper.make_node("MatMul", ["flat", "fc"], ["y"], name="dense"),
    ]
    graph = helper.make_graph(
        nodes, "keras", [helper.make_tensor_value_info("x", F, ["unk__0", "unk__1", "unk__2", 3])],
        [helper.make_tensor_value_info("y", F, ["unk__0", "unk__3", 4])],
        [init("w", w), init("b", b), init("fc", fc), init("zero", np.array([0], np.int64)),
         init("one", np.array([1], np.int64)), init("minus_one", np.array([-1], np.int64)),
         init("channels", np.array([8], np.int64))])

    def reference(x):
        t = torch.from_numpy(x).permute(0, 3, 1, 2)
        r = torch.relu(torch.nn.functional.conv2d(t, torch.from_numpy(w), torch.from_numpy(b),
                                                  padding=1))
        flat = r.permute(0, 2, 3, 1).reshape(x.shape[0], -1, 8)
        return (flat @ torch.from_numpy(fc)).numpy()

    shapes = [{"unk__0": 1, "unk__1": 6, "unk__2": 5}, {"unk__0": 3, "unk__1": 9, "unk__2": 7}]
    return graph, 13, reference, shapes, lambda d: (d["unk__0"], d["unk__1"], d["unk__2"], 3)


def paddle_nchw():
    rng = np.random.default_rng(2)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32) * 0.3
    b = rng.standard_normal(4).astype(np.float32) * 0.1
    wt = rng.standard_normal((4, 2, 2, 2)).astype(np.float32) * 0.3
    bt = rng.standard_normal(2).astype(np.float32) * 0.1
    n, h, w_ = "p2o.DynamicDimension.0", "p2o.DynamicDimension.1", "p2o.DynamicDimension.2"
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], strides=[2, 2],
                         name="conv2d_0"),
        helper.make_node("Relu", ["c"], ["r"], name="relu_0"),
        helper.make_node("Shape", ["r"], ["s"], name="shape_0"),
        helper.make_node("Slice", ["s", "zero", "two"], ["nc"], name="slice_nc"),
        helper.make_node("Slice", ["s", "two", "four"], ["hw"], name="slice_hw"),
        helper.make_node("Mul", ["hw", "scale"], ["hw2"], name="scale_hw"),
        helper.make_node("Concat", ["nc", "hw2"], ["sizes"], axis=0, name="sizes"),
        helper.make_node("Resize", ["r", "", "", "sizes"], ["up"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                         name="nearest_interp_v2_0"),
        helper.make_node("ConvTranspose", ["up", "wt", "bt"], ["d"], strides=[2, 2],
                         name="conv2d_transpose_0"),
        helper.make_node("Sigmoid", ["d"], ["y"], name="sigmoid_0"),
    ]
    graph = helper.make_graph(
        nodes, "paddle", [helper.make_tensor_value_info("x", F, [n, 3, h, w_])],
        [helper.make_tensor_value_info("y", F, [n, 2, "p2o.DynamicDimension.3",
                                                "p2o.DynamicDimension.4"])],
        [init("w", w), init("b", b), init("wt", wt), init("bt", bt),
         init("zero", np.array([0], np.int64)), init("two", np.array([2], np.int64)),
         init("four", np.array([4], np.int64)), init("scale", np.array([2, 2], np.int64))])

    def reference(x):
        f = torch.nn.functional
        r = torch.relu(f.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                                stride=2, padding=1))
        up = f.interpolate(r, scale_factor=2, mode="nearest")
        d = f.conv_transpose2d(up, torch.from_numpy(wt), torch.from_numpy(bt), stride=2)
        return torch.sigmoid(d).numpy()

    shapes = [{n: 1, h: 8, w_: 10}, {n: 2, h: 13, w_: 7}]
    return graph, 13, reference, shapes, lambda d: (d[n], 3, d[h], d[w_])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args = ap.parse_args()
    compile_ = os.path.join(args.bin, "tessel-compile")
    run = os.path.join(args.bin, "tessel-run")
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in (("keras_nhwc", keras_nhwc), ("paddle_nchw", paddle_nchw)):
            graph, opset, reference, shapes, input_shape = build()
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                      producer_name=name)
            model.ir_version = 7
            onnx.checker.check_model(model)
            path = os.path.join(tmp, name + ".onnx")
            onnx.save(model, path)
            variants = [("--dim", dims, ["--dim=%s=%d" % kv for kv in sorted(dims.items())])
                        for dims in shapes]
            # The second shape once more through --input-shape.
            last = input_shape(shapes[-1])
            variants.append(("--input-shape", shapes[-1],
                             ["--input-shape=x=" + "x".join(map(str, last))]))
            for i, (how, dims, flags) in enumerate(variants):
                label = "%s %s %s" % (name, how, "x".join(map(str, input_shape(dims))))
                x = np.random.default_rng(i).standard_normal(input_shape(dims)).astype(np.float32)
                np.save(os.path.join(tmp, "x.npy"), x)
                artifact = os.path.join(tmp, "%s-%d.so" % (name, i))
                out_dir = os.path.join(tmp, "%s-%d-out" % (name, i))
                ok = subprocess.run([compile_, path, "-o", artifact] + flags).returncode == 0
                ok = ok and subprocess.run([run, artifact, "--input", "x=" + os.path.join(tmp, "x.npy"),
                                            "--output-dir", out_dir],
                                           stdout=subprocess.DEVNULL).returncode == 0
                detail = "compile or run failed"
                if ok:
                    got = np.load(os.path.join(out_dir, "output_0.npy"))
                    want = reference(x)
                    ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-3, atol=1e-4)
                    detail = "shape %s, max abs error %.3g" % (
                        list(got.shape), float(np.max(np.abs(got - want))) if got.shape == want.shape
                        else float("nan"))
                print("%s %s: %s" % ("PASS" if ok else "FAIL", label, detail))
                passed += ok
                failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
