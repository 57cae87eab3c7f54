"""tessel.InferenceSession: ONNX Runtime's Python surface over Tessel's C
runtime (libtessel.so).

    sess = tessel.InferenceSession("model.onnx")     # or a compiled .so
    name = sess.get_inputs()[0].name
    (y,) = sess.run(None, {name: x})

A .onnx model is compiled on first use into the cache (tessel.compile). A
model whose inputs keep symbolic dimensions (dynamic_axes) is compiled once,
with its dimensions dynamic, where the compiler takes them; otherwise once
per distinct set of input shapes, each specialized artifact cached (most op
families do not take dynamic dimensions yet: issue [dynamic]); the surface is
the same either way.

Inputs that are C-contiguous arrays of the model's dtype are passed without a
copy; outputs are fresh numpy arrays the run writes into. The GIL is released
during a run. A session may be used from many threads at once, as the C API's.
"""
import ctypes
import os
import threading
import weakref

import numpy as np

from . import _capi
from .errors import CompileError, InvalidArgument, TesselError

# ONNX TensorProto.DataType -> numpy dtype and ONNX Runtime's type string.
_DTYPES = {1: (np.float32, "tensor(float)"), 2: (np.uint8, "tensor(uint8)"),
           3: (np.int8, "tensor(int8)"), 5: (np.int16, "tensor(int16)"),
           6: (np.int32, "tensor(int32)"), 7: (np.int64, "tensor(int64)"),
           9: (np.bool_, "tensor(bool)"), 10: (np.float16, "tensor(float16)"),
           11: (np.float64, "tensor(double)")}


class NodeArg:
    """An input or output: `name`, `shape` (ints; a symbolic dimension is its
    name as a string, or None when it has none), `type` ('tensor(float)'),
    `dim_names` (the ONNX dim_param of each dimension, '' where none)."""

    def __init__(self, name, shape, type, dim_names):
        self.name, self.shape, self.type, self.dim_names = name, shape, type, dim_names

    def __repr__(self):
        return "NodeArg(name=%r, type=%r, shape=%r)" % (self.name, self.type, self.shape)


class SessionOptions:
    """The fields of onnxruntime.SessionOptions that Tessel honours
    (intra_op_num_threads: 0 = one thread per core); the others are accepted
    and ignored, so scripts written for ONNX Runtime run unchanged."""

    def __init__(self):
        self.intra_op_num_threads = 0
        self.inter_op_num_threads = 0
        self.graph_optimization_level = None
        self.log_severity_level = 2
        self.enable_profiling = False
        self.execution_mode = None


class _Spec:
    """One input or output of a compiled artifact."""

    def __init__(self, info):
        self.name = info.name.decode()
        self.code = info.dtype
        dtype, self.type = _DTYPES.get(info.dtype, (None, "tensor(%d)" % info.dtype))
        self.dtype = np.dtype(dtype) if dtype is not None else None
        self.rank = info.rank
        self.shape = tuple(info.shape[d] for d in range(info.rank))
        self.dim_names = tuple(info.dim_names[d].decode() for d in range(info.rank)) \
            if info.dim_names else ("",) * info.rank
        self.static = all(d >= 0 for d in self.shape)
        # Its values set sizes (a Reshape's shape fed as an input).
        self.sets_sizes = bool(info.sets_sizes)

    def node_arg(self):
        shape = [d if d >= 0 else (n or None) for d, n in zip(self.shape, self.dim_names)]
        return NodeArg(self.name, shape, self.type, list(self.dim_names))


class _Buffers:
    """One thread's tessel_tensor arrays for runs of one artifact."""

    def __init__(self, inputs, outputs):
        self.inputs = (_capi.Tensor * max(len(inputs), 1))()
        self.outputs = (_capi.Tensor * max(len(outputs), 1))()
        self.in_shapes, self.out_shapes = [], []
        for tensors, specs, shapes in ((self.inputs, inputs, self.in_shapes),
                                       (self.outputs, outputs, self.out_shapes)):
            for t, spec in zip(tensors, specs):
                t.struct_size = ctypes.sizeof(_capi.Tensor)
                t.dtype = spec.code
                shape = (ctypes.c_int64 * max(spec.rank, 1))()
                shapes.append(shape)
                t.shape = ctypes.cast(shape, _capi.c_int64_p)
                t.rank = spec.rank


class _Artifact:
    """A compiled model opened with one session."""

    def __init__(self, path, threads, runtime_outputs=False):
        self.rt = rt = _capi.runtime()
        self.path = path
        model = ctypes.c_void_p()
        rt.check(rt.model_open(os.fsencode(path), ctypes.byref(model)))
        self.model = model
        self._finalizers = [weakref.finalize(self, rt.model_close, model)]
        opts = _capi.SessionOptions(_capi.RUNTIME_API_VERSION, int(threads),
                                    ctypes.sizeof(_capi.SessionOptions))
        session = ctypes.c_void_p()
        rt.check(rt.session_create(model, ctypes.byref(opts), ctypes.byref(session)))
        self.session = session
        # Destroyed before the model is closed (finalizers run last-in first-out).
        self._finalizers.append(weakref.finalize(self, rt.session_destroy, session))
        self.inputs = [self._info(rt.model_input_info, i)
                       for i in range(rt.model_num_inputs(model))]
        self.outputs = [self._info(rt.model_output_info, i)
                        for i in range(rt.model_num_outputs(model))]
        self.input_index = {s.name: i for i, s in enumerate(self.inputs)}
        self.output_index = {s.name: i for i, s in enumerate(self.outputs)}
        # Outputs whose shape is not known before the run are allocated by it.
        self.runtime_outputs = [runtime_outputs or not s.static for s in self.outputs]
        self._local = threading.local()

    def _info(self, fn, i):
        info = _capi.TensorInfo()
        info.struct_size = ctypes.sizeof(_capi.TensorInfo)
        self.rt.check(fn(self.model, i, ctypes.byref(info)))
        return _Spec(info)

    def _buffers(self):
        bufs = getattr(self._local, "bufs", None)
        if bufs is None:
            bufs = self._local.bufs = _Buffers(self.inputs, self.outputs)
        return bufs

    def output_positions(self, output_names):
        if output_names is None:
            return range(len(self.outputs))
        try:
            return [self.output_index[n] for n in output_names]
        except KeyError as e:
            raise InvalidArgument("no output named '%s' (the model's outputs: %s)" % (
                e.args[0], ", ".join(s.name for s in self.outputs))) from None
        except TypeError:
            raise InvalidArgument("output_names must be a list of names or None") from None

    def prepare(self, feed):
        """Fills this thread's tensors from `feed`; returns what must stay alive."""
        _check_feed_names(feed, self.input_index)
        bufs = self._buffers()
        keep = []
        for i, spec in enumerate(self.inputs):
            a = feed[spec.name]
            if type(a) is not np.ndarray:
                # A list or a scalar says nothing of its dtype: the model's.
                a = np.asarray(a, dtype=None if hasattr(a, "dtype") else spec.dtype)
            if a.dtype != spec.dtype:
                raise _dtype_error(spec.name, a.dtype, spec.type)
            if not a.flags.c_contiguous or not a.flags.aligned:
                a = np.ascontiguousarray(a)
            keep.append(a)
            t = bufs.inputs[i]
            ndim = a.ndim
            t.rank = ndim
            if ndim <= spec.rank:
                shape = bufs.in_shapes[i]
                for d in range(ndim):
                    shape[d] = a.shape[d]
                t.shape = ctypes.cast(shape, _capi.c_int64_p)
            else:  # Wrong rank: the runtime says so, naming the input.
                shape = (ctypes.c_int64 * ndim)(*a.shape)
                keep.append(shape)
                t.shape = ctypes.cast(shape, _capi.c_int64_p)
            t.data = a.ctypes.data
            t.byte_size = a.nbytes
        outs = []
        for j, spec in enumerate(self.outputs):
            t = bufs.outputs[j]
            if self.runtime_outputs[j]:
                t.data, t.byte_size, o = None, 0, None
            else:
                o = np.empty(spec.shape, spec.dtype)
                t.data, t.byte_size = o.ctypes.data, o.nbytes
            outs.append(o)
        return bufs, keep, outs

    def finish(self, bufs, outs):
        """The outputs as numpy arrays (wrapping the ones the run allocated)."""
        for j, o in enumerate(outs):
            if o is None:
                t = bufs.outputs[j]
                spec = self.outputs[j]
                shape = tuple(bufs.out_shapes[j][d] for d in range(spec.rank))
                raw = (ctypes.c_char * max(t.byte_size, 1)).from_address(t.data)
                weakref.finalize(raw, self.rt.free, t.data)  # Freed with the last view.
                outs[j] = np.frombuffer(raw, spec.dtype,
                                        count=int(np.prod(shape, dtype=np.int64))).reshape(shape)
        return outs

    def run(self, output_names, feed):
        positions = self.output_positions(output_names)
        bufs, keep, outs = self.prepare(feed)
        self.rt.check(self.rt.session_run_tensors(self.session, bufs.inputs, len(self.inputs),
                                                  bufs.outputs, len(self.outputs)))
        outs = self.finish(bufs, outs)
        return [outs[j] for j in positions]

    def run_profiled(self, feed, kernel_ns):
        bufs, keep, outs = self.prepare(feed)
        self.rt.check(self.rt.session_run_tensors_profiled(
            self.session, bufs.inputs, len(self.inputs), bufs.outputs, len(self.outputs),
            kernel_ns))
        return self.finish(bufs, outs)

    def kernels(self):
        rows = []
        for k in range(self.rt.model_num_kernels(self.model)):
            info = _capi.KernelInfo()
            info.struct_size = ctypes.sizeof(_capi.KernelInfo)
            self.rt.check(self.rt.model_kernel_info(self.model, k, ctypes.byref(info)))
            rows.append({"index": k, "name": info.name.decode(), "op": info.op.decode(),
                         "nodes": [info.nodes[n].decode() for n in range(info.num_nodes)],
                         "flops": info.flops, "bytes": info.bytes})
        return rows


_DTYPES_BY_NUMPY = {np.dtype(d): t for d, t in _DTYPES.values()}
_NUMPY_BY_TYPE = {t: np.dtype(d) for d, t in _DTYPES.values()}


def _check_feed_names(feed, names):
    """A feed must be a dict naming every input (`names`, in order) and no other."""
    if not isinstance(feed, dict):
        raise InvalidArgument("input_feed must be a dict of input name -> array, not %s"
                              % type(feed).__name__)
    if len(feed) == len(names) and all(n in names for n in feed):
        return
    unknown = [n for n in feed if n not in names]
    missing = [n for n in names if n not in feed]
    raise InvalidArgument("input_feed: %s (the model's inputs: %s)" % ("; ".join(
        ["unknown input '%s'" % n for n in unknown] +
        ["input '%s' is missing" % n for n in missing]), ", ".join(names)))


def _dtype_error(name, dtype, model_type):
    return InvalidArgument("input '%s' is %s (numpy %s); the model takes %s" % (
        name, _DTYPES_BY_NUMPY.get(dtype, "an unsupported dtype"), dtype, model_type))


def _declared_io(model):
    """The graph's declared inputs and outputs as NodeArgs (with symbolic
    dimensions), read with the onnx package; None without it."""
    try:
        import onnx
    except ImportError:
        return None
    if isinstance(model, (bytes, bytearray)):
        proto = onnx.load_model_from_string(bytes(model), load_external_data=False)
    elif hasattr(model, "graph"):
        proto = model
    else:
        proto = onnx.load(os.fspath(model), load_external_data=False)
    initializers = {t.name for t in proto.graph.initializer}

    def node_arg(v):
        t = v.type.tensor_type
        shape, names = [], []
        for d in t.shape.dim:
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            else:
                shape.append(d.dim_param or None)
            names.append(d.dim_param)
        _, type_name = _DTYPES.get(t.elem_type, (None, "tensor(%d)" % t.elem_type))
        return NodeArg(v.name, shape, type_name, names)

    inputs = [node_arg(v) for v in proto.graph.input if v.name not in initializers]
    outputs = [node_arg(v) for v in proto.graph.output]
    return inputs, outputs


class InferenceSession:
    """ONNX Runtime's InferenceSession over a Tessel model.

    path_or_bytes: a compiled .so, or an ONNX model (path, bytes,
    onnx.ModelProto), compiled on first use into the cache. sess_options: a
    tessel.SessionOptions or onnxruntime-style object (intra_op_num_threads).
    providers: accepted for compatibility; Tessel runs on the CPU.
    threads: the run's threads (default: sess_options', else one per core).
    compile_options: tessel.compile's keyword arguments (dims, input_shapes,
    target_cpu, fusion, ...), for an ONNX model."""

    def __init__(self, path_or_bytes, sess_options=None, providers=None, provider_options=None,
                 *, threads=None, _runtime_outputs=False, **compile_options):
        if threads is None:
            threads = getattr(sess_options, "intra_op_num_threads", 0) or 0
        if int(threads) < 0:
            raise InvalidArgument("threads must be >= 0 (0: one per core), not %d" % threads)
        self._threads = int(threads)
        self._runtime_outputs = _runtime_outputs
        self._compile_options = compile_options
        self._lock = threading.Lock()
        self._artifacts = {}  # input shapes -> _Artifact, for symbolic models
        self._artifact = None
        self._source = None
        is_path = isinstance(path_or_bytes, (str, os.PathLike))
        if is_path and not os.path.exists(path_or_bytes):
            raise TesselError("%s: no such file" % os.fspath(path_or_bytes))
        if is_path and os.fspath(path_or_bytes).endswith(".so"):
            if compile_options:
                raise InvalidArgument("compile options (%s) need an ONNX model, not a compiled "
                                      ".so" % ", ".join(sorted(compile_options)))
            self._artifact = _Artifact(os.fspath(path_or_bytes), self._threads, _runtime_outputs)
            return
        try:
            declared = _declared_io(path_or_bytes)
        except Exception:  # Not parseable: the compiler's message says why.
            declared = None
        fixed = set((compile_options.get("dims") or {}))
        fixed_inputs = set((compile_options.get("input_shapes") or {}))
        symbolic = declared is not None and any(
            isinstance(d, str) or d is None
            for arg in declared[0] if arg.name not in fixed_inputs
            for d, n in zip(arg.shape, arg.dim_names) if n not in fixed)
        from .compiler import compile
        if symbolic:
            # One artifact for every shape where the compiler takes the
            # model's dynamic dimensions (tessel-compile --dynamic); where it
            # refuses (an op that does not take them yet), one specialized
            # artifact per distinct set of input shapes, compiled at first use.
            self._source = path_or_bytes
            self._declared = declared
            try:
                options = dict(compile_options)
                options.setdefault("dynamic", True)
                self._artifact = _Artifact(compile(path_or_bytes, **options).path,
                                           self._threads, _runtime_outputs)
            except CompileError:
                pass
            return
        self._artifact = _Artifact(compile(path_or_bytes, **compile_options).path,
                                   self._threads, _runtime_outputs)

    # --- ONNX Runtime's surface --------------------------------------------
    def get_inputs(self):
        if self._artifact is None:
            return list(self._declared[0])
        return [s.node_arg() for s in self._artifact.inputs]

    def get_outputs(self):
        if self._artifact is None:
            return list(self._declared[1])
        return [s.node_arg() for s in self._artifact.outputs]

    def get_providers(self):
        return ["CPUExecutionProvider"]

    def run(self, output_names, input_feed, run_options=None):
        """The outputs named (None: all) as numpy arrays, in that order."""
        return self._for(input_feed).run(output_names, input_feed)

    # --- Tessel's own ------------------------------------------------------
    @property
    def model_path(self):
        """The compiled artifact (None for a symbolic model not yet run)."""
        art = self._artifact or next(iter(self._artifacts.values()), None)
        return art.path if art else None

    def profile(self, input_feed, iterations=10, warmup=2):
        """Times every kernel in `iterations` whole runs on `input_feed`:
        {'runs', 'run_ms': {median, min, max}, 'kernels': [{index, name, op,
        nodes, flops, bytes, median_ms, share, gflops}, ...]} sorted by time."""
        import time
        art = self._for(input_feed)
        kernels = art.kernels()
        kernel_ns = (ctypes.c_int64 * max(len(kernels), 1))()
        samples = [[] for _ in kernels]
        runs = []
        for i in range(warmup + iterations):
            start = time.perf_counter_ns()
            art.run_profiled(input_feed, kernel_ns)
            elapsed = time.perf_counter_ns() - start
            if i < warmup:
                continue
            runs.append(elapsed / 1e6)
            for k in range(len(kernels)):
                samples[k].append(kernel_ns[k] / 1e6)
        total = 0.0
        for row, s in zip(kernels, samples):
            row["median_ms"] = float(np.median(s)) if s else 0.0
            total += row["median_ms"]
        for row in kernels:
            row["share"] = row["median_ms"] / total if total else 0.0
            row["gflops"] = row["flops"] / (row["median_ms"] * 1e6) if row["median_ms"] else 0.0
        kernels.sort(key=lambda r: -r["median_ms"])
        return {"model": art.path, "threads": self._threads, "runs": len(runs),
                "run_ms": {"median": float(np.median(runs)), "min": min(runs),
                           "max": max(runs)},
                "kernels": kernels}

    def _for(self, feed):
        if self._artifact is not None:
            return self._artifact
        names = [a.name for a in self._declared[0]]
        _check_feed_names(feed, names)
        key = tuple(tuple(np.shape(feed[n])) for n in names)
        self._check_declared(feed, key)
        art = self._artifacts.get(key)
        if art is None:
            with self._lock:
                art = self._artifacts.get(key)
                if art is None:
                    art = self._specialize(dict(zip(names, key)))
                    self._artifacts[key] = art
        return art

    def _check_declared(self, feed, shapes):
        """What a specialized compile would refuse, said as a run's error."""
        symbols = {}
        for arg, shape in zip(self._declared[0], shapes):
            value = feed[arg.name]
            dtype = value.dtype if hasattr(value, "dtype") else \
                _NUMPY_BY_TYPE.get(arg.type, np.asarray(value).dtype)
            if _DTYPES_BY_NUMPY.get(dtype) != arg.type:
                raise _dtype_error(arg.name, dtype, arg.type)
            if len(shape) != len(arg.shape):
                raise InvalidArgument("input '%s' has rank %d (shape %s); the model takes rank %d "
                                      "%s" % (arg.name, len(shape), list(shape), len(arg.shape),
                                              arg.shape))
            for d, (size, want, name) in enumerate(zip(shape, arg.shape, arg.dim_names)):
                if isinstance(want, int) and size != want:
                    raise InvalidArgument("input '%s' dimension %d is %d; the model declares %d"
                                          % (arg.name, d, size, want))
                if name and symbols.setdefault(name, (size, arg.name))[0] != size:
                    raise InvalidArgument(
                        "input '%s' dimension %d ('%s') is %d, but input '%s' gives '%s' size %d"
                        % (arg.name, d, name, size, symbols[name][1], name, symbols[name][0]))

    def _specialize(self, shapes):
        from .compiler import compile
        options = dict(self._compile_options)
        options["input_shapes"] = dict(options.get("input_shapes") or {}, **{
            n: list(s) for n, s in shapes.items()})
        # The shapes fix the named dimensions; --dim values for the same
        # symbols would only be able to disagree.
        options.pop("dims", None)
        return _Artifact(compile(self._source, **options).path, self._threads,
                         self._runtime_outputs)
