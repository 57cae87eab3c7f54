"""ctypes declarations of Tessel's two C libraries: the runtime (libtessel.so,
runtime/include/tessel/tessel.h) and the compiler (libtessel-compiler.so,
tools/compiler/include/tessel/compiler.h). Every struct mirrors its C
declaration field for field; the C side checks struct_size and api_version, so
a package built against other headers is refused, never misread.

ctypes releases the GIL around every foreign call: runs and compiles do not
block other Python threads.
"""
import ctypes
import os

from . import _config
from .errors import TesselError, InvalidArgument, AbiMismatch

c_int32_p = ctypes.POINTER(ctypes.c_int32)
c_int64_p = ctypes.POINTER(ctypes.c_int64)

RUNTIME_API_VERSION = 2
COMPILER_API_VERSION = 1

# tessel_status_code
OK, INVALID_ARGUMENT, IO_ERROR, ABI_MISMATCH, OUT_OF_MEMORY = range(5)


class TensorInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("name", ctypes.c_char_p),
                ("dtype", ctypes.c_int), ("rank", ctypes.c_int32), ("shape", c_int64_p),
                ("dim_names", ctypes.POINTER(ctypes.c_char_p)),
                ("num_elements", ctypes.c_int64), ("byte_size", ctypes.c_size_t),
                ("sets_sizes", ctypes.c_int32)]


class SessionOptions(ctypes.Structure):
    _fields_ = [("api_version", ctypes.c_int32), ("num_threads", ctypes.c_int32),
                ("struct_size", ctypes.c_size_t)]


class Tensor(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_int32), ("shape", c_int64_p), ("data", ctypes.c_void_p),
                ("byte_size", ctypes.c_size_t)]


class KernelInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("name", ctypes.c_char_p),
                ("op", ctypes.c_char_p), ("num_nodes", ctypes.c_int32),
                ("nodes", ctypes.POINTER(ctypes.c_char_p)), ("flops", ctypes.c_int64),
                ("bytes", ctypes.c_int64), ("num_inputs", ctypes.c_int32),
                ("num_outputs", ctypes.c_int32)]


class InputShape(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("rank", ctypes.c_int32), ("dims", c_int64_p)]


class DimSize(ctypes.Structure):
    _fields_ = [("symbol", ctypes.c_char_p), ("size", ctypes.c_int64)]


class BoundInput(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("file", ctypes.c_char_p)]


class CompileOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("api_version", ctypes.c_int32),
                ("output_path", ctypes.c_char_p), ("emit", ctypes.c_char_p),
                ("target_cpu", ctypes.c_char_p), ("target_features", ctypes.c_char_p),
                ("tune_cpu", ctypes.c_char_p), ("vector_bits", ctypes.c_int32),
                ("opt_level", ctypes.c_int32), ("fusion", ctypes.c_int32),
                ("fusion_report", ctypes.c_int32), ("verbose", ctypes.c_int32),
                ("num_input_shapes", ctypes.c_int32),
                ("input_shapes", ctypes.POINTER(InputShape)),
                ("num_dims", ctypes.c_int32), ("dims", ctypes.POINTER(DimSize)),
                ("num_bound_inputs", ctypes.c_int32),
                ("bound_inputs", ctypes.POINTER(BoundInput)), ("dynamic", ctypes.c_int32)]


def _declare(lib, name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


class Runtime:
    """libtessel.so's functions."""

    def __init__(self, path):
        self.lib = lib = ctypes.CDLL(path)
        p = ctypes.c_void_p
        self.status_get_code = _declare(lib, "tessel_status_get_code", ctypes.c_int, p)
        self.status_message = _declare(lib, "tessel_status_message", ctypes.c_char_p, p)
        self.status_free = _declare(lib, "tessel_status_free", None, p)
        self.model_open = _declare(lib, "tessel_model_open", p, ctypes.c_char_p,
                                   ctypes.POINTER(p))
        self.model_close = _declare(lib, "tessel_model_close", None, p)
        self.model_num_inputs = _declare(lib, "tessel_model_num_inputs", ctypes.c_int32, p)
        self.model_num_outputs = _declare(lib, "tessel_model_num_outputs", ctypes.c_int32, p)
        info_p = ctypes.POINTER(TensorInfo)
        self.model_input_info = _declare(lib, "tessel_model_input_info", p, p, ctypes.c_int32,
                                         info_p)
        self.model_output_info = _declare(lib, "tessel_model_output_info", p, p,
                                          ctypes.c_int32, info_p)
        self.session_create = _declare(lib, "tessel_session_create", p, p,
                                       ctypes.POINTER(SessionOptions), ctypes.POINTER(p))
        self.session_destroy = _declare(lib, "tessel_session_destroy", None, p)
        tensor_p = ctypes.POINTER(Tensor)
        self.session_run_tensors = _declare(lib, "tessel_session_run_tensors", p, p, tensor_p,
                                            ctypes.c_int32, tensor_p, ctypes.c_int32)
        self.session_run_tensors_profiled = _declare(
            lib, "tessel_session_run_tensors_profiled", p, p, tensor_p, ctypes.c_int32,
            tensor_p, ctypes.c_int32, c_int64_p)
        self.model_output_shapes = _declare(lib, "tessel_model_output_shapes", p, p, tensor_p,
                                            ctypes.c_int32, tensor_p, ctypes.c_int32)
        self.free = _declare(lib, "tessel_free", None, p)
        self.model_num_kernels = _declare(lib, "tessel_model_num_kernels", ctypes.c_int32, p)
        self.model_kernel_info = _declare(lib, "tessel_model_kernel_info", p, p, ctypes.c_int32,
                                          ctypes.POINTER(KernelInfo))

    def check(self, status, exception=None):
        """Raises the error a non-NULL tessel_status carries (and frees it)."""
        if not status:
            return
        code = self.status_get_code(status)
        message = self.status_message(status).decode("utf-8", "replace")
        self.status_free(status)
        if exception is None:
            exception = {INVALID_ARGUMENT: InvalidArgument, ABI_MISMATCH: AbiMismatch}.get(
                code, TesselError)
        raise exception(message)


class Compiler:
    """libtessel-compiler.so's functions."""

    def __init__(self, path):
        self.lib = lib = ctypes.CDLL(path)
        p = ctypes.c_void_p
        self.compile = _declare(lib, "tessel_compile", p, ctypes.c_char_p, ctypes.c_void_p,
                                ctypes.c_size_t, ctypes.c_char_p,
                                ctypes.POINTER(CompileOptions))
        self.result_status = _declare(lib, "tessel_compile_result_status", ctypes.c_int, p)
        self.result_message = _declare(lib, "tessel_compile_result_message", ctypes.c_char_p, p)
        self.result_log = _declare(lib, "tessel_compile_result_log", ctypes.c_char_p, p)
        self.result_free = _declare(lib, "tessel_compile_result_free", None, p)


_runtime = None
_compiler = None


def runtime():
    global _runtime
    if _runtime is None:
        _runtime = Runtime(os.path.join(_config.LIB_DIR, "libtessel.so.%d" % RUNTIME_API_VERSION))
    return _runtime


def compiler():
    """Loaded on first use: LLVM and MLIR are needed only to compile."""
    global _compiler
    if _compiler is None:
        _compiler = Compiler(os.path.join(_config.LIB_DIR,
                                          "libtessel-compiler.so.%d" % COMPILER_API_VERSION))
    return _compiler
