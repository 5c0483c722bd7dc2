namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// int8 mean over H and W per channel, requantized to an output scale and zero point of its own (FORMAT.md,
    /// GlobalAveragePool with multiplier and shift blobs).
    ///
    /// Formula: acc[c] = Σ_{y,x} (q[y, x, c] − zpIn); r = MultiplyByQuantizedMultiplier(acc[c], multiplier, shift);
    ///   divisor 1 (FORMAT.md p0 = 0): M = s_in / (s_out · H·W), the divisor folded into M, out = r;
    ///   divisor H·W (p0 = 1, TFLite's int8 MEAN): M = s_in / s_out, then r = (r ± divisor / 2) / divisor (sign of r,
    ///   C division truncating toward zero: round half away from zero);
    ///   out[c] = clamp(zpOut + r, actMin, actMax).
    /// Layout: input [H, W, C] (NHWC) at inputOffset, output [C] at outputOffset.
    /// Bound: |acc| ≤ H·W·255 and acc · 2^max(shift, 0) must stay below 2^31, and so must |r| + divisor / 2; the
    /// validator checks H·W·255·2^max(shift, 0) ≤ 2^31 − 1, and H·W·(255·2^max(shift, 0) + 1) ≤ 2^31 − 1 when p0 = 1.
    /// </summary>
    public static class GlobalAveragePoolRequantized
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(
            int height, int width, int channels, int inputZeroPoint, int outputZeroPoint, int multiplier, int shift,
            int divisor, int actMin, int actMax, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            int half = divisor / 2;
            int pixels = height * width;
            int end = inputOffset + pixels * channels;
            int offset = pixels * inputZeroPoint;
            // Four pixels per pass (one load each, one add chain), then the pixels left over one by one.
            int quads = pixels / 4 * 4 * channels;
            int s2 = channels + channels;
            int s3 = s2 + channels;
            int s4 = s3 + channels;
            for (int c = 0; c < channels; c++)
            {
                int sum = 0;
                int i = inputOffset + c;
                int stop = i + quads;
                while (i < stop)
                {
                    sum += input[i] + input[i + channels] + input[i + s2] + input[i + s3];
                    i += s4;
                }

                while (i < end)
                {
                    sum += input[i];
                    i += channels;
                }

                int r = QuantMath.MultiplyByQuantizedMultiplier(sum - offset, multiplier, shift);
                if (divisor > 1)
                {
                    r = r > 0 ? (r + half) / divisor : (r - half) / divisor;
                }

                int v = outputZeroPoint + r;
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
