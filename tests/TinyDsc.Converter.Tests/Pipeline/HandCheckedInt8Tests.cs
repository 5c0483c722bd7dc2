using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Tests.Quantization;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Pipeline;

/// <summary>The hand-computed single conv of <see cref="TestGraphs.SingleConv"/> run end to end through the runtime.</summary>
public sealed class HandCheckedInt8Tests
{
    private static Int8Runner Runner()
    {
        (FloatGraph g, Dictionary<string, ValueRange> ranges) = TestGraphs.SingleConv();
        Model m = GraphQuantizer.Quantize(g, ranges).Model;
        ModelMemoryPlanner.Apply(m);
        return new Int8Runner(ModelReader.Load(ModelWriter.Write(m)));
    }

    [Theory]
    // x = {1, 2, 0.5, 0.25} (NCHW) → q − zp = {64, 128, 32, 16}; acc = 2048 + 64·64 − 128·32 + 32·127 + 0 = 6112;
    // 6112 · 2^30 / 2^31 = 3056, / 2^7 = 23.875 → 24; q = −96 + 24 = −72 → (−72 + 96) / 32 = 0.75 (float: 0.74609).
    [InlineData(new[] { 1f, 2f, 0.5f, 0.25f }, 0.75f)]
    // x = {0, 255/64, 0, 0} → acc = 2048 − 32·255 = −6112 → −24 → q = −120, below the ReLU6 floor −96 → 0.
    [InlineData(new[] { 0f, 3.984375f, 0f, 0f }, 0f)]
    // x = {255/64, 0, 255/64, 0} → acc = 2048 + 255·64 + 255·127 = 50753 → 198.25 → 198 → q = 102, above the
    // ReLU6 ceiling 96 → (96 + 96) / 32 = 6.
    [InlineData(new[] { 3.984375f, 0f, 3.984375f, 0f }, 6f)]
    public void SingleConv_OutputsTheHandComputedValue(float[] x, float expected)
    {
        BatchResult r = Runner().Run(x, new[] { 1, 1, 2, 2 }, "x.npy");
        Assert.Equal(new[] { 1, 1, 1, 1 }, r.Shape);
        Assert.Equal(expected, r.Data[0]);
    }

    [Fact]
    public void WrongInputShape_NamesFileAndBothShapes()
    {
        var e = Assert.Throws<PipelineInputException>(() => Runner().Run(new float[8], new[] { 2, 1, 4, 1 }, "X.npy"));
        Assert.Equal("X.npy has shape [2,1,4,1] but the model expects [N,1,2,2]", e.Message);
    }
}
