#!/usr/bin/python3
"""expect_exit.py CODE COMMAND [ARGS...]

Runs COMMAND with the same stdin/stdout/stderr and succeeds only if it exits
with exactly CODE (lit's `not` accepts any failure; the tools promise 1).
A signal is reported as the negative signal number and never matches.
"""
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: expect_exit.py CODE COMMAND [ARGS...]")
    want = int(argv[1])
    got = subprocess.call(argv[2:])
    if got != want:
        sys.stderr.write(f"expect_exit.py: {argv[2]} exited with {got}, expected {want}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
