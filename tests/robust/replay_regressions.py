#!/usr/bin/python3
"""Replays the fuzzer's crash inputs (tests/robust/regressions/*.onnx) through
tessel-compile: each must now compile (exit 0) or be refused with a
one-paragraph error (exit 1), within the time limit and without a crash
marker. Ends with "N passed, N failed"."""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

CRASH_MARKERS = ["LLVM ERROR", "Assertion", "Stack dump", "PLEASE submit", "Sanitizer",
                 "terminate called", "runtime error:"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("folder")
    args = ap.parse_args()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(glob.glob(os.path.join(args.folder, "*.onnx"))):
            name = os.path.basename(path)
            out = os.path.join(tmp, "out.so")
            try:
                p = subprocess.run([os.path.join(args.bin, "tessel-compile"), path, "-o", out],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=args.timeout)
                err = p.stderr.decode(errors="replace")
                lines = [l for l in err.splitlines() if l.strip()]
                problems = []
                if p.returncode not in (0, 1):
                    problems.append("exit code %d" % p.returncode)
                if p.returncode == 1 and (len(lines) != 1 or "error:" not in lines[0]):
                    problems.append("not a one-paragraph error")
                problems += ["crash marker %r" % m for m in CRASH_MARKERS if m in err]
            except subprocess.TimeoutExpired:
                problems, err = ["timed out after %ds" % args.timeout], ""
            if problems:
                failed += 1
                print("FAIL %s: %s | %s" % (name, "; ".join(problems), err[-600:]))
            else:
                passed += 1
                print("PASS %s: %s" % (name, "compiles" if p.returncode == 0 else lines[0]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
