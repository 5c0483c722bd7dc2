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
        public int InputH;
        public int InputW;
        public int InputC;
        public int OutputH;
        public int OutputW;
        public int OutputC;
        public int KernelH;
        public int KernelW;
        public int StrideH;
        public int StrideW;
        public int DilationH;
        public int DilationW;
        public int PadTop;
        public int PadLeft;
        public int PadBottom;
        public int PadRight;

        /// <summary>Conv2D only: InputC and OutputC are both multiples of Groups.</summary>
        public int Groups;

        /// <summary>-128..127; padded taps of a convolution hold this value (real zero).</summary>
        public int InputZeroPoint;

        /// <summary>-128..127.</summary>
        public int OutputZeroPoint;

        /// <summary>Fused activation clamp on the int8 output, -128 ≤ ActMin ≤ ActMax ≤ 127.</summary>
        public int ActMin;
        public int ActMax;

        /// <summary>Output extent on one axis for the given input extent, pads, kernel, stride and dilation (≤ 0: empty).</summary>
        public static int OutputExtent(int input, int padBefore, int padAfter, int kernel, int stride, int dilation)
        {
            int span = input + padBefore + padAfter - dilation * (kernel - 1) - 1;
            return span < 0 ? 0 : span / stride + 1;
        }
    }
}
