"""A script written for ONNX Runtime's Python API, kept as ONNX Runtime users
write it: the tests run it with `import tessel as ort` in place of
`import onnxruntime as ort`, unchanged."""


def run_model(ort, model_path, arrays):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    sess = ort.InferenceSession(model_path, sess_options=options,
                                providers=["CPUExecutionProvider"])
    feeds = {}
    for arg, array in zip(sess.get_inputs(), arrays):
        assert isinstance(arg.name, str) and arg.type.startswith("tensor(")
        assert len(arg.shape) == array.ndim
        feeds[arg.name] = array
    output_names = [o.name for o in sess.get_outputs()]
    outputs = sess.run(None, feeds)
    assert len(outputs) == len(output_names)
    first = sess.run([output_names[0]], feeds)[0]
    return outputs, first
