namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// int8 mean over H and W per channel, requantized to an output scale and zero point of its own (FORMAT.md,
    /// GlobalAveragePool with multiplier and shift blobs).
    ///
    /// Formula: acc[c] = Σ_{y,x} (q[y, x, c] − zpIn);
    ///   out[c] = clamp(zpOut + MultiplyByQuantizedMultiplier(acc[c], multiplier, shift), actMin, actMax),
    ///   where multiplier/shift encode M = s_in / (s_out · H·W) (the divisor is folded into M).
    /// Layout: input [H, W, C] (NHWC) at inputOffset, output [C] at outputOffset.
    /// Bound: |acc| ≤ H·W·255 and acc · 2^max(shift, 0) must stay below 2^31; the validator checks
    /// H·W·255·2^max(shift, 0) ≤ 2^31 − 1.
    /// </summary>
    public static class GlobalAveragePoolRequantized
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(
            int height, int width, int channels, int inputZeroPoint, int outputZeroPoint, int multiplier, int shift,
            int actMin, int actMax, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            int pixels = height * width;
            int end = inputOffset + pixels * channels;
            int offset = pixels * inputZeroPoint;
            for (int c = 0; c < channels; c++)
            {
                int sum = 0;
                for (int i = inputOffset + c; i < end; i += channels)
                {
                    sum += input[i];
                }

                int v = outputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(sum - offset, multiplier, shift);
                if (v < actMin)
                {
                    v = actMin;
                }

                if (v > actMax)
                {
                    v = actMax;
                }

                output[outputOffset + c] = (sbyte)v;
            }
        }
    }
}
