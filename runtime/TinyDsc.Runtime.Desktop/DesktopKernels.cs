using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// Desktop int8 kernels behind the runtime's native-kernel seam (<c>new Interpreter(model, kernels)</c>): 1×1 and dense
/// convolutions and fully connected layers as an int8 matrix product (Gemm), depthwise convolutions vectorized across
/// channels (Depthwise), Add as a table of the device's bytes (AddTable), global average pooling with vectorized sums
/// (GlobalPool), on the <see cref="KernelPath"/> chosen at construction; every other operator (pools, the reference
/// convolution, …) runs on the device kernels themselves. The output bytes equal the device kernels' on every path: the
/// int32 accumulators are the same sums and requantization is the same integer arithmetic (Requantizer).
///
/// Weights are repacked once per layer, on first use, and kept while the weight array lives (keyed by the array; the
/// runtime never changes a model's weights), shared by every interpreter of the model (their own bias and shift arrays
/// are matched by value, Plan). One instance may serve many interpreters on many threads: per-call buffers are per
/// interpreter arena (Workspace). Invalid arguments are handed to the device kernel, which throws what it throws there.
/// </summary>
public sealed class DesktopKernels : INativeKernels
{
    /// <summary>Environment variable that forces the path of <see cref="Default"/>: auto, scalar, vector128, vector256,
    /// vector512, vnni, vnni512, or device (no desktop kernels: <see cref="CreateInterpreter"/> returns the device interpreter).</summary>
    public const string PathVariable = "TINYDSC_KERNEL_PATH";

    private static readonly Lazy<DesktopKernels?> DefaultKernels = new(FromEnvironment);

    private readonly ConditionalWeakTable<sbyte[], Plan> _plans = new();

    /// <summary>Kernels on <see cref="Best"/> (<see cref="KernelPath.Auto"/>).</summary>
    public DesktopKernels() : this(KernelPath.Auto)
    {
    }

    /// <summary>Kernels on <paramref name="path"/> (Auto: <see cref="Best"/>).</summary>
    /// <exception cref="PlatformNotSupportedException">the CPU lacks the instructions of the path.</exception>
    public DesktopKernels(KernelPath path)
    {
        if (path == KernelPath.Auto)
        {
            path = Best;
        }

        if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"kernel path {path} needs instructions this CPU does not have (best: {Best})");
        }

        Path = path;
    }

    /// <summary>The path these kernels run (never Auto).</summary>
    public KernelPath Path { get; }

    /// <summary>
    /// The path Auto takes: Vnni512 where AVX-VNNI and AVX-512BW exist, else Vnni where AVX-VNNI exists, else Vector256
    /// where AVX2 exists, else Vector128 where vectors are accelerated, else Scalar. Vector512 is not chosen
    /// automatically: measured with `TinyDsc.Benchmarks optimes` on an AVX-512 (VNNI) EPYC, its single-row 512-bit
    /// products were slower than Vector256's two-pixel blocking and far slower than the VNNI tiles; force it to compare.
    /// </summary>
    public static KernelPath Best =>
        IsSupported(KernelPath.Vnni512) ? KernelPath.Vnni512
        : IsSupported(KernelPath.Vnni) ? KernelPath.Vnni
        : IsSupported(KernelPath.Vector256) ? KernelPath.Vector256
        : IsSupported(KernelPath.Vector128) ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary>True when this CPU can run <paramref name="path"/>.</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Auto or KernelPath.Scalar => true,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        KernelPath.Vector256 => Avx2.IsSupported,
        KernelPath.Vector512 => Avx2.IsSupported && Avx512F.IsSupported && Avx512BW.IsSupported,
        KernelPath.Vnni => Avx2.IsSupported && AvxVnni.IsSupported,
        KernelPath.Vnni512 => Avx2.IsSupported && AvxVnni.IsSupported && Avx512F.IsSupported && Avx512BW.IsSupported,
        _ => false,
    };

    /// <summary>
    /// The process's kernels: <see cref="KernelPath.Auto"/>, or the path <see cref="PathVariable"/> names; null when it
    /// says device.
    /// </summary>
    /// <exception cref="ArgumentException">the variable names no path.</exception>
    public static DesktopKernels? Default => DefaultKernels.Value;

    /// <summary>An interpreter for <paramref name="model"/> on <see cref="Default"/> (the device kernels when it is null).</summary>
    public static Interpreter CreateInterpreter(Model model)
    {
        DesktopKernels? kernels = Default;
        return kernels == null ? new Interpreter(model) : new Interpreter(model, kernels);
    }

    private static DesktopKernels? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(value) || value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return new DesktopKernels();
        }

        if (value.Equals("device", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (KernelPath path in Enum.GetValues<KernelPath>())
        {
            if (value.Equals(path.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return new DesktopKernels(path);
            }
        }

        throw new ArgumentException($"{PathVariable}={value}: expected auto, scalar, vector128, vector256, vector512, vnni, vnni512 or device");
    }

    /// <summary>Always true: the desktop kernels need nothing outside this assembly.</summary>
    public bool IsAvailable() => true;

    /// <summary>Runs kernel <paramref name="kernel"/> (NativeKernelIds) as INativeKernels.Run describes; returns 0.</summary>
    public int Run(int kernel, int[] parameters, sbyte[] arena, int in0, int in1, int output, sbyte[] weights, int[] bias,
        int[] multiplier, int[] shift, sbyte[] scratch)
    {
        switch (kernel)
        {
            case NativeKernelIds.PointwiseConv:
            {
                ConvParams p = Unpack(parameters);
                KernelArguments.CheckConv("PointwiseConv", PointwiseConv.Unsupported(ref p), ref p, arena, in0, weights, bias, multiplier,
                    DeviceKernels.Narrow(shift), arena, output, null!, 0);
                Gemm g = GemmOf(weights, bias, multiplier, shift, p.OutputC, p.InputC, null);
                if (!g.Requant.Valid)
                {
                    break;
                }

                Pointwise(g, ref p, arena, in0, output);
                return NativeKernelIds.StatusOk;
            }

            case NativeKernelIds.Conv2DDense:
            {
                ConvParams p = Unpack(parameters);
                KernelArguments.CheckConv("Conv2DDense", Conv2DDense.Unsupported(ref p), ref p, arena, in0, weights, bias, multiplier,
                    DeviceKernels.Narrow(shift), arena, output, null!, 0);
                Gemm g = GemmOf(weights, bias, multiplier, shift, p.OutputC, p.KernelH * p.KernelW * p.InputC, null);
                if (!g.Requant.Valid)
                {
                    break;
                }

                Dense(g, ref p, arena, in0, output);
                return NativeKernelIds.StatusOk;
            }

            case NativeKernelIds.FullyConnected:
            {
                int inLength = parameters[0], outLength = parameters[1], zpIn = parameters[2];
                if (!FullyConnectedFits(parameters, arena, in0, output, weights, bias, multiplier, shift))
                {
                    break;
                }

                Gemm g = GemmOf(weights, bias, multiplier, shift, outLength, inLength, zpIn);
                if (!g.Requant.Valid)
                {
                    break;
                }

                if (Gemm.UsesVnni(Path))
                {
                    byte[] row = Workspace.For(arena).Unsigned(0, 4 * g.Groups);
                    Gemm.ToUnsigned(arena, in0, 1, inLength, row, 4 * g.Groups);
                    g.RowsVnni(row, 4 * g.Groups, 1, arena, output, parameters[3], parameters[4], parameters[5]);
                    return NativeKernelIds.StatusOk;
                }

                int[] acc = Workspace.For(arena).Ints(0, Requantizer.Pad(outLength, 16));
                g.Row(arena, in0, acc);
                g.Requant.Row(acc, arena, output, parameters[3], parameters[4], parameters[5], Avx2Requant);
                return NativeKernelIds.StatusOk;
            }

            case NativeKernelIds.GlobalAveragePoolRequantized:
                if (Avx2Requant && GlobalPool.TryRun(parameters, multiplier, shift, arena, in0, output, Workspace.For(arena)))
                {
                    return NativeKernelIds.StatusOk;
                }

                break;

            case NativeKernelIds.Add:
                if (Path != KernelPath.Scalar && AddTable.Fits(parameters, arena, in0, in1, output))
                {
                    AddTable.Of(parameters).Run(arena, in0, in1, output, parameters[12]);
                    return NativeKernelIds.StatusOk;
                }

                break;

            case NativeKernelIds.DepthwiseConv3x3:
            case NativeKernelIds.DepthwiseConv3x3Multiplier:
            case NativeKernelIds.DepthwiseConv:
            {
                ConvParams p = Unpack(parameters);
                string? unsupported = kernel == NativeKernelIds.DepthwiseConv3x3 ? DepthwiseConv3x3.Unsupported(ref p)
                    : kernel == NativeKernelIds.DepthwiseConv3x3Multiplier ? DepthwiseConv3x3Multiplier.Unsupported(ref p)
                    : DepthwiseConv.Unsupported(ref p);
                KernelArguments.CheckConv(NativeKernelIds.Name(kernel), unsupported, ref p, arena, in0, weights, bias, multiplier,
                    DeviceKernels.Narrow(shift), arena, output, null!, 0);
                Depthwise d = DepthwiseOf(ref p, weights, bias, multiplier, shift);
                if (!d.Requant.Valid)
                {
                    break;
                }

                if (p.OutputH > 0 && p.OutputW > 0)
                {
                    d.Run(ref p, arena, in0, arena, output, Workspace.For(arena));
                }

                return NativeKernelIds.StatusOk;
            }
        }

        return DeviceKernels.Run(kernel, parameters, arena, in0, in1, output, weights, bias, multiplier, shift, scratch);
    }

    private bool Avx2Requant => Path == KernelPath.Vector256 || Path == KernelPath.Vector512 || Gemm.UsesVnni(Path);

    private void Pointwise(Gemm g, ref ConvParams p, sbyte[] arena, int in0, int output)
    {
        int pixels = p.InputH * p.InputW, cin = p.InputC, cout = p.OutputC;
        if (Gemm.UsesVnni(Path))
        {
            // The input is copied (as a + 128) before any output is written, so an output overlaying it is fine.
            int stride = 4 * g.Groups;
            byte[] rows = Workspace.For(arena).Unsigned(0, pixels * stride);
            Gemm.ToUnsigned(arena, in0, pixels, cin, rows, stride);
            g.RowsVnni(rows, stride, pixels, arena, output, p.OutputZeroPoint, p.ActMin, p.ActMax);
            return;
        }

        int[] acc = Workspace.For(arena).Ints(0, Requantizer.Pad(cout, 16));
        int[] acc1 = Workspace.For(arena).Ints(1, Requantizer.Pad(cout, 16));
        bool avx2 = Avx2Requant;
        int px = 0;
        for (; px + 2 <= pixels; px += 2)
        {
            // Both rows are read before either output is written (an output pixel may overlay a later input pixel).
            g.Rows2(arena, in0 + px * cin, in0 + (px + 1) * cin, acc, acc1);
            g.Requant.Row(acc, arena, output + px * cout, p.OutputZeroPoint, p.ActMin, p.ActMax, avx2);
            g.Requant.Row(acc1, arena, output + (px + 1) * cout, p.OutputZeroPoint, p.ActMin, p.ActMax, avx2);
        }

        for (; px < pixels; px++)
        {
            g.Row(arena, in0 + px * cin, acc);
            g.Requant.Row(acc, arena, output + px * cout, p.OutputZeroPoint, p.ActMin, p.ActMax, avx2);
        }
    }

    /// <summary>Dense convolution: the input padded with zp_in once, then one im2col row (ky, kx, ci) per output pixel.</summary>
    private void Dense(Gemm g, ref ConvParams p, sbyte[] arena, int in0, int output)
    {
        Workspace ws = Workspace.For(arena);
        int cin = p.InputC, cout = p.OutputC;
        int wp = p.InputW + p.PadLeft + p.PadRight, hp = p.InputH + p.PadTop + p.PadBottom;
        int rowStride = wp * cin;
        sbyte[] image = ws.Bytes(0, hp * rowStride);
        image.AsSpan(0, hp * rowStride).Fill((sbyte)p.InputZeroPoint);
        for (int y = 0; y < p.InputH; y++)
        {
            Array.Copy(arena, in0 + y * p.InputW * cin, image, (y + p.PadTop) * rowStride + p.PadLeft * cin, p.InputW * cin);
        }

        int span = p.KernelW * cin;
        if (Gemm.UsesVnni(Path))
        {
            // The padded image as a + 128, then one im2col row per output pixel (stride 4·Groups, zero past K).
            byte[] flipped = ws.Unsigned(1, hp * rowStride);
            Gemm.Flip(ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(image)), ref MemoryMarshal.GetArrayDataReference(flipped),
                hp * rowStride);
            int stride = 4 * g.Groups, pixels = p.OutputH * p.OutputW;
            byte[] rows = ws.Unsigned(0, pixels * stride);
            for (int oy = 0; oy < p.OutputH; oy++)
            {
                for (int ox = 0; ox < p.OutputW; ox++)
                {
                    int r = (oy * p.OutputW + ox) * stride;
                    for (int ky = 0; ky < p.KernelH; ky++)
                    {
                        Array.Copy(flipped, (oy * p.StrideH + ky * p.DilationH) * rowStride + ox * p.StrideW * cin, rows, r + ky * span, span);
                    }

                    rows.AsSpan(r + p.KernelH * span, stride - p.KernelH * span).Clear();
                }
            }

            g.RowsVnni(rows, stride, pixels, arena, output, p.OutputZeroPoint, p.ActMin, p.ActMax);
            return;
        }

        sbyte[] row = ws.Bytes(1, p.KernelH * span);
        int[] acc = ws.Ints(0, Requantizer.Pad(cout, 16));
        bool avx2 = Avx2Requant;
        for (int oy = 0; oy < p.OutputH; oy++)
        {
            for (int ox = 0; ox < p.OutputW; ox++)
            {
                for (int ky = 0; ky < p.KernelH; ky++)
                {
                    Array.Copy(image, (oy * p.StrideH + ky * p.DilationH) * rowStride + ox * p.StrideW * cin, row, ky * span, span);
                }

                g.Row(row, 0, acc);
                g.Requant.Row(acc, arena, output + (oy * p.OutputW + ox) * cout, p.OutputZeroPoint, p.ActMin, p.ActMax, avx2);
            }
        }
    }

    private static bool FullyConnectedFits(int[] v, sbyte[] arena, int in0, int output, sbyte[] weights, int[] bias, int[] multiplier, int[] shift)
    {
        if (v.Length < 6 || v[0] < 1 || v[1] < 1 || in0 < 0 || output < 0)
        {
            return false;
        }

        long inLength = v[0], outLength = v[1];
        return in0 + inLength <= arena.Length && output + outLength <= arena.Length && weights.Length >= inLength * outLength
            && (bias.Length == 0 || bias.Length >= outLength) && multiplier.Length >= outLength && shift.Length >= outLength;
    }

    /// <summary>FullyConnected's bias with the input zero point folded in (BiasFolding's identity; an empty bias is 0).</summary>
    private static int[] FoldFullyConnected(sbyte[] weights, int[] bias, int outLength, int inLength, int zpIn)
    {
        var folded = new int[outLength];
        BiasFolding.Fold(weights, bias.Length == 0 ? null : bias, outLength, inLength, zpIn, folded);
        return folded;
    }

    // foldZeroPoint null: bias is already folded (the specialised convolutions); else the input zero point to fold into
    // it (FullyConnected).
    private Gemm GemmOf(sbyte[] weights, int[] bias, int[] multiplier, int[] shift, int n, int k, int? foldZeroPoint)
    {
        int tag = foldZeroPoint ?? int.MinValue;
        if (_plans.TryGetValue(weights, out Plan? plan) && plan.Gemm != null && plan.Matches(bias, multiplier, shift, n, k, tag))
        {
            return plan.Gemm;
        }

        int[] folded = foldZeroPoint is int zp ? FoldFullyConnected(weights, bias, n, k, zp) : bias;
        plan = new Plan(bias, multiplier, shift, n, k, tag) { Gemm = new Gemm(Path, weights, n, k, folded, multiplier, shift) };
        _plans.AddOrUpdate(weights, plan);
        return plan.Gemm;
    }

    private Depthwise DepthwiseOf(ref ConvParams p, sbyte[] weights, int[] bias, int[] multiplier, int[] shift)
    {
        int n = p.OutputC, k = p.KernelH * p.KernelW;
        if (_plans.TryGetValue(weights, out Plan? plan) && plan.Depthwise != null && plan.Matches(bias, multiplier, shift, n, k, p.InputC))
        {
            return plan.Depthwise;
        }

        plan = new Plan(bias, multiplier, shift, n, k, p.InputC) { Depthwise = new Depthwise(Path, ref p, weights, bias, multiplier, shift) };
        _plans.AddOrUpdate(weights, plan);
        return plan.Depthwise;
    }

    private static ConvParams Unpack(int[] v)
    {
        if (v.Length < 21)
        {
            throw new ArgumentException($"convolution parameters: expected 21 values, got {v.Length}");
        }

        return new ConvParams
        {
            InputH = v[0], InputW = v[1], InputC = v[2], OutputH = v[3], OutputW = v[4], OutputC = v[5],
            KernelH = v[6], KernelW = v[7], StrideH = v[8], StrideW = v[9], DilationH = v[10], DilationW = v[11],
            PadTop = v[12], PadLeft = v[13], PadBottom = v[14], PadRight = v[15], Groups = v[16],
            InputZeroPoint = v[17], OutputZeroPoint = v[18], ActMin = v[19], ActMax = v[20],
        };
    }

    /// <summary>
    /// A layer's repacked weights, the values they were built from, and the arrays known to hold those values. Every
    /// interpreter of a model shares its weights array but holds its own bias (folded) and int32 shift arrays (the
    /// Interpreter's native steps make them), so a plan matches by value: arrays seen before match by reference, new
    /// ones are compared once and remembered (up to <see cref="MaxSources"/> sets; past that, compared at each use).
    /// Matching by reference alone made interpreters on different threads evict each other's plans, so that at two
    /// threads every layer was repacked at every invoke.
    /// </summary>
    private sealed class Plan
    {
        /// <summary>Array sets a plan remembers: one per interpreter of the model, enough for that many workers.</summary>
        internal const int MaxSources = 64;

        private readonly int[] _bias;
        private readonly int[] _multiplier;
        private readonly int[] _shift;
        private readonly int _n;
        private readonly int _k;
        private readonly int _tag;
        private readonly object _gate = new();
        private Sources[] _sources;

        public Plan(int[] bias, int[] multiplier, int[] shift, int n, int k, int tag)
        {
            _bias = bias;
            _multiplier = multiplier;
            _shift = shift;
            _n = n;
            _k = k;
            _tag = tag;
            _sources = new[] { new Sources(bias, multiplier, shift) };
        }

        public Gemm? Gemm;
        public Depthwise? Depthwise;

        /// <summary>True when the arrays hold the values this plan was built from (and n, k and the tag are its own).</summary>
        public bool Matches(int[] bias, int[] multiplier, int[] shift, int n, int k, int tag)
        {
            if (n != _n || k != _k || tag != _tag)
            {
                return false;
            }

            Sources[] known = Volatile.Read(ref _sources);
            foreach (Sources s in known)
            {
                if (ReferenceEquals(s.Bias, bias) && ReferenceEquals(s.Multiplier, multiplier) && ReferenceEquals(s.Shift, shift))
                {
                    return true;
                }
            }

            if (!bias.AsSpan().SequenceEqual(_bias) || !multiplier.AsSpan().SequenceEqual(_multiplier) || !shift.AsSpan().SequenceEqual(_shift))
            {
                return false;
            }

            lock (_gate)
            {
                if (_sources.Length < MaxSources)
                {
                    var more = new Sources[_sources.Length + 1];
                    Array.Copy(_sources, more, _sources.Length);
                    more[^1] = new Sources(bias, multiplier, shift);
                    Volatile.Write(ref _sources, more);
                }
            }

            return true;
        }

        private sealed record Sources(int[] Bias, int[] Multiplier, int[] Shift);
    }
}
