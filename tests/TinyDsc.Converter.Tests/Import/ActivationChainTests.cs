using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using Xunit;
using Xunit.Abstractions;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// Consecutive clamps (F.relu6 exports as Relu then Clip(0, 6)) merge into one activation on the producer instead of
/// an extra identity layer: the float reference still matches ONNX Runtime and the arena is that of a single clamp.
/// </summary>
public sealed class ActivationChainTests
{
    private static readonly int[] Sample = { 2, 4, 4 };
    private readonly ITestOutputHelper _output;

    public ActivationChainTests(ITestOutputHelper output) => _output = output;

    /// <summary>Conv (or nothing, when <paramref name="conv"/> is false) then the given activations, in order.</summary>
    private static byte[] Chain(bool conv, params string[] acts)
    {
        var b = new OnnxModelBuilder(13).Input("x", Sample).Output("y");
        string cur = "x";
        if (conv)
        {
            b.Init("w", new long[] { 3, 2, 3, 3 }, Random(54, 11, 4f));
            b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("pads", new[] { 1, 1, 1, 1 }));
            cur = "c";
        }
        for (int i = 0; i < acts.Length; i++)
        {
            string output = i == acts.Length - 1 ? "y" : "a" + i;
            string[] parts = acts[i].Split(':');
            switch (parts[0])
            {
                case "Relu":
                    b.Node("Relu", new[] { cur }, output, "act" + i);
                    break;
                case "MaxPool":
                    b.Node("MaxPool", new[] { cur }, output, "act" + i, ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }));
                    break;
                case "Clip":
                    // "Clip:lo:hi", an empty hi meaning no max input.
                    string lo = b.Constant("lo" + i, FloatTensor("lo" + i, new long[0], new[] { float.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) }));
                    var inputs = parts[2].Length == 0
                        ? new[] { cur, lo }
                        : new[] { cur, lo, b.Constant("hi" + i, FloatTensor("hi" + i, new long[0], new[] { float.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) })) };
                    b.Node("Clip", inputs, output, "act" + i);
                    break;
            }
            cur = output;
        }
        return b.Build();
    }

    [Theory]
    [InlineData(true, "Conv+Relu6", "Relu", "Clip:0:6")]               // F.relu6 after a conv
    [InlineData(true, "Conv+Relu6", "Clip:0:6", "Relu")]
    [InlineData(true, "Conv+Relu", "Relu", "Relu")]
    [InlineData(true, "Conv+Relu", "Relu", "Clip:0:")]                 // Relu then Clip(0, +inf)
    [InlineData(true, "Conv+Relu6", "Relu", "Clip:0:6", "Relu")]       // three in a row
    [InlineData(true, "Conv Hardtanh", "Clip:-1:1", "Relu")]           // intersection [0, 1]
    [InlineData(true, "Conv Hardtanh", "Clip:-2:3", "Clip:-1:5")]      // intersection [-1, 3]
    [InlineData(true, "Conv+Relu6 MaxPool", "Relu", "MaxPool", "Clip:0:6")] // fused across MaxPool onto the conv's ReLU
    [InlineData(false, "Conv+Relu6", "Relu", "Clip:0:6")]              // on the graph input: one identity layer, not two
    public void ConsecutiveClampsBecomeOne(bool conv, string kinds, params string[] acts)
    {
        // Input scaled by 4 so that conv outputs pass 6 and fall below -1 and every bound is exercised.
        var g = ImportAssert.MatchesOnnxRuntime(Chain(conv, acts), Sample, inputScale: 4f);
        Assert.Equal(kinds, ImportAssert.Kinds(g));
    }

    [Fact]
    public void DisjointClampsAreLeftAsTwoOps()
    {
        // Clip(0, 1) then Clip(2, 3) is the constant 2: no single clamp of the input; both stay and stay correct.
        var g = ImportAssert.MatchesOnnxRuntime(Chain(true, "Clip:0:1", "Clip:2:3"), Sample, inputScale: 4f);
        Assert.Equal("Conv Hardtanh Hardtanh", ImportAssert.Kinds(g));
    }

    [Fact]
    public void ReluThenClipHasTheArenaOfClipAlone()
    {
        var calibration = Random(16 * 32, 5, 4f);
        int[] shape = { 16, 2, 4, 4 };
        var chain = ModelConverter.Convert(OnnxImporter.Import(Chain(true, "Relu", "Clip:0:6")), calibration, shape, "random", new CalibrationOptions());
        var single = ModelConverter.Convert(OnnxImporter.Import(Chain(true, "Clip:0:6")), calibration, shape, "random", new CalibrationOptions());
        _output.WriteLine($"Conv→Relu→Clip(0,6): {chain.Quantized.Model.Operators.Length} ops, arena {chain.Plan.ArenaBytes} B; "
            + $"Conv→Clip(0,6): {single.Quantized.Model.Operators.Length} ops, arena {single.Plan.ArenaBytes} B");
        Assert.Equal(single.Quantized.Model.Operators.Length, chain.Quantized.Model.Operators.Length);
        Assert.True(chain.Plan.ArenaBytes <= single.Plan.ArenaBytes, $"arena {chain.Plan.ArenaBytes} B > {single.Plan.ArenaBytes} B");
    }
}
