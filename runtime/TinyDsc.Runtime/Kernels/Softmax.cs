namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Int8 softmax over the last axis (FORMAT.md op 18): TFLite's reference integer softmax with int8 input and output,
    /// beta = 1. The arithmetic is gemmlowp's fixed point as TFLite's kernel uses it; every name below is a raw int32.
    ///
    /// Formula, per row of `depth` values q[0..depth) (the last axis; rows = count / depth):
    ///   d[c] = q[c] − max(q)                        (−255..0; the input zero point cancels)
    ///   x[c] = SRDHM(d[c] · 2^leftShift, multiplier)  Q5.26, for d[c] ≥ diffMin = −floor(31 · 2^26 / 2^leftShift)
    ///   e[c] = exp(x[c])                            Q0.31, gemmlowp's exp_on_negative_values (below)
    ///   S    = Σ RoundingDivideByPOT(e[c], 12)      Q12.19, over the c with d[c] ≥ diffMin
    ///   k    = clz(S), r = 1 / (1 + ((S · 2^k − 2^31) / 2^31))  Q0.31, Newton–Raphson (below)
    ///   out[c] = clamp(RoundingDivideByPOT(SRDHM(r, e[c]), 12 − k + 23) − 128, −128, 127)  if d[c] ≥ diffMin, else −128.
    /// The output's real value is (out + 128) / 256: scale 1/256, zero point −128 (the validator requires both).
    /// multiplier/leftShift: TFLite's PreprocessSoftmaxScaling of s_in · 2^26 (capped at 2^31 − 1), the converter's job.
    ///
    /// exp(x) for x ≤ 0 in Q5.26: with y = (x mod 1/4) − 1/4 in [−1/4, 0), a degree-4 Taylor polynomial around −1/8
    /// gives exp(y); the bits 24..30 of y − x (whole quarters 1/4, 1/2, 1, 2, 4, 8, 16) each multiply in exp(−2^b);
    /// x = 0 gives 2^31 − 1. Reciprocal: x0 = 48/17 − 32/17 · h with h = (a + 1) / 2 (Q0.31 a), then three steps
    /// x ← x + x · (1 − h · x) in Q2.29, returned doubled to Q0.31 with saturation.
    ///
    /// Layout: any shape, `rows · depth` elements (NHWC: depth = C, the last dimension). In place is allowed (each
    /// output element is written after its own input element was last read).
    /// Ranges: multiplier in [2^30, 2^31 − 1], leftShift 0..31, 1 ≤ depth ≤ 4095.
    /// Bounds: |d| · 2^leftShift ≤ 31 · 2^26 &lt; 2^31 for every d that passes diffMin. Each term of S is at most
    /// 2^19 (e ≤ 2^31 − 1), so S ≤ depth · 2^19 ≤ 2^31 − 2^19 for depth ≤ 4095: no overflow. S ≥ 2^19 (the row's
    /// maximum contributes exp(0)), so k ≤ 12 and the final shift 35 − k is 23..35. TFLite's gemmlowp asserts
    /// that shift ≤ 31 (S &lt; 2^28); beyond it (more than 512 classes near the maximum, every probability below 1/512)
    /// this kernel takes the exact quotient SRDHM(r, e) / 2^shift &lt; 2^31 / 2^32, which rounds to 0 (output −128).
    /// IL: two exp evaluations per element (the sum pass and the output pass recompute it, as TFLite does).
    /// </summary>
    public static class Softmax
    {
        /// <summary>Runs the softmax on rows · depth elements from each offset (ArgumentException on out-of-range parameters).</summary>
        public static void Run(int rows, int depth, int multiplier, int leftShift, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            if (depth < 1 || depth > 4095 || rows < 0 || leftShift < 0 || leftShift > 31 || multiplier < (1 << 30))
            {
                throw new System.ArgumentException("Softmax: depth " + depth + " (1..4095), rows " + rows + ", multiplier " + multiplier
                    + " ([2^30, 2^31)) or left shift " + leftShift + " (0..31) out of range");
            }

            int diffMin = -((31 << 26) >> leftShift);
            int scale = leftShift == 31 ? 0 : 1 << leftShift;   // d · 2^31 only occurs for d = 0 (diffMin = 0)
            for (int row = 0; row < rows; row++)
            {
                int start = inputOffset + row * depth;
                int end = start + depth;
                int max = -128;
                for (int i = start; i < end; i++)
                {
                    if (input[i] > max)
                    {
                        max = input[i];
                    }
                }

                int sum = 0;
                for (int i = start; i < end; i++)
                {
                    int d = input[i] - max;
                    if (d >= diffMin)
                    {
                        int e = ExpOnNegative(QuantMath.SaturatingRoundingDoublingHighMul(d * scale, multiplier));
                        sum += (e >> 12) + ((e & 4095) > 2047 ? 1 : 0);   // RoundingDivideByPOT(e, 12), e ≥ 0
                    }
                }

                int headroom = 0;
                while ((sum << headroom) > 0)
                {
                    headroom++;   // sum > 0: stops at the first shift that sets bit 31 (clz of sum)
                }

                int reciprocal = OneOverOnePlus((int)(((uint)sum << headroom) - 0x80000000u));
                int exponent = 12 - headroom + 23;
                int o = outputOffset + row * depth;
                for (int i = start; i < end; i++)
                {
                    int d = input[i] - max;
                    int v = -128;
                    if (d >= diffMin && exponent <= 31)
                    {
                        int e = ExpOnNegative(QuantMath.SaturatingRoundingDoublingHighMul(d * scale, multiplier));
                        v = QuantMath.RoundingDivideByPOT(QuantMath.SaturatingRoundingDoublingHighMul(reciprocal, e), exponent) - 128;
                        if (v > 127)
                        {
                            v = 127;
                        }
                    }

                    output[o] = (sbyte)v;
                    o++;
                }
            }
        }

        /// <summary>gemmlowp's exp_on_negative_values: a ≤ 0 in Q5.26 → exp(a) in Q0.31.</summary>
        private static int ExpOnNegative(int a)
        {
            if (a == 0)
            {
                return int.MaxValue;
            }

            int y = (a & ((1 << 24) - 1)) - (1 << 24);   // (a mod 1/4) − 1/4, in [−1/4, 0), Q5.26
            int x = y * 32 + (1 << 28);                  // rescaled to Q0.31 (no saturation: |y · 32| ≤ 2^29), plus 1/8
            int x2 = QuantMath.SaturatingRoundingDoublingHighMul(x, x);
            int x3 = QuantMath.SaturatingRoundingDoublingHighMul(x2, x);
            int x4 = QuantMath.SaturatingRoundingDoublingHighMul(x2, x2);
            int x4Over4 = QuantMath.RoundingDivideByPOT(x4, 2);
            int poly = QuantMath.RoundingDivideByPOT(QuantMath.SaturatingRoundingDoublingHighMul(x4Over4 + x3, 715827883) + x2, 1);
            int result = 1895147668 + QuantMath.SaturatingRoundingDoublingHighMul(1895147668, x + poly);   // exp(−1/8) · (1 + x + …)
            int quarters = y - a;
            if ((quarters & (1 << 24)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 1672461947);   // exp(−1/4)
            }

            if ((quarters & (1 << 25)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 1302514674);   // exp(−1/2)
            }

            if ((quarters & (1 << 26)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 790015084);    // exp(−1)
            }

            if ((quarters & (1 << 27)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 290630308);    // exp(−2)
            }

            if ((quarters & (1 << 28)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 39332535);     // exp(−4)
            }

            if ((quarters & (1 << 29)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 720401);       // exp(−8)
            }

            if ((quarters & (1 << 30)) != 0)
            {
                result = QuantMath.SaturatingRoundingDoublingHighMul(result, 242);          // exp(−16)
            }

            return result;
        }

        /// <summary>gemmlowp's one_over_one_plus_x_for_x_in_0_1: a in Q0.31, 0 ≤ a &lt; 2^31 → 1 / (1 + a) in Q0.31.</summary>
        private static int OneOverOnePlus(int a)
        {
            int half = (int)(((long)a + int.MaxValue + 1) / 2);   // RoundingHalfSum(a, 1.0); the sum is ≥ 0
            int x = 1515870810 + QuantMath.SaturatingRoundingDoublingHighMul(half, -1010580540);   // 48/17 − 32/17 · h, Q2.29
            for (int k = 0; k < 3; k++)
            {
                int oneMinus = (1 << 29) - QuantMath.SaturatingRoundingDoublingHighMul(half, x);
                x += SaturatingShiftLeft(QuantMath.SaturatingRoundingDoublingHighMul(x, oneMinus), 2);   // Q4.27 → Q2.29
            }

            return SaturatingShiftLeft(x, 1);   // x / 2 in Q1.30, rescaled to Q0.31
        }

        /// <summary>gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent: x · 2^exponent, saturated to int32.</summary>
        private static int SaturatingShiftLeft(int x, int exponent)
        {
            int threshold = (1 << (31 - exponent)) - 1;
            if (x > threshold)
            {
                return int.MaxValue;
            }

            if (x < -threshold)
            {
                return int.MinValue;
            }

            return x << exponent;
        }
    }
}
