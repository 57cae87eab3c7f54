#!/usr/bin/python3
"""End-to-end model test: export NAME from PyTorch (cached), compile it with
tessel-compile into a shared library, run it with tessel-run and compare with
PyTorch's outputs (rtol 1e-3, atol 1e-4).

    run_model_test.py NAME --bin BUILD/bin --cache DIR
"""
import argparse
import hashlib
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cache", required=True)
    args = ap.parse_args()

    # The export is deterministic (fixed seed); re-export when the script changes.
    with open(os.path.join(HERE, "export_model.py"), "rb") as f:
        script_hash = hashlib.sha256(f.read()).hexdigest()[:12]
    model_dir = os.path.join(args.cache, "%s-%s" % (args.name, script_hash))
    if not os.path.exists(os.path.join(model_dir, "test_data_set_0", "output_0.pb")):
        subprocess.run([sys.executable, os.path.join(HERE, "export_model.py"), args.name, model_dir],
                       check=True)
    artifact = os.path.join(model_dir, "model.so")
    start = time.monotonic()
    rc = subprocess.run([os.path.join(args.bin, "tessel-compile"),
                         os.path.join(model_dir, "model.onnx"), "-o", artifact]).returncode
    print("%s: tessel-compile took %.1f s" % (args.name, time.monotonic() - start))
    if rc != 0:
        return 1
    return subprocess.run([os.path.join(args.bin, "tessel-run"), artifact, "--data",
                           os.path.join(model_dir, "test_data_set_0")]).returncode


if __name__ == "__main__":
    sys.exit(main())
