"""Train TinyDsc's sample depthwise-separable CNN on Fashion-MNIST and export it for the converter.

Run from the repository root:
    /usr/bin/python3 tools/python/train_fashion.py                 # full run (~7 epochs, ~15 min on 1 thread)
    /usr/bin/python3 tools/python/train_fashion.py --epochs 1 --train-limit 2000 --out /tmp/x   # quick check
    /usr/bin/python3 tools/python/train_fashion.py --arch mbv2 --epochs 4   # MobileNetV2-style comparison model
                                                   # -> tests/fixtures/models/mbv2-fashion/

Writes to firmware-samples/models/fashion-dscnn/ (or --out):
    model.onnx          opset 13, input 'input' [N,1,28,28] float32, output 'output' [N,10] logits, dynamic N
    model_state.pt      PyTorch state_dict (used by ptq_baseline.py)
    calibration.npy     300 training images, normalised float32 [300,1,28,28]
    test_images.npy     first 2000 test images, normalised float32 [2000,1,28,28]
    test_labels.npy     int64 [2000]
    test_logits.npy     PyTorch float32 logits for test_images.npy [2000,10]
    classes.txt         the 10 class names, one per line, in label order
    README.md           architecture, parameter count, accuracy, normalisation

For --arch mbv2 the folder gets model.onnx, model_state.pt, calibration.npy, test_logits.npy and README.md; the
test images and labels are the same as fashion-dscnn's (firmware-samples/models/fashion-dscnn/test_*.npy).

Normalisation: x = (pixel/255 - 0.2860) / 0.3530. Deterministic: fixed seed, deterministic algorithms,
one thread, no DataLoader workers, shuffling and augmentation drawn from a seeded torch.Generator.
"""
import argparse
import hashlib
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import fashion_common as fc

SEED = 20260101
DEFAULT_OUT = {
    "dscnn": os.path.join(fc.REPO_ROOT, "firmware-samples", "models", "fashion-dscnn"),
    "mbv2": os.path.join(fc.REPO_ROOT, "tests", "fixtures", "models", "mbv2-fashion"),
}
N_CALIB = 300
N_TEST_SUBSET = 2000


def train(model, x_train, y_train, epochs, batch, lr, seed, log=print):
    gen = torch.Generator().manual_seed(seed)
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    steps_per_epoch = (len(xt) + batch - 1) // batch
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps_per_epoch,
                                                pct_start=0.25)
    for ep in range(epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xt), generator=gen)
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(steps_per_epoch):
            idx = perm[i * batch:(i + 1) * batch]
            xb, yb = xt[idx], yt[idx]
            # light augmentation: random horizontal flip (Fashion-MNIST items are roughly mirror-symmetric)
            flip = torch.rand(len(idx), generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += float(loss) * len(idx)
            correct += int((out.argmax(1) == yb).sum())
            total += len(idx)
        log(f"epoch {ep + 1}/{epochs}: loss {loss_sum / total:.4f}  train acc {correct / total:.4f}  "
            f"({time.time() - t0:.0f} s)")
    model.eval()
    return model


def export_onnx(model, path, opset=13):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def onnx_ops(path):
    import onnx
    m = onnx.load(path)
    ops = []
    for n in m.graph.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    return ops


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=sorted(fc.ARCHS), default="dscnn")
    ap.add_argument("--out", default=None, help="output folder (default depends on --arch)")
    ap.add_argument("--epochs", type=int, default=7)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N images only (quick checks)")
    args = ap.parse_args()
    if args.out is None:
        args.out = DEFAULT_OUT[args.arch]

    fc.setup_determinism(SEED, args.threads)
    os.makedirs(args.out, exist_ok=True)

    tr_img, tr_lab = fc.load_split("train")
    te_img, te_lab = fc.load_split("t10k")
    x_train, x_test = fc.normalise(tr_img), fc.normalise(te_img)
    if args.train_limit:
        x_train, tr_lab = x_train[:args.train_limit], tr_lab[:args.train_limit]

    model = fc.ARCHS[args.arch]()
    n_params = fc.count_params(model)
    print(f"{type(model).__name__} parameters: {n_params}")
    t0 = time.time()
    train(model, x_train, tr_lab, args.epochs, args.batch, args.lr, SEED)
    train_seconds = time.time() - t0

    logits_full = fc.predict(model, x_test)
    acc_full = fc.accuracy(logits_full, te_lab)
    x_sub, y_sub = x_test[:N_TEST_SUBSET], te_lab[:N_TEST_SUBSET]
    logits_sub = fc.predict(model, x_sub)
    acc_sub = fc.accuracy(logits_sub, y_sub)
    print(f"float accuracy: full 10k test {acc_full:.4f}, first {N_TEST_SUBSET} {acc_sub:.4f}")

    # calibration: 300 training images drawn with a fixed generator (not the first 300, to mix classes)
    gen = np.random.RandomState(SEED)
    calib_idx = np.sort(gen.choice(len(tr_img), N_CALIB, replace=False))
    calib = fc.normalise(tr_img[calib_idx])

    torch.save(model.state_dict(), os.path.join(args.out, "model_state.pt"))
    onnx_path = os.path.join(args.out, "model.onnx")
    export_onnx(model, onnx_path)
    np.save(os.path.join(args.out, "calibration.npy"), calib.astype(np.float32))
    np.save(os.path.join(args.out, "test_logits.npy"), logits_sub.astype(np.float32))
    ops = onnx_ops(onnx_path)
    print("ONNX ops:", " ".join(ops))
    if args.arch == "dscnn":
        np.save(os.path.join(args.out, "test_images.npy"), x_sub.astype(np.float32))
        np.save(os.path.join(args.out, "test_labels.npy"), y_sub.astype(np.int64))
        with open(os.path.join(args.out, "classes.txt"), "w") as f:
            f.write("\n".join(fc.CLASSES) + "\n")
        write_readme(args, n_params, acc_full, acc_sub, ops, train_seconds, calib_idx, model)
    else:
        write_readme_mbv2(args, n_params, acc_full, acc_sub, ops, train_seconds)
    for name in ["model.onnx", "test_logits.npy", "model_state.pt"]:
        print(f"sha256 {name} {sha256(os.path.join(args.out, name))}")


def bn_notes(model):
    """Text on dead channels (BatchNorm running_var ~ 0) and the weight range after folding BN into the conv."""
    dead, big_dead, big_live = [], 0.0, 0.0
    mods = list(model.named_modules())
    for (na, a), (nb, b) in zip(mods, mods[1:]):
        if isinstance(a, torch.nn.Conv2d) and isinstance(b, torch.nn.BatchNorm2d):
            scale = (b.weight / torch.sqrt(b.running_var + b.eps)).detach()
            w = (a.weight.detach() * scale[:, None, None, None]).abs().flatten(1).max(1).values
            is_dead = b.running_var < 1e-6
            if is_dead.any():
                dead.append(f"{na} ({'depthwise' if a.groups > 1 else 'conv'}): {int(is_dead.sum())} of {b.num_features}")
                big_dead = max(big_dead, float(w[is_dead].max()))
            if (~is_dead).any():
                big_live = max(big_live, float(w[~is_dead].max()))
    if not dead:
        return f"No dead channels; after BN folding the largest conv weight is |w| = {big_live:.2f}."
    return ("Note for the converter: some channels are dead (their input is always the same, so BatchNorm's "
            f"running_var is about 0): {'; '.join(dead)}. Folding BN multiplies their weights by gamma/sqrt(eps), so "
            f"the folded weights in `model.onnx` reach |w| = {big_dead:.0f} on those channels while the largest on any "
            f"other channel is {big_live:.2f}. Per-channel weight scales absorb this; a per-tensor weight scale would "
            "not (see the baseline table below).")


def write_readme(args, n_params, acc_full, acc_sub, ops, train_seconds, calib_idx, model):
    path = os.path.join(args.out, "README.md")
    notes = bn_notes(model)
    # keep the PTQ table written by ptq_baseline.py if present
    ptq_section = ("<!-- ptq-baseline:begin -->\n_Not yet computed: run `/usr/bin/python3 tools/python/ptq_baseline.py`._\n"
                   "<!-- ptq-baseline:end -->")
    if os.path.exists(path):
        old = open(path).read()
        b, e = old.find("<!-- ptq-baseline:begin -->"), old.find("<!-- ptq-baseline:end -->")
        if b >= 0 and e > b:
            ptq_section = old[b:e + len("<!-- ptq-baseline:end -->")]
    text = f"""# fashion-dscnn — TinyDsc's sample model

A depthwise-separable CNN trained on Fashion-MNIST (28×28 grey images, 10 classes) by
`tools/python/train_fashion.py`. It is the model the firmware samples and end-to-end tests use.

## Architecture ({n_params} parameters)

| stage | layers | output (C×H×W) |
|---|---|---|
| stem | Conv 3×3 1→16, BN, ReLU6 | 16×28×28 |
| b1 | depthwise 3×3 **stride 2, depth multiplier 2** (16→32, groups=16), BN, ReLU6; pointwise 1×1 32→32, BN, ReLU6 | 32×14×14 |
| b2 | depthwise 3×3 (32), BN, ReLU6; pointwise 32→64, BN, ReLU6 | 64×14×14 |
| b3 | depthwise 3×3 **stride 2** (64), BN, ReLU6; pointwise 64→96, BN, ReLU6 | 96×7×7 |
| b4 | depthwise 3×3 (96), BN, ReLU6; pointwise 96→96, BN, ReLU6 | 96×7×7 |
| b5 | depthwise 3×3 (96), BN, ReLU6; pointwise 96→128, BN, ReLU6 | 128×7×7 |
| head | global average pool, Flatten, Linear 128→10 | 10 logits |

All convolutions have padding k//2 and no bias (BatchNorm follows). The ONNX export is a normal eval-mode export
(opset 13, constant folding on), so BatchNorm is folded into the convolutions and the convs carry a bias.
ONNX ops in `model.onnx`: {", ".join(ops)}.

{notes}

## Input

`input`: float32 NCHW [N, 1, 28, 28], dynamic N. Normalisation: **x = (pixel / 255 − 0.2860) / 0.3530**
(pixel is the uint8 idx value). All `.npy` images here are already normalised. `output`: float32 [N, 10] logits,
class order as in `classes.txt` (label index = line index).

## Files

| file | content |
|---|---|
| `model.onnx` | the trained model |
| `model_state.pt` | PyTorch state_dict of `FashionDSCNN` (tools/python/fashion_common.py), used by ptq_baseline.py |
| `calibration.npy` | 300 training images (fixed random indices, seed {SEED}), float32 [300,1,28,28] |
| `test_images.npy` | the first 2000 images of the test set (t10k), float32 [2000,1,28,28] |
| `test_labels.npy` | their labels, int64 [2000] |
| `test_logits.npy` | PyTorch's float32 logits for `test_images.npy` (eval mode), [2000,10] |
| `classes.txt` | the 10 class names |

## Float accuracy (PyTorch, eval mode)

| test set | top-1 |
|---|---|
| full Fashion-MNIST test set (10 000) | {acc_full * 100:.2f} % |
| first 2000 test images (`test_images.npy`) | {acc_sub * 100:.2f} % |

Training: {args.epochs} epochs, Adam + OneCycle (max lr {args.lr}), batch {args.batch}, random horizontal flip,
{args.threads} CPU thread(s), seed {SEED}, deterministic algorithms; took {train_seconds / 60:.1f} min of wall time
here (shared 2-core machine). Re-running the script reproduces the files byte for byte; sha256 of `model.onnx`:
`{sha256(os.path.join(args.out, "model.onnx"))}`.

## PyTorch int8 baseline

{ptq_section}

## Regenerate

```
/usr/bin/python3 tools/python/train_fashion.py     # this folder: model, data subsets, README
/usr/bin/python3 tools/python/ptq_baseline.py      # PyTorch PTQ numbers (table above)
```
Data come from Debian's `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist/).
"""
    with open(path, "w") as f:
        f.write(text)


def write_readme_mbv2(args, n_params, acc_full, acc_sub, ops, train_seconds):
    text = f"""# mbv2-fashion — MobileNetV2-style comparison model

Trained on Fashion-MNIST by `/usr/bin/python3 tools/python/train_fashion.py --arch mbv2 --epochs {args.epochs}`
(`FashionMBV2` in tools/python/fashion_common.py). It exercises inverted residual blocks (1×1 expand + BN + ReLU6 →
depthwise 3×3 + BN + ReLU6 → 1×1 project + BN) with residual `Add`s, where peak activation memory sits at the
1×1 expansion.

## Architecture ({n_params} parameters)

| stage | layers | output (C×H×W) |
|---|---|---|
| stem | Conv 3×3 1→8, BN, ReLU6 | 8×28×28 |
| IR1 | depthwise 3×3 stride 2 (t=1, no expansion) → project 8→16 | 16×14×14 |
| IR2 | expand 16→64, depthwise, project 64→16, **+ residual** | 16×14×14 |
| IR3 | expand 16→64, depthwise stride 2, project 64→24 | 24×7×7 |
| IR4 | expand 24→96, depthwise, project 96→24, **+ residual** | 24×7×7 |
| IR5 | expand 24→96, depthwise, project 96→32 | 32×7×7 |
| IR6 | expand 32→128, depthwise, project 128→32, **+ residual** | 32×7×7 |
| head | Conv 1×1 32→96, BN, ReLU6; global average pool; Flatten; Linear 96→10 | 10 logits |

ONNX (opset 13, dynamic batch, eval export with constant folding: BN fused): {", ".join(ops)}.
Input `input` float32 [N,1,28,28] normalised as x = (pixel/255 − 0.2860)/0.3530; output `output` [N,10] logits.

## Files

`model.onnx`, `model_state.pt` (state_dict), `calibration.npy` (the same 300 training images as
firmware-samples/models/fashion-dscnn/calibration.npy), `test_logits.npy` (PyTorch float logits for
firmware-samples/models/fashion-dscnn/test_images.npy; labels in test_labels.npy there).

## Float accuracy

full test set (10 000): {acc_full * 100:.2f} %; first 2000: {acc_sub * 100:.2f} %.
{args.epochs} epochs, Adam + OneCycle (max lr {args.lr}), batch {args.batch}, {args.threads} thread(s), seed {SEED};
took {train_seconds / 60:.1f} min here. PyTorch int8 (PTQ) numbers: see
firmware-samples/models/fashion-dscnn/README.md (written by tools/python/ptq_baseline.py).
"""
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
