using System;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Reference;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// ONNX Concat (channel axis) and PRelu: lowered, then run by the float reference against ONNX Runtime; rejected
/// forms named; converted to int8 and run by the interpreter against the float reference.
/// </summary>
public sealed class ConcatPReluOpTests
{
    private readonly ITestOutputHelper _output;

    public ConcatPReluOpTests(ITestOutputHelper output) => _output = output;

    private static string Conv(OnnxModelBuilder b, string x, int cin, int cout, string name, int seed, float weightScale = 0.3f)
    {
        b.Init(name + ".w", new long[] { cout, cin, 3, 3 }, OnnxModelBuilder.Random(cout * cin * 9, seed, weightScale));
        b.Init(name + ".b", new long[] { cout }, OnnxModelBuilder.Random(cout, seed + 1, 0.1f));
        b.Node("Conv", new[] { x, name + ".w", name + ".b" }, name, name, ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }));
        return name;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-3)]
    public void ConcatOfTwoConvBranchesAlongTheChannels(int axis)
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 3, 6, 5 }).Output("y");
        string a = Conv(b, "x", 3, 4, "a", 1);
        string c = Conv(b, "x", 3, 2, "c", 3, weightScale: 1.5f);
        b.Node("Concat", new[] { a, c }, "y", "cat", ("axis", axis));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 6, 5 });
        Assert.Equal("Conv Conv Concat", ImportAssert.Kinds(g));
        Assert.Equal(new[] { 1, 6, 6, 5 }, g.Values["y"].Shape);
    }

    [Fact]
    public void ConcatOfThreeInputsIncludingTheGraphInputAndARepeat()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 4, 4 }).Output("y");
        string a = Conv(b, "x", 2, 1, "a", 5);
        b.Node("Relu", new[] { "x" }, "r", "relu");
        b.Node("Concat", new[] { "x", a, "x" }, "y", "cat", ("axis", 1));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 4, 4 });
        Assert.Equal(new[] { "x", "a", "x" }, g.Nodes.Last().Inputs);
    }

    [Fact]
    public void ConcatOfVectors()
    {
        // [N, C] vectors from two Gemm heads (torch.cat(..., dim=1) of Linear outputs).
        var b = new OnnxModelBuilder(13).Input("x", new[] { 6 }).Output("y");
        b.Init("w1", new long[] { 3, 6 }, OnnxModelBuilder.Random(18, 7));
        b.Init("w2", new long[] { 2, 6 }, OnnxModelBuilder.Random(12, 8));
        b.Node("Gemm", new[] { "x", "w1" }, "p", "fc1", ("transB", 1));
        b.Node("Gemm", new[] { "x", "w2" }, "q", "fc2", ("transB", 1));
        b.Node("Concat", new[] { "p", "q" }, "y", "cat", ("axis", -1));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 6 });
        Assert.Equal(new[] { 1, 5 }, g.Values["y"].Shape);
    }

    [Fact]
    public void ConcatOfOneInputIsTheIdentity()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 3 }).Output("y");
        string a = Conv(b, "x", 2, 2, "a", 9);
        b.Node("Concat", new[] { a }, "y", "cat", ("axis", 1));
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 });
        Assert.Equal("Conv", ImportAssert.Kinds(g));
    }

    [Fact]
    public void ConcatAlongAnotherAxisIsRejectedByName()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Node("Relu", new[] { "x" }, "r", "relu");
        b.Node("Concat", new[] { "x", "r" }, "y", "cat", ("axis", 2));
        ImportAssert.Rejects(b.Build(), "node 'cat' (Concat): axis 2 on rank-4 inputs [1, 2, 3, 3]: only concatenation along the channels");
    }

    [Fact]
    public void ConcatOfFiveInputsIsRejectedByName()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Node("Concat", new[] { "x", "x", "x", "x", "x" }, "y", "cat", ("axis", 1));
        ImportAssert.Rejects(b.Build(), "node 'cat' (Concat): 5 inputs; TinyDsc's Concat takes 2..4");
    }

    [Theory]
    [InlineData(new long[] { 4, 1, 1 })]      // nn.PReLU(4) exported for NCHW
    [InlineData(new long[] { 1, 4, 1, 1 })]
    [InlineData(new long[] { 1 })]            // nn.PReLU() (one shared slope)
    public void PReluSlopeShapes(long[] slopeShape)
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 4, 3, 5 }).Output("y");
        int n = (int)slopeShape.Aggregate(1L, (p, d) => p * d);
        b.Init("slope", slopeShape, n == 1 ? new[] { 0.25f } : new[] { 0.1f, -0.5f, 2f, 0f });
        b.Node("PRelu", new[] { "x", "slope" }, "y", "prelu");
        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 4, 3, 5 });
        Assert.Equal("PRelu", ImportAssert.Kinds(g));
        Assert.Equal(4, g.Nodes[0].Weight!.Length);
    }

    [Fact]
    public void PReluOnVectorsWithASlopePerChannel()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 3 }).Output("y");
        b.Init("slope", new long[] { 3 }, new[] { 0.2f, -1f, 0.5f });
        b.Node("PRelu", new[] { "x", "slope" }, "y", "prelu");
        ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3 });
    }

    [Fact]
    public void PReluSlopeAlongTheWidthIsRejected()
    {
        // ONNX broadcasts a [W] slope along the last axis (width), not per channel.
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 3, 5 }).Output("y");
        b.Init("slope", new long[] { 5 }, new[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f });
        b.Node("PRelu", new[] { "x", "slope" }, "y", "prelu");
        ImportAssert.Rejects(b.Build(), "node 'prelu' (PRelu): constant operand of shape [5]");
    }

    /// <summary>
    /// Two conv branches at different output ranges (so the Concat requantizes both), the graph input copied in as a
    /// third input, a PRelu per channel after it: int8 through the converter and the interpreter against the float
    /// reference on held-out inputs.
    /// </summary>
    [Fact]
    public void Int8ConcatAndPReluModelFollowsTheFloatReference()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 3, 8, 8 }).Output("y");
        string a = Conv(b, "x", 3, 4, "a", 11);
        string c = Conv(b, "x", 3, 3, "c", 13, weightScale: 2f);
        b.Node("Concat", new[] { a, "x", c }, "cat", "cat", ("axis", 1));
        b.Init("slope", new long[] { 10, 1, 1 }, OnnxModelBuilder.Random(10, 17, 0.5f));
        b.Node("PRelu", new[] { "cat", "slope" }, "y", "prelu");
        FloatGraph graph = TinyDsc.Converter.Import.OnnxImporter.Import(b.Build());
        int size = 3 * 8 * 8;
        float[] calibration = OnnxModelBuilder.Random(size * 32, 21);
        ConversionResult converted = ModelConverter.Convert(graph, calibration, new[] { 32, 3, 8, 8 }, "calibration", new CalibrationOptions());
        Model model = ModelReader.Load(converted.FileBytes);
        Assert.Contains(model.Operators, op => op.OpCode == OpCodes.Concat && op.Params[0] == 3);
        Assert.Contains(model.Operators, op => op.OpCode == OpCodes.PRelu);
        float[] input = OnnxModelBuilder.Random(size * 8, 23);
        float[] expected = FloatReference.RunBatch(graph, input, 8);
        BatchResult int8 = new Int8Runner(model).Run(input, new[] { 8, 3, 8, 8 }, "input");
        VerifyMetrics m = VerifyMetrics.Compute(expected, int8.Data, 8);
        TensorInfo output = model.Tensors[model.OutputTensor];
        double maxError = expected.Zip(int8.Data, (e, q) => Math.Abs(e - q)).Max();
        _output.WriteLine($"concat + prelu int8: SQNR {m.SqnrDb:F1} dB, max error {maxError:G3} = {maxError / output.Scale:F2} output LSB");
        // Quantization noise of four roundings (input, conv outputs, concat requantization, PRelu) on this range: the
        // SQNR of an int8 pipeline is ~40 dB; 30 dB leaves margin for calibration on 32 random images.
        Assert.True(m.SqnrDb >= 30, $"SQNR {m.SqnrDb:F1} dB");
    }
}
