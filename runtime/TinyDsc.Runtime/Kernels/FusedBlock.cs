using System;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// A block of convolutions executed row by row, so that its intermediate tensors never exist whole (docs/DESIGN.md,
    /// "Memory"; FORMAT.md op 8). Two shapes of block:
    ///   inverted residual: 1×1 expand (+act) → kh×kw depthwise, multiplier 1, any stride and pads (+act) → 1×1
    ///   project (+act) [→ Add with the block input];
    ///   depthwise-separable: kh×kw depthwise (+act) → 1×1 pointwise (+act) [→ Add with the block input].
    ///
    /// Formula: exactly the unfused operators'. Every element is computed by the same kernel code the unfused ops use
    /// (PointwiseConv.Run on one row, DepthwiseConv3x3.Row or DepthwiseConv.Row on the band, Add.Run on one row), on
    /// the same int8 inputs, so the output bytes equal the unfused path's.
    ///
    /// Work area (`work` bytes from workOffset, in the arena, planned by the converter; WorkBytes gives its size):
    ///   band    kh rows of (W + pl + pr) · Cexp bytes: the expanded rows oy·sh − pt … oy·sh − pt + kh − 1 the depthwise
    ///           output row oy reads, in PaddedBand's layout (pad columns and rows outside 0..H−1 hold zp of the
    ///           expanded tensor, i.e. real zero);
    ///   dwRow   Wo · Cexp bytes: one depthwise output row;
    ///   projRow Wo · Cout bytes, only with the Add: one projected row before the residual is added.
    /// Per output row oy: the band moves up by sh rows (one Array.Copy within the arena; nanoCLR's Array.Copy is a
    /// memmove), the rows that entered it are expanded from the matching input rows (or copied, without expand, or
    /// set to zp outside the input), then the depthwise row, the projection, and the residual Add of input row oy.
    /// Peak bytes = block input + block output + work, instead of input + the whole expanded tensor.
    ///
    /// Layout: input [H, W, Cin] at inputOffset, output [Ho, Wo, Cout] at outputOffset (NHWC, batch 1), all three in
    /// the same array (the arena); the work area overlaps neither. Ranges and accumulator bounds: those of the member
    /// kernels (PointwiseConv, DepthwiseConv3x3, DepthwiseConv, Add). Allocates nothing.
    /// </summary>
    public sealed class FusedBlock
    {
        /// <summary>True for the inverted residual (a 1×1 expand first), false for the depthwise-separable block.</summary>
        public bool HasExpand;

        /// <summary>The expand convolution over one input row: InputH = OutputH = 1, InputW = OutputW = W, Cin → Cexp.</summary>
        public ConvParams ExpandRow;
        /// <summary>Expand weights, [Cexp, Cin] int8 (the unfused op's blob).</summary>
        public sbyte[] ExpandWeights;
        /// <summary>Expand bias with the input zero point folded in, one int32 per expanded channel.</summary>
        public int[] ExpandFoldedBias;
        /// <summary>Expand requantization multipliers (Q31), one per expanded channel.</summary>
        public int[] ExpandMultiplier;
        /// <summary>Expand requantization shifts, one per expanded channel.</summary>
        public sbyte[] ExpandShift;

        /// <summary>The depthwise convolution, full shape ([H, W, Cexp] → [Ho, Wo, Cexp], groups = Cexp, dilation 1).</summary>
        public ConvParams Depthwise;

        /// <summary>True: DepthwiseConv3x3.Row computes the depthwise rows (its IsSupported holds), else DepthwiseConv.Row.</summary>
        public bool Depthwise3x3;
        /// <summary>Depthwise weights in the layout of the kernel that runs them (DepthwiseConv3x3 or DepthwiseConv).</summary>
        public sbyte[] DepthwiseWeights;
        /// <summary>Depthwise bias with the input zero point folded in, one int32 per channel.</summary>
        public int[] DepthwiseFoldedBias;
        /// <summary>Depthwise requantization multipliers (Q31), one per channel.</summary>
        public int[] DepthwiseMultiplier;
        /// <summary>Depthwise requantization shifts, one per channel.</summary>
        public sbyte[] DepthwiseShift;

        /// <summary>The projecting 1×1 convolution over one output row: InputH = OutputH = 1, InputW = OutputW = Wo, Cexp → Cout.</summary>
        public ConvParams ProjectRow;
        /// <summary>Projection weights, [Cout, Cexp] int8.</summary>
        public sbyte[] ProjectWeights;
        /// <summary>Projection bias with the input zero point folded in, one int32 per output channel.</summary>
        public int[] ProjectFoldedBias;
        /// <summary>Projection requantization multipliers (Q31), one per output channel.</summary>
        public int[] ProjectMultiplier;
        /// <summary>Projection requantization shifts, one per output channel.</summary>
        public sbyte[] ProjectShift;

        /// <summary>True when the block ends with the residual Add of its input ([H, W, Cin] = [Ho, Wo, Cout]).</summary>
        public bool HasAdd;
        /// <summary>The residual Add's rescaling parameters (used when HasAdd).</summary>
        public AddParams AddP;

        /// <summary>With the Add: true when the block input is the Add's input 0 (the projection its input 1).</summary>
        public bool ResidualFirst;

        /// <summary>Work-area bytes: kh·(W + pl + pr)·Cexp + Wo·Cexp (+ Wo·Cout with the Add).</summary>
        public static int WorkBytes(ref ConvParams depthwise, int projectChannels, bool hasAdd)
        {
            int cexp = depthwise.InputC;
            int band = depthwise.KernelH * (depthwise.InputW + depthwise.PadLeft + depthwise.PadRight) * cexp;
            return band + depthwise.OutputW * cexp + (hasAdd ? depthwise.OutputW * projectChannels : 0);
        }

        /// <summary>Runs block b: input at inputOffset, output at outputOffset, work area at workOffset, all in arena.</summary>
        public static void Run(FusedBlock b, sbyte[] arena, int inputOffset, int outputOffset, int workOffset)
        {
            int inH = b.Depthwise.InputH;
            int inW = b.Depthwise.InputW;
            int cexp = b.Depthwise.InputC;
            int kh = b.Depthwise.KernelH;
            int strideH = b.Depthwise.StrideH;
            int padTop = b.Depthwise.PadTop;
            int outH = b.Depthwise.OutputH;
            int outW = b.Depthwise.OutputW;
            int cin = b.HasExpand ? b.ExpandRow.InputC : cexp;
            int cout = b.ProjectRow.OutputC;
            int rowBytes = (inW + b.Depthwise.PadLeft + b.Depthwise.PadRight) * cexp;
            int expandedRowBytes = inW * cexp;
            int leftPadBytes = b.Depthwise.PadLeft * cexp;
            int inputRowBytes = inW * cin;
            int outRowBytes = outW * cout;
            int dwRow = workOffset + kh * rowBytes;
            int projRow = dwRow + outW * cexp;
            sbyte zpExpanded = (sbyte)b.Depthwise.InputZeroPoint;

            PaddedBand.PadColumnsAt(arena, workOffset, kh, rowBytes, leftPadBytes, expandedRowBytes, zpExpanded);
            int previousTop = 0;
            for (int oy = 0; oy < outH; oy++)
            {
                int top = oy * strideH - padTop;

                // Rows already in the band move up; only the rows that entered it are computed.
                int kept = 0;
                if (oy > 0)
                {
                    kept = kh - (top - previousTop);
                    if (kept > 0)
                    {
                        Array.Copy(arena, workOffset + (kh - kept) * rowBytes, arena, workOffset, kept * rowBytes);
                    }
                    else
                    {
                        kept = 0;
                    }
                }

                previousTop = top;
                for (int r = kept; r < kh; r++)
                {
                    int iy = top + r;
                    int dst = workOffset + r * rowBytes + leftPadBytes;
                    if (iy < 0 || iy >= inH)
                    {
                        for (int i = 0; i < expandedRowBytes; i++)
                        {
                            arena[dst + i] = zpExpanded;
                        }
                    }
                    else if (b.HasExpand)
                    {
                        PointwiseConv.Run(ref b.ExpandRow, arena, inputOffset + iy * inputRowBytes, b.ExpandWeights, b.ExpandFoldedBias,
                            b.ExpandMultiplier, b.ExpandShift, arena, dst);
                    }
                    else
                    {
                        Array.Copy(arena, inputOffset + iy * inputRowBytes, arena, dst, expandedRowBytes);
                    }
                }

                if (b.Depthwise3x3)
                {
                    DepthwiseConv3x3.Row(ref b.Depthwise, arena, workOffset, b.DepthwiseWeights, b.DepthwiseFoldedBias,
                        b.DepthwiseMultiplier, b.DepthwiseShift, arena, dwRow);
                }
                else
                {
                    DepthwiseConv.Row(ref b.Depthwise, arena, workOffset, b.DepthwiseWeights, b.DepthwiseFoldedBias,
                        b.DepthwiseMultiplier, b.DepthwiseShift, arena, dwRow);
                }

                int outRow = outputOffset + oy * outRowBytes;
                if (!b.HasAdd)
                {
                    PointwiseConv.Run(ref b.ProjectRow, arena, dwRow, b.ProjectWeights, b.ProjectFoldedBias,
                        b.ProjectMultiplier, b.ProjectShift, arena, outRow);
                    continue;
                }

                PointwiseConv.Run(ref b.ProjectRow, arena, dwRow, b.ProjectWeights, b.ProjectFoldedBias,
                    b.ProjectMultiplier, b.ProjectShift, arena, projRow);
                int residualRow = inputOffset + oy * inputRowBytes;
                if (b.ResidualFirst)
                {
                    Add.Run(ref b.AddP, arena, residualRow, arena, projRow, arena, outRow, outRowBytes);
                }
                else
                {
                    Add.Run(ref b.AddP, arena, projRow, arena, residualRow, arena, outRow, outRowBytes);
                }
            }
        }
    }
}
