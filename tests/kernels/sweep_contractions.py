#!/usr/bin/python3
"""A numerical sweep of the register-blocked kernel generator.

    sweep_contractions.py --bin BUILD/bin --work DIR [--jobs N]

Every contraction form the kernels serve (matmul with constant or run-time
B, batched matmul, Gemm with transposed weights, convolutions 1x1 / 3x3 /
strided / large-stride / grouped / depthwise / folded 7x7) at ragged M, N
and K, compiled once for each target's kernel choices:

  avx2    --target-cpu=znver3 (16 x 256-bit registers)
  avx512  --tune-cpu=znver4   (32 x 512-bit registers: AVX-512's tiles and
          blocks, emitted for this host, where LLVM splits each 512-bit
          vector in two; the numbers are AVX-512's kernels', the speed is not)

and run at 1 and 2 threads against a float64 NumPy reference (rtol 1e-3,
atol 1e-4 after scaling by the reduction length). The configs the selector
chose (printed after tessel-select-kernel-config) are collected per target,
and the sweep fails unless they cover every kind of choice it can make:
each `parallel` loop, packed A and B, stationary A, folded tiles, reduction,
row and column blocks, one-row tiles, each vector count of a tile row. A
selector change that makes a case take another path keeps it covered or
fails here, and an edge it breaks fails the numerical check.
Ends with a line `N passed, M failed`.
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TARGETS = {"avx2": ["--target-cpu=znver3"], "avx512": ["--tune-cpu=znver4"]}
CONFIG = re.compile(r"#tessel\.kernel_config<([^>]*)>")


def matmul(m, n, k, const_b=True, batch=None):
    """Y = X B; B a constant (packed at compile time) or a second input."""
    lead = [batch] if batch else []
    rng = np.random.default_rng(m * 1000003 + n * 1009 + k)
    x = rng.standard_normal(lead + [m, k]).astype(np.float32)
    b = rng.standard_normal(lead + [k, n]).astype(np.float32)
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))]
    inits, feeds = [], [x]
    if const_b:
        inits.append(numpy_helper.from_array(b, "b"))
    else:
        inputs.append(helper.make_tensor_value_info("b", TensorProto.FLOAT, list(b.shape)))
        feeds.append(b)
    ref = np.matmul(x.astype(np.float64), b.astype(np.float64))
    node = helper.make_node("MatMul", ["x", "b"], ["y"], name="matmul")
    return [node], inputs, inits, feeds, ref, k


def gemm_trans_b(m, n, k):
    """Y = X Wᵀ + c (a linear layer as exporters write it)."""
    rng = np.random.default_rng(7 * m + n + 13 * k)
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    c = rng.standard_normal((n,)).astype(np.float32)
    node = helper.make_node("Gemm", ["x", "w", "c"], ["y"], transB=1, name="gemm")
    ref = x.astype(np.float64) @ w.astype(np.float64).T + c
    return ([node], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
            [numpy_helper.from_array(w, "w"), numpy_helper.from_array(c, "c")], [x], ref, k)


def conv_reference(x, w, b, stride, pad, group):
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    fg = f // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * fg:(g + 1) * fg].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                out[:, g * fg:(g + 1) * fg] += np.einsum("nchw,fc->nfhw", patch, ws[:, :, i, j])
    return out + b.reshape(1, f, 1, 1)


def conv(c, f, hw, kernel, stride=1, pad=0, group=1, batch=1, relu=False):
    """Conv (+ bias, + ReLU) with constant filters."""
    rng = np.random.default_rng(c * 31 + f * 17 + hw * 7 + kernel + stride * 3 + group)
    x = rng.standard_normal((batch, c, hw, hw)).astype(np.float32)
    w = rng.standard_normal((f, c // group, kernel, kernel)).astype(np.float32)
    b = rng.standard_normal((f,)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["conv" if relu else "y"],
                              kernel_shape=[kernel, kernel], strides=[stride, stride],
                              pads=[pad] * 4, group=group, name="conv")]
    ref = conv_reference(x, w, b, stride, pad, group)
    if relu:
        nodes.append(helper.make_node("Relu", ["conv"], ["y"], name="relu"))
        ref = np.maximum(ref, 0)
    return (nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
            [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")], [x], ref,
            (c // group) * kernel * kernel)


# name -> builder. Sizes are ragged against both targets' tiles (8 or 16
# lanes, rows of 1-16) unless a case needs whole tiles; the larger ones
# cross the parallel threshold and the cache-sized blocks.
CASES = {
    "matmul_1x1x1": lambda: matmul(1, 1, 1),
    "gemv_1x37x300": lambda: matmul(1, 37, 300),
    "matmul_5x17x3": lambda: matmul(5, 17, 3),
    "matmul_7x33x65": lambda: matmul(7, 33, 65),
    "matmul_13x100x257": lambda: matmul(13, 100, 257),
    "matmul_64x64x64": lambda: matmul(64, 64, 64),
    "matmul_97x130x50_runtime_b": lambda: matmul(97, 130, 50, const_b=False),
    "matmul_250x520x700": lambda: matmul(250, 520, 700),
    "matmul_300x200x1030_runtime_b": lambda: matmul(300, 200, 1030, const_b=False),
    "matmul_1030x1030x64_runtime_b": lambda: matmul(1030, 1030, 64, const_b=False),
    "gemv_1x4100x520": lambda: matmul(1, 4100, 520),
    "gemv_2x3000x700": lambda: matmul(2, 3000, 700),
    "batched_3x19x23x29": lambda: matmul(19, 23, 29, const_b=False, batch=3),
    "batched_4x128x72x130": lambda: matmul(128, 72, 130, const_b=False, batch=4),
    "gemm_trans_b_9x70x45": lambda: gemm_trans_b(9, 70, 45),
    "gemm_trans_b_300x260x300": lambda: gemm_trans_b(300, 260, 300),
    "conv1x1_16to24_7": lambda: conv(16, 24, 7, 1),
    "conv1x1_64to96_14": lambda: conv(64, 96, 14, 1, relu=True),
    "conv1x1_s2_32to48_15": lambda: conv(32, 48, 15, 1, stride=2),
    "conv3x3_8to8_32": lambda: conv(8, 8, 32, 3, pad=1),
    "conv3x3_12to20_14": lambda: conv(12, 20, 14, 3, pad=1, relu=True),
    "conv3x3_32to64_28": lambda: conv(32, 64, 28, 3, pad=1),
    "conv3x3_s2_24to40_29": lambda: conv(24, 40, 29, 3, stride=2, pad=1),
    "conv3x3_256to256_7": lambda: conv(256, 256, 7, 3, pad=1),
    "conv3x3_96to100_7_batch2": lambda: conv(96, 100, 7, 3, pad=1, batch=2),
    "conv11x11_s4_3to16_63": lambda: conv(3, 16, 63, 11, stride=4, pad=2),
    "conv3x3_grouped_16to24_g4_13": lambda: conv(16, 24, 13, 3, pad=1, group=4),
    "conv3x3_depthwise_32_15": lambda: conv(32, 32, 15, 3, pad=1, group=32),
    "conv3x3_depthwise_s2_48_28": lambda: conv(48, 48, 28, 3, stride=2, pad=1, group=48),
    "conv5x5_6to10_27": lambda: conv(6, 10, 27, 5, pad=2),
}


def build(name, work):
    """DIR/model.onnx, DIR/test_data_set_0/{input,output}_i.pb and the
    tolerance for `name` (reused when present)."""
    out = os.path.join(work, name)
    data = os.path.join(out, "test_data_set_0")
    tol_path = os.path.join(out, "atol")
    if os.path.exists(tol_path):
        return out, float(open(tol_path).read())
    nodes, inputs, inits, feeds, ref, reduction = CASES[name]()
    graph = helper.make_graph(nodes, name, inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                             list(ref.shape))], inits)
    os.makedirs(data, exist_ok=True)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out, "model.onnx"))
    for i, a in enumerate(feeds):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    with open(os.path.join(data, "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(ref.astype(np.float32)).SerializeToString())
    # float32 sums of `reduction` products of unit normals: errors grow
    # with sqrt(reduction); 1e-4 absolute at a reduction of 1.
    atol = 1e-4 * max(1.0, np.sqrt(reduction))
    with open(tol_path, "w") as f:
        f.write(repr(atol))
    return out, atol


def check(name, target, args):
    """Compiles `name` for `target`, runs it at 1 and 2 threads. Returns
    (ok, configs, message)."""
    out, atol = build(name, args.work)
    artifact = os.path.join(out, "%s.so" % target)
    r = subprocess.run([os.path.join(args.bin, "tessel-compile"), os.path.join(out, "model.onnx"),
                        "-o", artifact, "--print-ir-after=tessel-select-kernel-config"] +
                       TARGETS[target], capture_output=True, text=True)
    if r.returncode != 0:
        return False, [], "compile failed: " + r.stderr.strip().splitlines()[-1][:300]
    configs = CONFIG.findall(r.stderr)
    if not configs:
        return False, [], "no kernel config was chosen: the contraction missed the kernels"
    for threads in (1, 2):
        run = subprocess.run([os.path.join(args.bin, "tessel-run"), artifact, "--data",
                              os.path.join(out, "test_data_set_0"), "--threads", str(threads),
                              "--rtol", "1e-3", "--atol", repr(atol)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            return False, configs, "%d thread(s): %s" % (
                threads, (run.stdout + run.stderr).strip().splitlines()[-1][:300])
    return True, configs, ""


def fields(config):
    """The config's choices as a set of names, e.g. {'parallel=columns',
    'pack_a', 'rows=1', 'vectors=4', 'reduction_block'}."""
    out = set()
    for part in config.split(","):
        key, value = (s.strip() for s in part.split("="))
        if key in ("rows", "vectors"):
            if key == "vectors" or value == "1":
                out.add("%s=%s" % (key, value))
            else:
                out.add("rows>1")
        elif key == "parallel":
            out.add("parallel=" + value)
        elif key in ("reduction_block", "row_block", "column_block") and value != "0":
            out.add(key)
        elif value == "true":
            out.add(key)
    if not any(f.startswith("parallel=") for f in out):
        out.add("parallel=none")
    return out


# The choices the selector makes, each of which some case must exercise.
REQUIRED = ["parallel=none", "parallel=outer", "parallel=columns", "parallel=rows",
            "parallel=column_blocks", "pack_a", "pack_b", "stationary_a", "fold_outer",
            "reduction_block", "row_block", "column_block", "rows=1", "rows>1",
            "vectors=1", "vectors=2", "vectors=4"]
REQUIRED_BY_TARGET = {"avx2": REQUIRED, "avx512": REQUIRED + ["vectors=3"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", default="", help="comma-separated case names")
    args = ap.parse_args()
    # Cases are reused from an earlier run of this same script only.
    with open(os.path.abspath(__file__), "rb") as f:
        args.work = os.path.join(args.work, hashlib.sha1(f.read()).hexdigest()[:12])
    os.makedirs(args.work, exist_ok=True)
    names = [n for n in args.only.split(",") if n] or list(CASES)
    for n in names:  # Built once, before the parallel compiles read them.
        build(n, args.work)
    jobs = [(n, t) for n in names for t in TARGETS]
    passed = failed = 0
    seen = {t: set() for t in TARGETS}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for (name, target), (ok, configs, message) in zip(
                jobs, pool.map(lambda j: check(j[0], j[1], args), jobs)):
            for c in configs:
                seen[target] |= fields(c)
            summary = "; ".join(sorted(set(configs)))
            if ok:
                passed += 1
                print("PASS %-34s %-6s %s" % (name, target, summary), flush=True)
            else:
                failed += 1
                print("FAIL %-34s %-6s %s\n     %s" % (name, target, summary, message), flush=True)
    if not args.only:
        for target, required in REQUIRED_BY_TARGET.items():
            missing = [r for r in required if r not in seen[target]]
            if missing:
                failed += 1
                print("FAIL coverage %s: no case made the selector choose %s" %
                      (target, ", ".join(missing)))
            else:
                passed += 1
                print("PASS coverage %s: every choice exercised (%s)" %
                      (target, ", ".join(sorted(seen[target]))))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
