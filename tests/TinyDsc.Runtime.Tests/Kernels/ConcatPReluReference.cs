using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Tests.Kernels
{
    /// <summary>
    /// Plain twins of Concat and PRelu for the bit-exact tests: the formulas of FORMAT.md ops 19 and 20 element by
    /// element through QuantMath, no copy shortcut, no table, no channel loop (kept out of the device assembly's IL budget).
    /// </summary>
    public static class ConcatPReluReference
    {
        /// <summary>
        /// Concatenation along the last axis: inputs[i] holds pixels · channels[i] values; output pixel p, channel
        /// o_i + c = clamp(zp_out + MBQM(q − zp_i, multipliers[i], shifts[i]), −128, 127).
        /// </summary>
        public static sbyte[] Concat(int pixels, sbyte[][] inputs, int[] channels, int[] zeroPoints, int[] multipliers, int[] shifts, int outputZeroPoint)
        {
            int cout = 0;
            foreach (int c in channels)
            {
                cout += c;
            }

            var output = new sbyte[pixels * cout];
            for (int k = 0; k < pixels * cout; k++)
            {
                int p = k / cout, oc = k % cout, i = 0;
                while (oc >= channels[i])
                {
                    oc -= channels[i];
                    i++;
                }

                int q = inputs[i][p * channels[i] + oc];
                int v = outputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(q - zeroPoints[i], multipliers[i], shifts[i]);
                output[k] = (sbyte)(v < -128 ? -128 : (v > 127 ? 127 : v));
            }

            return output;
        }

        /// <summary>As PRelu.Run, element by element: channel k mod C.</summary>
        public static sbyte[] PRelu(sbyte[] input, sbyte[] alpha, int zpIn, int zpAlpha, int zpOut, int m1, int s1, int m2, int s2)
        {
            var output = new sbyte[input.Length];
            for (int k = 0; k < input.Length; k++)
            {
                int x = input[k] - zpIn;
                int r = x >= 0
                    ? QuantMath.MultiplyByQuantizedMultiplier(x, m1, s1)
                    : QuantMath.MultiplyByQuantizedMultiplier(x * (alpha[k % alpha.Length] - zpAlpha), m2, s2);
                int v = zpOut + r;
                output[k] = (sbyte)(v < -128 ? -128 : (v > 127 ? 127 : v));
            }

            return output;
        }
    }
}
