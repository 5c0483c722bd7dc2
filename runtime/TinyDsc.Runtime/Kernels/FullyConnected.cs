namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// int8 fully connected layer with per-output-channel requantization.
    ///
    /// Formula: acc[o] = bias[o] + Σ_{i &lt; inputLength} (in[i] − zp_in) · w[o, i];
    ///   out[o] = clamp(zp_out + MultiplyByQuantizedMultiplier(acc[o], multiplier[o], shift[o]), actMin, actMax).
    /// Layout: input [inputLength] (any tensor flattened in NHWC order), output [outputLength], weights
    /// [outputLength, inputLength] from index 0, bias (may be null) / multiplier / shift [outputLength].
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |acc − bias| ≤ inputLength·127·255 &lt; 2^31 for inputLength ≤ 66311.
    /// </summary>
    public static class FullyConnected
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(
            int inputLength,
            int outputLength,
            int inputZeroPoint,
            int outputZeroPoint,
            int actMin,
            int actMax,
            sbyte[] input,
            int inputOffset,
            sbyte[] weights,
            int[] bias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outputOffset)
        {
            int end = inputOffset + inputLength;
            for (int o = 0; o < outputLength; o++)
            {
                int acc = bias == null ? 0 : bias[o];
                int j = o * inputLength;
                for (int i = inputOffset; i < end; i++)
                {
                    acc += (input[i] - inputZeroPoint) * weights[j];
                    j++;
                }

                int v = outputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(acc, multiplier[o], shift[o]);
                if (v < actMin)
                {
                    v = actMin;
                }

                if (v > actMax)
                {
                    v = actMax;
                }

                output[outputOffset + o] = (sbyte)v;
            }
        }
    }
}
