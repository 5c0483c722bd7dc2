"""A tiny MobileNetV3 built from torchvision's own MobileNetV3 blocks: a committed fixture small enough for the device lane.

torchvision's mobilenet_v3_small is ~1.5 M parameters, too large to embed in one nanoCLR program; this is the same
class (torchvision.models.mobilenetv3.MobileNetV3) with a three-block setting and a 64-wide classifier, so it has
every MobileNetV3 op TinyDsc lowers: Hardswish (HardSigmoid * x at opset 13, a Lookup), squeeze-and-excite
(GlobalAveragePool, 1x1 convs, ReLU, HardSigmoid gate - a Lookup - and the per-channel Mul), a residual Add,
GlobalAveragePool, Gemm, Dropout.

Random weights (torch.manual_seed(SEED)); BatchNorm statistics from 4 train-mode forward passes over random images
(batch 16, N(0, 1)), then eval mode. Writes to OUT (default tests/fixtures/models/mbv3-tiny-32):
    model.onnx        opset 13, input 'input' [N,3,32,32], output 'output' [N,10], dynamic N
    calibration.npy   8 random images N(0, 1), float32 [8,3,32,32]
    input.npy         2 other random images, float32 [2,3,32,32]
    output.npy        PyTorch's eval-mode output for input.npy, float32 [2,10]
    README.md         provenance

    /usr/bin/python3 tools/python/make_mbv3_tiny.py [--out OUT]

Needs Debian's python3-torch and python3-torchvision (torch 1.13, torchvision 0.14). Deterministic (one thread).
"""
import argparse
import os

import numpy as np
import torch
import torchvision
from torchvision.models.mobilenetv3 import InvertedResidualConfig, MobileNetV3

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "fixtures", "models", "mbv3-tiny-32")
SEED = 20261207

# input channels, kernel, expanded channels, output channels, squeeze-and-excite, activation, stride, dilation
SETTING = [
    (16, 3, 16, 16, True, "RE", 2, 1),
    (16, 3, 48, 24, False, "HS", 2, 1),
    (24, 5, 64, 24, True, "HS", 1, 1),
]
LAST_CHANNEL = 64


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    setting = [InvertedResidualConfig(*s, width_mult=1.0) for s in SETTING]
    model = MobileNetV3(setting, last_channel=LAST_CHANNEL, num_classes=10)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(16, 3, 32, 32))
    model.eval()
    calibration = torch.randn(8, 3, 32, 32)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        y = model(x)
    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, x[:1], onnx_path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    np.save(os.path.join(args.out, "calibration.npy"), calibration.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "output.npy"), y.numpy().astype(np.float32))

    import onnx
    ops = []
    for n in onnx.load(onnx_path).graph.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    params = sum(p.numel() for p in model.parameters())
    rows = "\n".join(f"| {s[0]} | {s[1]}x{s[1]} | {s[2]} | {s[3]} | {'yes' if s[4] else 'no'} | {s[5]} | {s[6]} |" for s in SETTING)
    readme = f"""# mbv3-tiny-32 — a three-block MobileNetV3 from torchvision's own classes

Written by `/usr/bin/python3 tools/python/make_mbv3_tiny.py` (torch {torch.__version__}, torchvision
{torchvision.__version__}, seed {SEED}): `torchvision.models.mobilenetv3.MobileNetV3` with the setting below,
last_channel {LAST_CHANNEL}, 10 classes, {params} parameters; random weights, BatchNorm statistics from 4 train-mode
passes over random images, then eval mode. Small enough to embed in one nanoCLR program, so the device lane runs
the MobileNetV3 ops (Lookup for Hardswish and the squeeze-and-excite HardSigmoid, the per-channel Mul) on nanoCLR.

| in | kernel | expanded | out | SE | activation | stride |
|---|---|---|---|---|---|---|
{rows}

Stem: Conv 3x3 stride 2, 3->16, BN, Hardswish. Head: Conv 1x1 24->144, BN, Hardswish, average pool, Linear 144->{LAST_CHANNEL},
Hardswish, Dropout, Linear {LAST_CHANNEL}->10.

ONNX opset 13 (Hardswish as HardSigmoid + Mul), dynamic batch, eval export with constant folding: {", ".join(ops)}.
Input `input` float32 [N,3,32,32]; output `output` [N,10].

Files: `model.onnx`, `calibration.npy` (8 random N(0, 1) images), `input.npy` (2 other random images),
`output.npy` (PyTorch's float output for them).
"""
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(readme)


if __name__ == "__main__":
    main()
