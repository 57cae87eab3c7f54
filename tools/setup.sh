#!/usr/bin/env bash
# Installs every Debian package Tessel needs to build, test and benchmark.
# Safe to re-run: apt-get skips what is already installed.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # Build toolchain.
  cmake ninja-build ccache g++
  # LLVM/MLIR 22: the compiler infrastructure (dialects, passes, LLVM codegen).
  llvm-22-dev libmlir-22-dev mlir-22-tools
  # FileCheck and lit for the IR tests.
  llvm-22-tools
  # clang-22 drives the final link of artifacts; lld-22 is the linker it uses.
  clang-22 lld-22
  # LLVM's OpenMP runtime: compiled models run their parallel kernel loops
  # (scf.parallel -> omp.wsloop) on its thread pool.
  libomp-22-dev
  # libFuzzer and clang's ASan/UBSan runtimes: the importer's fuzzer and the
  # sanitizer build (tools/fuzz.sh, tools/sanitize.sh).
  libclang-rt-22-dev
  # ONNX protobuf schema, checker and shape inference.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # Formatting of diagnostics and reports.
  libfmt-dev
  # Unit tests for the runtime and importer.
  libgtest-dev googletest
  # ONNX backend conformance suite (test data only).
  libonnx-testdata
  # Reference models and test inputs: Debian's own python3 with onnx, numpy, torch, torchvision.
  python3 python3-onnx python3-numpy python3-torch python3-torchvision
  # The Python package's tests (tests/python).
  python3-pytest
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
