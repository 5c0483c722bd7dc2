using System;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// An independent check of the integer convolutions: the same layer computed in double precision on dequantized
/// values (real_in = s_in·(q − zp_in), real_w = s_w[c]·w, real_bias = s_in·s_w[c]·bias), then quantized with
/// round-to-nearest and clamped, must agree with the int8 kernels within 1 LSB.
///
/// Why 1 LSB and not 0: the integer path multiplies the exact accumulator by M' = multiplier·2^(shift−31), which
/// differs from M = s_in·s_w/s_out by at most 2^−31 relative (half a unit of the 31-bit multiplier), and rounds
/// twice (SRDHM, then the rounding shift), so its result is within 1/2 + 1/2 + |acc·M|·2^−31 of the exact value
/// before rounding could differ; with |acc·M| kept below a few thousand here, that is one rounding step at most.
/// Clamping is monotone, so it cannot widen the gap. Ties in double are irrelevant at this tolerance.
/// </summary>
public class FloatCheckTests
{
    [Fact]
    public void General_conv_matches_double_precision_within_one_lsb()
    {
        TestSeed.Run(2718, rng =>
        {
            int done = 0;
            while (done < 150)
            {
                int groups = rng.Next(1, 4);
                int cinPerGroup = rng.Next(1, 4);
                int coutPerGroup = rng.Next(1, 4);
                if (rng.Next(3) == 0)
                {
                    groups = rng.Next(1, 6); // depthwise with multiplier coutPerGroup
                    cinPerGroup = 1;
                }

                int kh = rng.Next(1, 4), kw = rng.Next(1, 4);
                int dh = rng.Next(1, 3), dw = rng.Next(1, 3);
                int pt = rng.Next(0, dh * (kh - 1) + 1), pb = rng.Next(0, dh * (kh - 1) + 1);
                int pl = rng.Next(0, dw * (kw - 1) + 1), pr = rng.Next(0, dw * (kw - 1) + 1);
                int zpIn = ConvCase.RandomZeroPoint(rng), zpOut = rng.Next(-20, 21);
                var p = ConvCase.Params(rng.Next(1, 8), rng.Next(1, 8), groups * cinPerGroup, groups * coutPerGroup, kh, kw,
                    rng.Next(1, 3), rng.Next(1, 3), dh, dw, pt, pl, pb, pr, groups, zpIn, zpOut);
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    continue;
                }

                RunAndCompare(rng, p, $"float_check_{done}", ConvRunner.Reference);
                done++;
            }
        });
    }

    [Fact]
    public void Specialised_kernels_match_double_precision_within_one_lsb()
    {
        TestSeed.Run(1618, rng =>
        {
            for (int n = 0; n < 40; n++)
            {
                int c = rng.Next(1, 9);
                var dw = ConvCase.Params(rng.Next(2, 9), rng.Next(2, 9), c, c, 3, 3, rng.Next(1, 3), rng.Next(1, 3), 1, 1,
                    rng.Next(3), rng.Next(3), rng.Next(3), rng.Next(3), c, ConvCase.RandomZeroPoint(rng), rng.Next(-20, 21));
                RunAndCompare(rng, dw, $"float_dw_{n}", ConvRunner.Depthwise3x3);
                var pw = ConvCase.Params(rng.Next(1, 6), rng.Next(1, 6), rng.Next(1, 20), rng.Next(1, 10), 1, 1,
                    zpIn: ConvCase.RandomZeroPoint(rng), zpOut: rng.Next(-20, 21));
                RunAndCompare(rng, pw, $"float_pw_{n}", ConvRunner.Pointwise);
                var dense = ConvCase.Params(rng.Next(3, 9), rng.Next(3, 9), rng.Next(1, 4), rng.Next(1, 9), 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1,
                    ConvCase.RandomZeroPoint(rng), rng.Next(-20, 21));
                RunAndCompare(rng, dense, $"float_dense_{n}", ConvRunner.Dense);
            }
        });
    }

    private static void RunAndCompare(Random rng, ConvParams p, string name, Func<ConvCase, sbyte[]> kernel)
    {
        var c = new ConvCase { Name = name, P = p };
        int cpg = p.InputC / p.Groups;
        int perChannel = p.KernelH * p.KernelW * cpg;
        c.Input = ConvCase.RandomActivations(rng, c.InputLength);
        c.Weights = new sbyte[p.OutputC * perChannel];
        for (int i = 0; i < c.Weights.Length; i++)
        {
            c.Weights[i] = (sbyte)rng.Next(-127, 128);
        }

        double sIn = 0.01 + rng.NextDouble() * 0.09;
        var sW = new double[p.OutputC];
        double sOut = 0.004 + rng.NextDouble() * 0.05; // outputs span tens of LSBs, some clamp
        c.Bias = new int[p.OutputC];
        c.Multiplier = new int[p.OutputC];
        c.Shift = new int[p.OutputC];
        for (int oc = 0; oc < p.OutputC; oc++)
        {
            sW[oc] = (0.0005 + rng.NextDouble() * 0.005) / Math.Sqrt(perChannel);
            c.Bias[oc] = rng.Next(-50000, 50001);
            QuantMath.QuantizeMultiplier(sIn * sW[oc] / sOut, out c.Multiplier[oc], out c.Shift[oc]);
        }

        sbyte[] actual = kernel(c);
        int cout = p.OutputC;
        int coutPerGroup = cout / p.Groups;
        for (int oy = 0; oy < p.OutputH; oy++)
        {
            for (int ox = 0; ox < p.OutputW; ox++)
            {
                for (int oc = 0; oc < cout; oc++)
                {
                    int g = oc / coutPerGroup;
                    double sum = sIn * sW[oc] * c.Bias[oc];
                    for (int ky = 0; ky < p.KernelH; ky++)
                    {
                        for (int kx = 0; kx < p.KernelW; kx++)
                        {
                            int iy = oy * p.StrideH - p.PadTop + ky * p.DilationH;
                            int ix = ox * p.StrideW - p.PadLeft + kx * p.DilationW;
                            for (int i = 0; i < cpg; i++)
                            {
                                // Padding is real zero.
                                double x = iy < 0 || iy >= p.InputH || ix < 0 || ix >= p.InputW
                                    ? 0.0
                                    : sIn * (c.Input[(iy * p.InputW + ix) * p.InputC + g * cpg + i] - p.InputZeroPoint);
                                double wv = sW[oc] * c.Weights[((oc * p.KernelH + ky) * p.KernelW + kx) * cpg + i];
                                sum += x * wv;
                            }
                        }
                    }

                    double q = Math.Round(sum / sOut, MidpointRounding.AwayFromZero) + p.OutputZeroPoint;
                    double expected = Math.Clamp(q, p.ActMin, p.ActMax);
                    int got = actual[(oy * p.OutputW + ox) * cout + oc];
                    Assert.True(Math.Abs(got - expected) <= 1,
                        $"{name} y={oy} x={ox} c={oc}: int8 {got}, double {sum / sOut + p.OutputZeroPoint:F4} → {expected} ({ConvRunner.Describe(p)})");
                }
            }
        }
    }
}
