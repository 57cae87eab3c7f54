#!/usr/bin/env bash
# Puts the Python package of a build (BUILD/python/tessel, ctypes over that
# build's libtessel.so and libtessel-compiler.so) on Debian python3's path: a
# tessel.pth file in the user's site-packages naming BUILD/python, as an
# editable install would. Needs no network and no pip.
#
#   tools/install-python.sh [BUILD]      default: build (or $BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(realpath "${1:-${BUILD_DIR:-build}}")
PY=/usr/bin/python3
if [ ! -f "$BUILD/python/tessel/__init__.py" ]; then
  echo "install-python: $BUILD/python/tessel is not built (run ninja -C $BUILD first)" >&2
  exit 1
fi
SITE=$("$PY" -c 'import site; print(site.getusersitepackages())')
mkdir -p "$SITE"
echo "$BUILD/python" > "$SITE/tessel.pth"
# From another folder, so that the import finds the installed path only.
(cd / && "$PY" -c 'import tessel; print("install-python: import tessel works (%s)" % tessel.__file__)')
