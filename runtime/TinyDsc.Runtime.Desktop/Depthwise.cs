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
    private readonly bool _zmm;
    private readonly bool _pairs;
    private readonly int[] _chunkSource = Array.Empty<int>();
    private readonly byte[] _chunkMask = Array.Empty<byte>();

    public Depthwise(KernelPath path, ref ConvParams p, sbyte[] weights, int[] foldedBias, int[] multiplier, int[] shift)
    {
        _path = path;
        _weights = weights;
        int cout = p.OutputC;
        _taps = p.KernelH * p.KernelW;
        // Sixteen-channel vectors where a layer has more than eight channels (at eight or fewer, half the lanes would idle).
        _zmm = (path == KernelPath.Vector512 || path == KernelPath.Vnni512) && cout > 8;
        // Exactly eight channels: two neighbouring pixels per 16-lane vector (RunPairs, stride 1 along W).
        _pairs = (path == KernelPath.Vector512 || path == KernelPath.Vnni512) && cout == 8 && _taps == 9;
        _cp = Requantizer.Pad(cout, path == KernelPath.Vector128 ? 4 : path == KernelPath.Scalar ? 1 : _zmm ? 16 : 8);
        _wideRequant = path == KernelPath.Vector256 || Gemm.UsesVnni(path) || _zmm;
        _bias = new int[Requantizer.Pad(cout, 16)];
        Array.Copy(foldedBias, _bias, cout);
        Requant = new Requantizer(multiplier, shift, cout);
        if (_wideRequant && p.InputC > 0)
        {
            // Eight image channels at a time from one input load: chunk j's channel 8j + i holds input channel
            // (8j + i) / K, i.e. byte (8j + i) / K − (8j) / K of the load at (8j) / K (padding channels: any byte).
            int k = cout / p.InputC;
            _chunkSource = new int[_cp / 8];
            _chunkMask = new byte[_cp / 8 * 16];
            for (int j = 0; j < _cp / 8; j++)
            {
                _chunkSource[j] = 8 * j / k;
                for (int i = 0; i < 8; i++)
                {
                    int oc = Math.Min(8 * j + i, cout - 1);
                    _chunkMask[16 * j + i] = (byte)Math.Max(0, oc / k - _chunkSource[j]);
                }
            }
        }

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
        if (!_wideRequant || !ExpandWide(ref p, input, inOffset, image, rowStride, k))
        {
            ExpandScalar(ref p, input, inOffset, image, rowStride, k);
        }

        int[] offsets = ws.Ints(1, _taps);
        for (int ky = 0; ky < p.KernelH; ky++)
        {
            for (int kx = 0; kx < p.KernelW; kx++)
            {
                offsets[ky * p.KernelW + kx] = ky * p.DilationH * rowStride + kx * p.DilationW * cp;
            }
        }

        if (_pairs && p.StrideW == 1)
        {
            RunPairs(ref p, image, rowStride, offsets, output, outOffset);
            return;
        }

        if (_zmm)
        {
            RunWide512(ref p, image, rowStride, offsets, output, outOffset);
            return;
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

    /// <summary>Copies the input into the padded image (channel c·K + j ← input channel c), pixel by pixel.</summary>
    private void ExpandScalar(ref ConvParams p, sbyte[] input, int inOffset, sbyte[] image, int rowStride, int k)
    {
        int cp = _cp;
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
    }

    /// <summary>
    /// Copies the input into the padded image (channel c·K + j ← input channel c): whole rows when K = 1 and no channel
    /// padding, else eight image channels per shuffle (SSSE3 pshufb; byte by byte where a load would pass the end of the
    /// input array). False (nothing written) when the input lies outside its array: the caller's scalar copy runs (and
    /// throws).
    /// </summary>
    private bool ExpandWide(ref ConvParams p, sbyte[] input, int inOffset, sbyte[] image, int rowStride, int k)
    {
        int cin = p.InputC, cp = _cp, w = p.InputW;
        if ((long)inOffset + (long)p.InputH * w * cin > input.Length || inOffset < 0)
        {
            return false;
        }

        if (k == 1 && cp == cin)
        {
            for (int y = 0; y < p.InputH; y++)
            {
                Array.Copy(input, inOffset + y * w * cin, image, (y + p.PadTop) * rowStride + p.PadLeft * cp, w * cin);
            }

            return true;
        }

        ref byte src = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(input));
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(image));
        ref byte masks = ref MemoryMarshal.GetArrayDataReference(_chunkMask);
        int chunks = cp / 8;
        for (int y = 0; y < p.InputH; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int at = inOffset + (y * w + x) * cin;
                ref byte to = ref Unsafe.Add(ref dst, (y + p.PadTop) * rowStride + (x + p.PadLeft) * cp);
                if (at + _chunkSource[chunks - 1] + 16 > input.Length)
                {
                    // A 16-byte load would pass the end of the input array: this pixel byte by byte.
                    for (int c = 0; c < cin * k; c++)
                    {
                        Unsafe.Add(ref to, c) = Unsafe.Add(ref src, at + c / k);
                    }

                    continue;
                }

                ref byte from = ref Unsafe.Add(ref src, at);
                for (int j = 0; j < chunks; j++)
                {
                    Vector128<byte> v = Ssse3.Shuffle(Vector128.LoadUnsafe(ref from, (nuint)_chunkSource[j]), Vector128.LoadUnsafe(ref masks, (nuint)(16 * j)));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 8 * j), v.AsInt64().ToScalar());
                }
            }
        }

        return true;
    }

    /// <summary>
    /// AVX-512 (Vector512, Vnni512): RunWide on sixteen channels at a time over every output pixel, the block's weights and
    /// requantization constants loaded once (3×3: all nine weight vectors held), each pixel's sum requantized and
    /// stored at once (Requantizer.Store8).
    /// </summary>
    private void RunWide512(ref ConvParams p, sbyte[] image, int rowStride, int[] offsets, sbyte[] output, int outOffset)
    {
        int cout = p.OutputC, cp = _cp, taps = _taps, oh = p.OutputH, ow = p.OutputW;
        int rowStep = p.StrideH * rowStride, colStep = p.StrideW * cp;
        if ((long)(oh - 1) * rowStep + (long)(ow - 1) * colStep + offsets[taps - 1] + cp > image.Length
            || outOffset < 0 || (long)outOffset + (long)oh * ow * cout > output.Length)
        {
            throw new ArgumentException("depthwise outside its buffers");
        }

        ref byte img = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(image));
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(output));
        ref int w = ref MemoryMarshal.GetArrayDataReference(_wide);
        ref int off = ref MemoryMarshal.GetArrayDataReference(offsets);
        Vector512<int> zp = Vector512.Create(p.OutputZeroPoint), min = Vector512.Create(p.ActMin), max = Vector512.Create(p.ActMax);
        for (int c = 0; c < cp; c += 16)
        {
            Vector512<int> bias = Vector512.LoadUnsafe(ref _bias[c]);
            Requantizer.Block16 q = Requant.Constants16(c);
            int count = Math.Min(16, cout - c);
            if (taps == 9)
            {
                Vector512<int> w0 = Vector512.LoadUnsafe(ref w, (nuint)c), w1 = Vector512.LoadUnsafe(ref w, (nuint)(cp + c));
                Vector512<int> w2 = Vector512.LoadUnsafe(ref w, (nuint)(2 * cp + c)), w3 = Vector512.LoadUnsafe(ref w, (nuint)(3 * cp + c));
                Vector512<int> w4 = Vector512.LoadUnsafe(ref w, (nuint)(4 * cp + c)), w5 = Vector512.LoadUnsafe(ref w, (nuint)(5 * cp + c));
                Vector512<int> w6 = Vector512.LoadUnsafe(ref w, (nuint)(6 * cp + c)), w7 = Vector512.LoadUnsafe(ref w, (nuint)(7 * cp + c));
                Vector512<int> w8 = Vector512.LoadUnsafe(ref w, (nuint)(8 * cp + c));
                int o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5], o6 = offsets[6];
                int o7 = offsets[7], o8 = offsets[8];
                for (int oy = 0; oy < oh; oy++)
                {
                    ref byte row = ref Unsafe.Add(ref img, oy * rowStep + c);
                    ref byte o = ref Unsafe.Add(ref dst, outOffset + oy * ow * cout + c);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        ref byte a = ref Unsafe.Add(ref row, ox * colStep);
                        Vector512<int> s0 = Avx512F.Add(bias, Avx512F.MultiplyLow(Widen16(ref a, 0), w0));
                        Vector512<int> s1 = Avx512F.MultiplyLow(Widen16(ref a, o1), w1);
                        s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o2), w2));
                        s1 = Avx512F.Add(s1, Avx512F.MultiplyLow(Widen16(ref a, o3), w3));
                        s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o4), w4));
                        s1 = Avx512F.Add(s1, Avx512F.MultiplyLow(Widen16(ref a, o5), w5));
                        s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o6), w6));
                        s1 = Avx512F.Add(s1, Avx512F.MultiplyLow(Widen16(ref a, o7), w7));
                        s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o8), w8));
                        Requantizer.Store16(Avx512F.Add(s0, s1), q, zp, min, max, ref Unsafe.Add(ref o, ox * cout), count);
                    }
                }

                continue;
            }

            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    ref byte a = ref Unsafe.Add(ref img, oy * rowStep + ox * colStep + c);
                    Vector512<int> sum = bias;
                    for (int t = 0; t < taps; t++)
                    {
                        sum = Avx512F.Add(sum, Avx512F.MultiplyLow(Widen16(ref a, Unsafe.Add(ref off, t)), Vector512.LoadUnsafe(ref w, (nuint)(t * cp + c))));
                    }

                    Requantizer.Store16(sum, q, zp, min, max, ref Unsafe.Add(ref dst, outOffset + (oy * ow + ox) * cout + c), count);
                }
            }
        }
    }

    /// <summary>
    /// AVX-512, a 3×3 layer of exactly eight channels with stride 1 along W: pixels x and x + 1 are sixteen neighbouring
    /// bytes of the padded image (channel stride 8) and of the output, so one 16-lane vector sums both (weights and
    /// requantization constants repeated in both halves).
    /// </summary>
    private void RunPairs(ref ConvParams p, sbyte[] image, int rowStride, int[] offsets, sbyte[] output, int outOffset)
    {
        int oh = p.OutputH, ow = p.OutputW, rowStep = p.StrideH * rowStride;
        if (_cp != 8 || p.OutputC != 8 || (long)(oh - 1) * rowStep + (long)(ow - 1) * 8 + offsets[8] + 16 > image.Length
            || outOffset < 0 || (long)outOffset + (long)oh * ow * 8 > output.Length)
        {
            throw new ArgumentException("depthwise outside its buffers");
        }

        ref byte img = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(image));
        ref byte dst = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(output));
        ref int w = ref MemoryMarshal.GetArrayDataReference(_wide);
        Vector512<int> zp = Vector512.Create(p.OutputZeroPoint), min = Vector512.Create(p.ActMin), max = Vector512.Create(p.ActMax);
        Vector256<int> b8 = Vector256.LoadUnsafe(ref _bias[0]);
        Vector512<int> bias = Vector512.Create(b8, b8);
        Requantizer.Block16 q = Requant.Constants8Twice(0);
        Vector512<int> w0 = Twice(ref w, 0), w1 = Twice(ref w, 8), w2 = Twice(ref w, 16), w3 = Twice(ref w, 24), w4 = Twice(ref w, 32);
        Vector512<int> w5 = Twice(ref w, 40), w6 = Twice(ref w, 48), w7 = Twice(ref w, 56), w8 = Twice(ref w, 64);
        int o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5], o6 = offsets[6];
        int o7 = offsets[7], o8 = offsets[8];
        for (int oy = 0; oy < oh; oy++)
        {
            ref byte row = ref Unsafe.Add(ref img, oy * rowStep);
            ref byte o = ref Unsafe.Add(ref dst, outOffset + oy * ow * 8);
            for (int ox = 0; ox < ow; ox += 2)
            {
                ref byte a = ref Unsafe.Add(ref row, ox * 8);
                Vector512<int> s0 = Avx512F.Add(bias, Avx512F.MultiplyLow(Widen16(ref a, 0), w0));
                Vector512<int> s1 = Avx512F.MultiplyLow(Widen16(ref a, o1), w1);
                s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o2), w2));
                s1 = Avx512F.Add(s1, Avx512F.MultiplyLow(Widen16(ref a, o3), w3));
                s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o4), w4));
                s1 = Avx512F.Add(s1, Avx512F.MultiplyLow(Widen16(ref a, o5), w5));
                s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o6), w6));
                s1 = Avx512F.Add(s1, Avx512F.MultiplyLow(Widen16(ref a, o7), w7));
                s0 = Avx512F.Add(s0, Avx512F.MultiplyLow(Widen16(ref a, o8), w8));
                // The last pixel of an odd row: only its eight bytes are written (the other half read pad bytes).
                Requantizer.Store16(Avx512F.Add(s0, s1), q, zp, min, max, ref Unsafe.Add(ref o, ox * 8), ox + 1 < ow ? 16 : 8);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Twice(ref int w, int at)
    {
        Vector256<int> v = Vector256.LoadUnsafe(ref w, (nuint)at);
        return Vector512.Create(v, v);
    }

    /// <summary>Sixteen bytes at a + offset, sign-extended to int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Widen16(ref byte a, int offset) =>
        Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.Add(ref a, offset)).AsSByte());

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
