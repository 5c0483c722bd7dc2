namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// One input's part of a concatenation along the last (channel) axis (FORMAT.md op 19), int8 NHWC.
    /// The operator runs this once per input, each writing its own channel slice of the output.
    ///
    /// Formula, for pixel p and channel c of the input (q = input[p · Cin + c]):
    ///   output[p · Cout + offset + c] = clamp(zp_out + MBQM(q − zp_in, multiplier, shift), −128, 127),
    ///   M = s_in / s_out (TFLite's int8 → int8 requantization, its QUANTIZE op; TFLite's int8 CONCATENATION itself
    ///   only copies, its converter giving every input the output's scale and zero point).
    /// An input with the output's scale and zero point (M = 1: multiplier 2^30, shift 1) is copied: MBQM(x, 2^30, 1)
    /// = x exactly, so the copy and the formula agree. Any other input maps through a 256-entry table that
    /// <see cref="FillTable"/> fills with the formula once, at prepare time: one load per element.
    /// Layout: input [pixels, Cin], output [pixels, Cout], offset + Cin ≤ Cout (rank-2 tensors are one pixel).
    /// Ranges: values and zero points −128..127, shift −31..23 (|q − zp_in| ≤ 255 shifted left by max(shift, 0) stays
    /// below 2^31 for shift ≤ 23). No accumulator.
    /// </summary>
    public static class Concat
    {
        /// <summary>
        /// Writes the input's Cin channels of every pixel to output channels offset .. offset + Cin − 1: copied when
        /// table is null, else through table (256 entries, index q + 128).
        /// </summary>
        /// <exception cref="System.ArgumentException">pixels or Cin below 1, the slice outside Cout, a table of another length.</exception>
        public static void Run(
            int pixels, int inputChannels, int outputChannels, int channelOffset, sbyte[] table,
            sbyte[] input, int inputOffset, sbyte[] output, int outputOffset)
        {
            if (pixels < 1 || inputChannels < 1 || channelOffset < 0 || channelOffset + inputChannels > outputChannels)
            {
                throw new System.ArgumentException("Concat: " + inputChannels + " channels at offset " + channelOffset + " of "
                    + pixels + " pixels do not fit " + outputChannels + " output channels");
            }

            if (table != null && table.Length != 256)
            {
                throw new System.ArgumentException("Concat: table must have 256 entries");
            }

            int i = inputOffset;
            int o = outputOffset + channelOffset;
            if (table == null)
            {
                if (inputChannels == outputChannels)
                {
                    System.Array.Copy(input, i, output, o, pixels * inputChannels);
                    return;
                }

                for (int p = 0; p < pixels; p++)
                {
                    System.Array.Copy(input, i, output, o, inputChannels);
                    i += inputChannels;
                    o += outputChannels;
                }

                return;
            }

            int skip = outputChannels - inputChannels;
            for (int p = 0; p < pixels; p++)
            {
                int end = i + inputChannels;
                while (i < end)
                {
                    output[o] = table[input[i] + 128];
                    i++;
                    o++;
                }

                o += skip;
            }
        }

        /// <summary>True when the input is copied unchanged: same zero point and M = 1 (multiplier 2^30, shift 1).</summary>
        public static bool IsIdentity(int inputZeroPoint, int outputZeroPoint, int multiplier, int shift)
        {
            return inputZeroPoint == outputZeroPoint && multiplier == 1073741824 && shift == 1;
        }

        /// <summary>Fills table[q + 128] = clamp(zp_out + MBQM(q − zp_in, multiplier, shift), −128, 127) for q = −128..127.</summary>
        public static void FillTable(int inputZeroPoint, int outputZeroPoint, int multiplier, int shift, sbyte[] table)
        {
            for (int q = -128; q < 128; q++)
            {
                int v = outputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(q - inputZeroPoint, multiplier, shift);
                if (v < -128)
                {
                    v = -128;
                }

                if (v > 127)
                {
                    v = 127;
                }

                table[q + 128] = (sbyte)v;
            }
        }
    }
}
