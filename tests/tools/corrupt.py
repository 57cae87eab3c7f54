#!/usr/bin/python3
"""Makes broken inputs for error-path tests.

    corrupt.py truncate IN OUT    OUT = the first half of IN
    corrupt.py garbage OUT        OUT = 10 kB of deterministic junk
"""
import sys

if sys.argv[1] == "truncate":
    data = open(sys.argv[2], "rb").read()
    open(sys.argv[3], "wb").write(data[: len(data) // 2])
elif sys.argv[1] == "garbage":
    open(sys.argv[2], "wb").write(bytes((i * 131 + 7) % 251 for i in range(10000)))
else:
    raise SystemExit(__doc__)
