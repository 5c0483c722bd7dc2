"""PyTorch's own int8 post-training static quantization of TinyDsc's Fashion-MNIST models: the baseline the
project's int8 path has to match.

Run from the repository root after train_fashion.py:
    /usr/bin/python3 tools/python/ptq_baseline.py
    /usr/bin/python3 tools/python/ptq_baseline.py --no-readme     # print only

For each trained model found (firmware-samples/models/fashion-dscnn, tests/fixtures/models/mbv2-fashion) it
  - loads model_state.pt into the float model (tools/python/fashion_common.py),
  - quantizes it with torch.ao.quantization FX graph mode (prepare_fx / convert_fx; Conv+BN+ReLU6 fused the way
    PyTorch's backend config fuses them), backend qnnpack,
    weights int8 symmetric per output channel in [-127, 127] (like TinyDsc's scheme),
    activations uint8 asymmetric per tensor (MinMax observer; a Histogram observer row is added for comparison),
  - calibrates on the model folder's calibration.npy (300 normalised training images),
  - reports top-1 accuracy of float and int8 on the full 10 000-image Fashion-MNIST test set and on the first 2000,
    plus int8-vs-float top-1 agreement,
and writes the table into firmware-samples/models/fashion-dscnn/README.md between the ptq-baseline markers.
Deterministic: one thread, fixed inputs, no randomness.
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
BACKEND = "qnnpack"

WEIGHT_OBS = PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                                quant_min=-127, quant_max=127)
QCONFIGS = {
    "minmax": QConfig(activation=MinMaxObserver.with_args(dtype=torch.quint8, qscheme=torch.per_tensor_affine,
                                                          reduce_range=False),
                      weight=WEIGHT_OBS),
    "histogram": QConfig(activation=HistogramObserver.with_args(dtype=torch.quint8, qscheme=torch.per_tensor_affine,
                                                                reduce_range=False),
                         weight=WEIGHT_OBS),
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
        f"PyTorch {torch.__version__.split('+')[0]} post-training static quantization (FX graph mode, backend "
        f"`{BACKEND}`): weights int8 symmetric per output channel [-127, 127], activations uint8 per tensor "
        "(asymmetric), calibrated on `calibration.npy` (300 training images). Accuracy is top-1 on the Fashion-MNIST "
        "test set; agreement = int8 top-1 equals float top-1 (full test set); SQNR of int8 vs float logits (full test "
        "set). Regenerate with `/usr/bin/python3 tools/python/ptq_baseline.py`.",
        "",
        "| model | params | float 10k | int8 MinMax 10k | int8 Histogram 10k | float 2000 | int8 MinMax 2000 | "
        "int8 Histogram 2000 | agreement MinMax / Hist. | SQNR dB MinMax / Hist. |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['params']} | {r['float_full'] * 100:.2f} % | {r['minmax_full'] * 100:.2f} % | "
            f"{r['histogram_full'] * 100:.2f} % | {r['float_2000'] * 100:.2f} % | {r['minmax_2000'] * 100:.2f} % | "
            f"{r['histogram_2000'] * 100:.2f} % | {r['minmax_agree'] * 100:.2f} % / {r['histogram_agree'] * 100:.2f} % | "
            f"{r['minmax_sqnr']:.1f} / {r['histogram_sqnr']:.1f} |")
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
