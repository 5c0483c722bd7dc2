"""Builds tests/fixtures/models/mbv2-torchvision-96: torchvision's mobilenet_v2(width_mult=0.35, num_classes=2) at
3x96x96, the MobileNetV2 shape issue 10 measures fused-block arenas on.

Random weights (torch.manual_seed(0)); BatchNorm running statistics from a few train-mode forward passes on random
images (so the exported, BN-folded convolutions have realistic scales instead of the identity statistics of a fresh
model); then eval-mode ONNX export (opset 13, constant folding). Calibration data: 2 random images in [-1, 1]
(numpy seed 0). Small on purpose: the fixture is for memory planning and fused-vs-unfused bit-exactness, not accuracy.

Run: /usr/bin/python3 tools/python/make_mbv2_torchvision.py   (Debian python3-torch, python3-torchvision, python3-onnx)
"""
import hashlib
import os
import sys

import numpy as np
import torch
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "models", "mbv2-torchvision-96")


def main():
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2(width_mult=0.35, num_classes=2)
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(torch.rand(16, 3, 96, 96) * 2 - 1)
    model.eval()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.onnx")
    dummy = torch.zeros(1, 3, 96, 96)
    torch.onnx.export(model, dummy, path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    rng = np.random.default_rng(0)
    calibration = rng.uniform(-1, 1, size=(2, 3, 96, 96)).astype(np.float32)
    np.save(os.path.join(OUT, "calibration.npy"), calibration)
    with torch.no_grad():
        logits = model(torch.from_numpy(calibration)).numpy().astype(np.float32)
    np.save(os.path.join(OUT, "calibration_logits.npy"), logits)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}: {path} sha256 {digest}, "
          f"{sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    sys.exit(main())
