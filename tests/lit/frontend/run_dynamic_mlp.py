"""Runs one dynamic_mlp artifact (make_model.py) at several batch sizes with
tessel-run and compares each output with NumPy's softmax(relu(x w1 + b1) w2 + b2).

usage: run_dynamic_mlp.py TESSEL_RUN MODEL.onnx MODEL.so WORKDIR BATCH...
Prints one line per batch: "batch B: shape [B,3] max error E" and fails
(exit 1) when a shape or value is wrong."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

tessel_run, onnx_path, so_path, work = sys.argv[1:5]
weights = {t.name: numpy_helper.to_array(t) for t in onnx.load(onnx_path).graph.initializer}
ok = True
for batch in map(int, sys.argv[5:]):
    x = np.random.RandomState(batch).randn(batch, 8).astype(np.float32)
    x_path = os.path.join(work, f"x{batch}.npy")
    out_dir = os.path.join(work, f"out{batch}")
    np.save(x_path, x)
    subprocess.run([tessel_run, so_path, "--input", f"x={x_path}", "--output-dir", out_dir],
                   check=True, stdout=subprocess.DEVNULL)
    h = np.maximum(x @ weights["w1"] + weights["b1"], 0)
    z = h @ weights["w2"] + weights["b2"]
    e = np.exp(z - z.max(-1, keepdims=True))
    want = e / e.sum(-1, keepdims=True)
    got = np.load(os.path.join(out_dir, "output_0.npy"))
    error = float(np.abs(got - want).max()) if got.shape == want.shape and got.size else 0.0
    good = got.shape == want.shape and np.allclose(got, want, rtol=1e-4, atol=1e-5)
    ok = ok and good
    print(f"batch {batch}: shape [{','.join(map(str, got.shape))}] "
          f"{'max error' if good else 'WRONG, max error'} {error:.1e}")
sys.exit(0 if ok else 1)
