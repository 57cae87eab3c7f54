#!/usr/bin/python3
"""Copies an ONNX test data set and shifts some elements of output_0.pb, so
that tessel-run must report them as the worst mismatches.

    perturb.py SRC_DIR DST_DIR FLAT_INDEX=DELTA...
"""
import os
import shutil
import sys

import numpy as np
from onnx import TensorProto, numpy_helper

src, dst = sys.argv[1], sys.argv[2]
shutil.rmtree(dst, ignore_errors=True)
shutil.copytree(src, dst)
path = os.path.join(dst, "output_0.pb")
proto = TensorProto()
proto.ParseFromString(open(path, "rb").read())
values = numpy_helper.to_array(proto).copy()
flat = values.reshape(-1)
for spec in sys.argv[3:]:
    index, delta = spec.split("=")
    flat[int(index)] += np.float32(delta)
open(path, "wb").write(numpy_helper.from_array(values, proto.name).SerializeToString())
