using TinyDsc.Converter.Graph;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

public sealed class ClipTests
{
    public enum Bounds { Attributes, Initializers, ConstantNodes }

    /// <summary>Conv then Clip(min, max); a null bound is left out (absent attribute or empty input name).</summary>
    private static byte[] ConvClip(int opset, Bounds how, float? min, float? max)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Init("w", new long[] { 3, 2, 3, 3 }, Random(54, 11, 4f));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv", ("pads", new[] { 1, 1, 1, 1 }));
        if (how == Bounds.Attributes)
        {
            var clip = b.Node("Clip", new[] { "c" }, "y", "clip");
            if (min != null)
            {
                clip.Attribute.Add(Attribute("min", min.Value));
            }
            if (max != null)
            {
                clip.Attribute.Add(Attribute("max", max.Value));
            }
            return b.Build();
        }
        string Bound(string name, float? v)
        {
            if (v == null)
            {
                return "";
            }
            var t = FloatTensor(name, new long[0], new[] { v.Value });
            if (how == Bounds.Initializers)
            {
                b.Graph.Initializer.Add(t);
                return name;
            }
            return b.Constant(name, t);
        }
        string lo = Bound("lo", min), hi = Bound("hi", max);
        b.Node("Clip", hi.Length > 0 ? new[] { "c", lo, hi } : new[] { "c", lo }, "y", "clip");
        return b.Build();
    }

    [Theory]
    [InlineData(6, Bounds.Attributes, 0f, 6f, Activation.Relu6)]
    [InlineData(10, Bounds.Attributes, 0f, 6f, Activation.Relu6)]
    [InlineData(6, Bounds.Attributes, 0f, null, Activation.Relu)]
    [InlineData(6, Bounds.Attributes, 0f, float.MaxValue, Activation.Relu)]
    [InlineData(11, Bounds.Initializers, 0f, 6f, Activation.Relu6)]
    [InlineData(13, Bounds.ConstantNodes, 0f, 6f, Activation.Relu6)]
    [InlineData(13, Bounds.ConstantNodes, 0f, null, Activation.Relu)]
    [InlineData(12, Bounds.Initializers, 0f, float.PositiveInfinity, Activation.Relu)]
    public void SupportedClipFusesIntoConv(int opset, Bounds how, float? min, float? max, Activation expected)
    {
        // Input scaled by 4 so that some outputs exceed 6 and the upper bound is exercised.
        var g = ImportAssert.MatchesOnnxRuntime(ConvClip(opset, how, min, max), new[] { 2, 4, 4 }, inputScale: 4f);
        var conv = Assert.Single(g.Nodes);
        Assert.Equal(expected, conv.Activation);
    }

    [Theory]
    // Finite ranges other than [0, 6] are Hardtanh (ActivationOpTests); half-open ones other than [0, +inf) stay rejected.
    [InlineData(13, Bounds.ConstantNodes, -1f, null, "Clip(min=-1, max=+inf) is not supported; only [0, 6] (ReLU6), [0, +inf) (ReLU) and finite min < max (Hardtanh)")]
    [InlineData(6, Bounds.Attributes, null, 6f, "Clip(min=-inf, max=6) is not supported")]
    [InlineData(6, Bounds.Attributes, null, null, "Clip(min=-inf, max=+inf) is not supported")]
    public void OtherClipRangesAreRejected(int opset, Bounds how, float? min, float? max, string message)
    {
        ImportAssert.Rejects(ConvClip(opset, how, min, max), "node 'clip' (Clip): " + message);
    }

    [Fact]
    public void ClipBoundComputedFromInputIsRejected()
    {
        var b = new OnnxModelBuilder(13).Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Node("Clip", new[] { "x", "x" }, "y", "clip");
        ImportAssert.Rejects(b.Build(), "node 'clip' (Clip): min 'x' must be a constant");
    }
}
