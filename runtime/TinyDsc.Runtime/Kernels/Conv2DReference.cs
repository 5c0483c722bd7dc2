namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// General int8 2-D convolution, written for clarity: the definition every specialised convolution is tested
    /// against bit for bit (runtime/FORMAT.md "Arithmetic").
    ///
    /// Formula, for output (oy, ox, oc) with g = oc / (Cout / groups), cpg = Cin / groups:
    ///   acc = bias[oc] + Σ_{ky, kx, i &lt; cpg} (in[iy, ix, g·cpg + i] − zp_in) · w[oc, ky, kx, i]
    ///   iy = oy·strideH − padTop + ky·dilationH, ix = ox·strideW − padLeft + kx·dilationW;
    ///   taps outside the input are padding and contribute 0 (they hold zp_in, real zero).
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]), actMin, actMax)
    /// Covers groups = 1, grouped, and depthwise with depth multiplier K (groups = Cin, Cout = K·Cin: output channel
    /// oc reads input channel oc / K), any kernel (3×1, 1×3, ...), stride, dilation and asymmetric padding.
    ///
    /// Layout: input [H, W, Cin] at inputOffset, output [Ho, Wo, Cout] at outputOffset (NHWC, batch 1),
    /// weights [Cout, kh, kw, Cin/groups] from index 0, bias/multiplier/shift [Cout] (bias may be null).
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |q − zp| ≤ 255 and |w| ≤ 127, so |acc − bias| ≤ kh·kw·cpg·127·255, which is below 2^31
    /// when kh·kw·cpg ≤ 66311; the interpreter rejects larger layers. (Wrapping arithmetic would still make every
    /// kernel variant agree, but the result would no longer be the real convolution.)
    /// </summary>
    public static class Conv2DReference
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(
            ref ConvParams p,
            sbyte[] input,
            int inputOffset,
            sbyte[] weights,
            int[] bias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outputOffset)
        {
            int cinPerGroup = p.InputC / p.Groups;
            int coutPerGroup = p.OutputC / p.Groups;
            for (int oy = 0; oy < p.OutputH; oy++)
            {
                for (int ox = 0; ox < p.OutputW; ox++)
                {
                    for (int oc = 0; oc < p.OutputC; oc++)
                    {
                        int group = oc / coutPerGroup;
                        int acc = bias == null ? 0 : bias[oc];
                        for (int ky = 0; ky < p.KernelH; ky++)
                        {
                            int iy = oy * p.StrideH - p.PadTop + ky * p.DilationH;
                            if (iy < 0 || iy >= p.InputH)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < p.KernelW; kx++)
                            {
                                int ix = ox * p.StrideW - p.PadLeft + kx * p.DilationW;
                                if (ix < 0 || ix >= p.InputW)
                                {
                                    continue;
                                }

                                int inBase = inputOffset + (iy * p.InputW + ix) * p.InputC + group * cinPerGroup;
                                int wBase = ((oc * p.KernelH + ky) * p.KernelW + kx) * cinPerGroup;
                                for (int i = 0; i < cinPerGroup; i++)
                                {
                                    acc += (input[inBase + i] - p.InputZeroPoint) * weights[wBase + i];
                                }
                            }
                        }

                        int v = p.OutputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]);
                        if (v < p.ActMin)
                        {
                            v = p.ActMin;
                        }

                        if (v > p.ActMax)
                        {
                            v = p.ActMax;
                        }

                        output[outputOffset + (oy * p.OutputW + ox) * p.OutputC + oc] = (sbyte)v;
                    }
                }
            }
        }
    }
}
