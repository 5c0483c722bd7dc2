using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Benchmarks;

/// <summary>
/// Specialised vs reference convolutions on layer shapes of the sample DS-CNN (desktop JIT timings; the device-like
/// figure is the IL count and the mono --interpreter timing, see ilcost.sh). Short job: the machine is shared.
/// Run: dotnet run --project tools/TinyDsc.Benchmarks -c Release -- --filter '*KernelBenchmarks*'
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private Layer _dw14 = null!;
    private Layer _dw28s2 = null!;
    private Layer _pw14 = null!;
    private Layer _stem = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dw14 = Layer.Create(14, 14, 32, 32, 3, 1, 1, 32);
        _dw28s2 = Layer.Create(28, 28, 8, 8, 3, 2, 1, 8);
        _pw14 = Layer.Create(14, 14, 32, 64, 1, 1, 0, 1);
        _stem = Layer.Create(28, 28, 1, 8, 3, 2, 1, 1);
    }

    [Benchmark(Description = "dw3x3 14x14x32 s1 reference")]
    public void Dw14Reference() => _dw14.Reference();

    [Benchmark(Description = "dw3x3 14x14x32 s1 specialised")]
    public void Dw14Specialised() => _dw14.Depthwise();

    [Benchmark(Description = "dw3x3 28x28x8 s2 reference")]
    public void Dw28S2Reference() => _dw28s2.Reference();

    [Benchmark(Description = "dw3x3 28x28x8 s2 specialised")]
    public void Dw28S2Specialised() => _dw28s2.Depthwise();

    [Benchmark(Description = "pw 14x14 32->64 reference")]
    public void Pw14Reference() => _pw14.Reference();

    [Benchmark(Description = "pw 14x14 32->64 specialised")]
    public void Pw14Specialised() => _pw14.Pointwise();

    [Benchmark(Description = "stem 3x3 28x28x1->8 s2 reference")]
    public void StemReference() => _stem.Reference();

    [Benchmark(Description = "stem 3x3 28x28x1->8 s2 specialised")]
    public void StemSpecialised() => _stem.Dense();
}

/// <summary>One convolution layer with random int8 data, set up for every kernel that can run it.</summary>
internal sealed class Layer
{
    public ConvParams P;
    public sbyte[] Input = Array.Empty<sbyte>();
    public sbyte[] Weights = Array.Empty<sbyte>();
    public int[] Bias = Array.Empty<int>();
    public int[] Folded = Array.Empty<int>();
    public int[] Multiplier = Array.Empty<int>();
    public sbyte[] Shift = Array.Empty<sbyte>();
    public sbyte[] Output = Array.Empty<sbyte>();
    public sbyte[] Scratch = Array.Empty<sbyte>();

    public long Macs => (long)P.OutputH * P.OutputW * P.OutputC * P.KernelH * P.KernelW * (P.InputC / P.Groups);

    public static Layer Create(int h, int w, int cin, int cout, int k, int stride, int pad, int groups)
    {
        var rng = new Random(h * 1000 + cin * 10 + k);
        var l = new Layer();
        l.P = new ConvParams
        {
            InputH = h, InputW = w, InputC = cin, OutputC = cout, KernelH = k, KernelW = k, StrideH = stride, StrideW = stride,
            DilationH = 1, DilationW = 1, PadTop = pad, PadLeft = pad, PadBottom = pad, PadRight = pad, Groups = groups,
            InputZeroPoint = -7, OutputZeroPoint = 3, ActMin = -128, ActMax = 127,
            OutputH = ConvParams.OutputExtent(h, pad, pad, k, stride, 1),
            OutputW = ConvParams.OutputExtent(w, pad, pad, k, stride, 1),
        };
        l.Input = new sbyte[h * w * cin];
        rng.NextBytes((byte[])(object)l.Input);
        int perChannel = k * k * (cin / groups);
        l.Weights = new sbyte[cout * perChannel];
        for (int i = 0; i < l.Weights.Length; i++)
        {
            l.Weights[i] = (sbyte)rng.Next(-127, 128);
        }

        l.Bias = new int[cout];
        l.Multiplier = new int[cout];
        l.Shift = new sbyte[cout];
        for (int c = 0; c < cout; c++)
        {
            l.Bias[c] = rng.Next(-2000, 2001);
            l.Multiplier[c] = rng.Next(1 << 30, int.MaxValue);
            l.Shift[c] = (sbyte)rng.Next(-10, -6);
        }

        l.Folded = new int[cout];
        BiasFolding.Fold(l.Weights, l.Bias, cout, perChannel, l.P.InputZeroPoint, l.Folded);
        l.Output = new sbyte[l.P.OutputH * l.P.OutputW * cout];
        // Every banded kernel (DepthwiseConv3x3, Conv2DDense, DepthwiseConv) needs kh · (W + pl + pr) · Cin bytes.
        l.Scratch = new sbyte[DepthwiseConv.GetScratchSize(ref l.P)];
        return l;
    }

    public void Reference() =>
        Conv2DReference.Run(ref P, Input, 0, Weights, Bias, Multiplier, Shift, Output, 0);

    public void Depthwise() =>
        DepthwiseConv3x3.Run(ref P, Input, 0, Weights, Folded, Multiplier, Shift, Output, 0, Scratch);

    public void Dense() =>
        Conv2DDense.Run(ref P, Input, 0, Weights, Folded, Multiplier, Shift, Output, 0, Scratch);

    public void Pointwise() =>
        PointwiseConv.Run(ref P, Input, 0, Weights, Folded, Multiplier, Shift, Output, 0);
}
