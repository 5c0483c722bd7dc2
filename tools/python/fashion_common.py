"""Shared pieces of TinyDsc's Fashion-MNIST scripts: data loading, normalisation, the sample models.

Used by train_fashion.py and ptq_baseline.py (not run on its own).

Input normalisation used everywhere in this project for Fashion-MNIST:
    x = (pixel / 255 - 0.2860) / 0.3530        float32, NCHW, shape [N, 1, 28, 28]
"""
import gzip
import os

import numpy as np
import torch
import torch.nn as nn

DATA_DIR = "/usr/share/datasets/fashion-mnist"
MEAN = 0.2860
STD = 0.3530
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(split):
    """Returns (images uint8 [N,28,28], labels int64 [N]) for split 'train' or 't10k'."""
    images = _read_idx(os.path.join(DATA_DIR, f"{split}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(DATA_DIR, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    return images, labels


def normalise(images_u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28] with this project's normalisation."""
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return x[:, None, :, :].astype(np.float32)


def setup_determinism(seed, threads=1):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False


def conv_bn_relu6(cin, cout, k=3, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(inplace=False),
    )


class DSBlock(nn.Module):
    """Depthwise 3x3 (depth multiplier K: cin -> K*cin, groups=cin) + BN + ReLU6, pointwise 1x1 + BN + ReLU6."""

    def __init__(self, cin, cout, stride=1, multiplier=1):
        super().__init__()
        self.dw = conv_bn_relu6(cin, cin * multiplier, 3, stride, groups=cin)
        self.pw = conv_bn_relu6(cin * multiplier, cout, 1)

    def forward(self, x):
        return self.pw(self.dw(x))


class FashionDSCNN(nn.Module):
    """Depthwise-separable CNN for 28x28x1 Fashion-MNIST (about 37k parameters).

    stem 3x3 conv 1->16 (28x28)
    b1  dw 3x3 stride 2, multiplier 2 (16->32) + pw 32->32   (14x14)
    b2  dw 3x3 + pw 32->64                                   (14x14)
    b3  dw 3x3 stride 2 + pw 64->96                          (7x7)
    b4  dw 3x3 + pw 96->96                                   (7x7)
    b5  dw 3x3 + pw 96->128                                  (7x7)
    global average pool, flatten, Linear 128->10
    """

    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = conv_bn_relu6(1, 16, 3, 1)
        self.blocks = nn.Sequential(
            DSBlock(16, 32, stride=2, multiplier=2),
            DSBlock(32, 64),
            DSBlock(64, 96, stride=2),
            DSBlock(96, 96),
            DSBlock(96, 128),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(self.flatten(self.pool(x)))


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand + BN + ReLU6 -> dw 3x3 + BN + ReLU6 -> 1x1 project + BN (+ residual add)."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        layers = []
        if expand != 1:
            layers.append(conv_bn_relu6(cin, hidden, 1))
        layers += [
            conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res:
            return x + self.conv(x)
        return self.conv(x)


class FashionMBV2(nn.Module):
    """Small MobileNetV2-style net for 28x28x1: inverted residual blocks (expansion 4), three residual adds.

    stem 3x3 conv 1->8 (28x28)
    IR(8->16, stride 2, t=1)  14x14      IR(16->16, t=4) + add
    IR(16->24, stride 2, t=4) 7x7        IR(24->24, t=4) + add
    IR(24->32, t=4)                      IR(32->32, t=4) + add
    1x1 conv 32->96, global average pool, flatten, Linear 96->10
    """

    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = conv_bn_relu6(1, 8, 3, 1)
        self.blocks = nn.Sequential(
            InvertedResidual(8, 16, 2, 1),
            InvertedResidual(16, 16, 1, 4),
            InvertedResidual(16, 24, 2, 4),
            InvertedResidual(24, 24, 1, 4),
            InvertedResidual(24, 32, 1, 4),
            InvertedResidual(32, 32, 1, 4),
        )
        self.head = conv_bn_relu6(32, 96, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(96, num_classes)

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.fc(self.flatten(self.pool(x)))


ARCHS = {"dscnn": FashionDSCNN, "mbv2": FashionMBV2}


def count_params(model):
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def predict(model, x, batch=500):
    """Float logits for a float32 numpy array x [N,1,28,28]."""
    model.eval()
    outs = []
    for i in range(0, len(x), batch):
        outs.append(model(torch.from_numpy(x[i:i + batch])))
    return torch.cat(outs).numpy()


def accuracy(logits, labels):
    return float((np.argmax(logits, axis=1) == labels).mean())
