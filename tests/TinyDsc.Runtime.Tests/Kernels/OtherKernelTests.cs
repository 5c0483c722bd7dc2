using System;
using TinyDsc.Runtime.Kernels;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>Hand-computed cases for Add, pools, FullyConnected and Reshape, with guard bytes around outputs.</summary>
public class OtherKernelTests
{
    private const int Half = 1 << 30;

    [Fact]
    public void Add_rescales_both_inputs()
    {
        // left shift 2; input 0 scaled by 0.5, input 1 by 0.25, output by 0.5 (then · 2^-2 undoes the left shift
        // with shift -1: 0.5·2^-1 = 0.25). Element 0: a = (10-2)·4 = 32 → 16; b = (6-(-2))·4 = 32 → 8; 24 · 0.25 = 6;
        // + zp_out 1 = 7. Element 1: a = (-2-2)·4 = -16 → -8; b = (-2+2)·4 = 0 → 0; -8 · 0.25 = -2 → -1.
        // Element 2: a = (3-2)·4 = 4 → 2; b = (-1+2)·4 = 4 → 1; 3 · 0.25 = 0.75: SRDHM(3, 2^30) = 1.5 → 2,
        // then 2/2 = 1 → 1 + 1 = 2.
        var p = new AddParams
        {
            LeftShift = 2, Input0Multiplier = Half, Input0Shift = 0, Input1Multiplier = Half, Input1Shift = -1,
            OutputMultiplier = Half, OutputShift = -1, Input0ZeroPoint = 2, Input1ZeroPoint = -2, OutputZeroPoint = 1,
            ActMin = -128, ActMax = 127,
        };
        var a = Guarded.From(new sbyte[] { 10, -2, 3 });
        var b = Guarded.From(new sbyte[] { 6, -2, -1 });
        var o = new Guarded(3);
        Add.Run(ref p, a.Array, a.Offset, b.Array, b.Offset, o.Array, o.Offset, 3);
        o.AssertGuardsIntact("add output");
        Assert.Equal(new sbyte[] { 7, -1, 2 }, o.Payload());
    }

    [Fact]
    public void Add_clamps_and_works_in_place()
    {
        // Multipliers 1 (2^30, shift 1), no left shift, zero points 0: 100 + 100 = 200 → 127; -100 + -100 → -128
        // clamped further by ActMin -50. Output written over input 0.
        var p = new AddParams
        {
            Input0Multiplier = Half, Input0Shift = 1, Input1Multiplier = Half, Input1Shift = 1,
            OutputMultiplier = Half, OutputShift = 1, ActMin = -50, ActMax = 127,
        };
        var a = new sbyte[] { 100, -100, 5 };
        var b = new sbyte[] { 100, -100, 6 };
        Add.Run(ref p, a, 0, b, 0, a, 0, 3);
        Assert.Equal(new sbyte[] { 127, -50, 11 }, a);
    }

    [Theory]
    // 3x3 input 1..9, kernel 2, stride 1, pad bottom/right 1 → 3x3 output.
    // Inside-only (count_include_pad = 0): (0,0) = (1+2+4+5)/4 = 3; (0,2) = (3+6)/2 = 4.5 → 5;
    // (2,2) = 9/1 = 9; (2,0) = (7+8)/2 = 7.5 → 8.
    [InlineData(false, new sbyte[] { 3, 4, 5, 6, 7, 8, 8, 9, 9 })]
    // Padded taps count as zp = 1: (0,2) = (3+6+1+1)/4 = 2.75 → 3; (1,2) = (6+9+1+1)/4 = 4.25 → 4;
    // (2,0) = (7+8+1+1)/4 = 4.25 → 4; (2,1) = (8+9+1+1)/4 = 4.75 → 5; (2,2) = (9+1+1+1)/4 = 3.
    [InlineData(true, new sbyte[] { 3, 4, 3, 6, 7, 4, 4, 5, 3 })]
    public void AveragePool_count_include_pad(bool includePad, sbyte[] expected)
    {
        var p = ConvCase.Params(3, 3, 1, 1, 2, 2, padBottom: 1, padRight: 1, zpIn: 1);
        var input = Guarded.From(new sbyte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        var o = new Guarded(9);
        AveragePool.Run(ref p, includePad, input.Array, input.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("avgpool output");
        Assert.Equal(expected, o.Payload());
    }

    [Fact]
    public void AveragePool_negative_halves_round_away_from_zero()
    {
        // 1x2 window over (-1, -2): -3/2 = -1.5 → -2; two channels interleaved: channel 1 (-4, 1): -1.5 → -2.
        var p = ConvCase.Params(1, 2, 2, 2, 1, 2);
        var o = new sbyte[2];
        AveragePool.Run(ref p, false, new sbyte[] { -1, -4, -2, 1 }, 0, o, 0);
        Assert.Equal(new sbyte[] { -2, -2 }, o);
    }

    [Fact]
    public void MaxPool_ignores_padding_and_handles_channels()
    {
        // 2x2x2 input, kernel 3, stride 2, pad 1 all round → 1x1 output covering the whole input:
        // channel 0 values (-5, -7, -6, -8) → -5 (padding must not contribute 0 or the zero point);
        // channel 1 (1, 9, 3, 2) → 9.
        var p = ConvCase.Params(2, 2, 2, 2, 3, 3, 2, 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, zpIn: 100);
        var input = Guarded.From(new sbyte[] { -5, 1, -7, 9, -6, 3, -8, 2 });
        var o = new Guarded(2);
        MaxPool.Run(ref p, input.Array, input.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("maxpool output");
        Assert.Equal(new sbyte[] { -5, 9 }, o.Payload());
    }

    [Fact]
    public void MaxPool_stride2_2x2()
    {
        // 4x4 single channel 0..15, kernel 2 stride 2: maxima of each quadrant are 5, 7, 13, 15.
        var p = ConvCase.Params(4, 4, 1, 1, 2, 2, 2, 2);
        var input = new sbyte[16];
        for (int i = 0; i < 16; i++)
        {
            input[i] = (sbyte)i;
        }

        var o = new sbyte[4];
        MaxPool.Run(ref p, input, 0, o, 0);
        Assert.Equal(new sbyte[] { 5, 7, 13, 15 }, o);
    }

    [Fact]
    public void GlobalAveragePool_rounds_half_away()
    {
        // 2x2x2: channel 0 = (1, 2, 3, 4) → 2.5 → 3; channel 1 = (-1, -2, -3, -4) → -2.5 → -3.
        var input = Guarded.From(new sbyte[] { 1, -1, 2, -2, 3, -3, 4, -4 });
        var o = new Guarded(2);
        GlobalAveragePool.Run(2, 2, 2, -128, 127, input.Array, input.Offset, o.Array, o.Offset);
        o.AssertGuardsIntact("gap output");
        Assert.Equal(new sbyte[] { 3, -3 }, o.Payload());
    }

    [Fact]
    public void GlobalAveragePool_extremes_do_not_overflow()
    {
        // 64x64 pixels of -128: the sum -524288 is well inside int32 and the mean is exactly -128.
        var input = new sbyte[64 * 64];
        Array.Fill(input, (sbyte)-128);
        var o = new sbyte[1];
        GlobalAveragePool.Run(64, 64, 1, -128, 127, input, 0, o, 0);
        Assert.Equal(-128, o[0]);
    }

    [Fact]
    public void FullyConnected_per_channel_requantization()
    {
        // in = (3, 5, -1) with zp_in = 1 → real (2, 4, -2).
        // o0: w (1, 1, 1), bias 4 → 4 + 2 + 4 - 2 = 8, M = 1 → 8 + zp_out 2 = 10.
        // o1: w (-1, 0, 2), no bias offset (bias 0) → -2 - 4 = -6, M = 0.25 → -1.5: SRDHM(-6, 2^30) = -3,
        //     then -3/2 = -1.5 → -2 → 0.
        // o2: w (127, 127, 127) → 127·4 = 508, M = 1 → 510 → clamped to ActMax 100.
        var input = Guarded.From(new sbyte[] { 3, 5, -1 });
        var o = new Guarded(3);
        FullyConnected.Run(3, 3, 1, 2, -128, 100, input.Array, input.Offset,
            new sbyte[] { 1, 1, 1, -1, 0, 2, 127, 127, 127 }, new[] { 4, 0, 0 },
            new[] { Half, Half, Half }, new sbyte[] { 1, -1, 1 }, o.Array, o.Offset);
        o.AssertGuardsIntact("fc output");
        Assert.Equal(new sbyte[] { 10, 0, 100 }, o.Payload());
    }

    [Fact]
    public void FullyConnected_null_bias_equals_zero_bias()
    {
        TestSeed.Run(5, rng =>
        {
            var input = ConvCase.RandomActivations(rng, 50);
            var w = new sbyte[7 * 50];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (sbyte)rng.Next(-127, 128);
            }

            var m = new int[7];
            var s = new int[7];
            for (int i = 0; i < 7; i++)
            {
                ConvCase.RandomRequant(rng, out m[i], out s[i]);
            }

            var a = new sbyte[7];
            var b = new sbyte[7];
            FullyConnected.Run(50, 7, -3, 4, -128, 127, input, 0, w, null, m, Requantize.NarrowShifts(s), a, 0);
            FullyConnected.Run(50, 7, -3, 4, -128, 127, input, 0, w, new int[7], m, Requantize.NarrowShifts(s), b, 0);
            Assert.Equal(a, b);
        });
    }

    [Fact]
    public void FullyConnected_equals_reference_conv_on_1x1_input()
    {
        // An FC over Cin values is a 1x1 conv on a 1x1xCin tensor; both paths must agree bit for bit.
        TestSeed.Run(6, rng =>
        {
            for (int n = 0; n < 50; n++)
            {
                int cin = rng.Next(1, 70), cout = rng.Next(1, 12);
                var p = ConvCase.Params(1, 1, cin, cout, 1, 1, zpIn: ConvCase.RandomZeroPoint(rng), zpOut: ConvCase.RandomZeroPoint(rng));
                var c = ConvCase.Random(rng, p, $"fc_{n}");
                var fc = new Guarded(cout);
                FullyConnected.Run(cin, cout, p.InputZeroPoint, p.OutputZeroPoint, -128, 127, c.Input, 0, c.Weights, c.Bias,
                    c.Multiplier, Requantize.NarrowShifts(c.Shift), fc.Array, fc.Offset);
                fc.AssertGuardsIntact("fc output");
                Assert.Equal(ConvRunner.Reference(c), fc.Payload());
            }
        });
    }

    [Fact]
    public void Reshape_copies_bytes_in_order_including_overlap()
    {
        var buf = new sbyte[] { 1, 2, 3, 4, 5, 0, 0 };
        Reshape.Run(buf, 0, buf, 2, 5);
        Assert.Equal(new sbyte[] { 1, 2, 1, 2, 3, 4, 5 }, buf);
        var o = new Guarded(3);
        Reshape.Run(new sbyte[] { 9, 8, 7 }, 0, o.Array, o.Offset, 3);
        o.AssertGuardsIntact("reshape output");
        Assert.Equal(new sbyte[] { 9, 8, 7 }, o.Payload());
    }
}
