namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// int8 max pool; the output keeps the input's scale and zero point.
    ///
    /// Formula, for output (oy, ox, c): out = clamp(max of q[oy·sh − pt + ky, ox·sw − pl + kx, c] over taps inside
    /// the input, ActMin, ActMax); padded taps are ignored (a window with none inside gives ActMin).
    /// Layout: input [H, W, C], output [Ho, Wo, C] (NHWC). Uses KernelH/W, StrideH/W, pads, ActMin/Max. No accumulator.
    /// </summary>
    public static class MaxPool
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(ref ConvParams p, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            int channels = p.InputC;
            for (int oy = 0; oy < p.OutputH; oy++)
            {
                for (int ox = 0; ox < p.OutputW; ox++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int v = -128;
                        for (int ky = 0; ky < p.KernelH; ky++)
                        {
                            int iy = oy * p.StrideH - p.PadTop + ky;
                            if (iy < 0 || iy >= p.InputH)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < p.KernelW; kx++)
                            {
                                int ix = ox * p.StrideW - p.PadLeft + kx;
                                if (ix < 0 || ix >= p.InputW)
                                {
                                    continue;
                                }

                                int q = input[inputOffset + (iy * p.InputW + ix) * channels + c];
                                if (q > v)
                                {
                                    v = q;
                                }
                            }
                        }

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
