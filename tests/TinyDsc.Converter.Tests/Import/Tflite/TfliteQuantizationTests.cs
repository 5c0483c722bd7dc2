using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Import.Tflite.Schema;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>TFLite's multiplier arithmetic, against values worked out by hand.</summary>
public class TfliteQuantizationTests
{
    [Fact]
    public void MeanFoldsTheCountIntoTheMultiplierByIntegerDivision()
    {
        // s_in = s_out: M0 = 1 = 0.5 · 2^1 → (2^30, 1). 49 taps: k = floor(log2 49) = 5 (≤ 32, ≤ 31 + 1),
        // m' = 2^30 · 2^5 / 49 = 34359738368 / 49 = 701219150 (truncated), shift 1 − 5 = −4. Not normalized (< 2^30).
        (int m, int shift) = TfliteQuantization.Mean(0.5f, 0.5f, 49);
        Assert.Equal(701219150, m);
        Assert.Equal(-4, shift);
        // 49 values of 10 (zp 0) average to 10: 490 · 701219150 / 2^31 = 160.0000 → 160, then 160 / 2^4 = 10.
        Assert.Equal(10, QuantMath.MultiplyByQuantizedMultiplier(490, m, shift));
    }

    [Fact]
    public void MeanOverOneTapKeepsTheNormalizedMultiplier()
    {
        // count 1: k = 0, m' = m. M0 = 0.25 / 0.5 = 0.5 → (2^30, 0).
        Assert.Equal((1 << 30, 0), TfliteQuantization.Mean(0.25f, 0.5f, 1));
    }

    [Theory]
    // RELU6 on scale 0.05, zp −10: q(0) = −10, q(6) = −10 + round(120) = 110.
    [InlineData(ActivationFunctionType.RELU6, 0.05f, -10, -10, 110)]
    // RELU: [max(−128, zp), 127].
    [InlineData(ActivationFunctionType.RELU, 0.1f, -128, -128, 127)]
    [InlineData(ActivationFunctionType.RELU, 0.1f, 5, 5, 127)]
    // RELU6 whose 6 lies beyond the int8 range: clamped to 127 (6 / 0.02 = 300).
    [InlineData(ActivationFunctionType.RELU6, 0.02f, -128, -128, 127)]
    // RELU_N1_TO_1, scale 0.01, zp 0: [−100, 100].
    [InlineData(ActivationFunctionType.RELU_N1_TO_1, 0.01f, 0, -100, 100)]
    [InlineData(ActivationFunctionType.NONE, 0.3f, 7, -128, 127)]
    public void ActivationRangeIsTflitesQuantizedClamp(ActivationFunctionType act, float scale, int zp, int min, int max)
    {
        Assert.Equal((min, max), TfliteQuantization.ActivationRange(act, scale, zp, "test"));
    }

    [Fact]
    public void ActivationRangeRoundsTheBoundInFloat32()
    {
        // TFLite divides in float: 6f / 0.0470588244f rounds to exactly 127.5f → 128 → −128 + 128 = 0. In double the
        // quotient is 127.4999975 → 127 → −1, so this case tells the two apart.
        Assert.Equal((-128, 0), TfliteQuantization.ActivationRange(ActivationFunctionType.RELU6, 0.0470588244f, -128, "test"));
    }

    [Fact]
    public void PerTensorWeightScaleServesEveryChannel()
    {
        // M = 0.5 · 0.25 / 0.125 = 1 → (2^30, 1) for both channels.
        (int[] m, int[] s) = TfliteQuantization.ConvMultipliers(0.5f, new[] { 0.25f }, 2, 0.125f);
        Assert.Equal(new[] { 1 << 30, 1 << 30 }, m);
        Assert.Equal(new[] { 1, 1 }, s);
    }
}
