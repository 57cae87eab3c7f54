"""tessel.benchmark: tessel-bench's measurements as plain data."""
import json
import os
import subprocess

from . import _config
from .errors import TesselError


def benchmark(model, *, threads=1, iterations=None, warmup=2, kernels=False, profile=True,
              inputs=None, shapes=None, **compile_options):
    """Runs tessel-bench on `model` (a compiled .so, or an ONNX model compiled
    into the cache with compile_options) and returns its JSON report as a dict:
    whole-model latency (median, p10, p90, min in ms), and per kernel (with
    profile) its time inside whole runs, (with kernels) its time alone on
    scratch buffers against the machine's measured peak. inputs: {name: .npy
    path} (default: random values); shapes: {name: dims} for random inputs of
    those shapes. The report's 'inputs' and 'outputs' give the shapes run."""
    path = os.fspath(model) if isinstance(model, (str, os.PathLike)) else None
    if path is None or not path.endswith(".so"):
        from .compiler import compile
        path = compile(model, **compile_options).path
    elif compile_options:
        raise TesselError("compile options need an ONNX model, not a compiled .so")
    cmd = [os.path.join(_config.BIN_DIR, "tessel-bench"), path, "--json",
           "--threads", str(int(threads)), "--warmup", str(int(warmup))]
    if iterations:
        cmd += ["--iterations", str(int(iterations))]
    if kernels:
        cmd.append("--kernels")
    if profile:
        cmd.append("--profile")
    for name, dims in (shapes or {}).items():
        cmd += ["--shape", "%s=%s" % (name, "x".join(str(int(d)) for d in dims))]
    for name, file in (inputs or {}).items():
        cmd += ["--input", "%s=%s" % (name, os.fspath(file))]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise TesselError((proc.stderr or proc.stdout).strip())
    return json.loads(proc.stdout)
