using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

public sealed class BatchNormFoldingTests
{
    // BN with epsilon 0: a = scale / sqrt(var) = [1/2, 2/0.5] = [0.5, 4]; shift = B − mean·a = [0.5 − 0.5, 0 − 8] = [0, −8].
    private static void AddBatchNorm(OnnxModelBuilder b, string input, string output)
    {
        b.Init("scale", new long[] { 2 }, new[] { 1f, 2f });
        b.Init("B", new long[] { 2 }, new[] { 0.5f, 0f });
        b.Init("mean", new long[] { 2 }, new[] { 1f, 2f });
        b.Init("var", new long[] { 2 }, new[] { 4f, 0.25f });
        b.Node("BatchNormalization", new[] { input, "scale", "B", "mean", "var" }, output, "bn", ("epsilon", 0f));
    }

    [Fact]
    public void BatchNormFoldsIntoPrecedingConv()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Init("w", new long[] { 2, 1, 1, 1 }, new[] { 2f, 3f });
        b.Init("bias", new long[] { 2 }, new[] { 1f, -1f });
        b.Node("Conv", new[] { "x", "w", "bias" }, "c", "conv", ("group", 2));
        AddBatchNorm(b, "c", "y");

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 });

        var conv = Assert.Single(g.Nodes);
        Assert.Equal(NodeKind.Conv, conv.Kind);
        Assert.Equal("y", conv.Output);
        // W' = W·a = [2·0.5, 3·4]; b' = b·a + shift = [1·0.5 + 0, −1·4 − 8].
        Assert.Equal(new[] { 1f, 12f }, conv.Weight);
        Assert.Equal(new[] { 0.5f, -12f }, conv.Bias);
    }

    [Fact]
    public void LoneBatchNormBecomesDepthwiseOneByOneConv()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 3, 3 }).Output("y");
        AddBatchNorm(b, "x", "y");

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 });

        var conv = Assert.Single(g.Nodes);
        Assert.Equal(NodeKind.Conv, conv.Kind);
        Assert.Equal(2, conv.Groups);
        Assert.Equal(new[] { 2, 1, 1, 1 }, conv.WeightShape);
        Assert.Equal(new[] { 0.5f, 4f }, conv.Weight);
        Assert.Equal(new[] { 0f, -8f }, conv.Bias);
    }

    [Fact]
    public void BatchNormIsNotFoldedWhenConvOutputHasAnotherConsumer()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Init("w", new long[] { 2, 2, 3, 3 }, Random(36, 3));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("pads", new[] { 1, 1, 1, 1 }));
        AddBatchNorm(b, "c", "n");
        b.Node("Add", new[] { "c", "n" }, "y", "add");

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });

        Assert.Equal("Conv Conv Add", ImportAssert.Kinds(g));
        Assert.Null(g.Nodes[0].Bias);
        Assert.Equal(2, g.Nodes[1].Groups);
    }

    [Fact]
    public void BatchNormAfterGemmFoldsIntoFullyConnected()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 3 }).Output("y");
        b.Init("w", new long[] { 2, 3 }, new[] { 1f, 0f, 0f, 0f, 1f, 0f });
        b.Node("Gemm", new[] { "x", "w" }, "f", "fc", ("transB", 1));
        AddBatchNorm(b, "f", "y");

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3 });

        var fc = Assert.Single(g.Nodes);
        Assert.Equal(NodeKind.FullyConnected, fc.Kind);
        Assert.Equal(new[] { 0.5f, 0f, 0f, 0f, 4f, 0f }, fc.Weight);
        Assert.Equal(new[] { 0f, -8f }, fc.Bias);
    }

    [Fact]
    public void TrainingModeBatchNormIsRejected()
    {
        var b = new OnnxModelBuilder(opset: 15).Input("x", new[] { 2, 3, 3 }).Output("y");
        AddBatchNorm(b, "x", "y");
        b.Graph.Node[0].Attribute.Add(Attribute("training_mode", 1));
        ImportAssert.Rejects(b.Build(), "node 'bn' (BatchNormalization): training_mode=1 is not supported");
    }

    [Fact]
    public void BatchNormParameterOfWrongLengthIsRejected()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 3, 3, 3 }).Output("y");
        AddBatchNorm(b, "x", "y");
        ImportAssert.Rejects(b.Build(), "node 'bn' (BatchNormalization): scale has shape [2], expected [3] for input [1, 3, 3, 3]");
    }
}
