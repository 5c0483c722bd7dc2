using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Quantization;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Converter.Tests.Quantization;

public sealed class GraphQuantizerTests
{
    [Fact]
    public void SingleConv_MatchesHandComputedParameters()
    {
        (FloatGraph g, Dictionary<string, ValueRange> ranges) = TestGraphs.SingleConv();
        Model m = GraphQuantizer.Quantize(g, ranges).Model;

        Assert.Equal(2, m.Tensors.Length);
        TensorInfo x = m.Tensors[m.InputTensor], y = m.Tensors[m.OutputTensor];
        Assert.Equal((1f / 64, -128), (x.Scale, x.ZeroPoint));
        Assert.Equal(new[] { 1, 2, 2, 1 }, x.Dims);
        Assert.Equal((1f / 32, -96), (y.Scale, y.ZeroPoint));
        Assert.Equal(new[] { 1, 1, 1, 1 }, y.Dims);

        OperatorInfo op = Assert.Single(m.Operators);
        Assert.Equal(OpCodes.Conv2D, op.OpCode);
        Assert.Equal(new sbyte[] { 64, -32, 127, 0 }, op.Weights);
        Assert.Equal(new[] { 2048 }, op.Bias);
        Assert.Equal(new[] { 1 << 30 }, op.Multiplier);
        Assert.Equal(new[] { -7 }, op.Shift);
        Assert.Equal((-96, 96), (op.ActMin, op.ActMax));
        Assert.Equal((2, 2, 1), (op.KernelH, op.KernelW, op.Groups));
    }

    [Fact]
    public void PoolsAndReshapeKeepInputQuantization_FcColumnsPermuted()
    {
        FloatGraph g = TestGraphs.SmallNet(1);
        var ranges = new Dictionary<string, ValueRange>
        {
            ["x"] = new(-1f, 1f), ["c1"] = new(0f, 2f), ["dw"] = new(-3f, 3f), ["flat"] = new(-9f, 9f),
            ["logits"] = new(-4f, 4f),
        };
        QuantizedModel qm = GraphQuantizer.Quantize(g, ranges);
        Model m = qm.Model;
        Assert.Equal(new[] { "x", "c1", "dw", "flat", "logits" }, qm.TensorNames);
        // The flatten takes dw's parameters, not its own calibrated range.
        Assert.Equal(m.Tensors[2].Scale, m.Tensors[3].Scale);
        Assert.Equal(m.Tensors[2].ZeroPoint, m.Tensors[3].ZeroPoint);
        Assert.Equal(2, m.Tensors[3].Rank);
        Assert.Equal(new[] { 1, 36, 1, 1 }, m.Tensors[3].Dims);
        Assert.Equal(new[] { 1, 3, 3, 4 }, m.Tensors[2].Dims);

        // FC column for NHWC position (h, w, c) holds the float column c·9 + h·3 + w.
        OperatorInfo fc = m.Operators[3];
        float[] w = g.Nodes[3].Weight!;
        (sbyte[] reference, _) = WeightQuantization.PerChannel(w, 3);
        for (int o = 0; o < 3; o++)
        {
            for (int h = 0; h < 3; h++)
            {
                for (int x = 0; x < 3; x++)
                {
                    for (int c = 0; c < 4; c++)
                    {
                        Assert.Equal(reference[o * 36 + c * 9 + h * 3 + x], fc.Weights[o * 36 + (h * 3 + x) * 4 + c]);
                    }
                }
            }
        }
        Assert.Equal((1, 1, 0, 0), (m.Operators[1].PadTop, m.Operators[1].PadLeft, m.Operators[1].PadBottom, 0));
        Assert.Equal(4, m.Operators[1].Groups);
    }

    [Fact]
    public void SmallNet_PlannedModel_PassesTheFormatRulesAndRoundTrips()
    {
        FloatGraph g = TestGraphs.SmallNet(3);
        var ranges = new Dictionary<string, ValueRange>
        {
            ["x"] = new(-1f, 1f), ["c1"] = new(0f, 2f), ["dw"] = new(-3f, 3f), ["flat"] = new(-3f, 3f),
            ["logits"] = new(-4f, 4f),
        };
        Model m = GraphQuantizer.Quantize(g, ranges).Model;
        TinyDsc.Converter.Planning.MemoryPlan plan = TinyDsc.Converter.Planning.ModelMemoryPlanner.Apply(m);
        // A chain: x+c1 (72+144), c1+dw (144+36), dw+flat (36+36), flat+logits (36+3) → 216.
        Assert.Equal(216, plan.LowerBoundBytes);
        Assert.Equal(216, m.ArenaSize);
        byte[] file = TinyDsc.Converter.Format.ModelWriter.Write(m);
        Model back = ModelReader.Load(file);
        Assert.Equal(m.Operators[3].Weights, back.Operators[3].Weights);
        Assert.Equal(m.Operators[0].Multiplier, back.Operators[0].Multiplier);
        Assert.Equal(m.Tensors[1].ArenaOffset, back.Tensors[1].ArenaOffset);
    }

    [Fact]
    public void GlobalAveragePool_RequantizesToItsCalibratedOutputRange()
    {
        // x: ReLU6-like range [0, 6] over 6×6 pixels; the mean's calibrated range is [0, 1.5].
        var g = new FloatGraph { Input = "x", Output = "m" };
        g.Values["x"] = new ValueInfo("x", new[] { 1, 4, 6, 6 });
        g.Values["m"] = new ValueInfo("m", new[] { 1, 4, 1, 1 });
        var gap = new FloatNode { Name = "gap", Kind = NodeKind.GlobalAveragePool, Output = "m" };
        gap.Inputs.Add("x");
        g.Nodes.Add(gap);
        var ranges = new Dictionary<string, ValueRange> { ["x"] = new(0f, 6f), ["m"] = new(0f, 1.5f) };
        Model m = GraphQuantizer.Quantize(g, ranges).Model;

        QuantParams outQ = QuantParams.FromRange(new ValueRange(0f, 1.5f));
        Assert.Equal(outQ.Scale, m.Tensors[1].Scale);
        Assert.Equal(-128, m.Tensors[1].ZeroPoint);
        // TFLite's MEAN: M = s_in / s_out = (6/255) / (1.5/255) ≈ 4 = 0.5 · 2^3, and p0 = 1 (the kernel divides by 36).
        OperatorInfo op = m.Operators[0];
        QuantMath.QuantizeMultiplier((double)m.Tensors[0].Scale / outQ.Scale, out int multiplier, out int shift);
        Assert.Equal(new[] { multiplier }, op.Multiplier);
        Assert.Equal(new[] { 3 }, op.Shift);
        Assert.InRange(multiplier, (1 << 30) - 2, (1 << 30) + 2);   // 0.5 · 2^31, up to the float32 rounding of the scales
        Assert.Equal(1, op.Params[0]);
        Assert.Null(op.Weights);
        Assert.Null(op.Bias);
        ModelValidator.Validate(WithArena(m));
    }

    [Theory]
    // Bound H·W·(255·2^max(shift, 0) + 1) ≤ 2^31 − 1 with M = s_in / s_out.
    [InlineData(1.0, 2.0, 8388607L, true)]      // M = 0.5 (shift 0): 256 · 8388607 = 2^31 − 256
    [InlineData(1.0, 2.0, 8388608L, false)]     // 256 · 2^23 = 2^31
    [InlineData(1.0, 1e-4, 514L, true)]         // M = 10^4 (shift 14): (255·2^14 + 1) · 514 = 2,147,451,394
    [InlineData(1.0, 1e-4, 515L, false)]        // · 515 = 2,151,629,315 ≥ 2^31
    public void GlobalAveragePool_FallsBackToTheInputScaleWhenTheSumBoundFails(double sIn, double sOut, long pixels, bool requantizes)
    {
        (int Multiplier, int Shift)? r = Requantization.GlobalAveragePool((float)sIn, (float)sOut, pixels);
        Assert.Equal(requantizes, r.HasValue);
    }

    private static Model WithArena(Model m)
    {
        int offset = 0;
        foreach (TensorInfo t in m.Tensors)
        {
            t.ArenaOffset = offset;
            offset += t.ByteSize;
        }
        m.ArenaSize = offset;
        return m;
    }

    [Fact]
    public void LayerThatCouldOverflowTheAccumulator_IsRejectedByName()
    {
        const int cin = GraphQuantizer.MaxTapsPerOutput + 1;
        var g = new FloatGraph { Input = "x", Output = "y" };
        g.Values["x"] = new ValueInfo("x", new[] { 1, cin, 1, 1 });
        g.Values["y"] = new ValueInfo("y", new[] { 1, 1, 1, 1 });
        var conv = new FloatNode
        {
            Name = "wide", Kind = NodeKind.Conv, Output = "y", Weight = new float[cin], WeightShape = new[] { 1, cin, 1, 1 },
        };
        conv.Inputs.Add("x");
        g.Nodes.Add(conv);
        var ranges = new Dictionary<string, ValueRange> { ["x"] = new(0, 1), ["y"] = new(0, 1) };
        var e = Assert.Throws<QuantizationException>(() => GraphQuantizer.Quantize(g, ranges));
        Assert.Contains("'wide'", e.Message);
        Assert.Contains("accumulator", e.Message);
    }

    [Fact]
    public void FlattenReadByNonFullyConnected_IsRejected()
    {
        FloatGraph g = TestGraphs.SmallNet(2);
        // Make the flatten the graph output: its NHWC byte order would differ from the model's NCHW order.
        g.Nodes.RemoveAt(3);
        g.Output = "flat";
        var ranges = new Dictionary<string, ValueRange>
        {
            ["x"] = new(-1f, 1f), ["c1"] = new(0f, 2f), ["dw"] = new(-3f, 3f), ["flat"] = new(-3f, 3f),
        };
        var e = Assert.Throws<QuantizationException>(() => GraphQuantizer.Quantize(g, ranges));
        Assert.Contains("'flatten'", e.Message);
    }

    [Fact]
    public void MissingRange_NamesTheValue()
    {
        (FloatGraph g, Dictionary<string, ValueRange> ranges) = TestGraphs.SingleConv();
        ranges.Remove("y");
        var e = Assert.Throws<QuantizationException>(() => GraphQuantizer.Quantize(g, ranges));
        Assert.Contains("'y'", e.Message);
    }
}
