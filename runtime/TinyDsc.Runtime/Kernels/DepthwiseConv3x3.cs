namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Depthwise 3×3 int8 convolution with depth multiplier 1, written for an IL interpreter (nanoCLR).
    ///
    /// Formula (same as Conv2DReference with groups = Cin = Cout, kernel 3×3, dilation 1):
    ///   acc = foldedBias[c] + Σ_{ky,kx &lt; 3} q[oy·sh − pt + ky, ox·sw − pl + kx, c] · w[c, ky, kx]
    ///   with padded taps reading zp_in, foldedBias from BiasFolding.Fold(weights, bias, C, 9, zp_in, ·);
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]), actMin, actMax).
    /// Supported: any stride, pads 0..2 on each side (IsSupported).
    ///
    /// Layout: input [H, W, C], output [Ho, Wo, C] (NHWC, batch 1) at the given offsets; weights [C, 3, 3, 1];
    /// foldedBias, multiplier, shift [C]. scratch: at least GetScratchSize(p) bytes from index 0, owned by the caller,
    /// contents on return unspecified; bytes beyond GetScratchSize are not touched.
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |acc − bias| ≤ 9·127·255 = 291465, far below 2^31.
    ///
    /// How it stays cheap per MAC: for each output row the three input rows it needs are copied (PaddedBand, Array.Copy)
    /// into a scratch band of width W + pl + pr whose pad columns and pad rows hold zp_in, so the inner loop has no
    /// bounds tests; a channel's nine weights, bias and requantization constants sit in locals while the loop walks
    /// one output row for that channel; the nine taps are unrolled with precomputed offsets and requantization is
    /// inlined (see Requantize for the exact-equivalence argument).
    /// </summary>
    public static class DepthwiseConv3x3
    {
        /// <summary>True when this kernel computes the layer (3×3, groups = Cin = Cout, dilation 1, pads ≤ 2).</summary>
        public static bool IsSupported(ref ConvParams p)
        {
            return KernelArguments.ConvShapeProblem(ref p) == null && Unsupported(ref p) == null;
        }

        /// <summary>Null when this kernel computes the well-formed layer p, else the limit it violates (Run throws it).</summary>
        public static string Unsupported(ref ConvParams p)
        {
            if (p.KernelH != 3 || p.KernelW != 3)
            {
                return "kernel " + p.KernelH + "x" + p.KernelW + " is not 3x3";
            }

            if (p.Groups != p.InputC || p.OutputC != p.InputC)
            {
                return "groups " + p.Groups + ", Cin " + p.InputC + ", Cout " + p.OutputC + ": needs groups = Cin = Cout (depth multiplier 1)";
            }

            if (p.DilationH != 1 || p.DilationW != 1)
            {
                return "dilation " + p.DilationH + "," + p.DilationW + " is not 1,1";
            }

            return KernelArguments.PadsAbove(ref p, 2);
        }

        /// <summary>Scratch bytes Run needs: three padded input rows, 3 · (W + pl + pr) · C.</summary>
        public static int GetScratchSize(ref ConvParams p)
        {
            return 3 * (p.InputW + p.PadLeft + p.PadRight) * p.InputC;
        }

        /// <summary>Computes the layer as the class summary states; first checks its arguments once (KernelArguments.CheckConv) and throws ArgumentException naming the violated limit.</summary>
        public static void Run(
            ref ConvParams p,
            sbyte[] input,
            int inputOffset,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outputOffset,
            sbyte[] scratch)
        {
            KernelArguments.CheckConv("DepthwiseConv3x3", Unsupported(ref p), ref p, input, inputOffset, weights, foldedBias, multiplier, shift,
                output, outputOffset, scratch, GetScratchSize(ref p));
            int inW = p.InputW;
            int inH = p.InputH;
            int channels = p.InputC;
            int rowBytes = (inW + p.PadLeft + p.PadRight) * channels;
            int inRowBytes = inW * channels;
            int leftPadBytes = p.PadLeft * channels;
            int outRowBytes = p.OutputW * channels;
            sbyte zpIn = (sbyte)p.InputZeroPoint;

            // Pad columns of the band hold zp_in for the whole call; row loads only write between them.
            PaddedBand.PadColumns(scratch, 3, rowBytes, leftPadBytes, inRowBytes, zpIn);
            for (int oy = 0; oy < p.OutputH; oy++)
            {
                PaddedBand.LoadRows(input, inputOffset, inH, inRowBytes, oy * p.StrideH - p.PadTop, 1, 3, scratch, rowBytes, leftPadBytes, zpIn);
                Row(ref p, scratch, 0, weights, foldedBias, multiplier, shift, output, outputOffset + oy * outRowBytes);
            }
        }

        /// <summary>
        /// One output row from a padded band (PaddedBand layout: three rows of (W + pl + pr) · C bytes from
        /// band[bandOffset], pad columns and pad rows holding zp_in): output[outRow ..] receives Wo · C values.
        /// Run calls it per output row; FusedBlock calls it on its band of expanded rows.
        /// </summary>
        internal static void Row(
            ref ConvParams p,
            sbyte[] scratch,
            int bandOffset,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outRow)
        {
            int channels = p.InputC;
            int outW = p.OutputW;
            int rowBytes = (p.InputW + p.PadLeft + p.PadRight) * channels;
            int zpOut = p.OutputZeroPoint;
            int actMin = p.ActMin;
            int actMax = p.ActMax;

            // Offsets of the nine taps from the top-left tap, in the band.
            int o1 = channels;
            int o2 = 2 * channels;
            int o3 = rowBytes;
            int o4 = rowBytes + channels;
            int o5 = rowBytes + 2 * channels;
            int o6 = 2 * rowBytes;
            int o7 = 2 * rowBytes + channels;
            int o8 = 2 * rowBytes + 2 * channels;
            int step = p.StrideW * channels;
            int rowSpan = outW * step;
            long nudge = 0x40000000L;
            for (int c = 0; c < channels; c++)
            {
                int wb = c * 9;
                int w0 = weights[wb];
                int w1 = weights[wb + 1];
                int w2 = weights[wb + 2];
                int w3 = weights[wb + 3];
                int w4 = weights[wb + 4];
                int w5 = weights[wb + 5];
                int w6 = weights[wb + 6];
                int w7 = weights[wb + 7];
                int w8 = weights[wb + 8];
                int b = foldedBias[c];
                long m = multiplier[c];
                int s = shift[c];
                int i = bandOffset + c;
                int end = i + rowSpan;
                int oi = outRow + c;

                // Two copies of the row loop so that neither pays for the other's half of MultiplyByQuantizedMultiplier:
                // shift < 0 needs only the rounding right shift, shift >= 0 only the left shift (done as a
                // multiply by 2^shift, which wraps exactly like the int32 shift). See Requantize for the math.
                if (s < 0)
                {
                    // One rounding step (Requantize.OneStepNudge): floor((acc·m + k) / 2^(31 − s)), k by the sign of acc.
                    int right = 31 - s;
                    long kPos = 0x40000000L + (1L << (30 - s));
                    long kNeg = kPos - 0x80000000L;
                    while (i < end)
                    {
                        int acc = b
                            + scratch[i] * w0 + scratch[i + o1] * w1 + scratch[i + o2] * w2
                            + scratch[i + o3] * w3 + scratch[i + o4] * w4 + scratch[i + o5] * w5
                            + scratch[i + o6] * w6 + scratch[i + o7] * w7 + scratch[i + o8] * w8;
                        int y = (int)((acc * m + (acc < 0 ? kNeg : kPos)) >> right) + zpOut;
                        if (y < actMin)
                        {
                            y = actMin;
                        }

                        if (y > actMax)
                        {
                            y = actMax;
                        }

                        output[oi] = (sbyte)y;
                        i += step;
                        oi += channels;
                    }
                }
                else
                {
                    int pow2 = 1 << s;
                    while (i < end)
                    {
                        int y = (int)(((long)((b
                            + scratch[i] * w0 + scratch[i + o1] * w1 + scratch[i + o2] * w2
                            + scratch[i + o3] * w3 + scratch[i + o4] * w4 + scratch[i + o5] * w5
                            + scratch[i + o6] * w6 + scratch[i + o7] * w7 + scratch[i + o8] * w8) * pow2) * m + nudge) >> 31) + zpOut;
                        if (y < actMin)
                        {
                            y = actMin;
                        }

                        if (y > actMax)
                        {
                            y = actMax;
                        }

                        output[oi] = (sbyte)y;
                        i += step;
                        oi += channels;
                    }
                }
            }
        }
    }
}
