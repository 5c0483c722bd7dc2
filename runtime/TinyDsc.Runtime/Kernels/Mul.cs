namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Element-wise int8 multiply (TFLite's int8 MUL), of two tensors of the same shape or, for squeeze-and-excite,
    /// of an NHWC tensor by one value per channel ([1, H, W, C] × [1, 1, 1, C], PyTorch's [N, C, H, W] × [N, C, 1, 1]).
    ///
    /// Formula, per element k of in0 (channel c = k mod C):
    ///   p = (in0[k] − zp0) · (in1[j] − zp1) with j = k (same shape) or j = c (broadcast),
    ///   out[k] = clamp(zpOut + MBQM(p, multiplier, shift), actMin, actMax), M = s0 · s1 / s_out.
    /// Layout: in0 and out `count` elements (NHWC); in1 `count` elements (channels = 0) or `channels` elements.
    /// Ranges: activations -128..127, zero points -128..127, shift -31..30.
    /// Bound: |p| ≤ 255 · 255 = 65025, shifted left by max(shift, 0) before the multiply: the validator requires
    /// 65025 · 2^max(shift, 0) ≤ 2^31 − 1 (shift ≤ 15).
    /// IL: 136 executed instructions per element (ElementwiseIlCostTests), about 100 of them in
    /// MultiplyByQuantizedMultiplier; Add costs 60 per element in its one-step form (343 with the three MBQM calls).
    /// </summary>
    public static class Mul
    {
        /// <summary>
        /// Multiplies count elements of input0 by input1: channels 0 means input1 has input0's shape; C ≥ 1 means input1
        /// holds C values, broadcast over every pixel (count must be a multiple of C, else ArgumentException).
        /// </summary>
        public static void Run(
            int count, int channels, int zeroPoint0, int zeroPoint1, int outputZeroPoint, int multiplier, int shift,
            int actMin, int actMax, sbyte[] input0, int input0Offset, sbyte[] input1, int input1Offset, sbyte[] output, int outputOffset)
        {
            if (channels < 0 || (channels > 0 && count % channels != 0))
            {
                throw new System.ArgumentException("Mul: count " + count + " is not a multiple of the broadcast channels " + channels);
            }

            int stride = channels == 0 ? count : channels;
            int k = 0;
            while (k < count)
            {
                int j = channels == 0 ? input1Offset + k : input1Offset;
                int end = k + stride;
                for (; k < end; k++)
                {
                    int p = (input0[input0Offset + k] - zeroPoint0) * (input1[j] - zeroPoint1);
                    j++;
                    int v = outputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(p, multiplier, shift);
                    if (v < actMin)
                    {
                        v = actMin;
                    }

                    if (v > actMax)
                    {
                        v = actMax;
                    }

                    output[outputOffset + k] = (sbyte)v;
                }
            }
        }
    }
}
