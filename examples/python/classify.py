#!/usr/bin/python3
"""Export a torchvision classifier, compile it with Tessel, run it on an
image-shaped input and print the top-5 classes and the latency next to
PyTorch's.

    examples/python/classify.py [--model resnet18] [--threads 1] [--runs 20]

Weights are random (seeded): nothing is downloaded, so the classes are not a
real prediction, but Tessel's and PyTorch's must agree. The input is a
synthetic 224x224 RGB picture, normalized as ImageNet models expect.
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torchvision

import tessel


def synthetic_image(size=224):
    """A smooth colour gradient with a bright disc: image-like statistics."""
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    disc = ((x - 0.6) ** 2 + (y - 0.4) ** 2 < 0.05).astype(np.float32)
    rgb = np.stack([x, y, 0.5 * (1 - x) + 0.5 * disc], axis=-1).astype(np.float32)
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    return ((rgb - mean) / std).transpose(2, 0, 1)[None].copy()  # NCHW


def median_ms(fn, runs):
    fn()  # Warm-up.
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="resnet18",
                    help="a torchvision.models classifier (default resnet18)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)(weights=None).eval()
    weights = torchvision.models.get_model_weights(args.model).DEFAULT
    categories = weights.meta["categories"]
    image = synthetic_image()

    compiled = tessel.compile_torch(model, torch.from_numpy(image))
    print("compiled %s in %.1f s%s: %s" % (args.model, compiled.compile_seconds,
                                          " (cached)" if compiled.cached else "", compiled.path))
    session = tessel.InferenceSession(compiled.path, threads=args.threads)
    name = session.get_inputs()[0].name
    logits = session.run(None, {name: image})[0][0]
    with torch.no_grad():
        reference = model(torch.from_numpy(image))[0].numpy()

    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    print("top-5 (Tessel):")
    for k in np.argsort(-logits)[:5]:
        print("  %5.2f%%  %4d  %s" % (100 * probs[k], k, categories[k]))
    same = list(np.argsort(-logits)[:5]) == list(np.argsort(-reference)[:5])
    print("largest difference from PyTorch's logits: %.2e; same top-5: %s"
          % (float(np.abs(logits - reference).max()), same))

    torch.set_num_threads(args.threads)
    tessel_ms = median_ms(lambda: session.run(None, {name: image}), args.runs)
    x = torch.from_numpy(image)
    with torch.no_grad():
        torch_ms = median_ms(lambda: model(x), args.runs)
    print("latency, median of %d runs at %d thread%s: Tessel %.2f ms, PyTorch %.2f ms (%.2fx)"
          % (args.runs, args.threads, "" if args.threads == 1 else "s", tessel_ms, torch_ms,
             torch_ms / tessel_ms))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
