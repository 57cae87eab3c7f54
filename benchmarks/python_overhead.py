#!/usr/bin/python3
"""What a run through Python costs over one through the C API.

    benchmarks/python_overhead.py --build build [--model llama_block] [--size 8]
                                  [--rounds 7] [--iterations 2000] [--threads 1]

Exports a zoo model (tests/models/export_model.py, cached in
benchmarks/work/python-overhead/), compiles it with tessel-compile, then
alternates, for --rounds rounds on the same inputs: tessel-bench (C++, the C
API's run on bare buffers, its median of --iterations runs) and
`session.run(None, feeds)` of tessel.InferenceSession (median of
--iterations runs). Reports each one's median of the round medians and their
difference: the Python overhead per run (new output arrays, feed checks,
ctypes). A small model shows it best: the overhead is per run, not per FLOP.
Never asserts; run it on a quiet machine.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def isa():
    flags = open("/proc/cpuinfo").read()
    avx512 = sorted({w for w in flags.split() if w.startswith("avx512")})
    return "AVX-512 (" + ", ".join(avx512) + ")" if avx512 else "AVX2+FMA"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--model", default="llama_block")
    ap.add_argument("--size", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--iterations", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    sys.path.insert(0, os.path.join(build, "python"))
    import numpy as np
    import tessel
    from onnx import TensorProto, numpy_helper

    work = os.path.join(HERE, "work", "python-overhead", "%s-%d" % (args.model, args.size))
    if not os.path.exists(os.path.join(work, "test_data_set_0", "input_0.pb")):
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "models", "export_model.py"),
                        args.model, work, "--size", str(args.size)], check=True)
    so = os.path.join(work, "model.so")
    subprocess.run([os.path.join(build, "bin", "tessel-compile"), os.path.join(work, "model.onnx"),
                    "-o", so], check=True)
    feeds, npys = {}, []
    session = tessel.InferenceSession(so, threads=args.threads)
    for i, arg in enumerate(session.get_inputs()):
        t = TensorProto()
        with open(os.path.join(work, "test_data_set_0", "input_%d.pb" % i), "rb") as f:
            t.ParseFromString(f.read())
        feeds[arg.name] = numpy_helper.to_array(t)
        npy = os.path.join(work, "input_%d.npy" % i)
        np.save(npy, feeds[arg.name])
        npys += ["--input", "%s=%s" % (arg.name, npy)]

    c_rounds, py_rounds = [], []
    for _ in range(args.rounds):
        out = subprocess.run([os.path.join(build, "bin", "tessel-bench"), so, "--json",
                              "--threads", str(args.threads), "--iterations",
                              str(args.iterations), "--warmup", "50"] + npys,
                             check=True, capture_output=True, text=True).stdout
        c_rounds.append(json.loads(out)["median_ms"] * 1e3)
        for _ in range(50):
            session.run(None, feeds)
        times = []
        for _ in range(args.iterations):
            start = time.perf_counter_ns()
            session.run(None, feeds)
            times.append((time.perf_counter_ns() - start) / 1e3)
        py_rounds.append(statistics.median(times))
    c_us, py_us = statistics.median(c_rounds), statistics.median(py_rounds)
    print("host: %s, %s, %d thread(s) of %d cores" % (cpu_name(), isa(), args.threads,
                                                      os.cpu_count()))
    print("model: %s at size %d (%s)" % (args.model, args.size, so))
    print("C API (tessel-bench) median run:  %8.1f us   (rounds: %s)" % (
        c_us, ", ".join("%.1f" % r for r in c_rounds)))
    print("Python session.run median run:    %8.1f us   (rounds: %s)" % (
        py_us, ", ".join("%.1f" % r for r in py_rounds)))
    print("Python overhead per run:          %8.1f us" % (py_us - c_us))
    return 0


if __name__ == "__main__":
    sys.exit(main())
