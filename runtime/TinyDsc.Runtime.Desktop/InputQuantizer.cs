using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// QuantMath.Quantize (what Interpreter.SetInput(float[]) applies to every input value) four values at a time with
/// AVX2 doubles: v = (double)x / scale, clamped to ±1000 (NaN gives the zero point), rounded half away from zero by
/// truncating |v| + 0.5, plus the zero point, clamped to int8. Each step is the scalar one's IEEE operation on the same
/// doubles, so the bytes are the same; without AVX2 it calls QuantMath.Quantize.
/// </summary>
public static class InputQuantizer
{
    /// <summary>dest[destOffset + i] = QuantMath.Quantize(src[srcOffset + i], scale, zeroPoint) for i &lt; count.</summary>
    public static void Quantize(float[] src, int srcOffset, int count, float scale, int zeroPoint, sbyte[] dest, int destOffset)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dest);
        if (count < 0 || srcOffset < 0 || destOffset < 0 || (long)srcOffset + count > src.Length || (long)destOffset + count > dest.Length)
        {
            throw new ArgumentException("Quantize: range outside the arrays");
        }

        int i = 0;
        if (Avx2.IsSupported)
        {
            ref float s = ref MemoryMarshal.GetArrayDataReference(src);
            ref sbyte d = ref MemoryMarshal.GetArrayDataReference(dest);
            Vector256<double> vscale = Vector256.Create((double)scale), lo = Vector256.Create(-1000.0), hi = Vector256.Create(1000.0);
            Vector256<double> half = Vector256.Create(0.5), signBit = Vector256.Create(-0.0);
            Vector128<int> zp = Vector128.Create(zeroPoint), min = Vector128.Create(-128), max = Vector128.Create(127);
            for (; i + 4 <= count; i += 4)
            {
                Vector256<double> v = Avx.Divide(Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref s, (nuint)(srcOffset + i))), vscale);
                Vector256<double> c = Avx.Min(Avx.Max(v, lo), hi);
                Vector128<int> t = Avx.ConvertToVector128Int32WithTruncation(Avx.Add(Avx.AndNot(signBit, c), half));
                Vector128<int> r = Narrow(Avx.CompareLessThan(c, Vector256<double>.Zero));
                Vector128<int> rounded = Sse2.Subtract(Sse2.Xor(t, r), r);
                Vector128<int> q = Sse41.Min(Sse41.Max(Sse2.Add(rounded, zp), min), max);
                q = Sse41.BlendVariable(q, zp, Narrow(Avx.CompareUnordered(v, v)));
                Vector128<short> w = Sse2.PackSignedSaturate(q, q);
                Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref d, destOffset + i)),
                    Sse2.PackSignedSaturate(w, w).AsInt32().ToScalar());
            }
        }

        for (; i < count; i++)
        {
            dest[destOffset + i] = QuantMath.Quantize(src[srcOffset + i], scale, zeroPoint);
        }
    }

    /// <summary>A 4 × 64-bit all-ones/zero mask as 4 × 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Narrow(Vector256<double> mask)
    {
        // Each 64-bit lane is all ones or all zeros: vcvtpd2dq of the mask reads NaN (−1 as int64 bits) as the
        // "integer indefinite" 0x80000000, and 0 as 0; an arithmetic shift spreads the top bit.
        return Sse2.ShiftRightArithmetic(Avx.ConvertToVector128Int32WithTruncation(mask), 31);
    }
}
