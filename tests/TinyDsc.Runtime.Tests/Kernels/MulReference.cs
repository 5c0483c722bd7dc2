using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Tests.Kernels
{
    /// <summary>
    /// The plain definition Mul is tested against: the same formula (see Mul), the broadcast index computed per
    /// element as k mod C. Same signature as Mul. Lives with the tests: the interpreter never runs it, so it does not
    /// spend the device assembly's 64 KB IL budget.
    /// </summary>
    public static class MulReference
    {
        /// <summary>As Mul.Run, element by element.</summary>
        public static void Run(
            int count, int channels, int zeroPoint0, int zeroPoint1, int outputZeroPoint, int multiplier, int shift,
            int actMin, int actMax, sbyte[] input0, int input0Offset, sbyte[] input1, int input1Offset, sbyte[] output, int outputOffset)
        {
            for (int k = 0; k < count; k++)
            {
                int j = channels == 0 ? k : k % channels;
                int p = (input0[input0Offset + k] - zeroPoint0) * (input1[input1Offset + j] - zeroPoint1);
                int v = outputZeroPoint + QuantMath.MultiplyByQuantizedMultiplier(p, multiplier, shift);
                output[outputOffset + k] = (sbyte)(v < actMin ? actMin : (v > actMax ? actMax : v));
            }
        }
    }
}
