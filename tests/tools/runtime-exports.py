#!/usr/bin/python3
"""libtessel.so exports exactly the functions tessel.h declares with TESSEL_API.

    runtime-exports.py LIBTESSEL.so TESSEL.h

A symbol of the runtime's internals (tessel_make_status, the .npy reader...)
or of a dependency leaking into the dynamic symbol table, or an API function
left unexported, fails the test. Prints `N passed, M failed`.
"""
import re
import subprocess
import sys


def main(lib, header):
    declared = set(re.findall(r"TESSEL_API\s[^;(]*?\b(tessel_\w+)\s*\(", open(header).read()))
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True,
                         text=True).stdout
    exported = set()
    for line in out.splitlines():
        parts = line.split()
        # The linker's own markers (_edata, _end, __bss_start...) are absolute symbols.
        if len(parts) == 3 and parts[1] not in ("A",):
            exported.add(parts[2].split("@")[0])
    failures = []
    if not declared:
        failures.append(f"no TESSEL_API function found in {header}")
    for name in sorted(exported - declared):
        failures.append(f"exported but not part of the API: {name}")
    for name in sorted(declared - exported):
        failures.append(f"declared in tessel.h but not exported: {name}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(declared & exported)} API functions exported")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
