using System;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// GlobalAveragePoolRequantized: a hand-computed case, the FORMAT.md formula evaluated tap by tap (bit for bit), and
/// the real-valued mean (within 1 LSB) on random shapes, scales and zero points.
/// </summary>
public class GlobalAveragePoolRequantizedTests
{
    private const int Half = 1 << 30;

    [Fact]
    public void Hand_computed_case()
    {
        // 2x2 pixels, 3 channels, zp_in = 3, zp_out = -5, M = s_in / (s_out · 4) = 0.5 (multiplier 2^30, shift 0).
        // c0: (13, 23, 33, 44) − 3 → 10 + 20 + 30 + 41 = 101; 101 · 0.5 = 50.5 → 51 (half away) → 51 − 5 = 46.
        // c1: (2, 1, 0, -1) − 3 → -1 − 2 − 3 − 4 = -10; -10 · 0.5 = -5 → -5 − 5 = -10.
        // c2: 127 four times → 124 · 4 = 496 → 248 − 5 = 243 → clamped to act max 127.
        var input = Guarded.From(new sbyte[] { 13, 2, 127, 23, 1, 127, 33, 0, 127, 44, -1, 127 });
        var o = new Guarded(3);
        GlobalAveragePoolRequantized.Run(2, 2, 3, 3, -5, Half, 0, 1, -128, 127, input.Array, input.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("gap output");
        Assert.Equal(new sbyte[] { 46, -10, 127 }, o.Payload());
    }

    [Fact]
    public void Shift_right_rounds_twice_as_tflite()
    {
        // One pixel, zp 0, M = 0.25 (multiplier 2^30, shift -1): acc 3 → SRDHM(3, 2^30) = 1.5 → 2, then 2 / 2 = 1.
        // acc -3 → -2 → -1; acc 5 → 2.5 → 3 → 1.5 → 2 (a single rounding of 1.25 would give 1).
        var input = Guarded.From(new sbyte[] { 3, -3, 5 });
        var o = new Guarded(3);
        GlobalAveragePoolRequantized.Run(1, 1, 3, 0, 0, Half, -1, 1, -128, 127, input.Array, input.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("gap output");
        Assert.Equal(new sbyte[] { 1, -1, 2 }, o.Payload());
    }

    [Fact]
    public void Widest_accumulator_of_a_large_map()
    {
        // 64x64 pixels of -128 with zp_in = 127: acc = -255 · 4096, M = 1/4096 (2^30, shift -11) → -255 + 127 = -128.
        var input = new sbyte[64 * 64];
        Array.Fill(input, (sbyte)-128);
        var o = new sbyte[1];
        GlobalAveragePoolRequantized.Run(64, 64, 1, 127, 127, Half, -11, 1, -128, 127, input, 0, o, 0);
        Assert.Equal(-128, o[0]);
    }

    [Fact]
    public void Activation_clamp_applies()
    {
        var input = Guarded.From(new sbyte[] { -100, 100 });
        var o = new Guarded(2);
        GlobalAveragePoolRequantized.Run(1, 1, 2, 0, 0, Half, 1, 1, -20, 30, input.Array, input.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("gap output");
        Assert.Equal(new sbyte[] { -20, 30 }, o.Payload());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_cases_match_the_formula_and_the_real_mean(int seed)
    {
        TestSeed.Run(seed, rng =>
        {
            for (int n = 0; n < 300; n++)
            {
                int h = rng.Next(1, 12), w = rng.Next(1, 12), c = rng.Next(1, 20);
                int pixels = h * w;
                int zpIn = rng.Next(-128, 128), zpOut = rng.Next(-128, 128);
                double sIn = 0.001 + rng.NextDouble() * 0.1;
                // Output scales from 1/64 to 4 times the mean's own resolution s_in (the mean never needs a finer step).
                double sOut = sIn * Math.Pow(2, rng.NextDouble() * 8 - 6);
                QuantMath.QuantizeMultiplier(sIn / (sOut * pixels), out int multiplier, out int shift);
                var input = Guarded.From(ConvCase.RandomActivations(rng, pixels * c));
                var o = new Guarded(c);
                GlobalAveragePoolRequantized.Run(h, w, c, zpIn, zpOut, multiplier, shift, 1, -128, 127, input.Array, input.Offset, o.Array, o.Offset);
                o.AssertGuardsIntact("gap output");
                sbyte[] actual = o.Payload();
                for (int ch = 0; ch < c; ch++)
                {
                    // FORMAT.md: acc = Σ (q − zp_in) over the taps, out = clamp(zp_out + MBQM(acc, multiplier, shift)).
                    int acc = 0;
                    double real = 0;
                    for (int p = 0; p < pixels; p++)
                    {
                        int q = input.Array[input.Offset + p * c + ch];
                        acc += q - zpIn;
                        real += sIn * (q - zpIn);
                    }

                    int exact = Math.Clamp(zpOut + QuantMath.MultiplyByQuantizedMultiplier(acc, multiplier, shift), -128, 127);
                    Assert.Equal(exact, actual[ch]);

                    // The real mean quantized with the output's parameters.
                    double ideal = Math.Clamp(zpOut + real / pixels / sOut, -128.0, 127.0);
                    Assert.True(Math.Abs(actual[ch] - ideal) <= 1.0,
                        $"case {n} ({h}x{w}x{c}, channel {ch}): int8 {actual[ch]} vs real {ideal:F3} (more than 1 LSB apart)");
                }
            }
        });
    }
}
