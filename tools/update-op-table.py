#!/usr/bin/python3
"""Keeps docs/ops.md's supported-op table equal to `tessel-compile --list-ops`
(the table is generated from the importer registry, frontend/OpRegistry;
README.md links to docs/ops.md).

    tools/update-op-table.py --bin BUILD/bin            rewrite the table
    tools/update-op-table.py --bin BUILD/bin --check    exit 1 if it is stale
"""
import argparse
import os
import subprocess
import sys

OPS_DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "ops.md")
HEADER = "| ONNX op | opsets |"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    table = subprocess.run([os.path.join(args.bin, "tessel-compile"), "--list-ops"], check=True,
                           stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()
    with open(OPS_DOC) as f:
        lines = f.read().splitlines()
    if HEADER not in lines:
        print("docs/ops.md has no supported-op table (a line '%s')" % HEADER)
        return 1
    start = lines.index(HEADER)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    if lines[start:end] == table:
        print("docs/ops.md's supported-op table is up to date (%d ops)" % (len(table) - 2))
        return 0
    if args.check:
        print("docs/ops.md's supported-op table differs from `tessel-compile --list-ops`; "
              "run tools/update-op-table.py --bin BUILD/bin")
        return 1
    lines[start:end] = table
    with open(OPS_DOC, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("docs/ops.md: supported-op table rewritten (%d ops)" % (len(table) - 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
