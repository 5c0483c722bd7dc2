using System;
using System.Reflection;
using TinyDsc.Runtime.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Executed IL per element of the element-wise kernels (IlCounter interprets the kernel's IL and counts every
/// instruction, callees included), on a 14×14×64 map: what one element costs on nanoCLR. Ceilings ~10 % above the
/// measured counts, so a regression fails here.
/// </summary>
public class ElementwiseIlCostTests
{
    private const int Count = 14 * 14 * 64;
    private readonly ITestOutputHelper _output;

    public ElementwiseIlCostTests(ITestOutputHelper output) => _output = output;

    private static MethodInfo Run(Type t) => t.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;

    private static sbyte[] Data(int n, int seed)
    {
        var r = new Random(seed);
        var a = new sbyte[n];
        r.NextBytes((byte[])(Array)a);
        return a;
    }

    [Fact]
    public void Lookup_il_per_element()
    {
        var counter = new IlCounter();
        counter.Call(Run(typeof(Lookup)), Data(256, 1), Data(Count, 2), 0, new sbyte[Count], 0, Count);
        double perElement = (double)counter.Executed / Count;
        _output.WriteLine($"Lookup: {perElement:F2} IL per element");
        Assert.InRange(perElement, 1, 23);   // measured 21.0
    }

    [Theory]
    [InlineData(false)]   // the converter's kind of parameters: one-step fast path
    [InlineData(true)]    // neither input rescaled exactly: the formula with three MultiplyByQuantizedMultiplier calls
    public void Add_il_per_element(bool general)
    {
        // Left shift 20, input 0 at 0.5 (2^30, shift 0), input 1 at ~0.35, output shift -19 (Requantization.Add's form).
        var p = new AddParams
        {
            LeftShift = 20, Input0Multiplier = general ? 1500000000 : 1 << 30, Input0Shift = 0, Input1Multiplier = 1518500250,
            Input1Shift = -1, OutputMultiplier = 1900000000, OutputShift = -19, Input0ZeroPoint = 3, Input1ZeroPoint = -7,
            OutputZeroPoint = 5, ActMin = -128, ActMax = 127,
        };
        var counter = new IlCounter();
        counter.Call(Run(typeof(Add)), p, Data(Count, 9), 0, Data(Count, 10), 0, new sbyte[Count], 0, Count);
        double perElement = (double)counter.Executed / Count;
        _output.WriteLine($"Add ({(general ? "general" : "one-step")}): {perElement:F2} IL per element");
        // Measured 56.4 (one-step: one long multiply per input rescale folded into one floor, one per output; two
        // elements per pass, 59.9 with one) and 338.2 (three MultiplyByQuantizedMultiplier calls, the only form before).
        Assert.InRange(perElement, 1, general ? 380 : 62);
    }

    [Fact]
    public void GlobalAveragePoolRequantized_il_per_value()
    {
        // mbv2-fashion's head: 7x7x96 into 96 means (M = s_in / (s_out · 49), one MultiplyByQuantizedMultiplier per channel).
        const int pixels = 49, channels = 96;
        var counter = new IlCounter();
        counter.Call(Run(typeof(GlobalAveragePoolRequantized)), 7, 7, channels, -3, 5, 1402911301, -6, 1, -128, 127,
            Data(pixels * channels, 11), 0, new sbyte[channels], 0);
        double perValue = (double)counter.Executed / (pixels * channels);
        _output.WriteLine($"GlobalAveragePoolRequantized: {perValue:F2} IL per input value");
        Assert.InRange(perValue, 1, 12);   // measured 10.9 (four pixels per pass; 15.9 with one)
    }

    [Theory]
    [InlineData(0)]    // same shape
    [InlineData(64)]   // squeeze-and-excite: one value per channel
    public void Mul_il_per_element(int channels)
    {
        var counter = new IlCounter();
        counter.Call(Run(typeof(Mul)), Count, channels, 3, -128, 5, 1 << 30, -7, -128, 127, Data(Count, 3), 0,
            Data(channels == 0 ? Count : channels, 4), 0, new sbyte[Count], 0);
        double perElement = (double)counter.Executed / Count;
        _output.WriteLine($"Mul (channels {channels}): {perElement:F2} IL per element");
        Assert.InRange(perElement, 1, 150);   // measured 135.5 (same shape) and 135.8 (per channel)
    }

    [Theory]
    [InlineData(10, 0.05f)]     // a small head: 10 classes, logits scale 0.05
    [InlineData(1000, 0.05f)]   // an ImageNet-sized head
    [InlineData(1000, 1f)]      // large scale: diff_min cuts most classes (no exp for them)
    public void Softmax_il_per_element(int classes, float scale)
    {
        (int m, int shift) = SoftmaxReference.Scaling(scale);
        var counter = new IlCounter();
        counter.Call(Run(typeof(Softmax)), 1, classes, m, shift, Data(classes, 5), 0, new sbyte[classes], 0);
        double perElement = (double)counter.Executed / classes;
        _output.WriteLine($"Softmax ({classes} classes, scale {scale}): {perElement:F2} IL per element");
        // Measured 846.3 (10 classes), 862.8 (1000), 111.5 (1000 at scale 1, most classes past diff_min): two
        // fixed-point exps per value (the sum pass and the output pass, as TFLite's reference computes them).
        Assert.InRange(perElement, 1, scale == 1f ? 125 : 950);
    }

    [Theory]
    [InlineData(false, 64)]   // requantized input: one table load per element
    [InlineData(true, 64)]    // input with the output's quantization: one Array.Copy per pixel
    [InlineData(true, 8)]
    public void Concat_il_per_element(bool copied, int channels)
    {
        // One input of `channels` channels into a 2·channels output (the other half is another input's slice).
        int pixels = Count / 64;
        var counter = new IlCounter();
        counter.Call(Run(typeof(Concat)), pixels, channels, 2 * channels, channels, copied ? null : Data(256, 5),
            Data(pixels * channels, 6), 0, new sbyte[pixels * 2 * channels], 0);
        double perElement = (double)counter.Executed / (pixels * channels);
        _output.WriteLine($"Concat ({(copied ? "copied" : "table")}, {channels} channels): {perElement:F2} IL per element");
        Assert.InRange(perElement, 0.01, copied ? (channels == 8 ? 3 : 0.4) : 23.5);   // measured 21.3 (table), 0.33 and 2.65 (copied, 64 and 8 channels)
    }

    [Fact]
    public void PRelu_il_per_element()
    {
        var counter = new IlCounter();
        counter.Call(Run(typeof(PRelu)), Count, Data(64, 7), 3, 0, -5, 1 << 30, 1, 1 << 30, -7, Data(Count, 8), 0, new sbyte[Count], 0);
        double perElement = (double)counter.Executed / Count;
        _output.WriteLine($"PRelu: {perElement:F2} IL per element");
        Assert.InRange(perElement, 1, 150);   // measured 136.6 (two MBQM paths, one taken per element)
    }
}
