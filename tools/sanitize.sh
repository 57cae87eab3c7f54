#!/usr/bin/env bash
# The sanitizer build: AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer over Tessel's own code, built with clang-22 in
# build-asan/ (TESSEL_SANITIZE=ON, plus TESSEL_FUZZ=ON so that the importer's
# libFuzzer target shares this build; see tools/fuzz.sh).
#
#   tools/sanitize.sh           every ctest test under the sanitizers
#   tools/sanitize.sh --quick   the quick pass CI runs (tools/test.sh): the
#                               robustness tests, the lit and unit tests, the
#                               bundled example and a slice of the ONNX suite
#   tools/sanitize.sh ARGS...   extra arguments go to ctest
#
# libMLIR/libLLVM are Debian's uninstrumented shared libraries: ASan checks our
# code and every allocation. Leaks are checked (detect_leaks=1) with the
# suppressions of tests/robust/lsan.supp, each with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${ASAN_BUILD_DIR:-build-asan}
JOBS=${JOBS:-2}

quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi

tools/setup.sh >/dev/null
# -O1 with line tables keeps the build fast and the reports readable; no
# NDEBUG, so MLIR's header assertions (cast<>, ...) stay on.
CC=clang-22 CXX=clang++-22 cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DTESSEL_SANITIZE=ON -DTESSEL_FUZZ=ON >/dev/null
ninja -C "$BUILD" -j"$JOBS"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/robust/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

cd "$BUILD"
if [ "$quick" = 1 ]; then
  # Everything but the long ONNX-suite and whole-network tests...
  ctest --output-on-failure -j"$JOBS" -E '^(conformance|model_)' "$@"
  # ...and a slice of the ONNX suite: every pytorch-operator case (about 60).
  /usr/bin/python3 ../tests/conformance/run_conformance.py --bin bin --cache cache/conformance \
    --jobs "$JOBS" --filter pytorch-operator
else
  ctest --output-on-failure -j"$JOBS" "$@"
fi
