"""PyTorch's own int8 post-training static quantization of TinyDsc's Fashion-MNIST models: the baseline the
project's int8 path has to match.

Run from the repository root after train_fashion.py:
    /usr/bin/python3 tools/python/ptq_baseline.py
    /usr/bin/python3 tools/python/ptq_baseline.py --no-readme     # print only

For each trained model found (firmware-samples/models/fashion-dscnn, tests/fixtures/models/mbv2-fashion) it
  - loads model_state.pt into the float model (tools/python/fashion_common.py),
  - quantizes it with torch.ao.quantization FX graph mode (prepare_fx / convert_fx; Conv+BN+ReLU6 fused the way
    PyTorch's backend config fuses them; ReLU6 stays a separate quantized op on the conv's output scale), backend
    onednn, weights int8 symmetric per output channel in [-127, 127] (like TinyDsc's scheme), activations uint8
    asymmetric per tensor, full 8-bit range (MinMax observer; a Histogram-observer row and a per-tensor-weight row
    are added for comparison),
  - calibrates on the model folder's calibration.npy (300 normalised training images),
  - reports top-1 accuracy of float and int8 on the full 10 000-image Fashion-MNIST test set and on the first 2000,
    plus int8-vs-float top-1 agreement,
and writes the table into firmware-samples/models/fashion-dscnn/README.md between the ptq-baseline markers.
Deterministic: one thread, fixed inputs, no randomness.

Backend note: this build of torch 1.13 (Debian python3-torch) offers the qnnpack, onednn and none engines (no fbgemm).
Under qnnpack the quantized ReLU6 is broken (a single Conv 1x1 + ReLU6 gives SQNR about -1 dB against float, and
both models fall to about 10 % accuracy, with PyTorch's default qnnpack qconfig too), so onednn is used. The CPU here
has AVX512-VNNI, so onednn's u8 x s8 products do not saturate and reduce_range is not needed.
"""
import argparse
import copy
import os

import numpy as np
import torch
from torch.ao.quantization import QConfig, QConfigMapping
from torch.ao.quantization.observer import HistogramObserver, MinMaxObserver, PerChannelMinMaxObserver
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

import fashion_common as fc

MODELS = [
    ("fashion-dscnn", "dscnn", os.path.join(fc.REPO_ROOT, "firmware-samples", "models", "fashion-dscnn")),
    ("mbv2-fashion", "mbv2", os.path.join(fc.REPO_ROOT, "tests", "fixtures", "models", "mbv2-fashion")),
]
BACKEND = "onednn"

WEIGHT_OBS = PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                                quant_min=-127, quant_max=127)
ACT_MINMAX = MinMaxObserver.with_args(dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False)
QCONFIGS = {
    "minmax": QConfig(activation=ACT_MINMAX, weight=WEIGHT_OBS),
    "histogram": QConfig(activation=HistogramObserver.with_args(dtype=torch.quint8, qscheme=torch.per_tensor_affine,
                                                                reduce_range=False),
                         weight=WEIGHT_OBS),
    "pertensor": QConfig(activation=ACT_MINMAX,
                         weight=MinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric,
                                                         quant_min=-127, quant_max=127)),
}
CONFIG_LABELS = {
    "minmax": "int8, per-channel weights, MinMax activations (TinyDsc-like)",
    "histogram": "int8, per-channel weights, Histogram activations",
    "pertensor": "int8, per-tensor weights, MinMax activations",
}


def quantize(model_fp, calib, qconfig):
    torch.backends.quantized.engine = BACKEND
    model = copy.deepcopy(model_fp).eval()
    mapping = QConfigMapping().set_global(qconfig)
    example = (torch.from_numpy(calib[:1]),)
    prepared = prepare_fx(model, mapping, example)
    with torch.no_grad():
        for i in range(0, len(calib), 50):
            prepared(torch.from_numpy(calib[i:i + 50]))
    return convert_fx(prepared)


def depthwise_weight_spread(model):
    """Largest ratio, over depthwise convs, of the biggest to the smallest per-channel max |w| after BN folding."""
    worst = 0.0
    mods = list(model.modules())
    for a, b in zip(mods, mods[1:]):
        if isinstance(a, torch.nn.Conv2d) and isinstance(b, torch.nn.BatchNorm2d) and a.groups > 1:
            scale = b.weight / torch.sqrt(b.running_var + b.eps)
            r = (a.weight * scale[:, None, None, None]).detach().abs().flatten(1).max(1).values
            worst = max(worst, float(r.max() / r.min()))
    return worst


def evaluate(name, arch, folder, x_test, y_test):
    state = os.path.join(folder, "model_state.pt")
    if not os.path.exists(state):
        print(f"{name}: {state} not found, skipped")
        return None
    model = fc.ARCHS[arch]()
    model.load_state_dict(torch.load(state, map_location="cpu"))
    model.eval()
    calib = np.load(os.path.join(folder, "calibration.npy"))
    fl = fc.predict(model, x_test)
    row = {"name": name, "params": fc.count_params(model),
           "dw_spread": depthwise_weight_spread(model),
           "float_full": fc.accuracy(fl, y_test), "float_2000": fc.accuracy(fl[:2000], y_test[:2000])}
    for obs, qconfig in QCONFIGS.items():
        qm = quantize(model, calib, qconfig)
        ql = fc.predict(qm, x_test)
        row[f"{obs}_full"] = fc.accuracy(ql, y_test)
        row[f"{obs}_2000"] = fc.accuracy(ql[:2000], y_test[:2000])
        row[f"{obs}_agree"] = float((ql.argmax(1) == fl.argmax(1)).mean())
        err = ql - fl
        row[f"{obs}_sqnr"] = float(10 * np.log10((fl ** 2).sum() / max((err ** 2).sum(), 1e-30)))
    return row


def table(rows):
    lines = [
        f"PyTorch {torch.__version__.split('+')[0]} post-training static quantization (torch.ao.quantization FX graph "
        f"mode, backend `{BACKEND}`): weights int8 symmetric [-127, 127], activations uint8 per tensor (asymmetric), "
        "calibrated on `calibration.npy` (300 training images), BN folded into the convs. Accuracy is top-1 on the "
        "Fashion-MNIST test set. Agreement: int8 top-1 equals float top-1; SQNR of int8 vs float logits (both over "
        "the full test set). Regenerate with `/usr/bin/python3 tools/python/ptq_baseline.py`.",
        "",
        "| model | params | variant | acc. full 10k | acc. first 2000 | agreement with float | SQNR dB |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['params']} | float (PyTorch) | {r['float_full'] * 100:.2f} % | "
                     f"{r['float_2000'] * 100:.2f} % | | |")
        for k, label in CONFIG_LABELS.items():
            lines.append(f"| {r['name']} | {r['params']} | {label} | {r[k + '_full'] * 100:.2f} % | "
                         f"{r[k + '_2000'] * 100:.2f} % | {r[k + '_agree'] * 100:.2f} % | {r[k + '_sqnr']:.1f} |")
    lines += [
        "",
        "The baseline to match is the per-channel MinMax row. PyTorch keeps ReLU6 as a separate op that reuses the "
        "conv output's scale (the conv's range includes negatives), whereas TinyDsc fuses the activation into the "
        "conv's output range as TFLite does, so TinyDsc is expected to do at least as well. The per-tensor row shows why "
        "per-channel weights matter: after BN folding, a depthwise layer's per-channel weight ranges differ by "
        "a factor of up to " + ", ".join(f"{r['dw_spread']:.0f} ({r['name']})" for r in rows) + " between channels.",
    ]
    return "\n".join(lines)


def update_readme(path, text):
    begin, end = "<!-- ptq-baseline:begin -->", "<!-- ptq-baseline:end -->"
    old = open(path).read()
    b, e = old.find(begin), old.find(end)
    if b < 0 or e < b:
        print(f"markers not found in {path}; README not updated")
        return
    open(path, "w").write(old[:b] + begin + "\n" + text + "\n" + old[e:])
    print(f"updated {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-readme", action="store_true")
    ap.add_argument("--dscnn-dir", default=MODELS[0][2])
    ap.add_argument("--mbv2-dir", default=MODELS[1][2])
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    te_img, te_lab = fc.load_split("t10k")
    x_test = fc.normalise(te_img)
    rows = []
    for (name, arch, _), folder in zip(MODELS, [args.dscnn_dir, args.mbv2_dir]):
        r = evaluate(name, arch, folder, x_test, te_lab)
        if r:
            rows.append(r)
    t = table(rows)
    print(t)
    if not args.no_readme and rows:
        update_readme(os.path.join(args.dscnn_dir, "README.md"), t)


if __name__ == "__main__":
    main()
