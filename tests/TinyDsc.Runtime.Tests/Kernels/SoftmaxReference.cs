using System;
using System.Numerics;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// The plain definition the Softmax kernel is tested against, written from TFLite's reference integer softmax and
/// gemmlowp's FixedPoint class rather than from the kernel: values carry their integer-bit count (<see cref="Fx"/>),
/// products add integer bits, <see cref="Fx.Rescale"/> converts between formats, and every constant is computed from
/// the real number it stands for (round(v · 2^fractional bits), gemmlowp's checked constants) instead of being typed
/// in. Rounding primitives are stated directly on exact integers (Int128 / long), not with gemmlowp's masks:
/// SRDHM = floor((a·b + 2^30) / 2^31) saturated, RoundingDivideByPOT = round half away from zero, for any exponent.
/// Same signature as Softmax.Run; allocates freely (tests only, never on the device).
/// </summary>
public static class SoftmaxReference
{
    /// <summary>A gemmlowp FixedPoint&lt;int32, IntBits&gt;: real value Raw / 2^(31 − IntBits).</summary>
    public readonly record struct Fx(int Raw, int IntBits)
    {
        public static Fx Constant(double value, int intBits)
        {
            double scaled = Math.Round(value * Math.Pow(2, 31 - intBits), MidpointRounding.AwayFromZero);
            return new Fx((int)Math.Clamp(scaled, int.MinValue, int.MaxValue), intBits);
        }

        /// <summary>1.0: int.MaxValue for 0 integer bits (1 is not representable), else 2^(31 − IntBits).</summary>
        public static Fx One(int intBits) => new(intBits == 0 ? int.MaxValue : 1 << (31 - intBits), intBits);

        public static Fx operator +(Fx a, Fx b) => new(unchecked(a.Raw + Same(a, b).Raw), a.IntBits);

        public static Fx operator -(Fx a, Fx b) => new(unchecked(a.Raw - Same(a, b).Raw), a.IntBits);

        public static Fx operator *(Fx a, Fx b) => new(Srdhm(a.Raw, b.Raw), a.IntBits + b.IntBits);

        /// <summary>The same real value with dstBits integer bits: raw · 2^(IntBits − dstBits), saturated or rounded.</summary>
        public Fx Rescale(int dstBits) => new(MulByPot(Raw, IntBits - dstBits), dstBits);

        private static Fx Same(Fx a, Fx b) => a.IntBits == b.IntBits ? b : throw new InvalidOperationException($"Q{a.IntBits} + Q{b.IntBits}");
    }

    /// <summary>round(a·b / 2^31), halves up, saturated (only a = b = int.MinValue leaves the int32 range).</summary>
    public static int Srdhm(int a, int b)
    {
        Int128 n = (Int128)a * b + ((Int128)1 << 30);
        Int128 unit = (Int128)1 << 31;
        Int128 remainder = ((n % unit) + unit) % unit;   // n mod 2^31 in [0, 2^31): n − remainder divides exactly
        Int128 q = (n - remainder) / unit;
        return q > int.MaxValue ? int.MaxValue : (int)q;
    }

    /// <summary>x / 2^e rounded to nearest, halves away from zero; any e ≥ 0 (exact in long).</summary>
    public static int RoundingDivide(int x, int e)
    {
        long magnitude = Math.Abs((long)x);
        long q = (magnitude + (1L << e >> 1)) >> e;
        return (int)(x < 0 ? -q : q);
    }

    /// <summary>x · 2^e: saturated to int32 for e &gt; 0, RoundingDivide for e &lt; 0.</summary>
    public static int MulByPot(int x, int e)
    {
        if (e >= 0)
        {
            return (int)Math.Clamp((long)x << e, int.MinValue, int.MaxValue);
        }

        return RoundingDivide(x, -e);
    }

    /// <summary>exp(y) for y in [−1/4, 0), Q0.31: exp(−1/8) · (1 + x + x²/2 + x³/6 + x⁴/24) with x = y + 1/8.</summary>
    public static Fx ExpOnQuarterInterval(Fx y)
    {
        Fx c = Fx.Constant(Math.Exp(-1.0 / 8.0), 0);
        Fx third = Fx.Constant(1.0 / 3.0, 0);
        Fx x = y + Fx.Constant(1.0 / 8.0, 0);
        Fx x2 = x * x;
        Fx x3 = x2 * x;
        Fx x4 = x2 * x2;
        Fx x4Over4 = new(MulByPot(x4.Raw, -2), 0);
        Fx tail = new(MulByPot((((x4Over4 + x3) * third) + x2).Raw, -1), 0);
        return c + (c * (x + tail));
    }

    /// <summary>exp(a) for a ≤ 0 in Q5.26, as gemmlowp's exp_on_negative_values: the quarter-interval polynomial times exp(−2^k) for each whole power in −a.</summary>
    public static Fx ExpOnNegative(Fx a)
    {
        if (a.IntBits != 5)
        {
            throw new ArgumentException("Q5.26 expected");
        }

        int fractional = 26;
        int quarter = 1 << (fractional - 2);
        var reduced = new Fx((a.Raw & (quarter - 1)) - quarter, 5);   // a mod 1/4 − 1/4
        Fx result = ExpOnQuarterInterval(reduced.Rescale(0));
        int remainder = reduced.Raw - a.Raw;
        for (int k = -2; k <= 4; k++)
        {
            if ((remainder & (1 << (fractional + k))) != 0)
            {
                result *= Fx.Constant(Math.Exp(-Math.Pow(2, k)), 0);
            }
        }

        return a.Raw == 0 ? Fx.One(0) : result;
    }

    /// <summary>1 / (1 + a) for a in [0, 1) (Q0.31): Newton–Raphson on the half denominator, three steps, in Q2.29.</summary>
    public static Fx OneOverOnePlus(Fx a)
    {
        long sum = (long)a.Raw + Fx.One(0).Raw;
        var half = new Fx((int)((sum + Math.Sign(sum)) / 2), 0);
        Fx x = Fx.Constant(48.0 / 17.0, 2) + (half * Fx.Constant(-32.0 / 17.0, 2));
        for (int i = 0; i < 3; i++)
        {
            Fx oneMinus = Fx.One(2) - (half * x);
            x += (x * oneMinus).Rescale(2);
        }

        return new Fx(x.Raw, 1).Rescale(0);   // x / 2 reinterpreted, then back to Q0.31
    }

    /// <summary>TFLite's CalculateInputRadius(5, leftShift) in double, floored.</summary>
    public static int InputRadius(int leftShift) => (int)Math.Floor(31.0 * Math.Pow(2, 26) / Math.Pow(2, leftShift));

    /// <summary>As Softmax.Run: TFLite's reference int8 softmax over rows of depth values.</summary>
    public static void Run(int rows, int depth, int multiplier, int leftShift, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
    {
        int diffMin = -InputRadius(leftShift);
        for (int r = 0; r < rows; r++)
        {
            int baseIn = inputOffset + r * depth;
            int max = sbyte.MinValue;
            for (int c = 0; c < depth; c++)
            {
                max = Math.Max(max, input[baseIn + c]);
            }

            Fx Exp(int c)
            {
                int diff = input[baseIn + c] - max;
                int rescaled = Srdhm(unchecked((int)((long)diff << leftShift)), multiplier);
                return ExpOnNegative(new Fx(rescaled, 5));
            }

            var sum = new Fx(0, 12);
            for (int c = 0; c < depth; c++)
            {
                if (input[baseIn + c] - max >= diffMin)
                {
                    sum += Exp(c).Rescale(12);
                }
            }

            int headroom = BitOperations.LeadingZeroCount((uint)sum.Raw);
            int bitsOverUnit = 12 - headroom;
            Fx scale = OneOverOnePlus(new Fx(unchecked((int)(((uint)sum.Raw << headroom) - (1u << 31))), 0));
            for (int c = 0; c < depth; c++)
            {
                int v = sbyte.MinValue;
                if (input[baseIn + c] - max >= diffMin)
                {
                    v = RoundingDivide((scale * Exp(c)).Raw, bitsOverUnit + 31 - 8) + sbyte.MinValue;
                }

                output[outputOffset + r * depth + c] = (sbyte)Math.Clamp(v, sbyte.MinValue, sbyte.MaxValue);
            }
        }
    }

    /// <summary>
    /// TFLite's PreprocessSoftmaxScaling(beta = 1, s_in, 5): M = min(s_in · 2^26, 2^31 − 1) in double, then
    /// QuantizeMultiplierGreaterThanOne via frexp (M = f · 2^shift, f in [0.5, 1), multiplier = round(f · 2^31)).
    /// </summary>
    public static (int Multiplier, int LeftShift) Scaling(float inputScale)
    {
        double real = Math.Min((double)inputScale * (1 << 26), (1L << 31) - 1.0);
        int shift = Math.ILogB(real) + 1;
        double f = Math.ScaleB(real, -shift);
        long q = (long)Math.Round(f * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31)
        {
            q /= 2;
            shift++;
        }

        return ((int)q, shift);
    }
}
