#!/usr/bin/python3
"""Runs one lit-style test file without lit: its `RUN:` lines (`\\` continues a
line) run in order under bash with pipefail, and the test passes when all exit
0. The substitutions are lit's usual ones, so the files also run under lit
once a lit config covers them:

  %s  the test file      %S  its folder       %t  a temporary path for it
  %p  its folder         %python  Debian's python with onnx/numpy/torch
  %models  a cache folder for exported test models (shared between tests)

PATH starts with the build's bin/ (tessel-compile, tessel-opt, tessel-run,
tessel-bench) and LLVM's tools folder (FileCheck, not, count).

    run_lit_test.py TEST --bin BUILD/bin [--work DIR] [--models DIR]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

LLVM_BIN = "/usr/lib/llvm-22/bin"


def run_lines(path):
    lines, pending = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            m = re.search(r"\bRUN:(.*)$", raw)
            if not m:
                if pending:
                    raise SystemExit("%s: RUN line continued with \\ but no next RUN line" % path)
                continue
            text = m.group(1).strip()
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            lines.append(pending + text)
            pending = ""
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", default=None, help="folder for %%t (default: beside the build)")
    ap.add_argument("--models", default=None, help="cache folder for exported models")
    args = ap.parse_args()

    test = os.path.abspath(args.test)
    name = os.path.basename(test)
    work = os.path.abspath(args.work or os.path.join(args.bin, "..", "tests-tools-work"))
    os.makedirs(work, exist_ok=True)
    tmp = os.path.join(work, name + ".tmp")
    if os.path.isdir(tmp):
        shutil.rmtree(tmp)
    models = os.path.abspath(args.models or os.path.join(work, "models"))
    os.makedirs(models, exist_ok=True)
    subs = [("%python", "/usr/bin/python3"), ("%models", models), ("%s", test),
            ("%S", os.path.dirname(test)), ("%p", os.path.dirname(test)), ("%t", tmp)]

    lines = run_lines(test)
    if not lines:
        print("%s: no RUN lines" % test)
        return 1
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.abspath(args.bin), LLVM_BIN, env.get("PATH", "")])
    # Keep tests away from the user's cache (tessel-bench caches the peak there).
    env["XDG_CACHE_HOME"] = os.path.join(work, "cache")
    for line in lines:
        cmd = line
        for key, value in subs:
            cmd = cmd.replace(key, value)
        print("$ " + cmd, flush=True)
        rc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=work, env=env).returncode
        if rc != 0:
            print("FAILED (exit code %d): %s" % (rc, cmd))
            return 1
    print("PASSED: %s (%d RUN lines)" % (name, len(lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
