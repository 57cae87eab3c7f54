"""tessel.compile: an ONNX model (path, bytes or onnx.ModelProto) to a native
shared library, through libtessel-compiler.so (tessel::compile, the library
call tessel-compile itself makes). Without an output path the artifact goes
to a cache keyed by the content hash of the model, its external data, the
options and the compiler library: compiling the same thing twice is free.
"""
import ctypes
import hashlib
import json
import os
import tempfile
import time

from . import _capi
from .errors import CompileError


def cache_dir():
    """$TESSEL_CACHE_DIR, else $XDG_CACHE_HOME/tessel/models, else ~/.cache/tessel/models."""
    if os.environ.get("TESSEL_CACHE_DIR"):
        return os.environ["TESSEL_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tessel", "models")


class CompiledModel:
    """A compiled artifact: `path` (the .so), `fusion_report` (text, when asked
    for), `compile_seconds` (0.0 when it came from the cache), `cached`."""

    def __init__(self, path, log="", compile_seconds=0.0, cached=False):
        self.path = path
        self.log = log
        self.compile_seconds = compile_seconds
        self.cached = cached

    @property
    def fusion_report(self):
        start = self.log.find("tessel-compile: fusion report")
        return self.log[start:] if start >= 0 else ""

    def session(self, **options):
        """An InferenceSession on this artifact (options as InferenceSession's)."""
        from .session import InferenceSession
        return InferenceSession(self.path, **options)

    def __repr__(self):
        return "CompiledModel(%r)" % self.path


def _model_bytes(model):
    """(display path, bytes or None) of a path, bytes or ModelProto."""
    if isinstance(model, (bytes, bytearray, memoryview)):
        return "<bytes>.onnx", bytes(model)
    if hasattr(model, "SerializeToString"):  # onnx.ModelProto, without importing onnx
        return "<onnx.ModelProto>.onnx", model.SerializeToString()
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model), None
    raise TypeError("tessel.compile: model must be a path, bytes or an onnx.ModelProto, not %s"
                    % type(model).__name__)


def _external_data_files(path, data):
    """The files a model's initializers keep their data in (relative to its folder)."""
    if b"location" not in data:  # Every external_data entry has the key "location".
        return []
    try:
        import onnx
    except ImportError:
        folder = os.path.dirname(os.path.abspath(path))
        return sorted(os.path.join(folder, f) for f in os.listdir(folder))
    model = onnx.load_model_from_string(data, load_external_data=False) \
        if hasattr(onnx, "load_model_from_string") else onnx.load(path, load_external_data=False)
    folder = os.path.dirname(os.path.abspath(path))
    files = set()
    for tensor in model.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                files.add(os.path.join(folder, entry.value))
    return sorted(files)


_compiler_digest = None


def _compiler_identity():
    """The compiler library's content hash (computed once per process)."""
    global _compiler_digest
    if _compiler_digest is None:
        from . import _config
        h = hashlib.sha256()
        lib = os.path.join(_config.LIB_DIR, "libtessel-compiler.so.%d" %
                           _capi.COMPILER_API_VERSION)
        with open(lib, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _compiler_digest = h.hexdigest()
    return _compiler_digest


def _canonical_options(opts):
    return json.dumps(opts, sort_keys=True, default=list).encode()


def _build_options(output, opts, keep):
    """CompileOptions for the C call; `keep` holds what the pointers point into."""
    o = _capi.CompileOptions()
    o.struct_size = ctypes.sizeof(_capi.CompileOptions)
    o.api_version = _capi.COMPILER_API_VERSION

    def s(value):
        if value is None:
            return None
        b = str(value).encode()
        keep.append(b)
        return b

    o.output_path = s(output)
    o.emit = s(opts.get("emit"))
    o.target_cpu = s(opts.get("target_cpu"))
    o.target_features = s(opts.get("target_features"))
    o.tune_cpu = s(opts.get("tune_cpu"))
    o.vector_bits = int(opts.get("vector_bits") or 0)
    o.opt_level = int(opts.get("opt_level", 3))
    o.fusion = 1 if opts.get("fusion", True) else 0
    o.fusion_report = 1 if opts.get("fusion_report") else 0
    o.verbose = 1 if opts.get("verbose") else 0
    o.dynamic = 1 if opts.get("dynamic") else 0
    shapes = opts.get("input_shapes") or {}
    arr = (_capi.InputShape * max(len(shapes), 1))()
    for i, (name, dims) in enumerate(sorted(shapes.items())):
        dims = [int(d) for d in dims]
        c_dims = (ctypes.c_int64 * max(len(dims), 1))(*dims)
        keep.append(c_dims)
        arr[i].name, arr[i].rank = s(name), len(dims)
        arr[i].dims = ctypes.cast(c_dims, _capi.c_int64_p)
    keep.append(arr)
    o.num_input_shapes, o.input_shapes = len(shapes), arr
    dims = opts.get("dims") or {}
    darr = (_capi.DimSize * max(len(dims), 1))()
    for i, (symbol, size) in enumerate(sorted(dims.items())):
        darr[i].symbol, darr[i].size = s(symbol), int(size)
    keep.append(darr)
    o.num_dims, o.dims = len(dims), darr
    bound = opts.get("bind_inputs") or {}
    barr = (_capi.BoundInput * max(len(bound), 1))()
    for i, (name, file) in enumerate(sorted(bound.items())):
        barr[i].name, barr[i].file = s(name), s(os.fspath(file))
    keep.append(barr)
    o.num_bound_inputs, o.bound_inputs = len(bound), barr
    return o


_OPTION_NAMES = ("input_shapes", "dims", "target_cpu", "target_features", "tune_cpu",
                 "vector_bits", "opt_level", "fusion", "fusion_report", "bind_inputs", "emit",
                 "verbose", "dynamic")


def _call_compiler(path, data, output, opts):
    keep = []
    options = _build_options(output, opts, keep)
    c = _capi.compiler()
    start = time.perf_counter()
    result = c.compile(path.encode(), data, len(data) if data is not None else 0, None,
                       ctypes.byref(options))
    seconds = time.perf_counter() - start
    try:
        status = c.result_status(result)
        message = c.result_message(result).decode("utf-8", "replace")
        log = c.result_log(result).decode("utf-8", "replace")
    finally:
        c.result_free(result)
    if status != 0:
        raise CompileError(message)
    return log, seconds


def compile(model, output=None, *, input_shapes=None, dims=None, target_cpu=None,
            target_features=None, tune_cpu=None, vector_bits=None, opt_level=3, fusion=True,
            fusion_report=False, bind_inputs=None, emit=None, verbose=False, dynamic=False):
    """Compiles `model` (a path, bytes or onnx.ModelProto) to `output` (.so:
    shared library, .o: object, else executable, or `emit`), or into the cache
    when `output` is None. The options are tessel-compile's: input_shapes
    {name: dims} (--input-shape), dims {symbol: size} (--dim), target_cpu,
    target_features, tune_cpu, vector_bits, opt_level (-O), fusion
    (False: --no-fusion), fusion_report, bind_inputs {name: file}
    (--bind-input), dynamic (--dynamic: dimensions that input_shapes and dims
    leave open stay dynamic, one artifact for every size). Raises
    tessel.CompileError with tessel-compile's message."""
    opts = {"input_shapes": {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()},
            "dims": {k: int(v) for k, v in (dims or {}).items()},
            "target_cpu": target_cpu, "target_features": target_features,
            "tune_cpu": tune_cpu, "vector_bits": vector_bits, "opt_level": opt_level,
            "fusion": bool(fusion), "fusion_report": bool(fusion_report),
            "bind_inputs": {k: os.path.abspath(os.fspath(v))
                            for k, v in (bind_inputs or {}).items()},
            "emit": emit, "verbose": bool(verbose), "dynamic": bool(dynamic)}
    path, data = _model_bytes(model)
    if output is not None:
        log, seconds = _call_compiler(path, data, os.fspath(output), opts)
        return CompiledModel(os.fspath(output), log, seconds)

    # Into the cache: the key covers everything the artifact depends on.
    if emit not in (None, "so"):
        raise CompileError("tessel.compile: emit=%r needs an output path (the cache holds "
                           "shared libraries)" % emit)
    if data is None:
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError:
            # The compiler says what is wrong with the path, as on the command line.
            with tempfile.TemporaryDirectory() as tmp:
                _call_compiler(path, None, os.path.join(tmp, "model.so"), opts)
            raise
    else:
        source = data
    key = hashlib.sha256()
    key.update(b"tessel-artifact-1\0" + _compiler_identity().encode() + b"\0")
    key.update(hashlib.sha256(source).digest())
    if data is None:
        for file in _external_data_files(path, source):
            key.update(file.encode() + b"\0")
            if os.path.isfile(file):
                with open(file, "rb") as f:
                    key.update(hashlib.sha256(f.read()).digest())
    cache_opts = {k: v for k, v in opts.items() if k not in ("verbose",)}
    for name, file in cache_opts["bind_inputs"].items():
        with open(file, "rb") as f:
            key.update(name.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    key.update(_canonical_options(cache_opts))
    digest = key.hexdigest()[:32]
    folder = cache_dir()
    os.makedirs(folder, exist_ok=True)
    artifact = os.path.join(folder, digest + ".so")
    log_path = os.path.join(folder, digest + ".log")
    if os.path.exists(artifact) and not verbose:
        log = ""
        if os.path.exists(log_path):
            with open(log_path, encoding="utf-8", errors="replace") as f:
                log = f.read()
        return CompiledModel(artifact, log, 0.0, cached=True)
    # Compiled beside its final name and renamed: a concurrent compile of the
    # same key, or one interrupted, never leaves a half-written artifact.
    fd, tmp = tempfile.mkstemp(prefix=digest + ".", suffix=".so.tmp", dir=folder)
    os.close(fd)
    try:
        log, seconds = _call_compiler(path, data, tmp, dict(opts, emit="so"))
        with open(log_path + ".tmp", "w", encoding="utf-8") as f:
            f.write(log)
        os.replace(log_path + ".tmp", log_path)
        os.replace(tmp, artifact)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return CompiledModel(artifact, log, seconds)
