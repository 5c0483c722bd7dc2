using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Reference;

/// <summary>
/// The float reference's operators over a batch of <c>batch</c> samples in channel-major layout: a value of shape
/// [1, C, d2, d3, …] is held as [C, batch, inner] (inner = d2·d3·…, 1 for [1, C]), i.e. channel c of sample s is the
/// contiguous run at (c·batch + s)·inner. With batch 1 this is plain NCHW. Every output value is computed by the same
/// float32 operations in the same order whatever the batch size and the sample's place in it, so a sample's result
/// does not depend on the batch it ran in. Destinations are the caller's; nothing here allocates.
/// </summary>
internal static class FloatKernels
{
    /// <summary>
    /// Whether the 1×1 / im2col product and the 3×3 strips use 512-bit vectors (where the hardware accelerates them);
    /// otherwise <see cref="Vector{T}"/>. Both give the same bits; tests switch it off to cover the other path.
    /// </summary>
    internal static bool Use512 = Vector512.IsHardwareAccelerated;

    /// <summary>Scratch <see cref="Conv"/> needs for this node and batch (0 when it reads the input directly).</summary>
    public static int ConvScratch(FloatNode n, int[] inShape, int[] outShape, int batch)
    {
        if (ReadsInputDirectly(n))
        {
            return 0;
        }
        int cinG = inShape[1] / n.Groups;
        if (cinG == 1)
        {
            Phases(n, outShape, batch, out _, out _, out int phaseSize, out int wide);
            return Math.Max(n.StrideH * n.StrideW * phaseSize + wide + Overhang, RowsScratch(n, outShape, batch));
        }
        return cinG * n.KernelH * n.KernelW * batch * outShape[2] * outShape[3];
    }

    private static bool ReadsInputDirectly(FloatNode n) =>
        n.Groups == 1 && n.KernelH == 1 && n.KernelW == 1 && n.StrideH == 1 && n.StrideW == 1
        && n.PadTop == 0 && n.PadLeft == 0 && n.PadBottom == 0 && n.PadRight == 0;

    /// <summary>
    /// y[oc, s, oy, ox] = bias[oc] + Σ_{ic, ky, kx} W[oc, ic, ky, kx] · x[g·Cin_g + ic, s, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw],
    /// g = oc / (Cout / groups), out-of-range taps read 0. For each group the input is gathered once into one row per
    /// tap (ic, ky, kx) holding that tap's value for every output pixel of every sample of the batch (im2col, the
    /// batch's pixels side by side); each output value is then bias + tap₀·w₀ + tap₁·w₁ + … summed in tap order, each
    /// product and sum rounded to float32 on its own (no fused multiply-add), the order TensorPrimitives.MultiplyAdd over
    /// whole planes gives, computed in registers for eight (or four) output channels and two vectors of pixels at a
    /// time (<see cref="Planes"/>). A 1×1, stride-1, unpadded dense conv reads the input rows as its taps. Applies the
    /// node's activation too, in the kernels' stores where they can (<see cref="Act"/>, the same bits as
    /// <see cref="Activate(Activation, Span{float})"/>).
    /// </summary>
    public static void Conv(FloatNode n, float[] x, int[] inShape, int[] outShape, int batch, float[] y, float[] taps)
    {
        int cin = inShape[1], h = inShape[2], w = inShape[3];
        int cout = outShape[1], oh = outShape[2], ow = outShape[3];
        int groups = n.Groups, cinG = cin / groups, coutG = cout / groups;
        int kh = n.KernelH, kw = n.KernelW;
        int k = cinG * kh * kw, pixels = oh * ow, columns = batch * pixels;
        var weight = n.Weight!;
        if (ReadsInputDirectly(n))
        {
            // Tap row ic is input channel ic over the whole batch: [Cin, batch·H·W] already.
            Planes(x, k, columns, weight, n.Bias, 0, cout, y, n.Activation);
            return;
        }
        if (cinG == 1)
        {
            if (ThreeByThreeRows(n, inShape, outShape))
            {
                ThreeByThreeRowsConv(n, x, inShape, outShape, batch, y, taps);
                return;
            }
            OneInputChannel(n, x, inShape, outShape, batch, y, taps);
            return;
        }
        for (int g = 0; g < groups; g++)
        {
            for (int ic = 0; ic < cinG; ic++)
            {
                for (int ky = 0; ky < kh; ky++)
                {
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int row = ((ic * kh + ky) * kw + kx) * columns;
                        // Output columns whose input column ix = ox·sw − pl + kx·dw lies inside [0, w).
                        int shift = kx * n.DilationW - n.PadLeft;
                        int first = shift >= 0 ? 0 : (-shift + n.StrideW - 1) / n.StrideW;
                        int end = w - 1 - shift < 0 ? 0 : Math.Min(ow, (w - 1 - shift) / n.StrideW + 1);
                        first = Math.Min(first, end);
                        for (int s = 0; s < batch; s++)
                        {
                            int plane = ((g * cinG + ic) * batch + s) * h * w;
                            for (int oy = 0; oy < oh; oy++)
                            {
                                int iy = oy * n.StrideH - n.PadTop + ky * n.DilationH;
                                int dst = row + s * pixels + oy * ow;
                                if ((uint)iy >= (uint)h)
                                {
                                    Array.Clear(taps, dst, ow);
                                    continue;
                                }
                                int src = plane + iy * w + shift;
                                Array.Clear(taps, dst, first);
                                if (n.StrideW == 1)
                                {
                                    if (end > first)
                                    {
                                        Array.Copy(x, src + first, taps, dst + first, end - first);
                                    }
                                }
                                else
                                {
                                    for (int ox = first; ox < end; ox++)
                                    {
                                        taps[dst + ox] = x[src + ox * n.StrideW];
                                    }
                                }
                                Array.Clear(taps, dst + end, ow - end);
                            }
                        }
                    }
                }
            }
            Planes(taps, k, columns, weight, n.Bias, g * coutG, coutG, y, n.Activation);
        }
    }

    /// <summary>
    /// Values every value buffer the executor allocates holds past its batch's values, so that
    /// <see cref="ThreeByThreeRowsConv"/> may load two vectors from any input row and store a whole vector at any output
    /// row (the lanes past the row are masked out on load and overwritten or unused after the store).
    /// </summary>
    public const int Overhang = 32;

    /// <summary>Whether <see cref="ThreeByThreeRowsConv"/> takes this one-input-channel conv: a 3×3 kernel, AVX-512, input rows of at most 31 values and output rows of at most 16.</summary>
    private static bool ThreeByThreeRows(FloatNode n, int[] inShape, int[] outShape) =>
        Use512 && Avx512F.IsSupported && n.KernelH == 3 && n.KernelW == 3 && inShape[3] <= 31 && outShape[3] <= 16;

    /// <summary>Padded rows of one sample's plane <see cref="ThreeByThreeRowsConv"/> reads: (oh − 1)·sh + 2·dh + 1.</summary>
    private static int PaddedRows(FloatNode n, int[] outShape) => (outShape[2] - 1) * n.StrideH + 2 * n.DilationH + 1;

    private static int RowsScratch(FloatNode n, int[] outShape, int batch) => batch * PaddedRows(n, outShape) * 3 * 16;

    /// <summary>
    /// <see cref="OneInputChannel"/> for 3×3 kernels over narrow planes (14×14, 7×7 and the like), row by row with
    /// 512-bit vectors, same operations in the same order, so the same bits: y[oc, s, oy, ·] = ((bias[oc] +
    /// T(oy·sh, 0)·w₀) + T(oy·sh, 1)·w₁) + … + T(oy·sh + 2·dh, 2)·w₈, where T(r, kx) is one vector whose lane ox holds
    /// the input at padded row r (input row r − pt), column ox·sw − pl + kx·dw, or +0 outside the input (or past ow).
    /// Each input row is loaded once as two vectors (lanes past the row masked to +0) and the three T(r, kx) of every
    /// padded row of the batch's samples are made by one two-source permute each (lane 31, always +0, stands for the
    /// padding) into the scratch; each output row is then nine multiplies and adds of scratch vectors and one store of
    /// 16 lanes, whose lanes past ow fall on the next row (written after it) or the buffer's <see cref="Overhang"/>.
    /// Rows of at most 8 values (7×7 planes) take two samples per vector, half the work.
    /// </summary>
    private static void ThreeByThreeRowsConv(FloatNode n, float[] x, int[] inShape, int[] outShape, int batch, float[] y, float[] scratch)
    {
        int cin = inShape[1], h = inShape[2], w = inShape[3];
        int cout = outShape[1], oh = outShape[2], ow = outShape[3];
        int sh = n.StrideH, dh = n.DilationH, rows = PaddedRows(n, outShape), multiplier = cout / cin;
        Activation act = n.Activation;
        int planeIn = h * w, planeOut = oh * ow;
        if (scratch.Length < RowsScratch(n, outShape, batch) || x.Length < cin * batch * planeIn + Overhang
            || y.Length < cout * batch * planeOut + Overhang)
        {
            throw new InvalidOperationException($"node '{n.Name}': buffers too small for the 3×3 row kernel");
        }
        // Column sources: lane ox of T(·, kx) is lane ix = ox·sw − pl + kx·dw of the row's two vectors, or lane 31.
        Span<int> columns = stackalloc int[48];
        for (int kx = 0; kx < 3; kx++)
        {
            for (int ox = 0; ox < 16; ox++)
            {
                int ix = ox * n.StrideW - n.PadLeft + kx * n.DilationW;
                columns[kx * 16 + ox] = ox < ow && ix >= 0 && ix < w ? ix : 31;
            }
        }
        Vector512<int> c0 = Vector512.Create<int>(columns.Slice(0, 16)), c1 = Vector512.Create<int>(columns.Slice(16, 16)),
            c2 = Vector512.Create<int>(columns.Slice(32, 16));
        // Rows of at most 8, at most 8 of them (7×7 planes): two samples per vector, sample 2p in lanes 0…7 (from the first source),
        // sample 2p + 1 in lanes 8…15 (from the second); lane 31 is still +0.
        int pairs = w <= 8 && ow <= 8 && oh <= 8 && batch >= 2 ? batch / 2 : 0;
        Span<int> paired = stackalloc int[48];
        for (int kx = 0; kx < 3; kx++)
        {
            for (int j = 0; j < 8; j++)
            {
                int c = columns[kx * 16 + j];
                paired[kx * 16 + j] = c;
                paired[kx * 16 + 8 + j] = c == 31 ? 31 : 16 + c;
            }
        }
        Vector512<int> p0 = Vector512.Create<int>(paired.Slice(0, 16)), p1 = Vector512.Create<int>(paired.Slice(16, 16)),
            p2 = Vector512.Create<int>(paired.Slice(32, 16));
        Span<Vector512<float>> results = stackalloc Vector512<float>[8];
        Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector512<float> low = Vector512.LessThan(lane, Vector512.Create(w)).AsSingle();
        Vector512<float> high = Vector512.LessThan(lane, Vector512.Create(w - 16)).AsSingle();
        float[] weight = n.Weight!;
        ref float xp = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yp = ref MemoryMarshal.GetArrayDataReference(y);
        ref float tp = ref MemoryMarshal.GetArrayDataReference(scratch);
        nuint rowStep = 48, tapStep = (nuint)(dh * 48);
        for (int ic = 0; ic < cin; ic++)
        {
            // T(r, kx) of unit u at scratch ((u·rows + r)·3 + kx)·16; units are the pairs of samples, then the samples
            // from 2·pairs on one by one.
            nuint t = 0;
            for (int pair = 0; pair < pairs; pair++)
            {
                nuint plane = (nuint)((ic * batch + 2 * pair) * planeIn);
                for (int r = 0; r < rows; r++, t += rowStep)
                {
                    int iy = r - n.PadTop;
                    Vector512<float> t0 = default, t1 = default, t2 = default;
                    if ((uint)iy < (uint)h)
                    {
                        nuint at = plane + (nuint)(iy * w);
                        Vector512<float> first = Vector512.LoadUnsafe(ref xp, at) & low;
                        Vector512<float> second = Vector512.LoadUnsafe(ref xp, at + (nuint)planeIn) & low;
                        t0 = Avx512F.PermuteVar16x32x2(first, p0, second);
                        t1 = Avx512F.PermuteVar16x32x2(first, p1, second);
                        t2 = Avx512F.PermuteVar16x32x2(first, p2, second);
                    }
                    t0.StoreUnsafe(ref tp, t);
                    t1.StoreUnsafe(ref tp, t + 16);
                    t2.StoreUnsafe(ref tp, t + 32);
                }
            }
            for (int s = 2 * pairs; s < batch; s++)
            {
                nuint plane = (nuint)((ic * batch + s) * planeIn);
                for (int r = 0; r < rows; r++, t += rowStep)
                {
                    int iy = r - n.PadTop;
                    Vector512<float> t0 = default, t1 = default, t2 = default;
                    if ((uint)iy < (uint)h)
                    {
                        nuint at = plane + (nuint)(iy * w);
                        Vector512<float> lo = Vector512.LoadUnsafe(ref xp, at) & low;
                        Vector512<float> hi = w > 16 ? Vector512.LoadUnsafe(ref xp, at + 16) & high : default;
                        t0 = Avx512F.PermuteVar16x32x2(lo, c0, hi);
                        t1 = Avx512F.PermuteVar16x32x2(lo, c1, hi);
                        t2 = Avx512F.PermuteVar16x32x2(lo, c2, hi);
                    }
                    t0.StoreUnsafe(ref tp, t);
                    t1.StoreUnsafe(ref tp, t + 16);
                    t2.StoreUnsafe(ref tp, t + 32);
                }
            }
            for (int m = 0; m < multiplier; m++)
            {
                int oc = ic * multiplier + m;
                var b = Vector512.Create(n.Bias?[oc] ?? 0f);
                ReadOnlySpan<float> wt = weight.AsSpan(oc * 9, 9);
                Vector512<float> v0 = Vector512.Create(wt[0]), v1 = Vector512.Create(wt[1]), v2 = Vector512.Create(wt[2]),
                    v3 = Vector512.Create(wt[3]), v4 = Vector512.Create(wt[4]), v5 = Vector512.Create(wt[5]),
                    v6 = Vector512.Create(wt[6]), v7 = Vector512.Create(wt[7]), v8 = Vector512.Create(wt[8]);
                for (int pair = 0; pair < pairs; pair++)
                {
                    nuint row = (nuint)(pair * rows) * rowStep;
                    for (int oy = 0; oy < oh; oy++, row += (nuint)sh * rowStep)
                    {
                        nuint r1 = row + tapStep, r2 = r1 + tapStep;
                        Vector512<float> a = b;
                        a += Vector512.LoadUnsafe(ref tp, row) * v0;
                        a += Vector512.LoadUnsafe(ref tp, row + 16) * v1;
                        a += Vector512.LoadUnsafe(ref tp, row + 32) * v2;
                        a += Vector512.LoadUnsafe(ref tp, r1) * v3;
                        a += Vector512.LoadUnsafe(ref tp, r1 + 16) * v4;
                        a += Vector512.LoadUnsafe(ref tp, r1 + 32) * v5;
                        a += Vector512.LoadUnsafe(ref tp, r2) * v6;
                        a += Vector512.LoadUnsafe(ref tp, r2 + 16) * v7;
                        a += Vector512.LoadUnsafe(ref tp, r2 + 32) * v8;
                        results[oy] = Act(a, act);
                    }
                    // The first sample's rows, then the second's: each store's lanes past ow fall on a row stored
                    // after it (the first sample's last row on the second's first) or on a later plane or the Overhang.
                    nuint dst = (nuint)((oc * batch + 2 * pair) * planeOut);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        results[oy].GetLower().StoreUnsafe(ref yp, dst + (nuint)(oy * ow));
                    }
                    dst += (nuint)planeOut;
                    for (int oy = 0; oy < oh; oy++)
                    {
                        results[oy].GetUpper().StoreUnsafe(ref yp, dst + (nuint)(oy * ow));
                    }
                }
                for (int s = 2 * pairs; s < batch; s++)
                {
                    nuint dst = (nuint)((oc * batch + s) * planeOut), row = (nuint)((pairs + s - 2 * pairs) * rows) * rowStep;
                    for (int oy = 0; oy < oh; oy++, dst += (nuint)ow, row += (nuint)sh * rowStep)
                    {
                        nuint r1 = row + tapStep, r2 = r1 + tapStep;
                        Vector512<float> a = b;
                        a += Vector512.LoadUnsafe(ref tp, row) * v0;
                        a += Vector512.LoadUnsafe(ref tp, row + 16) * v1;
                        a += Vector512.LoadUnsafe(ref tp, row + 32) * v2;
                        a += Vector512.LoadUnsafe(ref tp, r1) * v3;
                        a += Vector512.LoadUnsafe(ref tp, r1 + 16) * v4;
                        a += Vector512.LoadUnsafe(ref tp, r1 + 32) * v5;
                        a += Vector512.LoadUnsafe(ref tp, r2) * v6;
                        a += Vector512.LoadUnsafe(ref tp, r2 + 16) * v7;
                        a += Vector512.LoadUnsafe(ref tp, r2 + 32) * v8;
                        Act(a, act).StoreUnsafe(ref yp, dst);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Geometry of <see cref="OneInputChannel"/>: the padded input planes of the batch are split into StrideH·StrideW
    /// phase planes (phase (a, b) holds padded rows a, a + sh, … and columns b, b + sw, …), each <paramref name="hq"/>
    /// rows of <paramref name="wq"/> values per sample, the batch's samples one below the other. Tap (ky, kx) of output
    /// pixel (oy, ox) of sample s then reads phase ((ky·dh) mod sh, (kx·dw) mod sw) at row s·hq + oy + ⌊ky·dh/sh⌋,
    /// column ox + ⌊kx·dw/sw⌋: one constant offset per tap over the "wide" output of batch·hq rows of wq pixels, of
    /// which rows oy &lt; oh and columns ox &lt; ow are kept. <paramref name="wide"/> is batch·hq·wq rounded up to two
    /// vectors; each phase plane has room for the reads past its end that makes.
    /// </summary>
    private static void Phases(FloatNode n, int[] outShape, int batch, out int hq, out int wq, out int phaseSize, out int wide)
    {
        int oh = outShape[2], ow = outShape[3], block = 2 * Vector<float>.Count;
        hq = oh + (n.KernelH - 1) * n.DilationH / n.StrideH;
        wq = ow + (n.KernelW - 1) * n.DilationW / n.StrideW;
        wide = (batch * hq * wq + block - 1) / block * block;
        phaseSize = wide + (hq - oh + 1) * wq;
    }

    /// <summary>
    /// Conv whose output channels each read one input channel (depthwise with any multiplier, or a dense conv of one
    /// input channel): y[oc, s, oy, ox] = ((bias[oc] + x₀·w[oc, 0]) + x₁·w[oc, 1]) + … over the taps t = ky·kw + kx
    /// in order, out-of-range taps reading 0 — the same operations in the same order as the im2col path, so the same
    /// bits. For each input channel the batch's padded planes are laid out once in phase planes (<see cref="Phases"/>;
    /// the padding is cleared once per call, as it sits at the same places for every channel); each of the
    /// Cout/groups output channels reading it is then computed over the wide output two vectors at a time, every tap
    /// one load at a fixed offset, activated, and its rows of ow pixels copied to y. 3×3 kernels on narrow planes take
    /// <see cref="ThreeByThreeRowsConv"/> instead where AVX-512 is there.
    /// </summary>
    private static void OneInputChannel(FloatNode n, float[] x, int[] inShape, int[] outShape, int batch, float[] y, float[] scratch)
    {
        int cin = inShape[1], h = inShape[2], w = inShape[3];
        int cout = outShape[1], oh = outShape[2], ow = outShape[3];
        int kh = n.KernelH, kw = n.KernelW, k = kh * kw, sh = n.StrideH, sw = n.StrideW;
        int multiplier = cout / cin;
        Phases(n, outShape, batch, out int hq, out int wq, out int phaseSize, out int wide);
        int wideAt = sh * sw * phaseSize, lanes = Vector<float>.Count;
        if (scratch.Length < wideAt + wide + Overhang || y.Length < cout * batch * oh * ow + Overhang)
        {
            throw new InvalidOperationException($"node '{n.Name}': conv scratch holds {scratch.Length} values, needs {wideAt + wide + Overhang}");
        }
        ref float yp = ref MemoryMarshal.GetArrayDataReference(y);
        bool rowVectors = Use512 && ow <= 32;
        Array.Clear(scratch, 0, wideAt);
        Span<int> start = k <= 256 ? stackalloc int[k] : new int[k];
        for (int ky = 0; ky < kh; ky++)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                int r = ky * n.DilationH, c = kx * n.DilationW;
                start[ky * kw + kx] = ((r % sh) * sw + c % sw) * phaseSize + r / sh * wq + c / sw;
            }
        }
        float[] weight = n.Weight!;
        ref float sp = ref MemoryMarshal.GetArrayDataReference(scratch);
        ref float xp = ref MemoryMarshal.GetArrayDataReference(x);
        for (int ic = 0; ic < cin; ic++)
        {
            for (int a = 0; a < sh; a++)
            {
                // Phase rows i read input row iy = i·sh + a − pt; those inside [0, h) are [top, bottom).
                int top = Math.Min(hq, Math.Max(0, (n.PadTop - a + sh - 1) / sh));
                int lastRow = h - 1 + n.PadTop - a;
                int bottom = lastRow < 0 ? top : Math.Max(top, Math.Min(hq, lastRow / sh + 1));
                for (int b = 0; b < sw; b++)
                {
                    // Phase columns j read input column ix = j·sw + b − pl; those inside [0, w) are [first, end).
                    int first = Math.Min(wq, Math.Max(0, (n.PadLeft - b + sw - 1) / sw));
                    int lastColumn = w - 1 + n.PadLeft - b;
                    int end = lastColumn < 0 ? first : Math.Max(first, Math.Min(wq, lastColumn / sw + 1));
                    int phase = (a * sw + b) * phaseSize, count = end - first;
                    if (count == 0)
                    {
                        continue;
                    }
                    for (int s = 0; s < batch; s++)
                    {
                        int plane = (ic * batch + s) * h * w;
                        for (int i = top; i < bottom; i++)
                        {
                            int src = plane + (i * sh + a - n.PadTop) * w + first * sw + b - n.PadLeft;
                            int dst = phase + (s * hq + i) * wq + first;
                            if (sw == 1)
                            {
                                x.AsSpan(src, count).CopyTo(scratch.AsSpan(dst, count));
                            }
                            else
                            {
                                // Bounds: src + (count − 1)·sw < x.Length and dst + count ≤ phase + phaseSize, as
                                // the span slices of the stride-1 branch would check.
                                ref float from = ref Unsafe.Add(ref xp, src);
                                ref float to = ref Unsafe.Add(ref sp, dst);
                                for (int j = 0; j < count; j++)
                                {
                                    Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j * sw);
                                }
                            }
                        }
                    }
                }
            }
            for (int m = 0; m < multiplier; m++)
            {
                int oc = ic * multiplier + m;
                ReadOnlySpan<float> wt = weight.AsSpan(oc * k, k);
                float bias = n.Bias?[oc] ?? 0f;
                if (k == 9 && Use512 && wide % 16 == 0)
                {
                    Strip3x3Wide(ref sp, start, wt, bias, wide, wideAt, n.Activation);
                }
                else
                {
                    if (k == 9)
                    {
                        Strip3x3(ref sp, start, wt, bias, wide, wideAt);
                    }
                    else
                    {
                        Strip(ref sp, start, wt, bias, wide, wideAt);
                    }
                    Activate(n.Activation, scratch.AsSpan(wideAt, wide));
                }
                for (int s = 0; s < batch; s++)
                {
                    int dst = (oc * batch + s) * oh * ow;
                    for (int oy = 0; oy < oh; oy++)
                    {
                        int from = wideAt + (s * hq + oy) * wq;
                        if (rowVectors)
                        {
                            // Rows in increasing order: the lanes past ow land on the next row, written after this
                            // one, or on y's Overhang; the scratch reads stay inside its Overhang.
                            Vector512.LoadUnsafe(ref sp, (nuint)from).StoreUnsafe(ref yp, (nuint)(dst + oy * ow));
                            Vector512.LoadUnsafe(ref sp, (nuint)from + 16).StoreUnsafe(ref yp, (nuint)(dst + oy * ow) + 16);
                        }
                        else
                        {
                            scratch.AsSpan(from, ow).CopyTo(y.AsSpan(dst + oy * ow, ow));
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// out[q] = ((bias + in[start[0] + q]·w[0]) + in[start[1] + q]·w[1]) + … for q in [0, wide) (wide a multiple of two
    /// vectors), out at <paramref name="at"/>; <see cref="OneInputChannel"/> checked every index against the scratch.
    /// </summary>
    private static void Strip(ref float sp, ReadOnlySpan<int> start, ReadOnlySpan<float> w, float bias, int wide, int at)
    {
        int lanes = Vector<float>.Count;
        var b = new Vector<float>(bias);
        for (int q = 0; q < wide; q += 2 * lanes)
        {
            Vector<float> a0 = b, a1 = b;
            for (int t = 0; t < w.Length; t++)
            {
                var v = new Vector<float>(w[t]);
                nuint i = (nuint)(start[t] + q);
                a0 += Vector.LoadUnsafe(ref sp, i) * v;
                a1 += Vector.LoadUnsafe(ref sp, i + (nuint)lanes) * v;
            }
            a0.StoreUnsafe(ref sp, (nuint)(at + q));
            a1.StoreUnsafe(ref sp, (nuint)(at + q + lanes));
        }
    }

    /// <summary><see cref="Strip"/> for nine taps, the weights held in registers.</summary>
    private static void Strip3x3(ref float sp, ReadOnlySpan<int> start, ReadOnlySpan<float> w, float bias, int wide, int at)
    {
        int lanes = Vector<float>.Count;
        var b = new Vector<float>(bias);
        Vector<float> v0 = new(w[0]), v1 = new(w[1]), v2 = new(w[2]), v3 = new(w[3]), v4 = new(w[4]), v5 = new(w[5]),
            v6 = new(w[6]), v7 = new(w[7]), v8 = new(w[8]);
        nuint s0 = (nuint)start[0], s1 = (nuint)start[1], s2 = (nuint)start[2], s3 = (nuint)start[3], s4 = (nuint)start[4],
            s5 = (nuint)start[5], s6 = (nuint)start[6], s7 = (nuint)start[7], s8 = (nuint)start[8];
        if (Use512 && wide % 16 == 0)
        {
            Strip3x3Wide(ref sp, start, w, bias, wide, at, Activation.None);
            return;
        }
        for (nuint q = 0; q < (nuint)wide; q += (nuint)lanes)
        {
            Vector<float> a = b;
            a += Vector.LoadUnsafe(ref sp, s0 + q) * v0;
            a += Vector.LoadUnsafe(ref sp, s1 + q) * v1;
            a += Vector.LoadUnsafe(ref sp, s2 + q) * v2;
            a += Vector.LoadUnsafe(ref sp, s3 + q) * v3;
            a += Vector.LoadUnsafe(ref sp, s4 + q) * v4;
            a += Vector.LoadUnsafe(ref sp, s5 + q) * v5;
            a += Vector.LoadUnsafe(ref sp, s6 + q) * v6;
            a += Vector.LoadUnsafe(ref sp, s7 + q) * v7;
            a += Vector.LoadUnsafe(ref sp, s8 + q) * v8;
            a.StoreUnsafe(ref sp, (nuint)at + q);
        }
    }

    /// <summary><see cref="Strip3x3"/> with 512-bit vectors (<paramref name="wide"/> a multiple of 16), the activation in the store.</summary>
    private static void Strip3x3Wide(ref float sp, ReadOnlySpan<int> start, ReadOnlySpan<float> w, float bias, int wide, int at, Activation act)
    {
        var b = Vector512.Create(bias);
        Vector512<float> v0 = Vector512.Create(w[0]), v1 = Vector512.Create(w[1]), v2 = Vector512.Create(w[2]), v3 = Vector512.Create(w[3]),
            v4 = Vector512.Create(w[4]), v5 = Vector512.Create(w[5]), v6 = Vector512.Create(w[6]), v7 = Vector512.Create(w[7]), v8 = Vector512.Create(w[8]);
        nuint s0 = (nuint)start[0], s1 = (nuint)start[1], s2 = (nuint)start[2], s3 = (nuint)start[3], s4 = (nuint)start[4],
            s5 = (nuint)start[5], s6 = (nuint)start[6], s7 = (nuint)start[7], s8 = (nuint)start[8];
        for (nuint q = 0; q < (nuint)wide; q += 16)
        {
            Vector512<float> a = b;
            a += Vector512.LoadUnsafe(ref sp, s0 + q) * v0;
            a += Vector512.LoadUnsafe(ref sp, s1 + q) * v1;
            a += Vector512.LoadUnsafe(ref sp, s2 + q) * v2;
            a += Vector512.LoadUnsafe(ref sp, s3 + q) * v3;
            a += Vector512.LoadUnsafe(ref sp, s4 + q) * v4;
            a += Vector512.LoadUnsafe(ref sp, s5 + q) * v5;
            a += Vector512.LoadUnsafe(ref sp, s6 + q) * v6;
            a += Vector512.LoadUnsafe(ref sp, s7 + q) * v7;
            a += Vector512.LoadUnsafe(ref sp, s8 + q) * v8;
            Act(a, act).StoreUnsafe(ref sp, (nuint)at + q);
        }
    }

    /// <summary>
    /// y[oc, p] = act(((bias[oc] + taps[0, p]·w[oc, 0]) + taps[1, p]·w[oc, 1]) + …) for oc in [oc0, oc0 + count),
    /// every product and sum rounded separately, in tap order; taps is [k, pixels], y is [Cout, pixels].
    /// </summary>
    private static void Planes(float[] taps, int k, int pixels, float[] weight, float[]? bias, int oc0, int count, float[] y, Activation act)
    {
        if ((long)k * pixels > taps.Length || (long)(oc0 + count) * k > weight.Length || (long)(oc0 + count) * pixels > y.Length)
        {
            throw new InvalidOperationException($"conv of {k} taps over {pixels} pixels for channels {oc0}…{oc0 + count - 1} does not fit its buffers");
        }
        int lanes = Vector<float>.Count;
        ref float tp = ref MemoryMarshal.GetArrayDataReference(taps);
        ref float wp = ref MemoryMarshal.GetArrayDataReference(weight);
        if (Use512)
        {
            int done = Planes512(ref tp, k, pixels, ref wp, bias, oc0, count, y, act);
            for (int oc = oc0; oc < oc0 + count; oc++)
            {
                Tail(taps, k, pixels, weight, bias, oc, done, y);
                Activate(act, y.AsSpan(oc * pixels + done, pixels - done));
            }
            return;
        }
        int o = 0;
        for (; o + 4 <= count; o += 4)
        {
            int oc = oc0 + o;
            int w0 = oc * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            float b0 = bias?[oc] ?? 0f, b1 = bias?[oc + 1] ?? 0f, b2 = bias?[oc + 2] ?? 0f, b3 = bias?[oc + 3] ?? 0f;
            int p = 0;
            for (; p + 2 * lanes <= pixels; p += 2 * lanes)
            {
                Vector<float> a0 = new(b0), a1 = new(b1), a2 = new(b2), a3 = new(b3);
                Vector<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3;
                // Indices: t·pixels + p + 2·lanes ≤ k·pixels ≤ taps.Length; w0 + 3k + t < weight.Length (checked above).
                nuint at = (nuint)p;
                for (int t = 0; t < k; t++, at += (nuint)pixels)
                {
                    var u = Vector.LoadUnsafe(ref tp, at);
                    var v = Vector.LoadUnsafe(ref tp, at + (nuint)lanes);
                    Vector<float> s0 = new(Unsafe.Add(ref wp, w0 + t)), s1 = new(Unsafe.Add(ref wp, w1 + t));
                    Vector<float> s2 = new(Unsafe.Add(ref wp, w2 + t)), s3 = new(Unsafe.Add(ref wp, w3 + t));
                    a0 += u * s0;
                    c0 += v * s0;
                    a1 += u * s1;
                    c1 += v * s1;
                    a2 += u * s2;
                    c2 += v * s2;
                    a3 += u * s3;
                    c3 += v * s3;
                }
                a0.CopyTo(y, oc * pixels + p);
                c0.CopyTo(y, oc * pixels + p + lanes);
                a1.CopyTo(y, (oc + 1) * pixels + p);
                c1.CopyTo(y, (oc + 1) * pixels + p + lanes);
                a2.CopyTo(y, (oc + 2) * pixels + p);
                c2.CopyTo(y, (oc + 2) * pixels + p + lanes);
                a3.CopyTo(y, (oc + 3) * pixels + p);
                c3.CopyTo(y, (oc + 3) * pixels + p + lanes);
            }
            for (int i = 0; i < 4; i++)
            {
                Tail(taps, k, pixels, weight, bias, oc + i, p, y);
            }
        }
        for (; o < count; o++)
        {
            int oc = oc0 + o, w0 = oc * k;
            float b0 = bias?[oc] ?? 0f;
            int p = 0;
            for (; p + 2 * lanes <= pixels; p += 2 * lanes)
            {
                Vector<float> a0 = new(b0), c0 = a0;
                for (int t = 0; t < k; t++)
                {
                    Vector<float> s0 = new(weight[w0 + t]);
                    a0 += new Vector<float>(taps, t * pixels + p) * s0;
                    c0 += new Vector<float>(taps, t * pixels + p + lanes) * s0;
                }
                a0.CopyTo(y, oc * pixels + p);
                c0.CopyTo(y, oc * pixels + p + lanes);
            }
            Tail(taps, k, pixels, weight, bias, oc, p, y);
        }
        Activate(act, y.AsSpan(oc0 * pixels, count * pixels));
    }

    /// <summary>
    /// <see cref="Planes"/> with 512-bit vectors over the pixels that fill whole tiles of 32; returns the first pixel
    /// left to the caller. Tile by tile (its k tap rows stay in L1), every output channel of the tile in blocks of
    /// eight, then four, then one, two vectors of pixels each. Same operations per value.
    /// </summary>
    private static int Planes512(ref float tp, int k, int pixels, ref float wp, float[]? bias, int oc0, int count, float[] y, Activation act)
    {
        ref float yp = ref MemoryMarshal.GetArrayDataReference(y);
        int p = 0;
        for (; p + 32 <= pixels; p += 32)
        {
            int o = 0;
            for (; o + 8 <= count; o += 8)
            {
                Block8(ref Unsafe.Add(ref tp, p), k, pixels, ref Unsafe.Add(ref wp, (oc0 + o) * k), bias, oc0 + o, ref Unsafe.Add(ref yp, (oc0 + o) * pixels + p), act);
            }
            for (; o + 4 <= count; o += 4)
            {
                Block4(ref Unsafe.Add(ref tp, p), k, pixels, ref Unsafe.Add(ref wp, (oc0 + o) * k), bias, oc0 + o, ref Unsafe.Add(ref yp, (oc0 + o) * pixels + p), act);
            }
            for (; o < count; o++)
            {
                int oc = oc0 + o;
                ref float w = ref Unsafe.Add(ref wp, oc * k);
                Vector512<float> a0 = Vector512.Create(bias?[oc] ?? 0f), c0 = a0;
                nuint at = (nuint)p;
                for (int t = 0; t < k; t++, at += (nuint)pixels)
                {
                    var s0 = Vector512.Create(Unsafe.Add(ref w, t));
                    a0 += Vector512.LoadUnsafe(ref tp, at) * s0;
                    c0 += Vector512.LoadUnsafe(ref tp, at + 16) * s0;
                }
                Act(a0, act).StoreUnsafe(ref yp, (nuint)(oc * pixels + p));
                Act(c0, act).StoreUnsafe(ref yp, (nuint)(oc * pixels + p + 16));
            }
        }
        return p;
    }

    /// <summary>Eight output channels (weights at <paramref name="w"/>, k each) over 32 pixels of the tap rows at <paramref name="t"/>, stored at <paramref name="y"/> (rows <paramref name="pixels"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(ref float t, int k, int pixels, ref float w, float[]? bias, int oc, ref float y, Activation act)
    {
        Vector512<float> a0 = Vector512.Create(bias?[oc] ?? 0f), a1 = Vector512.Create(bias?[oc + 1] ?? 0f),
            a2 = Vector512.Create(bias?[oc + 2] ?? 0f), a3 = Vector512.Create(bias?[oc + 3] ?? 0f),
            a4 = Vector512.Create(bias?[oc + 4] ?? 0f), a5 = Vector512.Create(bias?[oc + 5] ?? 0f),
            a6 = Vector512.Create(bias?[oc + 6] ?? 0f), a7 = Vector512.Create(bias?[oc + 7] ?? 0f);
        Vector512<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3, c4 = a4, c5 = a5, c6 = a6, c7 = a7;
        nuint at = 0, step = (nuint)pixels;
        for (int i = 0; i < k; i++, at += step)
        {
            var u = Vector512.LoadUnsafe(ref t, at);
            var v = Vector512.LoadUnsafe(ref t, at + 16);
            var s = Vector512.Create(Unsafe.Add(ref w, i));
            a0 += u * s;
            c0 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, k + i));
            a1 += u * s;
            c1 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, 2 * k + i));
            a2 += u * s;
            c2 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, 3 * k + i));
            a3 += u * s;
            c3 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, 4 * k + i));
            a4 += u * s;
            c4 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, 5 * k + i));
            a5 += u * s;
            c5 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, 6 * k + i));
            a6 += u * s;
            c6 += v * s;
            s = Vector512.Create(Unsafe.Add(ref w, 7 * k + i));
            a7 += u * s;
            c7 += v * s;
        }
        Act(a0, act).StoreUnsafe(ref y, 0);
        Act(c0, act).StoreUnsafe(ref y, 16);
        Act(a1, act).StoreUnsafe(ref y, step);
        Act(c1, act).StoreUnsafe(ref y, step + 16);
        Act(a2, act).StoreUnsafe(ref y, 2 * step);
        Act(c2, act).StoreUnsafe(ref y, 2 * step + 16);
        Act(a3, act).StoreUnsafe(ref y, 3 * step);
        Act(c3, act).StoreUnsafe(ref y, 3 * step + 16);
        Act(a4, act).StoreUnsafe(ref y, 4 * step);
        Act(c4, act).StoreUnsafe(ref y, 4 * step + 16);
        Act(a5, act).StoreUnsafe(ref y, 5 * step);
        Act(c5, act).StoreUnsafe(ref y, 5 * step + 16);
        Act(a6, act).StoreUnsafe(ref y, 6 * step);
        Act(c6, act).StoreUnsafe(ref y, 6 * step + 16);
        Act(a7, act).StoreUnsafe(ref y, 7 * step);
        Act(c7, act).StoreUnsafe(ref y, 7 * step + 16);
    }

    /// <summary><see cref="Block8"/> for four output channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4(ref float t, int k, int pixels, ref float w, float[]? bias, int oc, ref float y, Activation act)
    {
        Vector512<float> a0 = Vector512.Create(bias?[oc] ?? 0f), a1 = Vector512.Create(bias?[oc + 1] ?? 0f),
            a2 = Vector512.Create(bias?[oc + 2] ?? 0f), a3 = Vector512.Create(bias?[oc + 3] ?? 0f);
        Vector512<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3;
        nuint at = 0, step = (nuint)pixels;
        for (int i = 0; i < k; i++, at += step)
        {
            var u = Vector512.LoadUnsafe(ref t, at);
            var v = Vector512.LoadUnsafe(ref t, at + 16);
            var s0 = Vector512.Create(Unsafe.Add(ref w, i));
            var s1 = Vector512.Create(Unsafe.Add(ref w, k + i));
            var s2 = Vector512.Create(Unsafe.Add(ref w, 2 * k + i));
            var s3 = Vector512.Create(Unsafe.Add(ref w, 3 * k + i));
            a0 += u * s0;
            c0 += v * s0;
            a1 += u * s1;
            c1 += v * s1;
            a2 += u * s2;
            c2 += v * s2;
            a3 += u * s3;
            c3 += v * s3;
        }
        Act(a0, act).StoreUnsafe(ref y, 0);
        Act(c0, act).StoreUnsafe(ref y, 16);
        Act(a1, act).StoreUnsafe(ref y, step);
        Act(c1, act).StoreUnsafe(ref y, step + 16);
        Act(a2, act).StoreUnsafe(ref y, 2 * step);
        Act(c2, act).StoreUnsafe(ref y, 2 * step + 16);
        Act(a3, act).StoreUnsafe(ref y, 3 * step);
        Act(c3, act).StoreUnsafe(ref y, 3 * step + 16);
    }

    /// <summary>Planes' sum for pixels [from, pixels) of one output channel: one vector, then one value at a time.</summary>
    private static void Tail(float[] taps, int k, int pixels, float[] weight, float[]? bias, int oc, int from, float[] y)
    {
        float b = bias?[oc] ?? 0f;
        int lanes = Vector<float>.Count;
        int p = from;
        for (; p + lanes <= pixels; p += lanes)
        {
            Vector<float> a = new(b);
            for (int t = 0; t < k; t++)
            {
                a += new Vector<float>(taps, t * pixels + p) * new Vector<float>(weight[oc * k + t]);
            }
            a.CopyTo(y, oc * pixels + p);
        }
        for (; p < pixels; p++)
        {
            float acc = b;
            for (int t = 0; t < k; t++)
            {
                acc += taps[t * pixels + p] * weight[oc * k + t];
            }
            y[oc * pixels + p] = acc;
        }
    }

    /// <summary>
    /// y[o, s] = (Σ_i W[o, i] · x_s[i]) + bias[o], the sum by <see cref="TensorPrimitives.Dot"/>; x_s is sample s's
    /// input in NCHW order, gathered into <paramref name="sample"/> (its length is the sample size).
    /// </summary>
    public static void FullyConnected(FloatNode n, float[] x, int channels, int inner, int batch, Span<float> sample, float[] y)
    {
        int cout = n.WeightShape![0], k = n.WeightShape[1];
        if (sample.Length != k)
        {
            throw new InvalidOperationException($"node '{n.Name}': FullyConnected takes {k} inputs but its input has {sample.Length} per sample");
        }
        for (int s = 0; s < batch; s++)
        {
            Gather(x, channels, inner, batch, s, sample);
            for (int o = 0; o < cout; o++)
            {
                y[o * batch + s] = TensorPrimitives.Dot(new ReadOnlySpan<float>(n.Weight!, o * k, k), sample) + (n.Bias?[o] ?? 0f);
            }
        }
    }

    /// <summary>Copies sample <paramref name="s"/> of a [C, batch, inner] buffer to <paramref name="dst"/> in NCHW order.</summary>
    public static void Gather(float[] x, int channels, int inner, int batch, int s, Span<float> dst)
    {
        if (batch == 1)
        {
            x.AsSpan(0, channels * inner).CopyTo(dst);
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            x.AsSpan((c * batch + s) * inner, inner).CopyTo(dst.Slice(c * inner, inner));
        }
    }

    /// <summary>Copies an NCHW sample into place <paramref name="s"/> of a [C, batch, inner] buffer.</summary>
    public static void Scatter(ReadOnlySpan<float> src, int channels, int inner, int batch, int s, float[] y)
    {
        if (batch == 1)
        {
            src.Slice(0, channels * inner).CopyTo(y);
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            src.Slice(c * inner, inner).CopyTo(y.AsSpan((c * batch + s) * inner, inner));
        }
    }

    /// <summary>Applies a fused activation to the first <paramref name="length"/> values.</summary>
    public static void Activate(Activation a, float[] y, int length) => Activate(a, y.AsSpan(0, length));

    /// <summary>
    /// <see cref="Activate(Activation, float[], int)"/> on one vector, in the conv kernels' stores: Vector512.Max and
    /// Min, the IEEE 754 maximum and minimum TensorPrimitives.Max and Min apply (NaN kept, −0 &lt; +0), so the same
    /// bits (FloatActivationTests compares them on special and random values).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Act(Vector512<float> v, Activation a) => a switch
    {
        Activation.Relu => Vector512.Max(v, Vector512<float>.Zero),
        Activation.Relu6 => Vector512.Min(Vector512.Max(v, Vector512<float>.Zero), Vector512.Create(6f)),
        _ => v,
    };

    /// <summary>Applies a fused activation to <paramref name="span"/> in place.</summary>
    public static void Activate(Activation a, Span<float> span)
    {
        switch (a)
        {
            case Activation.Relu:
                TensorPrimitives.Max(span, 0f, span);
                break;
            case Activation.Relu6:
                TensorPrimitives.Max(span, 0f, span);
                TensorPrimitives.Min(span, 6f, span);
                break;
        }
    }

    /// <summary>Softmax over each row of <paramref name="classes"/> values of <paramref name="x"/> (one sample, NCHW order), in float32 after subtracting the row's maximum.</summary>
    public static void Softmax(ReadOnlySpan<float> x, int classes, Span<float> y)
    {
        for (int r = 0; r < x.Length; r += classes)
        {
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = MathF.Max(max, x[r + c]);
            }
            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                y[r + c] = MathF.Exp(x[r + c] - max);
                sum += y[r + c];
            }
            for (int c = 0; c < classes; c++)
            {
                y[r + c] /= sum;
            }
        }
    }

    /// <summary>
    /// y = a · b over <paramref name="length"/> values when b has a's size; otherwise b is [C, batch] (one value per
    /// channel and sample, from [1, C, 1, 1]) scaling each of a's [C, batch, inner] runs.
    /// </summary>
    public static void Mul(float[] a, float[] b, int length, int bLength, int channels, int batch, float[] y)
    {
        if (bLength == length)
        {
            TensorPrimitives.Multiply(a.AsSpan(0, length), b.AsSpan(0, length), y.AsSpan(0, length));
            return;
        }
        int inner = length / (channels * batch);
        for (int run = 0; run < channels * batch; run++)
        {
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(a, run * inner, inner), b[run], new Span<float>(y, run * inner, inner));
        }
    }

    /// <summary>y = x for x ≥ 0, alpha[c] · x otherwise, over [C, batch, inner].</summary>
    public static void PRelu(FloatNode n, float[] x, int channels, int perChannel, float[] y)
    {
        float[] alpha = n.Weight ?? throw new InvalidOperationException($"PRelu '{n.Name}' has no slopes");
        for (int c = 0; c < channels; c++)
        {
            float slope = alpha[c];
            int end = (c + 1) * perChannel;
            for (int i = c * perChannel; i < end; i++)
            {
                float v = x[i];
                y[i] = v >= 0 ? v : slope * v;
            }
        }
    }

    /// <summary>
    /// Max: maximum over the window's in-range taps (pads act as −inf). Average: sum of in-range taps divided by the
    /// number of in-range taps, or by the number of taps inside the padded input when CountIncludePad. Over
    /// <paramref name="planes"/> H×W planes (C·batch in the batch layout).
    /// </summary>
    public static void Pool(FloatNode n, float[] x, int planes, int h, int w, int oh, int ow, bool max, float[] y)
    {
        for (int ch = 0; ch < planes; ch++)
        {
            int plane = ch * h * w;
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int y0 = oy * n.StrideH - n.PadTop, x0 = ox * n.StrideW - n.PadLeft;
                    float acc = max ? float.NegativeInfinity : 0f;
                    int taps = 0, paddedTaps = 0;
                    for (int ky = 0; ky < n.KernelH; ky++)
                    {
                        int iy = y0 + ky;
                        for (int kx = 0; kx < n.KernelW; kx++)
                        {
                            int ix = x0 + kx;
                            if (iy >= -n.PadTop && iy < h + n.PadBottom && ix >= -n.PadLeft && ix < w + n.PadRight)
                            {
                                paddedTaps++;
                            }
                            if ((uint)iy < (uint)h && (uint)ix < (uint)w)
                            {
                                float v = x[plane + iy * w + ix];
                                acc = max ? MathF.Max(acc, v) : acc + v;
                                taps++;
                            }
                        }
                    }
                    y[(ch * oh + oy) * ow + ox] = max ? acc : acc / (n.CountIncludePad ? paddedTaps : taps);
                }
            }
        }
    }

    /// <summary>y[i] = mean of H·W plane i, for <paramref name="planes"/> planes (C·batch in the batch layout).</summary>
    public static void GlobalAveragePool(float[] x, int planes, int hw, float[] y)
    {
        for (int i = 0; i < planes; i++)
        {
            y[i] = TensorPrimitives.Sum(new ReadOnlySpan<float>(x, i * hw, hw)) / hw;
        }
    }
}
