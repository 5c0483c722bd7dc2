"""Generate TinyDsc's ONNX test fixtures from small random-weight PyTorch layers and blocks.

Run from the repository root (Debian's interpreter, which has torch 1.13 and onnx 1.12):
    /usr/bin/python3 tools/python/make_fixtures.py

Writes
    tests/fixtures/onnx/<case>/model.onnx     the exported model (input 'input', output 'output')
    tests/fixtures/onnx/<case>/input.npy      float32 NCHW input, batch 2 or 3
    tests/fixtures/onnx/<case>/output.npy     PyTorch's float32 output for input.npy (torch, eval mode)
    tests/fixtures/onnx/README.md             the cases, what each covers and its ONNX ops
    tests/fixtures/onnx-bad/<case>/...        malformed or unsupported models for error tests
    tests/fixtures/onnx-bad/README.md

Deterministic: every case seeds torch and numpy from a hash of its own name, so adding a case does not change
the others, and running the script twice gives byte-identical files.
Options: --out-dir DIR (default tests/fixtures), --list (print cases only).
"""
import argparse
import os
import shutil
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OPSET = 13

# ----------------------------------------------------------------------------------------------------------------------
# helpers


def seed_for(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def randomise_bn(bn, gen):
    """Give a BatchNorm2d non-trivial running statistics and affine parameters."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
        bn.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.25)
        bn.weight.copy_(torch.rand(c, generator=gen) * 1.5 + 0.25)
        bn.bias.copy_(torch.randn(c, generator=gen) * 0.3)


def randomise_all_bn(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            randomise_bn(m, gen)


class Seq(nn.Sequential):
    pass


# ----------------------------------------------------------------------------------------------------------------------
# models that need a custom forward


class PadConv(nn.Module):
    """F.pad with asymmetric pads (left, right, top, bottom) before a conv with padding 0."""

    def __init__(self, pads, conv):
        super().__init__()
        self.pads = pads
        self.conv = conv

    def forward(self, x):
        return self.conv(F.pad(x, self.pads))


class ComputedWeightConv(nn.Module):
    """Weight computed in forward: F.conv2d(x, weight * scale, groups=g). With constant folding off the exporter keeps
    a Mul on two initializers in front of the Conv."""

    def __init__(self, cin, cout, k, groups, gen):
        super().__init__()
        self.groups = groups
        self.weight = nn.Parameter(torch.randn(cout, cin // groups, k, k, generator=gen) * 0.3)
        self.scale = nn.Parameter(torch.rand(cout, 1, 1, 1, generator=gen) + 0.5)
        self.bias = nn.Parameter(torch.randn(cout, generator=gen) * 0.1)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, stride=1, padding=1, groups=self.groups)


class InvertedResidual(nn.Module):
    """1x1 expand + BN + ReLU6 -> depthwise 3x3 + BN + ReLU6 -> 1x1 project + BN, plus residual add."""

    def __init__(self, c, expand):
        super().__init__()
        h = c * expand
        self.conv = nn.Sequential(
            nn.Conv2d(c, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
            nn.Conv2d(h, h, 3, padding=1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
            nn.Conv2d(h, c, 1, bias=False), nn.BatchNorm2d(c),
        )

    def forward(self, x):
        return x + self.conv(x)


class SigmoidGate(nn.Module):
    """Squeeze-and-excitation style gate: x * sigmoid(conv1x1(gap(x))). Uses Sigmoid and Mul (unsupported)."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.gate = nn.Conv2d(c, c, 1)

    def forward(self, x):
        y = F.relu(self.conv(x))
        g = torch.sigmoid(self.gate(F.adaptive_avg_pool2d(y, 1)))
        return y * g


class ConvLstm(nn.Module):
    """Conv, then rows of the feature map fed to an LSTM as a sequence (LSTM is unsupported)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.lstm = nn.LSTM(input_size=4 * 8, hidden_size=8, batch_first=True)

    def forward(self, x):
        y = F.relu(self.conv(x))                      # N,4,8,8
        y = y.permute(0, 2, 1, 3).reshape(x.shape[0], 8, 32)  # N, rows, features
        out, _ = self.lstm(y)
        return out[:, -1, :]


# ----------------------------------------------------------------------------------------------------------------------
# the cases
#
# Each entry: name -> (description, builder(gen) -> nn.Module, input shape NCHW, options)
# options: opset (default 13), fold (do_constant_folding, default False), dynamic (default True),
#          init_inputs (keep_initializers_as_inputs, default False), input_scale / input_offset for the random input,
#          gain (multiplies every Conv/Linear weight, so that ReLU6 clips at 6 for part of the outputs).


def dscnn_small(gen):
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=1, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1, groups=8, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
        nn.Conv2d(16, 16, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
        nn.Conv2d(16, 16, 3, stride=1, padding=1, groups=16, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
        nn.Conv2d(16, 12, 1, bias=False), nn.BatchNorm2d(12), nn.ReLU6(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, 5),
    )


CASES = [
    # --- plain convolutions
    ("conv3x3_bias", "Conv 3x3, groups=1, with bias, padding 1",
     lambda g: nn.Conv2d(3, 8, 3, padding=1, bias=True), (2, 3, 8, 8), {}),
    ("conv3x3_nobias", "Conv 3x3, groups=1, no bias, padding 0 (valid)",
     lambda g: nn.Conv2d(4, 6, 3, padding=0, bias=False), (2, 4, 9, 9), {}),
    ("conv1x1", "pointwise Conv 1x1 with bias",
     lambda g: nn.Conv2d(8, 16, 1), (3, 8, 6, 6), {}),
    # --- depthwise and grouped
    ("depthwise_k1", "depthwise Conv 3x3, groups=Cin=8, depth multiplier 1, bias",
     lambda g: nn.Conv2d(8, 8, 3, padding=1, groups=8), (2, 8, 8, 8), {}),
    ("depthwise_k2", "depthwise Conv 3x3, groups=Cin=6, depth multiplier 2 (weight 12x1x3x3), bias",
     lambda g: nn.Conv2d(6, 12, 3, padding=1, groups=6), (2, 6, 7, 7), {}),
    ("depthwise_k3", "depthwise Conv 3x3, groups=Cin=4, depth multiplier 3 (weight 12x1x3x3), no bias",
     lambda g: nn.Conv2d(4, 12, 3, padding=1, groups=4, bias=False), (2, 4, 8, 8), {}),
    ("grouped_conv", "grouped Conv 3x3, Cin=8, Cout=12, groups=4 (1 < groups < Cin): 2 in / 3 out channels per group",
     lambda g: nn.Conv2d(8, 12, 3, padding=1, groups=4), (2, 8, 6, 6), {}),
    ("grouped_conv_1x1", "grouped pointwise Conv 1x1, Cin=12, Cout=8, groups=2",
     lambda g: nn.Conv2d(12, 8, 1, groups=2), (2, 12, 5, 5), {}),
    # --- geometry
    ("dilation2", "Conv 3x3 dilation 2, padding 2",
     lambda g: nn.Conv2d(4, 6, 3, padding=2, dilation=2), (2, 4, 10, 10), {}),
    ("depthwise_dilation2", "depthwise Conv 3x3 dilation 2, padding 2, groups=6",
     lambda g: nn.Conv2d(6, 6, 3, padding=2, dilation=2, groups=6), (2, 6, 9, 9), {}),
    ("stride2_odd7", "Conv 3x3 stride 2 padding 1 on a 7x7 input (-> 4x4)",
     lambda g: nn.Conv2d(3, 8, 3, stride=2, padding=1), (2, 3, 7, 7), {}),
    ("stride2_odd9_depthwise", "depthwise Conv 3x3 stride 2 padding 1 on 9x9 (-> 5x5), multiplier 2",
     lambda g: nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=4), (2, 4, 9, 9), {}),
    ("stride2_odd9_valid", "Conv 3x3 stride 2 padding 0 on 9x9 (-> 4x4)",
     lambda g: nn.Conv2d(3, 5, 3, stride=2, padding=0), (2, 3, 9, 9), {}),
    ("stride2_k5", "Conv 5x5 stride 2 padding 2 on 11x11 (-> 6x6)",
     lambda g: nn.Conv2d(2, 4, 5, stride=2, padding=2), (2, 2, 11, 11), {}),
    ("kernel_3x1", "Conv kernel (3,1), padding (1,0)",
     lambda g: nn.Conv2d(4, 6, (3, 1), padding=(1, 0)), (2, 4, 8, 7), {}),
    ("kernel_1x3", "Conv kernel (1,3), padding (0,1), stride (1,2)",
     lambda g: nn.Conv2d(4, 6, (1, 3), stride=(1, 2), padding=(0, 1)), (2, 4, 7, 9), {}),
    ("nonsquare_input", "Conv 3x3 padding 1 on a non-square 6x11 input",
     lambda g: nn.Conv2d(3, 4, 3, padding=1), (2, 3, 6, 11), {}),
    ("asym_pad_zeropad2d", "nn.ZeroPad2d((1,0,1,0)) (left 1, top 1) then Conv 3x3 stride 2 padding 0 (TF 'SAME' style)",
     lambda g: nn.Sequential(nn.ZeroPad2d((1, 0, 1, 0)), nn.Conv2d(4, 8, 3, stride=2, padding=0)), (2, 4, 8, 8), {}),
    ("asym_pad_fpad_depthwise", "F.pad(x, (0,1,0,1)) (right 1, bottom 1) then depthwise Conv 3x3 stride 2 padding 0",
     lambda g: PadConv((0, 1, 0, 1), nn.Conv2d(6, 6, 3, stride=2, padding=0, groups=6)), (2, 6, 8, 8), {}),
    # --- batch norm
    ("conv_bn", "Conv 3x3 (no bias) + BatchNormalization kept as a node (constant folding off, TrainingMode.PRESERVE, eval)",
     lambda g: nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)), (2, 4, 8, 8), {}),
    ("conv_bias_bn_relu", "Conv 3x3 with bias + BatchNormalization + ReLU",
     lambda g: nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU()), (2, 3, 7, 7), {}),
    ("depthwise_bn_relu6", "depthwise Conv 3x3 (multiplier 2) + BatchNormalization + ReLU6 (Clip)",
     lambda g: nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, groups=4, bias=False), nn.BatchNorm2d(8), nn.ReLU6()),
     (2, 4, 8, 8), {"input_scale": 3.0, "gain": 3.0}),
    ("lone_batchnorm", "BatchNorm2d alone on the input (not after a conv)",
     lambda g: nn.BatchNorm2d(6), (2, 6, 5, 5), {}),
    ("batchnorm_then_conv", "BatchNorm2d on the input followed by a Conv 3x3 padding 1 (BN cannot fold into the conv "
     "exactly because of the zero padding)",
     lambda g: nn.Sequential(nn.BatchNorm2d(3), nn.Conv2d(3, 4, 3, padding=1)), (2, 3, 6, 6), {}),
    ("conv_bn_folded", "Conv + BN + ReLU6 exported normally (eval, constant folding on): the exporter fuses BN into the Conv",
     lambda g: nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6()),
     (2, 4, 8, 8), {"fold": True, "input_scale": 3.0, "gain": 3.0}),
    # --- activations
    ("relu", "Conv 3x3 + ReLU",
     lambda g: nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU()), (2, 3, 6, 6), {}),
    ("relu6", "Conv 3x3 + ReLU6 (opset 13: Clip with min/max from Constant nodes); weights and input scaled so part of the outputs clip at 6",
     lambda g: nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU6()), (2, 3, 6, 6), {"input_scale": 4.0, "gain": 3.0}),
    ("lone_relu6", "ReLU6 alone on the input (Clip only)",
     lambda g: nn.ReLU6(), (2, 4, 5, 5), {"input_scale": 5.0}),
    # --- separable patterns
    ("dw_multiplier_pointwise", "depthwise(groups=nin=4, out=nin*K=12, K=3) -> pointwise 1x1 12->8",
     lambda g: nn.Sequential(nn.Conv2d(4, 12, 3, padding=1, groups=4), nn.Conv2d(12, 8, 1)), (2, 4, 8, 8), {}),
    ("ds_block", "depthwise 3x3 + BN + ReLU6 -> pointwise 1x1 + BN + ReLU6 (BN nodes kept)",
     lambda g: nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
                             nn.Conv2d(8, 16, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6()), (2, 8, 8, 8),
     {"input_scale": 3.0, "gain": 3.0}),
    ("inverted_residual", "MobileNetV2 block: 1x1 expand 8->32 + BN + ReLU6 -> depthwise 3x3 + BN + ReLU6 -> "
     "1x1 project 32->8 + BN, residual Add (BN nodes kept)",
     lambda g: InvertedResidual(8, 4), (2, 8, 8, 8), {"input_scale": 3.0, "gain": 3.0}),
    # --- pooling
    ("avgpool_include_pad", "AvgPool2d(3, stride 2, padding 1, count_include_pad=True) (exported as Pad + AveragePool)",
     lambda g: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True), (2, 4, 9, 9), {}),
    ("avgpool_exclude_pad", "AvgPool2d(3, stride 2, padding 1, count_include_pad=False)",
     lambda g: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (2, 4, 9, 9), {}),
    ("avgpool_2x2", "AvgPool2d(2) (stride 2, no padding) on 8x8; count_include_pad defaults to True, so it exports as Pad with zero pads + AveragePool",
     lambda g: nn.AvgPool2d(2), (2, 4, 8, 8), {}),
    ("maxpool_pad_stride", "MaxPool2d(3, stride 2, padding 1) on 9x9, input shifted negative so padding matters",
     lambda g: nn.MaxPool2d(3, stride=2, padding=1), (2, 4, 9, 9), {"input_offset": -1.0}),
    ("maxpool_2x2", "MaxPool2d(2) on 7x7 (floor: last row/column dropped)",
     lambda g: nn.MaxPool2d(2), (2, 3, 7, 7), {}),
    ("global_avgpool", "AdaptiveAvgPool2d(1) (GlobalAveragePool) after a Conv",
     lambda g: nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.AdaptiveAvgPool2d(1)), (3, 3, 7, 7), {}),
    # --- heads
    ("gap_flatten_linear", "Conv + ReLU -> AdaptiveAvgPool2d(1) -> Flatten -> Linear 8->5 (Gemm)",
     lambda g: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(8, 5)), (3, 3, 8, 8), {}),
    ("gap_linear_softmax", "Conv + ReLU -> AdaptiveAvgPool2d(1) -> Flatten -> Linear 8->5 -> Softmax(dim=1): a classifier "
     "returning probabilities",
     lambda g: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(8, 5), nn.Softmax(dim=1)), (3, 3, 8, 8), {}),
    ("flatten_spatial_linear", "Conv stride 2 -> Flatten of a 4x3x3 map (NCHW order: c*9 + y*3 + x) -> Linear 36->6",
     lambda g: nn.Sequential(nn.Conv2d(2, 4, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(36, 6)),
     (2, 2, 6, 6), {}),
    # --- constants in the graph
    ("computed_weight", "F.conv2d(x, self.weight * self.scale, bias, groups=2): Mul on initializers before the Conv "
     "(constant folding off)",
     lambda g: ComputedWeightConv(4, 6, 3, 2, g), (2, 4, 6, 6), {}),
    ("computed_weight_depthwise", "F.conv2d(x, weight * scale, groups=Cin=6, out 12): depthwise multiplier 2 with computed weight",
     lambda g: ComputedWeightConv(6, 12, 3, 6, g), (2, 6, 6, 6), {}),
    # --- opsets and batch
    ("opset9_block", "opset 9 (Clip with min/max attributes, initializers listed as graph inputs): Conv + BN + ReLU6 "
     "-> depthwise + BN + ReLU6 -> AvgPool -> Flatten -> Linear",
     lambda g: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
                             nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
                             nn.AvgPool2d(4), nn.Flatten(), nn.Linear(8, 4)),
     (2, 3, 8, 8), {"opset": 9, "init_inputs": True, "input_scale": 3.0, "gain": 3.0}),
    ("opset10_relu6", "opset 10 (Clip min/max attributes): depthwise multiplier 2 + ReLU6 + MaxPool",
     lambda g: nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, groups=4), nn.ReLU6(), nn.MaxPool2d(2)),
     (2, 4, 8, 8), {"opset": 10, "input_scale": 3.0, "gain": 3.0}),
    ("opset13_dscnn", "opset 13 end-to-end tiny DS-CNN with BN nodes kept: stem conv, stride-2 depthwise (multiplier 2), "
     "pointwise, depthwise, pointwise, GAP, Flatten, Linear",
     dscnn_small, (3, 3, 12, 12), {"input_scale": 3.0, "gain": 2.0}),
    ("opset13_dscnn_folded", "same tiny DS-CNN exported normally (eval, constant folding on, BN fused)",
     dscnn_small, (3, 3, 12, 12), {"fold": True, "input_scale": 3.0, "gain": 2.0}),
    ("static_batch", "Conv + ReLU exported WITHOUT dynamic axes: input declared [2,3,6,6]",
     lambda g: nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU()), (2, 3, 6, 6), {"dynamic": False}),
]


def build(name, builder, opts):
    torch.manual_seed(seed_for(name))
    gen = torch.Generator().manual_seed(seed_for(name) + 1)
    model = builder(gen)
    randomise_all_bn(model, gen)
    gain = opts.get("gain", 1.0)
    if gain != 1.0:  # larger weights so that ReLU6's upper bound is reached
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    m.weight.mul_(gain)
    model.eval()
    return model


def make_input(name, shape, opts):
    rng = np.random.RandomState(seed_for(name) + 2)
    x = rng.standard_normal(shape).astype(np.float32)
    x = x * np.float32(opts.get("input_scale", 1.0)) + np.float32(opts.get("input_offset", 0.0))
    return x.astype(np.float32)


def export(model, x, path, opts):
    dummy = torch.from_numpy(x)
    kwargs = dict(
        opset_version=opts.get("opset", DEFAULT_OPSET),
        input_names=["input"], output_names=["output"],
        do_constant_folding=opts.get("fold", False),
        training=torch.onnx.TrainingMode.EVAL if opts.get("fold", False) else torch.onnx.TrainingMode.PRESERVE,
        keep_initializers_as_inputs=opts.get("init_inputs", False),
    )
    if opts.get("dynamic", True):
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, dummy, path, **kwargs)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def op_list(m):
    ops = []
    for n in m.graph.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    return ops


def op_counts(m):
    counts = {}
    for n in m.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return counts


def fmt_shape(a):
    return "×".join(str(d) for d in a.shape)


def make_good(out_root):
    rows = []
    for name, desc, builder, shape, opts in CASES:
        d = os.path.join(out_root, name)
        os.makedirs(d, exist_ok=True)
        model = build(name, builder, opts)
        x = make_input(name, shape, opts)
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy().astype(np.float32)
        m = export(model, x, os.path.join(d, "model.onnx"), opts)
        np.save(os.path.join(d, "input.npy"), x)
        np.save(os.path.join(d, "output.npy"), y)
        counts = op_counts(m)
        ops = ", ".join(f"{k}×{v}" if v > 1 else k for k, v in counts.items())
        opset = m.opset_import[0].version
        dyn = "dyn" if opts.get("dynamic", True) else "static"
        print(f"{name:28s} opset {opset:2d} {dyn:6s} in {fmt_shape(x):10s} out {fmt_shape(y):10s} ops: {ops}")
        rows.append((name, desc, opset, dyn, fmt_shape(x), fmt_shape(y), ops))
    return rows


# ----------------------------------------------------------------------------------------------------------------------
# bad cases


def make_bad(out_root, good_root):
    rows = []

    def case_dir(name):
        d = os.path.join(out_root, name)
        os.makedirs(d, exist_ok=True)
        return d

    # 1) depthwise conv whose weight shape does not fit the groups attribute: weight [64,1,3,3], group 3
    name = "bad_groups"
    torch.manual_seed(seed_for(name))
    d = case_dir(name)
    model = nn.Conv2d(64, 64, 3, padding=1, groups=64).eval()
    x = make_input(name, (2, 64, 4, 4), {})
    path = os.path.join(d, "model.onnx")
    export(model, x, path, {})
    m = onnx.load(path)
    conv = [n for n in m.graph.node if n.op_type == "Conv"][0]
    for a in conv.attribute:
        if a.name == "group":
            a.i = 3
    onnx.save(m, path)
    np.save(os.path.join(d, "input.npy"), x)
    rows.append((name, f"Conv node `{conv.name}`: group attribute edited from 64 to 3, weight stays [64,1,3,3], "
                       "input [N,64,4,4]. Expect an error naming the node and e.g. "
                       "\"groups=3 requires weight dim 0 divisible by 3, got 64\".", "Conv"))

    # 2) unsupported op: Sigmoid gate (squeeze-and-excitation style)
    name = "unsupported_sigmoid_gate"
    torch.manual_seed(seed_for(name))
    d = case_dir(name)
    model = SigmoidGate(4).eval()
    x = make_input(name, (2, 4, 6, 6), {})
    m = export(model, x, os.path.join(d, "model.onnx"), {})
    np.save(os.path.join(d, "input.npy"), x)
    with torch.no_grad():
        np.save(os.path.join(d, "output.npy"), model(torch.from_numpy(x)).numpy())
    rows.append((name, "Conv + ReLU, then x * Sigmoid(Conv1x1(GlobalAveragePool(x))). Sigmoid (and the broadcasting Mul) "
                       "are not supported: expect an error naming the op type and node.", ", ".join(op_list(m))))

    # 3) unsupported op: LSTM
    name = "unsupported_lstm"
    torch.manual_seed(seed_for(name))
    d = case_dir(name)
    model = ConvLstm().eval()
    x = make_input(name, (2, 1, 8, 8), {})
    m = export(model, x, os.path.join(d, "model.onnx"), {})
    np.save(os.path.join(d, "input.npy"), x)
    with torch.no_grad():
        np.save(os.path.join(d, "output.npy"), model(torch.from_numpy(x)).numpy())
    rows.append((name, "Conv + ReLU, rows reshaped to a sequence, LSTM. Expect an unsupported-op error (LSTM).",
                 ", ".join(op_list(m))))

    # 4) truncated model file (first half of a valid model's bytes)
    name = "truncated_model"
    d = case_dir(name)
    src = open(os.path.join(good_root, "ds_block", "model.onnx"), "rb").read()
    open(os.path.join(d, "model.onnx"), "wb").write(src[:len(src) // 2])
    shutil.copyfile(os.path.join(good_root, "ds_block", "input.npy"), os.path.join(d, "input.npy"))
    rows.append((name, f"the first {len(src) // 2} of {len(src)} bytes of `onnx/ds_block/model.onnx`. "
                       "Expect a clear parse error, no stack trace.", "-"))

    # 5) not an ONNX file at all
    name = "not_onnx"
    d = case_dir(name)
    open(os.path.join(d, "model.onnx"), "wb").write(b"this is not an ONNX model\n")
    rows.append((name, "a short text file named model.onnx. Expect a clear parse error.", "-"))

    # 6) valid model, input of the wrong shape (4 channels where the model takes 3)
    name = "wrong_input_shape"
    d = case_dir(name)
    shutil.copyfile(os.path.join(good_root, "conv3x3_bias", "model.onnx"), os.path.join(d, "model.onnx"))
    np.save(os.path.join(d, "input.npy"), make_input(name, (2, 4, 8, 8), {}))
    rows.append((name, "`onnx/conv3x3_bias/model.onnx` (input [N,3,8,8]) with an input.npy of shape [2,4,8,8]. "
                       "Expect an error giving expected vs actual shape.", "Conv"))

    # 7) truncated .npy input for a valid model
    name = "truncated_input_npy"
    d = case_dir(name)
    shutil.copyfile(os.path.join(good_root, "conv3x3_bias", "model.onnx"), os.path.join(d, "model.onnx"))
    npy = open(os.path.join(good_root, "conv3x3_bias", "input.npy"), "rb").read()
    open(os.path.join(d, "input.npy"), "wb").write(npy[:len(npy) - 100])
    rows.append((name, f"`onnx/conv3x3_bias/model.onnx` with its input.npy cut short by 100 bytes "
                       f"({len(npy) - 100} of {len(npy)}): header says [2,3,8,8] float32 but data is missing.", "Conv"))

    for r in rows:
        print(f"bad: {r[0]:26s} ops: {r[2]}")
    return rows


# ----------------------------------------------------------------------------------------------------------------------
# READMEs


def write_readmes(good_root, bad_root, good_rows, bad_rows):
    lines = [
        "# ONNX fixtures",
        "",
        "Generated by `tools/python/make_fixtures.py` (run `/usr/bin/python3 tools/python/make_fixtures.py` from the "
        "repository root; torch " + torch.__version__.split("+")[0] + ", onnx " + onnx.__version__ + "). Do not edit by hand.",
        "",
        "Each folder holds `model.onnx` (input `input`, output `output`), `input.npy` (float32 NCHW, batch 2 or 3) and",
        "`output.npy` (float32, PyTorch's own output for that input, computed with the module in eval mode, not by an",
        "ONNX runtime). Weights are random (seeded per case from the case name); every BatchNorm has non-trivial",
        "running_mean / running_var / weight / bias. Unless the table says otherwise a model is exported with",
        "opset 13, `do_constant_folding=False` and `training=TrainingMode.PRESERVE` in eval mode (so BatchNormalization",
        "nodes remain and constants computed in `forward` stay as nodes), with dynamic batch",
        "(`dynamic_axes={'input':{0:'batch'}, 'output':{0:'batch'}}`). The `_folded` cases are normal eval exports with",
        "constant folding on (BN fused into Conv by the exporter).",
        "",
        "Ops are listed in graph order with counts. `Constant`, `Shape`, `Gather`, `Unsqueeze`, `Concat`, `Reshape`,",
        "`ConstantOfShape`, `Slice`, `Transpose`, `Cast` appear where the exporter builds shape arithmetic (e.g. for `Pad`);",
        "all of it is constant at import time.",
        "",
        "`/usr/bin/python3 tools/python/check_fixtures.py` re-evaluates every model here with an independent NumPy",
        "interpreter of the ONNX ops (float64) and compares with `output.npy` (all agree to < 1e-6 relative).",
        "",
        "| case | covers | opset | batch | input | output | ONNX ops |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, desc, opset, dyn, ins, outs, ops in good_rows:
        lines.append(f"| `{name}` | {desc} | {opset} | {dyn} | {ins} | {outs} | {ops} |")
    lines += ["", "Error cases live in `../onnx-bad/` (see its README).", ""]
    with open(os.path.join(good_root, "README.md"), "w") as f:
        f.write("\n".join(lines))

    lines = [
        "# Bad ONNX fixtures",
        "",
        "Generated by `tools/python/make_fixtures.py`. Each should make `tinydsc convert` / `reference` / `run` fail with",
        "a non-zero exit code and a one-line message naming what is wrong (no stack trace, no output file written).",
        "Where a model is valid ONNX but unsupported, `output.npy` holds PyTorch's output for reference.",
        "",
        "| case | what is wrong | ops |",
        "|---|---|---|",
    ]
    for name, desc, ops in bad_rows:
        lines.append(f"| `{name}` | {desc} | {ops} |")
    lines.append("")
    with open(os.path.join(bad_root, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=os.path.join(REPO_ROOT, "tests", "fixtures"))
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        for c in CASES:
            print(f"{c[0]:28s} {c[1]}")
        return
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    good_root = os.path.join(args.out_dir, "onnx")
    bad_root = os.path.join(args.out_dir, "onnx-bad")
    # start clean so removed cases do not linger
    for r in (good_root, bad_root):
        if os.path.isdir(r):
            shutil.rmtree(r)
        os.makedirs(r)
    good_rows = make_good(good_root)
    bad_rows = make_bad(bad_root, good_root)
    write_readmes(good_root, bad_root, good_rows, bad_rows)
    total = 0
    for root in (good_root, bad_root):
        for dp, _, files in os.walk(root):
            total += sum(os.path.getsize(os.path.join(dp, f)) for f in files)
    print(f"{len(good_rows)} cases, {len(bad_rows)} bad cases, {total / 1024:.0f} KiB total")


if __name__ == "__main__":
    main()
