using System;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// A block of convolutions executed row by row, so that its intermediate tensors never exist whole (docs/DESIGN.md,
    /// "Memory"; FORMAT.md op 8). Two shapes of block:
    ///   inverted residual: 1×1 expand (+act) → kh×kw depthwise, multiplier 1, any stride and pads (+act) → 1×1
    ///   project (+act) [→ Add with the block input];
    ///   depthwise-separable: kh×kw depthwise (+act) → 1×1 pointwise (+act) [→ Add with the block input];
    ///   producer → depthwise, no projection (FORMAT.md p4 = 1): a 1×1 expand, or a stem (any convolution a windowed
    ///   kernel computes: DepthwiseConv3x3, DepthwiseConv3x3Multiplier, Conv2DDense, DepthwiseConv), then a kh×kw
    ///   depthwise with multiplier K ≥ 1 whose rows are the block output.
    /// A stem computes the band rows that entered it by its own kernel's Run over the input rows they read (the
    /// same kernel on a slice: pads above and below the slice are the pads of the layer that the slice touches); a
    /// 3×3 depthwise with multiplier above 1 runs DepthwiseConv3x3Multiplier.Run over the band itself (pad columns and
    /// rows are already in it). Both need the kernel's scratch (ScratchBytes).
    ///
    /// Formula: exactly the unfused operators'. Every element is computed by the same arithmetic the unfused ops use
    /// (PointwiseConv.Compute over a few rows of pixels; DepthwiseConv3x3.Rows or DepthwiseConv.Row on
    /// the band; Add.Run over the projected rows), on the same int8 inputs, so the output bytes equal the unfused path's.
    ///
    /// Work area (`work` bytes from workOffset, in the arena, planned by the converter; WorkBytes gives its size), with
    /// R = Rows output rows per step:
    ///   band     (R − 1)·sh + kh rows of (W + pl + pr) · Cexp bytes: the expanded rows top … top + (R − 1)·sh + kh − 1
    ///            (top = oy·sh − pt) that output rows oy … oy + R − 1 read, in PaddedBand's layout (pad columns and
    ///            rows outside 0..H−1 hold zp of the expanded tensor, i.e. real zero);
    ///   dwRows   R · Wo · Cexp bytes: R depthwise output rows;
    ///   projRows R · Wo · Cout bytes, only with the Add: R projected rows before the residual is added (native
    ///            kernels, and a managed last step after a back move), else carried depthwise pixels (Carry).
    /// Per step: the rows already in the band move up (one Array.Copy within the arena; nanoCLR's Array.Copy is a
    /// memmove); the rows that entered it are expanded from the matching input rows, which are consecutive, in one
    /// PointwiseConv.Compute call written back to back and then moved apart to their padded band rows (or copied, without
    /// expand, or set to zp outside the input); then R depthwise rows, one projection of R·Wo pixels, and the residual
    /// Add of input rows oy … oy + R − 1. A 1×1 call whose last part would take three of PointwiseConv's 3-pixel groups
    /// ends in a 12-pixel group instead (TailSplit), and a last step of fewer rows keeps the previous step's depthwise
    /// rows in front of its own for that (both recompute pixels, with the same bytes). Peak bytes = block input + block
    /// output + work, instead of input + the whole expanded tensor.
    ///
    /// Carry (managed, with the expand and a projection, kh ≥ sh): an expand call whose pixel count is not a multiple of
    /// 12 runs on into the next input row up to the next multiple (fewer than W and 12 pixels more, within the input),
    /// where those carried pixels fit in the block's output rows oy … (not written yet; the validator keeps the output
    /// apart from the input, the work area and every live tensor) and, with the pad column after the step's last row,
    /// in the depthwise rows' bytes past the band (free until the depthwise call). The call writes them past the step's
    /// rows; they wait in output row oy on while the depthwise rows run; then the band moves up for the next step at once
    /// and they go to the start of its first new row, whose expand call begins after them. Every expanded pixel is still
    /// computed once, by the same call on the same input bytes, so the band holds the same bytes; the 1×1 calls see
    /// multiples of 12 pixels where a row of W pixels would leave a 3-pixel group.
    /// With the Add (managed) the projection likewise leaves the last pixels of its call to the next step's when that
    /// ends its call on whole 12-pixel groups (or one 3-pixel group where two would be left): up to R·Wo·Cout / Cexp
    /// depthwise pixels, which wait at the end of projRows and go in front of the next step's depthwise rows after its
    /// expand call (pc pixels; dwRows then holds pc + R·Wo pixels, within dwRows and projRows). That projection writes
    /// the output pixels oy·Wo − pc … straight away and the Add rescales them in place (Add reads each element before
    /// it writes it); not in the last step, nor when the last step would be left fewer than 12 pixels.
    ///
    /// Layout: input [H, W, Cin] at inputOffset, output [Ho, Wo, Cout] at outputOffset (NHWC, batch 1), all three in
    /// the same array (the arena); the work area overlaps neither. Ranges and accumulator bounds: those of the member
    /// kernels (PointwiseConv, DepthwiseConv3x3, DepthwiseConv, Add). Allocates nothing when given
    /// PointwiseConv's scratch (packed).
    /// </summary>
    public sealed class FusedBlock
    {
        /// <summary>True for the inverted residual (a 1×1 expand first), false for the depthwise-separable block.</summary>
        public bool HasExpand;

        /// <summary>
        /// Kernel of the stem that produces the band rows (StemNone without a stem): StemDepthwise3x3,
        /// StemDepthwise3x3Multiplier, StemDense or StemDepthwise. A stem's parameters and arrays are the Expand*
        /// fields, ExpandRow then with the stem's full shape (block input → depthwise input): on nanoCLR every struct
        /// field of a class is an object of its own, so the stem has none.
        /// </summary>
        public int StemKernel;

        /// <summary>No stem.</summary>
        public const int StemNone = 0;
        /// <summary>Stem on DepthwiseConv3x3.</summary>
        public const int StemDepthwise3x3 = 1;
        /// <summary>Stem on DepthwiseConv3x3Multiplier.</summary>
        public const int StemDepthwise3x3Multiplier = 2;
        /// <summary>Stem on Conv2DDense.</summary>
        public const int StemDense = 3;
        /// <summary>Stem on DepthwiseConv.</summary>
        public const int StemDepthwise = 4;

        /// <summary>True: DepthwiseConv3x3Multiplier.Run computes the depthwise rows over the band (3×3, multiplier above 1).</summary>
        public bool DepthwiseMultiplierRun;

        /// <summary>
        /// The expand convolution over one input row: InputH = OutputH = 1, InputW = OutputW = W, Cin → Cexp; with a
        /// stem (StemKernel), the stem's full shape.
        /// </summary>
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

        /// <summary>True: DepthwiseConv3x3.Rows computes the depthwise rows (its IsSupported holds), else DepthwiseConv.Row.</summary>
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

        /// <summary>Output rows computed per step (1 or more): the 1×1 stages then see Rows·W pixels per call.</summary>
        public int Rows;

        /// <summary>
        /// Work-area bytes with rows output rows per step: ((rows − 1)·sh + kh)·(W + pl + pr)·Cexp (the band) +
        /// rows·Wo·Cexp (depthwise rows) (+ rows·Wo·Cout with the Add).
        /// </summary>
        public static int WorkBytes(ref ConvParams depthwise, int projectChannels, bool hasAdd, int rows)
        {
            return WorkBytes(ref depthwise, true, projectChannels, hasAdd, rows);
        }

        /// <summary>
        /// As WorkBytes; without a projection (hasProject false) only the band: the depthwise rows go to the output.
        /// (Blocks with a projection have multiplier 1: their depthwise rows are rows·Wo·Cexp.)
        /// </summary>
        public static int WorkBytes(ref ConvParams depthwise, bool hasProject, int projectChannels, bool hasAdd, int rows)
        {
            int bandRows = (rows - 1) * depthwise.StrideH + depthwise.KernelH;
            int band = bandRows * (depthwise.InputW + depthwise.PadLeft + depthwise.PadRight) * depthwise.InputC;
            return hasProject ? band + rows * depthwise.OutputW * (depthwise.InputC + (hasAdd ? projectChannels : 0)) : band;
        }

        /// <summary>Scratch bytes block b needs: its stem kernel's, and DepthwiseConv3x3Multiplier's over the band; else 0.</summary>
        public static int ScratchBytes(FusedBlock b)
        {
            int n = 0;
            if (b.StemKernel == StemDense)
            {
                n = Conv2DDense.GetScratchSize(ref b.ExpandRow);
            }
            else if (b.StemKernel == StemDepthwise)
            {
                n = DepthwiseConv.GetScratchSize(ref b.ExpandRow);
            }
            else if (b.StemKernel == StemDepthwise3x3)
            {
                n = DepthwiseConv3x3.GetScratchSize(ref b.ExpandRow);
            }
            else if (b.StemKernel == StemDepthwise3x3Multiplier)
            {
                n = DepthwiseConv3x3Multiplier.GetScratchSize(ref b.ExpandRow);
            }

            // Over the band: its rows are W + pl + pr wide and unpadded (BandParams), as scratch sizes go.
            int band = b.DepthwiseMultiplierRun ? DepthwiseConv3x3Multiplier.GetScratchSize(ref b.Depthwise) : 0;
            return band > n ? band : n;
        }

        /// <summary>The stem kernel (StemDepthwise3x3 ..) that computes conv p as the Interpreter would pick it, or StemNone.</summary>
        public static int StemKernelOf(ref ConvParams p)
        {
            if (DepthwiseConv3x3.IsSupported(ref p))
            {
                return StemDepthwise3x3;
            }

            if (DepthwiseConv3x3Multiplier.IsSupported(ref p))
            {
                return StemDepthwise3x3Multiplier;
            }

            if (Conv2DDense.IsSupported(ref p))
            {
                return StemDense;
            }

            return DepthwiseConv.IsSupported(ref p) ? StemDepthwise : StemNone;
        }

        /// <summary>
        /// Runs block b: input at inputOffset, output at outputOffset, work area at workOffset, all in arena. packed:
        /// PointwiseConv's scratch for the 1×1 stages, at least PackedLongs(b) longs, or null to allocate it here. Only
        /// for blocks with ScratchBytes(b) = 0; the others need the overload that takes scratch.
        /// </summary>
        public static void Run(FusedBlock b, sbyte[] arena, int inputOffset, int outputOffset, int workOffset, long[] packed)
        {
            Run(b, arena, inputOffset, outputOffset, workOffset, null, null, null, packed);
        }

        /// <summary>Longs of PointwiseConv scratch the block's 1×1 stages need (the larger of their PointwiseConv.PackedLongs).</summary>
        public static int PackedLongs(FusedBlock b)
        {
            int longs = b.HasExpand ? PointwiseConv.PackedLongs(b.ExpandRow.InputC, b.Depthwise.InputC) : 0;
            if (b.ProjectWeights != null)
            {
                int project = PointwiseConv.PackedLongs(b.Depthwise.OutputC, b.ProjectRow.OutputC);
                longs = project > longs ? project : longs;
            }

            return longs;
        }

        /// <summary>
        /// As Run; with native kernels (nativeRows = FusedBlockRows.Pack(b)) each row's expand, depthwise, projection and Add
        /// run through native.Run (tdsc_pointwise_conv, tdsc_depthwise_conv_band_row, tdsc_add on the same offsets), a
        /// stem's slice through its kernel's id and a multiplier run over the band through
        /// tdsc_depthwise_conv_3x3_multiplier, while this loop moves the band: the same calls on the same bytes, so the
        /// same output.
        /// </summary>
        /// <exception cref="InvalidOperationException">a native kernel returned a non-zero status.</exception>
        public static void Run(FusedBlock b, sbyte[] arena, int inputOffset, int outputOffset, int workOffset, INativeKernels native,
            FusedBlockRows nativeRows, sbyte[] scratch, long[] packed)
        {
            if (!RunsNative(b))
            {
                // Shapes without native rows (a stem or a multiplier before a projection) run managed: the same bytes.
                native = null;
            }

            if (native == null && packed == null)
            {
                packed = new long[PackedLongs(b)];
            }

            int inH = b.Depthwise.InputH;
            int inW = b.Depthwise.InputW;
            int cexp = b.Depthwise.InputC;
            int kh = b.Depthwise.KernelH;
            int strideH = b.Depthwise.StrideH;
            int padTop = b.Depthwise.PadTop;
            int outH = b.Depthwise.OutputH;
            int outW = b.Depthwise.OutputW;
            int cin = b.HasExpand ? b.ExpandRow.InputC : cexp;   // a stem reads its own rows (StemRows)
            int cout = b.ProjectWeights != null ? b.ProjectRow.OutputC : b.Depthwise.OutputC;
            int rows = b.Rows;
            int rowBytes = (inW + b.Depthwise.PadLeft + b.Depthwise.PadRight) * cexp;
            int expandedRowBytes = inW * cexp;
            int leftPadBytes = b.Depthwise.PadLeft * cexp;
            int inputRowBytes = inW * cin;
            int outRowBytes = outW * cout;
            int dwRowBytes = outW * b.Depthwise.OutputC;   // (no local for Cdw or the band's rows: Run's frame)
            int dwRows = workOffset + ((rows - 1) * strideH + kh) * rowBytes;   // the band's end
            sbyte zpExpanded = (sbyte)b.Depthwise.InputZeroPoint;

            if (rowBytes != expandedRowBytes)
            {
                // Pad columns: the left of the first row, the right of the last, and the spans between rows.
                if (leftPadBytes > 0)
                {
                    Fill(arena, workOffset, leftPadBytes, zpExpanded, 1, 0);
                }

                if (rowBytes - leftPadBytes > expandedRowBytes)
                {
                    Fill(arena, dwRows - rowBytes + leftPadBytes + expandedRowBytes, rowBytes - leftPadBytes - expandedRowBytes,
                        zpExpanded, 1, 0);
                }

                Fill(arena, workOffset + leftPadBytes + expandedRowBytes, rowBytes - expandedRowBytes, zpExpanded, (rows - 1) * strideH + kh - 1, rowBytes);
            }
            int previousTop = 0;
            int previousEnd = 0;
            int carry = 0;  // expanded pixels of the next step's first band row computed ahead (Carry in the summary)
            int pc = 0;     // depthwise pixels before the step's rows, not projected yet (Carry in the summary)
            for (int oy = 0; oy < outH; oy += rows)
            {
                // This step: output rows oy .. oy + n − 1, which read expanded rows top .. top + needed − 1.
                int n = outH - oy < rows ? outH - oy : rows;
                int m;      // pixels of a 1×1 call, and (part) those of its first PointwiseConv.Compute (TailSplit): one pair
                int part;   // for the expand and the projection (every local is a 12-byte heap block of Run's frame on nanoCLR)
                int top = oy * strideH - padTop;
                int needed = (n - 1) * strideH + kh;

                // Rows already in the band move up; only the rows that entered it are computed.
                int kept = oy > 0 ? previousEnd - top : 0;
                if (kept > 0)
                {
                    if (top != previousTop)
                    {
                        // (Already moved after the previous step's depthwise rows when it carried pixels.)
                        Array.Copy(arena, workOffset + (top - previousTop) * rowBytes, arena, workOffset, kept * rowBytes);
                    }
                }
                else
                {
                    kept = 0;
                }

                previousTop = top;
                previousEnd = top + needed;
                int r = kept;
                while (r < needed)
                {
                    int iy = top + r;
                    int dst = workOffset + r * rowBytes + leftPadBytes;
                    if (iy < 0 || iy >= inH)
                    {
                        Fill(arena, dst, expandedRowBytes, zpExpanded, 1, 0);

                        r++;
                    }
                    else if (b.HasExpand && native != null)
                    {
                        Check(native.Run(NativeKernelIds.PointwiseConv, nativeRows.Expand, arena, inputOffset + iy * inputRowBytes, 0, dst,
                            b.ExpandWeights, b.ExpandFoldedBias, b.ExpandMultiplier, nativeRows.ExpandShift, scratch));
                        r++;
                    }
                    else if (b.HasExpand || b.StemKernel != StemNone)
                    {
                        // Input rows iy .. iy + count − 1 are consecutive: one expand call writes their expanded rows
                        // back to back from dst, then they move apart to their band rows (last first: Array.Copy is a
                        // memmove and every row moves up) and their pad columns are refilled. A stem does the same
                        // from the input rows its window reads.
                        int count = needed - r;
                        if (inH - iy < count)
                        {
                            count = inH - iy;
                        }

                        if (b.HasExpand)
                        {
                            // The carried pixels are already at dst. The call runs on to a multiple of 12 pixels into the
                            // next input row where the carry fits (Carry); else a last part of 7 to 11 pixels runs as one
                            // more 12-pixel group ending at the last pixel (TailSplit).
                            m = count * inW - carry;
                            part = (12 - m % 12) % 12;
                            if (b.ProjectWeights != null && kh >= strideH && part < inW && iy + count < inH && oy + rows < outH
                                && part * cexp <= (outH - oy) * outRowBytes
                                && part * cexp + leftPadBytes <= rows * dwRowBytes)
                            {
                                m += part;
                            }

                            part = TailSplit(m);
                            PointwiseConv.Compute(part, cin, cexp, arena, inputOffset + iy * inputRowBytes + carry * cin, b.ExpandWeights,
                                b.ExpandFoldedBias, b.ExpandMultiplier, b.ExpandShift, arena, dst + carry * cexp, b.ExpandRow.OutputZeroPoint,
                                b.ExpandRow.ActMin, b.ExpandRow.ActMax, packed);
                            if (part < m)
                            {
                                PointwiseConv.Compute(12, cin, cexp, arena, inputOffset + iy * inputRowBytes + (carry + m - 12) * cin, b.ExpandWeights,
                                    b.ExpandFoldedBias, b.ExpandMultiplier, b.ExpandShift, arena, dst + (carry + m - 12) * cexp,
                                    b.ExpandRow.OutputZeroPoint, b.ExpandRow.ActMin, b.ExpandRow.ActMax, packed);
                            }

                            // The pixels past the step's rows wait in the output rows oy .. while the depthwise rows run.
                            carry += m - count * inW;
                            if (carry > 0)
                            {
                                Array.Copy(arena, dst + count * expandedRowBytes, arena, outputOffset + oy * outRowBytes, carry * cexp);
                            }
                        }
                        else
                        {
                            StemRows(b, arena, inputOffset, iy, count, scratch, dst, native, nativeRows, oy / rows);
                        }

                        if (rowBytes != expandedRowBytes && (count > 1 || carry > 0))
                        {
                            for (int q = count - 1; q > 0; q--)
                            {
                                Array.Copy(arena, dst + q * expandedRowBytes, arena, dst + q * rowBytes, expandedRowBytes);
                            }

                            // The pad columns between the moved rows (the only ones the back-to-back rows overwrote), and
                            // after the last one when the call ran on past it.
                            Fill(arena, dst + expandedRowBytes, rowBytes - expandedRowBytes, zpExpanded, carry > 0 ? count : count - 1, rowBytes);
                        }

                        r += count;
                    }
                    else
                    {
                        Array.Copy(arena, inputOffset + iy * inputRowBytes, arena, dst, expandedRowBytes);
                        r++;
                    }
                }

                // A last step of fewer rows, whose 7 to 11 pixels would take three of PointwiseConv's 3-pixel groups: the
                // previous step's last rows move to the front of the depthwise rows and this step's rows follow them, and
                // the projection runs one 12-pixel group ending at the last pixel (recomputing pixels of those rows: the
                // same bytes).
                if (pc > 0)
                {
                    // The depthwise pixels not projected yet go in front of this step's rows (they waited at the end of the
                    // projected rows' bytes while the expand call ran on past the band).
                    Array.Copy(arena, dwRows + rows * (dwRowBytes + outRowBytes) - pc * cexp, arena, dwRows, pc * cexp);
                }

                int back = 0;
                m = n * outW;
                if (native == null && b.ProjectWeights != null && oy > 0 && n < rows && m >= 7 && m < 12 && rows * outW >= 12 && pc == 0)
                {
                    back = rows - n;
                    Array.Copy(arena, dwRows + n * dwRowBytes, arena, dwRows, back * dwRowBytes);
                }

                // Without a projection the depthwise rows are the block's output rows.
                int dwAt = b.ProjectWeights != null ? dwRows + back * dwRowBytes + pc * cexp : outputOffset + oy * dwRowBytes;
                bool rowsDone = true;
                if (b.DepthwiseMultiplierRun && native != null)
                {
                    Check(native.Run(NativeKernelIds.DepthwiseConv3x3Multiplier, n == rows ? nativeRows.Band : nativeRows.BandLast, arena,
                        workOffset, 0, dwAt, b.DepthwiseWeights, b.DepthwiseFoldedBias, b.DepthwiseMultiplier, nativeRows.DepthwiseShift, scratch));
                }
                else if (b.DepthwiseMultiplierRun)
                {
                    ConvParams band = b.Depthwise;
                    BandParams(ref band, n);
                    DepthwiseConv3x3Multiplier.Run(ref band, arena, workOffset, b.DepthwiseWeights, b.DepthwiseFoldedBias, b.DepthwiseMultiplier,
                        b.DepthwiseShift, arena, dwAt, scratch);
                }
                else if (native == null && b.Depthwise3x3)
                {
                    // All n rows in one call: each channel's constants are set up once per step, not once per row.
                    DepthwiseConv3x3.Rows(ref b.Depthwise, arena, workOffset, n, b.DepthwiseWeights, b.DepthwiseFoldedBias,
                        b.DepthwiseMultiplier, b.DepthwiseShift, arena, dwAt);
                }
                else
                {
                    rowsDone = false;
                }

                for (int k = 0; k < n && !rowsDone; k++)
                {
                    int bandRow = workOffset + k * strideH * rowBytes;
                    if (native != null)
                    {
                        Check(native.Run(NativeKernelIds.DepthwiseConvBandRow, nativeRows.Depthwise, arena, bandRow, 0, dwAt + k * dwRowBytes,
                            b.DepthwiseWeights, b.DepthwiseFoldedBias, b.DepthwiseMultiplier, nativeRows.DepthwiseShift, scratch));
                    }
                    else
                    {
                        DepthwiseConv.Row(ref b.Depthwise, arena, bandRow, b.DepthwiseWeights, b.DepthwiseFoldedBias,
                            b.DepthwiseMultiplier, b.DepthwiseShift, arena, dwAt + k * dwRowBytes);
                    }
                }

                if (carry > 0)
                {
                    // The band moves up for the next step now, and the carried pixels go to the start of its first new
                    // row, before the projection and the Add write over output row oy.
                    top = (oy + rows) * strideH - padTop;
                    kept = previousEnd - top;
                    Array.Copy(arena, workOffset + (top - previousTop) * rowBytes, arena, workOffset, kept * rowBytes);
                    previousTop = top;
                    Array.Copy(arena, outputOffset + oy * outRowBytes, arena, workOffset + kept * rowBytes + leftPadBytes, carry * cexp);
                }

                if (b.ProjectWeights == null)
                {
                    continue;
                }

                int outRow = outputOffset + oy * outRowBytes;
                if (native != null)
                {
                    // One output row per call, as nativeRows.Project and nativeRows.Add describe.
                    for (int k = 0; k < n; k++)
                    {
                        int dst = b.HasAdd ? dwRows + rows * dwRowBytes + k * outRowBytes : outRow + k * outRowBytes;
                        Check(native.Run(NativeKernelIds.PointwiseConv, nativeRows.Project, arena, dwRows + k * dwRowBytes, 0, dst,
                            b.ProjectWeights, b.ProjectFoldedBias, b.ProjectMultiplier, nativeRows.ProjectShift, scratch));
                        if (b.HasAdd)
                        {
                            int residual = inputOffset + (oy + k) * inputRowBytes;
                            Check(native.Run(NativeKernelIds.Add, nativeRows.Add, arena, b.ResidualFirst ? residual : dst,
                                b.ResidualFirst ? dst : residual, outRow + k * outRowBytes, nativeRows.NoBytes, nativeRows.NoInts, nativeRows.NoInts, nativeRows.NoInts, scratch));
                        }
                    }

                    continue;
                }

                // Buffer pixel j of the depthwise rows is output pixel (oy − back)·Wo − pc + j; the projection starts at buffer
                // pixel skip. With the Add (not after a back move) it writes the output pixels, which the Add then turns into
                // the block's in place, and, but in the last step, leaves the last m mod 12 pixels (when their depthwise
                // bytes fit in the projected rows' bytes, where they wait) to the next step's call (Carry).
                int skip = back > 0 ? rows * outW - 12 : 0;
                m = back > 0 ? 12 : m + pc;
                part = m % 12;
                if (part * cexp > rows * outRowBytes)
                {
                    part -= 3;  // then one 3-pixel group, not two
                }

                if (!b.HasAdd || back > 0 || m < 12 || oy + rows >= outH || part < 0 || part * cexp > rows * outRowBytes
                    || (outH - oy - rows) * outW + part < 12)
                {
                    part = 0;   // (and a next, last step of fewer than 12 pixels keeps its back move)
                }

                m -= part;
                int dest = b.HasAdd ? (back > 0 ? dwRows + rows * dwRowBytes : outRow - pc * cout) : outRow - back * outRowBytes;
                pc = part;
                part = TailSplit(m);
                PointwiseConv.Compute(part, cexp, cout, arena, dwRows + skip * cexp, b.ProjectWeights, b.ProjectFoldedBias, b.ProjectMultiplier,
                    b.ProjectShift, arena, dest + skip * cout, b.ProjectRow.OutputZeroPoint, b.ProjectRow.ActMin, b.ProjectRow.ActMax, packed);
                if (part < m)
                {
                    skip += m - 12;
                    PointwiseConv.Compute(12, cexp, cout, arena, dwRows + skip * cexp, b.ProjectWeights, b.ProjectFoldedBias,
                        b.ProjectMultiplier, b.ProjectShift, arena, dest + skip * cout, b.ProjectRow.OutputZeroPoint, b.ProjectRow.ActMin,
                        b.ProjectRow.ActMax, packed);
                }

                if (pc > 0)
                {
                    Array.Copy(arena, dwRows + m * cexp, arena, dwRows + rows * (dwRowBytes + outRowBytes) - pc * cexp, pc * cexp);
                }

                if (!b.HasAdd)
                {
                    continue;
                }

                // The Add over the projected pixels: from output pixel oy·Wo on after a back move (this step's rows,
                // projected at dest + back rows), else in place from dest.
                if (back > 0)
                {
                    dest += back * outRowBytes;
                    m = n * outW;
                }
                else
                {
                    outRow = dest;
                }

                Add.Run(ref b.AddP, arena, b.ResidualFirst ? inputOffset + outRow - outputOffset : dest, arena,
                    b.ResidualFirst ? dest : inputOffset + outRow - outputOffset, arena, outRow, m * cout);
            }
        }

        /// <summary>
        /// Pixels of a 1×1 call over pixels consecutive pixels to compute first, in one PointwiseConv.Compute call (the
        /// caller's arrays: input and output regions that do not overlap): all of them, or, when the last part has 7 to
        /// 11 pixels (three of Compute's 3-pixel groups, which execute more IL than one 12-pixel group), the whole
        /// 12-pixel groups before it; the caller then computes the last 12 pixels, ending at the last pixel, which
        /// computes a few pixels of the group before again and writes them with the same bytes. (Not a wrapper around
        /// Compute: one more frame under Compute's would raise the running peak of the heap on nanoCLR.)
        /// </summary>
        private static int TailSplit(int pixels)
        {
            int tail = pixels % 12;
            return pixels > 12 && tail >= 7 ? pixels - tail : pixels;
        }

        /// <summary>
        /// Sets spans (≥ 0) spans of count (≥ 1) bytes, stride bytes apart from a[at] on, to zp: the first by doubling
        /// copies (Array.Copy, a native memmove on nanoCLR, not a store per byte), the others copied from it.
        /// </summary>
        private static void Fill(sbyte[] a, int at, int count, sbyte zp, int spans, int stride)
        {
            if (spans < 1)
            {
                return;
            }

            a[at] = zp;
            int n = 1;
            while (n < count)
            {
                int c = count - n < n ? count - n : n;
                Array.Copy(a, at, a, at + n, c);
                n += c;
            }

            for (int k = 1; k < spans; k++)
            {
                Array.Copy(a, at, a, at + k * stride, count);
            }
        }

        /// <summary>
        /// True when block b has native rows (FusedBlockRows): every producer → depthwise block (p4 = 1), and with a
        /// projection those without a stem and with multiplier 1.
        /// </summary>
        public static bool RunsNative(FusedBlock b)
        {
            return b.ProjectWeights == null || (b.StemKernel == StemNone && b.Depthwise.OutputC == b.Depthwise.InputC);
        }

        /// <summary>
        /// The depthwise convolution over n output rows of the band as its input: (n − 1)·sh + kh rows of W + pl + pr
        /// columns, no pads (the band holds them).
        /// </summary>
        internal static void BandParams(ref ConvParams p, int n)
        {
            p.InputH = (n - 1) * p.StrideH + p.KernelH;
            p.InputW = p.InputW + p.PadLeft + p.PadRight;
            p.PadTop = 0;
            p.PadLeft = 0;
            p.PadBottom = 0;
            p.PadRight = 0;
            p.OutputH = n;
        }

        /// <summary>
        /// Stem output rows oy .. oy + count − 1, written back to back from arena[dst]: the stem's kernel over the input
        /// rows their windows read, with the pads of the layer where the slice touches its top or bottom; with native
        /// kernels the same kernel natively, on the slice parameters FusedBlockRows.Pack packed for this step.
        /// </summary>
        private static void StemRows(FusedBlock b, sbyte[] arena, int inputOffset, int oy, int count, sbyte[] scratch, int dst,
            INativeKernels native, FusedBlockRows nativeRows, int step)
        {
            ConvParams s = b.ExpandRow;
            int at = inputOffset + StemSlice(ref s, oy, count) * s.InputW * s.InputC;
            if (native != null)
            {
                Check(native.Run(nativeRows.StemKernel, nativeRows.Stem[step], arena, at, 0, dst, b.ExpandWeights, b.ExpandFoldedBias,
                    b.ExpandMultiplier, nativeRows.ExpandShift, scratch));
            }
            else if (b.StemKernel == StemDepthwise3x3)
            {
                DepthwiseConv3x3.Run(ref s, arena, at, b.ExpandWeights, b.ExpandFoldedBias, b.ExpandMultiplier, b.ExpandShift, arena, dst, scratch);
            }
            else if (b.StemKernel == StemDepthwise3x3Multiplier)
            {
                DepthwiseConv3x3Multiplier.Run(ref s, arena, at, b.ExpandWeights, b.ExpandFoldedBias, b.ExpandMultiplier, b.ExpandShift, arena, dst, scratch);
            }
            else if (b.StemKernel == StemDense)
            {
                Conv2DDense.Run(ref s, arena, at, b.ExpandWeights, b.ExpandFoldedBias, b.ExpandMultiplier, b.ExpandShift, arena, dst, scratch);
            }
            else
            {
                DepthwiseConv.Run(ref s, arena, at, b.ExpandWeights, b.ExpandFoldedBias, b.ExpandMultiplier, b.ExpandShift, arena, dst, scratch);
            }
        }

        /// <summary>
        /// Turns s, the stem's full shape, into its slice for output rows oy .. oy + count − 1 (pads of the layer where
        /// the slice touches its top or bottom); returns the first input row the slice reads.
        /// </summary>
        internal static int StemSlice(ref ConvParams s, int oy, int count)
        {
            int first = oy * s.StrideH - s.PadTop;
            int last = first + (count - 1) * s.StrideH + (s.KernelH - 1) * s.DilationH;
            int from = first < 0 ? 0 : first;
            int to = last >= s.InputH ? s.InputH - 1 : last;
            s.PadTop = from - first;
            s.PadBottom = last - to;
            s.InputH = to - from + 1;
            s.OutputH = count;
            return from;
        }

        private static void Check(int status)
        {
            if (status != NativeKernelIds.StatusOk)
            {
                throw new InvalidOperationException("FusedBlock: native kernel failed with status " + status);
            }
        }
    }

    /// <summary>
    /// The tdsc_run parameters of a fused block's member rows, packed once when the block runs on native kernels
    /// (only then allocated): expand row (with the expand), the stem's slices (with a stem), depthwise (or its band
    /// with a multiplier run), project row, and the Add over one output row (with the Add); empty blobs for the Add,
    /// which has none (interop cannot pass null).
    /// </summary>
    public sealed class FusedBlockRows
    {
        /// <summary>The expand row's 21 ConvParams fields, or null without an expand.</summary>
        public int[] Expand;
        /// <summary>NativeKernelIds id of the stem's kernel, 0 without a stem.</summary>
        public int StemKernel;
        /// <summary>
        /// With a stem, per step (output rows oy = step·Rows ..) the 21 ConvParams fields of its slice, or null when
        /// the step computes no stem rows; equal consecutive slices share one array (first, middle and last steps).
        /// </summary>
        public int[][] Stem;
        /// <summary>With a multiplier run: the depthwise over a band of Rows output rows, and of the last step's rows.</summary>
        public int[] Band;
        /// <summary>As Band, for the last step (Band when it has Rows rows too).</summary>
        public int[] BandLast;
        /// <summary>The depthwise convolution's 21 ConvParams fields (tdsc_depthwise_conv_band_row).</summary>
        public int[] Depthwise;
        /// <summary>The project row's 21 ConvParams fields.</summary>
        public int[] Project;
        /// <summary>The 12 AddParams fields and one row's element count, or null without the Add.</summary>
        public int[] Add;
        /// <summary>The expand's shifts as the native kernels take them (int32 each), or null without an expand.</summary>
        public int[] ExpandShift;
        /// <summary>The depthwise convolution's shifts, int32 each.</summary>
        public int[] DepthwiseShift;
        /// <summary>The projection's shifts, int32 each.</summary>
        public int[] ProjectShift;
        /// <summary>An empty byte array (the Add's weights).</summary>
        public sbyte[] NoBytes;
        /// <summary>An empty int array (the Add's bias, multiplier, shift).</summary>
        public int[] NoInts;

        /// <summary>Packs block b's rows.</summary>
        public static FusedBlockRows Pack(FusedBlock b)
        {
            var r = new FusedBlockRows();
            if (b.HasExpand)
            {
                r.Expand = NativeKernelIds.PackConv(ref b.ExpandRow, 0);
                r.ExpandShift = Requantize.WidenShifts(b.ExpandShift);
            }

            int outH = b.Depthwise.OutputH;
            int rows = b.Rows;
            if (b.StemKernel != FusedBlock.StemNone)
            {
                r.StemKernel = b.StemKernel == FusedBlock.StemDense ? NativeKernelIds.Conv2DDense
                    : b.StemKernel == FusedBlock.StemDepthwise ? NativeKernelIds.DepthwiseConv : b.StemKernel;
                r.ExpandShift = Requantize.WidenShifts(b.ExpandShift);
                r.Stem = new int[(outH + rows - 1) / rows][];
                int inH = b.Depthwise.InputH;
                int previousEnd = 0;
                int[] last = null;
                for (int step = 0; step < r.Stem.Length; step++)
                {
                    // The band rows FusedBlock.Run computes in this step: those not kept from the previous step and
                    // inside the input, one stem call.
                    int oy = step * rows;
                    int n = outH - oy < rows ? outH - oy : rows;
                    int top = oy * b.Depthwise.StrideH - b.Depthwise.PadTop;
                    int needed = (n - 1) * b.Depthwise.StrideH + b.Depthwise.KernelH;
                    int from = oy > 0 && previousEnd > top ? previousEnd - top : 0;
                    previousEnd = top + needed;
                    if (from < -top)
                    {
                        from = -top;
                    }

                    int iy = top + from;
                    if (from >= needed || iy >= inH)
                    {
                        continue;
                    }

                    ConvParams s = b.ExpandRow;
                    FusedBlock.StemSlice(ref s, iy, needed - from < inH - iy ? needed - from : inH - iy);
                    int[] v = NativeKernelIds.PackConv(ref s, 0);
                    if (last == null || !Same(v, last))
                    {
                        last = v;
                    }

                    r.Stem[step] = last;
                }
            }

            if (b.DepthwiseMultiplierRun)
            {
                ConvParams band = b.Depthwise;
                FusedBlock.BandParams(ref band, rows);
                r.Band = NativeKernelIds.PackConv(ref band, 0);
                band = b.Depthwise;
                FusedBlock.BandParams(ref band, outH - (outH - 1) / rows * rows);
                r.BandLast = NativeKernelIds.PackConv(ref band, 0);
            }

            r.Depthwise = NativeKernelIds.PackConv(ref b.Depthwise, 0);
            r.DepthwiseShift = Requantize.WidenShifts(b.DepthwiseShift);
            if (b.ProjectWeights != null)
            {
                r.Project = NativeKernelIds.PackConv(ref b.ProjectRow, 0);
                r.ProjectShift = Requantize.WidenShifts(b.ProjectShift);
            }

            if (b.HasAdd)
            {
                r.Add = NativeKernelIds.PackAdd(ref b.AddP, b.Depthwise.OutputW * b.ProjectRow.OutputC);
                r.NoBytes = new sbyte[0];
                r.NoInts = new int[0];
            }

            return r;
        }

        private static bool Same(int[] a, int[] b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
