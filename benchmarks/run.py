#!/usr/bin/python3
"""Tessel against ONNX Runtime, side by side, on the [perf] benchmark set.

    benchmarks/run.py --bin build/bin [--threads 1,2] [--rounds 5] [--iterations 10]
                      [--only NAME,...] [--remeasure-peak] [--readme] [--dynamic]

The set: ResNet-18, MobileNetV2, AlexNet at 224; a small ViT; one BERT-base
layer; a small LLaMA block; a U-Net; a 1024³ MatMul; attention at sequence
2048; and, so that small models do not flatter it, torchvision's ViT-B/16 at
224, a LLaMA block at d=2048 over sequence 512 and 4 BERT-base layers at
sequence 128.

For every model: export it (PyTorch with fixed seeds, or onnx.helper), compile
it with tessel-compile, then alternate tessel-bench and ONNX Runtime
(benchmarks/ort_bench.js, onnxruntime-node 1.30) for --rounds rounds on the
same inputs, each round timing --iterations runs after a warm-up, at each
thread count of --threads (both runtimes get the same count). A model's
figure is the median of its round medians; the ratio is ONNX Runtime's median
over Tessel's (above 1: Tessel is faster). The peak RSS of each benchmark
process (`/usr/bin/time`) is reported beside it; node's own baseline
(about 40 MB) is part of ONNX Runtime's figure.

Every table names the host: its CPU, core count, vector ISA (from
/proc/cpuinfo: the AVX-512 subsets present, else AVX2+FMA), the single-core
float32 FMA peak tessel-bench measures (`--kernels` on a one-kernel probe
model; tessel-bench caches it in ~/.cache/tessel/peak.json) and the date.

Writes benchmarks/work/results.md and a bar chart of the speedups,
benchmarks/speedups-<isa>.svg (<isa>: avx2 or avx512, the host's), and with
--readme replaces README.md's section for the host's ISA, between
<!-- benchmarks:<isa>:begin --> and <!-- benchmarks:<isa>:end --> (created
below the other ISAs' sections when missing); the other ISAs' tables stay.
Needs `npm install --ignore-scripts` in benchmarks/ first. Timings are noisy
on a shared 2-core machine: run nothing else meanwhile, and quote ratios, not
absolute times.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EXPORT = os.path.join(ROOT, "tests", "models", "export_model.py")


def export_zoo(name, size, dynamic=False):
    """A model of tests/models/export_model.py at `size` (`dynamic`: exported
    with its DYNAMIC_AXES symbolic)."""
    def build(out):
        subprocess.run([sys.executable, EXPORT, name, out, "--size", str(size)] +
                       (["--dynamic"] if dynamic else []), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return build


def save_inputs(out, arrays, kind="input"):
    data = os.path.join(out, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(data, "%s_%d.pb" % (kind, i)), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())


def export_torch(model, inputs, out, opset):
    """Exports a PyTorch model with its inputs and, as the reference for
    `tessel-run --data`, PyTorch's outputs (output_<i>.pb)."""
    import torch
    with torch.no_grad():
        outputs = model(*inputs)
    if isinstance(outputs, torch.Tensor):
        outputs = [outputs]
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    torch.onnx.export(model, tuple(inputs), path, opset_version=opset,
                      input_names=["input_%d" % i for i in range(len(inputs))],
                      output_names=["output_%d" % i for i in range(len(outputs))])
    onnx.checker.check_model(path)
    save_inputs(out, [t.numpy() for t in inputs])
    save_inputs(out, [t.numpy() for t in outputs], "output")


def matmul_1024(out):
    """Y = X W, 1024³, W a constant (weights)."""
    rng = np.random.RandomState(0)
    w = numpy_helper.from_array(rng.standard_normal((1024, 1024)).astype(np.float32), "w")
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")],
                          "matmul_1024",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1024, 1024])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1024, 1024])],
                          [w])
    os.makedirs(out, exist_ok=True)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out, "model.onnx"))
    save_inputs(out, [rng.standard_normal((1024, 1024)).astype(np.float32)])


def attention_2048(out):
    """softmax(Q Kᵀ / 8) V with 12 heads of 64 at sequence 2048, as exporters
    write it (Transpose of K, Div, Softmax, MatMul)."""
    shape = [1, 12, 2048, 64]
    nodes = [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2], name="k_t"),
             helper.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
             helper.make_node("Div", ["s", "scale"], ["d"], name="scale"),
             helper.make_node("Softmax", ["d"], ["p"], axis=-1, name="softmax"),
             helper.make_node("MatMul", ["p", "v"], ["o"], name="context")]
    g = helper.make_graph(
        nodes, "attention_2048",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape) for n in ("q", "k", "v")],
        [helper.make_tensor_value_info("o", TensorProto.FLOAT, shape)],
        [numpy_helper.from_array(np.array(8.0, np.float32), "scale")])
    os.makedirs(out, exist_ok=True)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out, "model.onnx"))
    rng = np.random.RandomState(0)
    save_inputs(out, [rng.standard_normal(shape).astype(np.float32) for _ in range(3)])


def bert_base_layer(out, dynamic=False):
    """One BERT-base encoder layer (768 wide, 12 heads, 3072 FFN, GELU) at
    sequence 128, exported at opset 13 (LayerNorm written out); `dynamic`:
    with a symbolic batch and sequence (dynamic_axes), input `x`."""
    import torch
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(768, 12, 3072, dropout=0.0, activation="gelu",
                                             batch_first=True).eval()
    x = torch.randn(1, 128, 768)
    os.makedirs(out, exist_ok=True)
    extra = {}
    if dynamic:
        extra = {"input_names": ["x"], "output_names": ["y"],
                 "dynamic_axes": {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}}
    torch.onnx.export(layer, (x,), os.path.join(out, "model.onnx"), opset_version=13, **extra)
    save_inputs(out, [x.numpy()])


def bert_base_4layers(out):
    """Four BERT-base encoder layers (768 wide, 12 heads, 3072 FFN, GELU,
    post-norm, as bert_base_layer) at sequence 128, batch 1, opset 13:
    28.4M parameters. Each layer has weights of its own (nn.TransformerEncoder
    deep-copies one layer, and the exporter would then store its weights once
    for all four)."""
    import torch
    torch.manual_seed(0)
    layer = lambda: torch.nn.TransformerEncoderLayer(768, 12, 3072, dropout=0.0,
                                                     activation="gelu", batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer(), 4, enable_nested_tensor=False)
    encoder.layers = torch.nn.ModuleList(layer() for _ in range(4))
    export_torch(encoder.eval(), [torch.randn(1, 128, 768)], out, 13)


def vit_b16(out):
    """torchvision's ViT-B/16 (`vit_b_16()`, random weights: 86.6M parameters)
    at 224x224, batch 1, opset 14. torchvision initializes the classifier to
    zeros, which would make every output 0 whatever the encoder computed: it
    gets random weights too."""
    import torch
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.vit_b_16(weights=None).eval()
    torch.nn.init.normal_(model.heads.head.weight, std=0.02)
    torch.nn.init.normal_(model.heads.head.bias, std=0.02)
    export_torch(model, [torch.randn(1, 3, 224, 224)], out, 14)


# The [perf] set: NAME -> builder of DIR/model.onnx + DIR/test_data_set_0.
MODELS = {
    "resnet18": export_zoo("resnet18", 224),
    "mobilenet_v2": export_zoo("mobilenet_v2", 224),
    "alexnet": export_zoo("alexnet", 224),
    "vit": export_zoo("vit", 32),
    "bert_base_layer": bert_base_layer,
    "llama_block": export_zoo("llama_block", 128),
    "unet": export_zoo("unet", 128),
    "matmul_1024": matmul_1024,
    "attention_2048": attention_2048,
    # Models of a real size, so that small ones do not flatter the set.
    "vit_b16": vit_b16,
    # tests/models/export_model.py's LlamaBlock at d=2048: 16 heads of 128, MLP
    # hidden 5632; sequence 512.
    "llama_block_2048": export_zoo("llama_block_2048", 512),
    "bert_base_4layers": bert_base_4layers,
}


def matmul_1024_dynamic_m(out):
    """matmul_1024 with its rows a symbolic dimension M (the weight static)."""
    rng = np.random.RandomState(0)
    w = numpy_helper.from_array(rng.standard_normal((1024, 1024)).astype(np.float32), "w")
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")],
                          "matmul_1024_dynamic_m",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["M", 1024])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", 1024])],
                          [w])
    os.makedirs(out, exist_ok=True)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out, "model.onnx"))


def with_symbolic_batch(build):
    """`build`'s model with dimension 0 of every graph input and output a
    symbolic `batch`."""
    def rebuild(out):
        build(out)
        path = os.path.join(out, "model.onnx")
        m = onnx.load(path)
        for v in list(m.graph.input) + list(m.graph.output):
            v.type.tensor_type.shape.dim[0].dim_param = "batch"
        onnx.save(m, path)
    return rebuild


# --dynamic: models with symbolic dimensions, each compiled once with
# tessel-compile --dynamic and run at each of its shapes ({input: dims}),
# against the same model compiled for that shape (--input-shape) and against
# ONNX Runtime on the dynamic model. The transformers have a symbolic batch
# and sequence (PyTorch's dynamic_axes); the static artifact at each shape is
# the same dynamic export compiled with --input-shape.
DYNAMIC_MODELS = {
    "resnet18_dynamic_batch": (with_symbolic_batch(export_zoo("resnet18", 224)),
                               [{"input_0": [1, 3, 224, 224]}, {"input_0": [8, 3, 224, 224]}]),
    "matmul_1024_dynamic_m": (matmul_1024_dynamic_m,
                              [{"x": [1024, 1024]}, {"x": [1000, 1024]}, {"x": [64, 1024]}]),
    "bert_base_layer_dynamic_seq": (lambda out: bert_base_layer(out, dynamic=True),
                                    [{"x": [1, 128, 768]}, {"x": [1, 384, 768]}]),
    "llama_block_2048_dynamic_seq": (export_zoo("llama_block_2048", 512, dynamic=True),
                                     [{"input_0": [1, 64, 2048]}, {"input_0": [1, 512, 2048]}]),
}


def bench_dynamic(name, args, work, threads):
    """Rows for one DYNAMIC_MODELS entry: per shape, the dynamic artifact's
    median, the static artifact's at that shape and ONNX Runtime's, taken in
    alternation, round after round."""
    build, shapes = DYNAMIC_MODELS[name]
    model_dir = os.path.join(work, name)
    model = os.path.join(model_dir, "model.onnx")
    if not os.path.exists(model):
        build(model_dir)
    tessel_compile = os.path.join(args.bin, "tessel-compile")
    dynamic = os.path.join(model_dir, "dynamic.so")
    start = time.monotonic()
    subprocess.run([tessel_compile, model, "--dynamic", "-o", dynamic], check=True)
    compile_s = time.monotonic() - start
    names = [i.name for i in onnx.load(model).graph.input]
    rows = []
    for k, shape in enumerate(shapes):
        label = ",".join("%s=%s" % (n, "x".join(map(str, d))) for n, d in shape.items())
        static = os.path.join(model_dir, "static_%d.so" % k)
        flags = ["--input-shape=%s=%s" % (n, "x".join(map(str, d))) for n, d in shape.items()]
        subprocess.run([tessel_compile, model, "-o", static] + flags, check=True)
        data = os.path.join(model_dir, "inputs_%d" % k)
        os.makedirs(data, exist_ok=True)
        rng = np.random.RandomState(k)
        for i, n in enumerate(names):
            np.save(os.path.join(data, "input_%d.npy" % i),
                    rng.standard_normal(shape[n]).astype(np.float32))
        common = ["--threads", str(threads), "--iterations", str(args.iterations),
                  "--warmup", str(args.warmup)]
        shape_flags = ["--shape=%s=%s" % (n, "x".join(map(str, d))) for n, d in shape.items()]
        times = {"dynamic": [], "static": [], "ort": []}
        for _ in range(args.rounds):
            out, _ = timed([os.path.join(args.bin, "tessel-bench"), dynamic, "--json"] + common +
                           shape_flags)
            times["dynamic"].append(json.loads(out)["median_ms"])
            out, _ = timed([os.path.join(args.bin, "tessel-bench"), static, "--json"] + common)
            times["static"].append(json.loads(out)["median_ms"])
            out, _ = timed(["node", os.path.join(HERE, "ort_bench.js"), model, "--inputs", data] +
                           common)
            times["ort"].append(json.loads(out)["median_ms"])
        row = {"model": name, "shape": label, "threads": threads, "compile_s": compile_s}
        row.update({k + "_ms": statistics.median(v) for k, v in times.items()})
        row["vs_static"] = row["dynamic_ms"] / row["static_ms"]
        row["speedup"] = row["ort_ms"] / row["dynamic_ms"]
        print("%-22s %-14s %d thr  dynamic %9.3f ms  static %9.3f ms (%.3fx)  ort %9.3f ms "
              "(speedup %.3fx)" % (name, label, threads, row["dynamic_ms"], row["static_ms"],
                                   row["vs_static"], row["ort_ms"], row["speedup"]), flush=True)
        rows.append(row)
    return rows


def dynamic_table(rows, threads, header):
    return markdown_table(
        "Dynamic artifacts, threads: %d. %s." % (threads, header),
        ["model", "shape", "dynamic artifact ms", "static artifact ms", "dynamic / static",
         "ONNX Runtime ms (dynamic model)", "speedup over ONNX Runtime", "dynamic compile s"],
        [[r["model"], r["shape"], "%.3f" % r["dynamic_ms"], "%.3f" % r["static_ms"],
          "%.3f" % r["vs_static"], "%.3f" % r["ort_ms"], "%.3fx" % r["speedup"],
          "%.1f" % r["compile_s"]] for r in rows])


def markdown_table(title, columns, cells):
    """Lines of a titled Markdown table (one list of cell strings per row)."""
    return ["%s" % title, "", "| " + " | ".join(columns) + " |",
            "|" + "---|" * len(columns)] + ["| " + " | ".join(row) + " |" for row in cells]


def inputs_as_npy(model_dir):
    """tessel-bench and ort_bench.js both read inputs as .npy; returns the
    folder and tessel-bench's --input flags."""
    data = os.path.join(model_dir, "test_data_set_0")
    names = [i.name for i in onnx.load(os.path.join(model_dir, "model.onnx")).graph.input]
    flags = []
    for i, name in enumerate(names):
        with open(os.path.join(data, "input_%d.pb" % i), "rb") as f:
            t = onnx.TensorProto()
            t.ParseFromString(f.read())
        path = os.path.join(data, "input_%d.npy" % i)
        np.save(path, numpy_helper.to_array(t))
        flags.append("--input=%s=%s" % (name, path))
    return data, flags


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (stdout, peak RSS in MB)."""
    r = subprocess.run(["/usr/bin/time", "-f", "maxrss %M"] + cmd, capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    rss = re.search(r"maxrss (\d+)", r.stderr)
    return r.stdout, int(rss.group(1)) / 1024 if rss else float("nan")


def compile_model(name, args, work):
    model_dir = os.path.join(work, name)
    if not os.path.exists(os.path.join(model_dir, "model.onnx")):
        MODELS[name](model_dir)
    start = time.monotonic()
    subprocess.run([os.path.join(args.bin, "tessel-compile"), os.path.join(model_dir, "model.onnx"),
                    "-o", os.path.join(model_dir, "model.so")], check=True)
    return time.monotonic() - start


def bench(name, args, work, threads, compile_s):
    model_dir = os.path.join(work, name)
    model = os.path.join(model_dir, "model.onnx")
    artifact = os.path.join(model_dir, "model.so")
    data, input_flags = inputs_as_npy(model_dir)
    common = ["--threads", str(threads), "--iterations", str(args.iterations),
              "--warmup", str(args.warmup)]
    tessel, ort, tessel_rss, ort_rss = [], [], [], []
    for _ in range(args.rounds):
        out, rss = timed([os.path.join(args.bin, "tessel-bench"), artifact, "--json"] + common +
                         input_flags)
        tessel.append(json.loads(out)["median_ms"])
        tessel_rss.append(rss)
        out, rss = timed(["node", os.path.join(HERE, "ort_bench.js"), model, "--inputs", data] +
                         common)
        ort.append(json.loads(out)["median_ms"])
        ort_rss.append(rss)
    row = {"model": name, "threads": threads, "tessel_ms": statistics.median(tessel),
           "ort_ms": statistics.median(ort), "tessel_rss_mb": max(tessel_rss),
           "ort_rss_mb": max(ort_rss), "compile_s": compile_s}
    row["speedup"] = row["ort_ms"] / row["tessel_ms"]
    print("%-16s %d thr  tessel %10.3f ms  ort %10.3f ms  speedup %6.3fx  (compile %.1f s)" %
          (name, threads, row["tessel_ms"], row["ort_ms"], row["speedup"], compile_s), flush=True)
    return row


# /proc/cpuinfo's flags for the AVX-512 subsets (and AVX-VNNI) a table names.
AVX512_SUBSETS = [("avx512f", "F"), ("avx512bw", "BW"), ("avx512dq", "DQ"), ("avx512vl", "VL"),
                  ("avx512_vnni", "VNNI"), ("avx512_bf16", "BF16")]


def host():
    """The host from /proc/cpuinfo: {cpu, cores, isa (the words a table
    prints), key ("avx512", "avx2" or "other": which README section)}."""
    with open("/proc/cpuinfo") as f:
        text = f.read()
    m = re.search(r"model name\s*:\s*(.*)", text)
    flags = set(re.search(r"flags\s*:\s*(.*)", text).group(1).split())
    if "avx512f" in flags:
        isa = "AVX-512 (%s)" % ", ".join(n for f, n in AVX512_SUBSETS if f in flags)
        key = "avx512"
    elif "avx2" in flags and "fma" in flags:
        isa, key = "AVX2+FMA", "avx2"
    else:
        isa, key = "no AVX2+FMA", "other"
    if "avx_vnni" in flags:
        isa += ", AVX-VNNI"
    return {"cpu": m.group(1).strip() if m else platform.processor() or "unknown CPU",
            "cores": os.cpu_count(), "isa": isa, "key": key}


def measure_peak(args, work):
    """tessel-bench's single-core float32 FMA peak, from `--kernels` on a
    one-kernel probe (a 64x64 MatMul: compiled in a fraction of a second,
    timed once): tessel-bench reads the peak from ~/.cache/tessel/peak.json,
    or measures it (about a second) and caches it; --remeasure-peak drops the
    cache first (a peak measured on a busy machine stays cached otherwise).
    Returns its JSON "peak" object ({gflops, gbps, isa, source})."""
    if args.remeasure_peak:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        cache = os.path.join(cache, "tessel", "peak.json")
        if os.path.exists(cache):
            os.remove(cache)
    probe = os.path.join(work, "peak_probe")
    model, artifact = os.path.join(probe, "model.onnx"), os.path.join(probe, "model.so")
    if not os.path.exists(model):
        os.makedirs(probe, exist_ok=True)
        w = numpy_helper.from_array(np.full((64, 64), 0.5, np.float32), "w")
        g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")],
                              "peak_probe",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 64])],
                              [w])
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), model)
    subprocess.run([os.path.join(args.bin, "tessel-compile"), model, "-o", artifact], check=True)
    r = subprocess.run([os.path.join(args.bin, "tessel-bench"), artifact, "--kernels", "--json",
                        "--iterations", "1", "--warmup", "0"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("tessel-bench --kernels failed:\n%s" % r.stderr[-2000:])
    return json.loads(r.stdout)["peak"]


def machine(h, peak, date):
    """The line every table starts with: date, host, ISA and peak."""
    source = "cached" if peak["source"].startswith("cache") else peak["source"]
    return ("%s; host: %s, %d cores; ISA: %s; FMA peak: %.1f GFLOP/s float32, one core "
            "(tessel-bench, %s loop, %s)" % (date, h["cpu"], h["cores"], h["isa"], peak["gflops"],
                                             peak["isa"], source))


def update_readme(path, key, text):
    """Replaces README.md's section for ISA `key` with `text`; a missing one
    is created after the last ISA's section."""
    with open(path) as f:
        content = f.read()
    begin, end = "<!-- benchmarks:%s:begin -->" % key, "<!-- benchmarks:%s:end -->" % key
    section = begin + "\n" + text + end
    if begin in content:
        head, rest = content.split(begin, 1)
        if end not in rest:
            sys.exit("run.py: README.md has %s without %s" % (begin, end))
        content = head + section + rest.split(end, 1)[1]
    else:
        ends = list(re.finditer(r"<!-- benchmarks:[a-z0-9]+:end -->", content))
        if not ends:
            sys.exit("run.py: README.md has no <!-- benchmarks:ISA:begin --> ... end section")
        at = ends[-1].end()
        content = content[:at] + "\n\n" + section + content[at:]
    with open(path, "w") as f:
        f.write(content)


def table(rows, args, threads, header):
    lines = markdown_table(
        "Threads: %d. %s." % (threads, header),
        ["model", "Tessel median ms", "ONNX Runtime median ms", "speedup", "Tessel peak RSS MB",
         "ONNX Runtime peak RSS MB", "compile s"],
        [[r["model"], "%.3f" % r["tessel_ms"], "%.3f" % r["ort_ms"], "%.3fx" % r["speedup"],
          "%.0f" % r["tessel_rss_mb"], "%.0f" % r["ort_rss_mb"], "%.1f" % r["compile_s"]]
         for r in rows])
    geo = statistics.geometric_mean([r["speedup"] for r in rows])
    lines += ["", "Geometric-mean speedup over ONNX Runtime at %d thread%s: %.3fx (%d models)." %
              (threads, "" if threads == 1 else "s", geo, len(rows))]
    return "\n".join(lines) + "\n"


def chart(by_threads, isa):
    """A grouped bar chart (SVG) of the speedups, one bar per thread count."""
    models = [r["model"] for r in next(iter(by_threads.values()))]
    colors = ["#4c78a8", "#f58518", "#54a24b", "#b279a2"]
    top = max(1.5, max(r["speedup"] for rows in by_threads.values() for r in rows) * 1.1)
    width, height, left, bottom, group = 90 * len(models) + 80, 340, 50, 80, 90
    y = lambda v: 20 + (height - bottom - 20) * (1 - v / top)
    bar = (group - 20) / len(by_threads)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width, height),
           '<text x="%d" y="14" font-size="13">Tessel speedup over ONNX Runtime 1.30 on %s '
           '(median; above 1: Tessel faster)</text>' % (left, isa)]
    for v in [0.5 * i for i in range(int(top / 0.5) + 1)]:
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>' %
                   (left, width - 10, y(v), y(v), "#000" if v == 1 else "#ddd"))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%.1fx</text>' % (left - 4, y(v) + 4, v))
    for k, (threads, rows) in enumerate(sorted(by_threads.items())):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">'
                   '%d thread%s</text>' % (width - 110, 24 + 14 * k, colors[k % 4], width - 96,
                                           33 + 14 * k, threads, "" if threads == 1 else "s"))
        for i, r in enumerate(rows):
            x = left + 10 + i * group + k * bar
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">'
                       '<title>%s, %d thread(s): %.2fx</title></rect>' %
                       (x, y(r["speedup"]), bar - 2, y(0) - y(r["speedup"]), colors[k % 4],
                        r["model"], threads, r["speedup"]))
    for i, m in enumerate(models):  # Slanted: the longer names are wider than a group.
        x, yl = left + 10 + i * group + (group - 20) / 2, height - bottom + 14
        out.append('<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-25 %.1f %d)">'
                   '%s</text>' % (x + 8, yl, x + 8, yl, m))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="folder with tessel-compile and tessel-bench")
    ap.add_argument("--threads", default="1",
                    help="comma-separated thread counts, e.g. 1,2 (default 1)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(MODELS))
    ap.add_argument("--remeasure-peak", action="store_true",
                    help="measure the FMA peak again instead of reading tessel-bench's cache")
    ap.add_argument("--readme", action="store_true",
                    help="update README.md's benchmark section for this host's ISA")
    ap.add_argument("--dynamic", action="store_true",
                    help="only the dynamic rows: models with symbolic dimensions compiled once "
                         "(--dynamic) against static artifacts at each shape and ONNX Runtime; "
                         "writes benchmarks/work/dynamic.md")
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(HERE, "node_modules", "onnxruntime-node")):
        sys.exit("run.py: ONNX Runtime is missing: (cd benchmarks && npm install --ignore-scripts)")
    if args.dynamic:
        return main_dynamic(args)
    names = selected(args, MODELS, "model")
    thread_counts = [int(t) for t in args.threads.split(",") if t]
    work = os.path.join(HERE, "work")
    h, header = host_header(args, work)
    by_threads = {t: [] for t in thread_counts}
    for n in names:
        compile_s = compile_model(n, args, work)
        for t in thread_counts:
            by_threads[t].append(bench(n, args, work, t, compile_s))
    svg = "speedups-%s.svg" % h["key"]
    text = "%s. Command: `%s`.\n\n" % (h["isa"], " ".join(["benchmarks/run.py"] + sys.argv[1:]))
    text += "\n".join(table(by_threads[t], args, t, header) for t in thread_counts)
    text += "\n![speedups on %s](benchmarks/%s)\n" % (h["isa"], svg)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(HERE, svg), "w") as f:
        f.write(chart(by_threads, h["isa"]))
    print(text)
    if args.readme:
        update_readme(os.path.join(ROOT, "README.md"), h["key"], text)


def selected(args, models, what):
    """--only's names (all of `models` without it); exits on an unknown one."""
    names = [n for n in args.only.split(",") if n] or list(models)
    unknown = [n for n in names if n not in models]
    if unknown:
        sys.exit("run.py: unknown %s(s) %s; known: %s" % (what, ", ".join(unknown),
                                                          ", ".join(models)))
    return names


def host_header(args, work):
    """The host and the tables' header line, with the FMA peak measured
    first, while nothing else runs."""
    h = host()
    peak = measure_peak(args, work)
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = machine(h, peak, date)
    print(header, flush=True)
    return h, header


def main_dynamic(args):
    names = selected(args, DYNAMIC_MODELS, "dynamic model")
    work = os.path.join(HERE, "work")
    h, header = host_header(args, work)
    text = "%s. Command: `%s`.\n\n" % (h["isa"], " ".join(["benchmarks/run.py"] + sys.argv[1:]))
    for t in [int(t) for t in args.threads.split(",") if t]:
        rows = [r for n in names for r in bench_dynamic(n, args, work, t)]
        text += "\n".join(dynamic_table(rows, t, header)) + "\n\n"
    with open(os.path.join(work, "dynamic.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
