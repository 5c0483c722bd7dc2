#!/usr/bin/env bash
# Interpreter cost of the convolution kernels and of the bundled model, two ways (see runtime/README.md "Cost"):
#  1. exact IL instructions executed per MAC (IlCounter interprets the kernels' IL and counts);
#  2. wall time per MAC under `mono --interpreter` (no JIT, a stand-in for nanoCLR) of the same kernels compiled
#     against nanoFramework's mscorlib. Wall time on a shared machine is noisy: compare ratios, not absolutes.
# Both for single layer shapes (the kernels alone) and for every operator of the bundled fashion-dscnn model (whole
# inference: Interpreter.Invoke, and every convolution on Conv2DReference).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tools/TinyDsc.Benchmarks -c Release -v quiet -nologo >/dev/null
dotnet run --project tools/TinyDsc.Benchmarks -c Release --no-build -- ilcount
echo
dotnet run --project tools/TinyDsc.Benchmarks -c Release --no-build -- ilcount-model
echo
dotnet build tools/TinyDsc.Benchmarks/MonoIlCost -c Release -v quiet -nologo >/dev/null
mono --interpreter tools/TinyDsc.Benchmarks/MonoIlCost/bin/Release/netstandard2.0/TinyDsc.MonoIlCost.dll
echo
mono --interpreter tools/TinyDsc.Benchmarks/MonoIlCost/bin/Release/netstandard2.0/TinyDsc.MonoIlCost.dll model
