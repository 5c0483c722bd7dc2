using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Quantization;
using Xunit;

namespace TinyDsc.Converter.Tests.Quantization;

public sealed class QuantizationMathTests
{
    [Theory]
    // Exact in binary: [-1, 255/32 - 1] → scale 1/32, zp = round(-128 + 1 / (1/32)) = -96.
    [InlineData(-1f, 6.96875f, 0.03125f, -96)]
    // Range widened to contain 0: [2, 5] → [0, 5], zp = -128.
    [InlineData(2f, 5f, 5f / 255f, -128)]
    // All negative: [-3, -1] → [-3, 0], zp = round(-128 + 255) = 127.
    [InlineData(-3f, -1f, 3f / 255f, 127)]
    // Symmetric: ±127.5/64 → scale 1/64, zp = round(-128 + 127.5) = round(-0.5) = -1 (half away from zero).
    [InlineData(-1.9921875f, 1.9921875f, 0.015625f, -1)]
    public void ActivationParamsFromRange(float min, float max, float scale, int zeroPoint)
    {
        QuantParams q = QuantParams.FromRange(new ValueRange(min, max));
        Assert.Equal(scale, q.Scale);
        Assert.Equal(zeroPoint, q.ZeroPoint);
        // Zero is exactly representable: it dequantizes to 0 from the integer zp.
        Assert.Equal(0f, q.Dequantize(q.ZeroPoint));
    }

    [Fact]
    public void AllZeroRange_GetsAPositiveScale()
    {
        QuantParams q = QuantParams.FromRange(new ValueRange(0f, 0f));
        Assert.True(q.Scale > 0);
        Assert.Equal(-128, q.ZeroPoint);
    }

    [Theory]
    [InlineData(0.03125f, -96, Activation.None, -128, 127)]
    [InlineData(0.03125f, -96, Activation.Relu, -96, 127)]
    // ReLU6 with 6 / scale = 192 steps: upper = min(127, -96 + 192) = 96.
    [InlineData(0.03125f, -96, Activation.Relu6, -96, 96)]
    // 6 / (1/16) = 96 steps above zp -128: -32.
    [InlineData(0.0625f, -128, Activation.Relu6, -128, -32)]
    // Upper bound saturates at 127.
    [InlineData(0.02f, -78, Activation.Relu6, -78, 127)]
    public void FusedActivationBounds(float scale, int zp, Activation activation, int min, int max)
    {
        Assert.Equal((min, max), new QuantParams(scale, zp).ActivationBounds(activation));
    }

    [Theory]
    // 0.005 = 0.64 · 2^-7, q = round(0.64 · 2^31) = round(1374389534.72).
    [InlineData(0.005, 1374389535, -7)]
    // 1/256 = 0.5 · 2^-7 → 2^30.
    [InlineData(1.0 / 256, 1 << 30, -7)]
    // 3 = 0.75 · 2^2 → 0.75 · 2^31 = 1610612736.
    [InlineData(3.0, 1610612736, 2)]
    // Too small for shift ≥ -31: multiplier 0.
    [InlineData(1e-12, 0, 0)]
    public void Multipliers(double real, int multiplier, int shift)
    {
        Assert.Equal((multiplier, shift), Requantization.Quantize(real));
    }

    [Fact]
    public void AddParams_AreTfliteStyle()
    {
        // s0 = 0.5, s1 = 0.25, s_out = 1: 2·max = 1; input multipliers 0.5 = 0.5·2^0 and 0.25 = 0.5·2^-1;
        // output 1 / (2^20 · 1) = 0.5 · 2^-19.
        int[] p = Requantization.AddParams(0.5f, 0.25f, 1f);
        Assert.Equal(new[] { 20, 1 << 30, 0, 1 << 30, -1, 1 << 30, -19 }, p);
    }

    [Fact]
    public void PerChannelWeights_SymmetricWithZeroChannel()
    {
        // Channel 0: max |w| = 2.54 → scale 2.54f / 127f (float32, as a .tflite stores it), q = round(w / 0.02). Channel 1: all zero.
        float[] w = { 2.54f, -1.0f, 0.015f, -2.54f, 0f, 0f, 0f, 0f };
        (sbyte[] q, double[] scales) = WeightQuantization.PerChannel(w, 2);
        Assert.Equal((double)(2.54f / 127f), scales[0]);
        Assert.Equal(new sbyte[] { 127, -50, 1, -127, 0, 0, 0, 0 }, q);
        Assert.Equal(WeightQuantization.ZeroChannelScale, scales[1]);
        // The zero channel's bias stays representable: 0.5 / (0.25 · 1/127) = 254.
        int[]? bias = WeightQuantization.Bias(new[] { 0f, 0.5f }, 0.25f, scales);
        Assert.Equal(254, bias![1]);
        (int[] multipliers, int[] _) = Requantization.PerChannel(0.25f, scales, 0.5f);
        Assert.NotEqual(0, multipliers[1]);
    }

    [Fact]
    public void ConvWeights_OihwToOhwi()
    {
        // [Cout=2, Cin=3, kh=1, kw=2] with value = 100·o + 10·i + x.
        int[] w = new int[12];
        for (int o = 0; o < 2; o++)
        {
            for (int i = 0; i < 3; i++)
            {
                for (int x = 0; x < 2; x++)
                {
                    w[(o * 3 + i) * 2 + x] = 100 * o + 10 * i + x;
                }
            }
        }
        int[] r = WeightQuantization.OihwToOhwi(w, 2, 3, 1, 2);
        // [o, y, x, i]: o=0: x=0 → i 0..2, x=1 → i 0..2.
        Assert.Equal(new[] { 0, 10, 20, 1, 11, 21, 100, 110, 120, 101, 111, 121 }, r);
    }

    [Fact]
    public void FullyConnectedColumns_ChwToHwc()
    {
        // One output row over a [C=2, H=1, W=3] input; column value = 10·c + w.
        int[] w = { 0, 1, 2, 10, 11, 12 };
        Assert.Equal(new[] { 0, 10, 1, 11, 2, 12 }, WeightQuantization.ChwColumnsToHwc(w, 1, 2, 1, 3));
    }
}
