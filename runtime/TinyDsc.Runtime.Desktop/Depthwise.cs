using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// Depthwise convolution of any kernel size, stride, dilation, padding and depth multiplier K (the device's
/// DepthwiseConv3x3, DepthwiseConv3x3Multiplier and DepthwiseConv), vectorized across output channels.
///
/// The input is first copied into a padded image whose pad pixels hold zp_in (the folded bias expects that) and whose
/// channel c·K + j holds input channel c (so output channel oc reads its own slot, multiplier or not), with the channel
/// stride rounded up to whole vectors. Then for each output pixel and each block of channels:
/// acc = foldedBias + Σ_taps image[tap] · w[tap], int8 widened to int32, weights repacked as int32 [tap][channel]
/// (zero in the padding channels). The sums are exact, so requantization gives the device's bytes.
/// </summary>
internal sealed class Depthwise
{
    public readonly Requantizer Requant;
    private readonly KernelPath _path;
    private readonly int _taps;
    private readonly int _cp;
    private readonly int[] _bias;
    private readonly int[] _wide;
    private readonly sbyte[] _weights;
    private readonly bool _wideRequant;

    public Depthwise(KernelPath path, ref ConvParams p, sbyte[] weights, int[] foldedBias, int[] multiplier, int[] shift)
    {
        _path = path;
        _weights = weights;
        int cout = p.OutputC;
        _taps = p.KernelH * p.KernelW;
        _cp = Requantizer.Pad(cout, path == KernelPath.Vector128 ? 4 : path == KernelPath.Scalar ? 1 : 8);
        _wideRequant = path == KernelPath.Vector256 || path == KernelPath.Vector512 || path == KernelPath.Vnni;
        _bias = new int[Requantizer.Pad(cout, 16)];
        Array.Copy(foldedBias, _bias, cout);
        Requant = new Requantizer(multiplier, shift, cout);
        _wide = new int[_taps * _cp];
        for (int c = 0; c < cout; c++)
        {
            for (int t = 0; t < _taps; t++)
            {
                _wide[t * _cp + c] = weights[c * _taps + t];
            }
        }
    }

    public void Run(ref ConvParams p, sbyte[] input, int inOffset, sbyte[] output, int outOffset, Workspace ws)
    {
        int cout = p.OutputC, k = cout / p.InputC, cp = _cp;
        int wp = p.InputW + p.PadLeft + p.PadRight, hp = p.InputH + p.PadTop + p.PadBottom;
        int rowStride = wp * cp;
        sbyte[] image = ws.Bytes(0, hp * rowStride + 16);
        image.AsSpan(0, hp * rowStride + 16).Fill((sbyte)p.InputZeroPoint);
        for (int y = 0; y < p.InputH; y++)
        {
            for (int x = 0; x < p.InputW; x++)
            {
                int src = inOffset + (y * p.InputW + x) * p.InputC;
                int dst = (y + p.PadTop) * rowStride + (x + p.PadLeft) * cp;
                if (k == 1)
                {
                    Array.Copy(input, src, image, dst, p.InputC);
                }
                else
                {
                    for (int c = 0; c < p.InputC; c++)
                    {
                        sbyte v = input[src + c];
                        for (int j = 0; j < k; j++)
                        {
                            image[dst + c * k + j] = v;
                        }
                    }
                }
            }
        }

        int[] offsets = ws.Ints(1, _taps);
        for (int ky = 0; ky < p.KernelH; ky++)
        {
            for (int kx = 0; kx < p.KernelW; kx++)
            {
                offsets[ky * p.KernelW + kx] = ky * p.DilationH * rowStride + kx * p.DilationW * cp;
            }
        }

        if (_wideRequant)
        {
            RunWide(ref p, image, rowStride, offsets, output, outOffset);
            return;
        }

        int[] acc = ws.Ints(0, Requantizer.Pad(cout, 16));
                for (int oy = 0; oy < p.OutputH; oy++)
        {
            for (int ox = 0; ox < p.OutputW; ox++)
            {
                int at = oy * p.StrideH * rowStride + ox * p.StrideW * cp;
                switch (_path)
                {
                    case KernelPath.Vector128:
                        Pixel128(image, at, offsets, acc);
                        break;
                    default:
                        PixelScalar(image, at, offsets, acc, cout);
                        break;
                }

                Requant.Row(acc, output, outOffset + (oy * p.OutputW + ox) * cout, p.OutputZeroPoint, p.ActMin, p.ActMax, false);
            }
        }
    }

    /// <summary>
    /// AVX2 (Vector256, Vector512, Vnni): eight channels at a time over every output pixel, the block's weights and
    /// requantization constants loaded once (3×3: all nine weight vectors held), each pixel's sum requantized and
    /// stored at once (Requantizer.Store8).
    /// </summary>
    private void RunWide(ref ConvParams p, sbyte[] image, int rowStride, int[] offsets, sbyte[] output, int outOffset)
    {
        int cout = p.OutputC, cp = _cp, taps = _taps, oh = p.OutputH, ow = p.OutputW;
        int rowStep = p.StrideH * rowStride, colStep = p.StrideW * cp;
        if ((long)(oh - 1) * rowStep + (long)(ow - 1) * colStep + offsets[taps - 1] + cp + 8 > image.Length
            || outOffset < 0 || (long)outOffset + (long)oh * ow * cout > output.Length)
        {
            throw new ArgumentException("depthwise outside its buffers");
        }

        ref byte img = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(image));
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(output));
        ref int w = ref MemoryMarshal.GetArrayDataReference(_wide);
        ref int off = ref MemoryMarshal.GetArrayDataReference(offsets);
        Vector256<int> zp = Vector256.Create(p.OutputZeroPoint), min = Vector256.Create(p.ActMin), max = Vector256.Create(p.ActMax);
        for (int c = 0; c < cp; c += 8)
        {
            Vector256<int> bias = Vector256.LoadUnsafe(ref _bias[c]);
            Requantizer.Block8 q = Requant.Constants(c);
            int count = Math.Min(8, cout - c);
            if (taps == 9)
            {
                Vector256<int> w0 = Vector256.LoadUnsafe(ref w, (nuint)c), w1 = Vector256.LoadUnsafe(ref w, (nuint)(cp + c));
                Vector256<int> w2 = Vector256.LoadUnsafe(ref w, (nuint)(2 * cp + c)), w3 = Vector256.LoadUnsafe(ref w, (nuint)(3 * cp + c));
                Vector256<int> w4 = Vector256.LoadUnsafe(ref w, (nuint)(4 * cp + c)), w5 = Vector256.LoadUnsafe(ref w, (nuint)(5 * cp + c));
                Vector256<int> w6 = Vector256.LoadUnsafe(ref w, (nuint)(6 * cp + c)), w7 = Vector256.LoadUnsafe(ref w, (nuint)(7 * cp + c));
                Vector256<int> w8 = Vector256.LoadUnsafe(ref w, (nuint)(8 * cp + c));
                int o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5], o6 = offsets[6];
                int o7 = offsets[7], o8 = offsets[8];
                for (int oy = 0; oy < oh; oy++)
                {
                    ref byte row = ref Unsafe.Add(ref img, oy * rowStep + c);
                    ref byte o = ref Unsafe.Add(ref dst, outOffset + oy * ow * cout + c);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        ref byte a = ref Unsafe.Add(ref row, ox * colStep);
                        Vector256<int> s0 = Avx2.Add(bias, Avx2.MultiplyLow(Widen(ref a, 0), w0));
                        Vector256<int> s1 = Avx2.MultiplyLow(Widen(ref a, o1), w1);
                        s0 = Avx2.Add(s0, Avx2.MultiplyLow(Widen(ref a, o2), w2));
                        s1 = Avx2.Add(s1, Avx2.MultiplyLow(Widen(ref a, o3), w3));
                        s0 = Avx2.Add(s0, Avx2.MultiplyLow(Widen(ref a, o4), w4));
                        s1 = Avx2.Add(s1, Avx2.MultiplyLow(Widen(ref a, o5), w5));
                        s0 = Avx2.Add(s0, Avx2.MultiplyLow(Widen(ref a, o6), w6));
                        s1 = Avx2.Add(s1, Avx2.MultiplyLow(Widen(ref a, o7), w7));
                        s0 = Avx2.Add(s0, Avx2.MultiplyLow(Widen(ref a, o8), w8));
                        Requantizer.Store8(Avx2.Add(s0, s1), q, zp, min, max, ref Unsafe.Add(ref o, ox * cout), count);
                    }
                }

                continue;
            }

            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    ref byte a = ref Unsafe.Add(ref img, oy * rowStep + ox * colStep + c);
                    Vector256<int> sum = bias;
                    for (int t = 0; t < taps; t++)
                    {
                        sum = Avx2.Add(sum, Avx2.MultiplyLow(Widen(ref a, Unsafe.Add(ref off, t)), Vector256.LoadUnsafe(ref w, (nuint)(t * cp + c))));
                    }

                    Requantizer.Store8(sum, q, zp, min, max, ref Unsafe.Add(ref dst, outOffset + (oy * ow + ox) * cout + c), count);
                }
            }
        }
    }

    /// <summary>Eight bytes at a + offset, sign-extended to int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen(ref byte a, int offset) =>
        Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref a, offset))).AsSByte());

    private void PixelScalar(sbyte[] image, int at, int[] offsets, int[] acc, int cout)
    {
        for (int c = 0; c < cout; c++)
        {
            int sum = _bias[c];
            for (int t = 0; t < _taps; t++)
            {
                sum += image[at + offsets[t] + c] * _weights[c * _taps + t];
            }

            acc[c] = sum;
        }
    }

    private void Pixel128(sbyte[] image, int at, int[] offsets, int[] acc)
    {
        ref int w = ref MemoryMarshal.GetArrayDataReference(_wide);
        for (int c = 0; c < _cp; c += 4)
        {
            Vector128<int> sum = Vector128.LoadUnsafe(ref _bias[c]);
            for (int t = 0; t < _taps; t++)
            {
                int i = at + offsets[t] + c;
                Vector128<int> x = Vector128.Create((int)image[i], image[i + 1], image[i + 2], image[i + 3]);
                sum += x * Vector128.LoadUnsafe(ref w, (nuint)(t * _cp + c));
            }

            sum.StoreUnsafe(ref acc[c]);
        }
    }
}
