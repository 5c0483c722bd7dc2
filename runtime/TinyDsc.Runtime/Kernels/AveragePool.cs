namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// int8 average pool; the output keeps the input's scale and zero point.
    ///
    /// Formula, for output (oy, ox, c): over the window taps (iy, ix) = (oy·sh − pt + ky, ox·sw − pl + kx),
    ///   sum = Σ q[iy, ix, c] over taps inside the input, count = number of those taps;
    ///   if countIncludePad, each padded tap adds InputZeroPoint to sum and 1 to count;
    ///   out = clamp(round_half_away(sum / count), ActMin, ActMax).
    /// Layout: input [H, W, C], output [Ho, Wo, C] (NHWC). Uses KernelH/W, StrideH/W, pads, InputZeroPoint, ActMin/Max.
    /// Bound: |sum| ≤ kh·kw·128 &lt; 2^31 for windows up to 2^24 taps. count ≥ 1 whenever every pad is smaller than the
    /// kernel (FORMAT.md); a window with no counted tap would output the input zero point.
    /// </summary>
    public static class AveragePool
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(ref ConvParams p, bool countIncludePad, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            int channels = p.InputC;
            for (int oy = 0; oy < p.OutputH; oy++)
            {
                for (int ox = 0; ox < p.OutputW; ox++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < p.KernelH; ky++)
                        {
                            int iy = oy * p.StrideH - p.PadTop + ky;
                            for (int kx = 0; kx < p.KernelW; kx++)
                            {
                                int ix = ox * p.StrideW - p.PadLeft + kx;
                                if (iy >= 0 && iy < p.InputH && ix >= 0 && ix < p.InputW)
                                {
                                    sum += input[inputOffset + (iy * p.InputW + ix) * channels + c];
                                    count++;
                                }
                                else if (countIncludePad)
                                {
                                    sum += p.InputZeroPoint;
                                    count++;
                                }
                            }
                        }

                        int v = count == 0 ? p.InputZeroPoint : QuantMath.DivideRoundHalfAway(sum, count);
                        if (v < p.ActMin)
                        {
                            v = p.ActMin;
                        }

                        if (v > p.ActMax)
                        {
                            v = p.ActMax;
                        }

                        output[outputOffset + (oy * p.OutputW + ox) * channels + c] = (sbyte)v;
                    }
                }
            }
        }
    }
}
