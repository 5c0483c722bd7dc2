using System;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// The checks a specialised convolution runs on its own arguments, once per call and before any work, as
    /// CMSIS-NN's kernels do behind their wrapper: a wrong dispatch (a shape the kernel does not compute) or an array
    /// too short for the shape throws <see cref="ArgumentException"/> naming the kernel and the violated limit,
    /// instead of writing wrong bytes. Cost: a few dozen IL instructions per call, nothing per pixel or MAC.
    /// The Interpreter picks kernels with each kernel's IsSupported, which is <c>Unsupported(ref p) == null</c>,
    /// so dispatch and the kernel's own check are one rule.
    /// </summary>
    public static class KernelArguments
    {
        /// <summary>
        /// Throws <see cref="ArgumentException"/> "KERNEL: reason" when the shape is malformed, when
        /// <paramref name="unsupported"/> (the kernel's Unsupported(ref p)) is not null, or when an array is too short:
        /// input [H·W·Cin] from inputOffset, weights [Cout·kh·kw·Cin/groups], foldedBias, multiplier and shift [Cout],
        /// output [Ho·Wo·Cout] from outputOffset, scratch [scratchBytes] (not checked when scratchBytes is 0).
        /// </summary>
        public static void CheckConv(
            string kernel,
            string unsupported,
            ref ConvParams p,
            sbyte[] input,
            int inputOffset,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outputOffset,
            sbyte[] scratch,
            int scratchBytes)
        {
            string problem = ConvShapeProblem(ref p);
            if (problem == null)
            {
                problem = unsupported;
            }

            if (problem == null)
            {
                int cout = p.OutputC;
                problem = Span("input", input, inputOffset, p.InputH * p.InputW * p.InputC);
                if (problem == null) problem = Span("weights", weights, 0, cout * p.KernelH * p.KernelW * (p.InputC / p.Groups));
                if (problem == null) problem = Count("foldedBias", foldedBias, cout);
                if (problem == null) problem = Count("multiplier", multiplier, cout);
                if (problem == null) problem = Count("shift", shift, cout);
                if (problem == null) problem = Span("output", output, outputOffset, p.OutputH * p.OutputW * cout);
                if (problem == null && scratchBytes > 0) problem = Span("scratch", scratch, 0, scratchBytes);
            }

            if (problem != null)
            {
                throw new ArgumentException(kernel + ": " + problem);
            }
        }

        /// <summary>
        /// Null when every size, stride, dilation and group count is at least 1, pads are not negative, groups divide
        /// Cin and Cout, and OutputH/OutputW follow from the input, kernel, stride, dilation and pads (an empty output is
        /// well-formed: nothing to compute); else what is wrong.
        /// </summary>
        public static string ConvShapeProblem(ref ConvParams p)
        {
            if (p.InputH < 1 || p.InputW < 1 || p.InputC < 1 || p.OutputC < 1)
            {
                return "input " + p.InputH + "x" + p.InputW + "x" + p.InputC + ", Cout " + p.OutputC + ": every extent must be at least 1";
            }

            if (p.KernelH < 1 || p.KernelW < 1 || p.StrideH < 1 || p.StrideW < 1 || p.DilationH < 1 || p.DilationW < 1 || p.Groups < 1)
            {
                return "kernel " + p.KernelH + "x" + p.KernelW + ", stride " + p.StrideH + "," + p.StrideW + ", dilation "
                    + p.DilationH + "," + p.DilationW + ", groups " + p.Groups + ": each must be at least 1";
            }

            if (p.PadTop < 0 || p.PadLeft < 0 || p.PadBottom < 0 || p.PadRight < 0)
            {
                return "pads " + Pads(ref p) + ": must not be negative";
            }

            if (p.InputC % p.Groups != 0 || p.OutputC % p.Groups != 0)
            {
                return "groups " + p.Groups + " must divide Cin " + p.InputC + " and Cout " + p.OutputC;
            }

            int oh = ConvParams.OutputExtent(p.InputH, p.PadTop, p.PadBottom, p.KernelH, p.StrideH, p.DilationH);
            int ow = ConvParams.OutputExtent(p.InputW, p.PadLeft, p.PadRight, p.KernelW, p.StrideW, p.DilationW);
            if (p.OutputH != oh || p.OutputW != ow)
            {
                return "output " + p.OutputH + "x" + p.OutputW + " does not follow from input " + p.InputH + "x" + p.InputW
                    + ", kernel, stride, dilation and pads (expected " + oh + "x" + ow + ")";
            }

            return null;
        }

        /// <summary>Null when every pad is at most <paramref name="max"/>, else the limit and the pads.</summary>
        public static string PadsAbove(ref ConvParams p, int max)
        {
            if (p.PadTop > max || p.PadLeft > max || p.PadBottom > max || p.PadRight > max)
            {
                return "pads " + Pads(ref p) + " (top, left, bottom, right): each must be at most " + max;
            }

            return null;
        }

        private static string Pads(ref ConvParams p)
        {
            return p.PadTop + "," + p.PadLeft + "," + p.PadBottom + "," + p.PadRight;
        }

        private static string Span(string name, sbyte[] array, int offset, int count)
        {
            if (array == null)
            {
                return name + " is null (expected " + count + " values)";
            }

            if (offset < 0 || offset > array.Length - count)
            {
                return name + ": expected " + count + " values from offset " + offset + ", array holds " + array.Length;
            }

            return null;
        }

        private static string Count(string name, sbyte[] array, int count)
        {
            if (array == null)
            {
                return name + " is null (expected " + count + " values)";
            }

            if (array.Length < count)
            {
                return name + ": expected " + count + " values (one per output channel), got " + array.Length;
            }

            return null;
        }

        private static string Count(string name, int[] array, int count)
        {
            if (array == null)
            {
                return name + " is null (expected " + count + " values)";
            }

            if (array.Length < count)
            {
                return name + ": expected " + count + " values (one per output channel), got " + array.Length;
            }

            return null;
        }
    }
}
