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

    public Depthwise(KernelPath path, ref ConvParams p, sbyte[] weights, int[] foldedBias, int[] multiplier, int[] shift)
    {
        _path = path;
        _weights = weights;
        int cout = p.OutputC;
        _taps = p.KernelH * p.KernelW;
        _cp = Requantizer.Pad(cout, path == KernelPath.Vector128 ? 4 : path == KernelPath.Scalar ? 1 : 8);
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
                        image.AsSpan(dst + c * k, k).Fill(input[src + c]);
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

        int[] acc = ws.Ints(0, Requantizer.Pad(cout, 16));
        bool avx2 = _path == KernelPath.Vector256 || _path == KernelPath.Vector512;
        for (int oy = 0; oy < p.OutputH; oy++)
        {
            for (int ox = 0; ox < p.OutputW; ox++)
            {
                int at = oy * p.StrideH * rowStride + ox * p.StrideW * cp;
                switch (_path)
                {
                    case KernelPath.Vector256:
                    case KernelPath.Vector512:
                        Pixel256(image, at, offsets, acc);
                        break;
                    case KernelPath.Vector128:
                        Pixel128(image, at, offsets, acc);
                        break;
                    default:
                        PixelScalar(image, at, offsets, acc, cout);
                        break;
                }

                Requant.Row(acc, output, outOffset + (oy * p.OutputW + ox) * cout, p.OutputZeroPoint, p.ActMin, p.ActMax, avx2);
            }
        }
    }

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

    private void Pixel256(sbyte[] image, int at, int[] offsets, int[] acc)
    {
        int cp = _cp, taps = _taps;
        if (at < 0 || at + offsets[taps - 1] + cp > image.Length)
        {
            throw new ArgumentException("tap outside the padded image");
        }

        ref byte img = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(image));
        ref int w = ref MemoryMarshal.GetArrayDataReference(_wide);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(_bias);
        ref int off = ref MemoryMarshal.GetArrayDataReference(offsets);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(acc);
        for (int c = 0; c < cp; c += 8)
        {
            Vector256<int> sum = Vector256.LoadUnsafe(ref bias, (nuint)c);
            for (int t = 0; t < taps; t++)
            {
                long eight = Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref img, at + Unsafe.Add(ref off, t) + c));
                Vector256<int> x = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(eight).AsSByte());
                sum = Avx2.Add(sum, Avx2.MultiplyLow(x, Vector256.LoadUnsafe(ref w, (nuint)(t * cp + c))));
            }

            sum.StoreUnsafe(ref dst, (nuint)c);
        }
    }
}
