namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Shape and quantization parameters of a 2-D window op (Conv2D and its specialisations, AveragePool, MaxPool).
    /// Tensors are int8 NHWC with batch 1: input [InputH, InputW, InputC], output [OutputH, OutputW, OutputC].
    /// OutputH = (InputH + PadTop + PadBottom − DilationH·(KernelH − 1) − 1) / StrideH + 1 (same for W).
    /// Pools ignore Groups, the zero points except where stated, and use DilationH = DilationW = 1.
    /// </summary>
    public struct ConvParams
    {
        /// <summary>Input height (rows), ≥ 1.</summary>
        public int InputH;
        /// <summary>Input width (columns), ≥ 1.</summary>
        public int InputW;
        /// <summary>Input channels, ≥ 1.</summary>
        public int InputC;
        /// <summary>Output height; follows from the input, kernel, stride, dilation and pads (see the type summary).</summary>
        public int OutputH;
        /// <summary>Output width; follows from the input, kernel, stride, dilation and pads.</summary>
        public int OutputW;
        /// <summary>Output channels (pools: equal to InputC).</summary>
        public int OutputC;
        /// <summary>Window height, ≥ 1.</summary>
        public int KernelH;
        /// <summary>Window width, ≥ 1.</summary>
        public int KernelW;
        /// <summary>Vertical stride, ≥ 1.</summary>
        public int StrideH;
        /// <summary>Horizontal stride, ≥ 1.</summary>
        public int StrideW;
        /// <summary>Vertical distance between taps, ≥ 1.</summary>
        public int DilationH;
        /// <summary>Horizontal distance between taps, ≥ 1.</summary>
        public int DilationW;
        /// <summary>Rows of padding above the input, ≥ 0.</summary>
        public int PadTop;
        /// <summary>Columns of padding left of the input, ≥ 0.</summary>
        public int PadLeft;
        /// <summary>Rows of padding below the input, ≥ 0.</summary>
        public int PadBottom;
        /// <summary>Columns of padding right of the input, ≥ 0.</summary>
        public int PadRight;

        /// <summary>Conv2D only: InputC and OutputC are both multiples of Groups.</summary>
        public int Groups;

        /// <summary>-128..127; padded taps of a convolution hold this value (real zero).</summary>
        public int InputZeroPoint;

        /// <summary>-128..127.</summary>
        public int OutputZeroPoint;

        /// <summary>Fused activation clamp on the int8 output, -128 ≤ ActMin ≤ ActMax ≤ 127.</summary>
        public int ActMin;
        /// <summary>Upper end of the fused activation clamp, ActMin ≤ ActMax ≤ 127.</summary>
        public int ActMax;

        /// <summary>Output extent on one axis for the given input extent, pads, kernel, stride and dilation (≤ 0: empty).</summary>
        public static int OutputExtent(int input, int padBefore, int padAfter, int kernel, int stride, int dilation)
        {
            int span = input + padBefore + padAfter - dilation * (kernel - 1) - 1;
            return span < 0 ? 0 : span / stride + 1;
        }
    }
}
