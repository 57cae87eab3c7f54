"""Builds the model and input of max-min-nan.test, or checks its outputs."""
import os
import sys

import numpy as np

A = np.array([np.nan, 1.0, -2.0, 0.0, -0.0, np.nan, 3.0, -0.0], np.float32)
B = np.array([1.0, np.nan, -3.0, -0.0, 0.0, np.nan, 3.0, -0.0], np.float32)


def main(argv):
    if argv[1] == "model":
        import onnx
        from onnx import TensorProto, helper, numpy_helper

        nodes = [helper.make_node("Max", ["a", "b"], ["max_folded"], name="max_folded"),
                 helper.make_node("Min", ["a", "b"], ["min_folded"], name="min_folded"),
                 helper.make_node("Max", ["x", "b"], ["max_computed"], name="max_computed"),
                 helper.make_node("Min", ["x", "b"], ["min_computed"], name="min_computed")]
        out = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [8])
               for n in ("max_folded", "min_folded", "max_computed", "min_computed")]
        graph = helper.make_graph(
            nodes, "max_min", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8])], out,
            [numpy_helper.from_array(A, "a"), numpy_helper.from_array(B, "b")])
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), argv[2])
        np.save(argv[3], A)
        return
    got = [np.load(os.path.join(argv[2], "output_%d.npy" % i)) for i in range(4)]
    for folded, computed, ref in ((got[0], got[2], np.maximum(A, B)),
                                  (got[1], got[3], np.minimum(A, B))):
        assert folded.tobytes() == computed.tobytes(), (folded, computed)
        assert np.array_equal(np.isnan(folded), np.isnan(ref)), (folded, ref)
        assert np.array_equal(folded[~np.isnan(ref)], ref[~np.isnan(ref)]), (folded, ref)
    print("folded and computed agree bit for bit; NaN where numpy has NaN")


if __name__ == "__main__":
    main(sys.argv)
