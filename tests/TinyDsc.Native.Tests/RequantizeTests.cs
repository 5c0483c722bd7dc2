using System;
using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>The C requantization helpers against QuantMath on edge values and random ones (fixed seed, printed).</summary>
public sealed class RequantizeTests
{
    private static readonly int[] EdgeAccs =
        { 0, 1, -1, 2, -2, 3, -3, 1 << 30, -(1 << 30), int.MaxValue, int.MinValue, int.MaxValue - 1, int.MinValue + 1, 291465, -291465 };

    private static readonly int[] EdgeMultipliers = { 0, 1 << 30, (1 << 30) + 1, int.MaxValue, int.MinValue, -1, 1, 1518500250 };

    [NativeFact]
    public void MultiplyByQuantizedMultiplier_MatchesQuantMath_OnEdgesForEveryShift()
    {
        NativeLib.EnsureResolver();
        for (int shift = -31; shift <= 30; shift++)
        {
            foreach (int acc in EdgeAccs)
            {
                foreach (int m in EdgeMultipliers)
                {
                    int expected = QuantMath.MultiplyByQuantizedMultiplier(acc, m, shift);
                    int actual = NativeLib.MultiplyByQuantizedMultiplier(acc, m, shift);
                    Assert.True(expected == actual, $"acc {acc}, multiplier {m}, shift {shift}: native {actual}, QuantMath {expected}");
                }
            }
        }
    }

    [NativeFact]
    public void MultiplyByQuantizedMultiplier_MatchesQuantMath_OnRandomValues()
    {
        NativeLib.EnsureResolver();
        const int seed = 1301;
        var rng = new Random(seed);
        for (int i = 0; i < 200_000; i++)
        {
            int acc = rng.Next(4) == 0 ? rng.Next(-300_000, 300_000) : (int)(uint)rng.NextInt64(0, 1L << 32);
            int m = rng.Next(3) == 0 ? (int)(uint)rng.NextInt64(0, 1L << 32) : (1 << 30) + rng.Next(1 << 30);
            int shift = rng.Next(-31, 31);
            int expected = QuantMath.MultiplyByQuantizedMultiplier(acc, m, shift);
            int actual = NativeLib.MultiplyByQuantizedMultiplier(acc, m, shift);
            Assert.True(expected == actual, $"seed {seed}, draw {i}: acc {acc}, multiplier {m}, shift {shift}: native {actual}, QuantMath {expected}");
        }
    }

    [NativeFact]
    public void DivideRoundHalfAway_MatchesQuantMath()
    {
        NativeLib.EnsureResolver();
        const int seed = 1302;
        var rng = new Random(seed);
        int[] edges = { 0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, int.MaxValue, int.MinValue, int.MaxValue - 3, int.MinValue + 3 };
        int[] divisors = { 1, 2, 3, 4, 9, 49, 1 << 24, int.MaxValue };
        foreach (int n in edges)
        {
            foreach (int d in divisors)
            {
                Assert.Equal(QuantMath.DivideRoundHalfAway(n, d), NativeLib.DivideRoundHalfAway(n, d));
            }
        }

        for (int i = 0; i < 100_000; i++)
        {
            int n = rng.Next(2) == 0 ? rng.Next(-20000, 20000) : (int)(uint)rng.NextInt64(0, 1L << 32);
            int d = rng.Next(2) == 0 ? rng.Next(1, 100) : rng.Next(1, int.MaxValue);
            int expected = QuantMath.DivideRoundHalfAway(n, d);
            int actual = NativeLib.DivideRoundHalfAway(n, d);
            Assert.True(expected == actual, $"seed {seed}, draw {i}: {n} / {d}: native {actual}, QuantMath {expected}");
        }
    }
}
