#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every ctest test
# (lit, unit, ONNX conformance gate, end-to-end models). Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
# ccache keys on paths relative to the checkout, so fresh clones hit the cache.
export CCACHE_BASEDIR="$PWD"

tools/setup.sh
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
ninja -C "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"
