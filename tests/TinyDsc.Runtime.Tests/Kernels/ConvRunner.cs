using System;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>Runs each convolution kernel on a ConvCase with guarded input, output and scratch; returns the output.</summary>
public static class ConvRunner
{
    public static sbyte[] Reference(ConvCase c)
    {
        var input = Guarded.From(c.Input);
        var output = new Guarded(c.OutputLength);
        Conv2DReference.Run(ref c.P, input.Array, input.Offset, c.Weights, c.Bias, c.Multiplier, Requantize.NarrowShifts(c.Shift), output.Array, output.Offset);
        output.AssertGuardsIntact(c.Name + " reference output");
        AssertUnchanged(c.Input, input, c.Name + " reference input");
        return output.Payload();
    }

    public static sbyte[] Depthwise3x3(ConvCase c)
    {
        Assert.True(DepthwiseConv3x3.IsSupported(ref c.P), c.Name + ": not a DepthwiseConv3x3 shape");
        var input = Guarded.From(c.Input);
        var output = new Guarded(c.OutputLength);
        var scratch = new Guarded(DepthwiseConv3x3.GetScratchSize(ref c.P), 0, 23);
        int[] folded = Fold(c, 9);
        DepthwiseConv3x3.Run(ref c.P, input.Array, input.Offset, c.Weights, folded, c.Multiplier, Requantize.NarrowShifts(c.Shift), output.Array, output.Offset, scratch.Array);
        output.AssertGuardsIntact(c.Name + " depthwise output");
        scratch.AssertGuardsIntact(c.Name + " depthwise scratch");
        AssertUnchanged(c.Input, input, c.Name + " depthwise input");
        return output.Payload();
    }

    public static sbyte[] Pointwise(ConvCase c)
    {
        Assert.True(PointwiseConv.IsSupported(ref c.P), c.Name + ": not a PointwiseConv shape");
        var input = Guarded.From(c.Input);
        var output = new Guarded(c.OutputLength);
        int[] folded = Fold(c, c.P.InputC);
        PointwiseConv.Run(ref c.P, input.Array, input.Offset, c.Weights, folded, c.Multiplier, Requantize.NarrowShifts(c.Shift), output.Array, output.Offset);
        output.AssertGuardsIntact(c.Name + " pointwise output");
        AssertUnchanged(c.Input, input, c.Name + " pointwise input");
        return output.Payload();
    }

    public static sbyte[] Dense(ConvCase c)
    {
        Assert.True(Conv2DDense.IsSupported(ref c.P), c.Name + ": not a Conv2DDense shape");
        var input = Guarded.From(c.Input);
        var output = new Guarded(c.OutputLength);
        var scratch = new Guarded(Conv2DDense.GetScratchSize(ref c.P), 0, 19);
        int[] folded = Fold(c, c.P.KernelH * c.P.KernelW * c.P.InputC);
        Conv2DDense.Run(ref c.P, input.Array, input.Offset, c.Weights, folded, c.Multiplier, Requantize.NarrowShifts(c.Shift), output.Array, output.Offset, scratch.Array);
        output.AssertGuardsIntact(c.Name + " dense output");
        scratch.AssertGuardsIntact(c.Name + " dense scratch");
        AssertUnchanged(c.Input, input, c.Name + " dense input");
        return output.Payload();
    }

    public static sbyte[] DepthwiseGeneral(ConvCase c)
    {
        Assert.True(DepthwiseConv.IsSupported(ref c.P), c.Name + ": not a DepthwiseConv shape");
        var input = Guarded.From(c.Input);
        var output = new Guarded(c.OutputLength);
        var scratch = new Guarded(DepthwiseConv.GetScratchSize(ref c.P), 0, 29);
        int[] folded = Fold(c, c.P.KernelH * c.P.KernelW);
        DepthwiseConv.Run(ref c.P, input.Array, input.Offset, c.Weights, folded, c.Multiplier, Requantize.NarrowShifts(c.Shift), output.Array, output.Offset, scratch.Array);
        output.AssertGuardsIntact(c.Name + " general depthwise output");
        scratch.AssertGuardsIntact(c.Name + " general depthwise scratch");
        AssertUnchanged(c.Input, input, c.Name + " general depthwise input");
        return output.Payload();
    }

    public static sbyte[] Depthwise3x3Multiplier(ConvCase c)
    {
        Assert.True(DepthwiseConv3x3Multiplier.IsSupported(ref c.P), c.Name + ": not a DepthwiseConv3x3Multiplier shape");
        var input = Guarded.From(c.Input);
        var output = new Guarded(c.OutputLength);
        var scratch = new Guarded(DepthwiseConv3x3Multiplier.GetScratchSize(ref c.P), 0, 31);
        int[] folded = Fold(c, 9);
        DepthwiseConv3x3Multiplier.Run(ref c.P, input.Array, input.Offset, c.Weights, folded, c.Multiplier, Requantize.NarrowShifts(c.Shift), output.Array, output.Offset, scratch.Array);
        output.AssertGuardsIntact(c.Name + " depthwise multiplier output");
        scratch.AssertGuardsIntact(c.Name + " depthwise multiplier scratch");
        AssertUnchanged(c.Input, input, c.Name + " depthwise multiplier input");
        return output.Payload();
    }

    public static int[] Fold(ConvCase c, int weightsPerChannel)
    {
        var folded = new int[c.P.OutputC];
        BiasFolding.Fold(c.Weights, c.Bias, c.P.OutputC, weightsPerChannel, c.P.InputZeroPoint, folded);
        return folded;
    }

    private static void AssertUnchanged(sbyte[] original, Guarded g, string what)
    {
        g.AssertGuardsIntact(what);
        Assert.True(original.AsSpan().SequenceEqual(g.Payload()), what + " was modified");
    }

    /// <summary>Bit-for-bit comparison with the first differing NHWC position in the message.</summary>
    public static void AssertSame(ConvCase c, sbyte[] expected, sbyte[] actual, string kernel)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                int ch = i % c.P.OutputC;
                int px = i / c.P.OutputC;
                Assert.Fail($"{c.Name}: {kernel} differs from Conv2DReference at y={px / c.P.OutputW} x={px % c.P.OutputW} c={ch}: " +
                    $"expected {expected[i]}, got {actual[i]} (params: {Describe(c.P)})");
            }
        }
    }

    public static string Describe(ConvParams p) =>
        $"in {p.InputH}x{p.InputW}x{p.InputC} out {p.OutputH}x{p.OutputW}x{p.OutputC} k {p.KernelH}x{p.KernelW} " +
        $"s {p.StrideH},{p.StrideW} d {p.DilationH},{p.DilationW} pad {p.PadTop},{p.PadLeft},{p.PadBottom},{p.PadRight} " +
        $"g {p.Groups} zp {p.InputZeroPoint}->{p.OutputZeroPoint} act [{p.ActMin},{p.ActMax}]";
}
