using System;
using System.Linq;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Native.Tests;

/// <summary>
/// One kernel call with all its arguments, as the Interpreter makes it: tensors inside an arena (random bytes
/// around and between them, so a write outside the output tensor shows up as a changed arena byte), packed parameters,
/// blobs, and a scratch of exactly the size the kernel asks for.
/// </summary>
internal sealed class KernelCase
{
    public string Name = "";
    public int Kernel;
    public int[] Params = Array.Empty<int>();
    public sbyte[] Arena = Array.Empty<sbyte>();
    public int In0;
    public int In1;
    public int Out;
    public sbyte[] Weights = Array.Empty<sbyte>();
    public int[] Bias = Array.Empty<int>();
    public int[] Multiplier = Array.Empty<int>();
    public int[] Shift = Array.Empty<int>();
    public int ScratchBytes;

    public override string ToString() => Name;

    /// <summary>Runs the case on a copy of its arena; scratch starts as a fixed pattern (its contents must not matter).</summary>
    public (int Status, sbyte[] Arena) RunOn(INativeKernels kernels)
    {
        var arena = (sbyte[])Arena.Clone();
        var scratch = new sbyte[ScratchBytes];
        Array.Fill(scratch, (sbyte)0x5A);
        int status = kernels.Run(Kernel, Params, arena, In0, In1, Out, Weights, Bias, Multiplier, Shift, scratch);
        return (status, arena);
    }

    /// <summary>Null when native and managed leave the same arena with status 0, else what differs.</summary>
    public string? Compare(INativeKernels native, INativeKernels managed)
    {
        (int nativeStatus, sbyte[] nativeArena) = RunOn(native);
        (_, sbyte[] managedArena) = RunOn(managed);
        if (nativeStatus != NativeKernelIds.StatusOk)
        {
            return $"{Name}: native status {nativeStatus}";
        }

        for (int i = 0; i < managedArena.Length; i++)
        {
            if (nativeArena[i] != managedArena[i])
            {
                int differing = managedArena.Where((b, j) => nativeArena[j] != b).Count();
                return $"{Name}: {differing} arena bytes differ, first at {i} (output starts at {Out}): native {nativeArena[i]}, managed {managedArena[i]}";
            }
        }

        return null;
    }
}

/// <summary>Builds KernelCases with random data for given shapes (the data's seed is part of the caller's name).</summary>
internal static class Cases
{
    public static ConvParams Conv(
        int h, int w, int cin, int cout, int kh, int kw, int sh = 1, int sw = 1, int dh = 1, int dw = 1,
        int pt = 0, int pl = 0, int pb = 0, int pr = 0, int groups = 1, int zpIn = 0, int zpOut = 0,
        int actMin = -128, int actMax = 127) => new()
    {
        InputH = h, InputW = w, InputC = cin, OutputC = cout, KernelH = kh, KernelW = kw, StrideH = sh, StrideW = sw,
        DilationH = dh, DilationW = dw, PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr, Groups = groups,
        InputZeroPoint = zpIn, OutputZeroPoint = zpOut, ActMin = actMin, ActMax = actMax,
        OutputH = ConvParams.OutputExtent(h, pt, pb, kh, sh, dh),
        OutputW = ConvParams.OutputExtent(w, pl, pr, kw, sw, dw),
    };

    /// <summary>The kernel the Interpreter picks for a Conv2D (its ChooseConvKernel order), as a NativeKernelIds id.</summary>
    public static int ConvKernelFor(ConvParams p)
    {
        if (DepthwiseConv3x3.IsSupported(ref p)) return NativeKernelIds.DepthwiseConv3x3;
        if (DepthwiseConv3x3Multiplier.IsSupported(ref p)) return NativeKernelIds.DepthwiseConv3x3Multiplier;
        if (PointwiseConv.IsSupported(ref p)) return NativeKernelIds.PointwiseConv;
        if (Conv2DDense.IsSupported(ref p)) return NativeKernelIds.Conv2DDense;
        if (DepthwiseConv.IsSupported(ref p)) return NativeKernelIds.DepthwiseConv;
        return NativeKernelIds.Conv2DReference;
    }

    public static int ScratchFor(int kernel, ConvParams p) => kernel switch
    {
        NativeKernelIds.DepthwiseConv3x3 => DepthwiseConv3x3.GetScratchSize(ref p),
        NativeKernelIds.DepthwiseConv3x3Multiplier => DepthwiseConv3x3Multiplier.GetScratchSize(ref p),
        NativeKernelIds.DepthwiseConv => DepthwiseConv.GetScratchSize(ref p),
        NativeKernelIds.Conv2DDense => Conv2DDense.GetScratchSize(ref p),
        _ => 0,
    };

    /// <summary>
    /// A Conv2D on `kernel` (ConvKernelFor(p) unless forced, e.g. Conv2DReference for any shape): int8 weights with some
    /// dead and some saturated channels, bias (absent when withBias is false; folded for the specialised kernels as the
    /// Interpreter's Prepare does), multipliers in [2^30, 2^31) and shifts from −14 to 1 (some extreme when wild).
    /// </summary>
    public static KernelCase ConvCase(Random rng, string name, ConvParams p, int kernel = 0, bool withBias = true, bool wild = false)
    {
        if (kernel == 0)
        {
            kernel = ConvKernelFor(p);
        }

        int cpg = p.InputC / p.Groups;
        int perChannel = p.KernelH * p.KernelW * cpg;
        var weights = new sbyte[p.OutputC * perChannel];
        for (int oc = 0; oc < p.OutputC; oc++)
        {
            int mode = rng.Next(10);
            for (int i = 0; i < perChannel; i++)
            {
                weights[oc * perChannel + i] = mode switch
                {
                    0 => 0,
                    1 => (sbyte)(rng.Next(2) == 0 ? -127 : 127),
                    _ => (sbyte)rng.Next(-127, 128),
                };
            }
        }

        int[]? bias = withBias ? Enumerable.Range(0, p.OutputC).Select(_ => rng.Next(-40000, 40000)).ToArray() : null;
        (int[] m, int[] s) = Requant(rng, p.OutputC, wild);
        int[] blobBias;
        if (kernel == NativeKernelIds.Conv2DReference)
        {
            blobBias = bias ?? Array.Empty<int>();
        }
        else
        {
            blobBias = new int[p.OutputC];
            BiasFolding.Fold(weights, bias, p.OutputC, perChannel, p.InputZeroPoint, blobBias);
        }

        var c = new KernelCase
        {
            Name = name, Kernel = kernel, Params = NativeKernelIds.PackConv(ref p, 0), Weights = weights, Bias = blobBias,
            Multiplier = m, Shift = s, ScratchBytes = ScratchFor(kernel, p),
        };
        Place(rng, c, p.InputH * p.InputW * p.InputC, 0, p.OutputH * p.OutputW * p.OutputC);
        return c;
    }

    public static KernelCase PoolCase(Random rng, string name, int kernel, ConvParams p, bool countIncludePad = false)
    {
        var c = new KernelCase { Name = name, Kernel = kernel };
        c.Params = NativeKernelIds.PackConv(ref p, kernel == NativeKernelIds.AveragePool ? 1 : 0);
        if (kernel == NativeKernelIds.AveragePool)
        {
            c.Params[21] = countIncludePad ? 1 : 0;
        }

        Place(rng, c, p.InputH * p.InputW * p.InputC, 0, p.OutputH * p.OutputW * p.InputC);
        return c;
    }

    public static KernelCase FullyConnectedCase(Random rng, string name, int inputs, int outputs, int zpIn, int zpOut,
        int actMin = -128, int actMax = 127, bool withBias = true)
    {
        (int[] m, int[] s) = Requant(rng, outputs, false);
        var c = new KernelCase
        {
            Name = name, Kernel = NativeKernelIds.FullyConnected,
            Params = new[] { inputs, outputs, zpIn, zpOut, actMin, actMax },
            Weights = Enumerable.Range(0, inputs * outputs).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray(),
            Bias = withBias ? Enumerable.Range(0, outputs).Select(_ => rng.Next(-40000, 40000)).ToArray() : Array.Empty<int>(),
            Multiplier = m, Shift = s,
        };
        Place(rng, c, inputs, 0, outputs);
        return c;
    }

    /// <summary>TFLite's add parameters from random scales: left shift 20, inputs rescaled to twice the larger scale.</summary>
    public static KernelCase AddCase(Random rng, string name, int count, int actMin = -128, int actMax = 127, bool inPlace = false)
    {
        double s0 = 0.01 + rng.NextDouble() * 0.2;
        double s1 = 0.01 + rng.NextDouble() * 0.2;
        double sOut = 0.01 + rng.NextDouble() * 0.3;
        double twiceMax = 2 * Math.Max(s0, s1);
        QuantMath.QuantizeMultiplier(s0 / twiceMax, out int m0, out int sh0);
        QuantMath.QuantizeMultiplier(s1 / twiceMax, out int m1, out int sh1);
        QuantMath.QuantizeMultiplier(twiceMax / ((1 << 20) * sOut), out int mo, out int sho);
        var c = new KernelCase
        {
            Name = name, Kernel = NativeKernelIds.Add,
            Params = new[] { 20, m0, sh0, m1, sh1, mo, sho, rng.Next(-128, 128), rng.Next(-128, 128), rng.Next(-128, 128), actMin, actMax, count },
        };
        Place(rng, c, count, count, count);
        if (inPlace)
        {
            c.Out = c.In0;
        }

        return c;
    }

    /// <summary>
    /// requantized: the divisor folded into the multiplier (FORMAT.md p0 = 0), or with tfliteMean the multiplier
    /// s_in / s_out and the kernel dividing by H·W (p0 = 1, TFLite's int8 MEAN).
    /// </summary>
    public static KernelCase GlobalAveragePoolCase(Random rng, string name, int h, int w, int ch, bool requantized,
        int actMin = -128, int actMax = 127, bool tfliteMean = false)
    {
        var c = new KernelCase { Name = name };
        if (requantized)
        {
            double sIn = 0.02 + rng.NextDouble() * 0.1;
            double sOut = sIn * (0.05 + rng.NextDouble());
            QuantMath.QuantizeMultiplier(tfliteMean ? sIn / sOut : sIn / (sOut * h * w), out int m, out int s);
            c.Kernel = NativeKernelIds.GlobalAveragePoolRequantized;
            c.Params = new[] { h, w, ch, rng.Next(-128, 128), rng.Next(-128, 128), tfliteMean ? h * w : 1, actMin, actMax };
            c.Multiplier = new[] { m };
            c.Shift = new[] { s };
        }
        else
        {
            c.Kernel = NativeKernelIds.GlobalAveragePool;
            c.Params = new[] { h, w, ch, actMin, actMax };
        }

        Place(rng, c, h * w * ch, 0, ch);
        return c;
    }

    /// <summary>A 256-entry table (random bytes, -128 allowed) over count elements; inPlace writes over the input.</summary>
    public static KernelCase LookupCase(Random rng, string name, int count, bool inPlace = false)
    {
        var c = new KernelCase
        {
            Name = name, Kernel = NativeKernelIds.Lookup, Params = new[] { count },
            Weights = Enumerable.Range(0, 256).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray(),
        };
        Place(rng, c, count, 0, count);
        if (inPlace)
        {
            c.Out = c.In0;
        }

        return c;
    }

    /// <summary>
    /// TFLite's int8 MUL from random scales (M = s0·s1/s_out through QuantizeMultiplier), same shape (channels 0) or
    /// broadcast per channel; wild draws any shift in −31..30 and any multiplier.
    /// </summary>
    public static KernelCase MulCase(Random rng, string name, int count, int channels, int actMin = -128, int actMax = 127,
        bool wild = false, bool inPlace = false)
    {
        double s0 = 0.005 + rng.NextDouble() * 0.1;
        double s1 = 0.005 + rng.NextDouble() * 0.1;
        double sOut = 0.001 + rng.NextDouble() * 0.05;
        QuantMath.QuantizeMultiplier(s0 * s1 / sOut, out int m, out int sh);
        if (wild)
        {
            m = rng.Next(int.MinValue, int.MaxValue);
            sh = rng.Next(-31, 31);
        }

        var c = new KernelCase
        {
            Name = name, Kernel = NativeKernelIds.Mul,
            Params = new[] { count, channels, rng.Next(-128, 128), rng.Next(-128, 128), rng.Next(-128, 128), m, sh, actMin, actMax },
        };
        Place(rng, c, count, channels == 0 ? count : channels, count);
        if (inPlace)
        {
            c.Out = c.In0;
        }

        return c;
    }

    /// <summary>
    /// One depthwise row over a band (what a fused block asks for): the band (kh rows of (W + pl + pr)·C random bytes,
    /// pad bytes included, as FusedBlock leaves them) at In0, weights [Cout, kh, kw], folded bias, requantization.
    /// </summary>
    public static KernelCase BandRowCase(Random rng, string name, ConvParams p, bool wild = false)
    {
        int perChannel = p.KernelH * p.KernelW;
        var weights = Enumerable.Range(0, p.OutputC * perChannel).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
        (int[] m, int[] s) = Requant(rng, p.OutputC, wild);
        var c = new KernelCase
        {
            Name = name, Kernel = NativeKernelIds.DepthwiseConvBandRow, Params = NativeKernelIds.PackConv(ref p, 0),
            Weights = weights, Bias = Enumerable.Range(0, p.OutputC).Select(_ => rng.Next(-200000, 200000)).ToArray(),
            Multiplier = m, Shift = s,
        };
        Place(rng, c, p.KernelH * (p.InputW + p.PadLeft + p.PadRight) * p.InputC, 0, p.OutputW * p.OutputC);
        return c;
    }

    /// <summary>Per-channel multipliers in [2^30, 2^31) (a few 0) and shifts −14..1, or anywhere in −31..30 when wild.</summary>
    public static (int[] Multiplier, int[] Shift) Requant(Random rng, int n, bool wild)
    {
        var m = new int[n];
        var s = new int[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = rng.Next(20) == 0 ? 0 : (1 << 30) + rng.Next(1 << 30);
            s[i] = wild ? rng.Next(-31, 31) : rng.Next(-14, 2);
        }

        return (m, s);
    }

    /// <summary>Lays out [gap][in0][gap][in1][gap][out][guard] in a random-filled arena.</summary>
    private static void Place(Random rng, KernelCase c, int in0Bytes, int in1Bytes, int outBytes)
    {
        int pos = rng.Next(8);
        c.In0 = pos;
        pos += in0Bytes + rng.Next(8);
        c.In1 = in1Bytes > 0 ? pos : 0;
        pos += in1Bytes + (in1Bytes > 0 ? rng.Next(8) : 0);
        c.Out = pos;
        pos += outBytes + 16;
        c.Arena = new sbyte[pos];
        for (int i = 0; i < pos; i++)
        {
            c.Arena[i] = (sbyte)rng.Next(-128, 128);
        }
    }
}
