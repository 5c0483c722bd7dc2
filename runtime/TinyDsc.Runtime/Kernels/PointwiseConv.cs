namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Pointwise (1×1, stride 1, no padding, groups 1) int8 convolution, written for an IL interpreter (nanoCLR).
    ///
    /// Formula (same as Conv2DReference for this shape), for pixel p and output channel oc:
    ///   acc = foldedBias[oc] + Σ_{i &lt; Cin} q[p, i] · w[oc, i], foldedBias from BiasFolding.Fold(weights, bias, Cout, Cin, zp_in, ·);
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]), actMin, actMax).
    ///
    /// Layout: input [H·W, Cin], output [H·W, Cout] (NHWC, batch 1) at the given offsets; weights [Cout, Cin] from
    /// index 0 (the [Cout, 1, 1, Cin] conv layout); foldedBias, multiplier, shift [Cout]. No scratch.
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |acc − bias| ≤ Cin·127·255 &lt; 2^31 for Cin ≤ 66311.
    ///
    /// How it stays cheap per MAC: blocks of 4 pixels × 4 output channels; per input channel the loop loads four
    /// activations and four weights into locals and does sixteen multiply-adds on locals, so each loaded value is
    /// used four times. Pixels and channels left over (count mod 4) go through a one-output loop.
    /// </summary>
    public static class PointwiseConv
    {
        /// <summary>True when this kernel computes the layer (1×1, stride 1, dilation 1, no padding, groups 1).</summary>
        public static bool IsSupported(ref ConvParams p)
        {
            return p.KernelH == 1 && p.KernelW == 1 && p.StrideH == 1 && p.StrideW == 1
                && p.PadTop == 0 && p.PadLeft == 0 && p.PadBottom == 0 && p.PadRight == 0 && p.Groups == 1
                && p.OutputH == p.InputH && p.OutputW == p.InputW;
        }

        public static void Run(
            ref ConvParams p,
            sbyte[] input,
            int inputOffset,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            int[] shift,
            sbyte[] output,
            int outputOffset)
        {
            int pixels = p.InputH * p.InputW;
            int cin = p.InputC;
            int cout = p.OutputC;
            int zpOut = p.OutputZeroPoint;
            int actMin = p.ActMin;
            int actMax = p.ActMax;
            int cin2 = 2 * cin;
            int cin3 = 3 * cin;
            int pixelBlocksEnd = pixels - pixels % 4;
            int channelBlocksEnd = cout - cout % 4;

            for (int px = 0; px < pixelBlocksEnd; px += 4)
            {
                int inBase = inputOffset + px * cin;
                int outBase = outputOffset + px * cout;
                for (int oc = 0; oc < channelBlocksEnd; oc += 4)
                {
                    int b0 = foldedBias[oc];
                    int b1 = foldedBias[oc + 1];
                    int b2 = foldedBias[oc + 2];
                    int b3 = foldedBias[oc + 3];
                    int a00 = b0, a01 = b1, a02 = b2, a03 = b3;
                    int a10 = b0, a11 = b1, a12 = b2, a13 = b3;
                    int a20 = b0, a21 = b1, a22 = b2, a23 = b3;
                    int a30 = b0, a31 = b1, a32 = b2, a33 = b3;
                    int i = inBase;
                    int end = inBase + cin;
                    int j = oc * cin;
                    while (i < end)
                    {
                        int x0 = input[i];
                        int x1 = input[i + cin];
                        int x2 = input[i + cin2];
                        int x3 = input[i + cin3];
                        int w0 = weights[j];
                        int w1 = weights[j + cin];
                        int w2 = weights[j + cin2];
                        int w3 = weights[j + cin3];
                        a00 += x0 * w0;
                        a01 += x0 * w1;
                        a02 += x0 * w2;
                        a03 += x0 * w3;
                        a10 += x1 * w0;
                        a11 += x1 * w1;
                        a12 += x1 * w2;
                        a13 += x1 * w3;
                        a20 += x2 * w0;
                        a21 += x2 * w1;
                        a22 += x2 * w2;
                        a23 += x2 * w3;
                        a30 += x3 * w0;
                        a31 += x3 * w1;
                        a32 += x3 * w2;
                        a33 += x3 * w3;
                        i++;
                        j++;
                    }

                    int m0 = multiplier[oc], m1 = multiplier[oc + 1], m2 = multiplier[oc + 2], m3 = multiplier[oc + 3];
                    int s0 = shift[oc], s1 = shift[oc + 1], s2 = shift[oc + 2], s3 = shift[oc + 3];
                    int o = outBase + oc;
                    output[o] = (sbyte)Requantize.Clamp(a00, m0, s0, zpOut, actMin, actMax);
                    output[o + 1] = (sbyte)Requantize.Clamp(a01, m1, s1, zpOut, actMin, actMax);
                    output[o + 2] = (sbyte)Requantize.Clamp(a02, m2, s2, zpOut, actMin, actMax);
                    output[o + 3] = (sbyte)Requantize.Clamp(a03, m3, s3, zpOut, actMin, actMax);
                    o += cout;
                    output[o] = (sbyte)Requantize.Clamp(a10, m0, s0, zpOut, actMin, actMax);
                    output[o + 1] = (sbyte)Requantize.Clamp(a11, m1, s1, zpOut, actMin, actMax);
                    output[o + 2] = (sbyte)Requantize.Clamp(a12, m2, s2, zpOut, actMin, actMax);
                    output[o + 3] = (sbyte)Requantize.Clamp(a13, m3, s3, zpOut, actMin, actMax);
                    o += cout;
                    output[o] = (sbyte)Requantize.Clamp(a20, m0, s0, zpOut, actMin, actMax);
                    output[o + 1] = (sbyte)Requantize.Clamp(a21, m1, s1, zpOut, actMin, actMax);
                    output[o + 2] = (sbyte)Requantize.Clamp(a22, m2, s2, zpOut, actMin, actMax);
                    output[o + 3] = (sbyte)Requantize.Clamp(a23, m3, s3, zpOut, actMin, actMax);
                    o += cout;
                    output[o] = (sbyte)Requantize.Clamp(a30, m0, s0, zpOut, actMin, actMax);
                    output[o + 1] = (sbyte)Requantize.Clamp(a31, m1, s1, zpOut, actMin, actMax);
                    output[o + 2] = (sbyte)Requantize.Clamp(a32, m2, s2, zpOut, actMin, actMax);
                    output[o + 3] = (sbyte)Requantize.Clamp(a33, m3, s3, zpOut, actMin, actMax);
                }

                // Output channels left over (cout mod 4) for these four pixels.
                for (int oc = channelBlocksEnd; oc < cout; oc++)
                {
                    for (int k = 0; k < 4; k++)
                    {
                        output[outBase + k * cout + oc] = OneOutput(input, inBase + k * cin, weights, oc * cin, cin,
                            foldedBias[oc], multiplier[oc], shift[oc], zpOut, actMin, actMax);
                    }
                }
            }

            // Pixels left over (count mod 4), all channels.
            for (int px = pixelBlocksEnd; px < pixels; px++)
            {
                int inBase = inputOffset + px * cin;
                int outBase = outputOffset + px * cout;
                for (int oc = 0; oc < cout; oc++)
                {
                    output[outBase + oc] = OneOutput(input, inBase, weights, oc * cin, cin,
                        foldedBias[oc], multiplier[oc], shift[oc], zpOut, actMin, actMax);
                }
            }
        }

        private static sbyte OneOutput(
            sbyte[] input, int i, sbyte[] weights, int j, int count, int acc, int multiplier, int shift, int zpOut, int actMin, int actMax)
        {
            int end = i + count;
            while (i < end)
            {
                acc += input[i] * weights[j];
                i++;
                j++;
            }

            return (sbyte)Requantize.Clamp(acc, multiplier, shift, zpOut, actMin, actMax);
        }
    }
}
