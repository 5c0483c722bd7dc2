#!/usr/bin/env python3
"""Writes the int8 inputs of the .tflite fixtures (tests/fixtures/tflite/*/inputs.bin), standard library only.

person_detect: TFLM's own test images (testdata/person.bmp, no_person.bmp: 96x96 8-bit BMP). TFLM's test feeds the
  bytes that PIL's Image.tobytes() gives for them (pixel values, rows top to bottom) memcpy'd into the int8 input,
  i.e. each pixel value v in 0..255 read as the int8 (v - 256 if v > 127). inputs.bin = person, then no_person.
kws_ref_model, vww_96_int8: inputs drawn uniformly from -128..127 with random.Random(seed) (seeds below): 4 for KWS, 2 for VWW.
"""
import os
import random
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "tflite")


def bmp_pixels(path):
    data = open(path, "rb").read()
    if data[:2] != b"BM":
        sys.exit(f"{path}: not a BMP")
    offset, = struct.unpack_from("<I", data, 10)
    width, height, planes, bits = struct.unpack_from("<iiHH", data, 18)
    if bits != 8 or width != 96 or abs(height) != 96:
        sys.exit(f"{path}: expected a 96x96 8-bit BMP, got {width}x{height}x{bits}")
    stride = (width + 3) & ~3
    rows = [data[offset + r * stride: offset + r * stride + width] for r in range(abs(height))]
    if height > 0:  # bottom-up storage: the first stored row is the bottom one
        rows.reverse()
    return b"".join(rows)


def main():
    pd = os.path.join(ROOT, "person_detect")
    with open(os.path.join(pd, "inputs.bin"), "wb") as f:
        f.write(bmp_pixels(os.path.join(pd, "person.bmp")))
        f.write(bmp_pixels(os.path.join(pd, "no_person.bmp")))
    for name, size, count, seed in (("kws_ref_model", 49 * 10 * 1, 4, 15), ("vww_96_int8", 96 * 96 * 3, 2, 16)):
        rng = random.Random(seed)
        with open(os.path.join(ROOT, name, "inputs.bin"), "wb") as f:
            f.write(bytes(rng.randrange(256) for _ in range(count * size)))
    print("wrote inputs.bin for person_detect, kws_ref_model, vww_96_int8")


if __name__ == "__main__":
    main()
