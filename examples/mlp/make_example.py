#!/usr/bin/python3
"""Regenerates the bundled example: a small MLP classifier for 28x28 images
(784 -> 128 -> ReLU -> 64 -> ReLU -> 10 -> Softmax) with fixed-seed random
weights, exported from PyTorch, plus one input image as input.npy and
PyTorch's output as expected_output.npy."""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
    torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10), torch.nn.Softmax(dim=1),
).eval()
x = torch.rand(1, 1, 28, 28)
torch.onnx.export(model, (x,), os.path.join(HERE, "model.onnx"), opset_version=13,
                  input_names=["image"], output_names=["probabilities"])
np.save(os.path.join(HERE, "input.npy"), x.numpy())
with torch.no_grad():
    np.save(os.path.join(HERE, "expected_output.npy"), model(x).numpy())
