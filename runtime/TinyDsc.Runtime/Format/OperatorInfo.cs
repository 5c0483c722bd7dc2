namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// One operator of a model as stored in format v1 (runtime/FORMAT.md describes each field per op code).
    /// Arrays that an op does not use are null.
    /// </summary>
    public sealed class OperatorInfo
    {
        /// <summary>Number of op-specific parameters (Params) in a v1 op record.</summary>
        public const int ParamCount = 11;

        public int OpCode;
        public int Input0;
        /// <summary>Second input tensor (Add), else -1.</summary>
        public int Input1 = -1;
        public int Output;

        /// <summary>Fused activation as an int8 clamp range on the output (no activation: -128..127).</summary>
        public int ActMin = -128;
        public int ActMax = 127;

        public int KernelH = 1;
        public int KernelW = 1;
        public int StrideH = 1;
        public int StrideW = 1;
        public int DilationH = 1;
        public int DilationW = 1;
        public int PadTop;
        public int PadLeft;
        public int PadBottom;
        public int PadRight;
        public int Groups = 1;

        /// <summary>Conv2D: [Cout, KernelH, KernelW, Cin / Groups]; FullyConnected: [Cout, Cin]. Values -127..127.</summary>
        public sbyte[] Weights;

        /// <summary>Per output channel, scale = s_in * s_w[c], zero point 0. May be null (no bias).</summary>
        public int[] Bias;

        /// <summary>Per output channel Q31 multiplier in [2^30, 2^31).</summary>
        public int[] Multiplier;

        /// <summary>Per output channel power-of-two exponent, -31..30 (M = Multiplier / 2^31 * 2^Shift).</summary>
        public int[] Shift;

        /// <summary>Op-specific parameters (ParamCount entries), see FORMAT.md.</summary>
        public int[] Params = new int[ParamCount];
    }
}
