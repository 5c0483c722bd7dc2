using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Quantization;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Converter.Tests.Quantization;

/// <summary>
/// The three parameter computations where TinyDsc used to differ from TFLite given the same calibrated ranges.
/// Expected values are hand-computed in numpy float32 (np.float32 arithmetic, then Python float64 where TFLite
/// uses double), each case one where the double path gives a different answer, so the tests can fail.
/// </summary>
public sealed class TfliteParameterParityTests
{
    [Fact]
    public void WeightScale_IsFloat32BeforeTheMultiplierIsFormed()
    {
        // max |w| = 0.3f: s_w = np.float32(0.3) / np.float32(127) = 0.0023622047156095505 (float64 path: 0.002362204818275031).
        // M = 0.02f · s_w / 0.05f in double = 0.96744... · 2^-10 → round(f · 2^31) = 2077817164 (float64 s_w: 2077817255).
        float[] w = { 0.3f, -0.1f, 0.2f };
        (_, double[] scales) = WeightQuantization.PerChannel(w, 1);
        Assert.Equal(0.0023622047156095505, scales[0]);
        (int[] multipliers, int[] shifts) = Requantization.PerChannel(0.02f, scales, 0.05f);
        Assert.Equal(2077817164, multipliers[0]);
        Assert.Equal(-10, shifts[0]);
    }

    [Fact]
    public void BiasScale_IsTheFloat32ProductOfInputAndWeightScales()
    {
        // s_b = np.float32(0.02) * np.float32(0.3/127 as float32) = 4.7244091547327116e-05 (float32);
        // 0.1f / s_b = 2116.6668299662483 → 2117.
        (_, double[] scales) = WeightQuantization.PerChannel(new[] { 0.3f }, 1);
        Assert.Equal(new[] { 2117 }, WeightQuantization.Bias(new[] { 0.1f }, 0.02f, scales));
    }

    [Fact]
    public void Relu6UpperBound_IsRoundedInFloat32()
    {
        // scale = 0.07453416287899017f (bits 0x3D9AA4DE = 1033413982): np.float32(6) / scale = 80.5 exactly in float32,
        // rounded half away from zero to 81; in float64 6 / scale = 80.49999850057068 → 80. zp −128: upper −47.
        float scale = System.BitConverter.Int32BitsToSingle(1033413982);
        Assert.Equal(0.07453416287899017, (double)scale);
        var q = new QuantParams(scale, -128);
        Assert.Equal((-128, -47), q.ActivationBounds(Activation.Relu6));
        Assert.Equal(-47, q.QuantizeBound(6f));
    }

    [Fact]
    public void GlobalAveragePool_IsTflitesMean_MultiplierForSinOverSout()
    {
        // s_in / s_out = 0.75 / 0.5 = 1.5 = 0.75 · 2^1 → multiplier 0.75 · 2^31 = 1610612736, shift 1; H·W stays in the kernel.
        Assert.Equal((1610612736, 1), Requantization.GlobalAveragePool(0.75f, 0.5f, 49));
    }

    [Theory]
    // H·W = 4, M = 1.5 (1610612736, shift 1), zp_in = zp_out = 0. sum 7: SRDHM(14, 0.75·2^31) = round(10.5) = 11,
    // (11 + 2) / 4 = 3. sum 5: SRDHM(10, ·) = round(7.5) = 8, (8 + 2) / 4 = 2 (2.5 truncated). sum −5: SRDHM(−10, ·)
    // = −7 (the exact tie −7.5 goes toward zero: TFLite's nudge for negative products is 1 − 2^30), (−7 − 2) / 4 = −2.
    [InlineData(new sbyte[] { 1, 2, 3, 1 }, 3)]
    [InlineData(new sbyte[] { 1, 1, 1, 2 }, 2)]
    [InlineData(new sbyte[] { -1, -1, -1, -2 }, -2)]
    public void MeanKernel_RequantizesThenDividesWithTflitesRounding(sbyte[] pixels, int expected)
    {
        var output = new sbyte[1];
        GlobalAveragePoolRequantized.Run(2, 2, 1, 0, 0, 1610612736, 1, 4, -128, 127, pixels, 0, output, 0);
        Assert.Equal(expected, output[0]);
    }
}
