#!/usr/bin/python3
"""Runs a command and checks how it ends, for tests of error paths:

    expect_exit.py CODE [--one-line] -- COMMAND ARGS...

Passes (exit 0) when COMMAND exits with exactly CODE (a crash never passes)
and, with --one-line, its stderr is exactly one non-empty line (one
paragraph). Prints the command's stderr then stdout so FileCheck can look.
"""
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        raise SystemExit(__doc__)
    split = argv.index("--")
    opts, cmd = argv[:split], argv[split + 1:]
    code = int(opts[0])
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err, out = p.stderr.decode(errors="replace"), p.stdout.decode(errors="replace")
    sys.stdout.write(err + out)
    if p.returncode != code:
        print("expect_exit: %s exited with %d, expected %d" % (cmd[0], p.returncode, code))
        return 1
    if "--one-line" in opts and len([l for l in err.splitlines() if l.strip()]) != 1:
        print("expect_exit: expected a one-line error, got %d lines" % len(err.splitlines()))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
