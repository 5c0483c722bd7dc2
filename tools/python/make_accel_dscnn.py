"""1-D depthwise-separable CNN on synthetic 3-axis accelerometer windows: TinyDsc's Conv1d end-to-end fixture.

Run from the repository root (Debian's interpreter, torch 1.13; about half a minute on one thread):
    /usr/bin/python3 tools/python/make_accel_dscnn.py            # -> tests/fixtures/models/accel-dscnn-1d/
    /usr/bin/python3 tools/python/make_accel_dscnn.py --out /tmp/x

Data: windows of 3 axes x 128 samples (2.56 s at 50 Hz, in g), generated from a seeded NumPy generator, six
activity classes told apart by which axes move, how fast and how (see CLASSES below). Every window also gets a
random device orientation (gravity rotated up to 45 degrees), per-axis offsets (sensor bias), frequency and
amplitude jitter, random phase and white noise, so the classes overlap a little and float accuracy is not 100 %.

Model (AccelDsCnn): Conv1d stem, depthwise Conv1d + BatchNorm1d + ReLU, pointwise Conv1d + BatchNorm1d + ReLU
blocks (one with depth multiplier 2, one dilated), MaxPool1d, AvgPool1d, AdaptiveAvgPool1d(1), Flatten, Linear.
Exported in eval mode without constant folding (training=PRESERVE), so the BatchNormalization nodes stay in the
ONNX graph and TinyDsc's converter folds them.

Writes to OUT:
    model.onnx         opset 13, input 'input' [N,3,128] float32, output 'output' [N,6] logits, dynamic N
    calibration.npy    18 training windows (3 per class), float32 [18,3,128]
    test_inputs.npy    150 held-out windows, float32 [150,3,128] (drawn after the training set, same generator)
    test_labels.npy    int64 [150]
    test_logits.npy    PyTorch float32 logits for test_inputs.npy [150,6]
    README.md          provenance, architecture, float accuracy
Deterministic: fixed seeds, one thread, deterministic algorithms.
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "fixtures", "models", "accel-dscnn-1d")
SEED = 20261206
RATE = 50.0  # Hz
LENGTH = 128
N_TRAIN_PER_CLASS = 400
N_CALIB_PER_CLASS = 3
N_TEST = 150

# name: (base frequency in Hz, per-axis amplitude in g of the main oscillation, waveform)
CLASSES = [
    ("still", 0.0, (0.0, 0.0, 0.0), "none"),
    ("walk", 1.9, (0.25, 0.15, 0.45), "sine"),
    ("run", 2.8, (0.55, 0.30, 1.10), "sine+harmonic"),
    ("stairs", 1.6, (0.35, 0.10, 0.40), "sine+tilt"),
    ("cycle", 1.3, (0.35, 0.35, 0.10), "circle"),
    ("jump", 1.1, (0.15, 0.15, 1.40), "pulse"),
]


def rotation(rng, max_deg):
    """A random rotation matrix with angle up to max_deg about a random axis (Rodrigues)."""
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    a = np.deg2rad(rng.uniform(0, max_deg))
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(a) * k + (1 - np.cos(a)) * k @ k


def window(rng, label):
    """One [3, LENGTH] window of class label, in g."""
    _, f0, amp, kind = CLASSES[label]
    t = np.arange(LENGTH) / RATE
    f = f0 * rng.uniform(0.75, 1.25)
    a = np.array(amp) * rng.uniform(0.6, 1.4, size=3)
    phase = rng.uniform(0, 2 * np.pi, size=3)
    w = 2 * np.pi * f * t
    motion = np.zeros((3, LENGTH))
    gravity = np.array([0.0, 0.0, 1.0])
    if kind == "sine":
        motion = a[:, None] * np.sin(w[None, :] + phase[:, None])
    elif kind == "sine+harmonic":
        motion = a[:, None] * (np.sin(w[None, :] + phase[:, None]) + 0.4 * np.sin(2 * w[None, :] + 2 * phase[:, None]))
    elif kind == "sine+tilt":
        motion = a[:, None] * np.sin(w[None, :] + phase[:, None])
        gravity = np.array([0.0, 0.45, 0.89])  # leaning forward on stairs
    elif kind == "circle":
        p = phase[0]
        motion[0] = a[0] * np.sin(w + p)
        motion[1] = a[1] * np.cos(w + p)
        motion[2] = a[2] * np.sin(2 * w + phase[2])
    elif kind == "pulse":
        # short landing impacts once per period: a raised cosine to a high power
        pulse = np.cos((w + phase[0]) / 2) ** 16
        motion = a[:, None] * (pulse[None, :] - pulse.mean()) * np.array([1.0, 1.0, 1.0])[:, None]
    x = motion + gravity[:, None]
    x = rotation(rng, 45) @ x
    x += rng.normal(0, 0.05, size=(3, 1))  # sensor offsets
    x += rng.normal(0, rng.uniform(0.15, 0.7), size=(3, LENGTH))  # noise
    return x.astype(np.float32)


def dataset(rng, labels):
    x = np.stack([window(rng, int(y)) for y in labels])
    return x, np.asarray(labels, dtype=np.int64)


class AccelDsCnn(nn.Module):
    """3x128 -> 6 logits. Shapes per stage in README.md."""

    def __init__(self, classes=6):
        super().__init__()

        def ds(cin, cout, k, multiplier=1, dilation=1):
            mid = cin * multiplier
            return nn.Sequential(
                nn.Conv1d(cin, mid, k, padding=dilation * (k // 2), dilation=dilation, groups=cin, bias=False),
                nn.BatchNorm1d(mid), nn.ReLU(),
                nn.Conv1d(mid, cout, 1, bias=False), nn.BatchNorm1d(cout), nn.ReLU())

        self.stem = nn.Sequential(nn.Conv1d(3, 16, 5, stride=2, padding=2, bias=False), nn.BatchNorm1d(16), nn.ReLU())
        self.block1 = ds(16, 24, 3)
        self.pool1 = nn.MaxPool1d(2)
        self.block2 = ds(24, 32, 3, multiplier=2)
        self.pool2 = nn.AvgPool1d(2)
        self.block3 = ds(32, 48, 3, dilation=2)
        self.head = nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(48, classes))

    def forward(self, x):
        x = self.stem(x)
        x = self.pool1(self.block1(x))
        x = self.pool2(self.block2(x))
        x = self.block3(x)
        return self.head(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--epochs", type=int, default=6)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(SEED)
    classes = len(CLASSES)

    train_labels = rng.permutation(np.repeat(np.arange(classes), N_TRAIN_PER_CLASS))
    x_train, y_train = dataset(rng, train_labels)
    calib_labels = np.tile(np.arange(classes), N_CALIB_PER_CLASS)
    x_calib, _ = dataset(rng, calib_labels)
    test_labels = rng.integers(0, classes, size=N_TEST)
    x_test, y_test = dataset(rng, test_labels)

    model = AccelDsCnn(classes)
    t0 = time.time()
    gen = torch.Generator().manual_seed(SEED)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    batch = 64
    steps = (len(xt) + batch - 1) // batch
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.01, epochs=args.epochs, steps_per_epoch=steps)
    loss_fn = nn.CrossEntropyLoss()
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        correct = 0
        for i in range(steps):
            idx = perm[i * batch:(i + 1) * batch]
            out = model(xt[idx])
            loss = loss_fn(out, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            correct += (out.argmax(1) == yt[idx]).sum().item()
        print(f"epoch {ep + 1}: train accuracy {100.0 * correct / len(xt):.2f} %, loss {loss.item():.4f}")
    seconds = time.time() - t0

    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x_test)).numpy()
    accuracy = 100.0 * float((logits.argmax(1) == y_test).mean())
    print(f"float test accuracy {accuracy:.2f} % on {N_TEST}")

    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, torch.from_numpy(x_test[:1]), onnx_path, opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    np.save(os.path.join(args.out, "calibration.npy"), x_calib)
    np.save(os.path.join(args.out, "test_inputs.npy"), x_test)
    np.save(os.path.join(args.out, "test_labels.npy"), y_test)
    np.save(os.path.join(args.out, "test_logits.npy"), logits.astype(np.float32))

    import onnx
    ops = []
    for n in onnx.load(onnx_path).graph.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    params = sum(p.numel() for p in model.parameters())
    class_list = ", ".join(f"{i} {c[0]}" for i, c in enumerate(CLASSES))
    readme = f"""# accel-dscnn-1d — 1-D depthwise-separable CNN on accelerometer-style windows

Written by `/usr/bin/python3 tools/python/make_accel_dscnn.py` (torch {torch.__version__}, numpy {np.__version__},
seed {SEED}, {args.epochs} epochs, one thread, took {seconds:.0f} s). Nothing here is real sensor data: the windows
are generated by that script (see its docstring): 3 axes x 128 samples (2.56 s at 50 Hz, in g), classes
{class_list}, each told apart by which axes oscillate, how fast and in what waveform, under random device orientation, sensor
offsets, frequency/amplitude jitter, phase and noise.

## Architecture ({params} parameters)

| stage | layers | output (C x L) |
|---|---|---|
| stem | Conv1d k5 stride 2 3->16, BatchNorm1d, ReLU | 16 x 64 |
| block1 | depthwise Conv1d k3, BN, ReLU; pointwise 16->24, BN, ReLU; MaxPool1d(2) | 24 x 32 |
| block2 | depthwise Conv1d k3 multiplier 2 (24->48), BN, ReLU; pointwise 48->32, BN, ReLU; AvgPool1d(2) | 32 x 16 |
| block3 | depthwise Conv1d k3 dilation 2, BN, ReLU; pointwise 32->48, BN, ReLU | 48 x 16 |
| head | AdaptiveAvgPool1d(1), Flatten, Linear 48->6 | 6 logits |

ONNX opset 13, dynamic batch, eval export without constant folding (BatchNormalization nodes kept; the converter
folds them): {", ".join(ops)}.
Input `input` float32 [N,3,128], output `output` [N,6] logits.

## Files

`model.onnx`; `calibration.npy` ({N_CALIB_PER_CLASS * classes} training windows, {N_CALIB_PER_CLASS} per class); `test_inputs.npy` ({N_TEST} windows generated after
the training set) with `test_labels.npy` (int64) and `test_logits.npy` (PyTorch's float logits).

## Float accuracy

{accuracy:.2f} % on the {N_TEST} test windows ({N_TRAIN_PER_CLASS * classes} training windows).

## int8

    tinydsc convert model.onnx --calibration calibration.npy --output model.tdsc
    tinydsc verify model.onnx model.tdsc --input test_inputs.npy --labels test_labels.npy

TinyDsc holds 1-D tensors as NCHW with H = 1 ([N,3,1,128]); the CLI takes the [N,3,128] files as they are. The
int8 accuracy is in the repository README's measured table and checked by `AccelDsCnn1dTests`.
"""
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(readme)


if __name__ == "__main__":
    main()
