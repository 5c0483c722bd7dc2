using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Native.Tests;

/// <summary>
/// Random kernel calls for one kernel family: shapes drawn inside what the kernel supports (and what the Interpreter
/// would send it), zero points and clamps anywhere in int8, data from the same Random. Case (kernel, i) uses seed
/// Seed(kernel, i), which its name carries, so a failure names the seed that reproduces it.
/// </summary>
internal static class RandomShapes
{
    public static int Seed(int kernel, int i) => 100_000 * kernel + i;

    public static KernelCase Build(int kernel, int i)
    {
        int seed = Seed(kernel, i);
        var r = new Random(seed);
        int zpIn = r.Next(-128, 128);
        int zpOut = r.Next(-128, 128);
        int actMin = r.Next(3) == 0 ? r.Next(-128, 0) : -128;
        int actMax = r.Next(3) == 0 ? r.Next(actMin, 128) : 127;
        int Pad(int max) => r.Next(max + 1);
        string name = $"{NativeKernelIds.Name(kernel)} random seed {seed}";
        bool wild = r.Next(8) == 0;
        switch (kernel)
        {
            case NativeKernelIds.DepthwiseConv3x3:
            {
                int c = r.Next(1, 20);
                var p = Cases.Conv(r.Next(1, 12), r.Next(1, 12), c, c, 3, 3, r.Next(1, 4), r.Next(1, 4), 1, 1, Pad(2), Pad(2), Pad(2), Pad(2), c, zpIn, zpOut, actMin, actMax);
                return Fit(r, name, p, kernel, wild);
            }

            case NativeKernelIds.DepthwiseConv3x3Multiplier:
            {
                int c = r.Next(1, 6);
                var p = Cases.Conv(r.Next(1, 12), r.Next(1, 12), c, c * r.Next(2, 9), 3, 3, r.Next(1, 4), r.Next(1, 4), 1, 1, Pad(2), Pad(2), Pad(2), Pad(2), c, zpIn, zpOut, actMin, actMax);
                return Fit(r, name, p, kernel, wild);
            }

            case NativeKernelIds.DepthwiseConv:
            {
                // One channel is groups 1, which the Interpreter sends to Conv2DDense.
                int c = r.Next(2, 6);
                int kh = r.Next(1, 6);
                int kw = r.Next(1, 6);
                // 3×3 with dilation 1 and pads ≤ 2 goes to the 3×3 kernels: force a pad of 3 or a dilation there.
                int dh = r.Next(1, 3);
                int pt = Pad(3);
                if (kh == 3 && kw == 3 && dh == 1 && pt < 3)
                {
                    pt = 3;
                }

                var p = Cases.Conv(r.Next(1, 10), r.Next(1, 10), c, c * r.Next(1, 4), kh, kw, r.Next(1, 3), r.Next(1, 3), dh, r.Next(1, 3), pt, Pad(3), Pad(3), Pad(3), c, zpIn, zpOut, actMin, actMax);
                return Fit(r, name, p, kernel, wild);
            }

            case NativeKernelIds.PointwiseConv:
            {
                var p = Cases.Conv(r.Next(1, 9), r.Next(1, 9), r.Next(2, 40), r.Next(1, 40), 1, 1, zpIn: zpIn, zpOut: zpOut, actMin: actMin, actMax: actMax);
                return Fit(r, name, p, kernel, wild);
            }

            case NativeKernelIds.Conv2DDense:
            {
                var p = Cases.Conv(r.Next(1, 10), r.Next(1, 10), r.Next(2, 6), r.Next(1, 10), r.Next(1, 6), r.Next(1, 6), r.Next(1, 3), r.Next(1, 3), r.Next(1, 3), 1, Pad(2), Pad(2), Pad(2), Pad(2), 1, zpIn, zpOut, actMin, actMax);
                return Fit(r, name, p, kernel, wild);
            }

            case NativeKernelIds.Conv2DReference:
            {
                int groups = r.Next(1, 4);
                var p = Cases.Conv(r.Next(1, 8), r.Next(1, 8), groups * r.Next(1, 4), groups * r.Next(1, 4), r.Next(1, 4), r.Next(1, 4), r.Next(1, 3), r.Next(1, 3), r.Next(1, 3), r.Next(1, 3), Pad(2), Pad(2), Pad(2), Pad(2), groups, zpIn, zpOut, actMin, actMax);
                return Fit(r, name, p, kernel, wild, withBias: r.Next(4) != 0);
            }

            case NativeKernelIds.AveragePool:
            case NativeKernelIds.MaxPool:
            {
                int k = r.Next(1, 4);
                var p = Cases.Conv(r.Next(1, 10), r.Next(1, 10), r.Next(1, 8), 0, k, r.Next(1, 4), r.Next(1, 3), r.Next(1, 3), 1, 1, r.Next(k), r.Next(1), r.Next(k), 0, 1, zpIn, zpIn, actMin, actMax);
                p.OutputC = p.InputC;
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    p = Cases.Conv(4, 4, p.InputC, p.InputC, 2, 2, 2, 2, zpIn: zpIn, zpOut: zpIn);
                }

                return Cases.PoolCase(r, name, kernel, p, r.Next(2) == 0);
            }

            case NativeKernelIds.FullyConnected:
                return Cases.FullyConnectedCase(r, name, r.Next(1, 200), r.Next(1, 20), zpIn, zpOut, actMin, actMax, r.Next(4) != 0);
            case NativeKernelIds.Add:
                return Cases.AddCase(r, name, r.Next(1, 300), actMin, actMax, r.Next(4) == 0);
            case NativeKernelIds.GlobalAveragePool:
                return Cases.GlobalAveragePoolCase(r, name, r.Next(1, 12), r.Next(1, 12), r.Next(1, 20), false, actMin, actMax);
            case NativeKernelIds.Lookup:
                return Cases.LookupCase(r, name, r.Next(0, 400), r.Next(4) == 0);
            case NativeKernelIds.Mul:
            {
                int channels = r.Next(3) == 0 ? 0 : r.Next(1, 33);
                int count = (channels == 0 ? 1 : channels) * r.Next(1, 40);
                return Cases.MulCase(r, name, count, channels, actMin, actMax, wild, r.Next(5) == 0);
            }

            case NativeKernelIds.DepthwiseConvBandRow:
            {
                // What a fused block sends: multiplier 1 (any kernel, stride, pads), plus depth multipliers and W
                // dilation, which the row supports as DepthwiseConv does.
                int c = r.Next(1, 20);
                int k = r.Next(4) == 0 ? r.Next(2, 4) : 1;
                var p = Cases.Conv(r.Next(1, 10), r.Next(1, 12), c, c * k, r.Next(1, 6), r.Next(1, 6), r.Next(1, 3), r.Next(1, 3), r.Next(1, 3), r.Next(1, 3), Pad(3), Pad(3), Pad(3), Pad(3), c, zpIn, zpOut, actMin, actMax);
                if (p.OutputH < 1 || p.OutputW < 1)
                {
                    p = Cases.Conv(6, 6, c, c * k, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: c, zpIn: zpIn, zpOut: zpOut, actMin: actMin, actMax: actMax);
                }

                return Cases.BandRowCase(r, name, p, wild);
            }
            default:
                return Cases.GlobalAveragePoolCase(r, name, r.Next(1, 12), r.Next(1, 12), r.Next(1, 20), true, actMin, actMax, r.Next(2) == 0);
        }
    }

    /// <summary>Cases for every kernel id: `perKernel` of each.</summary>
    public static IEnumerable<KernelCase> All(int perKernel)
    {
        for (int kernel = 1; kernel <= NativeKernelIds.DepthwiseConvBandRow; kernel++)
        {
            for (int i = 0; i < perKernel; i++)
            {
                yield return Build(kernel, i);
            }
        }
    }

    /// <summary>A conv case on `kernel`, or a 4×4 fallback of the same family when the draw left no output pixel.</summary>
    private static KernelCase Fit(Random r, string name, TinyDsc.Runtime.Kernels.ConvParams p, int kernel, bool wild, bool withBias = true)
    {
        if (p.OutputH < 1 || p.OutputW < 1)
        {
            p.InputH += p.KernelH * p.DilationH + 2;
            p.InputW += p.KernelW * p.DilationW + 2;
            p.OutputH = TinyDsc.Runtime.Kernels.ConvParams.OutputExtent(p.InputH, p.PadTop, p.PadBottom, p.KernelH, p.StrideH, p.DilationH);
            p.OutputW = TinyDsc.Runtime.Kernels.ConvParams.OutputExtent(p.InputW, p.PadLeft, p.PadRight, p.KernelW, p.StrideW, p.DilationW);
        }

        if (kernel != NativeKernelIds.Conv2DReference && Cases.ConvKernelFor(p) != kernel)
        {
            throw new InvalidOperationException($"{name}: the draw {p.KernelH}x{p.KernelW} groups {p.Groups} goes to {NativeKernelIds.Name(Cases.ConvKernelFor(p))}");
        }

        return Cases.ConvCase(r, name, p, kernel, withBias, wild);
    }
}
