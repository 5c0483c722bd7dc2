using System;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Reshape / flatten: the int8 bytes are copied in order (NHWC order); scale and zero point are unchanged.
    /// Overlapping source and destination ranges are fine (Array.Copy moves as if through a temporary).
    /// </summary>
    public static class Reshape
    {
        /// <summary>Computes the layer as the class summary states (formula, layout, ranges); writes only the output elements.</summary>
        public static void Run(sbyte[] input, int inputOffset, sbyte[] output, int outputOffset, int count)
        {
            if (input == output && inputOffset == outputOffset)
            {
                return;
            }

            Array.Copy(input, inputOffset, output, outputOffset, count);
        }
    }
}
