#!/usr/bin/python3
"""The dynamic variant of an ONNX backend case: every dimension of every graph
input (initializers aside) made symbolic, as onnx-mlir's DYNAMIC backend
tests do. A dimension gets no size and no name (the hardest form: nothing
ties it to another), so nothing but the caller's shapes can size it.

    make_dynamic.py MODEL.onnx OUT.onnx

run_conformance.py --dynamic rewrites every case with it.
"""
import sys

import onnx


def make_dynamic(model):
    """Rewrites `model` (an onnx.ModelProto) in place; returns the inputs touched."""
    initializers = {t.name for t in model.graph.initializer}
    touched = []
    for value in model.graph.input:
        if value.name in initializers or not value.type.HasField("tensor_type"):
            continue
        tensor_type = value.type.tensor_type
        if not tensor_type.HasField("shape"):
            continue
        for dim in tensor_type.shape.dim:
            dim.Clear()  # Neither dim_value nor dim_param: unknown.
        touched.append(value.name)
    return touched


def main(src, dst):
    model = onnx.load(src, load_external_data=False)
    make_dynamic(model)
    onnx.save(model, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
