#!/usr/bin/env bash
# Compiles Stubs/*.cpp against an nf-interpreter checkout's headers (posix target, syntax only): the check that the
# glue uses nanoCLR's interop API correctly, without building a firmware.
#   runtime/TinyDsc.Runtime.Native/check-stubs.sh /path/to/nf-interpreter
set -euo pipefail
nf="${1:?usage: check-stubs.sh NF_INTERPRETER_CHECKOUT}"
here="$(cd "$(dirname "$0")" && pwd)"
for f in "$here"/Stubs/*.cpp; do
    g++ -std=c++14 -fsyntax-only -w \
        -I"$nf/targets/posix/Include" -I"$nf/targets/posix" -I"$nf/src/CLR/Include" -I"$nf/src/HAL/Include" \
        -I"$nf/src/PAL/Include" -I"$nf/src/CLR/Core" -I"$here/../native/include" "$f"
    echo "ok: $(basename "$f")"
done
