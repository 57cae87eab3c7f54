"""The exceptions tessel raises. Every message is the C library's own: the
file, the ONNX node or the tensor, and what is wrong."""


class TesselError(RuntimeError):
    """Any failure reported by Tessel's runtime or compiler."""


class CompileError(TesselError):
    """tessel.compile refused a model (or its options); the message is the
    paragraph tessel-compile prints after "error: "."""


class InvalidArgument(TesselError, ValueError):
    """A run's feeds or options do not fit the model (names, dtypes, shapes)."""


class AbiMismatch(TesselError):
    """A compiled model or library of another ABI / API version."""
