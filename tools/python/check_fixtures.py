"""Independent check of TinyDsc's ONNX fixtures: evaluates every tests/fixtures/onnx/<case>/model.onnx with a small
NumPy interpreter (written from the ONNX operator specs, float64) on input.npy and compares with output.npy
(PyTorch's output). It confirms that each exported graph means what PyTorch computed, since no ONNX runtime is
installed on the Python side.

Run from the repository root:
    /usr/bin/python3 tools/python/check_fixtures.py [FIXTURE_ROOT]
Exit code 1 if any case differs by more than 1e-4 (absolute, relative to max(1, |y|)).
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    g = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    assert c == cg * g and m % g == 0, f"groups={g} does not fit x {x.shape} w {w.shape}"
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // g
    for gi in range(g):
        xs = xp[:, gi * cg:(gi + 1) * cg]
        for ky in range(kh):
            for kx in range(kw):
                patch = xs[:, :, ky * dh: ky * dh + sh * (oh - 1) + 1: sh, kx * dw: kx * dw + sw * (ow - 1) + 1: sw]
                wk = w[gi * mg:(gi + 1) * mg, :, ky, kx]            # mg, cg
                y[:, gi * mg:(gi + 1) * mg] += np.einsum("ncyx,mc->nmyx", patch, wk)
    if b is not None:
        y += b[None, :, None, None]
    return y


def pool(x, a, kind):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    assert not a.get("ceil_mode", 0)
    n, c, h, w = x.shape
    oh = (h + pt + pb - kh) // sh + 1
    ow = (w + pl + pr - kw) // sw + 1
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=fill)
    ones = np.pad(np.ones((h, w)), ((pt, pb), (pl, pr)))
    y = np.zeros((n, c, oh, ow))
    for oy in range(oh):
        for ox in range(ow):
            win = xp[:, :, oy * sh:oy * sh + kh, ox * sw:ox * sw + kw]
            if kind == "max":
                y[:, :, oy, ox] = win.max(axis=(2, 3))
            else:
                cnt = kh * kw if a.get("count_include_pad", 0) else ones[oy * sh:oy * sh + kh, ox * sw:ox * sw + kw].sum()
                y[:, :, oy, ox] = win.sum(axis=(2, 3)) / cnt
    return y


def run(model, x):
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) if t.data_type == 1 else numpy_helper.to_array(t)
           for t in g.initializer}
    env[g.input[0].name] = x.astype(np.float64)
    for node in g.node:
        a = attrs(node)
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            t = numpy_helper.to_array(a["value"])
            r = t.astype(np.float64) if t.dtype == np.float32 else t
        elif op == "Conv":
            r = conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "BatchNormalization":
            xx, s, bb, mean, var = i[:5]
            sh = (1, -1, 1, 1)
            r = (xx - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + a.get("epsilon", 1e-5)) * s.reshape(sh) + bb.reshape(sh)
        elif op == "Relu":
            r = np.maximum(i[0], 0)
        elif op == "Clip":
            lo = i[1] if len(i) > 1 and i[1] is not None else a.get("min", -np.inf)
            hi = i[2] if len(i) > 2 and i[2] is not None else a.get("max", np.inf)
            r = np.clip(i[0], lo, hi)
        elif op == "Add":
            r = i[0] + i[1]
        elif op == "Sub":
            r = i[0] - i[1]
        elif op == "Mul":
            r = i[0] * i[1]
        elif op == "Shape":
            r = np.array(i[0].shape, dtype=np.int64)
        elif op == "Gather":
            r = np.take(i[0], i[1], axis=a.get("axis", 0))
        elif op == "Cast":
            r = i[0].astype({1: np.float64, 6: np.int32, 7: np.int64}[a["to"]])
        elif op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            r = np.full(tuple(i[0]), v.reshape(-1)[0], dtype=v.dtype)
        elif op == "Concat":
            r = np.concatenate(i, axis=a["axis"])
        elif op == "Reshape":
            shape = [d if d != 0 else i[0].shape[k] for k, d in enumerate(i[1])]
            r = i[0].reshape(shape)
        elif op == "Unsqueeze":
            axes = a["axes"] if "axes" in a else list(i[1])
            r = i[0]
            for ax in sorted(axes):
                r = np.expand_dims(r, ax)
        elif op == "Slice":
            data, starts, ends = i[0], i[1], i[2]
            axes = i[3] if len(i) > 3 and i[3] is not None else range(len(starts))
            steps = i[4] if len(i) > 4 and i[4] is not None else [1] * len(starts)
            sl = [slice(None)] * data.ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                big = np.iinfo(np.int64).max
                e = None if (st < 0 and e <= -big // 2) else (None if e >= big // 2 else e)
                sl[ax] = slice(int(s), e if e is None else int(e), int(st))
            r = data[tuple(sl)]
        elif op == "Transpose":
            r = np.transpose(i[0], a.get("perm"))
        elif op == "Pad":
            pads = a["pads"] if "pads" in a else list(i[1])
            mode = a.get("mode", b"constant")
            assert mode in (b"constant", "constant")
            val = a.get("value", 0.0) if "pads" in a else (float(i[2]) if len(i) > 2 and i[2] is not None else 0.0)
            nd = i[0].ndim
            r = np.pad(i[0], [(pads[k], pads[k + nd]) for k in range(nd)], constant_values=val)
        elif op == "AveragePool":
            r = pool(i[0], a, "avg")
        elif op == "MaxPool":
            r = pool(i[0], a, "max")
        elif op == "GlobalAveragePool":
            r = i[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            r = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Gemm":
            aa = i[0].T if a.get("transA", 0) else i[0]
            bb = i[1].T if a.get("transB", 0) else i[1]
            r = a.get("alpha", 1.0) * aa @ bb + (a.get("beta", 1.0) * i[2] if len(i) > 2 else 0)
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(i[0] - i[0].max(axis=ax, keepdims=True))
            r = e / e.sum(axis=ax, keepdims=True)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = r
    return env[g.output[0].name]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO_ROOT, "tests", "fixtures", "onnx")
    bad = 0
    for case in sorted(os.listdir(root)):
        d = os.path.join(root, case)
        if not os.path.isdir(d):
            continue
        m = onnx.load(os.path.join(d, "model.onnx"))
        x = np.load(os.path.join(d, "input.npy"))
        y = np.load(os.path.join(d, "output.npy"))
        assert x.dtype == np.float32 and y.dtype == np.float32 and x.shape[0] in (2, 3)
        r = run(m, x)
        err = float(np.max(np.abs(r - y) / np.maximum(1.0, np.abs(y))))
        ok = r.shape == y.shape and err < 1e-4
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {case:28s} {str(y.shape):18s} max err {err:.2e}")
    print("all fixtures agree with the NumPy interpreter" if not bad else f"{bad} fixture(s) differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
