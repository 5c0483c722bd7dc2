"""Concat / PReLU end-to-end fixture: a small CNN whose blocks join branches with torch.cat and use nn.PReLU.

Layers (3x32x32 input): stem Conv 3->8 (BatchNorm, PReLU(8)); an Inception-style block whose 1x1 branch (8->6,
ReLU), depthwise-separable branch (3x3 depthwise, 1x1 8->4, ReLU6) and the block input itself are joined by
torch.cat(dim=1) (3 inputs, 18 channels); a 3x3 stride-2 conv 18->16 with PReLU() (one shared slope); global average
pool; two Linear heads whose outputs are joined by torch.cat(dim=1) (vectors, 6 + 4 = 10 scores).
Random weights (torch.manual_seed(0)), PReLU slopes drawn from U(-0.5, 0.5) so negative and positive slopes both
occur, BatchNorm statistics from 4 train-mode passes over N(0, 1) images. Exported with opset 13. Writes to OUT:
model.onnx, calibration.npy (32 random images), input.npy (16 other random images), output.npy (PyTorch's eval output).

    /usr/bin/python3 tools/python/make_concat_model.py OUT

Needs Debian's python3-torch and python3-onnx.
"""
import argparse
import os

import numpy as np
import torch
from torch import nn


class ConcatNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.PReLU(8))
        self.branch1 = nn.Sequential(nn.Conv2d(8, 6, 1), nn.ReLU())
        self.branch2 = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.Conv2d(8, 4, 1), nn.ReLU6())
        self.reduce = nn.Sequential(nn.Conv2d(18, 16, 3, stride=2, padding=1), nn.PReLU())
        self.head_a = nn.Linear(16, 6)
        self.head_b = nn.Linear(16, 4)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat([self.branch1(x), self.branch2(x), x], dim=1)
        x = self.reduce(x)
        v = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return torch.cat([self.head_a(v), self.head_b(v)], dim=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    model = ConcatNet()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.PReLU):
                m.weight.uniform_(-0.5, 0.5)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(8, 3, 32, 32))
    model.eval()
    calibration = torch.randn(32, 3, 32, 32)
    x = torch.randn(16, 3, 32, 32)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x[:1], os.path.join(args.out, "model.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    np.save(os.path.join(args.out, "calibration.npy"), calibration.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "output.npy"), y.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
