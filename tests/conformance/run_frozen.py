#!/usr/bin/python3
"""ONNX backend cases whose shape-determining inputs are run-time graph inputs.

Tessel compiles static shapes, so it needs Resize's scales/sizes and Pad's pads
as constants; the backend suite feeds them as graph inputs, which Tessel
refuses with a clean error. To still check these ops against the suite's
reference data, this runner makes a copy of each listed case with those
inputs frozen into initializers (their values from the case's data set),
compiles it with tessel-compile and runs it with tessel-run on the remaining
inputs. It is separate from run_conformance.py: the suite's own count is not
affected. Exits non-zero if any listed case fails.

    run_frozen.py --bin BUILD/bin --work DIR [-v]
"""
import argparse
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys

import onnx
from onnx import numpy_helper

SUITE = "/usr/share/libonnx-testdata/data/node"
# Case name prefix -> the graph inputs to freeze.
FROZEN = {
    "test_resize_": ["roi", "scales", "sizes"],
    "test_upsample_nearest": ["scales"],
    "test_constant_pad": ["pads", "value"],
    "test_edge_pad": ["pads"],
    "test_reflect_pad": ["pads"],
}


def freeze(case_dir, names, out_dir):
    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    data = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))[0]
    inputs = list(model.graph.input)
    kept = []
    os.makedirs(os.path.join(out_dir, "data"), exist_ok=True)
    for i, info in enumerate(inputs):
        tensor = onnx.load_tensor(os.path.join(data, "input_%d.pb" % i))
        if info.name in names:
            tensor.name = info.name
            model.graph.initializer.append(tensor)
        else:
            kept.append(info)
            shutil.copy(os.path.join(data, "input_%d.pb" % i),
                        os.path.join(out_dir, "data", "input_%d.pb" % (len(kept) - 1)))
    del model.graph.input[:]
    model.graph.input.extend(kept)
    for f in glob.glob(os.path.join(data, "output_*.pb")):
        shutil.copy(f, os.path.join(out_dir, "data"))
    onnx.save(model, os.path.join(out_dir, "model.onnx"))


def check(case_dir, names, bin_dir, work):
    name = os.path.basename(case_dir)
    out = os.path.join(work, name)
    shutil.rmtree(out, ignore_errors=True)
    freeze(case_dir, names, out)
    p = subprocess.run([os.path.join(bin_dir, "tessel-compile"), os.path.join(out, "model.onnx"),
                        "-o", os.path.join(out, "model.so")], capture_output=True, text=True)
    if p.returncode != 0:
        return name, False, "tessel-compile exit %d: %s" % (p.returncode, (p.stdout + p.stderr).strip())
    p = subprocess.run([os.path.join(bin_dir, "tessel-run"), os.path.join(out, "model.so"),
                        "--data", os.path.join(out, "data")], capture_output=True, text=True)
    text = (p.stdout + p.stderr).strip().replace("\n", " | ")
    return name, p.returncode == 0, text if p.returncode in (0, 1) else "tessel-run exit %d: %s" % (p.returncode, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True, help="folder for the frozen copies")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    cases = [(d, names) for prefix, names in FROZEN.items()
             for d in sorted(glob.glob(os.path.join(SUITE, prefix + "*")))]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: check(c[0], c[1], args.bin, args.work), cases))
    failed = [r for r in results if not r[1]]
    for name, ok, text in results:
        if not ok or args.verbose:
            print("%-5s %s: %s" % ("PASS" if ok else "FAIL", name, text[:300]))
    print("%d of %d frozen-input cases pass" % (len(results) - len(failed), len(results)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
