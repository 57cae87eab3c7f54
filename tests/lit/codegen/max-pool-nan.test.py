"""Builds the MaxPool model and input of max-pool-nan.test, or checks outputs."""
import sys

import numpy as np


def window_max(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))  # NaN-propagating


def main(argv):
    if argv[1] == "model":
        import onnx
        from onnx import TensorProto, helper

        node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2])
        graph = helper.make_graph(
            [node], "pool",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 16, 16])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 8, 8])])
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), argv[2])
        x = np.random.default_rng(0).standard_normal((1, 2, 16, 16)).astype(np.float32)
        x[0, 0, 0, 0] = np.nan  # The first tap of window (0, 0).
        x[0, 1, 5, 9] = np.nan  # The last tap of window (2, 4).
        np.save(argv[3], x)
        return
    x = np.load(argv[2])
    want = window_max(x)
    for path in argv[3:]:
        got = np.load(path)
        assert got.shape == want.shape, (got.shape, want.shape)
        assert np.array_equal(np.isnan(got), np.isnan(want)), (path, np.argwhere(np.isnan(got)))
        assert np.array_equal(got[~np.isnan(got)], want[~np.isnan(want)]), path
    print(f"windows {want.size}, NaN {int(np.isnan(want).sum())} as expected, maxima match")


if __name__ == "__main__":
    main(sys.argv)
