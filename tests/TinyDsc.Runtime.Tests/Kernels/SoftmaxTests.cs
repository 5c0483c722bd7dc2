using System;
using CsCheck;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Tests;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Softmax (op 18) against its plain twin SoftmaxReference bit for bit, against float softmax within 1 LSB, and at
/// the edges: a single class, all-equal rows, saturated rows cut by diff_min, the largest class count (4095), scales
/// from tiny to capped, input zero points −128 and 127 (the kernel sees only differences, the float check does not),
/// several rows, in place, guard bytes. The anchor from outside is TFLM itself: the .tflite fixtures' post-softmax
/// goldens (converter tests, TflmGoldenTests).
/// </summary>
public class SoftmaxTests
{
    /// <summary>Input scales the tests sweep: tiny (long left shift), typical logits, large (diff_min cuts), capped (shift 31).</summary>
    public static readonly TheoryData<float> Scales = new() { 1e-6f, 0.003f, 0.0625f, 0.1f, 0.2371f, 1f, 7.5f, 40f };

    private static sbyte[] Run(float scale, int rows, int depth, sbyte[] input, bool twin = false)
    {
        (int m, int shift) = SoftmaxReference.Scaling(scale);
        var g = Guarded.From(input);
        var o = new Guarded(input.Length);
        if (twin)
        {
            SoftmaxReference.Run(rows, depth, m, shift, g.Array, g.Offset, o.Array, o.Offset);
        }
        else
        {
            Softmax.Run(rows, depth, m, shift, g.Array, g.Offset, o.Array, o.Offset);
        }

        o.AssertGuardsIntact("softmax output");
        g.AssertGuardsIntact("softmax input");
        return o.Payload();
    }

    /// <summary>The same bytes from kernel and twin, and each within 1 LSB of the float softmax (see FloatBound).</summary>
    private static void Check(float scale, int zeroPoint, int rows, int depth, sbyte[] input) => Check(scale, new[] { zeroPoint }, rows, depth, input);

    private static void Check(float scale, int[] zeroPoints, int rows, int depth, sbyte[] input)
    {
        sbyte[] kernel = Run(scale, rows, depth, input);
        sbyte[] twin = Run(scale, rows, depth, input, twin: true);
        for (int i = 0; i < kernel.Length; i++)
        {
            if (kernel[i] != twin[i])
            {
                Assert.Fail($"scale {scale}, depth {depth}, element {i}: kernel {kernel[i]}, twin {twin[i]}, row [{string.Join(", ", input, i / depth * depth, depth)}]");
            }
        }

        foreach (int zeroPoint in zeroPoints)
        {
            FloatBound(scale, zeroPoint, rows, depth, input, kernel);
        }
    }

    /// <summary>
    /// |(out + 128) − 256 · p| ≤ 1 with p the softmax of the dequantized row in double. 1, not 0.5: the output scale
    /// 1/256 cannot hold p = 1 (256 clamps to 255), and the fixed-point exp, the Q12.19 rounding of each term of the sum
    /// (≤ 2^−20 each) and the reciprocal add a little on top of the final rounding's 0.5.
    /// </summary>
    private static void FloatBound(float scale, int zeroPoint, int rows, int depth, sbyte[] input, sbyte[] output)
    {
        for (int r = 0; r < rows; r++)
        {
            double max = double.MinValue;
            for (int c = 0; c < depth; c++)
            {
                max = Math.Max(max, scale * (double)(input[r * depth + c] - zeroPoint));
            }

            double sum = 0;
            for (int c = 0; c < depth; c++)
            {
                sum += Math.Exp(scale * (double)(input[r * depth + c] - zeroPoint) - max);
            }

            for (int c = 0; c < depth; c++)
            {
                double p = Math.Exp(scale * (double)(input[r * depth + c] - zeroPoint) - max) / sum;
                double got = output[r * depth + c] + 128;
                Assert.True(Math.Abs(got - 256 * p) <= 1.0,
                    $"scale {scale}, depth {depth}, row {r}, class {c}: output {output[r * depth + c]} = {got}/256, float p = {p} = {256 * p:F3}/256");
            }
        }
    }

    private static sbyte[] Random8(Random rng, int n, int lo = -128, int hi = 127)
    {
        var a = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (sbyte)rng.Next(lo, hi + 1);
        }

        return a;
    }

    [Fact]
    public void Twin_constants_are_gemmlowps()
    {
        // The twin computes each constant from its real value; these are the raw values gemmlowp's fixedpoint.h lists.
        Assert.Equal(1895147668, SoftmaxReference.Fx.Constant(Math.Exp(-1.0 / 8.0), 0).Raw);
        Assert.Equal(715827883, SoftmaxReference.Fx.Constant(1.0 / 3.0, 0).Raw);
        Assert.Equal(1515870810, SoftmaxReference.Fx.Constant(48.0 / 17.0, 2).Raw);
        Assert.Equal(-1010580540, SoftmaxReference.Fx.Constant(-32.0 / 17.0, 2).Raw);
        int[] barrel = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
        for (int k = -2; k <= 4; k++)
        {
            Assert.Equal(barrel[k + 2], SoftmaxReference.Fx.Constant(Math.Exp(-Math.Pow(2, k)), 0).Raw);
        }
    }

    [Fact]
    public void Hand_computed_rows()
    {
        // One class: p = 1, 256 clamps to 255 → 127. Two, four and 256 equal classes: 256 / C − 128.
        Assert.Equal(new sbyte[] { 127 }, Run(0.1f, 1, 1, new sbyte[] { -37 }));
        Assert.Equal(new sbyte[] { 0, 0 }, Run(0.1f, 1, 2, new sbyte[] { 5, 5 }));
        Assert.Equal(new sbyte[] { -64, -64, -64, -64 }, Run(0.1f, 1, 4, new sbyte[] { -128, -128, -128, -128 }));
        Assert.All(Run(0.1f, 1, 256, new sbyte[256]), v => Assert.Equal(-127, v));

        // Scale ln 2 / 8 per step: inputs 0 and −8 are e^0 and e^(−ln 2) = 1/2: p = 2/3 and 1/3 → 170.7 and 85.3.
        Assert.Equal(new sbyte[] { 43, -43 }, Run((float)(Math.Log(2) / 8), 1, 2, new sbyte[] { 0, -8 }));
    }

    [Fact]
    public void Saturated_rows_are_cut_at_diff_min()
    {
        // Scale 1: multiplier 2^30, left shift 27, diff_min = −floor(31 · 2^26 / 2^27) = −15, so differences of −31 and
        // −255 are cut and give −128 exactly (e^−31 would round to 0 anyway).
        sbyte[] row = { 127, -128, -128, 96, 95 };
        Assert.Equal(new sbyte[] { 127, -128, -128, -128, -128 }, Run(1f, 1, 5, row));
        Check(1f, 0, 1, 5, row);
        Check(40f, 0, 1, 5, row);   // multiplier capped at 2^31 − 1, left shift 31: only the maxima pass
        Assert.Equal(new sbyte[] { 0, -128, 0 }, Run(40f, 1, 3, new sbyte[] { 9, 8, 9 }));
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void Every_pair_matches_the_twin(float scale)
    {
        // Two classes, all 256 × 256 inputs (one row each): every difference −255..255 in both positions.
        var input = new sbyte[2 * 256 * 256];
        int k = 0;
        for (int a = -128; a < 128; a++)
        {
            for (int b = -128; b < 128; b++)
            {
                input[k++] = (sbyte)a;
                input[k++] = (sbyte)b;
            }
        }

        Check(scale, new[] { -128, 127 }, 256 * 256, 2, input);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 1000)]
    [InlineData(3, 4095)]
    public void Large_class_counts(int seed, int depth)
    {
        TestSeed.Run(seed, rng =>
        {
            foreach (float scale in new[] { 0.003f, 0.05f, 0.2371f })
            {
                Check(scale, 0, 2, depth, Random8(rng, 2 * depth));
                Check(scale, 0, 1, depth, Random8(rng, depth, 120, 127));   // many classes near the maximum
            }
        });

        // All equal: 1/depth each, below half an LSB for depth > 512 (the sum then needs 35 − clz > 31: exact rounding, 0).
        var equal = new sbyte[depth];
        Array.Fill(equal, (sbyte)3);
        Check(0.1f, 3, 1, depth, equal);
        int expected = depth == 1 ? 127 : (int)Math.Round(256.0 / depth, MidpointRounding.AwayFromZero) - 128;
        Assert.All(Run(0.1f, 1, depth, equal), v => Assert.Equal(expected, v));
    }

    [Fact]
    public void Runs_in_place_and_over_several_rows()
    {
        TestSeed.Run(20261206, rng =>
        {
            (int m, int shift) = SoftmaxReference.Scaling(0.15f);
            sbyte[] data = Random8(rng, 7 * 12);
            var expected = new sbyte[data.Length];
            SoftmaxReference.Run(7, 12, m, shift, data, 0, expected, 0);
            var buffer = new sbyte[data.Length + 5];
            Array.Copy(data, 0, buffer, 5, data.Length);
            Softmax.Run(7, 12, m, shift, buffer, 5, buffer, 5);
            Assert.Equal(expected, buffer[5..]);
        });
    }

    [Fact]
    public void Rejects_parameters_outside_the_format()
    {
        var a = new sbyte[4096];
        Assert.Throws<ArgumentException>(() => Softmax.Run(1, 4096, 1 << 30, 3, a, 0, a, 0));
        Assert.Throws<ArgumentException>(() => Softmax.Run(1, 0, 1 << 30, 3, a, 0, a, 0));
        Assert.Throws<ArgumentException>(() => Softmax.Run(1, 4, (1 << 30) - 1, 3, a, 0, a, 0));
        Assert.Throws<ArgumentException>(() => Softmax.Run(1, 4, 1 << 30, 32, a, 0, a, 0));
        Assert.Throws<ArgumentException>(() => Softmax.Run(1, 4, 1 << 30, -1, a, 0, a, 0));
    }

    [Fact]
    public void Random_rows_property()
    {
        // CsCheck from a fixed seed: scale from 2^−12 to 2^4 (log-uniform), 1..300 classes, 1..3 rows, a zero point, a
        // value range (narrow ranges put many classes near the maximum) and the data seed.
        Gen.Select(Gen.Double[-12, 4], Gen.Int[1, 300], Gen.Int[1, 3], Gen.Int[-128, 127], Gen.Int[0, 255], Gen.Int)
            .SampleSeeded(seed: 18, iter: 400, t =>
            {
                (double logScale, int depth, int rows, int zp, int spread, int dataSeed) = t;
                float scale = (float)Math.Pow(2, logScale);
                var rng = new Random(dataSeed);
                int lo = rng.Next(-128, 128 - spread);
                Check(scale, zp, rows, depth, Random8(rng, rows * depth, lo, lo + spread));
            });
    }
}
