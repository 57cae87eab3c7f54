#!/usr/bin/python3
"""Exports a PyTorch model with fixed-seed random weights to ONNX, plus a test
data set in the ONNX backend layout (input_<i>.pb, output_<i>.pb) holding
PyTorch's own outputs as the reference.

    export_model.py NAME OUT_DIR [--opset N] [--size S]
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper


def resnet18(size):
    return torchvision.models.resnet18(weights=None).eval(), [torch.randn(1, 3, size, size)]


def alexnet(size):
    return torchvision.models.alexnet(weights=None).eval(), [torch.randn(1, 3, size, size)]


class RNNClassifier(torch.nn.Module):
    """Text classifier over embedded tokens [batch, seq, embed] (the embedding
    lookup itself, a Gather, is left out: the model input is the embedded
    sequence). The recurrent layer's outputs are averaged over time."""

    def __init__(self, cell, embed=16, hidden=24, layers=2, bidirectional=False, classes=5):
        super().__init__()
        self.rnn = cell(embed, hidden, num_layers=layers, batch_first=True,
                        bidirectional=bidirectional)
        self.head = torch.nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out.mean(dim=1))


def lstm_classifier(size):
    torch.manual_seed(0)
    model = RNNClassifier(torch.nn.LSTM, layers=2, bidirectional=True).eval()
    return model, [torch.randn(2, size, 16)]


def gru_classifier(size):
    torch.manual_seed(0)
    model = RNNClassifier(torch.nn.GRU, layers=2, bidirectional=False).eval()
    return model, [torch.randn(2, size, 16)]


def _randomize_batchnorm(model):
    # Non-trivial running statistics, so that BatchNorm is really checked.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    return model


def dcgan_generator(size):
    """DCGAN generator (nz=16, ngf=8): latent [1, 16, size, size] -> image
    [1, 3, 32*size, 32*size] (4x4 at size 1) through ConvTranspose/BN/ReLU, Tanh."""
    torch.manual_seed(0)
    nz, ngf = 16, 8
    nn = torch.nn
    model = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh())
    return _randomize_batchnorm(model).eval(), [torch.randn(1, nz, size, size)]


def dcgan_discriminator(size):
    """DCGAN discriminator (ndf=8): image [1, 3, size, size] -> probabilities
    through strided Conv/BN/LeakyReLU(0.2), Sigmoid."""
    torch.manual_seed(0)
    ndf = 8
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False), nn.Sigmoid())
    return _randomize_batchnorm(model).eval(), [torch.randn(1, 3, size, size)]


class UNet(torch.nn.Module):
    """A small U-Net: two downsampling levels (MaxPool), transposed-conv
    upsampling and skip concatenation, a 1x1 conv head with 2 classes."""

    def __init__(self, c=8):
        super().__init__()
        nn = torch.nn

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                                 nn.ReLU(True), nn.Conv2d(cout, cout, 3, padding=1, bias=False),
                                 nn.BatchNorm2d(cout), nn.ReLU(True))

        self.enc1, self.enc2, self.mid = block(3, c), block(c, 2 * c), block(2 * c, 4 * c)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2)
        self.dec2 = block(4 * c, 2 * c)
        self.up1 = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.dec1 = block(2 * c, c)
        self.head = nn.Conv2d(c, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        m = self.mid(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


def unet(size):
    torch.manual_seed(0)
    return _randomize_batchnorm(UNet()).eval(), [torch.randn(1, 3, size, size)]


def mobilenet_v2(size):
    torch.manual_seed(0)
    return _randomize_batchnorm(torchvision.models.mobilenet_v2(weights=None)).eval(), \
        [torch.randn(1, 3, size, size)]


class ViT(torch.nn.Module):
    """A small vision transformer: 4x4 patches, class token, learned position
    embeddings, pre-norm encoder layers with GELU, a linear head on the class
    token."""

    def __init__(self, size, patch=4, dim=32, heads=4, layers=2, classes=10):
        super().__init__()
        nn = torch.nn
        self.embed = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, (size // patch) ** 2 + 1, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        t = self.embed(x).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls.expand(x.shape[0], -1, -1), t], dim=1) + self.pos
        return self.head(self.norm(self.encoder(t))[:, 0])


def vit(size):
    torch.manual_seed(0)
    return ViT(size).eval(), [torch.randn(1, 3, size, size)]


class BertEncoder(torch.nn.Module):
    """A BERT-style encoder: token, position and segment embeddings, post-norm
    layers with GELU (nn.TransformerEncoderLayer), a pooler (tanh of the first
    token). At opset 13 PyTorch writes LayerNorm out as ReduceMean/Sub/Pow/Sqrt/Div."""

    def __init__(self, vocab=100, dim=32, heads=4, layers=2, max_len=64):
        super().__init__()
        nn = torch.nn
        self.tokens = nn.Embedding(vocab, dim)
        self.positions = nn.Embedding(max_len, dim)
        self.segments = nn.Embedding(2, dim)
        self.norm = nn.LayerNorm(dim)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 4, dropout=0.0, activation="gelu",
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.pooler = nn.Linear(dim, dim)

    def forward(self, ids, segments):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        h = self.norm(self.tokens(ids) + self.positions(positions) + self.segments(segments))
        h = self.encoder(h)
        return h, torch.tanh(self.pooler(h[:, 0]))


def bert(size):
    torch.manual_seed(0)
    ids = torch.randint(0, 100, (2, size))
    segments = (torch.arange(size) >= size // 2).long().unsqueeze(0).expand(2, -1).contiguous()
    return BertEncoder().eval(), [ids, segments]


def prenorm_encoder(size):
    """Pre-norm transformer encoder (opset 17: LayerNormalization) over
    embedded tokens [batch, seq, dim]."""
    torch.manual_seed(0)
    nn = torch.nn
    layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True, norm_first=True)
    return nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval(), \
        [torch.randn(2, size, 32)]


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(1 + 0.1 * torch.randn(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class LlamaBlock(torch.nn.Module):
    """A LLaMA-style decoder block: RMSNorm, causal multi-head self-attention
    with rotary position embeddings, RMSNorm, SiLU-gated MLP; residuals."""

    def __init__(self, dim=32, heads=4, hidden=64):
        super().__init__()
        nn = torch.nn
        self.heads, self.head_dim = heads, dim // heads
        self.attn_norm, self.mlp_norm = RMSNorm(dim), RMSNorm(dim)
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(dim, dim, bias=False) for _ in range(4))
        self.gate = nn.Linear(dim, hidden, bias=False)
        self.up = nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)

    def rotate(self, x, cos, sin):
        x1, x2 = x[..., : self.head_dim // 2], x[..., self.head_dim // 2:]
        return x * cos + torch.cat([-x2, x1], dim=-1) * sin

    def forward(self, x):
        b, s, d = x.shape
        inv_freq = 1.0 / (10000 ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        freqs = torch.outer(torch.arange(s).float(), inv_freq)
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos(), emb.sin()
        h = self.attn_norm(x)
        q, k, v = (w(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
                   for w in (self.wq, self.wk, self.wv))
        q, k = self.rotate(q, cos, sin), self.rotate(k, cos, sin)
        scores = q @ k.transpose(-1, -2) / self.head_dim ** 0.5
        mask = torch.triu(torch.ones(s, s, dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(mask, float("-inf"))
        attn = torch.softmax(scores, dim=-1) @ v
        x = x + self.wo(attn.transpose(1, 2).reshape(b, s, d))
        h = self.mlp_norm(x)
        return x + self.down(torch.nn.functional.silu(self.gate(h)) * self.up(h))


def llama_block(size):
    torch.manual_seed(0)
    return LlamaBlock().eval(), [torch.randn(1, size, 32)]


def llama_block_2048(size):
    """The LLaMA block at a real model's width: d=2048, 16 heads of 128, MLP
    hidden 5632 (LLaMA's 8/3 d rounded up to a multiple of 256, as in
    TinyLlama-1.1B), over [1, size, 2048] (sequence 512 by default)."""
    torch.manual_seed(0)
    return LlamaBlock(dim=2048, heads=16, hidden=5632).eval(), [torch.randn(1, size, 2048)]


class ConvVAE(torch.nn.Module):
    """A convolutional VAE: strided-conv encoder to mu and log-variance, the
    reparameterisation with the noise as a second input, a transposed-conv
    decoder. Outputs the reconstruction and mu."""

    def __init__(self, size, latent=8):
        super().__init__()
        nn = torch.nn
        self.s = size // 4
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 2, 1),
                                 nn.ReLU(), nn.Flatten())
        self.mu = nn.Linear(16 * self.s * self.s, latent)
        self.logvar = nn.Linear(16 * self.s * self.s, latent)
        self.dec_in = nn.Linear(latent, 16 * self.s * self.s)
        self.dec = nn.Sequential(nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.ReLU(),
                                 nn.ConvTranspose2d(8, 1, 4, 2, 1), nn.Sigmoid())

    def forward(self, x, eps):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.dec(self.dec_in(z).view(-1, 16, self.s, self.s)), mu


def vae(size):
    torch.manual_seed(0)
    return ConvVAE(size).eval(), [torch.rand(1, 1, size, size), torch.randn(1, 8)]


class YoloHead(torch.nn.Module):
    """A YOLO-style detector: a small strided backbone (Conv/BN/LeakyReLU), then
    a 1x1 head per cell and anchor decoded to boxes (sigmoid offsets plus the
    cell grid, exp of the sizes times the anchors, objectness and classes)."""

    def __init__(self, classes=4):
        super().__init__()
        nn = torch.nn
        self.classes = classes
        self.anchors = torch.tensor([[10.0, 13.0], [16.0, 30.0], [33.0, 23.0]])
        layers, cin = [], 3
        for cout in (8, 16, 32):
            layers += [nn.Conv2d(cin, cout, 3, 2, 1, bias=False), nn.BatchNorm2d(cout),
                       nn.LeakyReLU(0.1)]
            cin = cout
        self.backbone = nn.Sequential(*layers)
        self.head = nn.Conv2d(cin, 3 * (5 + classes), 1)

    def forward(self, x):
        p = self.head(self.backbone(x))
        b, _, h, w = p.shape
        p = p.view(b, 3, 5 + self.classes, h, w).permute(0, 1, 3, 4, 2)
        gy, gx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        grid = torch.stack((gx, gy), -1).view(1, 1, h, w, 2).float()
        xy = (p[..., :2].sigmoid() + grid) * 8.0
        wh = p[..., 2:4].exp() * self.anchors.view(1, 3, 1, 1, 2)
        rest = p[..., 4:].sigmoid()
        return torch.cat([xy, wh, rest], -1).view(b, -1, 5 + self.classes)


def yolo_head(size):
    torch.manual_seed(0)
    return _randomize_batchnorm(YoloHead()).eval(), [torch.randn(1, 3, size, size)]


class DiffusionBlock(torch.nn.Module):
    """A diffusion U-Net block: sinusoidal timestep embedding through an MLP
    added to the features, GroupNorm + SiLU + Conv twice (a residual block),
    then spatial self-attention over the H*W positions with
    nn.MultiheadAttention."""

    def __init__(self, channels=16, groups=4, tdim=16):
        super().__init__()
        nn = torch.nn
        self.tdim = tdim
        self.time = nn.Sequential(nn.Linear(tdim, 32), nn.SiLU(), nn.Linear(32, channels))
        self.norm1, self.norm2 = nn.GroupNorm(groups, channels), nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.attn_norm = nn.GroupNorm(groups, channels)
        self.attn = nn.MultiheadAttention(channels, 2, batch_first=True)

    def timestep_embedding(self, t):
        half = self.tdim // 2
        freqs = torch.exp(-torch.log(torch.tensor(10000.0)) * torch.arange(half).float() / half)
        args = t[:, None] * freqs[None]
        return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)

    def forward(self, x, t):
        silu = torch.nn.functional.silu
        h = self.conv1(silu(self.norm1(x)))
        h = h + self.time(self.timestep_embedding(t))[:, :, None, None]
        x = x + self.conv2(silu(self.norm2(h)))
        b, c, hh, ww = x.shape
        seq = self.attn_norm(x).flatten(2).transpose(1, 2)
        a, _ = self.attn(seq, seq, seq, need_weights=False)
        return x + a.transpose(1, 2).reshape(b, c, hh, ww)


def diffusion_block(size):
    torch.manual_seed(0)
    return DiffusionBlock().eval(), [torch.randn(1, 16, size, size), torch.tensor([37.0])]


class Epilogues(torch.nn.Module):
    """Every activation form graph fusion folds into a conv or linear epilogue,
    as PyTorch writes them: BatchNorm after Conv and after Linear, ReLU6,
    LeakyReLU, Hardswish (HardSigmoid * x before opset 14), SiLU, GELU in both
    its erf and tanh forms, Tanh, Sigmoid, Hardsigmoid, and a residual Add."""

    def __init__(self, channels=8, features=16):
        super().__init__()
        nn = torch.nn
        self.conv1, self.bn1 = nn.Conv2d(3, channels, 3, padding=1), nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv3 = nn.Conv2d(channels, channels, 1)
        self.conv4 = nn.Conv2d(channels, channels, 1)
        self.fc1, self.bn2 = nn.Linear(channels, features), nn.BatchNorm1d(features)
        self.fc2 = nn.Linear(features, features)
        self.fc3 = nn.Linear(features, features)
        self.fc4 = nn.Linear(features, features)
        self.fc5 = nn.Linear(features, 4)

    def forward(self, x):
        f = torch.nn.functional
        h = f.relu6(self.bn1(self.conv1(x)))
        h = f.leaky_relu(self.conv2(h) + h, 0.1)
        h = f.hardswish(self.conv3(h))
        h = torch.sigmoid(self.conv4(h)) * 2.0
        v = h.mean(dim=(2, 3))
        v = f.gelu(self.bn2(self.fc1(v)), approximate="tanh")
        v = f.silu(self.fc2(v))
        v = torch.tanh(self.fc3(v)) + f.hardsigmoid(self.fc4(v))
        return f.gelu(self.fc5(v))


def epilogues(size):
    torch.manual_seed(0)
    model = Epilogues().eval()
    _randomize_batchnorm(model)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm1d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
    return model, [torch.randn(2, 3, size, size)]


# NAME -> (builder, default size, opset). Opset 13 unless the model is about a
# newer op (the LLaMA block's causal mask is Trilu, opset 14; the pre-norm
# encoder's LayerNormalization is opset 17).
MODELS = {"resnet18": (resnet18, 224, 13), "alexnet": (alexnet, 224, 13),
          "mobilenet_v2": (mobilenet_v2, 64, 13), "vit": (vit, 16, 13),
          "bert": (bert, 8, 13), "prenorm_encoder": (prenorm_encoder, 8, 17),
          "llama_block": (llama_block, 8, 14), "llama_block_2048": (llama_block_2048, 512, 14),
          "lstm_classifier": (lstm_classifier, 12, 13), "gru_classifier": (gru_classifier, 12, 13),
          "vae": (vae, 16, 13), "dcgan_generator": (dcgan_generator, 1, 13),
          "dcgan_discriminator": (dcgan_discriminator, 32, 13), "unet": (unet, 32, 13),
          "yolo_head": (yolo_head, 32, 13), "diffusion_block": (diffusion_block, 8, 13),
          "epilogues": (epilogues, 8, 13)}


# --dynamic: the axes PyTorch exports as symbolic (dynamic_axes), per input, as
# users export these architectures: batch everywhere, the sequence of the
# transformers and RNN classifiers, height and width of the networks built for
# any resolution (MobileNetV2, U-Net, the YOLO head, the diffusion block).
_NCHW = {0: "batch", 2: "height", 3: "width"}
_SEQUENCE = {0: "batch", 1: "seq"}
_BATCH = {0: "batch"}
DYNAMIC_AXES = {"resnet18": [_BATCH], "alexnet": [_BATCH], "mobilenet_v2": [_NCHW],
                "unet": [_NCHW], "yolo_head": [_NCHW], "epilogues": [_BATCH],
                "dcgan_generator": [_BATCH], "dcgan_discriminator": [_BATCH],
                "diffusion_block": [_NCHW, _BATCH],
                "bert": [_SEQUENCE, _SEQUENCE], "prenorm_encoder": [_SEQUENCE],
                "llama_block": [_SEQUENCE], "llama_block_2048": [_SEQUENCE],
                "lstm_classifier": [_SEQUENCE],
                "gru_classifier": [_SEQUENCE], "vit": [_BATCH], "vae": [_BATCH, _BATCH]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=sorted(MODELS))
    ap.add_argument("out_dir")
    ap.add_argument("--opset", type=int, default=0, help="default: the model's own")
    ap.add_argument("--size", type=int, default=0, help="input resolution (default per model)")
    ap.add_argument("--dynamic", action="store_true",
                    help="export with dynamic_axes (DYNAMIC_AXES) and write the sizes of the "
                         "test inputs' symbolic dimensions to OUT_DIR/dims.json")
    ap.add_argument("--shapes", nargs="*", default=[], metavar="N,N...",
                    help="with --dynamic: also write test_data_set_1... with PyTorch's outputs "
                         "at these sizes of the symbolic dimensions (in the order of their "
                         "names, sorted), e.g. 1,1 3,13 for batch,seq")
    args = ap.parse_args()

    torch.manual_seed(0)
    build, default_size, opset = MODELS[args.name]
    model, inputs = build(args.size or default_size)
    with torch.no_grad():
        outputs = model(*inputs)
    if isinstance(outputs, torch.Tensor):
        outputs = [outputs]

    os.makedirs(os.path.join(args.out_dir, "test_data_set_0"), exist_ok=True)
    path = os.path.join(args.out_dir, "model.onnx")
    input_names = ["input_%d" % i for i in range(len(inputs))]
    dynamic_axes, dims = None, {}
    if args.dynamic:
        if args.name not in DYNAMIC_AXES:
            sys.exit("%s has no dynamic export (DYNAMIC_AXES)" % args.name)
        dynamic_axes = {}
        for name, axes, tensor in zip(input_names, DYNAMIC_AXES[args.name], inputs):
            dynamic_axes[name] = axes
            for axis, symbol in axes.items():
                dims[symbol] = int(tensor.shape[axis])
        with open(os.path.join(args.out_dir, "dims.json"), "w") as f:
            json.dump(dims, f, sort_keys=True)
    torch.onnx.export(model, tuple(inputs), path, opset_version=args.opset or opset,
                      input_names=input_names,
                      output_names=["output_%d" % i for i in range(len(outputs))],
                      dynamic_axes=dynamic_axes)
    onnx.checker.check_model(onnx.load(path))
    data_sets = [(inputs, outputs)]
    for spec in args.shapes:
        sizes = dict(zip(sorted(dims), map(int, spec.split(","))))
        extra = [resized_input(t, DYNAMIC_AXES[args.name][i], sizes) for i, t in enumerate(inputs)]
        with torch.no_grad():
            out = model(*extra)
        data_sets.append((extra, [out] if isinstance(out, torch.Tensor) else list(out)))
    for k, (ins, outs) in enumerate(data_sets):
        data_dir = os.path.join(args.out_dir, "test_data_set_%d" % k)
        os.makedirs(data_dir, exist_ok=True)
        for kind, tensors in (("input", ins), ("output", outs)):
            for i, t in enumerate(tensors):
                proto = numpy_helper.from_array(t.detach().numpy(), "%s_%d" % (kind, i))
                with open(os.path.join(data_dir, "%s_%d.pb" % (kind, i)), "wb") as f:
                    f.write(proto.SerializeToString())
    return 0


def resized_input(tensor, axes, sizes):
    """A random input like `tensor` with its dynamic axes (axis -> symbol) at
    `sizes` (symbol -> size): floats from a normal distribution, integers
    (token ids, segments) drawn from the range the original holds."""
    shape = list(tensor.shape)
    for axis, symbol in axes.items():
        shape[axis] = sizes[symbol]
    gen = torch.Generator().manual_seed(sum(shape))
    if tensor.dtype.is_floating_point:
        return torch.randn(shape, generator=gen, dtype=tensor.dtype)
    return torch.randint(int(tensor.min()), int(tensor.max()) + 1, shape, generator=gen,
                         dtype=tensor.dtype)


if __name__ == "__main__":
    sys.exit(main())
