using System;
using TinyDsc.Converter.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Pipeline;

public sealed class MetricsAndLayoutTests
{
    [Fact]
    public void Metrics_HandChecked()
    {
        // Two samples of 3 outputs. Signal Σf² = 1 + 4 + 0 + 9 + 1 + 0 = 15, noise Σ(f−q)² = 0 + 1 + 0 + 0 + 4 + 0 = 5.
        float[] f = { 1, 2, 0, 3, 1, 0 };
        float[] q = { 1, 1, 0, 3, 3, 0 };
        VerifyMetrics m = VerifyMetrics.Compute(f, q, 2, new long[] { 1, 1 });
        // 10·log10(3) in double; the only rounding is log10's last bit.
        Assert.Equal(10 * Math.Log10(3), m.SqnrDb, 12);
        Assert.Equal(2.0, m.MaxAbsError);
        // Argmax takes the first of equal maxima. Sample 0: float 1, int8 0 (tie 1, 1) → disagree;
        // sample 1: float 0, int8 0 (tie 3, 3) → agree. Labels {1, 1}: float right once, int8 never.
        Assert.Equal(0.5, m.Top1Agreement);
        Assert.Equal(0.5, m.FloatAccuracy);
        Assert.Equal(0.0, m.Int8Accuracy);
    }

    [Fact]
    public void Metrics_IdenticalOutputs_InfiniteSqnr()
    {
        float[] f = { 0.5f, -1f };
        VerifyMetrics m = VerifyMetrics.Compute(f, f, 1);
        Assert.True(double.IsPositiveInfinity(m.SqnrDb));
        Assert.Equal(1.0, m.Top1Agreement);
        Assert.Null(m.FloatAccuracy);
    }

    [Fact]
    public void Layout_TransposesAndRestores()
    {
        // One sample [C=2, H=2, W=3] at offset 6 of a batch; value = 100·c + 10·y + x.
        var batch = new float[6 + 12];
        for (int c = 0; c < 2; c++)
        {
            for (int y = 0; y < 2; y++)
            {
                for (int x = 0; x < 3; x++)
                {
                    batch[6 + (c * 2 + y) * 3 + x] = 100 * c + 10 * y + x;
                }
            }
        }
        var nhwc = new float[12];
        Layout.NchwToNhwc(batch, 6, 2, 2, 3, nhwc);
        Assert.Equal(new float[] { 0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112 }, nhwc);
        var back = new float[18];
        Layout.NhwcToNchw(nhwc, 2, 2, 3, back, 6);
        Assert.Equal(batch, back);
    }

    [Fact]
    public void Layout_OneChannel_IsACopyBothWays()
    {
        // [C=1, H=2, W=3] at offset 4: NHWC and NCHW hold the same order.
        float[] batch = { -1, -1, -1, -1, 0, 1, 2, 10, 11, 12, -1 };
        var nhwc = new float[7];
        Array.Fill(nhwc, 99f);
        Layout.NchwToNhwc(batch, 4, 1, 2, 3, nhwc);
        Assert.Equal(new float[] { 0, 1, 2, 10, 11, 12, 99 }, nhwc);
        var back = new float[9];
        Layout.NhwcToNchw(nhwc, 1, 2, 3, back, 2);
        Assert.Equal(new float[] { 0, 0, 0, 1, 2, 10, 11, 12, 0 }, back);
    }

    [Fact]
    public void RequireFinite_NamesTheFirstNonFiniteElement_AtAnyPosition()
    {
        // Lengths around the 8-value blocks; every position; NaN (also with the sign bit and a payload), ±Infinity.
        float[] bad = { float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FC00123), float.PositiveInfinity, float.NegativeInfinity };
        string[] names = { "NaN", "NaN", "NaN", "Infinity", "-Infinity" };
        foreach (int length in new[] { 1, 7, 8, 9, 16, 23, 40 })
        {
            var data = new float[length];
            for (int i = 0; i < length; i++)
            {
                // Finite extremes pass: largest float, smallest subnormal, negative zero.
                data[i] = (i % 4) switch { 0 => float.MaxValue, 1 => -float.MaxValue, 2 => float.Epsilon, _ => -0f };
            }

            InputValues.RequireFinite("x.npy", data, 3);
            for (int at = 0; at < length; at++)
            {
                for (int k = 0; k < bad.Length; k++)
                {
                    var copy = (float[])data.Clone();
                    copy[at] = bad[k];
                    if (at + 1 < length)
                    {
                        copy[length - 1] = float.NaN;
                    }

                    var e = Assert.Throws<PipelineInputException>(() => InputValues.RequireFinite("x.npy", copy, 3));
                    Assert.Equal($"x.npy: element {at} (sample {at / 3}) is {names[k]}; values must be finite", e.Message);
                }
            }
        }
    }
}
