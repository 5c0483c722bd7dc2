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

        /// <summary>The operation (OpCodes: Conv2D, FullyConnected, Add, pools, Reshape).</summary>
        public int OpCode;
        /// <summary>First (for most ops the only) input tensor, an index into Model.Tensors.</summary>
        public int Input0;
        /// <summary>Second input tensor (Add), else -1.</summary>
        public int Input1 = -1;
        /// <summary>Output tensor, an index into Model.Tensors.</summary>
        public int Output;

        /// <summary>Fused activation as an int8 clamp range on the output (no activation: -128..127).</summary>
        public int ActMin = -128;
        /// <summary>Upper end of the fused activation clamp, ActMin ≤ ActMax ≤ 127.</summary>
        public int ActMax = 127;

        /// <summary>Window height (Conv2D, AveragePool, MaxPool), ≥ 1.</summary>
        public int KernelH = 1;
        /// <summary>Window width (Conv2D, AveragePool, MaxPool), ≥ 1.</summary>
        public int KernelW = 1;
        /// <summary>Vertical stride of the window, ≥ 1.</summary>
        public int StrideH = 1;
        /// <summary>Horizontal stride of the window, ≥ 1.</summary>
        public int StrideW = 1;
        /// <summary>Vertical distance between taps (Conv2D), ≥ 1.</summary>
        public int DilationH = 1;
        /// <summary>Horizontal distance between taps (Conv2D), ≥ 1.</summary>
        public int DilationW = 1;
        /// <summary>Rows of padding above the input, ≥ 0; padded taps hold the input zero point (pools: see FORMAT.md).</summary>
        public int PadTop;
        /// <summary>Columns of padding left of the input, ≥ 0.</summary>
        public int PadLeft;
        /// <summary>Rows of padding below the input, ≥ 0.</summary>
        public int PadBottom;
        /// <summary>Columns of padding right of the input, ≥ 0.</summary>
        public int PadRight;
        /// <summary>Conv2D groups: Cin and Cout are multiples of it; Groups = Cin is a depthwise convolution.</summary>
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
