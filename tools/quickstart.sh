#!/usr/bin/env bash
# The main job on a fresh Debian machine: install dependencies, build Tessel,
# compile the bundled example model to a native executable and run it; then
# install the Python package for /usr/bin/python3 and run its example (a
# torchvision ResNet-18 exported, compiled and run from Python).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
# ccache keys on paths relative to the checkout, so fresh clones hit the cache.
export CCACHE_BASEDIR="$PWD"

tools/setup.sh
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
ninja -C "$BUILD" -j"$(nproc)"

echo "== compiling examples/mlp/model.onnx to a native executable"
"$BUILD"/bin/tessel-compile examples/mlp/model.onnx -o "$BUILD"/mlp
echo "== running it on examples/mlp/input.npy"
"$BUILD"/mlp examples/mlp/input.npy

echo "== installing the Python package (tools/install-python.sh)"
tools/install-python.sh "$BUILD"
echo "== examples/python/classify.py: torchvision ResNet-18 from Python"
/usr/bin/python3 examples/python/classify.py
