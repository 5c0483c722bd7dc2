namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Element-wise int8 add of two tensors of the same shape, each rescaled to a common scale (TFLite's add).
    ///
    /// Formula, per element k:
    ///   a = (in0[k] − zp0) · 2^LeftShift, b = (in1[k] − zp1) · 2^LeftShift,
    ///   a' = MBQM(a, Input0Multiplier, Input0Shift), b' = MBQM(b, Input1Multiplier, Input1Shift),
    ///   out[k] = clamp(zp_out + MBQM(a' + b', OutputMultiplier, OutputShift), ActMin, ActMax)
    /// with MBQM = QuantMath.MultiplyByQuantizedMultiplier (int32 shifts and sums wrap, as there).
    /// Layout: any shape, `count` elements from each offset (in place on either input is fine: each element is read
    /// before it is written). Ranges: activations -128..127, LeftShift 0..30, shifts -31..30, multipliers 0 or
    /// [2^30, 2^31) (ModelValidator checks them on load).
    /// Bound: |a|, |b| ≤ 255 · 2^LeftShift; a converter choosing LeftShift ≤ 20 (TFLite and ours use 20) keeps them
    /// below 2^28, and with input multipliers ≤ 1 (shift ≤ 0) a' + b' stays below 2^29.
    ///
    /// Fast path, taken when LeftShift L ≤ 22, both input shifts ≤ 0, −22 ≤ OutputShift ≤ −1, and one input (x below;
    /// the other is n) is exact: its c = m_x · 2^(L − 31 − r_x) is an integer (r = −shift), and r_n ≤ L + 1. The
    /// converter's adds qualify: the input with the larger scale gets the real multiplier 0.5 (m = 2^30, shift 0, so
    /// c = 2^(L − 1)), and the other shifts leave the limits only for scales about 2^19 or more apart.
    /// Other parameters take the formula above as written. Per element (d = q − zp):
    ///   s = floor((q_n · M + q_x · c · 2^32 + K) / 2^32), K = Kneg when q_n &lt; zp_n else Kpos,
    ///   y = floor((s · m_o + k) / 2^R_o), k = ko_neg when s &lt; 0 else ko_pos, out = clamp(y + ActMin)
    /// with M = m_n · 2^(L + 1 − r_n), Kpos/neg = 2 · Requantize.OneStepNudge(−r_n, ·) / 2^r_n − zp_n · M − zp_x · c · 2^32,
    /// R_o = 31 + r_o, ko_pos/neg = Requantize.OneStepNudge(−r_o, ·) + (zp_out − ActMin) · 2^R_o; the clamp tests y
    /// against 0..ActMax − ActMin. Why it is the same integer:
    /// <list type="bullet">
    /// <item>L ≤ 22 and |d| ≤ 255 keep |a| &lt; 2^30: no wrap in a, and |a'|, |b'| ≤ 255 · 2^22 + 1 keep a' + b' &lt; 2^31.</item>
    /// <item>By Requantize's one-step form (m ≥ 0, shift ≤ 0, R = 31 + r, sign of a = sign of d):
    /// a' = floor((d · m · 2^L + k_d) / 2^R). When r ≤ L + 1 (checked), d · m · 2^L and both k (2^30 + 2^(30+r) and
    /// 2^(30+r) − 2^30; 2^30 for r = 0) are multiples of 2^(R − 32) = 2^(r − 1) when R &gt; 32, and for R ≤ 32 scaling
    /// up is exact, so a' = floor((d · M + 2 · k_d / 2^r) / 2^32).</item>
    /// <item>For the exact input, m_x · 2^L is a multiple of 2^R, so the same form gives b' = d_x · c + floor(k / 2^R)
    /// = d_x · c (0 ≤ k &lt; 2^R for both k).</item>
    /// <item>floor((A + B · 2^32) / 2^32) = floor(A / 2^32) + B for integer B, hence s = a' + b' (no int32 wrap, by
    /// the first item); the numerator is below 2^63 in magnitude, so its long terms may wrap on the way without
    /// changing the sum.</item>
    /// <item>Output: Requantize's one-step form on s (−22 ≤ shift ≤ −1), with (zp_out − ActMin) · 2^R_o added inside
    /// the floor: an integer term of the numerator passes through it. |s · m_o + k| &lt; 2^62 + 2^61, no overflow;
    /// |y| &lt; 2^30 + 256, so y + ActMin is zp_out + MBQM(s) without int32 wrap and the clamp tests agree.</item>
    /// </list>
    /// </summary>
    public static class Add
    {
        /// <summary>
        /// Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements. The
        /// output may be one of the inputs at the same offset (each element is read before it is written; FusedBlock's
        /// projection adds in place).
        /// </summary>
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
            int ro = -p.OutputShift;
            // Shared by both loops (each local is a frame slot on nanoCLR's heap; a fused block calls this).
            int i, q;
            long c = Exact(p.Input1Multiplier, p.Input1Shift, left);
            bool swap = c < 0;
            if (swap)
            {
                c = Exact(p.Input0Multiplier, p.Input0Shift, left);
            }

            int rn = swap ? -p.Input1Shift : -p.Input0Shift;
            if (c >= 0 && left <= 22 && (uint)rn <= (uint)(left + 1) && (uint)(ro - 1) <= 21u && p.OutputMultiplier >= 0
                && (swap ? p.Input0Multiplier : p.Input1Multiplier) >= 0)
            {
                sbyte[] an = swap ? input1 : input0;
                sbyte[] ax = swap ? input0 : input1;
                int on = swap ? input1Offset : input0Offset;
                int dx = (swap ? input0Offset : input1Offset) - on;
                int zn = swap ? p.Input1ZeroPoint : p.Input0ZeroPoint;
                long m = (long)(swap ? p.Input1Multiplier : p.Input0Multiplier) << left + 1 >> rn;
                c <<= 32;
                long kPos = (Requantize.OneStepNudge(-rn, false) << 1 >> rn) - zn * m - (swap ? p.Input0ZeroPoint : p.Input1ZeroPoint) * c;
                long kNeg = (Requantize.OneStepNudge(-rn, true) << 1 >> rn) - zn * m - (swap ? p.Input0ZeroPoint : p.Input1ZeroPoint) * c;
                long mo = p.OutputMultiplier;
                long actMin = p.ActMin;
                long range = p.ActMax - p.ActMin;
                // (zp_out − ActMin) · 2^R_o plus each sign's nudge.
                long koNeg = (long)(p.OutputZeroPoint - p.ActMin) << 31 + ro;
                long koPos = koNeg + Requantize.OneStepNudge(-ro, false);
                koNeg += Requantize.OneStepNudge(-ro, true);
                int rOut = 31 + ro;
                int dOut = outputOffset - on;
                int end = on + count;
                // Two elements per pass (the second at index i + 1, offsets dx + 1 and dOut + 1), an odd last one after.
                int dx1 = dx + 1;
                int dOut1 = dOut + 1;
                i = on;
                int last = end - 1;
                long zero = 0;
                long s, y;
                while (i < last)
                {
                    q = an[i];
                    s = (q * m + ax[i + dx] * c + (q < zn ? kNeg : kPos)) >> 32;
                    y = (s * mo + (s < zero ? koNeg : koPos)) >> rOut;
                    if ((ulong)y > (ulong)range)
                    {
                        y = y < 0 ? 0 : range;
                    }

                    output[i + dOut] = (sbyte)(y + actMin);

                    q = an[i + 1];
                    s = (q * m + ax[i + dx1] * c + (q < zn ? kNeg : kPos)) >> 32;
                    y = (s * mo + (s < zero ? koNeg : koPos)) >> rOut;
                    if ((ulong)y > (ulong)range)
                    {
                        y = y < 0 ? 0 : range;
                    }

                    output[i + dOut1] = (sbyte)(y + actMin);
                    i += 2;
                }

                if (i < end)
                {
                    q = an[i];
                    s = (q * m + ax[i + dx] * c + (q < zn ? kNeg : kPos)) >> 32;
                    y = (s * mo + (s < zero ? koNeg : koPos)) >> rOut;
                    if ((ulong)y > (ulong)range)
                    {
                        y = y < 0 ? 0 : range;
                    }

                    output[i + dOut] = (sbyte)(y + actMin);
                }

                return;
            }

            for (i = 0; i < count; i++)
            {
                // The formula's a, b, a' and b' in one expression (no locals of their own).
                q = p.OutputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(
                    QuantMath.MultiplyByQuantizedMultiplier((input0[input0Offset + i] - p.Input0ZeroPoint) << left, p.Input0Multiplier, p.Input0Shift)
                    + QuantMath.MultiplyByQuantizedMultiplier((input1[input1Offset + i] - p.Input1ZeroPoint) << left, p.Input1Multiplier, p.Input1Shift),
                    p.OutputMultiplier, p.OutputShift);
                if (q < p.ActMin)
                {
                    q = p.ActMin;
                }

                if (q > p.ActMax)
                {
                    q = p.ActMax;
                }

                output[outputOffset + i] = (sbyte)q;
            }
        }

        /// <summary>
        /// c = multiplier · 2^(left − 31 + shift) when that is an integer for a shift in −31..0 and multiplier ≥ 0
        /// (the input's rescale is then exact: a' = d · c), else −1.
        /// </summary>
        private static long Exact(int multiplier, int shift, int left)
        {
            if (shift > 0 || shift < -31 || multiplier < 0)
            {
                return -1;
            }

            long scaled = (long)multiplier << left;
            long low = (1L << 31 - shift) - 1;
            return (scaled & low) == 0 ? scaled >> 31 - shift : -1;
        }
    }
}
