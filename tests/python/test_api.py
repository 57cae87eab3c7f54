"""tessel's Python API: compile, sessions, errors, threads, symbolic
dimensions, profiling, PyTorch export."""
import os
import subprocess
import threading

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import tessel
from conftest import assert_matches, load_tensors, zoo_model

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "mlp")


@pytest.fixture(scope="module")
def mlp():
    x = np.load(os.path.join(EXAMPLE, "input.npy"))
    return os.path.join(EXAMPLE, "model.onnx"), x


def symbolic_model(dtype=TensorProto.FLOAT):
    """y = softmax(x @ w + b) over x [batch, seq, 8], batch and seq symbolic."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((8, 5)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul"),
         helper.make_node("Add", ["xw", "b"], ["z"], name="add"),
         helper.make_node("Softmax", ["z"], ["y"], name="softmax", axis=-1)],
        "symbolic",
        [helper.make_tensor_value_info("x", dtype, ["batch", "seq", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", 5])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return model, w, b


def softmax_reference(x, w, b):
    z = x @ w + b
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# --- compile -----------------------------------------------------------------

def test_compile_to_a_path_and_run(mlp, tmp_path):
    path, x = mlp
    compiled = tessel.compile(path, str(tmp_path / "mlp.so"), fusion_report=True)
    assert os.path.exists(compiled.path) and compiled.compile_seconds > 0
    assert "fusion report" in compiled.fusion_report
    y = compiled.session(threads=1).run(None, {"image": x})[0]
    assert y.shape == (1, 10) and abs(float(y.sum()) - 1) < 1e-5


def test_compile_is_cached_by_content_and_options(mlp):
    path, _ = mlp
    first = tessel.compile(path)
    again = tessel.compile(path)
    assert again.cached and again.path == first.path and again.compile_seconds == 0.0
    with open(path, "rb") as f:
        data = f.read()
    # The same bytes from memory and as a ModelProto: the same artifact.
    assert tessel.compile(data).path == first.path
    assert tessel.compile(onnx.load(path)).path == first.path
    # Other options: another artifact.
    assert tessel.compile(path, fusion=False).path != first.path
    assert os.path.dirname(first.path) == tessel.cache_dir()


def test_compile_error_is_the_command_lines_message(bin_dir, tmp_path):
    model, _, _ = symbolic_model()
    path = str(tmp_path / "symbolic.onnx")
    onnx.save(model, path)
    with pytest.raises(tessel.CompileError) as error:
        tessel.compile(path, str(tmp_path / "out.so"))
    cli = subprocess.run([os.path.join(bin_dir, "tessel-compile"), path, "-o",
                          str(tmp_path / "cli.so")], capture_output=True, text=True)
    assert cli.returncode == 1
    assert cli.stderr.strip() == "tessel-compile: error: " + str(error.value)
    assert "'batch'" in str(error.value) and "--dim" in str(error.value)


def test_compile_errors(tmp_path):
    with pytest.raises(tessel.CompileError, match="not a valid ONNX model"):
        tessel.compile(b"\x08\x07garbage")
    with pytest.raises(tessel.CompileError, match="no-such.onnx"):
        tessel.compile(str(tmp_path / "no-such.onnx"))
    model, _, _ = symbolic_model()
    with pytest.raises(tessel.CompileError, match="no graph input or output has a dimension "
                                                   "named 'bach'"):
        tessel.compile(model, dims={"bach": 1, "batch": 1, "seq": 1})
    with pytest.raises(tessel.CompileError, match="dims"):
        tessel.compile(model, dims={"batch": -1})
    with pytest.raises(tessel.CompileError, match="opt_level 7"):
        tessel.compile(model, dims={"batch": 1, "seq": 1}, opt_level=7)
    with pytest.raises(tessel.CompileError, match="target"):
        tessel.compile(model, dims={"batch": 1, "seq": 1}, target_cpu="no-such-cpu")
    with pytest.raises(TypeError):
        tessel.compile(42)


def test_compile_specialized_shapes():
    model, w, b = symbolic_model()
    compiled = tessel.compile(model, dims={"batch": 2, "seq": 3})
    sess = tessel.InferenceSession(compiled.path, threads=1)
    arg = sess.get_inputs()[0]
    assert arg.shape == [2, 3, 8] and arg.dim_names == ["batch", "seq", ""]
    x = np.random.default_rng(1).standard_normal((2, 3, 8)).astype(np.float32)
    assert_matches(sess.run(None, {"x": x})[0], softmax_reference(x, w, b), "specialized")


# --- sessions ------------------------------------------------------------------

def test_session_surface(mlp):
    path, x = mlp
    sess = tessel.InferenceSession(path)
    (arg,) = sess.get_inputs()
    assert (arg.name, arg.shape, arg.type) == ("image", [1, 1, 28, 28], "tensor(float)")
    (out,) = sess.get_outputs()
    assert (out.name, out.shape, out.type) == ("probabilities", [1, 10], "tensor(float)")
    assert sess.get_providers() == ["CPUExecutionProvider"]
    assert tessel.get_available_providers() == ["CPUExecutionProvider"]
    y = sess.run(None, {"image": x})
    assert isinstance(y, list) and y[0].dtype == np.float32
    # A .so opens directly; a list and a non-contiguous view are accepted.
    so = tessel.InferenceSession(sess.model_path)
    np.testing.assert_array_equal(so.run(["probabilities"], {"image": x.tolist()})[0], y[0])
    wide = np.zeros((1, 1, 28, 56), np.float32)
    wide[..., ::2] = x
    np.testing.assert_array_equal(so.run(None, {"image": wide[..., ::2]})[0], y[0])


def test_run_allocated_outputs_match(mlp):
    path, x = mlp
    sess = tessel.InferenceSession(path, threads=1)
    by_runtime = tessel.InferenceSession(sess.model_path, threads=1, _runtime_outputs=True)
    for _ in range(3):
        got = by_runtime.run(None, {"image": x})[0]
        np.testing.assert_array_equal(got, sess.run(None, {"image": x})[0])
        assert got.ctypes.data % 64 == 0  # The runtime's 64-byte aligned allocation.


def test_run_errors(mlp, tmp_path):
    path, x = mlp
    sess = tessel.InferenceSession(path)
    with pytest.raises(tessel.InvalidArgument, match="tensor\\(double\\).*takes tensor\\(float\\)"):
        sess.run(None, {"image": x.astype(np.float64)})
    with pytest.raises(tessel.InvalidArgument, match="rank 3.*expects rank 4"):
        sess.run(None, {"image": x[0]})
    with pytest.raises(tessel.InvalidArgument, match="dimension 3.*'image'|'image'.*dimension"):
        sess.run(None, {"image": np.zeros((1, 1, 28, 27), np.float32)})
    with pytest.raises(tessel.InvalidArgument, match="no output named 'nope'.*probabilities"):
        sess.run(["nope"], {"image": x})
    with pytest.raises(tessel.InvalidArgument, match="input 'image' is missing"):
        sess.run(None, {})
    with pytest.raises(tessel.InvalidArgument, match="unknown input 'img'"):
        sess.run(None, {"img": x})
    with pytest.raises(tessel.InvalidArgument, match="dict"):
        sess.run(None, [x])
    with pytest.raises(tessel.TesselError, match="no such file"):
        tessel.InferenceSession(str(tmp_path / "missing.onnx"))
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    with pytest.raises(tessel.CompileError, match="bad.onnx"):
        tessel.InferenceSession(str(tmp_path / "bad.onnx"))
    (tmp_path / "bad.so").write_bytes(b"\x7fELF not really")
    with pytest.raises(tessel.TesselError, match="bad.so"):
        tessel.InferenceSession(str(tmp_path / "bad.so"))
    with pytest.raises(tessel.InvalidArgument, match="threads"):
        tessel.InferenceSession(sess.model_path, threads=-1)


def test_threads_give_identical_results():
    folder = zoo_model("resnet18", 112)
    x = load_tensors(folder + "/test_data_set_0", "input")[0]
    one = tessel.InferenceSession(folder + "/model.onnx", threads=1).run(None, {"input_0": x})
    two = tessel.InferenceSession(folder + "/model.onnx", threads=2).run(None, {"input_0": x})
    np.testing.assert_array_equal(one[0], two[0])


def test_one_session_many_python_threads(mlp):
    path, x = mlp
    sess = tessel.InferenceSession(path, threads=1)
    rng = np.random.default_rng(2)
    feeds = [rng.standard_normal(x.shape).astype(np.float32) for _ in range(8)]
    want = [sess.run(None, {"image": f})[0] for f in feeds]
    errors = []

    def worker(k):
        try:
            for _ in range(50):
                for i in range(k % 2, len(feeds), 2):
                    np.testing.assert_array_equal(sess.run(None, {"image": feeds[i]})[0],
                                                  want[i])
        except Exception as e:  # Reported by the main thread.
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


# --- symbolic dimensions -------------------------------------------------------

def test_symbolic_model_runs_at_any_shape(tmp_path):
    model, w, b = symbolic_model()
    path = str(tmp_path / "symbolic.onnx")
    onnx.save(model, path)
    sess = tessel.InferenceSession(path, threads=1)
    # MatMul, Add and Softmax take dynamic dimensions: one artifact for every
    # shape, compiled up front (tessel-compile --dynamic).
    first = sess.model_path
    assert first is not None
    arg = sess.get_inputs()[0]
    assert arg.shape == ["batch", "seq", 8] and arg.type == "tensor(float)"
    assert sess.get_outputs()[0].shape == ["batch", "seq", 5]
    rng = np.random.default_rng(3)
    for shape in [(1, 1, 8), (3, 7, 8), (2, 13, 8), (1, 1, 8)]:
        x = rng.standard_normal(shape).astype(np.float32)
        assert_matches(sess.run(None, {"x": x})[0], softmax_reference(x, w, b), str(shape))
    assert sess.model_path == first
    with pytest.raises(tessel.InvalidArgument, match="dimension 2 is 9, not 8"):
        sess.run(None, {"x": np.zeros((1, 2, 9), np.float32)})
    with pytest.raises(tessel.InvalidArgument, match="rank 2"):
        sess.run(None, {"x": np.zeros((2, 8), np.float32)})
    with pytest.raises(tessel.InvalidArgument, match="takes tensor\\(float\\)"):
        sess.run(None, {"x": np.zeros((1, 2, 8), np.int64)})


def test_dynamic_zoo_export_at_two_batches():
    """BERT exported with dynamic batch and sequence: PyTorch's reference at
    the export's shape, and a batch of two copies gives two copies."""
    folder = zoo_model("bert", 8, dynamic=True)
    data = folder + "/test_data_set_0"
    inputs, references = load_tensors(data, "input"), load_tensors(data, "output")
    sess = tessel.InferenceSession(folder + "/model.onnx", threads=1)
    names = [a.name for a in sess.get_inputs()]
    assert sess.get_inputs()[0].shape[:2] == ["batch", "seq"]
    got = sess.run(None, dict(zip(names, inputs)))
    for g, want in zip(got, references):
        assert_matches(g, want, "bert dynamic")
    doubled = sess.run(None, {n: np.concatenate([a, a]) for n, a in zip(names, inputs)})
    for g, want in zip(doubled, references):
        assert_matches(g, np.concatenate([want, want]), "bert dynamic, batch 2")


# --- profiling and benchmarks ---------------------------------------------------

def test_profile_is_a_kernel_table(mlp):
    path, x = mlp
    sess = tessel.InferenceSession(path, threads=1)
    table = sess.profile({"image": x}, iterations=5)
    assert table["runs"] == 5 and table["run_ms"]["median"] > 0
    kernels = table["kernels"]
    assert kernels and {"name", "op", "nodes", "flops", "median_ms", "share"} <= set(kernels[0])
    assert abs(sum(k["share"] for k in kernels) - 1) < 1e-6
    assert all(k["median_ms"] >= 0 for k in kernels)
    assert any(k["op"] == "tessel.linear" for k in kernels)


def test_benchmark_reports_tessel_bench_json(mlp):
    path, _ = mlp
    report = tessel.benchmark(path, iterations=3, shapes={"image": [1, 1, 28, 28]})
    assert report["runs"] == 3 and report["median_ms"] > 0
    assert report["inputs"] == [{"name": "image", "dtype": 1, "shape": [1, 1, 28, 28]}]
    assert report["profile"]["kernels"][0]["name"].startswith("k")


# --- PyTorch ---------------------------------------------------------------------

def test_compile_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(12, 16), torch.nn.GELU(), torch.nn.Linear(16, 4))
    x = torch.randn(3, 12)
    compiled = tessel.compile_torch(module, x, dynamic_axes={"input_0": {0: "batch"}})
    with torch.no_grad():
        want = module(x).numpy()
    sess = compiled.session(threads=1)
    assert_matches(sess.run(None, {"input_0": x.numpy()})[0], want, "compile_torch")
    # The exported model keeps its symbolic batch: any batch through a session.
    any_batch = tessel.InferenceSession(compiled.onnx_path, threads=1)
    assert any_batch.get_inputs()[0].shape == ["batch", 12]
    x5 = torch.randn(5, 12)
    with torch.no_grad():
        assert_matches(any_batch.run(None, {"input_0": x5.numpy()})[0], module(x5).numpy(),
                       "compile_torch, batch 5")


def test_concurrent_compiles(tmp_path):
    """Compiles on several Python threads at once (each its own MLIR context)."""
    model, w, b = symbolic_model()
    results, errors = {}, []

    def worker(batch):
        try:
            results[batch] = tessel.compile(model, str(tmp_path / ("b%d.so" % batch)),
                                            dims={"batch": batch, "seq": 2})
        except Exception as e:  # Reported by the main thread.
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    for batch, compiled in results.items():
        x = np.random.default_rng(batch).standard_normal((batch, 2, 8)).astype(np.float32)
        y = compiled.session(threads=1).run(None, {"x": x})[0]
        assert_matches(y, softmax_reference(x, w, b), "batch %d" % batch)


def test_inputs_are_passed_without_copies(mlp, monkeypatch):
    """A C-contiguous float32 input reaches the runtime as the array's own
    memory; a strided view is copied first."""
    path, x = mlp
    sess = tessel.InferenceSession(path, threads=1)
    art = sess._artifact
    seen = []
    real = art.rt.session_run_tensors

    def spy(session, inputs, num_inputs, outputs, num_outputs):
        seen.append(inputs[0].data)
        return real(session, inputs, num_inputs, outputs, num_outputs)

    monkeypatch.setattr(art.rt, "session_run_tensors", spy)
    sess.run(None, {"image": x})
    assert seen[-1] == x.ctypes.data
    wide = np.zeros((1, 1, 28, 56), np.float32)
    sess.run(None, {"image": wide[..., ::2]})
    assert seen[-1] != wide.ctypes.data


def test_the_gil_is_released_during_a_run(monkeypatch):
    """While one thread is inside the C run, another runs Python code. The main
    thread stamps the clock in a loop; some stamp must fall well inside the
    worker's C call: 5 ms after its start and 5 ms before its end is
    recorded (a thread switch right before or after the call lasts one
    switch interval, set to 1 ms here; a function that holds the GIL fails
    this test). The run takes 29 ms on an AVX-512 host, more elsewhere.
    """
    import sys
    import time
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        _check_the_gil_is_released(monkeypatch, time)
    finally:
        sys.setswitchinterval(previous)


def _check_the_gil_is_released(monkeypatch, time):
    folder = zoo_model("alexnet", 240)
    x = load_tensors(folder + "/test_data_set_0", "input")[0]
    sess = tessel.InferenceSession(folder + "/model.onnx", threads=1)
    art = sess._artifact
    real = art.rt.session_run_tensors
    calls = []

    def timed(*args):
        start = time.perf_counter()
        status = real(*args)
        calls.append((start, time.perf_counter()))
        return status

    monkeypatch.setattr(art.rt, "session_run_tensors", timed)
    sess.run(None, {"input_0": x})
    assert calls[0][1] - calls[0][0] > 0.015, "the run is too short for this test"
    calls.clear()
    done = threading.Event()

    def worker():
        for _ in range(5):
            sess.run(None, {"input_0": x})
        done.set()

    stamps = []
    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        stamps.append(time.perf_counter())
    t.join()
    inside = [s for s in stamps for start, end in calls if start + 0.005 < s < end - 0.005]
    assert inside, "the main thread never ran during a run: the GIL is held"
