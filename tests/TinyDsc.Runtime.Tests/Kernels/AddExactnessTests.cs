using System;
using CsCheck;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Add.Run against the formula of its class summary evaluated with QuantMath (three MultiplyByQuantizedMultiplier
/// calls, int32 wrap), on all 256 × 256 input pairs, for parameters the one-step fast path takes (the converter's
/// kind: one input rescaled by exactly 0.5) and for edge parameters at the ends of the validator's ranges, which take
/// either path.
/// </summary>
public class AddExactnessTests
{
    private const int Half = 1 << 30;

    private static readonly int[] EdgeShifts = { -31, -30, -24, -23, -22, -21, -20, -3, -2, -1, 0, 1, 2, 29, 30 };
    private static readonly int[] EdgeLeft = { 0, 1, 2, 3, 19, 20, 21, 22, 23, 24, 29, 30 };

    private static int Reference(ref AddParams p, int q0, int q1)
    {
        int a = (q0 - p.Input0ZeroPoint) << p.LeftShift;
        int b = (q1 - p.Input1ZeroPoint) << p.LeftShift;
        int sa = QuantMath.MultiplyByQuantizedMultiplier(a, p.Input0Multiplier, p.Input0Shift);
        int sb = QuantMath.MultiplyByQuantizedMultiplier(b, p.Input1Multiplier, p.Input1Shift);
        int v = unchecked(p.OutputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(unchecked(sa + sb), p.OutputMultiplier, p.OutputShift));
        return v < p.ActMin ? p.ActMin : v > p.ActMax ? p.ActMax : v;
    }

    /// <summary>Every (q0, q1) pair, q0 in the high byte of the index; output at an offset in a third array.</summary>
    private static void AssertAllPairs(AddParams p)
    {
        var a = new sbyte[65536 + 3];
        var b = new sbyte[65536 + 5];
        for (int i = 0; i < 65536; i++)
        {
            a[i + 3] = (sbyte)(i >> 8);
            b[i + 5] = (sbyte)i;
        }

        var o = new sbyte[65536 + 7];
        o[6] = 77;
        Add.Run(ref p, a, 3, b, 5, o, 7, 65536);
        Assert.Equal(77, o[6]);
        for (int i = 0; i < 65536; i++)
        {
            int expected = Reference(ref p, (sbyte)(i >> 8), (sbyte)i);
            if (o[i + 7] != expected)
            {
                Assert.Fail($"q0 {(sbyte)(i >> 8)}, q1 {(sbyte)i}: got {o[i + 7]}, expected {expected}; " + Describe(p));
            }
        }
    }

    private static string Describe(AddParams p) =>
        $"L {p.LeftShift}, m0 {p.Input0Multiplier} s0 {p.Input0Shift}, m1 {p.Input1Multiplier} s1 {p.Input1Shift}, " +
        $"mo {p.OutputMultiplier} so {p.OutputShift}, zp {p.Input0ZeroPoint}/{p.Input1ZeroPoint}/{p.OutputZeroPoint}, act {p.ActMin}..{p.ActMax}";

    private static int Multiplier(Random r) => r.Next(5) switch
    {
        0 => 0,
        1 => Half,
        2 => int.MaxValue,
        _ => r.Next(Half, int.MaxValue),
    };

    private static void Act(Random r, ref AddParams p)
    {
        int lo = r.Next(3) == 0 ? -128 : r.Next(-128, 128);
        int hi = r.Next(3) == 0 ? 127 : r.Next(lo, 128);
        p.ActMin = lo;
        p.ActMax = hi;
    }

    private static AddParams ConverterLike(Random r)
    {
        // The converter's scheme (Requantization.Add): left shift 20, the larger-scale input at 0.5 exactly, the other
        // at a real multiplier in (0, 0.5], output shift around −20; which input is the larger one varies.
        var p = new AddParams
        {
            LeftShift = r.Next(4) == 0 ? r.Next(0, 23) : 20,
            Input0Multiplier = Half,
            Input0Shift = r.Next(4) == 0 ? -r.Next(0, 4) : 0,
            Input1Multiplier = r.Next(Half, int.MaxValue),
            Input1Shift = -r.Next(0, 8),
            OutputMultiplier = r.Next(Half, int.MaxValue),
            OutputShift = -r.Next(1, 23),
            Input0ZeroPoint = r.Next(-128, 128),
            Input1ZeroPoint = r.Next(-128, 128),
            OutputZeroPoint = r.Next(-128, 128),
        };
        Act(r, ref p);
        if (r.Next(2) == 0)
        {
            (p.Input0Multiplier, p.Input1Multiplier) = (p.Input1Multiplier, p.Input0Multiplier);
            (p.Input0Shift, p.Input1Shift) = (p.Input1Shift, p.Input0Shift);
        }

        return p;
    }

    private static AddParams Edge(Random r)
    {
        var p = new AddParams
        {
            LeftShift = EdgeLeft[r.Next(EdgeLeft.Length)],
            Input0Multiplier = Multiplier(r),
            Input0Shift = EdgeShifts[r.Next(EdgeShifts.Length)],
            Input1Multiplier = Multiplier(r),
            Input1Shift = EdgeShifts[r.Next(EdgeShifts.Length)],
            OutputMultiplier = Multiplier(r),
            OutputShift = EdgeShifts[r.Next(EdgeShifts.Length)],
            Input0ZeroPoint = r.Next(4) == 0 ? -128 : r.Next(4) == 0 ? 127 : r.Next(-128, 128),
            Input1ZeroPoint = r.Next(4) == 0 ? 127 : r.Next(-128, 128),
            OutputZeroPoint = r.Next(4) == 0 ? -128 : r.Next(-128, 128),
        };
        Act(r, ref p);
        return p;
    }

    [Fact]
    public void Converter_like_parameters_match_the_formula_on_all_pairs()
    {
        var r = new Random(20261207);
        for (int n = 0; n < 120; n++)
        {
            AssertAllPairs(ConverterLike(r));
        }
    }

    [Fact]
    public void Edge_parameters_match_the_formula_on_all_pairs()
    {
        var r = new Random(11);
        for (int n = 0; n < 160; n++)
        {
            AssertAllPairs(Edge(r));
        }
    }

    [Theory]
    // Fast-path limits and just past them: left shift 22/23, output shift -1/-22/-23/0, inexact input shift -(L + 1)
    // and -(L + 2), exact input by a multiplier of 2^30 with a negative shift, zero multipliers.
    [InlineData(22, Half, 0, 1518500250, -23, 1073741824, -1)]
    [InlineData(23, Half, 0, 1518500250, -3, 2147483647, -22)]
    [InlineData(22, Half, 0, 1518500250, -3, 2147483647, -22)]
    [InlineData(22, Half, 0, 1518500250, -3, 2147483647, -23)]
    [InlineData(22, Half, 0, 1518500250, -3, 2147483647, 0)]
    [InlineData(5, 1518500250, -6, Half, 0, 1900000000, -2)]
    [InlineData(5, 1518500250, -7, Half, 0, 1900000000, -2)]
    [InlineData(20, 1518500250, -1, Half, -20, 1900000000, -21)]
    [InlineData(20, 1518500250, -1, Half, -21, 1900000000, -21)]
    [InlineData(20, 0, 0, 2147483647, -1, 1900000000, -20)]
    [InlineData(20, 2147483647, -1, 0, -31, 1900000000, -20)]
    [InlineData(0, Half, 0, 2147483647, -1, 2147483647, -1)]
    [InlineData(0, Half, 0, 2147483647, 0, 2147483647, -1)]
    [InlineData(1, Half, 0, Half, 0, 0, -5)]
    public void Limits_of_the_fast_path_match_the_formula(int left, int m0, int s0, int m1, int s1, int mo, int so)
    {
        var r = new Random(left * 31 + so);
        for (int n = 0; n < 4; n++)
        {
            var p = new AddParams
            {
                LeftShift = left, Input0Multiplier = m0, Input0Shift = s0, Input1Multiplier = m1, Input1Shift = s1,
                OutputMultiplier = mo, OutputShift = so, Input0ZeroPoint = r.Next(-128, 128), Input1ZeroPoint = r.Next(-128, 128),
                OutputZeroPoint = r.Next(-128, 128),
            };
            Act(r, ref p);
            if (n == 0)
            {
                (p.Input0ZeroPoint, p.Input1ZeroPoint, p.ActMin, p.ActMax) = (-128, 127, -128, 127);
            }

            AssertAllPairs(p);
        }
    }

    [Fact]
    public void Every_count_at_offsets_and_in_place_matches_the_formula()
    {
        // The fast path runs two elements per pass and an odd last one: counts 1..9, the inputs and output at distinct
        // offsets of one array, and the output over either input (in place).
        var r = new Random(20261208);
        for (int n = 0; n < 40; n++)
        {
            AddParams p = ConverterLike(r);
            for (int count = 1; count <= 9; count++)
            {
                var a = new sbyte[count];
                var b = new sbyte[count];
                for (int i = 0; i < count; i++)
                {
                    a[i] = (sbyte)r.Next(-128, 128);
                    b[i] = (sbyte)r.Next(-128, 128);
                }

                for (int mode = 0; mode < 3; mode++)
                {
                    // mode 0: out after both inputs; 1: out over input 0; 2: out over input 1 (inputs at 3 and 3 + count + 2).
                    var arena = new sbyte[3 * count + 8];
                    int i0 = 3, i1 = 3 + count + 2;
                    int o = mode == 0 ? i1 + count + 1 : mode == 1 ? i0 : i1;
                    Array.Copy(a, 0, arena, i0, count);
                    Array.Copy(b, 0, arena, i1, count);
                    sbyte[] before = (sbyte[])arena.Clone();
                    Add.Run(ref p, arena, i0, arena, i1, arena, o, count);
                    for (int i = 0; i < arena.Length; i++)
                    {
                        int expected = i >= o && i < o + count ? Reference(ref p, a[i - o], b[i - o]) : before[i];
                        Assert.True(expected == arena[i], $"count {count}, mode {mode}, index {i}: " + Describe(p));
                    }
                }
            }
        }
    }

    [Fact]
    public void Random_parameters_and_inputs_match_the_formula_property()
    {
        // CsCheck from a fixed seed: any parameters in the validator's ranges, 1..40 random element pairs each.
        Gen.Select(
                Gen.Select(Gen.Int[0, 30], Gen.Int[-31, 30], Gen.Int[-31, 30], Gen.Int[-31, 30], Gen.Int[-128, 127], Gen.Int[-128, 127], Gen.Int[-128, 127]),
                Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[Half, int.MaxValue], Gen.Int[Half, int.MaxValue], Gen.Int[-128, 127], Gen.Int[-128, 127], Gen.Byte.Array[2, 80]))
            .SampleSeeded(seed: 20261207, iter: 3000, c =>
            {
                ((int left, int s0, int s1, int so, int z0, int z1, int zo), (int kind0, int kind1, int mA, int mB, int act1, int act2, byte[] data)) = c;
                var p = new AddParams
                {
                    LeftShift = left,
                    Input0Multiplier = kind0 == 0 ? 0 : kind0 == 1 ? Half : mA,
                    Input0Shift = kind0 == 1 ? 0 : s0,
                    Input1Multiplier = kind1 == 0 ? 0 : kind1 == 1 ? Half : mB,
                    Input1Shift = kind1 == 1 ? 0 : s1,
                    OutputMultiplier = mB,
                    OutputShift = so,
                    Input0ZeroPoint = z0,
                    Input1ZeroPoint = z1,
                    OutputZeroPoint = zo,
                    ActMin = Math.Min(act1, act2),
                    ActMax = Math.Max(act1, act2),
                };
                int n = data.Length / 2;
                var a = new sbyte[n];
                var b = new sbyte[n];
                Buffer.BlockCopy(data, 0, a, 0, n);
                Buffer.BlockCopy(data, n, b, 0, n);
                var o = new sbyte[n];
                Add.Run(ref p, a, 0, b, 0, o, 0, n);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Reference(ref p, a[i], b[i]) == o[i], $"element {i}: " + Describe(p));
                }
            });
    }
}
