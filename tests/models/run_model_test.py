#!/usr/bin/python3
"""End-to-end model test: export NAME from PyTorch (cached), compile it with
tessel-compile into a shared library, run it with tessel-run and compare with
PyTorch's outputs (rtol 1e-3, atol 1e-4).

    run_model_test.py NAME --bin BUILD/bin --cache DIR [--size S] [--phases]
                      [--compare-unfused] [--expect OP=N]... [--forbid OP]...
                      [--dynamic [--shapes N,N... ...]]

--phases also prints every --compile-to phase (import, graph, tiled, llvm),
checks that each re-parses with tessel-opt, and that the graph phase holds no
shape arithmetic (no op other than a constant yields a rank-1 integer tensor:
Shape -> Gather -> Concat -> Reshape chains must have folded away).

--expect tessel.attention=2 and --forbid tessel.relu check how many ops of a
kind the graph phase holds (what graph fusion must achieve on the model).
--compare-unfused also compiles with --no-fusion, checks that artifact against
PyTorch too, and compares the two artifacts' outputs with each other.

--dynamic exports the model with dynamic_axes (symbolic batch, sequence,
height, width: export_model.py's DYNAMIC_AXES) and compiles it with
`--dim SYMBOL=N` for the test inputs' sizes: the dynamic export, specialized,
must match PyTorch and fuse as the static export does.

--dynamic --shapes 1,1 3,13 instead compiles one artifact with every symbolic
dimension dynamic and runs it at the export's sizes and at each of these
(sizes of the symbols in the order of their names, sorted: batch,seq), each
against PyTorch (export_model.py --shapes writes the extra data sets).
"""
import argparse
import collections
import hashlib
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# A non-constant op whose result is a rank-1 integer tensor: shape arithmetic.
SHAPE_ARITHMETIC = re.compile(r"^\s*%\S+ = (tessel\.(?!constant\b)[a-z_]+).*-> tensor<\d+xi(32|64)>")


def check_phases(bin_dir, model_dir, label, flags):
    model = os.path.join(model_dir, "model.onnx")
    for phase in ("import", "graph", "tiled", "llvm"):
        out = os.path.join(model_dir, "phase-%s.mlir" % phase)
        for cmd in ([os.path.join(bin_dir, "tessel-compile"), model, "--compile-to=" + phase,
                     "-o", out] + flags, [os.path.join(bin_dir, "tessel-opt"), out, "-o", os.devnull]):
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


GRAPH_OP = re.compile(r"^\s*(?:%\S+(?:, %\S+)* = )?(tessel\.[a-z_0-9]+)\b")


def check_graph_ops(bin_dir, model_dir, label, expect, forbid, flags):
    out = os.path.join(model_dir, "fusion-graph.mlir")
    cmd = [os.path.join(bin_dir, "tessel-compile"), os.path.join(model_dir, "model.onnx"),
           "--compile-to=graph", "-o", out] + flags
    if subprocess.run(cmd).returncode != 0:
        print("%s: '%s' failed" % (label, " ".join(cmd)))
        return 1
    counts = collections.Counter()
    with open(out) as f:
        for line in f:
            m = GRAPH_OP.match(line)
            if m:
                counts[m.group(1)] += 1
    failures = 0
    for entry in expect:
        op, n = entry.split("=")
        status = "ok" if counts[op] == int(n) else "FAILED"
        failures += status != "ok"
        print("%s: graph phase holds %d %s (expected %s) %s" % (label, counts[op], op, n, status))
    for op in forbid:
        status = "ok" if counts[op] == 0 else "FAILED"
        failures += status != "ok"
        print("%s: graph phase holds %d %s (expected none) %s" % (label, counts[op], op, status))
    return 1 if failures else 0


def data_sets(model_dir):
    return sorted((d for d in os.listdir(model_dir) if d.startswith("test_data_set_")),
                  key=lambda d: int(d.rsplit("_", 1)[1]))


def compile_and_run(bin_dir, model_dir, label, extra_flags, suffix):
    artifact = os.path.join(model_dir, "model%s.so" % suffix)
    start = time.monotonic()
    rc = subprocess.run([os.path.join(bin_dir, "tessel-compile"),
                         os.path.join(model_dir, "model.onnx"), "-o", artifact] + extra_flags
                        ).returncode
    print("%s: tessel-compile%s took %.1f s" % (label, "".join(" " + f for f in extra_flags),
                                               time.monotonic() - start))
    if rc != 0:
        return 1, None
    # One thread and two: each run is checked against the reference, and the
    # two must agree bit for bit (threads split loops, never a sum).
    # Every data set (one per shape of a dynamic artifact).
    first = None
    for data in data_sets(model_dir):
        out_dirs = []
        for threads in (1, 2):
            out_dir = os.path.join(model_dir, "outputs%s-%s-t%d" % (suffix, data, threads))
            os.makedirs(out_dir, exist_ok=True)
            rc = subprocess.run([os.path.join(bin_dir, "tessel-run"), artifact, "--data",
                                 os.path.join(model_dir, data), "--output-dir", out_dir,
                                 "--threads", str(threads)]).returncode
            if rc != 0:
                return rc, None
            out_dirs.append(out_dir)
        if identical_outputs("%s %s" % (label, data), *out_dirs) != 0:
            return 1, None
        first = first or out_dirs[0]
    return 0, first


def identical_outputs(label, one_thread, two_threads):
    import numpy as np
    names = sorted(n for n in os.listdir(one_thread) if n.endswith(".npy"))
    differ = [n for n in names if not np.array_equal(np.load(os.path.join(one_thread, n)),
                                                     np.load(os.path.join(two_threads, n)),
                                                     equal_nan=True)]
    for n in differ:
        print("%s: %s differs between 1 and 2 threads: FAILED" % (label, n))
    if not differ:
        print("%s: outputs identical at 1 and 2 threads (%d)" % (label, len(names)))
    return 1 if differ or not names else 0


def compare_outputs(label, fused_dir, unfused_dir):
    import numpy as np
    names = sorted(n for n in os.listdir(unfused_dir) if n.endswith(".npy"))
    failures = 0
    for name in names:
        a = np.load(os.path.join(fused_dir, name))
        b = np.load(os.path.join(unfused_dir, name))
        ok = a.shape == b.shape and np.allclose(a, b, rtol=1e-3, atol=1e-4)
        err = float(np.max(np.abs(a - b))) if a.shape == b.shape and a.size else 0.0
        print("%s: fusion on vs off, %s: max abs difference %.3g %s"
              % (label, name, err, "ok" if ok else "FAILED"))
        failures += not ok
    return 1 if failures or not names else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--size", type=int, default=0, help="input size (default: the model's own)")
    ap.add_argument("--phases", action="store_true", help="also check every --compile-to phase")
    ap.add_argument("--compare-unfused", action="store_true",
                    help="also compile with --no-fusion and compare the outputs")
    ap.add_argument("--expect", action="append", default=[], metavar="OP=N",
                    help="the graph phase holds exactly N ops OP")
    ap.add_argument("--forbid", action="append", default=[], metavar="OP",
                    help="the graph phase holds no op OP")
    ap.add_argument("--dynamic", action="store_true",
                    help="export with dynamic axes, compile with --dim for the test inputs")
    ap.add_argument("--shapes", nargs="+", metavar="N,N...",
                    help="with --dynamic: compile one artifact with every symbolic dimension "
                         "dynamic and run it at the export's sizes and at these (sizes of the "
                         "symbols in the order of their names, sorted), each against PyTorch")
    args = ap.parse_args()

    # The export is deterministic (fixed seed); re-export when the script changes.
    with open(os.path.join(HERE, "export_model.py"), "rb") as f:
        script_hash = hashlib.sha256(f.read()).hexdigest()[:12]
    if args.shapes and not args.dynamic:
        ap.error("--shapes needs --dynamic")
    label = args.name + ("-%d" % args.size if args.size else "") + ("-dynamic" if args.dynamic
                                                                     else "")
    shapes = args.shapes or []
    model_dir = os.path.join(args.cache, "%s-%s" % (label, script_hash)) + \
        "".join("-" + s.replace(",", "x") for s in shapes)
    if not os.path.exists(os.path.join(model_dir, "test_data_set_%d" % len(shapes), "output_0.pb")):
        subprocess.run([sys.executable, os.path.join(HERE, "export_model.py"), args.name, model_dir,
                        "--size", str(args.size)] + (["--dynamic"] if args.dynamic else []) +
                       (["--shapes"] + shapes if shapes else []), check=True)
    flags = []
    if shapes:
        flags = ["--dynamic"]
        print("%s: one artifact, every symbolic dimension dynamic, at %d shapes" %
              (label, len(shapes) + 1))
    elif args.dynamic:
        import json
        with open(os.path.join(model_dir, "dims.json")) as f:
            flags = ["--dim=%s=%d" % kv for kv in sorted(json.load(f).items())]
        print("%s: compiled with %s" % (label, " ".join(flags)))
    if args.phases and check_phases(args.bin, model_dir, label, flags) != 0:
        return 1
    if (args.expect or args.forbid) and check_graph_ops(args.bin, model_dir, label, args.expect,
                                                        args.forbid, flags) != 0:
        return 1
    rc, fused_out = compile_and_run(args.bin, model_dir, label, flags, "")
    if rc != 0 or not args.compare_unfused:
        return rc
    rc, unfused_out = compile_and_run(args.bin, model_dir, label, flags + ["--no-fusion"],
                                      "-unfused")
    if rc != 0:
        return rc
    return compare_outputs(label, fused_out, unfused_out)


if __name__ == "__main__":
    sys.exit(main())
