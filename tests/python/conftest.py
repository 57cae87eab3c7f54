"""Fixtures of the Python package's tests (run by ctest: tests/python/CMakeLists.txt).

TESSEL_TEST_BIN: the build's bin/ (tessel-compile, for comparing messages);
TESSEL_TEST_MODELS: where the zoo's exports are cached, shared with the
model_* ctest tests (tests/models/run_model_test.py's layout, which ctest
orders before these). The package itself comes from PYTHONPATH (build/python).
"""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(HERE, "..", "models", "export_model.py")


def _export_hash():
    with open(EXPORT, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def zoo_model(name, size=0, dynamic=False):
    """The folder of an exported zoo model (model.onnx, test_data_set_0/), as
    run_model_test.py caches it; exported here when missing."""
    label = name + ("-%d" % size if size else "") + ("-dynamic" if dynamic else "")
    folder = os.path.join(os.environ["TESSEL_TEST_MODELS"], "%s-%s" % (label, _export_hash()))
    if not os.path.exists(os.path.join(folder, "test_data_set_0", "output_0.pb")):
        subprocess.run([sys.executable, EXPORT, name, folder, "--size", str(size)] +
                       (["--dynamic"] if dynamic else []), check=True)
    return folder


def load_tensors(folder, kind):
    """input_0.pb, input_1.pb, ... (or output_*) of a test data set, as arrays."""
    from onnx import TensorProto, numpy_helper
    arrays = []
    while os.path.exists(os.path.join(folder, "%s_%d.pb" % (kind, len(arrays)))):
        t = TensorProto()
        with open(os.path.join(folder, "%s_%d.pb" % (kind, len(arrays))), "rb") as f:
            t.ParseFromString(f.read())
        arrays.append(numpy_helper.to_array(t))
    return arrays


@pytest.fixture(scope="session")
def bin_dir():
    return os.environ["TESSEL_TEST_BIN"]


def assert_matches(got, want, label):
    """rtol 1e-3 / atol 1e-4, the model tests' tolerance."""
    assert got.shape == want.shape, "%s: shape %s, want %s" % (label, got.shape, want.shape)
    assert got.dtype == want.dtype, "%s: dtype %s, want %s" % (label, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4, err_msg=label)
