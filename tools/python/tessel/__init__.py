"""Tessel from Python: compile ONNX models to native code and run them with
ONNX Runtime's API.

    import tessel
    sess = tessel.InferenceSession("model.onnx")   # compiled on first use, cached
    outputs = sess.run(None, {sess.get_inputs()[0].name: x})

    compiled = tessel.compile("model.onnx", "model.so", dims={"batch": 1})
    table = tessel.InferenceSession(compiled.path).profile({"x": x})

Scripts written for onnxruntime run with `import tessel as ort`.
"""
from .compiler import CompiledModel, cache_dir, compile
from .errors import AbiMismatch, CompileError, InvalidArgument, TesselError
from .session import InferenceSession, NodeArg, SessionOptions
from .bench import benchmark
from .torch_export import compile_torch

__all__ = ["AbiMismatch", "CompileError", "CompiledModel", "InferenceSession", "InvalidArgument",
           "NodeArg", "SessionOptions", "TesselError", "benchmark", "cache_dir", "compile",
           "compile_torch", "get_available_providers", "get_device"]

__version__ = "0.1.0"


def get_available_providers():
    """ONNX Runtime compatibility: Tessel compiles for this CPU."""
    return ["CPUExecutionProvider"]


def get_device():
    return "CPU"
