using TinyDsc.Runtime.Kernels;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// Tiny convolutions whose outputs were worked out by hand (the arithmetic is in each case's comment). Every kernel
/// that supports a case's shape runs it: the reference always, the specialised kernels (DepthwiseConv3x3,
/// DepthwiseConv3x3Multiplier, PointwiseConv, Conv2DDense, DepthwiseConv) where IsSupported.
/// Requantization by exactly 1 is multiplier 2^30 with shift 1 (0.5 · 2^1); by 0.5 is 2^30 with shift 0.
/// </summary>
public class ConvGoldenTests
{
    private const int Half = 1 << 30;

    [Theory]
    [InlineData("pointwise_negative_half_rounds_to_zero")]
    [InlineData("pointwise_4x4_block_with_input_zero_point")]
    [InlineData("depthwise3x3_pad1_padding_is_real_zero")]
    [InlineData("depthwise3x3_stride2_odd_input_bias")]
    [InlineData("row_kernel_1x3_stride2_left_pad_half_rounds_up")]
    [InlineData("column_kernel_3x1_asymmetric_pads")]
    [InlineData("grouped_two_groups")]
    [InlineData("depthwise_multiplier_2")]
    [InlineData("dilation_2")]
    [InlineData("relu_clamps_to_output_zero_point")]
    public void Hand_computed(string name)
    {
        (ConvCase c, sbyte[] expected) = Build(name);
        Assert.Equal(expected, ConvRunner.Reference(c));
        bool anySpecialised = false;
        if (DepthwiseConv3x3.IsSupported(ref c.P))
        {
            Assert.Equal(expected, ConvRunner.Depthwise3x3(c));
            anySpecialised = true;
        }

        if (PointwiseConv.IsSupported(ref c.P))
        {
            Assert.Equal(expected, ConvRunner.Pointwise(c));
            anySpecialised = true;
        }

        if (Conv2DDense.IsSupported(ref c.P))
        {
            Assert.Equal(expected, ConvRunner.Dense(c));
        }

        if (DepthwiseConv.IsSupported(ref c.P))
        {
            Assert.Equal(expected, ConvRunner.DepthwiseGeneral(c));
        }

        if (DepthwiseConv3x3Multiplier.IsSupported(ref c.P))
        {
            Assert.Equal(expected, ConvRunner.Depthwise3x3Multiplier(c));
        }

        // Cases named after a specialised kernel must actually exercise it.
        Assert.Equal(name.StartsWith("pointwise") || name.StartsWith("depthwise3x3"), anySpecialised);
    }

    private static (ConvCase, sbyte[]) Build(string name)
    {
        var c = new ConvCase { Name = name };
        sbyte[] expected;
        switch (name)
        {
            case "pointwise_negative_half_rounds_to_zero":
                // acc = 10 + (3-1)·2 + (-2-1)·5 = -1; -1 · 0.5 = -0.5, and TFLite's SRDHM rounds -0.5 to 0
                // (nudge 1 - 2^30, then truncation): out = -3 + 0 = -3. Half-away rounding would give -4.
                c.P = ConvCase.Params(1, 1, 2, 1, 1, 1, zpIn: 1, zpOut: -3);
                c.Input = new sbyte[] { 3, -2 };
                c.Weights = new sbyte[] { 2, 5 };
                c.Bias = new[] { 10 };
                c.Multiplier = new[] { Half };
                c.Shift = new[] { 0 };
                expected = new sbyte[] { -3 };
                break;
            case "pointwise_4x4_block_with_input_zero_point":
                // 2x2 pixels, real values (a, b) = (1,2), (3,4), (5,6), (7,8), stored with zp_in = 1.
                // Weights [1,0], [0,1], [1,1], [1,-1] give (a, b, a+b, a-b) per pixel; M = 1.
                c.P = ConvCase.Params(2, 2, 2, 4, 1, 1, zpIn: 1);
                c.Input = new sbyte[] { 2, 3, 4, 5, 6, 7, 8, 9 };
                c.Weights = new sbyte[] { 1, 0, 0, 1, 1, 1, 1, -1 };
                c.Multiplier = new[] { Half, Half, Half, Half };
                c.Shift = new[] { 1, 1, 1, 1 };
                expected = new sbyte[] { 1, 2, 3, -1, 3, 4, 7, -1, 5, 6, 11, -1, 7, 8, 15, -1 };
                break;
            case "depthwise3x3_pad1_padding_is_real_zero":
                // 2x2x1 input, real 1,2,3,4 stored as 0..3 with zp_in = -1. All-ones 3x3 kernel with pad 1: every
                // window covers the whole input, so each output is 1+2+3+4 = 10. Padding read as raw q = 0 would
                // add 5 taps of (0 - (-1)) = 1 at the corners: 15.
                c.P = ConvCase.Params(2, 2, 1, 1, 3, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 1, zpIn: -1);
                c.Input = new sbyte[] { 0, 1, 2, 3 };
                c.Weights = Ones(9);
                c.Multiplier = new[] { Half };
                c.Shift = new[] { 1 };
                expected = new sbyte[] { 10, 10, 10, 10 };
                break;
            case "depthwise3x3_stride2_odd_input_bias":
                // 3x3 input 1..9 row-major, pad 1, stride 2: Ho = (3+2-3)/2+1 = 2. All-ones weights:
                // (0,0) = 1+2+4+5 = 12, (0,1) = 2+3+5+6 = 16, (1,0) = 4+5+7+8 = 24, (1,1) = 5+6+8+9 = 28.
                // Bias 100 and M = 0.5: 112/2, 116/2, 124/2, 128/2.
                c.P = ConvCase.Params(3, 3, 1, 1, 3, 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
                c.Input = new sbyte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
                c.Weights = Ones(9);
                c.Bias = new[] { 100 };
                c.Multiplier = new[] { Half };
                c.Shift = new[] { 0 };
                expected = new sbyte[] { 56, 58, 62, 64 };
                break;
            case "row_kernel_1x3_stride2_left_pad_half_rounds_up":
                // 1x5 input 1..5, kernel 1x3 weights (1, 10, 100), stride 2, pad left 1: Wo = (5+1-3)/2+1 = 2.
                // x=0: taps -1 (pad), 0, 1 → 10·1 + 100·2 = 210; x=1: taps 1, 2, 3 → 2 + 30 + 400 = 432.
                // M = 0.25 (2^30, shift -1): 210 → SRDHM 105 → 105/2 = 52.5 → 53; 432 → 216 → 108.
                c.P = ConvCase.Params(1, 5, 1, 1, 1, 3, strideH: 2, strideW: 2, padLeft: 1);
                c.Input = new sbyte[] { 1, 2, 3, 4, 5 };
                c.Weights = new sbyte[] { 1, 10, 100 };
                c.Multiplier = new[] { Half };
                c.Shift = new[] { -1 };
                expected = new sbyte[] { 53, 108 };
                break;
            case "column_kernel_3x1_asymmetric_pads":
                // 3x1 input q = 1,2,3 with zp_in = 10 (real -9,-8,-7), kernel 3x1 weights (1,2,3), pad top 2, bottom 0:
                // Ho = 3. y=0: only the last tap is inside: 3·(-9) = -27; y=1: 2·(-9) + 3·(-8) = -42;
                // y=2: 1·(-9) + 2·(-8) + 3·(-7) = -46. M = 1.
                c.P = ConvCase.Params(3, 1, 1, 1, 3, 1, padTop: 2, zpIn: 10);
                c.Input = new sbyte[] { 1, 2, 3 };
                c.Weights = new sbyte[] { 1, 2, 3 };
                c.Multiplier = new[] { Half };
                c.Shift = new[] { 1 };
                expected = new sbyte[] { -27, -42, -46 };
                break;
            case "grouped_two_groups":
                // 1x1x4 input (1,2,3,4), groups 2, Cout 2: channel 0 reads inputs 0,1 with (1,1) → 3;
                // channel 1 reads inputs 2,3 with (1,-1) → -1. M = 1.
                c.P = ConvCase.Params(1, 1, 4, 2, 1, 1, groups: 2);
                c.Input = new sbyte[] { 1, 2, 3, 4 };
                c.Weights = new sbyte[] { 1, 1, 1, -1 };
                c.Multiplier = new[] { Half, Half };
                c.Shift = new[] { 1, 1 };
                expected = new sbyte[] { 3, -1 };
                break;
            case "depthwise_multiplier_2":
                // 1x1x2 input (5, 7), groups 2, Cout 4 (K = 2): outputs 0,1 read input 0, outputs 2,3 read input 1.
                // Weights (1,2,3,4): 5, 10, 21, 28.
                c.P = ConvCase.Params(1, 1, 2, 4, 1, 1, groups: 2);
                c.Input = new sbyte[] { 5, 7 };
                c.Weights = new sbyte[] { 1, 2, 3, 4 };
                c.Multiplier = new[] { Half, Half, Half, Half };
                c.Shift = new[] { 1, 1, 1, 1 };
                expected = new sbyte[] { 5, 10, 21, 28 };
                break;
            case "dilation_2":
                // 1x5 input 1..5, kernel 1x3 dilated by 2 spans 5: one output reading x = 0, 2, 4 → 1+3+5 = 9.
                c.P = ConvCase.Params(1, 5, 1, 1, 1, 3, dilW: 2);
                c.Input = new sbyte[] { 1, 2, 3, 4, 5 };
                c.Weights = Ones(3);
                c.Multiplier = new[] { Half };
                c.Shift = new[] { 1 };
                expected = new sbyte[] { 9 };
                break;
            case "relu_clamps_to_output_zero_point":
                // Kernel 1x2 over a 1x2x1 input (-50, 20), weights (1, 1): acc = -30, M = 1, zp_out = 5 → -25,
                // ReLU clamps at zp_out: 5.
                c.P = ConvCase.Params(1, 2, 1, 1, 1, 2, zpOut: 5, actMin: 5);
                c.Input = new sbyte[] { -50, 20 };
                c.Weights = Ones(2);
                c.Multiplier = new[] { Half };
                c.Shift = new[] { 1 };
                expected = new sbyte[] { 5 };
                break;
            default:
                throw new System.ArgumentException("unknown case " + name);
        }

        return (c, expected);
    }

    private static sbyte[] Ones(int n)
    {
        var w = new sbyte[n];
        System.Array.Fill(w, (sbyte)1);
        return w;
    }
}
