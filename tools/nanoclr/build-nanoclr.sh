#!/usr/bin/env bash
# Builds nanoCLR's Linux host (nf-interpreter targets/posix) from a checkout the user points to, into
# $TINYDSC_NANOCLR_HOME/nanoclr. Nothing of nf-interpreter is copied into this repository; the checkout is not modified.
#
#   TINYDSC_NF_INTERPRETER  path of an nf-interpreter checkout (git clone https://github.com/nanoframework/nf-interpreter)
#   TINYDSC_NANOCLR_HOME    output folder, outside this repository (default: $HOME/.tinydsc-nanoclr)
#
# Build-time adaptation (the only one): the heap-statistics build. The compiler is given
#   -DNANOCLR_GC_VERBOSE -DNANOCLR_TRACE_MEMORY_STATS
# so that every garbage collection prints "GC: Nmsec X bytes used, Y bytes available" and the live heap by data type
# (nanoCLR's own diagnostic code, compiled out of release firmware). The device lane forces a collection at each stage
# it measures and reads these lines. Needs cmake ≥ 3.24, ninja and a C++20 compiler (Debian: cmake ninja-build g++).
set -euo pipefail

src="${TINYDSC_NF_INTERPRETER:?set TINYDSC_NF_INTERPRETER to an nf-interpreter checkout}"
home="${TINYDSC_NANOCLR_HOME:-$HOME/.tinydsc-nanoclr}"
[ -f "$src/targets/posix/CMakeLists.txt" ] || { echo "error: $src has no targets/posix/CMakeLists.txt (nf-interpreter with the posix host target needed)" >&2; exit 1; }
for tool in cmake ninja c++; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (Debian: apt-get install -y cmake ninja-build g++)" >&2; exit 1; }
done

build="$home/nanoclr/build"
mkdir -p "$build"
cmake -S "$src/targets/posix" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="-DNANOCLR_GC_VERBOSE -DNANOCLR_TRACE_MEMORY_STATS" \
  -DCMAKE_CXX_FLAGS="-DNANOCLR_GC_VERBOSE -DNANOCLR_TRACE_MEMORY_STATS"
cmake --build "$build" -j "${TINYDSC_BUILD_JOBS:-1}"

exe="$build/bin/nanoFramework.nanoCLR.test"
[ -x "$exe" ] || { echo "error: build finished without $exe" >&2; exit 1; }
ln -sf "$exe" "$home/nanoclr/nanoclr"
{
  echo "nf-interpreter $(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "flags -DNANOCLR_GC_VERBOSE -DNANOCLR_TRACE_MEMORY_STATS"
} > "$home/nanoclr/VERSION"
echo "nanoCLR: $home/nanoclr/nanoclr"
