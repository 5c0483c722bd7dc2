using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Reference;
using TinyDsc.Converter.Tests.Conformance;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// 1-D ops on [N, C, L] (Conv1d, MaxPool1d, AvgPool1d, BatchNorm1d, global pooling, Flatten/Linear heads), lowered to
/// the 2-D ops with H = 1: the float reference of the lowered graph against ONNX Runtime running the 1-D model itself,
/// and the attributes TinyDsc cannot lower rejected with a message naming them.
/// </summary>
public sealed class OneDimensionalLoweringTests
{
    /// <summary>
    /// Imports the 1-D <paramref name="model"/> (input [N, <paramref name="channels"/>, <paramref name="length"/>]),
    /// checks that it is held as [1, C, 1, L] and that the float reference of the lowered graph equals ONNX Runtime's
    /// output of the 1-D model on a seeded random batch of 2 (tolerance: <see cref="Compare.RelativeTolerance"/>).
    /// </summary>
    private static FloatGraph MatchesOnnxRuntime(byte[] model, int channels, int length, int seed = 1)
    {
        var graph = OnnxImporter.Import(model);
        Assert.Equal(new[] { 1, channels, 1, length }, graph.Values[graph.Input].Shape);
        const int batch = 2;
        var input = Random(batch * channels * length, seed);
        var actual = FloatReference.RunBatch(graph, input, batch);
        var expected = OrtRunner.Run(model, input, new[] { batch, channels, length });
        Compare.Close(expected, actual, $"1-D model (seed {seed}) vs ONNX Runtime");
        return graph;
    }

    private static OnnxModelBuilder Model(int channels, int length, int opset = 13) =>
        new OnnxModelBuilder(opset).Input("x", new[] { channels, length }).Output("y");

    [Theory]
    [InlineData(3, 1, 0, 0, 1)] // valid, no padding
    [InlineData(3, 1, 1, 1, 1)] // "same" padding
    [InlineData(5, 2, 2, 2, 1)] // strided stem as in the accelerometer model
    [InlineData(3, 1, 2, 2, 2)] // dilated
    [InlineData(4, 3, 0, 2, 1)] // asymmetric pads, stride not dividing the span
    [InlineData(3, 2, 2, 0, 3)] // asymmetric, dilated and strided
    [InlineData(1, 1, 0, 0, 1)] // pointwise
    public void Conv1d(int kernel, int stride, int padBegin, int padEnd, int dilation)
    {
        var b = Model(3, 19);
        b.Init("w", new long[] { 4, 3, kernel }, Random(12 * kernel, kernel));
        b.Init("bias", new long[] { 4 }, Random(4, 9));
        b.Node("Conv", new[] { "x", "w", "bias" }, "y", "conv", ("kernel_shape", new[] { kernel }), ("strides", new[] { stride }),
            ("pads", new[] { padBegin, padEnd }), ("dilations", new[] { dilation }));
        var g = MatchesOnnxRuntime(b.Build(), 3, 19);
        var conv = Assert.Single(g.Nodes);
        Assert.Equal((1, kernel, 1, stride, 1, dilation), (conv.KernelH, conv.KernelW, conv.StrideH, conv.StrideW, conv.DilationH, conv.DilationW));
        Assert.Equal((0, padBegin, 0, padEnd), (conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
        Assert.Equal(new[] { 4, 3, 1, kernel }, conv.WeightShape);
    }

    [Theory]
    [InlineData("SAME_UPPER", 4, 2)]
    [InlineData("SAME_LOWER", 4, 2)]
    [InlineData("SAME_UPPER", 3, 1)]
    [InlineData("VALID", 3, 2)]
    public void Conv1dAutoPad(string autoPad, int kernel, int stride)
    {
        var b = Model(2, 11);
        b.Init("w", new long[] { 3, 2, kernel }, Random(6 * kernel, 5));
        b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("auto_pad", autoPad), ("strides", new[] { stride }));
        MatchesOnnxRuntime(b.Build(), 2, 11);
    }

    [Theory]
    [InlineData(6, 1)] // depthwise
    [InlineData(12, 1)] // depthwise with multiplier 2
    [InlineData(6, 3)] // grouped, 2 input channels per group
    public void GroupedAndDepthwiseConv1d(int cout, int inPerGroup)
    {
        int groups = 6 / inPerGroup;
        var b = Model(6, 16);
        b.Init("w", new long[] { cout, inPerGroup, 3 }, Random(cout * inPerGroup * 3, cout));
        b.Init("bias", new long[] { cout }, Random(cout, 2));
        b.Node("Conv", new[] { "x", "w", "bias" }, "y", "dw", ("group", groups), ("kernel_shape", new[] { 3 }), ("pads", new[] { 1, 1 }));
        var g = MatchesOnnxRuntime(b.Build(), 6, 16);
        Assert.Equal(groups, Assert.Single(g.Nodes).Groups);
    }

    [Theory]
    [InlineData("MaxPool", 2, 2, 0, 0, 0)]
    [InlineData("MaxPool", 3, 2, 1, 1, 0)]
    [InlineData("MaxPool", 3, 1, 0, 2, 0)] // asymmetric
    [InlineData("AveragePool", 2, 2, 0, 0, 0)]
    [InlineData("AveragePool", 3, 2, 1, 1, 0)] // pads excluded from the divisor
    [InlineData("AveragePool", 3, 2, 1, 1, 1)] // pads counted (PyTorch's AvgPool1d default)
    [InlineData("AveragePool", 4, 3, 2, 1, 0)] // asymmetric
    public void Pool1d(string op, int kernel, int stride, int padBegin, int padEnd, int countIncludePad)
    {
        var b = Model(3, 17, 11);
        var attrs = new (string, object)[]
        {
            ("kernel_shape", new[] { kernel }), ("strides", new[] { stride }), ("pads", new[] { padBegin, padEnd }), ("ceil_mode", 0),
        };
        if (op == "AveragePool")
        {
            attrs = attrs.Append(("count_include_pad", countIncludePad)).ToArray();
        }
        b.Node(op, new[] { "x" }, "y", "pool", attrs);
        var g = MatchesOnnxRuntime(b.Build(), 3, 17);
        var pool = Assert.Single(g.Nodes);
        Assert.Equal((1, kernel, 1, stride), (pool.KernelH, pool.KernelW, pool.StrideH, pool.StrideW));
    }

    [Fact]
    public void CeilModeAcceptedWhereOutputSizeIsUnchanged()
    {
        var b = Model(2, 16, 11);
        b.Node("MaxPool", new[] { "x" }, "y", "pool", ("kernel_shape", new[] { 2 }), ("strides", new[] { 2 }), ("ceil_mode", 1));
        MatchesOnnxRuntime(b.Build(), 2, 16);
    }

    /// <summary>PyTorch's AvgPool1d(3, 2, padding=1) exports as a zero Pad of L then AveragePool; the Pad merges into the pool.</summary>
    [Fact]
    public void PadOfLengthMergesIntoAveragePool()
    {
        var b = Model(3, 12);
        b.InitInt64("pads", new long[] { 6 }, new long[] { 0, 0, 1, 0, 0, 1 });
        b.Node("Pad", new[] { "x", "pads" }, "p", "pad", ("mode", "constant"));
        b.Node("AveragePool", new[] { "p" }, "y", "pool", ("kernel_shape", new[] { 3 }), ("strides", new[] { 2 }));
        var g = MatchesOnnxRuntime(b.Build(), 3, 12);
        var pool = Assert.Single(g.Nodes);
        Assert.True(pool.CountIncludePad);
        Assert.Equal((0, 1, 0, 1), (pool.PadTop, pool.PadLeft, pool.PadBottom, pool.PadRight));
    }

    private static void BatchNorm(OnnxModelBuilder b, string input, string output, int c, int seed)
    {
        b.Init(output + "_s", new long[] { c }, Random(c, seed).Select(v => 1 + 0.5f * v).ToArray());
        b.Init(output + "_b", new long[] { c }, Random(c, seed + 1));
        b.Init(output + "_m", new long[] { c }, Random(c, seed + 2));
        b.Init(output + "_v", new long[] { c }, Random(c, seed + 3).Select(v => 1.2f + v).ToArray());
        b.Node("BatchNormalization", new[] { input, output + "_s", output + "_b", output + "_m", output + "_v" }, output, output);
    }

    /// <summary>Conv1d + BatchNorm1d + ReLU, the depthwise-separable block's unit: BN folds into the conv, ReLU fuses.</summary>
    [Fact]
    public void BatchNorm1dFoldsIntoPrecedingConv()
    {
        var b = Model(4, 10);
        b.Init("w", new long[] { 4, 1, 3 }, Random(12, 3));
        b.Node("Conv", new[] { "x", "w" }, "c", "dw", ("group", 4), ("kernel_shape", new[] { 3 }), ("pads", new[] { 1, 1 }));
        BatchNorm(b, "c", "bn", 4, 10);
        b.Node("Relu", new[] { "bn" }, "y", "relu");
        var g = MatchesOnnxRuntime(b.Build(), 4, 10);
        Assert.Equal("Conv+Relu", ImportAssert.Kinds(g));
    }

    /// <summary>
    /// BatchNorm1d on the input (not after a conv): a per-channel affine. Before a padded conv it stays a depthwise
    /// 1×1 conv (the pads must stay zeros); before an unpadded one it folds into that conv's weights.
    /// </summary>
    [Theory]
    [InlineData(1, "Conv Conv")]
    [InlineData(0, "Conv")]
    public void BatchNorm1dOnTheInputIsAPerChannelAffine(int pad, string kinds)
    {
        var b = Model(3, 9);
        BatchNorm(b, "x", "bn", 3, 20);
        b.Init("w", new long[] { 5, 3, 3 }, Random(45, 4));
        b.Node("Conv", new[] { "bn", "w" }, "y", "conv", ("kernel_shape", new[] { 3 }), ("pads", new[] { pad, pad }));
        var g = MatchesOnnxRuntime(b.Build(), 3, 9);
        Assert.Equal(kinds, ImportAssert.Kinds(g));
    }

    /// <summary>BatchNorm1d alone on [N, C, L]: a depthwise 1×1 conv over the held [1, C, 1, L].</summary>
    [Fact]
    public void BatchNorm1dAlone()
    {
        var b = Model(5, 7);
        BatchNorm(b, "x", "y", 5, 30);
        var g = MatchesOnnxRuntime(b.Build(), 5, 7);
        Assert.Equal("Conv", ImportAssert.Kinds(g));
    }

    /// <summary>BatchNorm1d on [N, C] after a Linear (the 2-D case of BatchNorm1d) folds into the FullyConnected.</summary>
    [Fact]
    public void BatchNorm1dAfterLinear()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 6 }).Output("y");
        b.Init("w", new long[] { 4, 6 }, Random(24, 5));
        b.Node("Gemm", new[] { "x", "w" }, "fc", "fc", ("transB", 1));
        BatchNorm(b, "fc", "y", 4, 40);
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 6 });
        Assert.Equal("FullyConnected", ImportAssert.Kinds(g));
    }

    /// <summary>Heads on [N, C, L]: AdaptiveAvgPool1d(1) (GlobalAveragePool) + Flatten + Linear, and a Flatten of the whole map.</summary>
    [Theory]
    [InlineData("gap-flatten")]
    [InlineData("gap-squeeze")]
    [InlineData("mean-keepdims0")]
    [InlineData("flatten-all")]
    [InlineData("reshape-all")]
    public void Heads(string head)
    {
        const int c = 4, l = 6;
        var b = Model(c, l);
        b.Init("w", new long[] { c, c, 3 }, Random(c * c * 3, 7));
        b.Node("Conv", new[] { "x", "w" }, "f", "conv", ("kernel_shape", new[] { 3 }), ("pads", new[] { 1, 1 }));
        int features = head is "flatten-all" or "reshape-all" ? c * l : c;
        switch (head)
        {
            case "gap-flatten":
                b.Node("GlobalAveragePool", new[] { "f" }, "g", "gap");
                b.Node("Flatten", new[] { "g" }, "v", "flatten", ("axis", 1));
                break;
            case "gap-squeeze":
                b.Node("GlobalAveragePool", new[] { "f" }, "g", "gap");
                b.InitInt64("axes", new long[] { 1 }, new long[] { -1 });
                b.Node("Squeeze", new[] { "g", "axes" }, "v", "squeeze");
                break;
            case "mean-keepdims0":
                b.Node("ReduceMean", new[] { "f" }, "v", "mean", ("axes", new[] { 2 }), ("keepdims", 0));
                break;
            case "flatten-all":
                b.Node("Flatten", new[] { "f" }, "v", "flatten", ("axis", -2));
                break;
            case "reshape-all":
                b.InitInt64("shape", new long[] { 2 }, new long[] { 0, -1 });
                b.Node("Reshape", new[] { "f", "shape" }, "v", "reshape");
                break;
        }
        b.Init("fc_w", new long[] { 3, features }, Random(3 * features, 8));
        b.Init("fc_b", new long[] { 3 }, Random(3, 9));
        b.Node("Gemm", new[] { "v", "fc_w", "fc_b" }, "y", "fc", ("transB", 1));
        var g = MatchesOnnxRuntime(b.Build(), c, l);
        Assert.Equal(new[] { 1, 3 }, g.Values[g.Output].Shape);
    }

    /// <summary><c>x.view(x.size(0), -1)</c> exports as Shape → Gather → Unsqueeze → Concat → Reshape: Shape of a 1-D value is its 3-D shape.</summary>
    [Fact]
    public void ShapeOfAOneDimensionalValueIsThreeDimensional()
    {
        var b = Model(2, 5);
        b.Node("Shape", new[] { "x" }, "s", "shape");
        b.Graph.Initializer.Add(Int64Tensor("i2", System.Array.Empty<long>(), new long[] { 2 }));
        b.Node("Gather", new[] { "s", "i2" }, "len", "gather", ("axis", 0));
        b.InitInt64("ax", new long[] { 1 }, new long[] { 0 });
        b.Node("Unsqueeze", new[] { "len", "ax" }, "len1", "unsq");
        b.InitInt64("lead", new long[] { 2 }, new long[] { 1, -1 });
        b.Node("Concat", new[] { "lead", "len1" }, "target", "cat", ("axis", 0));
        // [N, C, L] → [1, -1, L] keeps the shape, so the Reshape is only an alias: Shape must have said L = 5 (not H = 1).
        b.Node("Reshape", new[] { "x", "target" }, "r", "reshape");
        b.Node("Relu", new[] { "r" }, "y", "relu");
        var model = b.Build();
        var g = OnnxImporter.Import(model);
        Assert.Equal(new[] { 1, 2, 1, 5 }, g.Values[g.Output].Shape);
        var input = Random(10, 3);
        Compare.Close(OrtRunner.Run(model, input, new[] { 1, 2, 5 }), FloatReference.RunBatch(g, input, 1), "reshape alias");
    }

    /// <summary>A residual Add and squeeze-and-excite's Mul on 1-D values ([N, C, 1] × [N, C, L]).</summary>
    [Fact]
    public void AddAndPerChannelMul()
    {
        var b = Model(3, 8);
        b.Init("w", new long[] { 3, 3, 3 }, Random(27, 11));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("kernel_shape", new[] { 3 }), ("pads", new[] { 1, 1 }));
        b.Node("Add", new[] { "x", "c" }, "sum", "add");
        b.Node("GlobalAveragePool", new[] { "sum" }, "g", "gap");
        b.Node("Sigmoid", new[] { "g" }, "gate", "sigmoid");
        b.Node("Mul", new[] { "sum", "gate" }, "y", "mul");
        var g = MatchesOnnxRuntime(b.Build(), 3, 8);
        Assert.Equal(new[] { 1, 3, 1, 8 }, g.Values[g.Output].Shape);
    }

    /// <summary>
    /// torch.cat of 1-D branches along the channels (dim 1, or -2 of [N, C, L]) and nn.PReLU(C) on [N, C, L], whose
    /// slope exports as [C, 1].
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(-2)]
    public void ConcatAlongChannelsAndPRelu(int axis)
    {
        var b = Model(3, 8);
        b.Init("w", new long[] { 4, 3, 3 }, Random(36, 12));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("kernel_shape", new[] { 3 }), ("pads", new[] { 1, 1 }));
        b.Init("slope", new long[] { 4, 1 }, new[] { 0.1f, 0.25f, -0.5f, 2f });
        b.Node("PRelu", new[] { "c", "slope" }, "p", "prelu");
        b.Node("Concat", new[] { "x", "p" }, "y", "cat", ("axis", axis));
        var g = MatchesOnnxRuntime(b.Build(), 3, 8);
        Assert.Equal(new[] { 1, 7, 1, 8 }, g.Values[g.Output].Shape);
    }

    /// <summary>Input normalisation with per-channel constants shaped for [N, C, L] ([C, 1]) is a per-channel affine.</summary>
    [Fact]
    public void PerChannelConstantsShapedForOneD()
    {
        var b = Model(3, 6);
        b.Init("mean", new long[] { 3, 1 }, new[] { 0.1f, -0.2f, 0.3f });
        b.Init("std", new long[] { 1, 3, 1 }, new[] { 0.5f, 2f, 1.5f });
        b.Node("Sub", new[] { "x", "mean" }, "centred", "sub");
        b.Node("Div", new[] { "centred", "std" }, "y", "div");
        MatchesOnnxRuntime(b.Build(), 3, 6);
    }

    [Theory]
    [InlineData("conv-weight-4d", "input [1, 3, 8] is 1-D [N, C, L], so the weight must be 3-D [Cout, Cin/groups, k], got [2, 3, 1, 3]")]
    [InlineData("conv-kernel-shape", "kernel_shape [1, 3] does not match weight shape [2, 3, 3]")]
    [InlineData("conv-pads", "pads has 4 values; a 1-D op needs 2 (begin, end)")]
    [InlineData("conv-strides", "strides has 2 values; a 1-D op needs 1")]
    [InlineData("conv-window", "window 3 (dilation 4) does not fit input length 8 with pads [0, 0]")]
    [InlineData("conv-groups", "Conv1d(in_channels=3, groups=3) has a weight of shape [out_channels, 1, k]")]
    [InlineData("pool-kernel-2d", "kernel_shape [2, 2] is not 1-D, but input [1, 3, 8] is [N, C, L]")]
    [InlineData("pool-dilation", "dilations [2] are not supported for pooling (only 1)")]
    [InlineData("pool-ceil", "ceil_mode=1 is not supported where it changes the output size")]
    [InlineData("mean-axis1", "ReduceMean of [1, 3, 8] on axes [1] is not supported (only over L, axis 2)")]
    [InlineData("squeeze-axis1", "Squeeze of [1, 3, 1] on axes [1] is not supported")]
    [InlineData("flatten-axis2", "axis 2 is not supported")]
    [InlineData("pad-channels", "pads [0, 1, 0, 0, 0, 0] on input [1, 3, 8]: only H and W of a 4-D NCHW tensor, or L of a 3-D NCL tensor, can be padded")]
    [InlineData("gemm-3d", "input A must be 2-D [N, K], got [1, 3, 8] (insert Flatten)")]
    [InlineData("concat-length", "axis 2 on rank-3 inputs [1, 3, 8]: only concatenation along the channels")]
    public void UnsupportedOneDimensionalAttributesAreRejected(string variant, string fragment)
    {
        var b = Model(3, 8);
        switch (variant)
        {
            case "conv-weight-4d":
                b.Init("w", new long[] { 2, 3, 1, 3 }, Random(18, 1));
                b.Node("Conv", new[] { "x", "w" }, "y", "conv");
                break;
            case "conv-kernel-shape":
                b.Init("w", new long[] { 2, 3, 3 }, Random(18, 1));
                b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("kernel_shape", new[] { 1, 3 }));
                break;
            case "conv-pads":
                b.Init("w", new long[] { 2, 3, 3 }, Random(18, 1));
                b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("pads", new[] { 0, 1, 0, 1 }));
                break;
            case "conv-strides":
                b.Init("w", new long[] { 2, 3, 3 }, Random(18, 1));
                b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("strides", new[] { 1, 2 }));
                break;
            case "conv-window":
                b.Init("w", new long[] { 2, 3, 3 }, Random(18, 1));
                b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("dilations", new[] { 4 }));
                break;
            case "conv-groups":
                b.Init("w", new long[] { 3, 3, 3 }, Random(27, 1));
                b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("group", 3));
                break;
            case "pool-kernel-2d":
                b.Node("MaxPool", new[] { "x" }, "y", "pool", ("kernel_shape", new[] { 2, 2 }));
                break;
            case "pool-dilation":
                b.Node("MaxPool", new[] { "x" }, "y", "pool", ("kernel_shape", new[] { 2 }), ("dilations", new[] { 2 }));
                break;
            case "pool-ceil":
                b.Node("MaxPool", new[] { "x" }, "y", "pool", ("kernel_shape", new[] { 3 }), ("strides", new[] { 2 }), ("ceil_mode", 1));
                break;
            case "mean-axis1":
                b.Node("ReduceMean", new[] { "x" }, "y", "mean", ("axes", new[] { 1 }));
                break;
            case "squeeze-axis1":
                b.Node("GlobalAveragePool", new[] { "x" }, "g", "gap");
                b.InitInt64("axes", new long[] { 1 }, new long[] { 1 });
                b.Node("Squeeze", new[] { "g", "axes" }, "y", "squeeze");
                break;
            case "flatten-axis2":
                b.Node("Flatten", new[] { "x" }, "y", "flatten", ("axis", 2));
                break;
            case "pad-channels":
                b.InitInt64("pads", new long[] { 6 }, new long[] { 0, 1, 0, 0, 0, 0 });
                b.Node("Pad", new[] { "x", "pads" }, "y", "pad");
                break;
            case "concat-length":
                b.Node("Relu", new[] { "x" }, "r", "relu");
                b.Node("Concat", new[] { "x", "r" }, "y", "cat", ("axis", 2));
                break;
            case "gemm-3d":
                b.Init("w", new long[] { 2, 8 }, Random(16, 1));
                b.Node("Gemm", new[] { "x", "w" }, "y", "fc", ("transB", 1));
                break;
        }
        ImportAssert.Rejects(b.Build(), fragment);
    }

    [Fact]
    public void FiveDimensionalInputIsStillRejected()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 3, 4, 5 }).Output("y");
        b.Node("Relu", new[] { "x" }, "y", "relu");
        ImportAssert.Rejects(b.Build(), "TinyDsc needs [N, C, H, W], [N, C, L] or [N, C]");
    }
}
