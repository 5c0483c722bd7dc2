namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Dense (groups = 1) int8 convolution of any kernel size, written for an IL interpreter (nanoCLR): the stem
    /// convolution of a MobileNet-style net (e.g. 3×3, stride 2, few input channels), which would otherwise run on
    /// Conv2DReference at about 110 IL instructions per MAC.
    ///
    /// Formula (same as Conv2DReference with groups = 1), for output (oy, ox, oc):
    ///   acc = foldedBias[oc] + Σ_{ky, kx, i} q[oy·sh − pt + ky·dh, ox·sw − pl + kx, i] · w[oc, ky, kx, i]
    ///   with padded taps reading zp_in, foldedBias from BiasFolding.Fold(weights, bias, Cout, kh·kw·Cin, zp_in, ·);
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]), actMin, actMax).
    /// Supported: groups 1, dilation 1 along W, anything else the format allows (IsSupported).
    ///
    /// Layout: input [H, W, Cin], output [Ho, Wo, Cout] (NHWC, batch 1) at the given offsets; weights [Cout, kh, kw, Cin];
    /// foldedBias, multiplier, shift [Cout]. scratch: at least GetScratchSize(p) bytes from index 0, owned by the caller.
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |acc − bias| ≤ kh·kw·Cin·127·255 &lt; 2^31 for kh·kw·Cin ≤ 66311.
    ///
    /// How it stays cheap per MAC: per output row the kh input rows it reads are copied into a band padded with zp_in
    /// (as in DepthwiseConv3x3). With groups 1 and no W dilation, the taps of one kernel row, (kx, i), are kw·Cin
    /// contiguous bytes in the band and in the weights, so each kernel row is one flat loop; four output channels
    /// are computed per pass, sharing each loaded activation.
    /// </summary>
    public static class Conv2DDense
    {
        /// <summary>True when this kernel computes the layer (groups 1, dilation 1 along W).</summary>
        public static bool IsSupported(ref ConvParams p)
        {
            return KernelArguments.ConvShapeProblem(ref p) == null && Unsupported(ref p) == null;
        }

        /// <summary>Null when this kernel computes the well-formed layer p, else the limit it violates (Run throws it).</summary>
        public static string Unsupported(ref ConvParams p)
        {
            if (p.Groups != 1)
            {
                return "groups " + p.Groups + " is not 1";
            }

            if (p.DilationW != 1)
            {
                return "dilation along W " + p.DilationW + " is not 1";
            }

            return null;
        }

        /// <summary>Scratch bytes Run needs: kh padded input rows, kh · (W + pl + pr) · Cin.</summary>
        public static int GetScratchSize(ref ConvParams p)
        {
            return p.KernelH * (p.InputW + p.PadLeft + p.PadRight) * p.InputC;
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
            KernelArguments.CheckConv("Conv2DDense", Unsupported(ref p), ref p, input, inputOffset, weights, foldedBias, multiplier, shift,
                output, outputOffset, scratch, GetScratchSize(ref p));
            int cin = p.InputC;
            int cout = p.OutputC;
            int kh = p.KernelH;
            int rowBytes = (p.InputW + p.PadLeft + p.PadRight) * cin;
            int inRowBytes = p.InputW * cin;
            int leftPadBytes = p.PadLeft * cin;
            int run = p.KernelW * cin;
            int perChannel = kh * run;
            int perChannel2 = 2 * perChannel;
            int perChannel3 = 3 * perChannel;
            int step = p.StrideW * cin;
            sbyte zpIn = (sbyte)p.InputZeroPoint;
            int zpOut = p.OutputZeroPoint;
            int actMin = p.ActMin;
            int actMax = p.ActMax;
            int channelBlocksEnd = cout - cout % 4;

            PaddedBand.PadColumns(scratch, kh, rowBytes, leftPadBytes, inRowBytes, zpIn);

            for (int oy = 0; oy < p.OutputH; oy++)
            {
                PaddedBand.LoadRows(input, inputOffset, p.InputH, inRowBytes, oy * p.StrideH - p.PadTop, p.DilationH, kh, scratch, rowBytes, leftPadBytes, zpIn);

                int o = outputOffset + oy * p.OutputW * cout;
                int windowStart = 0;
                for (int ox = 0; ox < p.OutputW; ox++)
                {
                    for (int oc = 0; oc < channelBlocksEnd; oc += 4)
                    {
                        int a0 = foldedBias[oc];
                        int a1 = foldedBias[oc + 1];
                        int a2 = foldedBias[oc + 2];
                        int a3 = foldedBias[oc + 3];
                        int j = oc * perChannel;
                        int rowStart = windowStart;
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int i = rowStart;
                            int end = rowStart + run;
                            while (i < end)
                            {
                                int x = scratch[i];
                                a0 += x * weights[j];
                                a1 += x * weights[j + perChannel];
                                a2 += x * weights[j + perChannel2];
                                a3 += x * weights[j + perChannel3];
                                i++;
                                j++;
                            }

                            rowStart += rowBytes;
                        }

                        output[o + oc] = (sbyte)Requantize.Clamp(a0, multiplier[oc], shift[oc], zpOut, actMin, actMax);
                        output[o + oc + 1] = (sbyte)Requantize.Clamp(a1, multiplier[oc + 1], shift[oc + 1], zpOut, actMin, actMax);
                        output[o + oc + 2] = (sbyte)Requantize.Clamp(a2, multiplier[oc + 2], shift[oc + 2], zpOut, actMin, actMax);
                        output[o + oc + 3] = (sbyte)Requantize.Clamp(a3, multiplier[oc + 3], shift[oc + 3], zpOut, actMin, actMax);
                    }

                    // Output channels left over (Cout mod 4), one at a time.
                    for (int oc = channelBlocksEnd; oc < cout; oc++)
                    {
                        int acc = foldedBias[oc];
                        int j = oc * perChannel;
                        int rowStart = windowStart;
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int i = rowStart;
                            int end = rowStart + run;
                            while (i < end)
                            {
                                acc += scratch[i] * weights[j];
                                i++;
                                j++;
                            }

                            rowStart += rowBytes;
                        }

                        output[o + oc] = (sbyte)Requantize.Clamp(acc, multiplier[oc], shift[oc], zpOut, actMin, actMax);
                    }

                    o += cout;
                    windowStart += step;
                }
            }
        }
    }
}
