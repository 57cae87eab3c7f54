"""Every zoo model through ONNX Runtime's API with `import tessel as ort`:
compiled on first use, run, compared with PyTorch's outputs."""
import numpy as np
import pytest

import tessel as ort
from conftest import assert_matches, load_tensors, zoo_model
from ort_style import run_model

# The zoo at its first test size (tests/models/CMakeLists.txt).
ZOO = ["resnet18:112", "alexnet:240", "mobilenet_v2:32", "vit:16", "bert:8",
       "prenorm_encoder:8", "llama_block:8", "lstm_classifier:7", "gru_classifier:7", "vae:16",
       "dcgan_generator:1", "dcgan_discriminator:32", "unet:32", "yolo_head:32",
       "diffusion_block:8", "epilogues:8"]


@pytest.mark.parametrize("entry", ZOO)
def test_ort_script_runs_unchanged(entry):
    name, size = entry.split(":")
    folder = zoo_model(name, int(size))
    data = folder + "/test_data_set_0"
    inputs, references = load_tensors(data, "input"), load_tensors(data, "output")
    outputs, first = run_model(ort, folder + "/model.onnx", inputs)
    assert len(outputs) == len(references)
    for i, (got, want) in enumerate(zip(outputs, references)):
        assert_matches(got, want, "%s output %d" % (entry, i))
    np.testing.assert_array_equal(first, outputs[0])
