#!/usr/bin/python3
"""ONNX backend conformance gate.

Compiles every case of the ONNX backend suite (Debian's libonnx-testdata) with
tessel-compile, runs each test data set with tessel-run, and classifies it:

  pass         every data set matches (rtol 1e-3, atol 1e-4)
  fail         compiled but gave wrong results or a runtime error
  unsupported  tessel-compile refused it with a clean error (exit code 1)
  crash        tessel-compile or tessel-run crashed, hung or printed no error

Where a case feeds a shape-setting operand (a Reshape's shape, Slice's
starts, Resize's scales...) as a graph input, the compiled model reads it at
run time (a shape input): nothing is bound. With --bind the old way is kept
for comparison: where the compiler asks for an input's value, the runner
binds it to the case's first data set (tessel-compile --bind-input) and
compiles again; such passes are counted apart ("bound").

--dynamic runs the suite's dynamic variant (make_dynamic.py: every dimension
of every graph input symbolic, unnamed) against expected_passes_dynamic.txt.
Each case is first compiled once with tessel-compile --dynamic, and that one
artifact runs every data set ("one artifact"). Where the compiler refuses
(an op that does not take dynamic dimensions yet) or the artifact's shape
checks refuse a data set (a dimension of run-time size 1 that the model
broadcasts: dynamic sizes never stretch), the case is compiled for each data
set's input shapes instead (--input-shape for every input; "specialized"),
which still checks import, specialization and shape inference of symbolic
inputs. The cases listed in expected_dynamic_artifacts.txt must pass with one
artifact.

Exits non-zero when a case listed in expected_passes.txt does not pass (a
regression) or when anything crashes. --update rewrites the list.
Compiled artifacts are cached by the hash of the model and the compiler.
"""
import argparse
import concurrent.futures
import functools
import glob
import hashlib
import os
import re
import subprocess
import sys
import threading

import onnx

SUITE = "/usr/share/libonnx-testdata/data"
CATEGORIES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected_passes.txt")
EXPECTED_DYNAMIC = os.path.join(HERE, "expected_passes_dynamic.txt")
EXPECTED_ARTIFACTS = os.path.join(HERE, "expected_dynamic_artifacts.txt")
# The runtime's message when an artifact's shape checks refuse a run.
SHAPES_REFUSED = "the input shapes do not fit the model"
BASIC_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.INT32, onnx.TensorProto.INT64,
               onnx.TensorProto.BOOL}


def file_hash(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def uses_basic_types(model_path):
    """True if every graph input/output is a float32/int32/int64/bool tensor."""
    try:
        m = onnx.load(model_path, load_external_data=False)
    except Exception:
        return False
    for v in list(m.graph.input) + list(m.graph.output):
        if not v.type.HasField("tensor_type") or v.type.tensor_type.elem_type not in BASIC_TYPES:
            return False
    return True


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


# The compiler's hint when a shape-setting operand is a graph input.
BIND_HINT = re.compile(r"--bind-input=(\S+)=FILE")


@functools.lru_cache(maxsize=None)
def graph_input_names(case_dir):
    """A case's graph inputs (initializers aside), read once per case."""
    m = onnx.load(os.path.join(case_dir, "model.onnx"), load_external_data=False)
    initializers = {t.name for t in m.graph.initializer}
    return tuple(i.name for i in m.graph.input if i.name not in initializers)


def graph_input_files(case_dir, data=None):
    """Graph input name -> its file in data set `data` (default: the first)."""
    names = graph_input_names(case_dir)
    if data is None:
        sets = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))
        if not sets:
            return {}
        data = sets[0]
    return {n: os.path.join(data, "input_%d.pb" % i) for i, n in enumerate(names)}


def data_set_shapes(case_dir, data):
    """--input-shape flags for the inputs of one data set."""
    flags = []
    for name, path in graph_input_files(case_dir, data).items():
        if not os.path.exists(path):
            continue
        t = onnx.TensorProto()
        with open(path, "rb") as f:
            t.ParseFromString(f.read())
        flags.append("--input-shape=%s=%s" % (name, "x".join(str(d) for d in t.dims)))
    return flags


# Extra tessel-compile flags (--compile-flag), e.g. --no-fusion to check that
# graph fusion loses no pass.
COMPILE_FLAGS = []
# --dynamic: cases rewritten by make_dynamic.py, compiled per data set's shapes.
DYNAMIC = []
# --bind: bind the graph inputs the compiler asks for (default off: every
# shape input is read at run time).
BIND = []


def compile_case(case_dir, bin_dir, out, model=None, flags=()):
    """Compiles, binding the inputs the compiler asks for. Returns (rc, output,
    bound input names)."""
    model = model or os.path.join(case_dir, "model.onnx")
    bound = {}
    while True:
        cmd = [os.path.join(bin_dir, "tessel-compile"), model, "-o", out] + COMPILE_FLAGS
        cmd += list(flags)
        cmd += ["--bind-input=%s=%s" % kv for kv in sorted(bound.items())]
        rc, text = run(cmd, 300)
        hint = BIND_HINT.search(text) if rc == 1 and BIND else None
        if not hint or hint.group(1) in bound or len(bound) >= 8:
            return rc, text, sorted(bound)
        files = graph_input_files(case_dir)
        if hint.group(1) not in files:
            return rc, text, sorted(bound)
        bound[hint.group(1)] = files[hint.group(1)]


def compiled_artifact(case_dir, bin_dir, cache_dir, compiler_hash, model, flags):
    """The cached artifact of `model` compiled with `flags`: (path, bound inputs)
    or (None, (status, detail)) when it does not compile."""
    key = hashlib.sha256((compiler_hash + file_hash(model) + " ".join(flags)).encode())
    artifact = os.path.join(cache_dir, key.hexdigest()[:32] + ".so")
    bound_list = artifact + ".bound"  # the inputs bound to build the artifact
    if not os.path.exists(artifact):
        tmp = "%s.%d-%d.tmp.so" % (artifact, os.getpid(), threading.get_ident())
        rc, out, bound = compile_case(case_dir, bin_dir, tmp, model, flags)
        if rc == 1 and "error:" in out and len(out.strip().splitlines()) == 1:
            return None, ("unsupported", out.strip())
        if rc != 0 or not os.path.exists(tmp):
            return None, ("crash", "tessel-compile exit %s: %s" % (rc, out.strip()[-400:]))
        with open(bound_list, "w") as f:
            f.write(" ".join(bound))
        os.replace(tmp, artifact)
    bound = open(bound_list).read().split() if os.path.exists(bound_list) else []
    return artifact, bound


def check_case(case_dir, bin_dir, cache_dir, compiler_hash):
    name = os.path.relpath(case_dir, SUITE)
    model = os.path.join(case_dir, "model.onnx")
    if DYNAMIC:
        dynamic = os.path.join(cache_dir, hashlib.sha256(
            (file_hash(model) + file_hash(os.path.join(HERE, "make_dynamic.py"))).encode()
        ).hexdigest()[:32] + ".dynamic.onnx")
        if not os.path.exists(dynamic):
            from make_dynamic import make_dynamic
            m = onnx.load(model, load_external_data=False)
            make_dynamic(m)
            tmp = "%s.%d-%d.tmp" % (dynamic, os.getpid(), threading.get_ident())
            onnx.save(m, tmp)
            os.replace(tmp, dynamic)
        model = dynamic
    sets = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))
    if not sets:
        return name, "fail", "no test data sets"
    if DYNAMIC:
        # One artifact for every data set, if the compiler and the shape
        # checks take it; else one per data set's shapes.
        artifact, bound = compiled_artifact(case_dir, bin_dir, cache_dir, compiler_hash, model,
                                            ["--dynamic"])
        if artifact is not None:
            result = run_data_sets(name, artifact, bin_dir, sets)
            if result[1] == "crash" or (result[1] == "fail" and SHAPES_REFUSED not in result[2]):
                return result
            if result[1] == "pass":
                return name, "pass", "one artifact" + ("; bound: " + ", ".join(bound)
                                                        if bound else "")
        elif bound[0] == "crash":
            return (name,) + bound
    bound = []
    for data in sets:
        flags = data_set_shapes(case_dir, data) if DYNAMIC else []
        artifact, bound = compiled_artifact(case_dir, bin_dir, cache_dir, compiler_hash, model,
                                            flags)
        if artifact is None:
            return (name,) + bound
        result = run_data_sets(name, artifact, bin_dir, [data])
        if result[1] != "pass":
            return result
    detail = ("bound: " + ", ".join(bound)) if bound else ""
    if DYNAMIC:
        detail = "specialized" + ("; " + detail if detail else "")
    return name, "pass", detail


def run_data_sets(name, artifact, bin_dir, sets):
    """Runs `artifact` on each data set, at one thread and at two: both must
    match the reference. Returns (name, status, detail)."""
    for data in sets:
        for threads in ("1", "2"):
            rc, out = run([os.path.join(bin_dir, "tessel-run"), artifact, "--data", data,
                           "--threads", threads], 300)
            if rc == 1:
                return name, "fail", "(%s threads) %s" % (threads, out.strip()[-400:])
            if rc != 0:
                return name, "crash", "tessel-run --threads %s exit %s: %s" % (
                    threads, rc, out.strip()[-400:])
    return name, "pass", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", required=True, help="folder with tessel-compile and tessel-run")
    ap.add_argument("--cache", required=True, help="folder for compiled artifacts")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--update", action="store_true", help="rewrite expected_passes.txt")
    ap.add_argument("--filter", default="", help="only cases whose name contains this")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every non-passing case")
    ap.add_argument("--compile-flag", action="append", default=[],
                    help="pass this flag to tessel-compile too (repeatable)")
    ap.add_argument("--dynamic", action="store_true",
                    help="the dynamic variant: graph inputs' dimensions symbolic "
                         "(make_dynamic.py), against expected_passes_dynamic.txt")
    ap.add_argument("--bind", action="store_true",
                    help="where the compiler asks for a graph input's value (--bind-input), "
                         "bind it to the first data set's and compile again")
    args = ap.parse_args()
    COMPILE_FLAGS.extend(args.compile_flag)
    if args.bind:
        BIND.append(True)
    expected_path = EXPECTED_DYNAMIC if args.dynamic else EXPECTED
    if args.dynamic:
        DYNAMIC.append(True)
        sys.path.insert(0, HERE)

    os.makedirs(args.cache, exist_ok=True)
    compiler_hash = file_hash(os.path.join(args.bin, "tessel-compile")) + " ".join(COMPILE_FLAGS)
    compiler_hash += " dynamic" if args.dynamic else ""
    compiler_hash += " bind" if args.bind else ""
    cases = [d for c in CATEGORIES for d in sorted(glob.glob(os.path.join(SUITE, c, "*")))
             if os.path.exists(os.path.join(d, "model.onnx")) and args.filter in d]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(check_case, d, args.bin, args.cache, compiler_hash) for d in cases]
        for f in concurrent.futures.as_completed(futures):
            name, status, detail = f.result()
            results[name] = (status, detail)

    basic = {os.path.relpath(d, SUITE) for d in cases
             if uses_basic_types(os.path.join(d, "model.onnx"))}
    counts = {s: sum(1 for v in results.values() if v[0] == s)
              for s in ("pass", "fail", "unsupported", "crash")}
    basic_pass = sum(1 for n in basic if results[n][0] == "pass")
    bound_pass = sum(1 for n, (s, d) in results.items() if s == "pass" and "bound" in d)
    basic_bound_pass = sum(1 for n in basic if results[n][0] == "pass" and "bound" in results[n][1])
    one_artifact = {n for n, (s, d) in results.items() if s == "pass" and "one artifact" in d}

    expected = set()
    if os.path.exists(expected_path):
        with open(expected_path) as f:
            expected = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    passing = {n for n, (s, _) in results.items() if s == "pass"}
    regressions = sorted(n for n in expected if n in results and n not in passing)
    expected_artifacts = set()
    if args.dynamic and os.path.exists(EXPECTED_ARTIFACTS):
        with open(EXPECTED_ARTIFACTS) as f:
            expected_artifacts = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    # A case that ran as one artifact and now needs specializing (or fails).
    artifact_regressions = sorted(n for n in expected_artifacts
                                  if n in results and n not in one_artifact)
    crashes = sorted(n for n, (s, _) in results.items() if s == "crash")

    for n in sorted(results):
        s, d = results[n]
        if s == "crash" or (args.verbose and s != "pass") or n in regressions:
            print("%-12s %s: %s" % (s.upper(), n, d.replace("\n", " ")[:300]))
        elif n in artifact_regressions:
            print("%-12s %s: no longer one artifact (%s)" % ("REGRESSION", n, d[:300]))
    if args.update:
        with open(expected_path, "w") as f:
            f.write("# ONNX backend cases that must pass (tests/conformance/run_conformance.py"
                    "%s --update rewrites this).\n" % (" --dynamic" if args.dynamic else ""))
            for n in sorted(passing):
                f.write(n + "\n")
        if args.dynamic:
            with open(EXPECTED_ARTIFACTS, "w") as f:
                f.write("# Dynamic-variant cases that pass with one artifact for every data set "
                        "(run_conformance.py --dynamic --update rewrites this).\n")
                for n in sorted(one_artifact):
                    f.write(n + "\n")
    new = sorted(passing - expected)
    print("cases: %d total, %d use only float32/int32/int64/bool tensors" % (len(cases), len(basic)))
    print("float/int/bool cases passing: %d of %d (%d of them with shape inputs bound at compile "
          "time)" % (basic_pass, len(basic), basic_bound_pass))
    print("all cases passing: %d of %d (%d with bound inputs)" % (counts["pass"], len(cases),
                                                                  bound_pass))
    if args.dynamic:
        print("passing as one artifact for every data set (tessel-compile --dynamic): %d "
              "(%d float/int/bool); specialized per data set: %d" %
              (len(one_artifact), len(one_artifact & basic), counts["pass"] - len(one_artifact)))
    print("unsupported (clean error): %d, failing: %d, crashes: %d" %
          (counts["unsupported"], counts["fail"], counts["crash"]))
    print("regressions against %s: %d%s" % (os.path.basename(expected_path),
          len(regressions), "" if args.update or not new else
           "; %d newly passing (run with --update)" % len(new)))
    if args.dynamic:
        new_artifacts = sorted(one_artifact - expected_artifacts)
        print("regressions against %s: %d%s" % (
            os.path.basename(EXPECTED_ARTIFACTS), len(artifact_regressions),
            "" if args.update or not new_artifacts else
            "; %d newly one artifact (run with --update)" % len(new_artifacts)))
    print("%d passed, %d failed" % (counts["pass"], len(cases) - counts["pass"]))
    failed = (regressions or artifact_regressions) and not args.update
    return 1 if failed or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
