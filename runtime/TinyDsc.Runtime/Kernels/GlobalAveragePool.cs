namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// int8 mean over H and W per channel; the output keeps the input's scale and zero point.
    ///
    /// Formula: out[c] = clamp(round_half_away(Σ_{y,x} q[y, x, c] / (H·W)), actMin, actMax).
    /// Layout: input [H, W, C] (NHWC) at inputOffset, output [C] at outputOffset.
    /// Bound: |sum| ≤ H·W·128 &lt; 2^31 for H·W &lt; 2^24.
    /// </summary>
    public static class GlobalAveragePool
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(
            int height, int width, int channels, int actMin, int actMax, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            int pixels = height * width;
            int end = inputOffset + pixels * channels;
            for (int c = 0; c < channels; c++)
            {
                int sum = 0;
                for (int i = inputOffset + c; i < end; i += channels)
                {
                    sum += input[i];
                }

                int v = QuantMath.DivideRoundHalfAway(sum, pixels);
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
