using System.Linq;
using TinyDsc.Converter.Graph;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>Each op variant lowered and run by the float reference against ONNX Runtime on the same model.</summary>
public sealed class OpLoweringTests
{
    [Theory]
    [InlineData("SAME_UPPER", 3, 2, 1)]
    [InlineData("SAME_UPPER", 4, 2, 1)]
    [InlineData("SAME_LOWER", 4, 2, 1)]
    [InlineData("SAME_LOWER", 3, 3, 1)]
    [InlineData("VALID", 3, 2, 1)]
    [InlineData("NOTSET", 3, 1, 2)]
    public void ConvAutoPad(string autoPad, int kernel, int stride, int dilation)
    {
        // 7x6 input so odd and even totals of SAME padding both occur.
        var b = new OnnxModelBuilder().Input("x", new[] { 3, 7, 6 }).Output("y");
        b.Init("w", new long[] { 4, 3, kernel, kernel }, Random(12 * kernel * kernel, kernel));
        b.Init("bias", new long[] { 4 }, Random(4, 9));
        b.Node("Conv", new[] { "x", "w", "bias" }, "y", "conv", ("auto_pad", autoPad), ("strides", new[] { stride, stride }),
            ("dilations", new[] { dilation, dilation }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 7, 6 });
        Assert.Equal("Conv", ImportAssert.Kinds(g));
    }

    [Theory]
    [InlineData("SAME_UPPER", 1, 2)]
    [InlineData("SAME_LOWER", 2, 1)]
    public void SamePaddingWithDilationFollowsTheSpecFormula(string autoPad, int begin, int end)
    {
        // ORT rejects dilation with SAME, so this is checked by hand: input 6, kernel 3, dilation 2 (extent 5), stride 2:
        // out = ceil(6 / 2) = 3, total pad = (3 − 1)·2 + 5 − 6 = 3, the odd one at the end (UPPER) or the start (LOWER).
        var b = new OnnxModelBuilder().Input("x", new[] { 1, 6, 6 }).Output("y");
        b.Init("w", new long[] { 1, 1, 3, 3 }, Random(9, 1));
        b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("auto_pad", autoPad), ("strides", new[] { 2, 2 }), ("dilations", new[] { 2, 2 }));
        var g = TinyDsc.Converter.Import.OnnxImporter.Import(b.Build());
        var conv = Assert.Single(g.Nodes);
        Assert.Equal((begin, begin, end, end), (conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
        Assert.Equal(new[] { 1, 1, 3, 3 }, g.Values[g.Output].Shape);
    }

    [Theory]
    [InlineData("AveragePool", "SAME_UPPER", 0)]
    [InlineData("AveragePool", "SAME_LOWER", 1)]
    [InlineData("AveragePool", "NOTSET", 0)]
    [InlineData("AveragePool", "NOTSET", 1)]
    [InlineData("MaxPool", "SAME_UPPER", 0)]
    [InlineData("MaxPool", "SAME_LOWER", 0)]
    [InlineData("MaxPool", "NOTSET", 0)]
    public void PoolPaddingVariants(string op, string autoPad, int countIncludePad)
    {
        var b = new OnnxModelBuilder(11).Input("x", new[] { 2, 7, 6 }).Output("y");
        var attrs = new (string, object)[] { ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("auto_pad", autoPad) };
        if (autoPad == "NOTSET")
        {
            attrs = attrs.Append(("pads", new[] { 1, 0, 1, 2 })).ToArray();
        }
        if (op == "AveragePool")
        {
            attrs = attrs.Append(("count_include_pad", countIncludePad)).ToArray();
        }
        b.Node(op, new[] { "x" }, "y", "pool", attrs);
        ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 7, 6 });
    }

    [Fact]
    public void CeilModeAcceptedWhereOutputSizeIsUnchanged()
    {
        var b = new OnnxModelBuilder(11).Input("x", new[] { 2, 6, 6 }).Output("y");
        b.Node("AveragePool", new[] { "x" }, "y", "pool", ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }), ("ceil_mode", 1));
        ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 6, 6 });
    }

    private static OnnxModelBuilder PadThen(string op, bool reluFirst, int[] pads, params (string, object)[] attrs)
    {
        var b = new OnnxModelBuilder(11).Input("x", new[] { 2, 5, 5 }).Output("y");
        string src = "x";
        if (reluFirst)
        {
            b.Node("Relu", new[] { "x" }, "r", "relu");
            src = "r";
        }
        b.InitInt64("pads", new long[] { 8 }, pads.Select(p => (long)p).ToArray());
        b.Node("Pad", new[] { src, "pads" }, "p", "pad");
        if (op == "Conv")
        {
            b.Init("w", new long[] { 3, 2, 3, 3 }, Random(54, 4));
            b.Node("Conv", new[] { "p", "w" }, "y", "conv", attrs);
        }
        else
        {
            b.Node(op, new[] { "p" }, "y", "pool", attrs);
        }
        return b;
    }

    [Fact]
    public void PadMergesIntoAveragePoolAsCountIncludePad()
    {
        var b = PadThen("AveragePool", false, new[] { 0, 0, 1, 1, 0, 0, 1, 1 }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 5, 5 });
        var pool = Assert.Single(g.Nodes);
        Assert.True(pool.CountIncludePad);
        Assert.Equal((1, 1, 1, 1), (pool.PadTop, pool.PadLeft, pool.PadBottom, pool.PadRight));
    }

    [Fact]
    public void PadBeforeAveragePoolExcludingItsOwnPadsStaysSeparate()
    {
        var b = PadThen("AveragePool", false, new[] { 0, 0, 1, 0, 0, 0, 0, 1 }, ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 5, 5 });
        Assert.Equal("Conv AveragePool", ImportAssert.Kinds(g));
        Assert.False(g.Nodes[1].CountIncludePad);
    }

    [Fact]
    public void PadMergesIntoMaxPoolAfterRelu()
    {
        // Input ≥ 0 and every window keeps a real element, so a padded 0 never beats the window's maximum.
        var b = PadThen("MaxPool", true, new[] { 0, 0, 1, 1, 0, 0, 1, 1 }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 5, 5 });
        Assert.Equal("Conv+Relu MaxPool", ImportAssert.Kinds(g));
        Assert.Equal(1, g.Nodes[1].PadTop);
    }

    [Fact]
    public void PadBeforeMaxPoolOnSignedInputStaysSeparate()
    {
        // Zero padding on negative values differs from MaxPool's own padding (−inf): kept as a padded identity conv.
        var b = PadThen("MaxPool", false, new[] { 0, 0, 1, 1, 0, 0, 1, 1 }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 5, 5 });
        Assert.Equal("Conv MaxPool", ImportAssert.Kinds(g));
        Assert.Equal((1, 1, 1, 1), (g.Nodes[0].PadTop, g.Nodes[0].PadLeft, g.Nodes[0].PadBottom, g.Nodes[0].PadRight));
        Assert.Equal(0, g.Nodes[1].PadTop);
    }

    [Fact]
    public void AsymmetricPadMergesIntoConvPads()
    {
        var b = PadThen("Conv", false, new[] { 0, 0, 2, 0, 0, 0, 0, 1 }, ("pads", new[] { 1, 1, 1, 1 }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 5, 5 });
        var conv = Assert.Single(g.Nodes);
        Assert.Equal((3, 1, 1, 2), (conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
    }

    [Fact]
    public void OldOpsetPadAttribute()
    {
        var b = new OnnxModelBuilder(9).Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Node("Pad", new[] { "x" }, "y", "pad", ("pads", new[] { 0, 0, 1, 2, 0, 0, 0, 1 }), ("mode", "constant"), ("value", 0f));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });
        Assert.Equal(new[] { 1, 2, 5, 7 }, g.Values[g.Output].Shape);
    }

    [Fact]
    public void ReluAfterMaxPoolFusesIntoConv()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 6, 6 }).Output("y");
        b.Init("w", new long[] { 3, 2, 3, 3 }, Random(54, 6));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("pads", new[] { 1, 1, 1, 1 }));
        b.Node("MaxPool", new[] { "c" }, "p", "pool", ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }));
        b.Node("Relu", new[] { "p" }, "y", "relu");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 6, 6 });
        Assert.Equal("Conv+Relu MaxPool", ImportAssert.Kinds(g));
        Assert.Equal("y", g.Output);
    }

    [Fact]
    public void ResidualAddWithRelu6AndIdentityDropout()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 3, 4, 4 }).Output("y");
        b.Init("w", new long[] { 3, 3, 1, 1 }, Random(9, 8, 3f));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv");
        b.Node("Identity", new[] { "c" }, "i", "id");
        b.Node("Dropout", new[] { "i" }, "d", "drop");
        b.Node("Add", new[] { "x", "d" }, "s", "add");
        b.Init("lo", new long[0], new[] { 0f });
        b.Init("hi", new long[0], new[] { 6f });
        b.Node("Clip", new[] { "s", "lo", "hi" }, "y", "clip");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 4, 4 }, inputScale: 4f);
        Assert.Equal("Conv Add+Relu6", ImportAssert.Kinds(g));
        Assert.Equal(new[] { "x", "c" }, g.Nodes[1].Inputs);
    }

    [Theory]
    [InlineData("Add", false)]
    [InlineData("Sub", false)]
    [InlineData("Sub", true)]
    [InlineData("Mul", false)]
    [InlineData("Mul", true)]
    [InlineData("Div", false)]
    public void PerChannelConstantFoldsIntoConv(string op, bool constantFirst)
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Init("w", new long[] { 3, 2, 3, 3 }, Random(54, 12));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv");
        b.Init("k", new long[] { 3, 1, 1 }, new[] { 0.5f, -2f, 4f });
        b.Node(op, constantFirst ? new[] { "k", "c" } : new[] { "c", "k" }, "y", "op");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });
        Assert.Equal("Conv", ImportAssert.Kinds(g));
    }

    [Fact]
    public void ScalarConstantAddAfterPoolBecomesDepthwiseConv()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Node("GlobalAveragePool", new[] { "x" }, "p", "gap");
        b.Init("k", new long[0], new[] { 1.5f });
        b.Node("Add", new[] { "p", "k" }, "y", "add");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });
        Assert.Equal("GlobalAveragePool Conv", ImportAssert.Kinds(g));
        Assert.Equal(new[] { 1.5f, 1.5f }, g.Nodes[1].Bias);
    }

    [Fact]
    public void MatMulPlusAddBecomesFullyConnectedWithBias()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 6 }).Output("y");
        b.Init("w", new long[] { 6, 4 }, Random(24, 13));
        b.Node("MatMul", new[] { "x", "w" }, "m", "mm");
        b.Init("bias", new long[] { 4 }, Random(4, 14));
        b.Node("Add", new[] { "m", "bias" }, "a", "add");
        b.Node("Relu", new[] { "a" }, "y", "relu");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 6 });
        Assert.Equal("FullyConnected+Relu", ImportAssert.Kinds(g));
        Assert.NotNull(g.Nodes[0].Bias);
    }

    [Theory]
    [InlineData(0, 1f, 1f)]
    [InlineData(1, 0.5f, 2f)]
    [InlineData(0, 2f, 0.25f)]
    public void GemmTransposeAlphaBeta(int transB, float alpha, float beta)
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 5 }).Output("y");
        b.Init("w", transB == 1 ? new long[] { 3, 5 } : new long[] { 5, 3 }, Random(15, 15));
        b.Init("c", new long[] { 1, 3 }, Random(3, 16));
        b.Node("Gemm", new[] { "x", "w", "c" }, "y", "fc", ("transB", transB), ("alpha", alpha), ("beta", beta));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 5 });
        Assert.Equal(new[] { 3, 5 }, g.Nodes[0].WeightShape);
    }

    [Theory]
    [InlineData(new long[] { 0, -1 }, null)]
    [InlineData(new long[] { 1, -1 }, 1L)]
    [InlineData(new long[] { -1, 18 }, null)]
    [InlineData(new long[] { 2, -1 }, 2L)]
    public void FlatteningReshapes(long[] target, long? batch)
    {
        // [1, -1] flattens the whole batch in ONNX, so it means [N, -1] only for a model declared with batch 1.
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 3, 3 }, batch: batch).Output("y");
        b.InitInt64("s", new long[] { 2 }, target);
        b.Node("Reshape", new[] { "x", "s" }, "f", "reshape");
        b.Init("w", new long[] { 4, 18 }, Random(72, 17));
        b.Node("Gemm", new[] { "f", "w" }, "y", "fc", ("transB", 1));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 }, batch: (int)(batch ?? 2));
        Assert.Equal("Reshape FullyConnected", ImportAssert.Kinds(g));
    }

    [Fact]
    public void LoneReluOnVectorBecomesIdentityFullyConnected()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 5 }).Output("y");
        b.Node("Relu", new[] { "x" }, "y", "relu");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 5 });
        Assert.Equal("FullyConnected+Relu", ImportAssert.Kinds(g));
    }

    [Fact]
    public void InitializersListedAsGraphInputsInOldIr()
    {
        var b = new OnnxModelBuilder(opset: 8, irVersion: 3).Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Init("w", new long[] { 4, 1, 3, 3 }, Random(36, 18), raw: false, listAsInput: true);
        b.Init("scale", new long[] { 4 }, new[] { 1f, 2f, 0.5f, 1f }, listAsInput: true);
        b.Init("B", new long[] { 4 }, new[] { 0f, 1f, 0f, -1f }, listAsInput: true);
        b.Init("mean", new long[] { 4 }, new[] { 0.1f, 0f, 0f, 0.2f }, listAsInput: true);
        b.Init("var", new long[] { 4 }, new[] { 1f, 2f, 0.5f, 1f }, listAsInput: true);
        b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("group", 2), ("pads", new[] { 1, 1, 1, 1 }));
        b.Node("BatchNormalization", new[] { "c", "scale", "B", "mean", "var" }, "bn", "bn");
        b.Node("Clip", new[] { "bn" }, "y", "clip", ("min", 0f), ("max", 6f));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 }, inputScale: 3f);
        Assert.Equal("Conv+Relu6", ImportAssert.Kinds(g));
    }

    [Fact]
    public void DeadBranchesAreDropped()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Node("Relu", new[] { "x" }, "unused", "dead");
        b.Node("GlobalAveragePool", new[] { "x" }, "y", "gap");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });
        Assert.Equal("GlobalAveragePool", ImportAssert.Kinds(g));
    }

    [Fact]
    public void SharedWeightInitializerIsNotChangedByFoldingIntoOneUser()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Init("w", new long[] { 2, 2, 3, 3 }, Random(36, 19));
        b.Node("Conv", new[] { "x", "w" }, "c1", "conv1", ("pads", new[] { 1, 1, 1, 1 }));
        b.Init("k", new long[] { 2, 1, 1 }, new[] { 3f, -2f });
        b.Node("Mul", new[] { "c1", "k" }, "m", "scale");
        b.Node("Conv", new[] { "m", "w" }, "y", "conv2", ("pads", new[] { 1, 1, 1, 1 }));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });
        Assert.Equal("Conv Conv", ImportAssert.Kinds(g));
        Assert.Equal(Random(36, 19), g.Nodes[1].Weight);
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(13, 0)]
    public void ReduceMeanOverSpatialDimsIsGlobalAveragePool(int opset, int keepdims)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { 3, 4, 5 }).Output("y");
        b.Node("ReduceMean", new[] { "x" }, "y", "mean", ("axes", new[] { -1, 2 }), ("keepdims", keepdims));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 4, 5 });
        Assert.Equal(keepdims == 1 ? "GlobalAveragePool" : "GlobalAveragePool Reshape", ImportAssert.Kinds(g));
        Assert.Equal(keepdims == 1 ? new[] { 1, 3, 1, 1 } : new[] { 1, 3 }, g.Values[g.Output].Shape);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SqueezeAfterGlobalPoolFlattens(int opset)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { 3, 4, 5 }).Output("y");
        b.Node("GlobalAveragePool", new[] { "x" }, "p", "gap");
        if (opset >= 13)
        {
            b.InitInt64("axes", new long[] { 2 }, new long[] { 2, 3 });
            b.Node("Squeeze", new[] { "p", "axes" }, "s", "squeeze");
        }
        else
        {
            b.Node("Squeeze", new[] { "p" }, "s", "squeeze", ("axes", new[] { 3, 2 }));
        }
        b.Init("w", new long[] { 3, 2 }, Random(6, 20));
        b.Node("MatMul", new[] { "s", "w" }, "m", "mm");
        b.Node("Identity", new[] { "m" }, "y", "id");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 4, 5 });
        Assert.Equal("GlobalAveragePool Reshape FullyConnected", ImportAssert.Kinds(g));
    }
}
