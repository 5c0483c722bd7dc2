using System.Linq;
using System;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Every specialised convolution against Conv2DReference, bit for bit: hand-picked shapes (named, with the reason
/// each exists) and a few hundred random ones from a fixed seed. Input, output and scratch carry guard bytes.
/// </summary>
public class SpecialisedConvTests
{
    [Theory]
    // The first depthwise layers of the sample DS-CNN / MobileNet-style nets.
    [InlineData("model_14x14x32_s1_pad1", 14, 14, 32, 1, 1, 1, 1, 1, 1)]
    [InlineData("model_28x28x8_s2_pad1", 28, 28, 8, 2, 2, 1, 1, 1, 1)]
    // TF "SAME" on an even input with stride 2 pads only bottom/right.
    [InlineData("same_pad_even_s2_pads_0_0_1_1", 8, 8, 5, 2, 2, 0, 0, 1, 1)]
    // Stride 2 on odd sizes: the last window ends exactly on the bottom/right pad.
    [InlineData("odd_7x7_s2_pad1", 7, 7, 3, 2, 2, 1, 1, 1, 1)]
    // A 1x1 input with pad 2: every output has at most one real tap, the band is mostly padding rows.
    [InlineData("input_1x1_pad2", 1, 1, 4, 1, 1, 2, 2, 2, 2)]
    // Stride larger than the kernel: windows skip input columns and rows.
    [InlineData("stride3_gaps", 10, 11, 2, 3, 3, 1, 1, 1, 1)]
    // Different strides per axis and asymmetric pads on every side.
    [InlineData("stride_1x2_asymmetric_pads", 6, 9, 7, 1, 2, 2, 0, 1, 2)]
    // Width 1 (the band is one pixel wide plus pads) and a single channel (offsets o1/o2 equal 1/2).
    [InlineData("width1_tall", 9, 1, 3, 1, 1, 1, 1, 1, 1)]
    [InlineData("single_channel", 5, 6, 1, 1, 1, 1, 1, 1, 1)]
    // No padding at all: output smaller than input.
    [InlineData("valid_no_pad", 5, 5, 6, 1, 1, 0, 0, 0, 0)]
    // Few channels on tall, narrow rows: Run's reload mode (channel by channel), with pad rows 2 above and below.
    [InlineData("reload_s2_pads2", 23, 9, 5, 2, 2, 2, 1, 2, 0)]
    [InlineData("reload_s1_odd", 31, 7, 3, 1, 1, 1, 2, 2, 1)]
    // Few channels on wide rows (band row above 512 bytes): one output row per band load.
    [InlineData("wide_rows_s2", 61, 60, 12, 2, 2, 1, 1, 1, 1)]
    [InlineData("wide_rows_s1", 45, 90, 6, 1, 1, 1, 1, 1, 1)]
    // Stride 2 down only, and the paired rows with an even and an odd output row count (group path).
    [InlineData("stride_2x1_group", 9, 8, 23, 2, 1, 1, 1, 1, 1)]
    [InlineData("pairs_even_rows", 8, 10, 40, 2, 2, 1, 0, 0, 1)]
    [InlineData("pairs_odd_rows_no_pad", 11, 9, 37, 2, 2, 0, 0, 0, 0)]
    public void Depthwise3x3_named_shapes(string name, int h, int w, int c, int sh, int sw, int pt, int pl, int pb, int pr)
    {
        TestSeed.Run(TestSeed.ForName(name) ^ 12345, rng =>
        {
            for (int rep = 0; rep < 4; rep++)
            {
                int zpIn = ConvCase.RandomZeroPoint(rng);
                int zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, c, c, 3, 3, sh, sw, 1, 1, pt, pl, pb, pr, c, zpIn, zpOut, lo, hi);
                var cc = ConvCase.Random(rng, p, $"{name}#{rep}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Depthwise3x3(cc), "DepthwiseConv3x3");
            }
        });
    }

    [Fact]
    public void Depthwise3x3_random_shapes()
    {
        TestSeed.Run(31337, rng =>
        {
            int done = 0;
            while (done < 300)
            {
                int h = rng.Next(1, 12), w = rng.Next(1, 12), c = rng.Next(1, 20);
                int sh = rng.Next(1, 4), sw = rng.Next(1, 4);
                int pt = rng.Next(3), pl = rng.Next(3), pb = rng.Next(3), pr = rng.Next(3);
                int zpIn = ConvCase.RandomZeroPoint(rng), zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, c, c, 3, 3, sh, sw, 1, 1, pt, pl, pb, pr, c, zpIn, zpOut, lo, hi);
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    continue;
                }

                var cc = ConvCase.Random(rng, p, $"dw_random_{done}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Depthwise3x3(cc), "DepthwiseConv3x3");
                done++;
            }
        });
    }

    /// <summary>
    /// DepthwiseConv3x3's packed stride-1 and stride-2 paths (partial sums of three or two outputs in one long, requantization constants
    /// folded per channel) and the limits where a channel falls back to the unpacked loops: shifts −22..8 (packed)
    /// against −23 and 9, folded bias exactly ±2^(30 − max(shift, 0)) and one beyond, multipliers 0, 2^30 and int.MaxValue, a clamp
    /// at zpOut and above it (packed) and below it (unpacked). Inputs and weights at their extremes make every
    /// field of the packed sums reach ±9·128·127, so a field that borrowed from its neighbour would show.
    /// Vertical stride 2 runs the paired rows (two output rows per pass, odd and even row counts); tall inputs run
    /// Run's reload mode (channel by channel, three band rows reloaded per output row).
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public void Depthwise3x3_packed_path_limits(int strideH, bool tall)
    {
        TestSeed.Run(20261206 + strideH + (tall ? 10 : 0), rng =>
        {
            int[] shifts = { -22, -23, 0, 1, 8, 9, -1, -31, -12 };
            int[] multipliers = { 0, 1 << 30, int.MaxValue, 1518500250 };
            int[] foldedTargets = { 1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1, 0, 123456, 1 << 22, (1 << 22) + 1, -(1 << 22) - 1, 1 << 29, -(1 << 29) - 1 };
            for (int rep = 0; rep < 24; rep++)
            {
                int zpIn = rep % 3 == 0 ? -128 : rep % 3 == 1 ? 127 : ConvCase.RandomZeroPoint(rng);
                int zpOut = rep % 4 == 0 ? -128 : rep % 4 == 1 ? 127 : ConvCase.RandomZeroPoint(rng);
                int lo = rep % 3 == 0 ? zpOut : rep % 3 == 1 ? System.Math.Min(127, zpOut + rng.Next(0, 40)) : System.Math.Max(-128, zpOut - 1 - rng.Next(0, 5));
                int hi = rng.Next(lo, 128);
                int c = shifts.Length * 2 + rep % 5;
                int w = rep % 2 == 0 ? 7 : 1 + rng.Next(12);
                int sw = 1 + rep / 4 % 2;
                int pad = rep % 5 == 4 ? 0 : 1;
                int h = tall ? 40 + rep % 3 : strideH == 1 ? 5 : 7 + rep % 4;
                var p = ConvCase.Params(h, w, c, c, 3, 3, strideH, sw, 1, 1, pad, pad, pad, pad, c, zpIn, zpOut, lo, hi);
                var cc = ConvCase.Random(rng, p, $"packed_limits#{rep}");
                int mode = rep % 4;
                for (int i = 0; i < cc.Input.Length; i++)
                {
                    cc.Input[i] = mode switch
                    {
                        0 => (sbyte)(i % 2 == 0 ? -128 : 127),
                        1 => (sbyte)-128,
                        2 => (sbyte)((i / c) % 3 == 0 ? 127 : -128),
                        _ => cc.Input[i],
                    };
                }

                for (int i = 0; i < cc.Weights.Length; i++)
                {
                    if (mode != 3)
                    {
                        cc.Weights[i] = (sbyte)(((i / 9) + i) % 2 == 0 ? 127 : -127);
                    }
                }

                cc.Bias = new int[c];
                for (int oc = 0; oc < c; oc++)
                {
                    cc.Shift[oc] = shifts[oc % shifts.Length];
                    cc.Multiplier[oc] = multipliers[(oc + rep) % multipliers.Length];
                    long sumW = 0;
                    for (int k = 0; k < 9; k++)
                    {
                        sumW += cc.Weights[oc * 9 + k];
                    }

                    // Raw bias so that the folded bias (bias − zp_in·Σw) hits the target exactly.
                    cc.Bias[oc] = (int)(foldedTargets[(oc + rep) % foldedTargets.Length] + zpIn * sumW);
                }

                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Depthwise3x3(cc), "DepthwiseConv3x3");
            }
        });
    }

    /// <summary>
    /// DepthwiseConv3x3's direct stride-2 mode, where the input is read in place (stride 2, pads 0 or 1 on each side, every
    /// channel on the packed rows): output row 0 under a top pad row and the last row over a bottom pad row in their own
    /// two-row loop, the last column over a right pad column in a pass of its own, passes of three, two and one output
    /// rows between, against the reference: PyTorch's padding 1 and TensorFlow's SAME (0, 0, 1, 1) on even and odd sizes. Requantization stays
    /// in the packed range (shift −22..8, multiplier ≠ 0, folded bias within ±2^(30 − max(shift, 0)), its ends included) so
    /// that the mode is taken; clamps range from none through ReLU-type to a single value, so the field windows run
    /// full, partly and entirely clamped; inputs and weights are often at their extremes. Shapes of one output row or
    /// column, which the mode does not take, are checked too (the band modes).
    /// </summary>
    [Fact]
    public void Depthwise3x3_direct_stride2_matches_reference()
    {
        TestSeed.Run(20261207, rng =>
        {
            int direct = 0;
            for (int rep = 0; rep < 240; rep++)
            {
                int w = rng.Next(3, 20);
                int h = rng.Next(3, 22);
                int pt = rng.Next(2), pb = rng.Next(2), pl = rng.Next(2), pr = rng.Next(2);
                int c = rng.Next(1, 41);
                int zpIn = ConvCase.RandomZeroPoint(rng);
                int zpOut = ConvCase.RandomZeroPoint(rng);
                int lo, hi;
                if (rep % 7 == 6)
                {
                    lo = hi = rng.Next(-128, 128);
                }
                else
                {
                    ConvCase.RandomActivation(rng, zpOut, out lo, out hi);
                }

                var p = ConvCase.Params(h, w, c, c, 3, 3, 2, 2, 1, 1, pt, pl, pb, pr, c, zpIn, zpOut, lo, hi);
                if (p.OutputH >= 2 && p.OutputW >= 2)
                {
                    direct++;
                }

                var cc = ConvCase.Random(rng, p, $"direct_s2#{rep}");
                if (rep % 3 == 0)
                {
                    cc.Input = ConvCase.RandomActivations(rng, cc.InputLength);
                    for (int i = 0; i < cc.Weights.Length; i++)
                    {
                        cc.Weights[i] = (sbyte)(rng.Next(2) == 0 ? -127 : 127);
                    }
                }

                cc.Bias = new int[c];
                for (int oc = 0; oc < c; oc++)
                {
                    int shift = rng.Next(4) == 0 ? (rng.Next(2) == 0 ? -22 : 8) : rng.Next(-22, 9);
                    int left = shift > 0 ? shift : 0;
                    int limit = (1 << 30) >> left;
                    int folded = rng.Next(4) switch
                    {
                        0 => rng.Next(2) == 0 ? limit : -limit,
                        1 => rng.Next(-limit, limit),
                        _ => rng.Next(-30000, 30001),
                    };
                    cc.Shift[oc] = shift;
                    cc.Multiplier[oc] = rng.Next(3) switch { 0 => 1 << 30, 1 => int.MaxValue, _ => rng.Next(1 << 30, int.MaxValue) };
                    long sumW = 0;
                    for (int k = 0; k < 9; k++)
                    {
                        sumW += cc.Weights[oc * 9 + k];
                    }

                    // Raw bias so that the folded bias (bias − zp_in·Σw) is the drawn value.
                    cc.Bias[oc] = (int)(folded + zpIn * sumW);
                }

                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Depthwise3x3(cc), "DepthwiseConv3x3");
            }

            Assert.True(direct >= 180, $"only {direct} of 240 shapes take the direct mode");
        });
    }

    [Fact]
    public void Depthwise3x3Multiplier_folded_rows_limits()
    {
        // Both sides of the folded rows' limits (DepthwiseConv3x3Multiplier.Folds): shift −22 / −23 and 8 / 9, |folded
        // bias| at 2^(30 − max(shift, 0)) and one past it, ReLU-type clamps (actMin ≥ zp_out) and clamps below zp_out
        // (the sign test), extreme q and w (packed fields at their largest sums), multipliers 0 and 2^31 − 1; K = 15 runs
        // chunks of 8, 4, 2 and 1 (three, two and one channels per long), and a
        // chunk with one channel outside the limits runs Row1General for each of its channels.
        TestSeed.Run(20261207, rng =>
        {
            int[] shifts = { -22, -23, 0, 1, 8, 9, -1, -31, -12, 30 };
            int[] multipliers = { 0, 1 << 30, int.MaxValue, 1518500250 };
            int[] foldedTargets = { 1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1, 0, 123456, 1 << 22, (1 << 22) + 1, -(1 << 22), -(1 << 22) - 1, 1 << 29, -(1 << 29) - 1 };
            for (int rep = 0; rep < 24; rep++)
            {
                int zpIn = rep % 3 == 0 ? -128 : rep % 3 == 1 ? 127 : ConvCase.RandomZeroPoint(rng);
                int zpOut = rep % 4 == 0 ? -128 : rep % 4 == 1 ? 127 : ConvCase.RandomZeroPoint(rng);
                int lo = rep % 3 == 0 ? zpOut : rep % 3 == 1 ? System.Math.Min(127, zpOut + rng.Next(0, 40)) : System.Math.Max(-128, zpOut - 1 - rng.Next(0, 5));
                int hi = rng.Next(lo, 128);
                int cin = 1 + rep % 3;
                int k = rep % 6 == 5 ? 8 : 15;
                int cout = cin * k;
                int w = rep % 2 == 0 ? 7 : 1 + rng.Next(12);
                int sw = 1 + rep / 4 % 2;
                int pad = rep % 5 == 4 ? 0 : 1 + rep % 2;
                var p = ConvCase.Params(5, w, cin, cout, 3, 3, 1, sw, 1, 1, pad, pad, pad, pad, cin, zpIn, zpOut, lo, hi);
                var cc = ConvCase.Random(rng, p, $"multiplier_folded_limits#{rep}");
                int mode = rep % 4;
                for (int i = 0; i < cc.Input.Length; i++)
                {
                    cc.Input[i] = mode switch
                    {
                        0 => (sbyte)(i % 2 == 0 ? -128 : 127),
                        1 => (sbyte)-128,
                        2 => (sbyte)((i / cin) % 3 == 0 ? 127 : -128),
                        _ => cc.Input[i],
                    };
                }

                for (int i = 0; i < cc.Weights.Length; i++)
                {
                    if (mode != 3)
                    {
                        // rep % 8 == 1 (every q = −128): whole channels at +127 and −127 alternately, so
                        // neighbouring 21-bit fields hold the largest sums of opposite sign, ±9·128·127.
                        cc.Weights[i] = (sbyte)(rep % 8 == 1 ? ((i / 9) % 2 == 0 ? 127 : -127) : (((i / 9) + i) % 2 == 0 ? 127 : -127));
                    }
                }

                cc.Bias = new int[cout];
                for (int oc = 0; oc < cout; oc++)
                {
                    // Most reps keep whole chunks on one side of the limits; every third rep mixes them per channel.
                    int pick = rep % 3 == 2 ? oc : oc / 8 + rep;
                    cc.Shift[oc] = shifts[pick % shifts.Length];
                    cc.Multiplier[oc] = multipliers[(oc + rep) % multipliers.Length];
                    long sumW = 0;
                    for (int t = 0; t < 9; t++)
                    {
                        sumW += cc.Weights[oc * 9 + t];
                    }

                    // Raw bias so that the folded bias (bias − zp_in·Σw) hits the target exactly.
                    cc.Bias[oc] = (int)(foldedTargets[(pick + rep) % foldedTargets.Length] + zpIn * sumW);
                }

                Assert.True(DepthwiseConv3x3Multiplier.IsSupported(ref cc.P), cc.Name);
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Depthwise3x3Multiplier(cc), "DepthwiseConv3x3Multiplier");
            }
        });
    }

    [Theory]
    // The sample model's expansion / projection shapes.
    [InlineData("model_14x14_32_to_64", 14, 14, 32, 64)]
    [InlineData("model_7x7_64_to_16", 7, 7, 64, 16)]
    // Pixels multiple of 16, Cout of 8, Cin of 4: only the packed 16x8 block and its 4-channel inner loop run.
    [InlineData("blocks_only", 4, 8, 8, 16)]
    // Pixels mod 16 = 15, Cout mod 8 = 7, Cin mod 4 = 3: every tail (16x1, 1x8, 1x1 blocks; one-channel loops) runs.
    [InlineData("all_tails", 1, 31, 11, 15)]
    // Fewer than 16 pixels / 8 channels and Cin below 4: only the 1x1 block's one-channel loop.
    [InlineData("tails_only", 1, 7, 3, 7)]
    // The 7x7 and 14x14 layers of the sample model: 49 pixels = 3 blocks of 16 + 1, 196 = 12 blocks of 16 + 4.
    [InlineData("model_7x7_96_to_128", 7, 7, 96, 128)]
    [InlineData("model_14x14_32_to_32", 14, 14, 32, 32)]
    // Large Cin in the packed block: pair sums up to 600·16256, both halves of each long in use.
    [InlineData("cin_600_packed", 4, 4, 600, 8)]
    // One input channel: the inner loop runs once per block.
    [InlineData("cin_1", 4, 4, 1, 12)]
    // Large Cin (accumulator grows to 600·127·255 ≈ 1.9e7) with one output channel.
    [InlineData("cin_600_cout_1", 2, 3, 600, 1)]
    public void Pointwise_named_shapes(string name, int h, int w, int cin, int cout)
    {
        PointwiseAgainstReference(name, 777, h, w, cin, cout);
    }

    /// <summary>Four random layers of shape h×w×cin→cout (zero points, clamp, weights, activations from the name's
    /// seed ^ salt), each PointwiseConv against Conv2DReference byte for byte.</summary>
    private static void PointwiseAgainstReference(string name, int salt, int h, int w, int cin, int cout)
    {
        TestSeed.Run(TestSeed.ForName(name) ^ salt, rng =>
        {
            for (int rep = 0; rep < 4; rep++)
            {
                int zpIn = ConvCase.RandomZeroPoint(rng);
                int zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, cin, cout, 1, 1, zpIn: zpIn, zpOut: zpOut, actMin: lo, actMax: hi);
                var cc = ConvCase.Random(rng, p, $"{name}#{rep}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Pointwise(cc), "PointwiseConv");
            }
        });
    }

    [Fact]
    public void Pointwise_random_shapes()
    {
        TestSeed.Run(4242, rng =>
        {
            for (int n = 0; n < 300; n++)
            {
                // Every Cin mod 4 and Cout mod 8 many times; pixel counts 1..80 (every count mod 8).
                int h = rng.Next(1, 9), w = rng.Next(1, 11), cin = n < 100 ? n % 20 + 1 : rng.Next(1, 41), cout = n < 100 ? n / 5 + 1 : rng.Next(1, 24);
                int zpIn = ConvCase.RandomZeroPoint(rng), zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, cin, cout, 1, 1, zpIn: zpIn, zpOut: zpOut, actMin: lo, actMax: hi);
                var cc = ConvCase.Random(rng, p, $"pw_random_{n}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Pointwise(cc), "PointwiseConv");
            }
        });
    }

    [Fact]
    public void Pointwise_random_shapes_across_chunks()
    {
        // Cin across the 64-channel chunks of the three-lane accumulators (one, two, three and more chunks, every
        // Cin mod 4), pixel counts 1..40 (every count mod 12 and mod 3), Cout 1..20 (every Cout mod 8).
        TestSeed.Run(4343, rng =>
        {
            for (int n = 0; n < 60; n++)
            {
                int h = rng.Next(1, 5), w = rng.Next(1, 11), cin = n < 20 ? 60 + n : rng.Next(1, 300), cout = rng.Next(1, 21);
                int zpIn = ConvCase.RandomZeroPoint(rng), zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, cin, cout, 1, 1, zpIn: zpIn, zpOut: zpOut, actMin: lo, actMax: hi);
                var cc = ConvCase.Random(rng, p, $"pw_chunks_{n}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Pointwise(cc), "PointwiseConv");
            }
        });
    }

    [Theory]
    // MobileNetV2's projections (64 < Cin ≤ 128, narrowing): split mode, the scratch holds one 64-channel chunk.
    [InlineData("mbv2_7x7_96_to_24", 7, 7, 96, 24, true)]
    [InlineData("mbv2_7x7_96_to_32", 7, 7, 96, 32, true)]
    [InlineData("mbv2_7x7_128_to_32", 7, 7, 128, 32, true)]
    // The rule's edge, 64 + Cout < Cin + 8: Cout 13 splits at Cin 70, Cout 14 does not; 13 pixels take the 3-pixel tail.
    [InlineData("split_edge_in", 1, 13, 70, 13, true)]
    [InlineData("split_edge_out", 1, 13, 70, 14, false)]
    // Cin 65 (one channel in the second chunk) and 128 (two full chunks) with Cout mod 8 = 1.
    [InlineData("split_cin_65", 2, 7, 65, 1, true)]
    [InlineData("split_cin_128_cout_9", 3, 5, 128, 9, true)]
    // Wider than two chunks, or widening: the whole group packed as before.
    [InlineData("no_split_cin_129", 1, 13, 129, 8, false)]
    [InlineData("no_split_96_to_96", 7, 7, 96, 96, false)]
    public void Pointwise_split_mode_matches_reference(string name, int h, int w, int cin, int cout, bool splits)
    {
        // Scratch by hand: one chunk (4·64 longs) and 4 longs per output channel when split, else 4·Cin, +32 past one
        // chunk, +96 past two (PointwiseConv's summary). Run allocates exactly this many, so an overrun fails here.
        Assert.Equal(splits, PointwiseConv.Splits(cin, cout));
        int expected = splits ? 256 + 4 * cout : 4 * cin + (cin > 64 ? 32 : 0) + (cin > 128 ? 96 : 0);
        Assert.Equal(expected, PointwiseConv.PackedLongs(cin, cout));
        PointwiseAgainstReference(name, 778, h, w, cin, cout);
    }

    [Theory]
    [InlineData(16)]    // one chunk: Store4 and, for the 13th pixel, Store1
    [InlineData(100)]   // two chunks (split mode, Cout 9): Store4R and Store1R
    [InlineData(200)]   // more: the partial sums (StoreParts)
    public void Pointwise_store_paths_at_their_limits(int cin)
    {
        // The stores fold the bias into one 64-bit constant when shift is −23..0 and |bias| ≤ 2^30, else requantize each
        // output in int32 (Requantize.Clamp, wrapping as the reference does): both sides of each limit, shift 0 (no
        // sign term), a ReLU-type clamp (actMin ≥ zp_out: no sign test) and a plain one. zp_in = 0, so the folded bias
        // is the bias itself.
        int[] shifts = { 0, -1, -23, -24, 1 };
        int[] biases = { 1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1, int.MaxValue - 5, int.MinValue + 5, 0 };
        TestSeed.Run(4545 + cin, rng =>
        {
            foreach (int shift in shifts)
            {
                foreach (int bias in biases)
                {
                    foreach ((int zpOut, int actMin, int actMax) in new[] { (-20, -20, 127), (10, -128, 127), (-5, -60, 40) })
                    {
                        var p = ConvCase.Params(1, 13, cin, 9, 1, 1, zpIn: 0, zpOut: zpOut, actMin: actMin, actMax: actMax);
                        var c = ConvCase.Random(rng, p, $"pw_store_cin_{cin}_shift_{shift}_bias_{bias}_zp_{zpOut}");
                        c.Bias = new int[9];
                        for (int oc = 0; oc < 9; oc++)
                        {
                            // The limit itself on even channels, a random step inside it on odd ones.
                            c.Bias[oc] = oc % 2 == 0 || bias == 0 ? bias : bias - Math.Sign(bias) * rng.Next(0, 1 << 20);
                            c.Multiplier[oc] = rng.Next(1 << 30, int.MaxValue);
                            c.Shift[oc] = shift;
                        }

                        ConvRunner.AssertSame(c, ConvRunner.Reference(c), ConvRunner.Pointwise(c), "PointwiseConv");
                    }
                }
            }
        });
    }

    [Theory]
    [InlineData(5, 14)]
    [InlineData(63, 25)]
    [InlineData(64, 13)]
    [InlineData(65, 14)]
    [InlineData(67, 25)]
    [InlineData(128, 12)]
    [InlineData(131, 13)]
    [InlineData(192, 14)]
    [InlineData(257, 25)]
    public void Pointwise_lane_sums_exact_at_chunk_extremes(int cin, int pixels)
    {
        // Every product at an extreme (q = -128 or 127, w = -127 or 127) and of one sign along a pixel, so a full
        // 64-channel chunk drives a lane to ±64·128·127 = ±1,040,384, the bound within which the three 21-bit lanes
        // of a long stay exact; pixels = 12·k + 0..2 and 12·k + 1 take the 12-pixel blocks and the 3-pixel tails,
        // Cout = 9 the 8-channel and the one-channel blocks, both signs of the bias through zp_in = 127 and -128.
        foreach (int zpIn in new[] { 127, -128 })
        {
            var p = ConvCase.Params(1, pixels, cin, 9, 1, 1, zpIn: zpIn, zpOut: -3);
            var c = new ConvCase { Name = $"pw_extreme_cin_{cin}_px_{pixels}_zp_{zpIn}", P = p };
            c.Input = new sbyte[pixels * cin];
            for (int px = 0; px < pixels; px++)
            {
                for (int i = 0; i < cin; i++)
                {
                    // Pixels cycle through all -128, all 127 and alternating, so the lanes of one long differ.
                    c.Input[px * cin + i] = (sbyte)(px % 3 == 0 ? -128 : px % 3 == 1 ? 127 : (i % 2 == 0 ? -128 : 127));
                }
            }

            c.Weights = new sbyte[9 * cin];
            for (int oc = 0; oc < 9; oc++)
            {
                for (int i = 0; i < cin; i++)
                {
                    c.Weights[oc * cin + i] = (sbyte)(oc % 3 == 0 ? -127 : oc % 3 == 1 ? 127 : (i % 2 == 0 ? -127 : 127));
                }
            }

            // Output scales so the extreme sums land inside -128..127 instead of all saturating; shift > 0 on one channel.
            int bits = (int)Math.Ceiling(Math.Log2(cin * 16256.0));
            c.Multiplier = new int[9];
            c.Shift = new int[9];
            for (int oc = 0; oc < 9; oc++)
            {
                c.Multiplier[oc] = (1 << 30) + oc * 12345;
                c.Shift[oc] = oc == 8 ? 1 : 7 - bits + oc % 3;
            }

            sbyte[] expected = ConvRunner.Reference(c);
            Assert.True(expected.Distinct().Count() > 4, "the extreme test saturates instead of exercising the sums");
            ConvRunner.AssertSame(c, expected, ConvRunner.Pointwise(c), "PointwiseConv");
        }
    }

    [Fact]
    public void Pointwise_packed_sums_exact_at_the_accumulator_bound()
    {
        // Cin = 66311 (the validator's largest) with every product at its extreme: pixel sums reach ±66311·128·127
        // and ±66311·127·127 in both halves of the packed longs, zp_in = 127 makes |q − zp| reach 255 in the reference.
        const int cin = 66311;
        foreach (int zpIn in new[] { 127, -128 })
        {
            var p = ConvCase.Params(4, 4, cin, 8, 1, 1, zpIn: zpIn, zpOut: 0);
            var c = new ConvCase { Name = $"cin_{cin}_zp_{zpIn}", P = p };
            c.Input = new sbyte[16 * cin];
            for (int px = 0; px < 16; px++)
            {
                for (int i = 0; i < cin; i++)
                {
                    // Pixels alternate between all -128, all 127 and mixed, so neighbours in a pair differ.
                    c.Input[px * cin + i] = (sbyte)(px % 3 == 0 ? -128 : px % 3 == 1 ? 127 : (i % 2 == 0 ? -128 : 127));
                }
            }

            c.Weights = new sbyte[8 * cin];
            for (int oc = 0; oc < 8; oc++)
            {
                for (int i = 0; i < cin; i++)
                {
                    c.Weights[oc * cin + i] = (sbyte)(oc % 2 == 0 ? -127 : 127);
                }
            }

            c.Multiplier = new int[8];
            c.Shift = new int[8];
            for (int oc = 0; oc < 8; oc++)
            {
                // Output scale so the extreme sums land inside -128..127 instead of all saturating.
                c.Multiplier[oc] = (1 << 30) + oc * 12345;
                c.Shift[oc] = -24 - oc % 3;
            }

            sbyte[] expected = ConvRunner.Reference(c);
            Assert.True(expected.Distinct().Count() > 4, "the bound test saturates instead of exercising the sums");
            ConvRunner.AssertSame(c, expected, ConvRunner.Pointwise(c), "PointwiseConv");
        }
    }

    [Theory]
    // The stem of the sample net: 3x3 stride 2 over a one-channel 28x28 image, TF-SAME pads (bottom/right only).
    [InlineData("stem_28x28x1_to_8_s2", 28, 28, 1, 8, 3, 3, 2, 1, 0, 0, 1, 1)]
    // RGB stem with symmetric pad 1 and Cout not a multiple of 4 (channel tail next to the 4-channel blocks).
    [InlineData("stem_rgb_pad1_cout_mod4_2", 9, 9, 3, 6, 3, 3, 2, 1, 1, 1, 1, 1)]
    // Row and column kernels (3x1, 1x3) with asymmetric pads.
    [InlineData("kernel_3x1_pad_2_0", 7, 5, 2, 5, 3, 1, 1, 1, 2, 0, 0, 0)]
    [InlineData("kernel_1x3_pad_0_2", 5, 7, 2, 4, 1, 3, 1, 1, 0, 2, 0, 0)]
    // Dilation 2 along H only (W dilation is the one thing this kernel leaves to the reference).
    [InlineData("dilation_h2", 9, 6, 3, 4, 3, 3, 1, 2, 2, 1, 2, 1)]
    // A large kernel (5x5) with pad 4 = extent - 1: windows that see a single input pixel.
    [InlineData("kernel_5x5_pad4", 3, 4, 2, 3, 5, 5, 1, 1, 4, 4, 4, 4)]
    // Stride 3 along W, 1 along H, odd sizes.
    [InlineData("stride_1x3", 7, 11, 3, 8, 2, 2, 1, 1, 0, 1, 1, 0)]
    public void Dense_named_shapes(string name, int h, int w, int cin, int cout, int kh, int kw, int sh, int dh, int pt, int pl, int pb, int pr)
    {
        TestSeed.Run(TestSeed.ForName(name) ^ 999, rng =>
        {
            for (int rep = 0; rep < 4; rep++)
            {
                int zpIn = ConvCase.RandomZeroPoint(rng);
                int zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                int sw = name == "stride_1x3" ? 3 : sh;
                var p = ConvCase.Params(h, w, cin, cout, kh, kw, sh, sw, dh, 1, pt, pl, pb, pr, 1, zpIn, zpOut, lo, hi);
                Assert.True(p.OutputH >= 1 && p.OutputW >= 1, name);
                var cc = ConvCase.Random(rng, p, $"{name}#{rep}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Dense(cc), "Conv2DDense");
            }
        });
    }

    [Fact]
    public void Dense_random_shapes()
    {
        TestSeed.Run(8086, rng =>
        {
            int done = 0;
            while (done < 250)
            {
                int kh = rng.Next(1, 6), kw = rng.Next(1, 6), dh = rng.Next(1, 3);
                int extentH = dh * (kh - 1) + 1;
                var p = ConvCase.Params(rng.Next(1, 10), rng.Next(1, 10), rng.Next(1, 7), rng.Next(1, 11), kh, kw,
                    rng.Next(1, 4), rng.Next(1, 4), dh, 1, rng.Next(extentH), rng.Next(kw), rng.Next(extentH), rng.Next(kw), 1,
                    ConvCase.RandomZeroPoint(rng), ConvCase.RandomZeroPoint(rng));
                ConvCase.RandomActivation(rng, p.OutputZeroPoint, out p.ActMin, out p.ActMax);
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    continue;
                }

                var cc = ConvCase.Random(rng, p, $"dense_random_{done}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Dense(cc), "Conv2DDense");
                done++;
            }
        });
    }

    [Theory]
    // MobileNetV3-style 5x5 depthwise with pad 2, and its stride-2 form on an odd input.
    [InlineData("dw5x5_pad2", 9, 9, 6, 1, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)]
    [InlineData("dw5x5_s2_odd", 11, 11, 4, 1, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2)]
    // Depth multiplier 2 and 3 (PyTorch weight shape (K·Cin, 1, kh, kw)); Wo = 9 leaves a 1-pixel tail after 2 quads.
    [InlineData("multiplier2_3x3", 9, 9, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData("multiplier3_1x1_single_channel", 4, 6, 1, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)]
    // Dilation 2 on both axes (atrous), pads = extent - 1 = 4 on one side.
    [InlineData("dilated_2x2", 8, 10, 3, 1, 3, 3, 1, 1, 2, 2, 4, 0, 0, 4)]
    // 3x3 multiplier 1: DepthwiseConv3x3's case, so both specialised kernels are checked on the same data.
    [InlineData("same_as_3x3_kernel", 7, 7, 8, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)]
    // Output width below 4: only the single-pixel loop.
    [InlineData("narrow_output", 6, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 0, 1, 0)]
    public void DepthwiseGeneral_named_shapes(string name, int h, int w, int c, int k, int kh, int kw, int sh, int sw, int dh, int dw,
        int pt, int pl, int pb, int pr)
    {
        TestSeed.Run(TestSeed.ForName(name) ^ 4711, rng =>
        {
            for (int rep = 0; rep < 4; rep++)
            {
                int zpIn = ConvCase.RandomZeroPoint(rng);
                int zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, c, k * c, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, c, zpIn, zpOut, lo, hi);
                Assert.True(p.OutputH >= 1 && p.OutputW >= 1, name);
                var cc = ConvCase.Random(rng, p, $"{name}#{rep}");
                sbyte[] expected = ConvRunner.Reference(cc);
                ConvRunner.AssertSame(cc, expected, ConvRunner.DepthwiseGeneral(cc), "DepthwiseConv");
                if (DepthwiseConv3x3.IsSupported(ref cc.P))
                {
                    ConvRunner.AssertSame(cc, expected, ConvRunner.Depthwise3x3(cc), "DepthwiseConv3x3");
                }
            }
        });
    }

    [Fact]
    public void DepthwiseGeneral_random_shapes()
    {
        TestSeed.Run(6502, rng =>
        {
            int done = 0;
            while (done < 250)
            {
                int kh = rng.Next(1, 6), kw = rng.Next(1, 6), dh = rng.Next(1, 3), dw = rng.Next(1, 3), c = rng.Next(1, 9);
                int extentH = dh * (kh - 1) + 1, extentW = dw * (kw - 1) + 1;
                var p = ConvCase.Params(rng.Next(1, 12), rng.Next(1, 12), c, c * rng.Next(1, 4), kh, kw,
                    rng.Next(1, 4), rng.Next(1, 4), dh, dw, rng.Next(extentH), rng.Next(extentW), rng.Next(extentH), rng.Next(extentW), c,
                    ConvCase.RandomZeroPoint(rng), ConvCase.RandomZeroPoint(rng));
                ConvCase.RandomActivation(rng, p.OutputZeroPoint, out p.ActMin, out p.ActMax);
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    continue;
                }

                var cc = ConvCase.Random(rng, p, $"dw_general_random_{done}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.DepthwiseGeneral(cc), "DepthwiseConv");
                done++;
            }
        });
    }

    [Theory]
    // The bundled model's stem: one input channel, 16 output channels (two chunks of 8), pad 1.
    [InlineData("model_stem_28x28x1_to_16", 28, 28, 1, 16, 1, 1, 1, 1, 1, 1)]
    // The bundled model's 16 -> 32 stride-2 depthwise (multiplier 2: one chunk of 2 per input channel).
    [InlineData("model_28x28x16_k2_s2", 28, 28, 16, 2, 2, 2, 1, 1, 1, 1)]
    // Multipliers 3, 5, 7, 15, 20: chunk sequences 2+1, 4+1, 4+2+1, 8+4+2+1, 8+8+4.
    [InlineData("k3_odd_sizes", 7, 9, 3, 3, 1, 1, 1, 1, 1, 1)]
    [InlineData("k5_s2_pads_0_0_1_1", 8, 8, 2, 5, 2, 2, 0, 0, 1, 1)]
    [InlineData("k7_stride_1x2_asymmetric", 6, 9, 2, 7, 1, 2, 2, 0, 1, 2)]
    [InlineData("k15_cin1_stem_s2", 11, 10, 1, 15, 2, 2, 1, 1, 1, 1)]
    [InlineData("k20_cin1_stride3", 10, 11, 1, 20, 3, 3, 1, 1, 1, 1)]
    // Multiplier 1 (DepthwiseConv3x3's case, on a single Row1 chunk) and a one-channel input with one output.
    [InlineData("k1_same_as_3x3", 5, 6, 4, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData("k1_cin1", 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)]
    // A 1x1 input with pad 2 (the band is mostly padding rows), width 1, no padding at all.
    [InlineData("input_1x1_pad2_k8", 1, 1, 2, 8, 1, 1, 2, 2, 2, 2)]
    [InlineData("width1_tall_k4", 9, 1, 3, 4, 1, 1, 1, 1, 1, 1)]
    [InlineData("valid_no_pad_k6", 5, 5, 3, 6, 1, 1, 0, 0, 0, 0)]
    public void Depthwise3x3Multiplier_named_shapes(string name, int h, int w, int c, int k, int sh, int sw, int pt, int pl, int pb, int pr)
    {
        TestSeed.Run(TestSeed.ForName(name) ^ 2718, rng =>
        {
            for (int rep = 0; rep < 4; rep++)
            {
                int zpIn = ConvCase.RandomZeroPoint(rng);
                int zpOut = ConvCase.RandomZeroPoint(rng);
                ConvCase.RandomActivation(rng, zpOut, out int lo, out int hi);
                var p = ConvCase.Params(h, w, c, k * c, 3, 3, sh, sw, 1, 1, pt, pl, pb, pr, c, zpIn, zpOut, lo, hi);
                Assert.True(p.OutputH >= 1 && p.OutputW >= 1, name);
                var cc = ConvCase.Random(rng, p, $"{name}#{rep}");
                sbyte[] expected = ConvRunner.Reference(cc);
                ConvRunner.AssertSame(cc, expected, ConvRunner.Depthwise3x3Multiplier(cc), "DepthwiseConv3x3Multiplier");
                ConvRunner.AssertSame(cc, expected, ConvRunner.DepthwiseGeneral(cc), "DepthwiseConv");
                if (c == 1)
                {
                    // Cin = 1, groups 1: also a dense stem, the kernel the Interpreter chose before.
                    ConvRunner.AssertSame(cc, expected, ConvRunner.Dense(cc), "Conv2DDense");
                }
            }
        });
    }

    [Fact]
    public void Depthwise3x3Multiplier_random_shapes()
    {
        TestSeed.Run(1618, rng =>
        {
            int done = 0;
            while (done < 300)
            {
                // Every multiplier 1..20 (each chunk sequence of 8/4/2/1) with Cin 1..4, then random ones.
                int c = done < 80 ? done % 4 + 1 : rng.Next(1, 7);
                int k = done < 80 ? done / 4 + 1 : rng.Next(1, 21);
                int sh = rng.Next(1, 4), sw = rng.Next(1, 4);
                int pt = rng.Next(3), pl = rng.Next(3), pb = rng.Next(3), pr = rng.Next(3);
                var p = ConvCase.Params(rng.Next(1, 12), rng.Next(1, 12), c, k * c, 3, 3, sh, sw, 1, 1, pt, pl, pb, pr, c,
                    ConvCase.RandomZeroPoint(rng), ConvCase.RandomZeroPoint(rng));
                ConvCase.RandomActivation(rng, p.OutputZeroPoint, out p.ActMin, out p.ActMax);
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    continue;
                }

                var cc = ConvCase.Random(rng, p, $"dw_multiplier_random_{done}");
                ConvRunner.AssertSame(cc, ConvRunner.Reference(cc), ConvRunner.Depthwise3x3Multiplier(cc), "DepthwiseConv3x3Multiplier");
                done++;
            }
        });
    }

    [Fact]
    public void Requantize_matches_QuantMath_for_every_shift()
    {
        // The specialised kernels' epilogue against the QuantMath path it replaces, over all shifts and extreme
        // accumulators (including int.MinValue, where a left shift wraps) and every output clamp.
        TestSeed.Run(99, rng =>
        {
            int[] accs = { int.MinValue, int.MinValue + 1, -291465, -1025, -3, -1, 0, 1, 2, 3, 1025, 291465, int.MaxValue };
            int[] mults = { 0, 1 << 30, (1 << 30) + 1, 1518500250, int.MaxValue };
            for (int shift = -31; shift <= 30; shift++)
            {
                foreach (int m in mults)
                {
                    for (int k = 0; k < accs.Length + 40; k++)
                    {
                        int acc = k < accs.Length ? accs[k] : QuantMathTests.RandomInt(rng);
                        int zp = ConvCase.RandomZeroPoint(rng);
                        ConvCase.RandomActivation(rng, zp, out int lo, out int hi);
                        int v = zp + QuantMathModel.Mbqm(acc, m, shift);
                        int expected = v < lo ? lo : v > hi ? hi : v;
                        Assert.True(expected == Requantize.Clamp(acc, m, shift, zp, lo, hi), $"acc {acc} m {m} shift {shift} zp {zp}");
                    }
                }
            }
        });
    }
}
