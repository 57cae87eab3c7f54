"""Shape inputs: graph inputs whose values set sizes (axes, repeats, pads,
split sizes, scales, a depth...). Each model is compiled once, without
--bind-input, and run with tessel-run at two values of its shape input
against NumPy; then values the op cannot take are refused before the run
(TESSEL_INVALID_ARGUMENT, exit 1) with the node and the values.

usage: run_shape_inputs.py TESSEL_COMPILE TESSEL_RUN WORKDIR
Prints "NAME VALUE: shape [..] ok" per run (exit 1 when a result is wrong),
then "NAME VALUE: exit N: MESSAGE" per refusal."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

tessel_compile, tessel_run, work = sys.argv[1:4]
F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 11.5


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(name, node, inputs, rank, outputs=("y",)):
    """`rank`: the outputs' rank (their sizes are the run's)."""
    graph = helper.make_graph([node], name, [vi(n, e, s) for n, e, s in inputs],
                              [vi(o, F, [None] * rank) for o in outputs])
    path = os.path.join(work, name + ".onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    so = os.path.join(work, name + ".so")
    subprocess.run([tessel_compile, path, "-o", so], check=True)
    return so


def run(so, name, label, feeds):
    args = [tessel_run, so]
    for key, value in feeds.items():
        path = os.path.join(work, f"{name}_{label}_{key}.npy")
        np.save(path, value)
        args += ["--input", f"{key}={path}"]
    out = os.path.join(work, f"{name}_{label}_out")
    r = subprocess.run(args + ["--output-dir", out], capture_output=True, text=True)
    return r, out


ok = True


def check(so, name, label, feeds, want):
    global ok
    r, out = run(so, name, label, feeds)
    got = [np.load(os.path.join(out, f"output_{i}.npy")) for i in range(len(want))] \
        if r.returncode == 0 else None
    good = got is not None and all(g.shape == w.shape and np.allclose(g, w, atol=1e-5)
                                   for g, w in zip(got, want))
    ok = ok and good
    shapes = " ".join("[" + ",".join(map(str, g.shape)) + "]" for g in got) if got else r.stderr
    print(f"{name} {label}: shape {shapes} {'ok' if good else 'WRONG'}")


def refuse(so, name, label, feeds):
    global ok
    r, _ = run(so, name, label, feeds)
    ok = ok and r.returncode == 1
    print(f"{name} {label}: exit {r.returncode}: {r.stderr.strip()}")


i64 = lambda *v: np.array(v, np.int64)

so = model("unsqueeze", helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="unsq"),
           [("x", F, [2, 3, 4]), ("axes", I64, [2])], 5)
for axes in ((0, 4), (-1, 1)):
    check(so, "unsqueeze", "x".join(map(str, axes)), {"x": x, "axes": i64(*axes)},
          [np.expand_dims(x, axes)])
refuse(so, "unsqueeze", "1x1", {"x": x, "axes": i64(1, 1)})

so = model("squeeze", helper.make_node("Squeeze", ["x", "axes"], ["y"], name="sq"),
           [("x", F, [2, 1, 4, 1]), ("axes", I64, [1])], 3)
x4 = x[:, :1, :, None]
for axes in ((1,), (-1,)):
    check(so, "squeeze", str(axes[0]), {"x": x4, "axes": i64(*axes)}, [np.squeeze(x4, axes)])
refuse(so, "squeeze", "2", {"x": x4, "axes": i64(2)})

so = model("tile", helper.make_node("Tile", ["x", "repeats"], ["y"], name="tile"),
           [("x", F, [2, 3, 4]), ("repeats", I64, [3])], 3)
for reps in ((1, 2, 3), (2, 0, 1)):
    check(so, "tile", "x".join(map(str, reps)), {"x": x, "repeats": i64(*reps)}, [np.tile(x, reps)])
refuse(so, "tile", "1x-1x1", {"x": x, "repeats": i64(1, -1, 1)})

# A size from data that overflows in an intermediate (a Tile by 2^31 and 2^30
# into a sum): refused, never allocated short.
graph = helper.make_graph(
    [helper.make_node("Tile", ["x", "repeats"], ["t"], name="tile"),
     helper.make_node("ReduceSum", ["t"], ["y"], name="sum", keepdims=0)],
    "tile_sum", [vi("x", F, [2, 3, 4]), vi("repeats", I64, [3])], [vi("y", F, [])])
path = os.path.join(work, "tile_sum.onnx")
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
so = os.path.join(work, "tile_sum.so")
subprocess.run([tessel_compile, path, "-o", so], check=True)
check(so, "tile_sum", "2x1x1", {"x": x, "repeats": i64(2, 1, 1)}, [np.sum(np.tile(x, (2, 1, 1)))])
refuse(so, "tile_sum", "huge", {"x": x, "repeats": i64(1 << 31, 1, 1 << 30)})

for keep in (0, 1):
    name = f"reduce_sum_keepdims{keep}"
    so = model(name, helper.make_node("ReduceSum", ["x", "axes"], ["y"], name="sum", keepdims=keep),
               [("x", F, [2, 3, 4]), ("axes", I64, [2])], 1 + 2 * keep)
    for axes in ((0, 2), (-1, 1)):
        check(so, name, "x".join(map(str, axes)), {"x": x, "axes": i64(*axes)},
              [np.sum(x, axis=axes, keepdims=bool(keep))])
refuse(so, "reduce_sum_keepdims1", "3x0", {"x": x, "axes": i64(3, 0)})

so = model("cumsum", helper.make_node("CumSum", ["x", "axis"], ["y"], name="cs", reverse=1),
           [("x", F, [2, 3, 4]), ("axis", I64, [])], 3)
for axis in (1, -1):
    check(so, "cumsum", str(axis), {"x": x, "axis": np.array(axis, np.int64)},
          [np.flip(np.cumsum(np.flip(x, axis), axis), axis)])
refuse(so, "cumsum", "3", {"x": x, "axis": np.array(3, np.int64)})

so = model("slice", helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"],
                                     name="sl"),
           [("x", F, [2, 3, 4]), ("starts", I64, [2]), ("ends", I64, [2]), ("axes", I64, [2]),
            ("steps", I64, [2])], 3)
for starts, ends, axes, steps in (((0, 3), (2, 0), (1, 2), (1, -2)),
                                  ((-1, 0), (-100, 9), (0, -2), (-1, 2))):
    index = [slice(None)] * 3
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[a] = slice(s, e if e > -100 else None, st)
    check(so, "slice", f"axes{axes[0]}{axes[1]}",
          {"x": x, "starts": i64(*starts), "ends": i64(*ends), "axes": i64(*axes),
           "steps": i64(*steps)}, [x[tuple(index)]])
refuse(so, "slice", "step0", {"x": x, "starts": i64(0, 0), "ends": i64(1, 1), "axes": i64(0, 1),
                              "steps": i64(1, 0)})

so = model("split", helper.make_node("Split", ["x", "split"], ["a", "b"], name="split", axis=2),
           [("x", F, [2, 3, 4]), ("split", I64, [2])], 3, outputs=("a", "b"))
for sizes in ((1, 3), (4, 0)):
    check(so, "split", "x".join(map(str, sizes)), {"x": x, "split": i64(*sizes)},
          np.split(x, [sizes[0]], axis=2))
refuse(so, "split", "2x3", {"x": x, "split": i64(2, 3)})

so = model("pad", helper.make_node("Pad", ["x", "pads"], ["y"], name="pad", mode="reflect"),
           [("x", F, [2, 3, 4]), ("pads", I64, [6])], 3)
for pads in ((0, 1, 2, 0, 2, 3), (1, 0, 0, 1, 2, 0)):
    check(so, "pad", "x".join(map(str, pads)), {"x": x, "pads": i64(*pads)},
          [np.pad(x, list(zip(pads[:3], pads[3:])), mode="reflect")])
refuse(so, "pad", "0x3x0x0x0x0", {"x": x, "pads": i64(0, 3, 0, 0, 0, 0)})

so = model("onehot", helper.make_node("OneHot", ["i", "depth", "values"], ["y"], name="oh"),
           [("i", I64, [3]), ("depth", I64, [1]), ("values", F, [2])], 2)
for depth in (4, 7):
    ids = i64(0, 3, -1)
    check(so, "onehot", str(depth), {"i": ids, "depth": i64(depth),
                                     "values": np.array([0, 1], np.float32)},
          [np.eye(depth, dtype=np.float32)[ids % depth]])

so = model("resize", helper.make_node("Resize", ["x", "", "scales"], ["y"], name="rs",
                                      mode="linear"),
           [("x", F, [1, 2, 3, 4]), ("scales", F, [4])], 4)
x4d = x.reshape(1, 2, 3, 4)
for scales, want in (((1, 1, 2, 1), None), ((1, 1, 1, 0.5), None)):
    # Linear half_pixel along one axis, as numpy: taps at the centre-aligned
    # coordinate clamped to the edges.
    axis = 2 if scales[2] != 1 else 3
    n_in = x4d.shape[axis]
    n_out = int(np.floor(n_in * scales[axis]))
    coord = np.clip((np.arange(n_out) + 0.5) / scales[axis] - 0.5, 0, n_in - 1)
    lo = np.floor(coord).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    w = (coord - lo).astype(np.float32)
    shape = [1] * 4
    shape[axis] = n_out
    want = np.take(x4d, lo, axis) * (1 - w.reshape(shape)) + np.take(x4d, hi, axis) * w.reshape(shape)
    check(so, "resize", "x".join(map(str, scales)),
          {"x": x4d, "scales": np.array(scales, np.float32)}, [want])
refuse(so, "resize", "1x1x0x1", {"x": x4d, "scales": np.array((1, 1, 0, 1), np.float32)})

so = model("dropout", helper.make_node("Dropout", ["x", "r", "t"], ["y"], name="drop"),
           [("x", F, [2, 3, 4]), ("r", F, []), ("t", B, [])], 3)
check(so, "dropout", "inference", {"x": x, "r": np.array(0.5, np.float32), "t": np.array(False)},
      [x])
check(so, "dropout", "training0", {"x": x, "r": np.array(0, np.float32), "t": np.array(True)},
      [x])
refuse(so, "dropout", "training", {"x": x, "r": np.array(0.5, np.float32), "t": np.array(True)})
sys.exit(0 if ok else 1)
