namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Element-wise int8 → int8 function through a 256-entry table (FORMAT.md op 16, Lookup): the unary activations
    /// (HardSwish, HardSigmoid, Sigmoid, Tanh, LeakyReLU, Hardtanh). The converter fills the table once per op by
    /// evaluating the activation's int8 definition at each of the 256 inputs — TFLite's int8 hard_swish arithmetic for
    /// HardSwish, TFLite's float LUT population (the one its int8 logistic and tanh use) for the others — so the kernel
    /// computes exactly what that definition computes, whatever it is, for one load per element.
    ///
    /// Formula: out[k] = table[in[k] + 128].
    /// Layout: any shape, `count` elements from each offset; table has 256 entries, index q + 128 for input q.
    /// Ranges: every table entry -128..127 (int8; -128 allowed, unlike weights). No accumulator.
    /// IL: 21 executed instructions per element (ElementwiseIlCostTests; one table load, no arithmetic).
    /// </summary>
    public static class Lookup
    {
        /// <summary>Maps count elements of input through table (256 entries, else ArgumentException) into output.</summary>
        public static void Run(sbyte[] table, sbyte[] input, int inputOffset, sbyte[] output, int outputOffset, int count)
        {
            if (table == null || table.Length != 256)
            {
                throw new System.ArgumentException("Lookup: table must have 256 entries");
            }

            int end = inputOffset + count;
            int o = outputOffset;
            for (int i = inputOffset; i < end; i++)
            {
                output[o] = table[input[i] + 128];
                o++;
            }
        }
    }
}
