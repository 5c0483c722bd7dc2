namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// QuantMath.MultiplyByQuantizedMultiplier plus output zero point and clamp, written in fewer IL instructions
    /// for the specialised kernels' per-output epilogue. Bit-identical to the QuantMath path for every int32 acc,
    /// every shift in −31..30 and every multiplier except int.MinValue (never a valid multiplier):
    /// <list type="bullet">
    /// <item>SRDHM without its saturation case is floor((acc·m + 2^30) / 2^31): for a·b &lt; 0 TFLite's nudge
    /// 1 − 2^30 followed by truncation toward zero lands on the same integer as flooring after + 2^30.</item>
    /// <item>Rounding divide by 2^r (r ≥ 1), halves away from zero, is floor((x + 2^(r−1) − [x &lt; 0]) / 2^r);
    /// for r = 0 the correction must vanish, hence the mask nm (−1 if r ≥ 1 else 0) on the sign term.</item>
    /// </list>
    /// The product fits in long: |acc·m| &lt; 2^62.
    /// </summary>
    public static class Requantize
    {
        /// <summary>clamp(zeroPoint + MultiplyByQuantizedMultiplier(acc, multiplier, shift), actMin, actMax), bit-identical to the QuantMath path.</summary>
        public static int Clamp(int acc, int multiplier, int shift, int zeroPoint, int actMin, int actMax)
        {
            int left = shift > 0 ? shift : 0;
            int right = shift > 0 ? 0 : -shift;
            long half = right > 0 ? 1L << (right - 1) : 0;
            long nm = right > 0 ? -1L : 0;
            long x = ((long)(acc << left) * multiplier + 0x40000000L) >> 31;
            int y = (int)((x + half + ((x >> 63) & nm)) >> right) + zeroPoint;
            if (y < actMin)
            {
                y = actMin;
            }

            if (y > actMax)
            {
                y = actMax;
            }

            return y;
        }
    }
}
