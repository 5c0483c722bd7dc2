namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// General depthwise int8 convolution (groups = Cin, depth multiplier K = Cout / Cin ≥ 1, any kernel size, stride,
    /// dilation and padding), written for an IL interpreter (nanoCLR). DepthwiseConv3x3 is faster for its case; this
    /// covers 5×5 depthwise layers, multipliers above 1 and dilated depthwise layers.
    ///
    /// Formula (same as Conv2DReference with groups = Cin), output channel oc reads input channel ic = oc / K:
    ///   acc = foldedBias[oc] + Σ_{ky, kx} q[oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, ic] · w[oc, ky, kx]
    ///   with padded taps reading zp_in, foldedBias from BiasFolding.Fold(weights, bias, Cout, kh·kw, zp_in, ·);
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]), actMin, actMax).
    ///
    /// Layout: input [H, W, Cin], output [Ho, Wo, K·Cin] (NHWC, batch 1) at the given offsets; weights [Cout, kh, kw, 1];
    /// foldedBias, multiplier, shift [Cout]. scratch: at least GetScratchSize(p) bytes from index 0, owned by the caller.
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |acc − bias| ≤ kh·kw·127·255 &lt; 2^31 for kh·kw ≤ 66311.
    ///
    /// How it stays cheap per MAC: the kh input rows an output row reads are copied into a band padded with zp_in
    /// (as in DepthwiseConv3x3); for one output channel, four neighbouring output pixels are computed per pass, so
    /// each weight is loaded once for four multiply-adds, and requantization is inlined with the channel's constants.
    /// Output pixels left over (Wo mod 4) are computed singly.
    /// </summary>
    public static class DepthwiseConv
    {
        /// <summary>True when this kernel computes the layer (groups = Cin, Cout a multiple of Cin).</summary>
        public static bool IsSupported(ref ConvParams p)
        {
            return KernelArguments.ConvShapeProblem(ref p) == null && Unsupported(ref p) == null;
        }

        /// <summary>Null when this kernel computes the well-formed layer p, else the limit it violates (Run throws it).</summary>
        public static string Unsupported(ref ConvParams p)
        {
            if (p.Groups != p.InputC || p.InputC < 1 || p.OutputC % p.InputC != 0)
            {
                return "groups " + p.Groups + ", Cin " + p.InputC + ", Cout " + p.OutputC + ": needs groups = Cin and Cout a multiple of Cin";
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
            KernelArguments.CheckConv("DepthwiseConv", Unsupported(ref p), ref p, input, inputOffset, weights, foldedBias, multiplier, shift,
                output, outputOffset, scratch, GetScratchSize(ref p));
            int cin = p.InputC;
            int kh = p.KernelH;
            int rowBytes = (p.InputW + p.PadLeft + p.PadRight) * cin;
            int inRowBytes = p.InputW * cin;
            int leftPadBytes = p.PadLeft * cin;
            int outRowBytes = p.OutputW * p.OutputC;
            sbyte zpIn = (sbyte)p.InputZeroPoint;

            PaddedBand.PadColumns(scratch, kh, rowBytes, leftPadBytes, inRowBytes, zpIn);
            for (int oy = 0; oy < p.OutputH; oy++)
            {
                PaddedBand.LoadRows(input, inputOffset, p.InputH, inRowBytes, oy * p.StrideH - p.PadTop, p.DilationH, kh, scratch, rowBytes, leftPadBytes, zpIn);
                Row(ref p, scratch, 0, weights, foldedBias, multiplier, shift, output, outputOffset + oy * outRowBytes);
            }
        }

        /// <summary>
        /// One output row from a padded band (PaddedBand layout: kh rows of (W + pl + pr) · Cin bytes from
        /// band[bandOffset], band row r holding input row oy·sh − pt + r·dh; pad columns and pad rows hold zp_in):
        /// output[outRow ..] receives Wo · Cout values. Run calls it per output row; FusedBlock on its band.
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
            int cin = p.InputC;
            int cout = p.OutputC;
            int depthMultiplier = cout / cin;
            int kh = p.KernelH;
            int kw = p.KernelW;
            int taps = kh * kw;
            int outW = p.OutputW;
            int rowBytes = (p.InputW + p.PadLeft + p.PadRight) * cin;
            int tapStep = p.DilationW * cin;
            int pixelStep = p.StrideW * cin;
            int o1 = pixelStep;
            int o2 = 2 * pixelStep;
            int o3 = 3 * pixelStep;
            int quadsEnd = outW - outW % 4;
            int cout2 = 2 * cout;
            int cout3 = 3 * cout;
            int cout4 = 4 * cout;
            int quadStep = 4 * pixelStep;
            long nudge = 0x40000000L;
            int zpOut = p.OutputZeroPoint;
            int actMin = p.ActMin;
            int actMax = p.ActMax;
            for (int oc = 0; oc < cout; oc++)
            {
                int ic = oc / depthMultiplier;
                int wBase = oc * taps;
                int b = foldedBias[oc];
                long m = multiplier[oc];
                int s = shift[oc];
                int pow2 = s > 0 ? 1 << s : 1;
                int right = s > 0 ? 0 : -s;
                long half = right > 0 ? 1L << (right - 1) : 0;
                long nm = right > 0 ? -1L : 0;
                int o = outRow + oc;
                int windowStart = bandOffset + ic;
                for (int ox = 0; ox < quadsEnd; ox += 4)
                {
                    int a0 = b, a1 = b, a2 = b, a3 = b;
                    int rowStart = windowStart;
                    int j = wBase;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int i = rowStart;
                        int rowEnd = j + kw;
                        while (j < rowEnd)
                        {
                            int w = weights[j];
                            a0 += scratch[i] * w;
                            a1 += scratch[i + o1] * w;
                            a2 += scratch[i + o2] * w;
                            a3 += scratch[i + o3] * w;
                            i += tapStep;
                            j++;
                        }

                        rowStart += rowBytes;
                    }

                    // Requantize.Clamp inlined with this channel's constants (see Requantize for the math).
                    long x;
                    int y;
                    x = ((long)(a0 * pow2) * m + nudge) >> 31;
                    y = (int)((x + half + ((x >> 63) & nm)) >> right) + zpOut;
                    y = y < actMin ? actMin : y > actMax ? actMax : y;
                    output[o] = (sbyte)y;
                    x = ((long)(a1 * pow2) * m + nudge) >> 31;
                    y = (int)((x + half + ((x >> 63) & nm)) >> right) + zpOut;
                    y = y < actMin ? actMin : y > actMax ? actMax : y;
                    output[o + cout] = (sbyte)y;
                    x = ((long)(a2 * pow2) * m + nudge) >> 31;
                    y = (int)((x + half + ((x >> 63) & nm)) >> right) + zpOut;
                    y = y < actMin ? actMin : y > actMax ? actMax : y;
                    output[o + cout2] = (sbyte)y;
                    x = ((long)(a3 * pow2) * m + nudge) >> 31;
                    y = (int)((x + half + ((x >> 63) & nm)) >> right) + zpOut;
                    y = y < actMin ? actMin : y > actMax ? actMax : y;
                    output[o + cout3] = (sbyte)y;
                    o += cout4;
                    windowStart += quadStep;
                }

                for (int ox = quadsEnd; ox < outW; ox++)
                {
                    int acc = b;
                    int rowStart = windowStart;
                    int j = wBase;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int i = rowStart;
                        int rowEnd = j + kw;
                        while (j < rowEnd)
                        {
                            acc += scratch[i] * weights[j];
                            i += tapStep;
                            j++;
                        }

                        rowStart += rowBytes;
                    }

                    long x = ((long)(acc * pow2) * m + nudge) >> 31;
                    int y = (int)((x + half + ((x >> 63) & nm)) >> right) + zpOut;
                    output[o] = (sbyte)(y < actMin ? actMin : y > actMax ? actMax : y);
                    o += cout;
                    windowStart += pixelStep;
                }
            }
        }
    }
}
