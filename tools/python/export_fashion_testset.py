"""Writes the full Fashion-MNIST test set (10 000 images) as .npy files for `tinydsc verify`.

    /usr/bin/python3 tools/python/export_fashion_testset.py OUT_DIR

OUT_DIR receives test_images_full.npy (float32 [10000,1,28,28], this project's normalisation, see
fashion_common.py) and test_labels_full.npy (int64 [10000]). The files are ~31 MB and not committed: the bundled
subset in firmware-samples/models/fashion-dscnn/ holds the first 2000 of them.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from fashion_common import load_split, normalise  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: export_fashion_testset.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    images, labels = load_split("t10k")
    np.save(os.path.join(out, "test_images_full.npy"), normalise(images))
    np.save(os.path.join(out, "test_labels_full.npy"), labels.astype(np.int64))
    print(f"wrote {len(labels)} images and labels to {out}")


if __name__ == "__main__":
    main()
