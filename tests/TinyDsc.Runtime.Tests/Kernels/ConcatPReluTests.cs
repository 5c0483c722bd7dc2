using System;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Tests;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Concat (op 19) and PRelu (op 20) against their plain twins (ConcatPReluReference) bit for bit, against an
/// independent double computation within a stated bound, and at the edges: zero points −128 and 127, one-channel
/// inputs, 2 to 4 inputs, same and different scales, saturation, guard bytes around every output.
/// </summary>
public class ConcatPReluTests
{
    private static sbyte[] Random8(Random rng, int n)
    {
        var a = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (sbyte)rng.Next(-128, 128);
        }

        return a;
    }

    private static int EdgeZeroPoint(Random rng) => rng.Next(4) switch { 0 => -128, 1 => 127, _ => rng.Next(-128, 128) };

    /// <summary>Runs the kernel once per input as the Interpreter does (copy for identity inputs, else a filled table).</summary>
    private static sbyte[] RunConcat(int pixels, sbyte[][] inputs, int[] channels, int[] zps, int[] ms, int[] shs, int zpOut)
    {
        int cout = 0;
        foreach (int c in channels)
        {
            cout += c;
        }

        var o = new Guarded(pixels * cout);
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            sbyte[]? table = null;
            if (!Concat.IsIdentity(zps[i], zpOut, ms[i], shs[i]))
            {
                table = new sbyte[256];
                Concat.FillTable(zps[i], zpOut, ms[i], shs[i], table);
            }

            var a = Guarded.From(inputs[i]);
            Concat.Run(pixels, channels[i], cout, offset, table, a.Array, a.Offset, o.Array, o.Offset);
            offset += channels[i];
        }

        o.AssertGuardsIntact("concat output");
        return o.Payload();
    }

    [Fact]
    public void Concat_hand_computed_case()
    {
        // Two pixels. Input 0: 1 channel, same quantization as the output (copied). Input 1: 2 channels, zp 10,
        // M = 0.5 (2^30, shift 0), output zp −3: (30 − 10)·0.5 − 3 = 7, (−11 − 10)·0.5 = −10.5 → −10 (TFLite's SRDHM
        // rounds halves up, toward +inf) → −13,
        // (127 − 10)·0.5 = 58.5 → 59 → 56, (−128 − 10)·0.5 = −69 → −72.
        var inputs = new[] { new sbyte[] { 5, -128 }, new sbyte[] { 30, -11, 127, -128 } };
        sbyte[] actual = RunConcat(2, inputs, new[] { 1, 2 }, new[] { -3, 10 }, new[] { 1 << 30, 1 << 30 }, new[] { 1, 0 }, -3);
        Assert.Equal(new sbyte[] { 5, 7, -13, -128, 56, -72 }, actual);
    }

    [Fact]
    public void Concat_identity_multiplier_is_exactly_the_copy()
    {
        // MBQM(x, 2^30, 1) = x for every int8 difference, so the copy shortcut and the formula agree.
        for (int x = -255; x <= 255; x++)
        {
            Assert.Equal(x, QuantMath.MultiplyByQuantizedMultiplier(x, 1 << 30, 1));
        }

        QuantMath.QuantizeMultiplier(1.0, out int m, out int s);
        Assert.True(Concat.IsIdentity(7, 7, m, s));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Concat_matches_its_twin_and_the_real_requantization(int seed)
    {
        TestSeed.Run(seed, rng =>
        {
            for (int n = 0; n < 300; n++)
            {
                int count = rng.Next(2, 5), pixels = rng.Next(1, 30);
                var channels = new int[count];
                var zps = new int[count];
                var scales = new double[count];
                var ms = new int[count];
                var shs = new int[count];
                var inputs = new sbyte[count][];
                int zpOut = EdgeZeroPoint(rng);
                float sOut = (float)(0.01 + rng.NextDouble() * 0.1);
                for (int i = 0; i < count; i++)
                {
                    channels[i] = rng.Next(4) == 0 ? 1 : rng.Next(1, 20);
                    bool same = rng.Next(3) == 0;
                    zps[i] = same ? zpOut : EdgeZeroPoint(rng);
                    // Scales from 1/8 to 2 times the output's: requantized inputs shrink or saturate.
                    float s = same ? sOut : (float)(sOut * Math.Pow(2, rng.NextDouble() * 4 - 3));
                    scales[i] = s;
                    QuantMath.QuantizeMultiplier((double)s / sOut, out ms[i], out shs[i]);
                    inputs[i] = Random8(rng, pixels * channels[i]);
                }

                sbyte[] actual = RunConcat(pixels, inputs, channels, zps, ms, shs, zpOut);
                Assert.Equal(ConcatPReluReference.Concat(pixels, inputs, channels, zps, ms, shs, zpOut), actual);

                int cout = actual.Length / pixels, k = 0;
                for (int p = 0; p < pixels; p++)
                {
                    for (int i = 0; i < count; i++)
                    {
                        for (int c = 0; c < channels[i]; c++, k++)
                        {
                            // Independent double: the real value on the output grid, clamped. MBQM rounds twice (the
                            // doubling high multiply, then the right shift by r ≥ 1: ≤ 0.5 + 0.5·2^-r) and M is exact to
                            // 2^-31 relative, so |error| ≤ 0.75 LSB; 0 when the input is copied.
                            double real = (inputs[i][p * channels[i] + c] - zps[i]) * scales[i];
                            double q = Math.Clamp(zpOut + real / sOut, -128, 127);
                            Assert.True(Math.Abs(actual[k] - q) <= 0.75 + 1e-9, $"pixel {p}, input {i}, channel {c}: {actual[k]} vs real {q:F4}");
                        }
                    }
                }

                Assert.Equal(cout * pixels, k);
            }
        });
    }

    [Fact]
    public void Concat_rejects_a_slice_outside_the_output_and_a_short_table()
    {
        var e = Assert.Throws<ArgumentException>(() => Concat.Run(2, 3, 4, 2, null, new sbyte[6], 0, new sbyte[8], 0));
        Assert.Contains("do not fit 4 output channels", e.Message);
        Assert.Throws<ArgumentException>(() => Concat.Run(1, 1, 1, 0, new sbyte[255], new sbyte[1], 0, new sbyte[1], 0));
    }

    [Fact]
    public void PRelu_hand_computed_case()
    {
        // zp_in 2, zp_out −1, M1 = 0.5 (2^30, shift 0), alpha = [64, −32] with zp 0 and M2 = 2^-7 (2^30, shift −6):
        // x = 10 − 2 = 8 → 4 − 1 = 3; x = −6 − 2 = −8 on channel 1: −8·(−32)/128 = 2 → 1;
        // x = −128 − 2 = −130 on channel 0: −130·64/128 = −65 → −66; x = 127 − 2 = 125 → 62.5 → 63 → 62.
        var a = Guarded.From(new sbyte[] { 10, -6, -128, 127 });
        var o = new Guarded(4);
        PRelu.Run(4, new sbyte[] { 64, -32 }, 2, 0, -1, 1 << 30, 0, 1 << 30, -6, a.Array, a.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("prelu output");
        Assert.Equal(new sbyte[] { 3, 1, -66, 62 }, o.Payload());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PRelu_matches_its_twin_and_the_real_function(int seed)
    {
        TestSeed.Run(seed, rng =>
        {
            for (int n = 0; n < 300; n++)
            {
                int c = rng.Next(4) == 0 ? 1 : rng.Next(1, 24), pixels = rng.Next(1, 30);
                int zpIn = EdgeZeroPoint(rng), zpOut = EdgeZeroPoint(rng), zpAlpha = rng.Next(3) == 0 ? 0 : rng.Next(-20, 21);
                double sIn = 0.005 + rng.NextDouble() * 0.1, sAlpha = (0.5 + rng.NextDouble()) / 127;
                // Output scale 1/4 to 2 times the input's: saturation on both branches included.
                double sOut = sIn * Math.Pow(2, rng.NextDouble() * 3 - 2);
                QuantMath.QuantizeMultiplier(sIn / sOut, out int m1, out int s1);
                QuantMath.QuantizeMultiplier(sIn * sAlpha / sOut, out int m2, out int s2);
                sbyte[] alpha = Random8(rng, c), input = Random8(rng, pixels * c);
                var a = Guarded.From(input);
                var o = new Guarded(input.Length);
                PRelu.Run(input.Length, alpha, zpIn, zpAlpha, zpOut, m1, s1, m2, s2, a.Array, a.Offset, o.Array, o.Offset);
                o.AssertGuardsIntact("prelu output");
                sbyte[] actual = o.Payload();
                Assert.Equal(ConcatPReluReference.PRelu(input, alpha, zpIn, zpAlpha, zpOut, m1, s1, m2, s2), actual);
                for (int k = 0; k < input.Length; k++)
                {
                    // Independent double: x·s_in, times the dequantized alpha when negative, on the output grid,
                    // clamped; one MBQM per element as for Concat: within 0.75 LSB.
                    double x = (input[k] - zpIn) * sIn;
                    double y = x >= 0 ? x : x * (alpha[k % c] - zpAlpha) * sAlpha;
                    double q = Math.Clamp(zpOut + y / sOut, -128, 127);
                    Assert.True(Math.Abs(actual[k] - q) <= 0.75 + 1e-9, $"element {k}: {actual[k]} vs real {q:F4}");
                }
            }
        });
    }

    [Fact]
    public void PRelu_rejects_a_count_that_is_not_a_multiple_of_the_channels()
    {
        var e = Assert.Throws<ArgumentException>(() => PRelu.Run(5, new sbyte[2], 0, 0, 0, 1 << 30, 0, 1 << 30, 0, new sbyte[5], 0, new sbyte[5], 0));
        Assert.Contains("not a multiple", e.Message);
    }
}
