using System.Linq;
using TinyDsc.Converter.Graph;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>The activation ops and activation × activation Mul: lowered, then run by the float reference against ONNX Runtime.</summary>
public sealed class ActivationOpTests
{
    [Theory]
    [InlineData("Sigmoid", "Sigmoid", 13)]
    [InlineData("Tanh", "Tanh", 13)]
    [InlineData("HardSwish", "HardSwish", 14)]
    [InlineData("HardSigmoid", "HardSigmoid", 13)]
    [InlineData("LeakyRelu", "LeakyRelu", 13)]
    public void UnaryActivation(string op, string kind, int opset)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { 3, 5, 4 }).Output("y");
        b.Node(op, new[] { "x" }, "y", "act");
        // Inputs spread over ±4 so HardSwish / HardSigmoid see both saturated ends and the linear middle.
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 5, 4 }, inputScale: 4f);
        Assert.Equal(kind, ImportAssert.Kinds(g));
    }

    [Fact]
    public void HardSigmoidAttributesAreRead()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Node("HardSigmoid", new[] { "x" }, "y", "hs", ("alpha", 0.3f), ("beta", 0.4f));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 }, inputScale: 4f);
        Assert.Equal((0.3f, 0.4f), (g.Nodes[0].Alpha, g.Nodes[0].Beta));
    }

    [Fact]
    public void HardSigmoidTimesItsInputIsRecognisedAsHardSwish()
    {
        // PyTorch's export of nn.Hardswish before opset 14: HardSigmoid(alpha = 1/6, beta = 0.5) then Mul by x.
        var b = new OnnxModelBuilder(13).Input("x", new[] { 4, 3, 3 }).Output("y");
        b.Node("HardSigmoid", new[] { "x" }, "h", "hs", ("alpha", 1f / 6f), ("beta", 0.5f));
        b.Node("Mul", new[] { "x", "h" }, "y", "mul");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 4, 3, 3 }, inputScale: 4f);
        Assert.Equal("HardSwish", ImportAssert.Kinds(g));
    }

    [Fact]
    public void HardSigmoidWithOtherSlopeTimesInputStaysAMul()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 4, 3, 3 }).Output("y");
        b.Node("HardSigmoid", new[] { "x" }, "h", "hs", ("alpha", 0.2f), ("beta", 0.5f));
        b.Node("Mul", new[] { "x", "h" }, "y", "mul");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 4, 3, 3 }, inputScale: 4f);
        Assert.Equal("HardSigmoid Mul", ImportAssert.Kinds(g));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SqueezeExciteMulBroadcastsPerChannel(bool gateFirst)
    {
        // x [N, 4, 5, 5] · sigmoid(GlobalAveragePool(x)) [N, 4, 1, 1], operands in either order.
        var b = new OnnxModelBuilder(13).Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("GlobalAveragePool", new[] { "x" }, "p", "gap");
        b.Node("Sigmoid", new[] { "p" }, "s", "sig");
        b.Node("Mul", gateFirst ? new[] { "s", "x" } : new[] { "x", "s" }, "y", "mul");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 4, 5, 5 });
        Assert.Equal("GlobalAveragePool Sigmoid Mul", ImportAssert.Kinds(g));
        var mul = g.Nodes.Last();
        Assert.Equal(new[] { 1, 4, 5, 5 }, g.Values[mul.Inputs[0]].Shape);
        Assert.Equal(new[] { 1, 4, 1, 1 }, g.Values[mul.Inputs[1]].Shape);
    }

    [Fact]
    public void MulOfUnrelatedShapesIsRejectedByName()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("MaxPool", new[] { "x" }, "p", "pool", ("kernel_shape", new[] { 2, 2 }));
        b.Node("Mul", new[] { "x", "p" }, "y", "mul");
        ImportAssert.Rejects(b.Build(), "node 'mul' (Mul): input shapes [1, 4, 5, 5] and [1, 4, 4, 4]");
    }

    [Fact]
    public void SqueezeExciteFixtureMatchesOnnxRuntime()
    {
        byte[] model = System.IO.File.ReadAllBytes(System.IO.Path.Combine(Pipeline.Fixtures.Bad("unsupported_sigmoid_gate"), "model.onnx"));
        var imported = TinyDsc.Converter.Import.OnnxImporter.Import(model);
        var shape = imported.Values[imported.Input].Shape;
        var g = ImportAssert.MatchesOnnxRuntime(model, shape[1..]);
        Assert.Contains("Sigmoid Mul", ImportAssert.Kinds(g));
    }

    [Fact]
    public void ClipToAnotherRangeIsHardtanh()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Init("lo", System.Array.Empty<long>(), new[] { -1f });
        b.Init("hi", System.Array.Empty<long>(), new[] { 0.5f });
        b.Node("Clip", new[] { "x", "lo", "hi" }, "y", "clip");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 }, inputScale: 2f);
        Assert.Equal("Hardtanh", ImportAssert.Kinds(g));
        Assert.Equal((-1f, 0.5f), (g.Nodes[0].Alpha, g.Nodes[0].Beta));
    }
}
