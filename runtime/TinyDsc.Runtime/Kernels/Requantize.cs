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
    ///
    /// The specialised kernels' inner loops use a one-step form for shift ≤ 0 (r = −shift, R = 31 + r), with per-channel
    /// constants from <see cref="OneStepNudge"/>: y = floor((acc·m + k) / 2^R) + zeroPoint, k = kNeg when acc &lt; 0
    /// else kPos, kPos = 2^30 + 2^(30+r) (2^30 alone when r = 0) and kNeg = kPos − 2^31 (kPos when r = 0). Why it is
    /// the same integer: with c = 2^(r−1) − [x &lt; 0], floor((floor(A / 2^31) + c) / 2^r) = floor((A + c·2^31) / 2^R)
    /// for A = acc·m + 2^30 (nested floor division by positive integers); and [x &lt; 0] may be read as [acc &lt; 0]
    /// because m ≥ 0 makes x ≥ 0 for acc ≥ 0, while for acc &lt; 0 the two differ only when x = 0, where
    /// floor((2^(r−1) − δ) / 2^r) = 0 for δ = 0 and δ = 1 alike. For shift &gt; 0 the same form with R = 31,
    /// k = 2^30, applies to acc·2^shift (wrapping in int32 like acc &lt;&lt; left). |acc·m + k| &lt; 2^62 + 2^61 + 2^30.
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

        /// <summary>
        /// Per-channel shifts as the kernels take them, one byte each (a shift is −31..30, which ModelValidator checks
        /// on load): a new array, so the int array can be collected with its Model.
        /// </summary>
        public static sbyte[] NarrowShifts(int[] shift)
        {
            var narrow = new sbyte[shift.Length];
            for (int i = 0; i < shift.Length; i++)
            {
                narrow[i] = (sbyte)shift[i];
            }

            return narrow;
        }

        /// <summary>The one-byte shifts back as int32 each, the form the native kernels (tdsc_run) take.</summary>
        public static int[] WidenShifts(sbyte[] shift)
        {
            var wide = new int[shift.Length];
            for (int i = 0; i < shift.Length; i++)
            {
                wide[i] = shift[i];
            }

            return wide;
        }

        /// <summary>
        /// The constant k of the one-step form (class summary) for a channel's shift: for acc &lt; 0 when
        /// <paramref name="negative"/>, else for acc ≥ 0. Kernels compute it once per channel.
        /// </summary>
        public static long OneStepNudge(int shift, bool negative)
        {
            if (shift >= 0)
            {
                return 0x40000000L;
            }

            long k = 0x40000000L + (1L << (30 - shift));
            return negative ? k - 0x80000000L : k;
        }
    }
}
