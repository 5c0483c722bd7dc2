using System;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>
/// TFLite Micro's int8 LOGISTIC as a 256-entry table for the runtime's Lookup op: the output of every int8 input,
/// computed with TFLM's arithmetic (its reference integer logistic, written here from the fixed-point algorithm it
/// uses, not copied). TFLM does not use a float lookup table for int8 logistic: it rescales the input to a Q4.27
/// fixed-point number (multiplier from s_in · 2^27 by frexp, input radius beyond which the output saturates) and
/// evaluates 1 / (1 + e^−x) in 32-bit fixed point (gemmlowp's logistic: a Taylor polynomial of e^x on [−1/4, 0), a
/// barrel shifter over the integer part, three Newton–Raphson steps for 1 / (1 + x)), then rounds the Q0.31 result to
/// 1/256 steps with output zero point −128.
/// </summary>
public static class TfliteLogistic
{
    private const int InputIntegerBits = 4;

    /// <summary>Table entry q + 128 = TFLM's int8 logistic of input q for an input of scale s_in, zero point zp_in.</summary>
    /// <exception cref="TfliteImportException">s_in so small or large that TFLM's input multiplier cannot be formed.</exception>
    public static sbyte[] Table(float inputScale, int inputZeroPoint, string where)
    {
        // TFLM's prepare: real = s_in · 2^27, (q, exponent) = frexp(real), multiplier = round(q · 2^31) half away.
        double real = (double)inputScale * (1 << (31 - InputIntegerBits));
        int exponent = 0;
        double f = real;
        while (f >= 1.0)
        {
            f *= 0.5;
            exponent++;
        }
        while (f < 0.5)
        {
            f *= 2.0;
            exponent--;
        }
        long multiplier = (long)Math.Round(f * 2147483648.0, MidpointRounding.AwayFromZero);
        if (multiplier >= 1L << 31 || exponent < 0 || exponent > 30)
        {
            throw new TfliteImportException($"{where}: input scale {inputScale:G9} is outside what TFLM's int8 logistic can rescale");
        }
        // CalculateInputRadius(4, exponent, 31): floor(15 · 2^27 / 2^exponent).
        int radius = (int)Math.Floor(15.0 * (1L << 27) / (1L << exponent));
        var table = new sbyte[256];
        for (int q = -128; q <= 127; q++)
        {
            int x = q - inputZeroPoint;
            int v;
            if (x <= -radius)
            {
                v = -128;
            }
            else if (x >= radius)
            {
                v = 127;
            }
            else
            {
                int q4 = QuantMath.MultiplyByQuantizedMultiplier(x, (int)multiplier, exponent);
                v = Math.Clamp(QuantMath.RoundingDivideByPOT(Logistic(q4, InputIntegerBits), 31 - 8) - 128, -128, 127);
            }
            table[q + 128] = (sbyte)v;
        }
        return table;
    }

    /// <summary>1 / (1 + e^−a) in Q0.31 for a raw Q(intBits) number a.</summary>
    internal static int Logistic(int a, int intBits)
    {
        if (a == 0)
        {
            return 1 << 30;
        }
        int magnitude = a > 0 ? a : -a;
        int positive = OneOverOnePlusX(ExpOfNegative(-magnitude, intBits));
        // One in Q0.31 is int.MaxValue (2^31 − 1).
        return a > 0 ? positive : int.MaxValue - positive;
    }

    /// <summary>e^a in Q0.31 for a ≤ 0 in Q(intBits).</summary>
    internal static int ExpOfNegative(int a, int intBits)
    {
        int fractionBits = 31 - intBits;
        int quarter = 1 << (fractionBits - 2);
        // a = (a mod 1/4 − 1/4) − remainder: the first part lies in [−1/4, 0), the remainder is a multiple of 1/4.
        int inQuarter = (a & (quarter - 1)) - quarter;
        int result = ExpOnQuarter(SaturatingShiftLeft(inQuarter, intBits));
        int remainder = inQuarter - a;
        // e^−(2^k) in Q0.31 for k = −2 .. 4, applied for each bit of the remainder.
        ReadOnlySpan<int> factors = stackalloc int[] { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
        for (int k = -2; k <= 4; k++)
        {
            if (intBits > k && (remainder & (1 << (fractionBits + k))) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, factors[k + 2]);
            }
        }
        if (intBits > 5 && a < -(1 << (36 - intBits)))
        {
            result = 0;
        }
        return a == 0 ? int.MaxValue : result;
    }

    /// <summary>e^a for a in [−1/4, 0), Q0.31 in and out: Taylor expansion around −1/8 to the fourth order.</summary>
    private static int ExpOnQuarter(int a)
    {
        const int expMinusOneEighth = 1895147668;
        const int oneThird = 715827883;
        int x = a + (1 << 28);
        int x2 = Mul(x, x);
        int x3 = Mul(x2, x);
        int x4 = Mul(x2, x2);
        int x4Over4 = QuantMath.RoundingDivideByPOT(x4, 2);
        int series = QuantMath.RoundingDivideByPOT(Mul(x4Over4 + x3, oneThird) + x2, 1);
        return expMinusOneEighth + Mul(expMinusOneEighth, x + series);
    }

    /// <summary>1 / (1 + a) for a in (0, 1], Q0.31 in and out: Newton–Raphson on the half denominator in Q2.29.</summary>
    private static int OneOverOnePlusX(int a)
    {
        long sum = (long)a + int.MaxValue;
        int halfDenominator = (int)((sum + (sum >= 0 ? 1 : -1)) / 2);
        const int fortyEightOver17 = 1515870810;       // Q2.29
        const int minusThirtyTwoOver17 = -1010580540;  // Q2.29
        const int oneQ2 = 1 << 29;
        int x = fortyEightOver17 + Mul(halfDenominator, minusThirtyTwoOver17);
        for (int i = 0; i < 3; i++)
        {
            int product = Mul(halfDenominator, x);                       // Q2.29
            x += SaturatingShiftLeft(Mul(x, oneQ2 - product), 2);        // Q4.27 → Q2.29
        }
        // x / 2 in Q1.30 is the same raw value; back to Q0.31.
        return SaturatingShiftLeft(x, 1);
    }

    private static int Mul(int a, int b) => QuantMath.SaturatingRoundingDoublingHighMul(a, b);

    private static int SaturatingShiftLeft(int x, int amount)
    {
        int threshold = (1 << (31 - amount)) - 1;
        return x > threshold ? int.MaxValue : x < -threshold ? int.MinValue : x << amount;
    }
}
