#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run the robustness pass
# (sanitizer build + one-minute fuzz run, docs/robustness.md), then every
# ctest test (lit, unit, robust, ONNX conformance gate, end-to-end models).
# Ends with ctest's summary. TESSEL_SKIP_SANITIZE=1 skips the robustness pass.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
# ccache keys on paths relative to the checkout, so fresh clones hit the cache.
export CCACHE_BASEDIR="$PWD"

tools/setup.sh
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
ninja -C "$BUILD" -j"$(nproc)"
if [ "${TESSEL_SKIP_SANITIZE:-}" != 1 ]; then
  # ASan+UBSan+LSan over the unit, lit and robustness tests, the example and
  # a slice of the ONNX suite (build-asan/); then the importer's fuzzer for
  # 60 s from the ONNX suite's models and the regression inputs.
  JOBS="$(nproc)" tools/sanitize.sh --quick
  JOBS="$(nproc)" tools/fuzz.sh 60 -seed=1
fi
cd "$BUILD"
set +e
ctest --output-on-failure -j"$(nproc)" "$@" | tee ctest-summary.log
rc=${PIPESTATUS[0]}
set -e
# pytest's own summary (ctest shows a passing test's output only in its log),
# then ctest's summary line again, so that the output ends with it.
pytest_summary=$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed).* =+$' \
  Testing/Temporary/LastTest.log | tail -1 || true)
if [ -n "$pytest_summary" ]; then
  echo "tests/python (pytest): ${pytest_summary//=/}"
  grep -E 'tests passed, .* tests failed out of' ctest-summary.log | tail -1
fi
exit "$rc"
