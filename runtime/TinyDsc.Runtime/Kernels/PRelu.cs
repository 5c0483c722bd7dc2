namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Parametric ReLU, int8 NHWC (FORMAT.md op 20; TFLite's int8 PRELU, reference BroadcastPrelu4DSlow), one alpha per
    /// channel.
    ///
    /// Formula, per element k (channel c = k mod C), x = in[k] − zp_in:
    ///   x ≥ 0: r = MBQM(x, multiplier1, shift1),                     M1 = s_in / s_out;
    ///   x &lt; 0: r = MBQM(x · (alpha[c] − zp_alpha), multiplier2, shift2), M2 = s_in · s_alpha / s_out;
    ///   out[k] = clamp(zp_out + r, −128, 127).
    /// Layout: in and out `count` elements (NHWC, channels last), alpha C entries, count a multiple of C.
    /// Ranges: values and zero points −128..127, alpha −128..127 (its own zero point; the converter writes symmetric
    /// alphas, zero point 0). Bounds: |x| ≤ 255 shifted left by max(shift1, 0): shift1 ≤ 23; |x · (alpha − zp_alpha)|
    /// ≤ 255 · 255 = 65025 shifted left by max(shift2, 0): shift2 ≤ 15 (the validator's rules).
    /// </summary>
    public static class PRelu
    {
        /// <summary>Applies the formula to count elements; ArgumentException when alpha does not hold C ≥ 1 values or count is not a multiple of C.</summary>
        public static void Run(
            int count, sbyte[] alpha, int inputZeroPoint, int alphaZeroPoint, int outputZeroPoint,
            int multiplier1, int shift1, int multiplier2, int shift2,
            sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            int channels = alpha == null ? 0 : alpha.Length;
            if (channels < 1 || count % channels != 0)
            {
                throw new System.ArgumentException("PRelu: count " + count + " is not a multiple of the " + channels + " alpha values");
            }

            int i = inputOffset;
            int o = outputOffset;
            int end = inputOffset + count;
            while (i < end)
            {
                for (int c = 0; c < channels; c++)
                {
                    int x = input[i] - inputZeroPoint;
                    int v = x >= 0
                        ? QuantMath.MultiplyByQuantizedMultiplier(x, multiplier1, shift1)
                        : QuantMath.MultiplyByQuantizedMultiplier(x * (alpha[c] - alphaZeroPoint), multiplier2, shift2);
                    v += outputZeroPoint;
                    if (v < -128)
                    {
                        v = -128;
                    }

                    if (v > 127)
                    {
                        v = 127;
                    }

                    output[o] = (sbyte)v;
                    i++;
                    o++;
                }
            }
        }
    }
}
