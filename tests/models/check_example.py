#!/usr/bin/python3
"""The README's main job as a test: compile the bundled example to a native
executable and a shared library, run the executable on the example input,
compare with PyTorch's output, and check that neither artifact needs any
LLVM/MLIR (or other non-libc) library at run time."""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "mlp")
ALLOWED = ("linux-vdso", "libc.so", "libm.so", "ld-linux")


def runtime_deps(path):
    out = subprocess.run(["ldd", path], stdout=subprocess.PIPE, check=True).stdout.decode()
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args = ap.parse_args()
    compile_ = os.path.join(args.bin, "tessel-compile")
    with tempfile.TemporaryDirectory() as tmp:
        exe, lib = os.path.join(tmp, "mlp"), os.path.join(tmp, "mlp.so")
        subprocess.run([compile_, os.path.join(EXAMPLE, "model.onnx"), "-o", exe], check=True)
        subprocess.run([compile_, os.path.join(EXAMPLE, "model.onnx"), "-o", lib], check=True)
        subprocess.run([exe, os.path.join(EXAMPLE, "input.npy"), "--output-dir", tmp], check=True)
        got = np.load(os.path.join(tmp, "output_0.npy"))
        want = np.load(os.path.join(EXAMPLE, "expected_output.npy"))
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-3, atol=1e-4):
            print("example output differs from PyTorch's:\n%s\n%s" % (got, want))
            return 1
        for artifact in (exe, lib):
            extra = [d for d in runtime_deps(artifact)
                     if not os.path.basename(d).startswith(ALLOWED)]
            if extra:
                print("%s needs libraries beyond libc/libm: %s" % (artifact, extra))
                return 1
    print("example matches PyTorch; artifacts need only libc and libm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
