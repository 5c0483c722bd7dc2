using System;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Fixed-point requantization (TFLite int8 scheme, docs/DESIGN.md "Quantization") and float/int8 conversion.
    /// Every kernel's arithmetic is defined by these functions; specialised kernels inline the same math and are
    /// tested bit for bit against kernels that call these.
    ///
    /// Real multiplier M = multiplier / 2^31 · 2^shift, multiplier in [2^30, 2^31 − 1] (or 0), shift in −31..30.
    /// All int32 arithmetic wraps modulo 2^32 (as on nanoCLR); nothing relies on overflow exceptions.
    /// </summary>
    public static class QuantMath
    {
        /// <summary>
        /// round(a · b / 2^31) as TFLite computes it: a nudge of +2^30 (a·b ≥ 0) or 1 − 2^30 (a·b &lt; 0), then
        /// division truncating toward zero. The one overflowing case, a = b = int.MinValue, saturates to int.MaxValue.
        /// </summary>
        public static int SaturatingRoundingDoublingHighMul(int a, int b)
        {
            if (a == int.MinValue && b == int.MinValue)
            {
                return int.MaxValue;
            }

            long ab = (long)a * b;
            long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
            return (int)((ab + nudge) / (1L << 31));
        }

        /// <summary>x / 2^exponent rounded to nearest, halves away from zero. exponent in 0..31.</summary>
        /// <exception cref="ArgumentException">exponent outside 0..31.</exception>
        public static int RoundingDivideByPOT(int x, int exponent)
        {
            if (exponent < 0 || exponent > 31)
            {
                throw new ArgumentException("exponent must be in 0..31, got " + exponent);
            }

            int mask = (int)((1L << exponent) - 1);
            int remainder = x & mask;
            int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
            return (x >> exponent) + (remainder > threshold ? 1 : 0);
        }

        /// <summary>
        /// acc · M with TFLite's double rounding: left = max(shift, 0), right = max(−shift, 0),
        /// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc · 2^left, multiplier), right).
        /// acc · 2^left is an int32 product and wraps modulo 2^32 (the accumulator bound keeps real layers far from it).
        /// </summary>
        /// <exception cref="ArgumentException">shift outside −31..30.</exception>
        public static int MultiplyByQuantizedMultiplier(int acc, int multiplier, int shift)
        {
            if (shift < -31 || shift > 30)
            {
                throw new ArgumentException("shift must be in -31..30, got " + shift);
            }

            int left = shift > 0 ? shift : 0;
            int right = shift > 0 ? 0 : -shift;
            return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc << left, multiplier), right);
        }

        /// <summary>
        /// Splits real ≥ 0 into multiplier · 2^(shift − 31): real = f · 2^shift with f in [0.5, 1),
        /// multiplier = round(f · 2^31) (halves up); if that is 2^31 it becomes 2^30 and shift + 1.
        /// real = 0, or real too small for shift ≥ −31, gives (0, 0).
        /// </summary>
        /// <exception cref="ArgumentException">real negative, not finite, or ≥ 2^30 (shift would exceed 30).</exception>
        public static void QuantizeMultiplier(double real, out int multiplier, out int shift)
        {
            if (!(real >= 0) || real > double.MaxValue)
            {
                throw new ArgumentException("multiplier must be finite and >= 0, got " + real);
            }

            multiplier = 0;
            shift = 0;
            if (real == 0)
            {
                return;
            }

            // Scaling by 2 is exact in binary floating point, so f is exactly real · 2^-s.
            double f = real;
            int s = 0;
            while (f >= 1.0)
            {
                f *= 0.5;
                s++;
            }

            while (f < 0.5)
            {
                f *= 2.0;
                s--;
            }

            // f · 2^31 has 31 integer bits and at most 22 fraction bits, so + 0.5 and truncation are exact.
            long q = (long)(f * 2147483648.0 + 0.5);
            if (q == (1L << 31))
            {
                q = 1L << 30;
                s++;
            }

            if (s < -31)
            {
                return;
            }

            if (s > 30)
            {
                throw new ArgumentException("multiplier " + real + " is too large: shift " + s + " exceeds 30");
            }

            multiplier = (int)q;
            shift = s;
        }

        /// <summary>
        /// q = clamp(round_half_away(x / scale) + zeroPoint, -128, 127). NaN maps to zeroPoint (real zero).
        /// </summary>
        public static sbyte Quantize(float x, float scale, int zeroPoint)
        {
            double v = (double)x / scale;

            // Clamp before converting so huge values and infinities cannot overflow the integer conversion;
            // NaN fails both comparisons of the first test.
            if (!(v >= -1000.0 && v <= 1000.0))
            {
                if (v > 1000.0)
                {
                    v = 1000.0;
                }
                else if (v < -1000.0)
                {
                    v = -1000.0;
                }
                else
                {
                    return (sbyte)zeroPoint;
                }
            }

            int r = v >= 0 ? (int)(v + 0.5) : -(int)(-v + 0.5);
            int q = r + zeroPoint;
            if (q < -128)
            {
                q = -128;
            }

            if (q > 127)
            {
                q = 127;
            }

            return (sbyte)q;
        }

        /// <summary>real = scale · (q − zeroPoint).</summary>
        public static float Dequantize(int q, float scale, int zeroPoint)
        {
            return scale * (q - zeroPoint);
        }

        /// <summary>n / d rounded to nearest, halves away from zero; d &gt; 0.</summary>
        public static int DivideRoundHalfAway(int n, int d)
        {
            return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
        }
    }
}
