namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Element-wise int8 add of two tensors of the same shape, each rescaled to a common scale (TFLite's add).
    ///
    /// Formula, per element k:
    ///   a = (in0[k] − zp0) · 2^LeftShift, b = (in1[k] − zp1) · 2^LeftShift,
    ///   a' = MBQM(a, Input0Multiplier, Input0Shift), b' = MBQM(b, Input1Multiplier, Input1Shift),
    ///   out[k] = clamp(zp_out + MBQM(a' + b', OutputMultiplier, OutputShift), ActMin, ActMax)
    /// with MBQM = QuantMath.MultiplyByQuantizedMultiplier.
    /// Layout: any shape, `count` elements from each offset (in place on either input is fine: each element is read
    /// before it is written). Ranges: activations -128..127, LeftShift 0..30, shifts -31..30.
    /// Bound: |a|, |b| ≤ 255 · 2^LeftShift; a converter choosing LeftShift ≤ 20 (TFLite uses 20) keeps them below 2^28,
    /// and with input multipliers ≤ 1 (shift ≤ 0) a' + b' stays below 2^29.
    /// </summary>
    public static class Add
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(
            ref AddParams p,
            sbyte[] input0,
            int input0Offset,
            sbyte[] input1,
            int input1Offset,
            sbyte[] output,
            int outputOffset,
            int count)
        {
            int left = p.LeftShift;
            for (int k = 0; k < count; k++)
            {
                int a = (input0[input0Offset + k] - p.Input0ZeroPoint) << left;
                int b = (input1[input1Offset + k] - p.Input1ZeroPoint) << left;
                int sa = QuantMath.MultiplyByQuantizedMultiplier(a, p.Input0Multiplier, p.Input0Shift);
                int sb = QuantMath.MultiplyByQuantizedMultiplier(b, p.Input1Multiplier, p.Input1Shift);
                int v = p.OutputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(sa + sb, p.OutputMultiplier, p.OutputShift);
                if (v < p.ActMin)
                {
                    v = p.ActMin;
                }

                if (v > p.ActMax)
                {
                    v = p.ActMax;
                }

                output[outputOffset + k] = (sbyte)v;
            }
        }
    }
}
