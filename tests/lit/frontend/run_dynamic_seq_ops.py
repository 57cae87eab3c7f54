"""Runs the dynamic_seq_ops artifact (make_model.py) at several batch and
sequence sizes with tessel-run and compares every output with NumPy's.

usage: run_dynamic_seq_ops.py TESSEL_RUN MODEL.onnx MODEL.so WORKDIR BATCHxSEQ...
Prints one line per shape and output, "BxS: NAME [dims] ok" (within 1e-5 of
NumPy; exact for pure data movement), and exits 1 when a shape or a value is
wrong."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

tessel_run, onnx_path, so_path, work = sys.argv[1:5]
inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(onnx_path).graph.initializer}


def reference(x, ids):
    h = x + inits["table"][ids]
    mean = h.mean(-1, keepdims=True)
    var = ((h - mean) ** 2).mean(-1, keepdims=True)
    ln = (h - mean) / np.sqrt(var + 1e-5) * inits["gamma"] + inits["beta"]
    b, t = ids.shape
    first = ln[:, 0]
    tail = ln[:, 1:]
    return {"first": first, "tail": tail, "rev": ln[:, ::-1], "cat": np.concatenate([ln, tail], 1),
            "u": first[:, None], "flat": ln.reshape(b * t, 8), "heads": ln.reshape(b, t, 2, 4),
            "rows": ln.reshape(-1, 4), "cls_b": np.broadcast_to(inits["cls"], (b, 1, 8)),
            "ones": np.ones((b, t), np.float32), "positions": inits["table"][:t]}


ok = True
for shape in sys.argv[5:]:
    b, t = map(int, shape.split("x"))
    rng = np.random.RandomState(b * 100 + t)
    x = rng.randn(b, t, 8).astype(np.float32)
    ids = rng.randint(0, 40, (b, t)).astype(np.int64)
    paths = {n: os.path.join(work, f"{n}{shape}.npy") for n in ("x", "ids")}
    np.save(paths["x"], x)
    np.save(paths["ids"], ids)
    out_dir = os.path.join(work, f"out{shape}")
    r = subprocess.run([tessel_run, so_path, "--input", f"x={paths['x']}", "--input",
                        f"ids={paths['ids']}", "--output-dir", out_dir],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print(f"{shape}: tessel-run failed: {r.stderr.strip()}")
        ok = False
        continue
    for i, (name, want) in enumerate(reference(x, ids).items()):
        got = np.load(os.path.join(out_dir, f"output_{i}.npy"))
        good = got.shape == want.shape and np.allclose(got, want, rtol=1e-5, atol=1e-5)
        ok = ok and good
        print(f"{shape}: {name} [{','.join(map(str, got.shape))}] {'ok' if good else 'WRONG'}")
sys.exit(0 if ok else 1)
