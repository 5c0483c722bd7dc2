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

    // foldedBias: acc's constant term per channel (null: none).
    public Gemm(KernelPath path, sbyte[] weights, int n, int k, int[] foldedBias, int[] multiplier, int[] shift)
    {
        _path = path;
        N = n;
        K = k;
        _weights = weights;
        _np = Requantizer.Pad(n, path == KernelPath.Vector512 ? 16 : path == KernelPath.Vector128 ? 4 : 8);
        Bias = new int[Requantizer.Pad(n, 16)];
        if (foldedBias != null)
        {
            Array.Copy(foldedBias, Bias, n);
        }

        Requant = new Requantizer(multiplier, shift, n);
        if (path == KernelPath.Vector256 || path == KernelPath.Vector512)
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
