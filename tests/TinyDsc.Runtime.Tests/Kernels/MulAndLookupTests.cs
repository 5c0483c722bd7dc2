using System;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Tests;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Mul against its plain twin MulReference (bit for bit) and against the real product (within 1 LSB), on random
/// shapes and at the edges (saturation, zero points −128 and 127, one channel, per-channel broadcast); Lookup on
/// every input value and with offsets.
/// </summary>
public class MulAndLookupTests
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

    [Fact]
    public void Mul_hand_computed_case()
    {
        // zp0 = 1, zp1 = -2, zp_out = 3, M = 0.25 (2^30, shift -1). (5 − 1)·(4 + 2) = 24 → 6 → 9;
        // (−7 − 1)·(−2 + 2) = 0 → 3; (127 − 1)·(127 + 2) = 16254 → 4063.5 → 4064 → clamped 127.
        var a = Guarded.From(new sbyte[] { 5, -7, 127 });
        var b = Guarded.From(new sbyte[] { 4, -2, 127 });
        var o = new Guarded(3);
        Mul.Run(3, 0, 1, -2, 3, 1 << 30, -1, -128, 127, a.Array, a.Offset, b.Array, b.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("mul output");
        Assert.Equal(new sbyte[] { 9, 3, 127 }, o.Payload());
    }

    [Fact]
    public void Mul_broadcast_uses_one_value_per_channel()
    {
        // 2 pixels × 2 channels, in1 = [2, −1] per channel, zp 0, M = 1 (2^30, shift 1): out = in0 · in1[c].
        var a = Guarded.From(new sbyte[] { 10, 20, -30, 40 });
        var b = Guarded.From(new sbyte[] { 2, -1 });
        var o = new Guarded(4);
        Mul.Run(4, 2, 0, 0, 0, 1 << 30, 1, -128, 127, a.Array, a.Offset, b.Array, b.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("mul output");
        Assert.Equal(new sbyte[] { 20, -20, -60, -40 }, o.Payload());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mul_matches_its_reference_twin_and_the_real_product(int seed)
    {
        TestSeed.Run(seed, rng =>
        {
            for (int n = 0; n < 200; n++)
            {
                int pixels = rng.Next(1, 40), c = rng.Next(1, 20);
                bool broadcast = rng.Next(2) == 0;
                int count = pixels * c;
                // Edge zero points half of the time.
                int zp0 = rng.Next(4) == 0 ? -128 : rng.Next(4) == 0 ? 127 : rng.Next(-128, 128);
                int zp1 = rng.Next(4) == 0 ? 127 : rng.Next(-128, 128);
                int zpOut = rng.Next(-128, 128);
                double s0 = 0.001 + rng.NextDouble() * 0.1, s1 = 0.001 + rng.NextDouble() * 0.1;
                // Output scales from 1/64 to 4 times the product's typical magnitude: saturation included.
                double sOut = s0 * s1 * 128 * Math.Pow(2, rng.NextDouble() * 8 - 6);
                QuantMath.QuantizeMultiplier(s0 * s1 / sOut, out int multiplier, out int shift);
                if (shift > 15)
                {
                    continue;
                }

                sbyte[] in0 = Random8(rng, count), in1 = Random8(rng, broadcast ? c : count);
                var a = Guarded.From(in0);
                var b = Guarded.From(in1);
                var o = new Guarded(count);
                int channels = broadcast ? c : 0;
                Mul.Run(count, channels, zp0, zp1, zpOut, multiplier, shift, -128, 127, a.Array, a.Offset, b.Array, b.Offset, o.Array, o.Offset);
                o.AssertGuardsIntact("mul output");
                var r = new sbyte[count];
                MulReference.Run(count, channels, zp0, zp1, zpOut, multiplier, shift, -128, 127, in0, 0, in1, 0, r, 0);
                sbyte[] actual = o.Payload();
                Assert.Equal(r, actual);
                for (int k = 0; k < count; k++)
                {
                    // Independent float: the real product on the output grid, clamped; the multiplier's rounding
                    // (relative 2^-31) and one rounding of the result keep it within 1 LSB.
                    double real = (in0[k] - zp0) * s0 * (in1[broadcast ? k % c : k] - zp1) * s1;
                    double q = Math.Clamp(zpOut + real / sOut, -128, 127);
                    Assert.True(Math.Abs(actual[k] - q) <= 1.0, $"element {k}: {actual[k]} vs real {q:F3}");
                }
            }
        });
    }

    [Fact]
    public void Mul_single_channel_broadcast_and_clamp_to_activation_range()
    {
        var a = Guarded.From(new sbyte[] { -128, 0, 127 });
        var b = Guarded.From(new sbyte[] { 127 });
        var o = new Guarded(3);
        // zp 0 everywhere, M = 2^-7: −128·127/128 = −127, 0, 127·127/128 = 126.0 → clamped to [−10, 100].
        Mul.Run(3, 1, 0, 0, 0, 1 << 30, -6, -10, 100, a.Array, a.Offset, b.Array, b.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("mul output");
        Assert.Equal(new sbyte[] { -10, 0, 100 }, o.Payload());
    }

    [Fact]
    public void Mul_rejects_a_count_that_is_not_a_multiple_of_the_channels()
    {
        var e = Assert.Throws<ArgumentException>(() => Mul.Run(5, 2, 0, 0, 0, 1 << 30, 0, -128, 127, new sbyte[5], 0, new sbyte[2], 0, new sbyte[5], 0));
        Assert.Contains("not a multiple", e.Message);
    }

    [Fact]
    public void Lookup_maps_every_input_through_the_table()
    {
        // Table entry q + 128 = 127 − (q + 128) (a decreasing map covering −128 and 127).
        var table = new sbyte[256];
        for (int i = 0; i < 256; i++)
        {
            table[i] = (sbyte)(127 - i);
        }

        var input = new sbyte[256];
        for (int i = 0; i < 256; i++)
        {
            input[i] = (sbyte)(i - 128);
        }

        var a = Guarded.From(input);
        var o = new Guarded(256);
        Lookup.Run(table, a.Array, a.Offset, o.Array, o.Offset, 256);
        o.AssertGuardsIntact("lookup output");
        sbyte[] actual = o.Payload();
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(127 - i, actual[i]);
        }
    }

    [Fact]
    public void Lookup_rejects_a_table_that_is_not_256_entries()
    {
        Assert.Throws<ArgumentException>(() => Lookup.Run(new sbyte[255], new sbyte[1], 0, new sbyte[1], 0, 1));
    }
}
