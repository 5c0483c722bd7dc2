#!/usr/bin/env python3
"""Writes the int8 inputs of the .tflite fixtures (tests/fixtures/tflite/*/inputs.bin), standard library only.

person_detect: TFLM's own test images (testdata/person.bmp, no_person.bmp: 96x96 8-bit BMP). TFLM's test feeds the
  bytes that PIL's Image.tobytes() gives for them (pixel values, rows top to bottom) memcpy'd into the int8 input,
  i.e. each pixel value v in 0..255 read as the int8 (v - 256 if v > 127). inputs.bin = person, then no_person.
kws_ref_model: first MLPerf Tiny's own sample input (MFCC features, int8), g_kws_inputs[0] of
  benchmark/reference_submissions/keyword_spotting/kws/kws_input_data.cc (give that file as the first argument;
  without it the committed first input is kept), then 3 inputs drawn uniformly from -128..127.
vww_96_int8: 2 inputs drawn uniformly from -128..127.
Random inputs come from random.Random(seed), seeds below.
"""
import os
import random
import re
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
    kws = os.path.join(ROOT, "kws_ref_model", "inputs.bin")
    if len(sys.argv) > 1:
        text = open(sys.argv[1]).read()
        body = text[text.index("g_kws_inputs"):]
        values = [int(v) for v in re.findall(r"-?\d+", body[body.index("{"):])][: 49 * 10]
        first = bytes(v & 0xFF for v in values)
    else:
        first = open(kws, "rb").read()[: 49 * 10]
    if len(first) != 49 * 10:
        sys.exit("the KWS sample input must hold 490 values")
    for name, size, count, seed, head in (("kws_ref_model", 49 * 10 * 1, 3, 15, first), ("vww_96_int8", 96 * 96 * 3, 2, 16, b"")):
        rng = random.Random(seed)
        data = head + bytes(rng.randrange(256) for _ in range(count * size))
        with open(os.path.join(ROOT, name, "inputs.bin"), "wb") as f:
            f.write(data)
    print("wrote inputs.bin for person_detect, kws_ref_model, vww_96_int8")


if __name__ == "__main__":
    main()
