namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Prepare-time helper of the specialised convolutions: moves the input zero point out of the hot loop.
    /// Σ (q − zp_in)·w = Σ q·w − zp_in·Σ w, so with folded[c] = bias[c] − zp_in · Σ_taps w[c, ·] a kernel computes
    /// acc = folded[c] + Σ q·w, where padded taps read zp_in from a buffer filled with it. Equal to the reference
    /// accumulator modulo 2^32 for every input, hence bit-identical after requantization.
    /// </summary>
    public static class BiasFolding
    {
        /// <summary>
        /// folded[c] = (bias == null ? 0 : bias[c]) − inputZeroPoint · Σ weights[c·weightsPerChannel ..
        /// (c+1)·weightsPerChannel − 1], for c in 0..channels−1.
        /// </summary>
        public static void Fold(sbyte[] weights, int[] bias, int channels, int weightsPerChannel, int inputZeroPoint, int[] folded)
        {
            for (int c = 0; c < channels; c++)
            {
                int sum = 0;
                int start = c * weightsPerChannel;
                for (int i = 0; i < weightsPerChannel; i++)
                {
                    sum += weights[start + i];
                }

                folded[c] = (bias == null ? 0 : bias[c]) - inputZeroPoint * sum;
            }
        }
    }
}
