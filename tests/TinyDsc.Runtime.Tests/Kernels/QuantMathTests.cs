using System;
using System.Numerics;
using CsCheck;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Kernels;

public class QuantMathTests
{
    [Theory]
    // The one overflowing product: (-2^31)·(-2^31)·2 / 2^32 = 2^31 does not fit, saturates.
    [InlineData(int.MinValue, int.MinValue, int.MaxValue)]
    // 2^30 · 2^30 / 2^31 = 2^29 exactly.
    [InlineData(1 << 30, 1 << 30, 1 << 29)]
    // 1 · 2^30 / 2^31 = 0.5 → nudge +2^30, (2^30 + 2^30) / 2^31 = 1 (half up for positive).
    [InlineData(1, 1 << 30, 1)]
    // -1 · 2^30 / 2^31 = -0.5 → nudge 1 - 2^30: (-2^30 + 1 - 2^30) / 2^31 = -0.99.. truncates to 0 (TFLite's quirk).
    [InlineData(-1, 1 << 30, 0)]
    // -3 · 2^30 / 2^31 = -1.5 → (-3·2^30 + 1 - 2^30) / 2^31 = -1.99.. truncates to -1.
    [InlineData(-3, 1 << 30, -1)]
    // INT32_MIN · (2^31 - 1) / 2^31 = -(2^31 - 1) exactly.
    [InlineData(int.MinValue, int.MaxValue, -int.MaxValue)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue - 1)]
    [InlineData(0, int.MinValue, 0)]
    public void Srdhm_hand_cases(int a, int b, int expected)
    {
        Assert.Equal(expected, QuantMath.SaturatingRoundingDoublingHighMul(a, b));
        Assert.Equal(expected, QuantMathModel.Srdhm(a, b));
    }

    [Theory]
    [InlineData(5, 1, 3)]      // 2.5 → 3 (half away from zero)
    [InlineData(-5, 1, -3)]    // -2.5 → -3
    [InlineData(6, 2, 2)]      // 1.5 → 2
    [InlineData(-6, 2, -2)]    // -1.5 → -2
    [InlineData(-7, 2, -2)]    // -1.75 → -2
    [InlineData(-5, 2, -1)]    // -1.25 → -1
    [InlineData(7, 0, 7)]      // exponent 0 is the identity
    [InlineData(-7, 0, -7)]
    [InlineData(int.MinValue, 31, -1)]        // -1 exactly
    [InlineData(int.MaxValue, 31, 1)]         // 0.99.. → 1
    [InlineData(-(1 << 30), 31, -1)]          // -0.5 → -1
    [InlineData(1 << 30, 31, 1)]              // 0.5 → 1
    [InlineData((1 << 30) - 1, 31, 0)]        // just below 0.5 → 0
    public void RoundingDivideByPot_hand_cases(int x, int e, int expected)
    {
        Assert.Equal(expected, QuantMath.RoundingDivideByPOT(x, e));
        Assert.Equal(expected, QuantMathModel.RoundingDivideByPot(x, e));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(32)]
    public void RoundingDivideByPot_rejects_exponent_out_of_range(int e)
    {
        var ex = Assert.Throws<ArgumentException>(() => QuantMath.RoundingDivideByPOT(1, e));
        Assert.Contains(e.ToString(), ex.Message);
    }

    [Theory]
    // 100 · 0.5 (2^30 / 2^31) = 50.
    [InlineData(100, 1 << 30, 0, 50)]
    // 101 · 0.5 = 50.5: SRDHM(101, 2^30) = 51 already (half up), shift 0.
    [InlineData(101, 1 << 30, 0, 51)]
    // 100 · 0.5 · 2^-2 = 12.5 → 13 (SRDHM 50, then 50/4 = 12.5 → 13).
    [InlineData(100, 1 << 30, -2, 13)]
    // -100 · 0.5 · 2^-2 = -12.5 → -13.
    [InlineData(-100, 1 << 30, -2, -13)]
    // 3 · 0.5 · 2^3 = 12 (left shift first: 24 · 0.5).
    [InlineData(3, 1 << 30, 3, 12)]
    // Left shift wraps: 2^30 · 2 = -2^31 as int32, times 0.5 = -2^30.
    [InlineData(1 << 30, 1 << 30, 1, -(1 << 30))]
    // Shift -31 with the largest accumulator: (2^31 - 1)·(2^31 - 1)/2^31 ≈ 2^31 - 2 → /2^31 rounds to 1.
    [InlineData(int.MaxValue, int.MaxValue, -31, 1)]
    // Double rounding: 3 · (2^30 + 1)/2^31 = 1.5000000014 → SRDHM 2, then 2 / 2 = 1 (a single rounding of
    // 0.75000000070 would give 1 too); and 5·2^30/2^31 = 2.5 → 3 → 3/2 = 1.5 → 2, where single rounding of 1.25 gives 1.
    [InlineData(5, 1 << 30, -1, 2)]
    public void Mbqm_hand_cases(int acc, int m, int shift, int expected)
    {
        Assert.Equal(expected, QuantMath.MultiplyByQuantizedMultiplier(acc, m, shift));
        Assert.Equal(expected, QuantMathModel.Mbqm(acc, m, shift));
    }

    [Fact]
    public void Srdhm_edge_values_match_model()
    {
        int[] edges = { int.MinValue, int.MinValue + 1, -(1 << 30) - 1, -(1 << 30), -(1 << 30) + 1, -65536, -3, -2, -1, 0, 1, 2, 3,
            65535, (1 << 30) - 1, 1 << 30, (1 << 30) + 1, int.MaxValue - 1, int.MaxValue };
        foreach (int a in edges)
        {
            foreach (int b in edges)
            {
                Assert.True(QuantMathModel.Srdhm(a, b) == QuantMath.SaturatingRoundingDoublingHighMul(a, b), $"SRDHM({a}, {b})");
            }
        }
    }

    [Fact]
    public void Mbqm_every_shift_on_edge_accumulators_matches_model()
    {
        int[] accs = { int.MinValue, int.MinValue + 1, -291465, -65537, -1025, -3, -1, 0, 1, 3, 1025, 291465, int.MaxValue };
        int[] mults = { 0, 1 << 30, (1 << 30) + 1, 1518500250, int.MaxValue - 1, int.MaxValue };
        for (int shift = -31; shift <= 30; shift++)
        {
            foreach (int acc in accs)
            {
                foreach (int m in mults)
                {
                    Assert.True(QuantMathModel.Mbqm(acc, m, shift) == QuantMath.MultiplyByQuantizedMultiplier(acc, m, shift),
                        $"MBQM({acc}, {m}, {shift})");
                }
            }
        }
    }

    /// <summary>
    /// The one-step requantization the specialised kernels inline (Requantize's summary): floor((v·m + k) / 2^R) with
    /// R = 31 + max(−shift, 0), k = OneStepNudge(shift, v &lt; 0) and v = acc·2^max(shift, 0) wrapping in int32, against
    /// the arbitrary-precision model on every shift, edge accumulators and multipliers, exact halves of both signs,
    /// and random cases (seed printed on failure).
    /// </summary>
    [Fact]
    public void One_step_requantization_matches_model()
    {
        static int OneStep(int acc, int m, int shift)
        {
            int v = shift > 0 ? acc * (1 << shift) : acc;
            int right = shift > 0 ? 31 : 31 - shift;
            return (int)((v * (long)m + Requantize.OneStepNudge(shift, v < 0)) >> right);
        }

        int[] accs = { int.MinValue, int.MinValue + 1, -291465, -65537, -1025, -3, -2, -1, 0, 1, 2, 3, 1025, 291465, int.MaxValue };
        int[] mults = { 0, 1 << 30, (1 << 30) + 1, 1518500250, int.MaxValue - 1, int.MaxValue };
        for (int shift = -31; shift <= 30; shift++)
        {
            foreach (int acc in accs)
            {
                foreach (int m in mults)
                {
                    Assert.True(QuantMathModel.Mbqm(acc, m, shift) == OneStep(acc, m, shift), $"one step ({acc}, {m}, {shift})");
                }
            }

            if (shift < 0)
            {
                // acc·2^30/2^31 = acc/2 exactly (m = 2^30), so acc = ±(2k + 1)·2^(r) lands on a half after the shift.
                int r = -shift;
                foreach (long k in new long[] { 0, 1, 5 })
                {
                    long acc = (2 * k + 1) << r;
                    if (acc <= int.MaxValue)
                    {
                        Assert.True(QuantMathModel.Mbqm((int)acc, 1 << 30, shift) == OneStep((int)acc, 1 << 30, shift), $"half +{acc} shift {shift}");
                        Assert.True(QuantMathModel.Mbqm((int)-acc, 1 << 30, shift) == OneStep((int)-acc, 1 << 30, shift), $"half -{acc} shift {shift}");
                    }
                }
            }
        }

        TestSeed.Run(20261207, rng =>
        {
            for (int n = 0; n < 20000; n++)
            {
                int acc = RandomInt(rng);
                int shift = rng.Next(-31, 31);
                int m = rng.Next(4) == 0 ? rng.Next(0, int.MaxValue) : rng.Next(1 << 30, int.MaxValue) + rng.Next(2);
                Assert.True(QuantMathModel.Mbqm(acc, m, shift) == OneStep(acc, m, shift), $"one step ({acc}, {m}, {shift})");
            }
        });
    }

    [Fact]
    public void Exact_halves_round_away_from_zero_for_every_exponent()
    {
        for (int e = 1; e <= 30; e++)
        {
            int half = 1 << (e - 1);
            // (2k + 1) · 2^(e-1) / 2^e = k + 0.5 for k = 0 and k = 5.
            Assert.Equal(1, QuantMath.RoundingDivideByPOT(half, e));
            Assert.Equal(-1, QuantMath.RoundingDivideByPOT(-half, e));
            if (e <= 27)
            {
                // 11 · 2^(e-1) fits in int32 up to e = 27.
                Assert.Equal(6, QuantMath.RoundingDivideByPOT(11 * half, e));
                Assert.Equal(-6, QuantMath.RoundingDivideByPOT(-11 * half, e));
            }
        }
    }

    [Fact]
    public void Random_cases_match_model()
    {
        TestSeed.Run(20261126, rng =>
        {
            for (int n = 0; n < 20000; n++)
            {
                int a = RandomInt(rng);
                int b = RandomInt(rng);
                int e = rng.Next(0, 32);
                int shift = rng.Next(-31, 31);
                int m = rng.Next(4) == 0 ? RandomInt(rng) : rng.Next(1 << 30, int.MaxValue) + rng.Next(2);
                Assert.True(QuantMathModel.Srdhm(a, b) == QuantMath.SaturatingRoundingDoublingHighMul(a, b), $"SRDHM({a}, {b})");
                Assert.True(QuantMathModel.RoundingDivideByPot(a, e) == QuantMath.RoundingDivideByPOT(a, e), $"RDBPOT({a}, {e})");
                Assert.True(QuantMathModel.Mbqm(a, m, shift) == QuantMath.MultiplyByQuantizedMultiplier(a, m, shift), $"MBQM({a}, {m}, {shift})");
            }
        });
    }

    [Fact]
    public void Mbqm_and_requantize_match_model_property()
    {
        // CsCheck generates (from a fixed seed) accumulator, multiplier in the format's range and shift.
        Gen.Int.Select(Gen.Int[1 << 30, int.MaxValue], Gen.Int[-31, 30], Gen.Int[-128, 127])
            .SampleSeeded(seed: 20261206, iter: 20000, c =>
            {
                (int acc, int m, int shift, int zp) = c;
                int expected = QuantMathModel.Mbqm(acc, m, shift);
                Assert.Equal(expected, QuantMath.MultiplyByQuantizedMultiplier(acc, m, shift));
                int v = zp + expected;
                Assert.Equal(v < -128 ? -128 : v > 127 ? 127 : v, Requantize.Clamp(acc, m, shift, zp, -128, 127));
            });
    }

    /// <summary>Uniform over int32 half of the time, else small magnitudes where rounding decisions cluster.</summary>
    internal static int RandomInt(Random rng)
    {
        return rng.Next(3) switch
        {
            0 => (int)(uint)rng.NextInt64(0, 1L << 32),
            1 => rng.Next(-300000, 300001),
            _ => rng.Next(-64, 65),
        };
    }

    [Theory]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.5, 1 << 30, 0)]               // f = 0.5, shift 0
    [InlineData(1.0, 1 << 30, 1)]               // 1 = 0.5 · 2^1
    [InlineData(0.75, 1610612736, 0)]           // 0.75 · 2^31
    [InlineData(0.25, 1 << 30, -1)]
    [InlineData(3.0, 1610612736, 2)]            // 3 = 0.75 · 2^2
    [InlineData(1.0 - 1e-12, 1 << 30, 1)]       // f·2^31 rounds to 2^31 → 2^30 and shift + 1
    [InlineData(1e-12, 0, 0)]                   // 1e-12 ≈ 0.55 · 2^-39: shift below -31 → zero
    [InlineData(4.656612873077393e-10, 1 << 30, -30)] // 2^-31 = 0.5 · 2^-30
    public void QuantizeMultiplier_hand_cases(double real, int expectedMultiplier, int expectedShift)
    {
        QuantMath.QuantizeMultiplier(real, out int m, out int s);
        Assert.Equal(expectedMultiplier, m);
        Assert.Equal(expectedShift, s);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1073741824.0)] // 2^30 = 0.5 · 2^31: shift 31 is out of range
    public void QuantizeMultiplier_rejects(double real)
    {
        Assert.Throws<ArgumentException>(() => QuantMath.QuantizeMultiplier(real, out _, out _));
    }

    [Fact]
    public void QuantizeMultiplier_random_values_are_within_half_a_unit()
    {
        TestSeed.Run(7, rng =>
        {
            for (int n = 0; n < 5000; n++)
            {
                double real = Math.Pow(2, rng.NextDouble() * 50 - 30) * (0.5 + rng.NextDouble());
                QuantMath.QuantizeMultiplier(real, out int m, out int s);
                Assert.InRange(m, 1 << 30, int.MaxValue);
                Assert.InRange(s, -31, 30);
                // real = x / 2^31 · 2^s with x exact; |x − m| ≤ 1/2 (BigInteger-free: x is a double with ≤ 53 bits).
                double x = real / Math.Pow(2, s) * 2147483648.0;
                Assert.True(Math.Abs(x - m) <= 0.5, $"real {real}: m {m}, shift {s}, exact {x}");
            }
        });
    }

    [Theory]
    [InlineData(0.0f, 0.1f, 0, 0)]
    [InlineData(0.25f, 0.5f, 0, 1)]        // 0.5 → 1 (half away)
    [InlineData(-0.25f, 0.5f, 0, -1)]      // -0.5 → -1
    [InlineData(-0.25f, 0.5f, 3, 2)]       // round(-0.5) + 3 = 2 (rounding happens before the zero point)
    [InlineData(1.0f, 0.5f, -10, -8)]      // 2 - 10
    [InlineData(1000.0f, 0.1f, 0, 127)]    // clamps high
    [InlineData(-1000.0f, 0.1f, 100, -128)] // clamps low
    [InlineData(float.PositiveInfinity, 1.0f, 0, 127)]
    [InlineData(float.NegativeInfinity, 1.0f, 0, -128)]
    [InlineData(float.NaN, 1.0f, 17, 17)]  // NaN is real zero
    public void Quantize_hand_cases(float x, float scale, int zp, int expected)
    {
        Assert.Equal((sbyte)expected, QuantMath.Quantize(x, scale, zp));
    }

    [Fact]
    public void Dequantize_is_scale_times_offset()
    {
        Assert.Equal(-1.5f, QuantMath.Dequantize(-128, 0.5f, -125));
        Assert.Equal(0f, QuantMath.Dequantize(7, 0.3f, 7));
    }

    [Theory]
    [InlineData(5, 2, 3)]     // 2.5 → 3
    [InlineData(-5, 2, -3)]   // -2.5 → -3
    [InlineData(7, 3, 2)]     // 2.33 → 2
    [InlineData(-8, 3, -3)]   // -2.67 → -3
    [InlineData(0, 9, 0)]
    public void DivideRoundHalfAway_hand_cases(int n, int d, int expected)
    {
        Assert.Equal(expected, QuantMath.DivideRoundHalfAway(n, d));
    }

    [Fact]
    public void Model_self_check_left_shift_wraps_like_int32()
    {
        // Guards the oracle itself: 2^30 · 2 as int32 is -2^31.
        Assert.Equal(unchecked((int)0x80000000), (int)(uint)(((BigInteger)(1 << 30) << 1) & uint.MaxValue));
    }
}
