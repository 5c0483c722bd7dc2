#!/usr/bin/env python3
"""Converts a few of CMSIS-NN's int8 unit-test data sets into tests/fixtures/cmsis-nn/<case>.txt.

CMSIS-NN (https://github.com/ARM-software/CMSIS-NN, Apache-2.0) generates its test data with TensorFlow Lite and
says so in each header. This script copies the numbers unchanged (layouts stay CMSIS-NN's / TFLite's; the tests
rearrange them) and writes the provenance into every fixture: repository, commit, source paths, the generator
line of the headers, and the licence.

    python3 tools/python/import_cmsis_nn.py GIT_DIR [COMMIT]

GIT_DIR is a CMSIS-NN clone (its .git directory or work tree); COMMIT defaults to HEAD. Standard library only.
"""
import os
import re
import subprocess
import sys

DATA = "Tests/UnitTest/TestCases/TestData"
# case -> (kind, what it covers, {canonical name: header file})
CONV_FILES = {"input": "input_data.h", "weights": "weights_data.h", "biases": "biases_data.h",
              "output_mult": "output_mult_data.h", "output_shift": "output_shift_data.h", "output_ref": "output_ref_data.h"}
CASES = {
    "depthwise_kernel_3x3": ("depthwise", "depthwise 3x3, stride 2, pad top 1 (TF SAME: bottom/right pads implied)", CONV_FILES),
    "depthwise_2": ("depthwise", "depthwise 3x4 (kw x kh), depth multiplier 3, stride 2, pad top 1", CONV_FILES),
    "stride2pad1": ("conv", "convolution 3x3, stride 2, pad 1, one input and one output channel", CONV_FILES),
    "kernel1x1": ("conv", "pointwise (1x1) convolution, 19 -> 7 channels, two batches", CONV_FILES),
    "fc_per_ch": ("fully_connected", "fully connected 89 -> 22, per-channel requantization",
                  {"input": "input.h", "weights": "weights.h", "biases": "bias.h", "output_mult": "output_multiplier.h",
                   "output_shift": "output_shift.h", "output_ref": "output.h"}),
    "add": ("add", "element-wise add of two int8 tensors (TFLite add: left shift 20, per-input multipliers)",
            {"input1": "input1_data.h", "input2": "input2_data.h", "output_ref": "output_ref_data.h"}),
}
LAYOUT = {
    "depthwise": "input [N, H, W, IN_CH]; weights [1, FILTER_Y, FILTER_X, OUT_CH] (TFLite depthwise filter), OUT_CH = IN_CH * CH_MULT, "
                 "output channel oc reads input channel oc / CH_MULT; biases, output_mult, output_shift [OUT_CH]; output_ref [N, OUTPUT_H, OUTPUT_W, OUT_CH]",
    "conv": "input [N, H, W, IN_CH]; weights [OUT_CH, FILTER_Y, FILTER_X, IN_CH]; biases, output_mult, output_shift [OUT_CH]; output_ref [N, OUTPUT_H, OUTPUT_W, OUT_CH]",
    "fully_connected": "input [N, ACCUMULATION_DEPTH]; weights [OUT_CH, ACCUMULATION_DEPTH]; biases, output_mult, output_shift [OUT_CH]; output_ref [N, OUT_CH]",
    "add": "input1, input2, output_ref [DST_SIZE]",
}
CONVENTIONS = ("CMSIS-NN conventions: INPUT_OFFSET = -(input zero point), OUTPUT_OFFSET = output zero point, "
               "PAD_X / PAD_Y are the left / top pads (the right / bottom pads are what the output size implies), "
               "multipliers are Q31 with shifts as given (TFLite double rounding), activation min/max clamp the int8 output.")


def show(git_dir, commit, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def array(text):
    m = re.search(r"\b(?:u?int(?:8|16|32|64)_t)\s+\w+\s*\[\s*(\d+)\s*\]\s*=\s*\{([^}]*)\}", text)
    if not m:
        raise SystemExit("no array found")
    values = [int(v) for v in m.group(2).replace("\n", " ").split(",") if v.strip()]
    if len(values) != int(m.group(1)):
        raise SystemExit(f"array length {len(values)} != declared {m.group(1)}")
    return values


def main():
    git_dir = sys.argv[1]
    if os.path.isdir(os.path.join(git_dir, ".git")):
        git_dir = os.path.join(git_dir, ".git")
    commit = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", sys.argv[2] if len(sys.argv) > 2 else "HEAD"],
                            check=True, capture_output=True, text=True).stdout.strip()
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "cmsis-nn")
    for case, (kind, covers, files) in CASES.items():
        config = show(git_dir, commit, f"{DATA}/{case}/config_data.h")
        generator = [l[3:].strip() for l in config.splitlines() if l.startswith("// ")]
        prefix = case.upper() + "_"
        defines = [(m.group(1)[len(prefix):], m.group(2)) for m in re.finditer(r"#define\s+(\w+)\s+(\S+)", config)
                   if m.group(1).startswith(prefix)]
        lines = [
            f"# CMSIS-NN int8 test data '{case}': {covers}.",
            "# Source: https://github.com/ARM-software/CMSIS-NN",
            f"# Commit: {commit}",
            f"# Paths: {DATA}/{case}/config_data.h, " + ", ".join(f"{DATA}/{case}/{f}" for f in files.values()),
            "# Generator (as the headers state): " + " ".join(generator),
            "# Licence: Apache-2.0 (CMSIS-NN, Copyright Arm Limited and/or its affiliates); test data carried with attribution.",
            "# Converted unchanged by tools/python/import_cmsis_nn.py (numbers and layouts as in the headers).",
            f"# Layout: {LAYOUT[kind]}.",
            f"# {CONVENTIONS}",
            f"kind = {kind}",
        ]
        lines += [f"{name} = {value}" for name, value in defines]
        for name, header in files.items():
            values = array(show(git_dir, commit, f"{DATA}/{case}/{header}"))
            lines.append(f"{name} = " + " ".join(str(v) for v in values))
        with open(os.path.join(out_dir, case + ".txt"), "w", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{case}: {len(lines)} lines")


if __name__ == "__main__":
    main()
