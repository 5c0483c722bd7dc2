#!/usr/bin/env bash
# Interpreter cost of the convolution kernels, two ways (see runtime/README.md):
#  1. exact IL instructions executed per MAC (IlCounter interprets the kernels' IL and counts);
#  2. wall time per MAC under `mono --interpreter` (no JIT, a stand-in for nanoCLR) of the same kernels compiled
#     against nanoFramework's mscorlib. Wall time on a shared machine is noisy: compare ratios, not absolutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tools/TinyDsc.Benchmarks -c Release -v quiet -nologo >/dev/null
dotnet run --project tools/TinyDsc.Benchmarks -c Release --no-build -- ilcount
echo
dotnet build tools/TinyDsc.Benchmarks/MonoIlCost -c Release -v quiet -nologo >/dev/null
mono --interpreter tools/TinyDsc.Benchmarks/MonoIlCost/bin/Release/netstandard2.0/TinyDsc.MonoIlCost.dll
