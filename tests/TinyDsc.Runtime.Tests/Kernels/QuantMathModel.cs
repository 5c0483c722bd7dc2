using System.Numerics;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// The requantization math of docs/DESIGN.md "Quantization" written again with arbitrary-precision integers and the
/// rounding rules stated directly (no masks, no shifts of negative numbers), as the oracle for QuantMath.
/// </summary>
internal static class QuantMathModel
{
    private static readonly BigInteger Two31 = BigInteger.One << 31;

    public static int Srdhm(int a, int b)
    {
        BigInteger ab = (BigInteger)a * b;
        BigInteger nudge = ab >= 0 ? (BigInteger.One << 30) : 1 - (BigInteger.One << 30);
        BigInteger q = BigInteger.Divide(ab + nudge, Two31); // truncates toward zero
        return q > int.MaxValue ? int.MaxValue : (int)q;
    }

    /// <summary>x / 2^e, nearest integer, exact halves away from zero.</summary>
    public static int RoundingDivideByPot(int x, int e)
    {
        BigInteger d = BigInteger.One << e;
        BigInteger mag = BigInteger.Abs(x);
        BigInteger q = BigInteger.DivRem(mag, d, out BigInteger r);
        if (2 * r >= d)
        {
            q += 1;
        }

        return (int)(x < 0 ? -q : q);
    }

    public static int Mbqm(int acc, int multiplier, int shift)
    {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        // acc · 2^left as an int32 product that wraps modulo 2^32.
        int shifted = (int)(uint)(((BigInteger)acc << left) & uint.MaxValue);
        return RoundingDivideByPot(Srdhm(shifted, multiplier), right);
    }
}
