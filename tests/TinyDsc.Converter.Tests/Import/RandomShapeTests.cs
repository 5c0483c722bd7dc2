using CsCheck;
using TinyDsc.Converter.Graph;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;
using TinyDsc.Tests;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>
/// Random Conv and pool configurations (groups, depth multiplier, kernel, stride, dilation, asymmetric pads, odd sizes),
/// each built as an ONNX model, imported, and run by the float reference against ONNX Runtime.
/// </summary>
public sealed class RandomShapeTests
{
    public sealed record ConvCase(int Groups, int CinPerGroup, int CoutPerGroup, int Kh, int Kw, int Stride, int Dilation, int[] Pads, int H, int W)
    {
        public bool Fits => H + Pads[0] + Pads[2] >= (Kh - 1) * Dilation + 1 && W + Pads[1] + Pads[3] >= (Kw - 1) * Dilation + 1;

        public override string ToString() =>
            $"groups {Groups}, cin/g {CinPerGroup}, cout/g {CoutPerGroup}, kernel {Kh}x{Kw}, stride {Stride}, dilation {Dilation}, " +
            $"pads [{string.Join(", ", Pads)}], input {H}x{W}";
    }

    private static readonly Gen<ConvCase> ConvCases =
        Gen.Select(
            Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 2],
                (g, ci, co, kh, kw, s, d) => (g, ci, co, kh, kw, s, d)),
            Gen.Int[0, 2].Array[4], Gen.Int[1, 9], Gen.Int[1, 9],
            (a, pads, h, w) => new ConvCase(a.g, a.ci, a.co, a.kh, a.kw, a.s, a.d, pads, h, w))
        .Where(c => c.Fits);

    [Fact]
    public void RandomConvMatchesOnnxRuntime()
    {
        ConvCases.SampleSeeded(seed: 60001, iter: 60, c =>
        {
            int cin = c.Groups * c.CinPerGroup, cout = c.Groups * c.CoutPerGroup;
            var b = new OnnxModelBuilder().Input("x", new[] { cin, c.H, c.W }).Output("y");
            b.Init("w", new long[] { cout, c.CinPerGroup, c.Kh, c.Kw }, Random(cout * c.CinPerGroup * c.Kh * c.Kw, c.Groups * 1000 + c.Kh * 100 + c.Kw * 10 + c.H));
            b.Init("b", new long[] { cout }, Random(cout, 3));
            b.Node("Conv", new[] { "x", "w", "b" }, "y", "conv", ("group", c.Groups), ("strides", new[] { c.Stride, c.Stride }),
                ("dilations", new[] { c.Dilation, c.Dilation }), ("pads", c.Pads));
            var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { cin, c.H, c.W });
            Assert.Equal(NodeKind.Conv, Assert.Single(g.Nodes).Kind);
        });
    }

    public sealed record PoolCase(bool Max, int Kh, int Kw, int Stride, int[] Pads, bool CountIncludePad, int H, int W)
    {
        public override string ToString() =>
            $"{(Max ? "MaxPool" : "AveragePool")} kernel {Kh}x{Kw}, stride {Stride}, pads [{string.Join(", ", Pads)}], " +
            $"count_include_pad {CountIncludePad}, input {H}x{W}";
    }

    // ONNX Runtime requires each pad to be smaller than the kernel; the input must hold one window.
    private static readonly Gen<PoolCase> PoolCases =
        Gen.Select(Gen.Bool, Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[0, 3].Array[4], Gen.Bool, Gen.Int[1, 9], Gen.Int[1, 9],
                (m, kh, kw, s, p, cip, h, w) => new PoolCase(m, kh, kw, s, p, cip, h, w))
            .Where(c => c.Pads[0] < c.Kh && c.Pads[2] < c.Kh && c.Pads[1] < c.Kw && c.Pads[3] < c.Kw
                && c.H + c.Pads[0] + c.Pads[2] >= c.Kh && c.W + c.Pads[1] + c.Pads[3] >= c.Kw);

    [Fact]
    public void RandomPoolMatchesOnnxRuntime()
    {
        PoolCases.SampleSeeded(seed: 60002, iter: 60, c =>
        {
            var b = new OnnxModelBuilder(11).Input("x", new[] { 2, c.H, c.W }).Output("y");
            var attrs = new (string, object)[] { ("kernel_shape", new[] { c.Kh, c.Kw }), ("strides", new[] { c.Stride, c.Stride }), ("pads", c.Pads) };
            b.Node(c.Max ? "MaxPool" : "AveragePool", new[] { "x" }, "y", "pool",
                c.Max ? attrs : new (string, object)[] { attrs[0], attrs[1], attrs[2], ("count_include_pad", c.CountIncludePad ? 1 : 0) });
            ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, c.H, c.W });
        });
    }
}
