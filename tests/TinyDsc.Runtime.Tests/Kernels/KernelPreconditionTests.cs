using System;
using System.Linq;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Each specialised convolution checks its own limits once per call: a wrong dispatch or a short array throws
/// ArgumentException naming the kernel and the violated limit, and writes nothing.
/// </summary>
public class KernelPreconditionTests
{
    /// <summary>Arrays sized exactly for p, minus the given shortfalls; output and scratch filled with a sentinel.</summary>
    private sealed class Args
    {
        public sbyte[] Input = Array.Empty<sbyte>(), Weights = Array.Empty<sbyte>(), Output = Array.Empty<sbyte>(), Scratch = Array.Empty<sbyte>();
        public int[] Bias = Array.Empty<int>(), Multiplier = Array.Empty<int>();
        public sbyte[] Shift = Array.Empty<sbyte>();

        public static Args For(ConvParams p, int scratchBytes, int inputShort = 0, int weightsShort = 0, int outputShort = 0, int scratchShort = 0, int shiftShort = 0)
        {
            int groups = p.Groups < 1 ? 1 : p.Groups;
            int cout = Math.Max(p.OutputC, 0);
            var a = new Args
            {
                Input = new sbyte[Math.Max(p.InputH * p.InputW * p.InputC - inputShort, 0)],
                Weights = new sbyte[Math.Max(cout * p.KernelH * p.KernelW * (p.InputC / groups) - weightsShort, 0)],
                Output = Enumerable.Repeat((sbyte)77, Math.Max(p.OutputH * p.OutputW * cout - outputShort, 0)).ToArray(),
                Scratch = Enumerable.Repeat((sbyte)55, Math.Max(scratchBytes - scratchShort, 0)).ToArray(),
                Bias = new int[cout],
                Multiplier = Enumerable.Repeat(1 << 30, cout).ToArray(),
                Shift = new sbyte[Math.Max(cout - shiftShort, 0)],
            };
            return a;
        }
    }

    private static void Run(string kernel, ConvParams p, Args a)
    {
        switch (kernel)
        {
            case "DepthwiseConv3x3":
                DepthwiseConv3x3.Run(ref p, a.Input, 0, a.Weights, a.Bias, a.Multiplier, a.Shift, a.Output, 0, a.Scratch);
                break;
            case "DepthwiseConv3x3Multiplier":
                DepthwiseConv3x3Multiplier.Run(ref p, a.Input, 0, a.Weights, a.Bias, a.Multiplier, a.Shift, a.Output, 0, a.Scratch);
                break;
            case "PointwiseConv":
                PointwiseConv.Run(ref p, a.Input, 0, a.Weights, a.Bias, a.Multiplier, a.Shift, a.Output, 0);
                break;
            case "Conv2DDense":
                Conv2DDense.Run(ref p, a.Input, 0, a.Weights, a.Bias, a.Multiplier, a.Shift, a.Output, 0, a.Scratch);
                break;
            case "DepthwiseConv":
                DepthwiseConv.Run(ref p, a.Input, 0, a.Weights, a.Bias, a.Multiplier, a.Shift, a.Output, 0, a.Scratch);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "unknown kernel");
        }
    }

    /// <summary>The shape the kernel's dispatch would have had to reject, and the limit its message must name.</summary>
    public static TheoryData<string, string, ConvParams, string> WrongDispatch => new()
    {
        { "depthwise 3x3 given a 5x5 kernel", "DepthwiseConv3x3", ConvCase.Params(7, 7, 4, 4, 5, 5, groups: 4), "kernel 5x5 is not 3x3" },
        { "depthwise 3x3 given multiplier 2", "DepthwiseConv3x3", ConvCase.Params(5, 5, 3, 6, 3, 3, groups: 3), "needs groups = Cin = Cout (depth multiplier 1)" },
        { "depthwise 3x3 given pad 3", "DepthwiseConv3x3", ConvCase.Params(5, 5, 2, 2, 3, 3, padTop: 3, groups: 2), "pads 3,0,0,0 (top, left, bottom, right): each must be at most 2" },
        { "depthwise 3x3 given dilation 2", "DepthwiseConv3x3", ConvCase.Params(7, 7, 2, 2, 3, 3, dilH: 2, groups: 2), "dilation 2,1 is not 1,1" },
        { "multiplier kernel given a dense conv", "DepthwiseConv3x3Multiplier", ConvCase.Params(5, 5, 2, 4, 3, 3), "groups 1, Cin 2, Cout 4: needs groups = Cin and Cout a multiple of Cin" },
        { "multiplier kernel given a 1x3 kernel", "DepthwiseConv3x3Multiplier", ConvCase.Params(5, 5, 2, 4, 1, 3, groups: 2), "kernel 1x3 is not 3x3" },
        { "pointwise given a 3x3 kernel", "PointwiseConv", ConvCase.Params(5, 5, 2, 4, 3, 3), "kernel 3x3 is not 1x1" },
        { "pointwise given stride 2", "PointwiseConv", ConvCase.Params(6, 6, 2, 4, 1, 1, 2, 2), "stride 2,2 is not 1,1" },
        { "pointwise given padding", "PointwiseConv", ConvCase.Params(4, 4, 2, 4, 1, 1, padLeft: 1), "pads 0,1,0,0 are not 0" },
        { "pointwise given groups 2", "PointwiseConv", ConvCase.Params(4, 4, 2, 4, 1, 1, groups: 2), "groups 2 is not 1" },
        { "pointwise beyond the packed-sum bound", "PointwiseConv", ConvCase.Params(1, 1, 66312, 1, 1, 1), "Cin 66312 exceeds 66311" },
        { "dense given a depthwise layer", "Conv2DDense", ConvCase.Params(5, 5, 4, 4, 3, 3, groups: 4), "groups 4 is not 1" },
        { "dense given dilation along W", "Conv2DDense", ConvCase.Params(7, 7, 2, 2, 3, 3, dilW: 2), "dilation along W 2 is not 1" },
        { "general depthwise given a dense conv", "DepthwiseConv", ConvCase.Params(5, 5, 2, 2, 3, 3), "needs groups = Cin and Cout a multiple of Cin" },
    };

    [Theory]
    [MemberData(nameof(WrongDispatch))]
    public void Wrong_dispatch_throws_naming_the_limit_and_writes_nothing(string why, string kernel, ConvParams p, string limit)
    {
        int scratchBytes = 4096;
        var a = Args.For(p, scratchBytes);
        var e = Assert.Throws<ArgumentException>(() => Run(kernel, p, a));
        Assert.StartsWith(kernel + ": ", e.Message);
        Assert.True(e.Message.Contains(limit, StringComparison.Ordinal), $"{why}: message '{e.Message}' does not name '{limit}'");
        Assert.All(a.Output, b => Assert.Equal(77, b));
        Assert.All(a.Scratch, b => Assert.Equal(55, b));
    }

    public static TheoryData<string, string> Kernels => new()
    {
        { "DepthwiseConv3x3", "3x3 depthwise" },
        { "DepthwiseConv3x3Multiplier", "3x3 depthwise" },
        { "DepthwiseConv", "3x3 depthwise" },
        { "Conv2DDense", "3x3 dense" },
        { "PointwiseConv", "1x1" },
    };

    private static ConvParams Shape(string shape) => shape switch
    {
        "3x3 depthwise" => ConvCase.Params(6, 5, 3, 3, 3, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 3),
        "3x3 dense" => ConvCase.Params(6, 5, 3, 4, 3, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        _ => ConvCase.Params(6, 5, 3, 4, 1, 1),
    };

    private static int ScratchBytes(string kernel, ConvParams p) => kernel switch
    {
        "DepthwiseConv3x3" => DepthwiseConv3x3.GetScratchSize(ref p),
        "DepthwiseConv3x3Multiplier" => DepthwiseConv3x3Multiplier.GetScratchSize(ref p),
        "DepthwiseConv" => DepthwiseConv.GetScratchSize(ref p),
        "Conv2DDense" => Conv2DDense.GetScratchSize(ref p),
        _ => 0,
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Exactly_sized_arrays_pass_the_check(string kernel, string shape)
    {
        ConvParams p = Shape(shape);
        Run(kernel, p, Args.For(p, ScratchBytes(kernel, p)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Short_arrays_and_inconsistent_output_extents_throw(string kernel, string shape)
    {
        ConvParams p = Shape(shape);
        int scratch = ScratchBytes(kernel, p);
        int outputLength = p.OutputH * p.OutputW * p.OutputC;
        AssertThrows(kernel, p, Args.For(p, scratch, inputShort: 1), $"input: expected {p.InputH * p.InputW * p.InputC} values from offset 0");
        AssertThrows(kernel, p, Args.For(p, scratch, weightsShort: 1), "weights: expected");
        AssertThrows(kernel, p, Args.For(p, scratch, outputShort: 1), $"output: expected {outputLength} values from offset 0, array holds {outputLength - 1}");
        AssertThrows(kernel, p, Args.For(p, scratch, shiftShort: 1), $"shift: expected {p.OutputC} values (one per output channel), got {p.OutputC - 1}");
        if (scratch > 0)
        {
            AssertThrows(kernel, p, Args.For(p, scratch, scratchShort: 1), $"scratch: expected {scratch} values from offset 0");
        }

        ConvParams tall = p;
        tall.OutputH++;
        AssertThrows(kernel, tall, Args.For(tall, scratch), $"output {tall.OutputH}x{tall.OutputW} does not follow from input {p.InputH}x{p.InputW}");
    }

    private static void AssertThrows(string kernel, ConvParams p, Args a, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Run(kernel, p, a));
        Assert.True(e.Message.StartsWith(kernel + ": ", StringComparison.Ordinal) && e.Message.Contains(expected, StringComparison.Ordinal),
            $"{kernel}: message '{e.Message}' does not name '{expected}'");
        Assert.All(a.Output, b => Assert.Equal(77, b));
    }
}
