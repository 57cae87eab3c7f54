#!/usr/bin/python3
"""End-to-end model test: export NAME from PyTorch (cached), compile it with
tessel-compile into a shared library, run it with tessel-run and compare with
PyTorch's outputs (rtol 1e-3, atol 1e-4).

    run_model_test.py NAME --bin BUILD/bin --cache DIR [--size S] [--phases]

--phases also prints every --compile-to phase (import, graph, tiled, llvm),
checks that each re-parses with tessel-opt, and that the graph phase holds no
shape arithmetic (no op other than a constant yields a rank-1 integer tensor:
Shape -> Gather -> Concat -> Reshape chains must have folded away).
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# A non-constant op whose result is a rank-1 integer tensor: shape arithmetic.
SHAPE_ARITHMETIC = re.compile(r"^\s*%\S+ = (tessel\.(?!constant\b)[a-z_]+).*-> tensor<\d+xi(32|64)>")


def check_phases(bin_dir, model_dir, label):
    model = os.path.join(model_dir, "model.onnx")
    for phase in ("import", "graph", "tiled", "llvm"):
        out = os.path.join(model_dir, "phase-%s.mlir" % phase)
        for cmd in ([os.path.join(bin_dir, "tessel-compile"), model, "--compile-to=" + phase,
                     "-o", out], [os.path.join(bin_dir, "tessel-opt"), out, "-o", os.devnull]):
            if subprocess.run(cmd).returncode != 0:
                print("%s: phase %s: '%s' failed" % (label, phase, " ".join(cmd)))
                return 1
        print("%s: phase %s: %d bytes, re-parses with tessel-opt" % (label, phase,
                                                                     os.path.getsize(out)))
    with open(os.path.join(model_dir, "phase-graph.mlir")) as f:
        leftovers = [line.strip() for line in f if SHAPE_ARITHMETIC.match(line)]
    if leftovers:
        print("%s: the graph phase still computes shapes:\n  %s" % (label, "\n  ".join(leftovers)))
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--size", type=int, default=0, help="input size (default: the model's own)")
    ap.add_argument("--phases", action="store_true", help="also check every --compile-to phase")
    args = ap.parse_args()

    # The export is deterministic (fixed seed); re-export when the script changes.
    with open(os.path.join(HERE, "export_model.py"), "rb") as f:
        script_hash = hashlib.sha256(f.read()).hexdigest()[:12]
    label = args.name + ("-%d" % args.size if args.size else "")
    model_dir = os.path.join(args.cache, "%s-%s" % (label, script_hash))
    if not os.path.exists(os.path.join(model_dir, "test_data_set_0", "output_0.pb")):
        subprocess.run([sys.executable, os.path.join(HERE, "export_model.py"), args.name, model_dir,
                        "--size", str(args.size)], check=True)
    if args.phases and check_phases(args.bin, model_dir, label) != 0:
        return 1
    artifact = os.path.join(model_dir, "model.so")
    start = time.monotonic()
    rc = subprocess.run([os.path.join(args.bin, "tessel-compile"),
                         os.path.join(model_dir, "model.onnx"), "-o", artifact]).returncode
    print("%s: tessel-compile took %.1f s" % (label, time.monotonic() - start))
    if rc != 0:
        return 1
    return subprocess.run([os.path.join(args.bin, "tessel-run"), artifact, "--data",
                           os.path.join(model_dir, "test_data_set_0")]).returncode


if __name__ == "__main__":
    sys.exit(main())
