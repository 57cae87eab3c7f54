#!/usr/bin/python3
"""Checks tessel-bench's reports against the kernels of the compiled model
(never against timing values: those are only required to be positive).

    check_bench.py --json BENCH.json --tiled MODEL-tiled.mlir [--kernels] [--profile]
                   [--html REPORT.html] [--svg CHART.svg]

--tiled is `tessel-compile --compile-to=tiled` of the same model: its
functions carrying `tessel.kernel` are the kernels the report must list,
each exactly once.
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("check_bench: " + msg)
    sys.exit(1)


def expected_kernels(tiled_path):
    text = open(tiled_path).read()
    names = re.findall(r"func\.func private @(\w+)\([^\n]*tessel\.kernel = \{", text)
    if not names:
        fail("no kernels in %s" % tiled_path)
    return names


def check_common(k, expect):
    if k["index"] >= len(expect) or k["name"] != expect[k["index"]]:
        fail("kernel %d is %r, the compiled model's kernel %d is %r" %
             (k["index"], k["name"], k["index"], expect[k["index"]] if k["index"] < len(expect) else None))
    if not k["nodes"] or not all(isinstance(n, str) and n for n in k["nodes"]):
        fail("kernel %s has no ONNX node names" % k["name"])
    if not k["op"].startswith("tessel."):
        fail("kernel %s has op %r" % (k["name"], k["op"]))
    if k["bytes"] <= 0 or k["flops"] < 0 or not k["args"]:
        fail("kernel %s: bytes %s, flops %s, args %s" % (k["name"], k["bytes"], k["flops"], k["args"]))
    if k["op"] in ("tessel.conv", "tessel.gemm", "tessel.matmul") and k["flops"] <= 0:
        fail("%s kernel %s has no FLOPs" % (k["op"], k["name"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--tiled", required=True)
    ap.add_argument("--kernels", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--html")
    ap.add_argument("--svg")
    args = ap.parse_args()

    report = json.load(open(args.json))
    expect = expected_kernels(args.tiled)
    for key in ("median_ms", "p10_ms", "p90_ms", "min_ms"):
        if not report.get(key, 0) > 0:
            fail("whole-model %s is %r" % (key, report.get(key)))
    if not report["p10_ms"] <= report["median_ms"] <= report["p90_ms"]:
        fail("p10 <= median <= p90 does not hold")

    if args.kernels:
        kernels = report.get("kernels")
        if kernels is None or [k["name"] for k in kernels] != expect:
            fail("--kernels lists %s, the model has %s" %
                 ([k["name"] for k in kernels or []], expect))
        peak = report["peak"]["gflops"]
        if not peak > 0:
            fail("no peak")
        for k in kernels:
            check_common(k, expect)
            if not k["median_ms"] > 0 or not k["min_ms"] > 0:
                fail("kernel %s has median %r ms" % (k["name"], k["median_ms"]))
            if k["flops"] > 0 and not (k["gflops"] > 0 and k["peak_fraction"] > 0):
                fail("kernel %s: gflops %r, peak_fraction %r" % (k["name"], k["gflops"], k["peak_fraction"]))
            if abs(k["peak_fraction"] - k["gflops"] / peak) > 1e-3 * max(1.0, k["peak_fraction"]):
                fail("kernel %s: peak_fraction is not gflops / peak" % k["name"])
            if k["bound"] not in ("compute", "memory") or not k["gbps"] > 0:
                fail("kernel %s: bound %r, gbps %r" % (k["name"], k["bound"], k["gbps"]))
        print("check_bench: --kernels lists all %d kernels with positive timings" % len(kernels))

    if args.profile:
        prof = report.get("profile")
        if prof is None:
            fail("no profile")
        rows = prof["kernels"]
        if sorted(k["name"] for k in rows) != sorted(expect):
            fail("--profile lists %s, the model has %s" % ([k["name"] for k in rows], expect))
        for k in rows:
            check_common(k, expect)
            if k["median_ms"] < 0 or not 0 <= k["share"] <= 1.0 + 1e-9:
                fail("kernel %s: median %r, share %r" % (k["name"], k["median_ms"], k["share"]))
        medians = [k["median_ms"] for k in rows]
        if medians != sorted(medians, reverse=True):
            fail("the profile is not sorted by time")
        if abs(sum(medians) - prof["kernel_sum_ms"]) > 1e-5 * max(1.0, prof["kernel_sum_ms"]):
            fail("kernel_sum_ms is not the sum of the kernels' medians")
        if abs(prof["kernel_sum_fraction"] - prof["kernel_sum_ms"] / report["median_ms"]) > 1e-4:
            fail("kernel_sum_fraction is not kernel_sum_ms / the whole-model median")
        if prof["runs"] != report["runs"]:
            fail("profiled runs (%d) are not interleaved with the timed runs (%d)" %
                 (prof["runs"], report["runs"]))
        if not prof["median_ms"] > 0 or not prof["kernel_sum_ms"] > 0:
            fail("profiled run median %r, kernel sum %r" % (prof["median_ms"], prof["kernel_sum_ms"]))
        print("check_bench: --profile lists all %d kernels, sorted by share" % len(rows))

    if args.html:
        html = open(args.html).read()
        if "<svg" not in html or "<rect" not in html:
            fail("the HTML report has no inline SVG chart")
        # Self-contained: no scripts, style sheets or images from elsewhere.
        for bad in ("<script", "<link", "<img", "@import", "url("):
            if bad in html:
                fail("the HTML report refers to outside resources (%s)" % bad)
        urls = set(re.findall(r"https?://[^\s\"'<>]+", html)) - {"http://www.w3.org/2000/svg"}
        if urls:
            fail("the HTML report refers to %s" % sorted(urls))
        for name in expect:
            if name not in html:
                fail("kernel %s is missing from the HTML report" % name)
        print("check_bench: the HTML report is self-contained and names every kernel")

    if args.svg:
        root = ET.parse(args.svg).getroot()
        if not root.tag.endswith("svg") or not root.findall(".//{http://www.w3.org/2000/svg}rect"):
            fail("%s is not an SVG bar chart" % args.svg)
        print("check_bench: the SVG chart parses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
