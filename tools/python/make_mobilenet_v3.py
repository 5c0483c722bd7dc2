"""MobileNetV3-small end-to-end fixture: torchvision's mobilenet_v3_small(num_classes=10) at 3x96x96.

Random weights (torch.manual_seed(0)); BatchNorm statistics from 4 train-mode forward passes over random images
(batch 8, N(0, 1)), then eval mode. Exported with opset 13 (Hardswish as HardSigmoid + Mul, which TinyDsc
recognises) or, with --opset 14, as HardSwish. Writes to OUT: model.onnx, calibration.npy (16 random images),
input.npy (8 other random images), output.npy (PyTorch's eval-mode output for input.npy).

    /usr/bin/python3 tools/python/make_mobilenet_v3.py OUT [--opset 13|14]

Needs Debian's python3-torch and python3-torchvision (torch 1.13, torchvision 0.14).
"""
import argparse
import os

import numpy as np
import torch
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v3_small(num_classes=10)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(8, 3, 96, 96))
    model.eval()
    calibration = torch.randn(16, 3, 96, 96)
    x = torch.randn(8, 3, 96, 96)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x[:1], os.path.join(args.out, "model.onnx"), opset_version=args.opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    np.save(os.path.join(args.out, "calibration.npy"), calibration.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "output.npy"), y.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
