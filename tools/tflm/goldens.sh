#!/usr/bin/env bash
# Regenerates the TFLM goldens of tests/fixtures/tflite/*: runs TFLM's reference interpreter (tools/tflm/build.sh)
# on each fixture's inputs.bin and writes
#   golden_tflm_output.bin  the model's own output (after SOFTMAX), one row per input
#   golden_tflm_logits.bin  the tensor TinyDsc converts as its output (the SOFTMAX input), through --tensor
#   tflm.txt                arena_used_bytes and the tflite-micro commit the runner was built from
#
#   TINYDSC_TFLM_RUNNER=/path/to/tflm_runner TFLM_DIR=/path/to/tflite-micro tools/tflm/goldens.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../tests/fixtures/tflite"
runner="${TINYDSC_TFLM_RUNNER:-$HOME/.cache/tinydsc-tflm/tflm_runner}"
[ -x "$runner" ] || { echo "goldens.sh: no TFLM runner at $runner (build it with tools/tflm/build.sh)" >&2; exit 1; }
commit="unknown"
if [ -n "${TFLM_DIR:-}" ] && git -C "$TFLM_DIR" rev-parse HEAD > /dev/null 2>&1; then commit="$(git -C "$TFLM_DIR" rev-parse HEAD)"; fi
commit="${TFLM_COMMIT:-$commit}"
# fixture : .tflite tensor index of the SOFTMAX input (TfliteFixtures.Logits names the same tensors)
for entry in person_detect:31 kws_ref_model:33 vww_96_int8:87; do
  name="${entry%%:*}"; tensor="${entry##*:}"; dir="$fixtures/$name"
  out="$("$runner" "$dir/model.tflite" "$dir/inputs.bin" "$dir/golden_tflm_output.bin")"
  "$runner" "$dir/model.tflite" "$dir/inputs.bin" "$dir/golden_tflm_logits.bin" --tensor "$tensor" > /dev/null
  {
    echo "# Written by tools/tflm/goldens.sh: TFLM reference interpreter (tools/tflm/tflm_runner.cc), tflite-micro $commit"
    echo "$out"
  } > "$dir/tflm.txt"
  echo "$name: $out"
done
