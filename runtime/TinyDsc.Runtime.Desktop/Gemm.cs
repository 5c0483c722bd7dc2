using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// An int8 layer as a matrix product: rows of K activations (one pixel of a 1×1 convolution, one im2col patch of a
/// dense convolution, the input of a fully connected layer) times the weights [N, K], plus the folded bias, in int32:
/// acc[n] = bias[n] + Σ_k a[k]·w[n, k]. Every path computes that sum exactly (products and partial sums stay far
/// inside int32 by the format's accumulator bound; int32 addition wraps the same in every order), so the accumulators
/// equal the device kernels' and requantization (Requantizer) gives their bytes.
///
/// Weights are packed once per layer for the path:
///  - Vector256 / Vector512: int16 pairs, B[k/2][n][k mod 2] (K padded to even, N to 8 or 16 lanes with zero weights);
///    each step broadcasts one activation pair (a[k], a[k+1]) and MultiplyAddAdjacent (vpmaddwd) adds
///    a[k]·w[n,k] + a[k+1]·w[n,k+1] to 8 or 16 output channels at once;
///  - Vector128: int32, B[k][n] (N padded to 4): one broadcast activation times 4 channels;
///  - Scalar: the weights as they are.
/// </summary>
internal sealed class Gemm
{
    public readonly int N;
    public readonly int K;
    public readonly int[] Bias;
    public readonly Requantizer Requant;
    private readonly KernelPath _path;
    private readonly int _np;
    private readonly sbyte[] _weights;
    private readonly short[] _pairs = Array.Empty<short>();
    private readonly int[] _wide = Array.Empty<int>();
    private readonly sbyte[] _quads = Array.Empty<sbyte>();
    private readonly int[] _biasU8 = Array.Empty<int>();
    private readonly bool _zmm;

    // foldedBias: acc's constant term per channel (null: none).
    public Gemm(KernelPath path, sbyte[] weights, int n, int k, int[] foldedBias, int[] multiplier, int[] shift)
    {
        _path = path;
        N = n;
        K = k;
        _weights = weights;
        _np = Requantizer.Pad(n, path == KernelPath.Vector512 || UsesVnni(path) ? 16 : path == KernelPath.Vector128 ? 4 : 8);
        Bias = new int[Requantizer.Pad(n, 16)];
        if (foldedBias != null)
        {
            Array.Copy(foldedBias, Bias, n);
        }

        Requant = new Requantizer(multiplier, shift, n);
        _zmm = path == KernelPath.Vnni512;
        if (UsesVnni(path))
        {
            // B[k/4][n][k mod 4] (zero past K and N); the bias takes −128·Σ_k w[n, k] because the activations go in as
            // a + 128 (unsigned bytes: vpdpbusd multiplies unsigned by signed bytes).
            Groups = (k + 3) / 4;
            _quads = new sbyte[Groups * _np * 4];
            _biasU8 = new int[_np];
            for (int c = 0; c < n; c++)
            {
                int sum = 0;
                for (int i = 0; i < k; i++)
                {
                    _quads[((i >> 2) * _np + c) * 4 + (i & 3)] = weights[c * k + i];
                    sum += weights[c * k + i];
                }

                _biasU8[c] = Bias[c] - 128 * sum;
            }
        }
        else if (path == KernelPath.Vector256 || path == KernelPath.Vector512)
        {
            int kp = (k + 1) / 2;
            _pairs = new short[kp * _np * 2];
            for (int c = 0; c < n; c++)
            {
                for (int i = 0; i < k; i++)
                {
                    _pairs[((i >> 1) * _np + c) * 2 + (i & 1)] = weights[c * k + i];
                }
            }
        }
        else if (path == KernelPath.Vector128)
        {
            _wide = new int[k * _np];
            for (int c = 0; c < n; c++)
            {
                for (int i = 0; i < k; i++)
                {
                    _wide[i * _np + c] = weights[c * k + i];
                }
            }
        }
    }

    /// <summary>True for the paths whose products run on AVX-VNNI (RowsVnni): Vnni and Vnni512.</summary>
    public static bool UsesVnni(KernelPath path) => path == KernelPath.Vnni || path == KernelPath.Vnni512;

    /// <summary>Vnni: groups of four activations per row (K rounded up to 4); the row stride of RowsVnni's input is at least 4·Groups.</summary>
    public readonly int Groups;

    /// <summary>
    /// Vnni: the whole product and its requantization. Row m is the K bytes at src[m·stride ..], each activation stored
    /// as a + 128 (a XOR 0x80; bytes past K may hold anything: their weights are 0); its N output bytes go to
    /// dest[destOffset + m·N ..]. Four rows × 16 channels per tile, so each weight load serves four rows; AVX-VNNI
    /// vpdpbusd adds four unsigned·signed byte products per int32 lane without saturation, so with the −128·Σw bias
    /// term the int32 sums are the device's (wrapping int32 addition is the same in any order).
    /// </summary>
    public void RowsVnni(byte[] src, int stride, int rows, sbyte[] dest, int destOffset, int zp, int min, int max)
    {
        if (rows <= 0)
        {
            return;
        }

        if (stride < 4 * Groups || (long)(rows - 1) * stride + 4L * Groups > src.Length || destOffset < 0
            || (long)destOffset + (long)rows * N > dest.Length)
        {
            throw new ArgumentException("product outside its buffers");
        }

        ref byte s = ref MemoryMarshal.GetArrayDataReference(src);
        ref byte d = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(dest));
        ref sbyte w = ref MemoryMarshal.GetArrayDataReference(_quads);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(_biasU8);
        Vector256<int> vzp = Vector256.Create(zp), vmin = Vector256.Create(min), vmax = Vector256.Create(max);
        Vector512<int> z0 = Vector512.Create(zp), z1 = Vector512.Create(min), z2 = Vector512.Create(max);
        int np = _np, n = N, groups = Groups, step = np * 4;
        for (int n0 = 0; n0 < np; n0 += 16)
        {
            Vector256<int> bias0 = Vector256.LoadUnsafe(ref bias, (nuint)n0), bias1 = Vector256.LoadUnsafe(ref bias, (nuint)(n0 + 8));
            Requantizer.Block8 q0 = Requant.Constants(n0), q1 = Requant.Constants(n0 + 8);
            Requantizer.Block16 z = _zmm ? Requant.Constants16(n0) : default;
            int count0 = Math.Min(8, n - n0), count1 = Math.Min(8, n - n0 - 8);
            for (int m0 = 0; m0 < rows; m0 += 4)
            {
                int valid = Math.Min(4, rows - m0);
                ref byte p0 = ref Unsafe.Add(ref s, m0 * stride);
                ref byte p1 = ref Unsafe.Add(ref s, (m0 + Math.Min(1, valid - 1)) * stride);
                ref byte p2 = ref Unsafe.Add(ref s, (m0 + Math.Min(2, valid - 1)) * stride);
                ref byte p3 = ref Unsafe.Add(ref s, (m0 + Math.Min(3, valid - 1)) * stride);
                Vector256<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
                ref sbyte wg = ref Unsafe.Add(ref w, n0 * 4);
                for (int g = 0; g < groups; g++)
                {
                    Vector256<sbyte> w0 = Vector256.LoadUnsafe(ref wg), w1 = Vector256.LoadUnsafe(ref wg, 32);
                    Vector256<byte> x0 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref p0, 4 * g))).AsByte();
                    Vector256<byte> x1 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref p1, 4 * g))).AsByte();
                    Vector256<byte> x2 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref p2, 4 * g))).AsByte();
                    Vector256<byte> x3 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref p3, 4 * g))).AsByte();
                    c00 = AvxVnni.MultiplyWideningAndAdd(c00, x0, w0);
                    c01 = AvxVnni.MultiplyWideningAndAdd(c01, x0, w1);
                    c10 = AvxVnni.MultiplyWideningAndAdd(c10, x1, w0);
                    c11 = AvxVnni.MultiplyWideningAndAdd(c11, x1, w1);
                    c20 = AvxVnni.MultiplyWideningAndAdd(c20, x2, w0);
                    c21 = AvxVnni.MultiplyWideningAndAdd(c21, x2, w1);
                    c30 = AvxVnni.MultiplyWideningAndAdd(c30, x3, w0);
                    c31 = AvxVnni.MultiplyWideningAndAdd(c31, x3, w1);
                    wg = ref Unsafe.Add(ref wg, step);
                }

                ref byte o = ref Unsafe.Add(ref d, destOffset + m0 * n + n0);
                if (_zmm)
                {
                    int count = count0 + Math.Max(0, count1);
                    Requantizer.Store16(Vector512.Create(c00, c01), z, z0, z1, z2, ref o, count);
                    if (valid > 1)
                    {
                        Requantizer.Store16(Vector512.Create(c10, c11), z, z0, z1, z2, ref Unsafe.Add(ref o, n), count);
                    }

                    if (valid > 2)
                    {
                        Requantizer.Store16(Vector512.Create(c20, c21), z, z0, z1, z2, ref Unsafe.Add(ref o, 2 * n), count);
                    }

                    if (valid > 3)
                    {
                        Requantizer.Store16(Vector512.Create(c30, c31), z, z0, z1, z2, ref Unsafe.Add(ref o, 3 * n), count);
                    }

                    continue;
                }

                Requantizer.Store8(c00, q0, vzp, vmin, vmax, ref o, count0);
                if (count1 > 0)
                {
                    Requantizer.Store8(c01, q1, vzp, vmin, vmax, ref Unsafe.Add(ref o, 8), count1);
                }

                if (valid < 2)
                {
                    continue;
                }

                o = ref Unsafe.Add(ref o, n);
                Requantizer.Store8(c10, q0, vzp, vmin, vmax, ref o, count0);
                if (count1 > 0)
                {
                    Requantizer.Store8(c11, q1, vzp, vmin, vmax, ref Unsafe.Add(ref o, 8), count1);
                }

                if (valid < 3)
                {
                    continue;
                }

                o = ref Unsafe.Add(ref o, n);
                Requantizer.Store8(c20, q0, vzp, vmin, vmax, ref o, count0);
                if (count1 > 0)
                {
                    Requantizer.Store8(c21, q1, vzp, vmin, vmax, ref Unsafe.Add(ref o, 8), count1);
                }

                if (valid < 4)
                {
                    continue;
                }

                o = ref Unsafe.Add(ref o, n);
                Requantizer.Store8(c30, q0, vzp, vmin, vmax, ref o, count0);
                if (count1 > 0)
                {
                    Requantizer.Store8(c31, q1, vzp, vmin, vmax, ref Unsafe.Add(ref o, 8), count1);
                }
            }
        }
    }

    /// <summary>acc[0..N) for the row a[offset..offset+K); acc needs at least Requantizer.Pad(N, 16) entries.</summary>
    public void Row(sbyte[] a, int offset, int[] acc)
    {
        switch (_path)
        {
            case KernelPath.Vector512:
                Row512(a, offset, acc);
                break;
            case KernelPath.Vector256:
                Row256(a, offset, acc);
                break;
            case KernelPath.Vector128:
                Row128(a, offset, acc);
                break;
            default:
                RowScalar(a, offset, acc);
                break;
        }
    }

    /// <summary>
    /// Copies rows of K int8 activations (src[srcOffset + m·K ..]) as unsigned a + 128 (XOR 0x80) to dst with row stride
    /// <paramref name="stride"/> ≥ K, zero bytes past K: RowsVnni's input.
    /// </summary>
    public static void ToUnsigned(sbyte[] src, int srcOffset, int rows, int k, byte[] dst, int stride)
    {
        if (srcOffset < 0 || (long)srcOffset + (long)rows * k > src.Length || (long)rows * stride > dst.Length || stride < k)
        {
            throw new ArgumentException("rows outside their buffers");
        }

        if (stride == k)
        {
            Flip(ref Unsafe.As<sbyte, byte>(ref src[srcOffset]), ref MemoryMarshal.GetArrayDataReference(dst), rows * k);
            return;
        }

        for (int m = 0; m < rows; m++)
        {
            Flip(ref Unsafe.As<sbyte, byte>(ref src[srcOffset + m * k]), ref dst[m * stride], k);
            dst.AsSpan(m * stride + k, stride - k).Clear();
        }
    }

    /// <summary>dst[i] = src[i] XOR 0x80 for i &lt; count (the caller has checked both ranges).</summary>
    public static void Flip(ref byte src, ref byte dst, int count)
    {
        int i = 0;
        Vector256<byte> top = Vector256.Create((byte)0x80);
        for (; i + 32 <= count; i += 32)
        {
            (Vector256.LoadUnsafe(ref src, (nuint)i) ^ top).StoreUnsafe(ref dst, (nuint)i);
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref dst, i) = (byte)(Unsafe.Add(ref src, i) ^ 0x80);
        }
    }

    /// <summary>
    /// Two rows at once (a[offset0..], a[offset1..] into acc0, acc1): on the Vector256 path each weight vector loaded
    /// serves both rows; the other paths run the rows one after the other. Same sums as two Row calls.
    /// </summary>
    public void Rows2(sbyte[] a, int offset0, int offset1, int[] acc0, int[] acc1)
    {
        if (_path != KernelPath.Vector256)
        {
            Row(a, offset0, acc0);
            Row(a, offset1, acc1);
            return;
        }

        if ((uint)offset0 > (uint)a.Length || a.Length - offset0 < K || (uint)offset1 > (uint)a.Length || a.Length - offset1 < K)
        {
            throw new ArgumentException("row outside the activations");
        }

        ref sbyte row0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), offset0);
        ref sbyte row1 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), offset1);
        ref short b = ref MemoryMarshal.GetArrayDataReference(_pairs);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(Bias);
        ref int dst0 = ref MemoryMarshal.GetArrayDataReference(acc0);
        ref int dst1 = ref MemoryMarshal.GetArrayDataReference(acc1);
        int np = _np, k = K, pairs = (K + 1) / 2;
        int n = 0;
        for (; n + 24 <= np; n += 24)
        {
            Vector256<int> b0 = Vector256.LoadUnsafe(ref bias, (nuint)n), b1 = Vector256.LoadUnsafe(ref bias, (nuint)(n + 8));
            Vector256<int> b2 = Vector256.LoadUnsafe(ref bias, (nuint)(n + 16));
            Vector256<int> c0 = b0, c1 = b1, c2 = b2, d0 = b0, d1 = b1, d2 = b2;
            for (int p = 0; p < pairs; p++)
            {
                Vector256<short> x = Vector256.Create(Pair(ref row0, 2 * p, k)).AsInt16();
                Vector256<short> y = Vector256.Create(Pair(ref row1, 2 * p, k)).AsInt16();
                ref short w = ref Unsafe.Add(ref b, (p * np + n) * 2);
                Vector256<short> w0 = Vector256.LoadUnsafe(ref w), w1 = Vector256.LoadUnsafe(ref w, 16), w2 = Vector256.LoadUnsafe(ref w, 32);
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(x, w0));
                d0 = Avx2.Add(d0, Avx2.MultiplyAddAdjacent(y, w0));
                c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(x, w1));
                d1 = Avx2.Add(d1, Avx2.MultiplyAddAdjacent(y, w1));
                c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(x, w2));
                d2 = Avx2.Add(d2, Avx2.MultiplyAddAdjacent(y, w2));
            }

            c0.StoreUnsafe(ref dst0, (nuint)n);
            c1.StoreUnsafe(ref dst0, (nuint)(n + 8));
            c2.StoreUnsafe(ref dst0, (nuint)(n + 16));
            d0.StoreUnsafe(ref dst1, (nuint)n);
            d1.StoreUnsafe(ref dst1, (nuint)(n + 8));
            d2.StoreUnsafe(ref dst1, (nuint)(n + 16));
        }

        for (; n < np; n += 8)
        {
            Vector256<int> c0 = Vector256.LoadUnsafe(ref bias, (nuint)n), d0 = c0;
            for (int p = 0; p < pairs; p++)
            {
                Vector256<short> w0 = Vector256.LoadUnsafe(ref b, (nuint)((p * np + n) * 2));
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Vector256.Create(Pair(ref row0, 2 * p, k)).AsInt16(), w0));
                d0 = Avx2.Add(d0, Avx2.MultiplyAddAdjacent(Vector256.Create(Pair(ref row1, 2 * p, k)).AsInt16(), w0));
            }

            c0.StoreUnsafe(ref dst0, (nuint)n);
            d0.StoreUnsafe(ref dst1, (nuint)n);
        }
    }

    private void RowScalar(sbyte[] a, int offset, int[] acc)
    {
        for (int c = 0; c < N; c++)
        {
            int sum = Bias[c];
            int w = c * K;
            for (int i = 0; i < K; i++)
            {
                sum += a[offset + i] * _weights[w + i];
            }

            acc[c] = sum;
        }
    }

    private void Row128(sbyte[] a, int offset, int[] acc)
    {
        ref int b = ref MemoryMarshal.GetArrayDataReference(_wide);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(Bias);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(acc);
        int np = _np;
        int n = 0;
        for (; n + 16 <= np; n += 16)
        {
            Vector128<int> c0 = Vector128.LoadUnsafe(ref bias, (nuint)n), c1 = Vector128.LoadUnsafe(ref bias, (nuint)(n + 4));
            Vector128<int> c2 = Vector128.LoadUnsafe(ref bias, (nuint)(n + 8)), c3 = Vector128.LoadUnsafe(ref bias, (nuint)(n + 12));
            for (int i = 0; i < K; i++)
            {
                Vector128<int> x = Vector128.Create((int)a[offset + i]);
                ref int w = ref Unsafe.Add(ref b, i * np + n);
                c0 += x * Vector128.LoadUnsafe(ref w);
                c1 += x * Vector128.LoadUnsafe(ref w, 4);
                c2 += x * Vector128.LoadUnsafe(ref w, 8);
                c3 += x * Vector128.LoadUnsafe(ref w, 12);
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
            c1.StoreUnsafe(ref dst, (nuint)(n + 4));
            c2.StoreUnsafe(ref dst, (nuint)(n + 8));
            c3.StoreUnsafe(ref dst, (nuint)(n + 12));
        }

        for (; n < np; n += 4)
        {
            Vector128<int> c0 = Vector128.LoadUnsafe(ref bias, (nuint)n);
            for (int i = 0; i < K; i++)
            {
                c0 += Vector128.Create((int)a[offset + i]) * Vector128.LoadUnsafe(ref b, (nuint)(i * np + n));
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
        }
    }

    /// <summary>Activations k and k+1 as one int32 of two int16 (the second 0 past K), broadcast by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Pair(ref sbyte a, int k, int count)
    {
        int lo = (ushort)(short)Unsafe.Add(ref a, k);
        return k + 1 < count ? lo | (Unsafe.Add(ref a, k + 1) << 16) : lo;
    }

    private void Row256(sbyte[] a, int offset, int[] acc)
    {
        if ((uint)offset > (uint)a.Length || a.Length - offset < K)
        {
            throw new ArgumentException("row outside the activations");
        }

        ref sbyte row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), offset);
        ref short b = ref MemoryMarshal.GetArrayDataReference(_pairs);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(Bias);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(acc);
        int np = _np, k = K, pairs = (K + 1) / 2;
        int n = 0;
        for (; n + 32 <= np; n += 32)
        {
            Vector256<int> c0 = Vector256.LoadUnsafe(ref bias, (nuint)n), c1 = Vector256.LoadUnsafe(ref bias, (nuint)(n + 8));
            Vector256<int> c2 = Vector256.LoadUnsafe(ref bias, (nuint)(n + 16)), c3 = Vector256.LoadUnsafe(ref bias, (nuint)(n + 24));
            for (int p = 0; p < pairs; p++)
            {
                Vector256<short> x = Vector256.Create(Pair(ref row, 2 * p, k)).AsInt16();
                ref short w = ref Unsafe.Add(ref b, (p * np + n) * 2);
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w)));
                c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w, 16)));
                c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w, 32)));
                c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w, 48)));
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
            c1.StoreUnsafe(ref dst, (nuint)(n + 8));
            c2.StoreUnsafe(ref dst, (nuint)(n + 16));
            c3.StoreUnsafe(ref dst, (nuint)(n + 24));
        }

        for (; n + 16 <= np; n += 16)
        {
            Vector256<int> c0 = Vector256.LoadUnsafe(ref bias, (nuint)n), c1 = Vector256.LoadUnsafe(ref bias, (nuint)(n + 8));
            for (int p = 0; p < pairs; p++)
            {
                Vector256<short> x = Vector256.Create(Pair(ref row, 2 * p, k)).AsInt16();
                ref short w = ref Unsafe.Add(ref b, (p * np + n) * 2);
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w)));
                c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w, 16)));
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
            c1.StoreUnsafe(ref dst, (nuint)(n + 8));
        }

        for (; n < np; n += 8)
        {
            Vector256<int> c0 = Vector256.LoadUnsafe(ref bias, (nuint)n);
            for (int p = 0; p < pairs; p++)
            {
                Vector256<short> x = Vector256.Create(Pair(ref row, 2 * p, k)).AsInt16();
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref b, (nuint)((p * np + n) * 2))));
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
        }
    }

    private void Row512(sbyte[] a, int offset, int[] acc)
    {
        if ((uint)offset > (uint)a.Length || a.Length - offset < K)
        {
            throw new ArgumentException("row outside the activations");
        }

        ref sbyte row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), offset);
        ref short b = ref MemoryMarshal.GetArrayDataReference(_pairs);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(Bias);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(acc);
        int np = _np, k = K, pairs = (K + 1) / 2;
        int n = 0;
        for (; n + 32 <= np; n += 32)
        {
            Vector512<int> c0 = Vector512.LoadUnsafe(ref bias, (nuint)n), c1 = Vector512.LoadUnsafe(ref bias, (nuint)(n + 16));
            for (int p = 0; p < pairs; p++)
            {
                Vector512<short> x = Vector512.Create(Pair(ref row, 2 * p, k)).AsInt16();
                ref short w = ref Unsafe.Add(ref b, (p * np + n) * 2);
                c0 = Avx512F.Add(c0, Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w)));
                c1 = Avx512F.Add(c1, Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w, 32)));
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
            c1.StoreUnsafe(ref dst, (nuint)(n + 16));
        }

        for (; n < np; n += 16)
        {
            Vector512<int> c0 = Vector512.LoadUnsafe(ref bias, (nuint)n);
            for (int p = 0; p < pairs; p++)
            {
                Vector512<short> x = Vector512.Create(Pair(ref row, 2 * p, k)).AsInt16();
                c0 = Avx512F.Add(c0, Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref b, (nuint)((p * np + n) * 2))));
            }

            c0.StoreUnsafe(ref dst, (nuint)n);
        }
    }
}
