#!/usr/bin/env bash
# Fuzzes the importer: bytes -> protobuf parse, ONNX checker, graph import ->
# verify -> graph passes, under ASan+UBSan (tests/robust/fuzz_importer.cpp).
#
#   tools/fuzz.sh [SECONDS] [libFuzzer flags...]   default 60 s (what CI runs)
#   tools/fuzz.sh 1800 -jobs=1                     a longer run by hand
#
# Builds only the fuzzer, in the sanitizer build (build-asan/, see
# tools/sanitize.sh). Corpus: build-asan/fuzz/corpus (grows from run to run),
# seeded with every model.onnx of the ONNX backend suite and with
# tests/robust/regressions. A crash stops the run (exit code non-zero) and is
# saved as build-asan/fuzz/artifacts/crash-*: fix it, then add the input to
# tests/robust/regressions/ with a name that says what it was.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${ASAN_BUILD_DIR:-build-asan}
SECS=${1:-60}
shift || true

tools/setup.sh >/dev/null
CC=clang-22 CXX=clang++-22 cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DTESSEL_SANITIZE=ON -DTESSEL_FUZZ=ON >/dev/null
ninja -C "$BUILD" -j"${JOBS:-2}" tessel-fuzz-importer

FUZZ=$BUILD/fuzz
mkdir -p "$FUZZ/corpus" "$FUZZ/seeds" "$FUZZ/artifacts"
if [ -z "$(ls -A "$FUZZ/seeds")" ]; then
  for m in /usr/share/libonnx-testdata/data/*/*/model.onnx; do
    name=${m#/usr/share/libonnx-testdata/data/}
    name=${name%/model.onnx}
    cp "$m" "$FUZZ/seeds/${name//\//-}.onnx"
  done
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/robust/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "fuzz: $SECS s on $BUILD/bin/tessel-fuzz-importer"
"$BUILD/bin/tessel-fuzz-importer" "$FUZZ/corpus" "$FUZZ/seeds" tests/robust/regressions \
  -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -artifact_prefix="$FUZZ/artifacts/" -print_final_stats=1 "$@"
