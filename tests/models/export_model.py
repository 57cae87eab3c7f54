#!/usr/bin/python3
"""Exports a PyTorch model with fixed-seed random weights to ONNX, plus a test
data set in the ONNX backend layout (input_<i>.pb, output_<i>.pb) holding
PyTorch's own outputs as the reference.

    export_model.py NAME OUT_DIR [--opset N] [--size S]
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper


def resnet18(size):
    return torchvision.models.resnet18(weights=None).eval(), [torch.randn(1, 3, size, size)]


def alexnet(size):
    return torchvision.models.alexnet(weights=None).eval(), [torch.randn(1, 3, size, size)]


MODELS = {"resnet18": (resnet18, 224), "alexnet": (alexnet, 224)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=sorted(MODELS))
    ap.add_argument("out_dir")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--size", type=int, default=0, help="input resolution (default per model)")
    args = ap.parse_args()

    torch.manual_seed(0)
    build, default_size = MODELS[args.name]
    model, inputs = build(args.size or default_size)
    with torch.no_grad():
        outputs = model(*inputs)
    if isinstance(outputs, torch.Tensor):
        outputs = [outputs]

    os.makedirs(os.path.join(args.out_dir, "test_data_set_0"), exist_ok=True)
    path = os.path.join(args.out_dir, "model.onnx")
    torch.onnx.export(model, tuple(inputs), path, opset_version=args.opset,
                      input_names=["input_%d" % i for i in range(len(inputs))],
                      output_names=["output_%d" % i for i in range(len(outputs))])
    onnx.checker.check_model(onnx.load(path))
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for i, t in enumerate(tensors):
            proto = numpy_helper.from_array(t.detach().numpy().astype(np.float32), "%s_%d" % (kind, i))
            with open(os.path.join(args.out_dir, "test_data_set_0", "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(proto.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
