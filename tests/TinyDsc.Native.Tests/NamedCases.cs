using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Native.Tests;

/// <summary>
/// Hand-picked kernel calls, named by what they cover; each case's data comes from Random(its index + 1).
/// </summary>
internal static class NamedCases
{
    private static readonly (string Name, Func<Random, string, KernelCase> Build)[] All =
    {
        // DepthwiseConv3x3: the MobileNet block shapes, both requantization branches (shift < 0 and ≥ 0 via "wild").
        ("dw3x3_s1_pad1", (r, n) => Cases.ConvCase(r, n, Cases.Conv(8, 8, 16, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 16, zpIn: -3, zpOut: 5))),
        ("dw3x3_s2_pad1_odd9", (r, n) => Cases.ConvCase(r, n, Cases.Conv(9, 9, 8, 8, 3, 3, 2, 2, pt: 1, pl: 1, pb: 1, pr: 1, groups: 8, zpIn: 17))),
        ("dw3x3_asym_pad_0_2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(6, 7, 5, 5, 3, 3, pt: 0, pl: 2, pb: 2, pr: 0, groups: 5, zpIn: -128))),
        ("dw3x3_one_pixel_all_pad", (r, n) => Cases.ConvCase(r, n, Cases.Conv(1, 1, 4, 4, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 4, zpIn: 127))),
        ("dw3x3_relu6_clamp", (r, n) => Cases.ConvCase(r, n, Cases.Conv(5, 5, 8, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 8, zpOut: -20, actMin: -20, actMax: 60))),
        ("dw3x3_wild_shifts", (r, n) => Cases.ConvCase(r, n, Cases.Conv(4, 6, 6, 6, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 6), wild: true)),
        // DepthwiseConv3x3Multiplier: the one-channel stem and K = 2, 3 with stride 2.
        ("dw3x3_mult_stem_cin1_cout16_s2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(28, 28, 1, 16, 3, 3, 2, 2, pt: 1, pl: 1, pb: 1, pr: 1, groups: 1, zpIn: -128))),
        ("dw3x3_mult_k2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(6, 6, 4, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 4, zpIn: 9))),
        ("dw3x3_mult_k3_s2_asym", (r, n) => Cases.ConvCase(r, n, Cases.Conv(7, 8, 3, 9, 3, 3, 2, 2, pt: 0, pl: 1, pb: 2, pr: 0, groups: 3))),
        // DepthwiseConv: kernels and pads the 3×3 kernels do not take.
        ("dw_5x5_pad2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(9, 9, 6, 6, 5, 5, pt: 2, pl: 2, pb: 2, pr: 2, groups: 6, zpIn: -7))),
        ("dw_3x3_dilation2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(9, 10, 4, 4, 3, 3, dh: 2, dw: 2, pt: 2, pl: 2, pb: 2, pr: 2, groups: 4))),
        ("dw_3x3_pad3", (r, n) => Cases.ConvCase(r, n, Cases.Conv(4, 4, 3, 3, 3, 3, pt: 3, pl: 3, pb: 3, pr: 3, groups: 3, zpIn: 50))),
        ("dw_3x1_k2_s2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(8, 5, 3, 6, 3, 1, 2, 1, pt: 1, pb: 1, groups: 3))),
        ("dw_5x5_quads_and_leftover_wo7", (r, n) => Cases.ConvCase(r, n, Cases.Conv(7, 7, 2, 2, 5, 5, pt: 2, pl: 2, pb: 2, pr: 2, groups: 2))),
        // PointwiseConv: the 16-pixel × 8-channel packed blocks, their remainders, one input channel, long rows.
        ("pw_blocks_16x8_exact", (r, n) => Cases.ConvCase(r, n, Cases.Conv(4, 4, 16, 16, 1, 1, zpIn: -5, zpOut: 3))),
        ("pw_remainders_15px_13ch_cin7", (r, n) => Cases.ConvCase(r, n, Cases.Conv(5, 3, 7, 13, 1, 1, zpIn: 100))),
        ("pw_cin1", (r, n) => Cases.ConvCase(r, n, Cases.Conv(3, 3, 1, 9, 1, 1))),
        ("pw_cin300_no_bias", (r, n) => Cases.ConvCase(r, n, Cases.Conv(2, 3, 300, 10, 1, 1, zpIn: -128), withBias: false)),
        ("pw_wild_shifts", (r, n) => Cases.ConvCase(r, n, Cases.Conv(4, 5, 8, 12, 1, 1, zpIn: 4), wild: true)),
        // Conv2DDense: stems with Cin > 1, other kernels, H dilation, 1×1 with stride.
        ("dense_stem_3x3_s2_cin3", (r, n) => Cases.ConvCase(r, n, Cases.Conv(16, 16, 3, 8, 3, 3, 2, 2, pt: 1, pl: 1, pb: 1, pr: 1, zpIn: -1))),
        ("dense_5x5_cin2_pad2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(8, 9, 2, 5, 5, 5, pt: 2, pl: 2, pb: 2, pr: 2, zpIn: 33))),
        ("dense_dilation_h2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(9, 6, 3, 4, 3, 3, dh: 2, pt: 2, pl: 1, pb: 2, pr: 1))),
        ("dense_1x1_stride2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(7, 7, 4, 6, 1, 1, 2, 2))),
        // Conv2DReference: grouped with several channels per group, W dilation, no bias.
        ("ref_grouped_2", (r, n) => Cases.ConvCase(r, n, Cases.Conv(6, 6, 4, 6, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 2, zpIn: 12))),
        ("ref_dilation_w2_no_bias", (r, n) => Cases.ConvCase(r, n, Cases.Conv(5, 9, 3, 4, 3, 3, dw: 2, pt: 1, pl: 2, pb: 1, pr: 2), withBias: false)),
        ("ref_forced_on_dw3x3_shape", (r, n) => Cases.ConvCase(r, n, Cases.Conv(6, 6, 5, 5, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 5), NativeKernelIds.Conv2DReference)),
        // FullyConnected.
        ("fc_64_to_10", (r, n) => Cases.FullyConnectedCase(r, n, 64, 10, -9, 4)),
        ("fc_no_bias_relu", (r, n) => Cases.FullyConnectedCase(r, n, 33, 7, 20, -128, actMin: -128, actMax: 127, withBias: false)),
        ("fc_1_to_1", (r, n) => Cases.FullyConnectedCase(r, n, 1, 1, 0, 0)),
        // Add: plain, clamped, in place on its first input.
        ("add_64", (r, n) => Cases.AddCase(r, n, 64)),
        ("add_relu_clamp", (r, n) => Cases.AddCase(r, n, 37, actMin: -10, actMax: 90)),
        ("add_in_place", (r, n) => Cases.AddCase(r, n, 50, inPlace: true)),
        // Pools.
        ("avgpool_3x3_pad1_include_pad", (r, n) => Cases.PoolCase(r, n, NativeKernelIds.AveragePool, Cases.Conv(7, 7, 5, 5, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, zpIn: -30), true)),
        ("avgpool_3x3_pad1_exclude_pad", (r, n) => Cases.PoolCase(r, n, NativeKernelIds.AveragePool, Cases.Conv(7, 7, 5, 5, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, zpIn: -30))),
        ("avgpool_2x2_s2", (r, n) => Cases.PoolCase(r, n, NativeKernelIds.AveragePool, Cases.Conv(8, 8, 3, 3, 2, 2, 2, 2))),
        ("maxpool_2x2_s2", (r, n) => Cases.PoolCase(r, n, NativeKernelIds.MaxPool, Cases.Conv(8, 8, 3, 3, 2, 2, 2, 2))),
        ("maxpool_3x3_s2_pad1_clamp", (r, n) => Cases.PoolCase(r, n, NativeKernelIds.MaxPool, Cases.Conv(9, 9, 4, 4, 3, 3, 2, 2, pt: 1, pl: 1, pb: 1, pr: 1, actMin: -50, actMax: 50))),
        // Global average pools.
        ("gap_7x7x16", (r, n) => Cases.GlobalAveragePoolCase(r, n, 7, 7, 16, false)),
        ("gap_1x1x3", (r, n) => Cases.GlobalAveragePoolCase(r, n, 1, 1, 3, false)),
        ("gap_requantized_7x7x16", (r, n) => Cases.GlobalAveragePoolCase(r, n, 7, 7, 16, true)),
        ("gap_requantized_2x3x5_clamp", (r, n) => Cases.GlobalAveragePoolCase(r, n, 2, 3, 5, true, -100, 100)),
        ("gap_tflite_mean_divisor_7x7x16", (r, n) => Cases.GlobalAveragePoolCase(r, n, 7, 7, 16, true, tfliteMean: true)),
        ("gap_tflite_mean_divisor_2x2x5_halves", (r, n) => Cases.GlobalAveragePoolCase(r, n, 2, 2, 5, true, tfliteMean: true)),
        // Lookup: every input value once (input bytes -128..127 in order), in place.
        ("lookup_all_256_inputs", (r, n) => { KernelCase c = Cases.LookupCase(r, n, 256); for (int i = 0; i < 256; i++) c.Arena[c.In0 + i] = (sbyte)(i - 128); return c; }),
        ("lookup_in_place", (r, n) => Cases.LookupCase(r, n, 77, inPlace: true)),
        // Mul: same shape, squeeze-and-excite broadcast per channel, clamp, in place, extreme requantization.
        ("mul_same_shape", (r, n) => Cases.MulCase(r, n, 96, 0)),
        ("mul_broadcast_se_16ch", (r, n) => Cases.MulCase(r, n, 7 * 7 * 16, 16)),
        ("mul_broadcast_one_channel", (r, n) => Cases.MulCase(r, n, 25, 1)),
        ("mul_relu_clamp", (r, n) => Cases.MulCase(r, n, 60, 12, actMin: -5, actMax: 70)),
        ("mul_in_place", (r, n) => Cases.MulCase(r, n, 40, 8, inPlace: true)),
        ("mul_wild_requant", (r, n) => Cases.MulCase(r, n, 64, 0, wild: true)),
        // Depthwise band rows (fused blocks): 3×3 stride 1 and 2, 5×5, asymmetric pads, a depth multiplier, W dilation.
        ("bandrow_3x3_s1_pad1", (r, n) => Cases.BandRowCase(r, n, Cases.Conv(8, 8, 24, 24, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 24, zpIn: -4, zpOut: 9))),
        ("bandrow_3x3_s2_odd", (r, n) => Cases.BandRowCase(r, n, Cases.Conv(7, 7, 16, 16, 3, 3, 2, 2, pt: 1, pl: 1, pb: 1, pr: 1, groups: 16, actMin: -128, actMax: 40))),
        ("bandrow_5x5_pad2_asym", (r, n) => Cases.BandRowCase(r, n, Cases.Conv(6, 9, 5, 5, 5, 5, pt: 2, pl: 3, pb: 2, pr: 1, groups: 5))),
        ("bandrow_multiplier2_dilation_w2", (r, n) => Cases.BandRowCase(r, n, Cases.Conv(6, 10, 3, 6, 3, 3, 1, 2, 1, 2, pt: 1, pl: 2, pb: 1, pr: 2, groups: 3), wild: true)),
    };

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    public static KernelCase Build(string name)
    {
        int index = Array.FindIndex(All, c => c.Name == name);
        return All[index].Build(new Random(index + 1), name);
    }

    public static IEnumerable<KernelCase> BuildAll() => All.Select(c => Build(c.Name));
}
