"""Runs one computed_reshape artifact (make_model.py) at several input shapes
with tessel-run and compares its outputs z, w, v with NumPy's reshapes.

usage: run_computed_reshape.py TESSEL_RUN MODEL.so WORKDIR BATCHxSEQ...
Prints one line per shape and output: "BxS: z [..] exact" and fails (exit 1)
when a shape or value is wrong. (Output u fits only seq 1 at 3 elements per
sample: run_computed_reshape.py leaves it to the bad-shape checks.)"""
import os
import subprocess
import sys

import numpy as np

tessel_run, so_path, work = sys.argv[1:4]
ok = True
for shape in sys.argv[4:]:
    b, t = map(int, shape.split("x"))
    x = np.random.RandomState(b * 100 + t).randn(b, t, 64).astype(np.float32)
    x_path = os.path.join(work, f"x{shape}.npy")
    out_dir = os.path.join(work, f"out{shape}")
    np.save(x_path, x)
    r = subprocess.run([tessel_run, so_path, "--input", f"x={x_path}", "--output-dir", out_dir],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print(f"{shape}: tessel-run failed: {r.stderr.strip()}")
        ok = False
        continue
    want = {"z": x.reshape(b, t, 4, 16).transpose(0, 2, 1, 3), "w": x.reshape(b, -1),
            "v": x.reshape(b, t * 64)}
    for i, (name, w) in enumerate(want.items()):
        got = np.load(os.path.join(out_dir, f"output_{i}.npy"))
        good = got.shape == w.shape and np.array_equal(got, w)
        ok = ok and good
        print(f"{shape}: {name} [{','.join(map(str, got.shape))}] {'exact' if good else 'WRONG'}")
sys.exit(0 if ok else 1)
