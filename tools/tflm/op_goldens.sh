#!/usr/bin/env bash
# Regenerates the TFLM goldens of tests/fixtures/tflite-ops/* (small .tflite files for HARD_SWISH, LOGISTIC, MUL and
# CONCATENATION, built by tests/TinyDsc.Converter.Tests/Import/Tflite/TfliteOpFixtures.cs): runs TFLM's reference
# interpreter (tools/tflm/build.sh) on each fixture's inputs.bin and writes
#   golden_tflm_output.bin  the model's output, one row per input
#   tflm.txt                arena_used_bytes and the tflite-micro commit the runner was built from
#
#   TINYDSC_WRITE_TFLITE_OP_FIXTURES=1 dotnet test tests/TinyDsc.Converter.Tests -c Release --filter FullyQualifiedName~CommittedFilesAreWhatTheBuilderWrites
#   TINYDSC_TFLM_RUNNER=/path/to/tflm_runner TFLM_DIR=/path/to/tflite-micro tools/tflm/op_goldens.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../tests/fixtures/tflite-ops"
runner="${TINYDSC_TFLM_RUNNER:-$HOME/.cache/tinydsc-tflm/tflm_runner}"
[ -x "$runner" ] || { echo "op_goldens.sh: no TFLM runner at $runner (build it with tools/tflm/build.sh)" >&2; exit 1; }
commit="unknown"
if [ -n "${TFLM_DIR:-}" ] && git -C "$TFLM_DIR" rev-parse HEAD > /dev/null 2>&1; then commit="$(git -C "$TFLM_DIR" rev-parse HEAD)"; fi
commit="${TFLM_COMMIT:-$commit}"
for dir in "$fixtures"/*/; do
  name="$(basename "$dir")"
  out="$("$runner" "$dir/model.tflite" "$dir/inputs.bin" "$dir/golden_tflm_output.bin")"
  {
    echo "# Written by tools/tflm/op_goldens.sh: TFLM reference interpreter (tools/tflm/tflm_runner.cc), tflite-micro $commit"
    echo "$out"
  } > "$dir/tflm.txt"
  echo "$name: $out"
done
