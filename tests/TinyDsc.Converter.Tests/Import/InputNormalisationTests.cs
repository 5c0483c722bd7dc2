using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// Input normalisation in `forward`, (x − mean) / std, exports as Sub then Div on the graph input. It folds into the
/// first layer where that is exact (an unpadded Conv, a FullyConnected) and is otherwise one per-channel op, not two.
/// </summary>
public sealed class InputNormalisationTests
{
    /// <summary>x [3, 6, 5] → Sub(mean) → Div(std) → Conv 3×3 with the given pads and groups.</summary>
    private static byte[] NormalisedConv(bool perChannel, int pad, int groups)
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 3, 6, 5 }).Output("y");
        long[] dims = perChannel ? new long[] { 3, 1, 1 } : new long[0];
        b.Init("mean", dims, perChannel ? new[] { 0.485f, -0.456f, 0.406f } : new[] { 0.5f });
        b.Init("std", dims, perChannel ? new[] { 0.229f, 0.224f, 2.5f } : new[] { 0.25f });
        b.Node("Sub", new[] { "x", "mean" }, "centred", "sub");
        b.Node("Div", new[] { "centred", "std" }, "n", "div");
        int cout = 6;
        b.Init("w", new long[] { cout, 3 / groups, 3, 3 }, Random(cout * 3 / groups * 9, 21));
        b.Init("bias", new long[] { cout }, Random(cout, 22));
        b.Node("Conv", new[] { "n", "w", "bias" }, "y", "conv", ("pads", new[] { pad, pad, pad, pad }), ("group", groups));
        return b.Build();
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 3)] // depthwise with multiplier 2: each output reads its own group's input channel
    public void FoldsIntoAnUnpaddedConv(bool perChannel, int groups)
    {
        var g = ImportAssert.MatchesOnnxRuntime(NormalisedConv(perChannel, 0, groups), new[] { 3, 6, 5 });
        Assert.Equal("Conv", ImportAssert.Kinds(g));
        Assert.Equal(new[] { "x" }, g.Nodes[0].Inputs);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BeforeAPaddedConvIsOneOpNotTwo(bool perChannel)
    {
        // Folding would turn the conv's zero pads into −mean/std at the borders; ORT's border outputs catch that.
        var g = ImportAssert.MatchesOnnxRuntime(NormalisedConv(perChannel, 1, 1), new[] { 3, 6, 5 });
        Assert.Equal("Conv Conv", ImportAssert.Kinds(g));
        Assert.Equal(3, g.Nodes[0].Groups); // the per-channel scale-and-shift as one depthwise 1×1
    }

    [Fact]
    public void FoldsIntoAFullyConnectedOnAFlatInput()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 5 }).Output("y");
        b.Init("mean", new long[] { 5 }, Random(5, 23));
        b.Init("std", new long[0], new[] { 0.3f });
        b.Node("Sub", new[] { "x", "mean" }, "centred", "sub");
        b.Node("Div", new[] { "centred", "std" }, "n", "div");
        b.Init("w", new long[] { 5, 4 }, Random(20, 24));
        b.Node("MatMul", new[] { "n", "w" }, "y", "mm");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 5 });
        Assert.Equal("FullyConnected", ImportAssert.Kinds(g));
    }
}
