"""tessel.compile_torch: a torch.nn.Module through torch.onnx.export to Tessel."""
import os
import tempfile

from .errors import TesselError


def compile_torch(module, example_inputs, output=None, *, dynamic_axes=None, input_names=None,
                  output_names=None, opset_version=17, **compile_options):
    """Exports `module` on `example_inputs` (a tensor or a tuple of them) with
    torch.onnx.export and compiles the ONNX model (tessel.compile's options).

    With dynamic_axes ({input name: {axis: symbol}}) the ONNX model keeps the
    symbols; the artifact is compiled for the example inputs' sizes unless
    `dims` / `input_shapes` say otherwise. The result's `onnx_path` is the
    exported model: tessel.InferenceSession(onnx_path) runs it at any shape."""
    try:
        import torch
    except ImportError:
        raise TesselError("tessel.compile_torch needs PyTorch (Debian: python3-torch)") from None
    from .compiler import cache_dir, compile
    inputs = example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)
    if input_names is None:
        input_names = ["input_%d" % i for i in range(len(inputs))]
    folder = os.path.join(cache_dir(), "torch")
    os.makedirs(folder, exist_ok=True)
    fd, onnx_path = tempfile.mkstemp(prefix="export-", suffix=".onnx", dir=folder)
    os.close(fd)
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            torch.onnx.export(module, inputs, onnx_path, opset_version=opset_version,
                              input_names=input_names, output_names=output_names,
                              dynamic_axes=dynamic_axes)
    finally:
        module.train(was_training)
    # Named by its content: exporting the same module again reuses the file.
    import hashlib
    with open(onnx_path, "rb") as f:
        named = os.path.join(folder, hashlib.sha256(f.read()).hexdigest()[:32] + ".onnx")
    os.replace(onnx_path, named)
    onnx_path = named
    if dynamic_axes and not compile_options.get("dims") and not compile_options.get(
            "input_shapes"):
        # One artifact per shape today: this one is for the example inputs'.
        compile_options["input_shapes"] = {n: list(t.shape) for n, t in zip(input_names, inputs)}
    compiled = compile(onnx_path, output, **compile_options)
    compiled.onnx_path = onnx_path
    return compiled
