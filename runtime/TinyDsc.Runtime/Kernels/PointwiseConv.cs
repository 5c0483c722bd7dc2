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
    /// used four times; the block's sixteen outputs are requantized inline with per-channel constants computed once.
    /// Pixels and channels left over (count mod 4) go through a one-output loop.
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
            long nudge = 0x40000000L;

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

                    // Requantize.Clamp inlined (see Requantize for the math): each channel's constants once per block,
                    // then sixteen outputs without calls.
                    long m0 = multiplier[oc];
                    int s0 = shift[oc];
                    int p0 = s0 > 0 ? 1 << s0 : 1;
                    int r0 = s0 > 0 ? 0 : -s0;
                    long h0 = r0 > 0 ? 1L << (r0 - 1) : 0;
                    long n0 = r0 > 0 ? -1L : 0;
                    long m1 = multiplier[oc + 1];
                    int s1 = shift[oc + 1];
                    int p1 = s1 > 0 ? 1 << s1 : 1;
                    int r1 = s1 > 0 ? 0 : -s1;
                    long h1 = r1 > 0 ? 1L << (r1 - 1) : 0;
                    long n1 = r1 > 0 ? -1L : 0;
                    long m2 = multiplier[oc + 2];
                    int s2 = shift[oc + 2];
                    int p2 = s2 > 0 ? 1 << s2 : 1;
                    int r2 = s2 > 0 ? 0 : -s2;
                    long h2 = r2 > 0 ? 1L << (r2 - 1) : 0;
                    long n2 = r2 > 0 ? -1L : 0;
                    long m3 = multiplier[oc + 3];
                    int s3 = shift[oc + 3];
                    int p3 = s3 > 0 ? 1 << s3 : 1;
                    int r3 = s3 > 0 ? 0 : -s3;
                    long h3 = r3 > 0 ? 1L << (r3 - 1) : 0;
                    long n3 = r3 > 0 ? -1L : 0;
                    long x;
                    int y;
                    int o = outBase + oc;
                    x = ((long)(a00 * p0) * m0 + nudge) >> 31;
                    y = (int)((x + h0 + ((x >> 63) & n0)) >> r0) + zpOut;
                    output[o] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a01 * p1) * m1 + nudge) >> 31;
                    y = (int)((x + h1 + ((x >> 63) & n1)) >> r1) + zpOut;
                    output[o + 1] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a02 * p2) * m2 + nudge) >> 31;
                    y = (int)((x + h2 + ((x >> 63) & n2)) >> r2) + zpOut;
                    output[o + 2] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a03 * p3) * m3 + nudge) >> 31;
                    y = (int)((x + h3 + ((x >> 63) & n3)) >> r3) + zpOut;
                    output[o + 3] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    o += cout;
                    x = ((long)(a10 * p0) * m0 + nudge) >> 31;
                    y = (int)((x + h0 + ((x >> 63) & n0)) >> r0) + zpOut;
                    output[o] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a11 * p1) * m1 + nudge) >> 31;
                    y = (int)((x + h1 + ((x >> 63) & n1)) >> r1) + zpOut;
                    output[o + 1] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a12 * p2) * m2 + nudge) >> 31;
                    y = (int)((x + h2 + ((x >> 63) & n2)) >> r2) + zpOut;
                    output[o + 2] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a13 * p3) * m3 + nudge) >> 31;
                    y = (int)((x + h3 + ((x >> 63) & n3)) >> r3) + zpOut;
                    output[o + 3] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    o += cout;
                    x = ((long)(a20 * p0) * m0 + nudge) >> 31;
                    y = (int)((x + h0 + ((x >> 63) & n0)) >> r0) + zpOut;
                    output[o] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a21 * p1) * m1 + nudge) >> 31;
                    y = (int)((x + h1 + ((x >> 63) & n1)) >> r1) + zpOut;
                    output[o + 1] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a22 * p2) * m2 + nudge) >> 31;
                    y = (int)((x + h2 + ((x >> 63) & n2)) >> r2) + zpOut;
                    output[o + 2] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a23 * p3) * m3 + nudge) >> 31;
                    y = (int)((x + h3 + ((x >> 63) & n3)) >> r3) + zpOut;
                    output[o + 3] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    o += cout;
                    x = ((long)(a30 * p0) * m0 + nudge) >> 31;
                    y = (int)((x + h0 + ((x >> 63) & n0)) >> r0) + zpOut;
                    output[o] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a31 * p1) * m1 + nudge) >> 31;
                    y = (int)((x + h1 + ((x >> 63) & n1)) >> r1) + zpOut;
                    output[o + 1] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a32 * p2) * m2 + nudge) >> 31;
                    y = (int)((x + h2 + ((x >> 63) & n2)) >> r2) + zpOut;
                    output[o + 2] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    x = ((long)(a33 * p3) * m3 + nudge) >> 31;
                    y = (int)((x + h3 + ((x >> 63) & n3)) >> r3) + zpOut;
                    output[o + 3] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
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
