using System;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>One convolution layer's parameters and data, as the kernels take them.</summary>
public sealed class ConvCase
{
    public string Name = "";
    public ConvParams P;
    public sbyte[] Input = Array.Empty<sbyte>();
    public sbyte[] Weights = Array.Empty<sbyte>();
    public int[]? Bias;
    public int[] Multiplier = Array.Empty<int>();
    public int[] Shift = Array.Empty<int>();

    public int InputLength => P.InputH * P.InputW * P.InputC;

    public int OutputLength => P.OutputH * P.OutputW * P.OutputC;

    public override string ToString() => Name;

    /// <summary>Builds params with output extents from the format's formula; activation unclamped.</summary>
    public static ConvParams Params(
        int h, int w, int cin, int cout, int kh, int kw,
        int strideH = 1, int strideW = 1, int dilH = 1, int dilW = 1,
        int padTop = 0, int padLeft = 0, int padBottom = 0, int padRight = 0,
        int groups = 1, int zpIn = 0, int zpOut = 0, int actMin = -128, int actMax = 127)
    {
        return new ConvParams
        {
            InputH = h, InputW = w, InputC = cin, OutputC = cout,
            KernelH = kh, KernelW = kw, StrideH = strideH, StrideW = strideW, DilationH = dilH, DilationW = dilW,
            PadTop = padTop, PadLeft = padLeft, PadBottom = padBottom, PadRight = padRight, Groups = groups,
            InputZeroPoint = zpIn, OutputZeroPoint = zpOut, ActMin = actMin, ActMax = actMax,
            OutputH = ConvParams.OutputExtent(h, padTop, padBottom, kh, strideH, dilH),
            OutputW = ConvParams.OutputExtent(w, padLeft, padRight, kw, strideW, dilW),
        };
    }

    /// <summary>Random data for the given params: activations, weights (some channels all zero), bias, requantization.</summary>
    public static ConvCase Random(Random rng, ConvParams p, string name)
    {
        var c = new ConvCase { Name = name, P = p };
        int cpg = p.InputC / p.Groups;
        c.Input = RandomActivations(rng, c.InputLength);
        c.Weights = new sbyte[p.OutputC * p.KernelH * p.KernelW * cpg];
        int perChannel = p.KernelH * p.KernelW * cpg;
        for (int oc = 0; oc < p.OutputC; oc++)
        {
            int mode = rng.Next(10);
            for (int i = 0; i < perChannel; i++)
            {
                c.Weights[oc * perChannel + i] = mode switch
                {
                    0 => 0,                                     // dead channel
                    1 => (sbyte)(rng.Next(2) == 0 ? -127 : 127), // extreme weights
                    _ => (sbyte)rng.Next(-127, 128),
                };
            }
        }

        if (rng.Next(5) != 0)
        {
            c.Bias = new int[p.OutputC];
            for (int oc = 0; oc < p.OutputC; oc++)
            {
                c.Bias[oc] = rng.Next(4) == 0 ? rng.Next(-(1 << 24), 1 << 24) : rng.Next(-20000, 20001);
            }
        }

        c.Multiplier = new int[p.OutputC];
        c.Shift = new int[p.OutputC];
        for (int oc = 0; oc < p.OutputC; oc++)
        {
            RandomRequant(rng, out c.Multiplier[oc], out c.Shift[oc]);
        }

        return c;
    }

    /// <summary>Mostly realistic multipliers (shift -12..2), sometimes the extremes of the format's ranges.</summary>
    public static void RandomRequant(Random rng, out int multiplier, out int shift)
    {
        multiplier = rng.Next(8) switch
        {
            0 => 1 << 30,
            1 => int.MaxValue,
            2 => 0,
            _ => rng.Next(1 << 30, int.MaxValue),
        };
        shift = rng.Next(8) switch
        {
            0 => -31,
            1 => 30,
            2 => rng.Next(-31, 31),
            // Shifts 0..2 with multipliers near 0.5..1: the left-shift-only path without saturating every output.
            3 => rng.Next(0, 3),
            _ => rng.Next(-12, 1),
        };
    }

    /// <summary>Random int8 values; a third of the time all at one extreme or mixed extremes (saturation paths).</summary>
    public static sbyte[] RandomActivations(Random rng, int n)
    {
        var a = new sbyte[n];
        int mode = rng.Next(6);
        for (int i = 0; i < n; i++)
        {
            a[i] = mode switch
            {
                0 => -128,
                1 => 127,
                2 => (sbyte)(rng.Next(2) == 0 ? -128 : 127),
                _ => (sbyte)rng.Next(-128, 128),
            };
        }

        return a;
    }

    public static int RandomZeroPoint(Random rng)
    {
        return rng.Next(4) switch
        {
            0 => -128,
            1 => 127,
            _ => rng.Next(-128, 128),
        };
    }

    /// <summary>Random fused activation: none, ReLU-like [zp, 127], or a random sub-range.</summary>
    public static void RandomActivation(Random rng, int zpOut, out int actMin, out int actMax)
    {
        switch (rng.Next(3))
        {
            case 0:
                actMin = -128;
                actMax = 127;
                break;
            case 1:
                actMin = zpOut;
                actMax = 127;
                break;
            default:
                actMin = rng.Next(-128, 128);
                actMax = rng.Next(actMin, 128);
                break;
        }
    }
}
