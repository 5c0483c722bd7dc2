using System;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// Depthwise 3×3 int8 convolution with depth multiplier 1, written for an IL interpreter (nanoCLR).
    ///
    /// Formula (same as Conv2DReference with groups = Cin = Cout, kernel 3×3, dilation 1):
    ///   acc = foldedBias[c] + Σ_{ky,kx &lt; 3} q[oy·sh − pt + ky, ox·sw − pl + kx, c] · w[c, ky, kx]
    ///   with padded taps reading zp_in, foldedBias from BiasFolding.Fold(weights, bias, C, 9, zp_in, ·);
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]), actMin, actMax).
    /// Supported: any stride, pads 0..2 on each side (IsSupported).
    ///
    /// Layout: input [H, W, C], output [Ho, Wo, C] (NHWC, batch 1) at the given offsets; weights [C, 3, 3, 1];
    /// foldedBias, multiplier, shift [C]. scratch: at least GetScratchSize(p) bytes from index 0, owned by the caller,
    /// contents on return unspecified; bytes beyond GetScratchSize are not touched.
    /// Ranges: activations -128..127, weights -127..127, multiplier in [2^30, 2^31) or 0, shift -31..30.
    /// Accumulator bound: |acc − bias| ≤ 9·127·255 = 291465, far below 2^31.
    ///
    /// How it stays cheap per MAC: for each output row the three input rows it needs are copied (PaddedBand, Array.Copy)
    /// into a scratch band of width W + pl + pr whose pad columns and pad rows hold zp_in, so the inner loop has no
    /// bounds tests; a channel's nine weights, bias and requantization constants sit in locals while the loop walks
    /// one output row for that channel; the nine taps are unrolled with precomputed offsets and requantization is
    /// inlined (see Requantize for the exact-equivalence argument). The band holds, in order of preference: all band
    /// rows of a group of channels (channel constants set up once per call); or, for rows of at most
    /// MaxReloadedRowBytes, the three rows of all channels reloaded channel by channel before each output row; or the
    /// three rows of all channels, all channels per output row. At stride 2 with pads 0 or 1, at least two output rows and
    /// columns and every channel packed, there is no band (direct mode): the rows are read in place from the input; the
    /// output rows under or over a pad row run on their two input rows with the pad row's taps as a constant, and the
    /// output column over a pad column on the right is summed in a pass of its own.
    ///
    /// Packed rows (most channels, see Channels): the sums of three (stride 1) or two (stride 2) neighbouring outputs
    /// share one long in 21-bit fields (bits 43–63, 22–42 and 1–21), each band byte multiplied once by the packed
    /// weights of the outputs it feeds; at stride 2 in both directions three output rows run together, loading their
    /// shared band rows once. The finished output is the top field, read by one arithmetic shift; the
    /// lower fields carry FieldOffset so that they never borrow from it. Requantization by windows: per channel,
    /// y = floor((f·m·2^left + k) / 2^right) lies in actMin..actMax exactly for the fields f of one interval (two
    /// without a ReLU-type clamp: one for acc ≥ 0 with k, one for acc &lt; 0 with kNeg), found once per channel by
    /// division since y rises with f. A field in the window is stored by one multiply and shift; any other is stored
    /// as actMin (below) or actMax (above) without either. Under a ReLU-type clamp (ActMin ≥ zp_out) k serves
    /// every field: a negative accumulator gives y ≤ zp_out ≤ actMin with either constant.
    /// </summary>
    public static class DepthwiseConv3x3
    {
        /// <summary>True when this kernel computes the layer (3×3, groups = Cin = Cout, dilation 1, pads ≤ 2).</summary>
        public static bool IsSupported(ref ConvParams p)
        {
            return KernelArguments.ConvShapeProblem(ref p) == null && Unsupported(ref p) == null;
        }

        /// <summary>Null when this kernel computes the well-formed layer p, else the limit it violates (Run throws it).</summary>
        public static string Unsupported(ref ConvParams p)
        {
            if (p.KernelH != 3 || p.KernelW != 3)
            {
                return "kernel " + p.KernelH + "x" + p.KernelW + " is not 3x3";
            }

            if (p.Groups != p.InputC || p.OutputC != p.InputC)
            {
                return "groups " + p.Groups + ", Cin " + p.InputC + ", Cout " + p.OutputC + ": needs groups = Cin = Cout (depth multiplier 1)";
            }

            if (p.DilationH != 1 || p.DilationW != 1)
            {
                return "dilation " + p.DilationH + "," + p.DilationW + " is not 1,1";
            }

            return KernelArguments.PadsAbove(ref p, 2);
        }

        /// <summary>Scratch bytes Run needs: three padded input rows, 3 · (W + pl + pr) · C.</summary>
        public static int GetScratchSize(ref ConvParams p)
        {
            return 3 * (p.InputW + p.PadLeft + p.PadRight) * p.InputC;
        }

        /// <summary>Computes the layer as the class summary states; first checks its arguments once (KernelArguments.CheckConv) and throws ArgumentException naming the violated limit.</summary>
        public static void Run(
            ref ConvParams p,
            sbyte[] input,
            int inputOffset,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outputOffset,
            sbyte[] scratch)
        {
            KernelArguments.CheckConv("DepthwiseConv3x3", Unsupported(ref p), ref p, input, inputOffset, weights, foldedBias, multiplier, shift,
                output, outputOffset, scratch, GetScratchSize(ref p));
            int inW = p.InputW;
            int inH = p.InputH;
            int channels = p.InputC;
            int padW = inW + p.PadLeft + p.PadRight;
            int rowBytes = padW * channels;
            int inRowBytes = inW * channels;
            sbyte zpIn = (sbyte)p.InputZeroPoint;

            // Direct mode (stride 2, pads 0 or 1, every channel packed): the input itself is the band, nothing is
            // copied; the rows under or over a pad row and the column over a pad column on the right are computed
            // from the input's rows and columns they read, the pads as constants (Channels).
            if (p.StrideH == 2 && p.StrideW == 2 && p.PadLeft <= 1 && p.PadTop <= 1 && p.PadRight <= 1 && p.PadBottom <= 1
                && inH >= 3 && inW >= 3 && p.OutputH >= 2 && p.OutputW >= 2)
            {
                int c = 0;
                while (c < channels && Packs(shift[c], foldedBias[c]) && multiplier[c] != 0)
                {
                    c++;
                }

                if (c == channels)
                {
                    Channels(ref p, input, inputOffset - p.PadTop * inRowBytes - p.PadLeft * channels, channels, 0, channels, p.OutputH, weights, foldedBias,
                        multiplier, shift, output, outputOffset, null, 0, true);
                    return;
                }
            }

            // Every band row the output needs, for a group of channels: the scratch holds 3 rows of all channels,
            // so 3·C / rows channels. With 4 or more per group, each channel's constants are set up once per call
            // instead of once per output row.
            int rows = (p.OutputH - 1) * p.StrideH + 3;
            int group = 3 * channels / rows;
            if (p.OutputH > 1 && group >= 4)
            {
                if (group > channels)
                {
                    group = channels;
                }

                // Band [rows][W + pl + pr][group]: pad columns and pad rows hold zp_in for every group.
                int groupRowBytes = padW * group;
                int interior = inW * group;
                PaddedBand.PadColumns(scratch, rows, groupRowBytes, p.PadLeft * group, interior, zpIn);
                for (int y = 0; y < rows; y++)
                {
                    int iy = y - p.PadTop;
                    if (iy < 0 || iy >= inH)
                    {
                        int start = y * groupRowBytes + p.PadLeft * group;
                        for (int i = start; i < start + interior; i++)
                        {
                            scratch[i] = zpIn;
                        }
                    }
                }

                int lastRow = rows - p.PadTop < inH ? rows - p.PadTop : inH;
                for (int c0 = 0; c0 < channels; c0 += group)
                {
                    int n = channels - c0 < group ? channels - c0 : group;
                    for (int iy = 0; iy < lastRow; iy++)
                    {
                        int src = inputOffset + iy * inRowBytes + c0;
                        int dst = (iy + p.PadTop) * groupRowBytes + p.PadLeft * group;
                        int srcEnd = src + inRowBytes;
                        while (src < srcEnd)
                        {
                            Array.Copy(input, src, scratch, dst, n);
                            src += channels;
                            dst += group;
                        }
                    }

                    Channels(ref p, scratch, 0, group, c0, c0 + n, p.OutputH, weights, foldedBias, multiplier, shift, output, outputOffset, null, 0, false);
                }

                return;
            }

            // Pad columns of the band hold zp_in for the whole call; row loads only write between them.
            int leftPadBytes = p.PadLeft * channels;
            int outRowBytes = p.OutputW * channels;
            PaddedBand.PadColumns(scratch, 3, rowBytes, leftPadBytes, inRowBytes, zpIn);
            if (rowBytes <= MaxReloadedRowBytes)
            {
                // Narrow rows: channel by channel, reloading the three band rows (all channels, Array.Copy) before each
                // output row, so that a channel's constants are set up once per call instead of once per output row.
                Channels(ref p, scratch, 0, channels, 0, channels, p.OutputH, weights, foldedBias, multiplier, shift, output, outputOffset, input, inputOffset, false);
                return;
            }

            for (int oy = 0; oy < p.OutputH; oy++)
            {
                PaddedBand.LoadRows(input, inputOffset, inH, inRowBytes, oy * p.StrideH - p.PadTop, 1, 3, scratch, rowBytes, leftPadBytes, zpIn);
                Channels(ref p, scratch, 0, channels, 0, channels, 1, weights, foldedBias, multiplier, shift, output, outputOffset + oy * outRowBytes, null, 0, false);
            }
        }

        /// <summary>
        /// True when a channel with shift s and folded bias b takes the packed rows: shift −22..8 and
        /// |b| ≤ 2^(30 − max(s, 0)) (Channels; a zero multiplier takes the unpacked rows too).
        /// </summary>
        private static bool Packs(int s, int b)
        {
            int left = s > 0 ? s : 0;
            return (uint)(s + 22) <= 30u && (uint)(b + (0x40000000 >> left)) <= 0x80000000u >> left;
        }

        /// <summary>Start of an empty window of kNeg: beyond every field, so the window test fails (see FieldReach).</summary>
        private const long EmptyWindow = 1L << 22;

        /// <summary>
        /// Offset of a packed field: field = FieldOffset + the sum of the taps' products so far, within
        /// FieldOffset ± 9·128·127 (&lt; 2^18 = FieldReach) and so within 0..2^21 − 1 in the middle and low fields.
        /// </summary>
        private const long FieldOffset = 1L << 20;

        /// <summary>Bound on |field − FieldOffset|: f − pLo with pLo within FieldOffset ± FieldReach lies within ±2^19, a 21-bit top field.</summary>
        private const long FieldReach = 1L << 18;

        /// <summary>
        /// Widest band row ((W + pl + pr) · C bytes) that Run reloads once per channel and output row: copying three such
        /// rows is a native memory copy of at most 3 KB, far cheaper on nanoCLR than the ~250–330 IL of a channel's
        /// setup (packed weights and requantization windows) it saves. (512 before the windows made the setup dearer:
        /// a 56×56×16 stride-2 layer with pads 0, 0, 1, 1, 912-byte rows, 12.1 → 12.4 IL/MAC with the windows, 11.0 reloaded.)
        /// </summary>
        private const int MaxReloadedRowBytes = 1024;

        /// <summary>
        /// Band rows 0..2 (rowBytes apart from band[0], between the pad columns) receive input rows t·sh − pt + 0..2,
        /// or zp_in for rows outside the input (filled by doubling copies).
        /// </summary>
        private static void Reload(ref ConvParams p, sbyte[] input, int inputOffset, sbyte[] band, int rowBytes, int t)
        {
            int inRowBytes = p.InputW * p.InputC;
            int iy = t * p.StrideH - p.PadTop;
            int dst = p.PadLeft * p.InputC;
            if (iy >= 0 && iy + 2 < p.InputH)
            {
                // All three rows inside the input (every output row but those near the top and bottom pads).
                int src = inputOffset + iy * inRowBytes;
                Array.Copy(input, src, band, dst, inRowBytes);
                Array.Copy(input, src + inRowBytes, band, dst + rowBytes, inRowBytes);
                Array.Copy(input, src + 2 * inRowBytes, band, dst + 2 * rowBytes, inRowBytes);
                return;
            }

            for (int r = 0; r < 3; r++)
            {
                if ((uint)iy < (uint)p.InputH)
                {
                    Array.Copy(input, inputOffset + iy * inRowBytes, band, dst, inRowBytes);
                }
                else
                {
                    band[dst] = (sbyte)p.InputZeroPoint;
                    for (int n = 1; n < inRowBytes; n += n)
                    {
                        Array.Copy(band, dst, band, dst + n, n < inRowBytes - n ? n : inRowBytes - n);
                    }
                }

                iy++;
                dst += rowBytes;
            }
        }

        /// <summary>
        /// `rows` consecutive output rows from a padded band (PaddedBand layout: rows of (W + pl + pr) · C bytes from
        /// band[bandOffset], pad columns and pad rows holding zp_in; output row t's windows start at band row
        /// t · stride): output[outRow ..] receives rows · Wo · C values. FusedBlock calls it on its band of expanded rows.
        /// </summary>
        internal static void Rows(
            ref ConvParams p,
            sbyte[] band,
            int bandOffset,
            int rows,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outRow)
        {
            Channels(ref p, band, bandOffset, p.InputC, 0, p.InputC, rows, weights, foldedBias, multiplier, shift, output, outRow, null, 0, false);
        }

        /// <summary>
        /// Channels c0 ≤ c &lt; c1 of `rows` consecutive output rows from output[outRow ..], over a padded band from
        /// band[bandOffset] that holds channels c0.. with channel stride bandC: band row y, column x, channel c at
        /// bandOffset + (y·(W + pl + pr) + x)·bandC + c − c0; output row t's windows start at band row t·stride.
        /// With input non-null (Run's reload mode: bandOffset 0, bandC = C, a three-row band) band rows 0..2 are
        /// reloaded from the input (Reload) before every output row instead. With direct (Run's direct mode, stride 2,
        /// every channel packed) the band is the input itself, rows W·C bytes apart, bandOffset at band row 0 column 0,
        /// i.e. input row −pt and column −pl: a pad row or column there, and the pad row or column past the input's
        /// end, is never read (the stride-2 edge rows and last-column pass take them as zp_in).
        /// </summary>
        private static void Channels(
            ref ConvParams p,
            sbyte[] band,
            int bandOffset,
            int bandC,
            int c0,
            int c1,
            int rows,
            sbyte[] weights,
            int[] foldedBias,
            int[] multiplier,
            sbyte[] shift,
            sbyte[] output,
            int outRow,
            sbyte[] input,
            int inputOffset,
            bool direct)
        {
            int channels = p.InputC;
            int outW = p.OutputW;
            int rowBytes = (direct ? p.InputW : p.InputW + p.PadLeft + p.PadRight) * bandC;
            int bandRowStep = input == null ? p.StrideH * rowBytes : 0;
            int outRowBytes = outW * channels;
            int zpOut = p.OutputZeroPoint;
            int actMin = p.ActMin;
            int actMax = p.ActMax;

            // Offsets of the nine taps from the top-left tap, in the band.
            int o1 = bandC;
            int o2 = 2 * bandC;
            int o3 = rowBytes;
            int o4 = rowBytes + bandC;
            int o5 = rowBytes + 2 * bandC;
            int o6 = 2 * rowBytes;
            int o7 = 2 * rowBytes + bandC;
            int o8 = 2 * rowBytes + 2 * bandC;
            int step = p.StrideW * bandC;
            int rowSpan = outW * step;
            long nudge = 0x40000000L;

            // Packed path (class summary): stride 1 or 2, and per channel shift −22..8, |folded bias| ≤ 2^(30 − max(shift, 0))
            // and a multiplier other than 0 (the windows divide by it); other channels take the unpacked loops below.
            bool packed = p.StrideW <= 2;
            bool top = direct && p.PadTop > 0;

            // Direct mode: the last output row's window over a pad row at the bottom (bottom; rows then counts the other
            // rows), and the last output column's over a pad column on the right (lastCol: the bytes the row loops leave
            // to a pass of their own).
            bool bottom = direct && 2 * p.OutputH - p.PadTop >= p.InputH;
            int lastCol = direct && 2 * outW - p.PadLeft >= p.InputW ? channels : 0;
            if (bottom)
            {
                rows--;
            }
            bool relu = actMin >= zpOut;
            int range = actMax - actMin;
            long rangeL = range;
            long actMinL = actMin;
            sbyte lo = (sbyte)actMin;
            sbyte hi = (sbyte)actMax;
            long zpTerm = actMin - zpOut;
            bool leftPadded = p.PadLeft > 0;

            // Band rows 3..6 below a window's top row (the second and third output rows of a stride-2
            // triple), and their second column.
            bool triples = input == null && p.StrideH == 2;
            int o9 = 3 * rowBytes;
            int o10 = o9 + bandC;
            int o12 = 4 * rowBytes;
            int o13 = o12 + bandC;
            int o15 = 5 * rowBytes;
            int o16 = o15 + bandC;
            int o18 = 6 * rowBytes;
            int o19 = o18 + bandC;
            int outRows2 = 2 * outRowBytes;

            // Loop variables shared by all row loops (one frame slot each; issue 11 counts frames in the heap). Before
            // the loops a channel's setup borrows v, e, u and h for its temporaries; w0, w3 and w6 (the taps w[r,0]),
            // t, cst (the constant added with every shift) and b0 (the fields before column 1) serve every path.
            int i, oi, end, t, w0, w3, w6;
            long a, d, g, v, e, u, h, f, cst, b0;
            for (int c = c0; c < c1; c++)
            {
                int b = foldedBias[c];
                int s = shift[c];
                int wb = c * 9;
                int bandStart = bandOffset + c - c0;
                int outStart = outRow + c;
                int left = s > 0 ? s : 0;
                // Packs's test written out (direct mode has made it for every channel): a call per channel would cost
                // the fused blocks' one-row steps once per row.
                if (packed && (direct || (uint)(s + 22) <= 30u && (uint)(b + (0x40000000 >> left)) <= 0x80000000u >> left && multiplier[c] != 0))
                {
                    // |acc| < 2^(30 − left) + 2^18, so acc·2^left does not wrap and is the reference's acc << left.
                    long pm = (long)multiplier[c] << left;
                    int right = 31 + left - s;

                    // Requantize.OneStepNudge(s, ·) with the folded bias less the field offset 2^20, and zpOut − actMin,
                    // folded in: y − actMin = floor((field·m·2^left + k) / 2^right), k for acc ≥ 0, kNeg for acc < 0.
                    long k = (s < 0 ? (1L << right - 1) + 0x40000000L : 0x40000000L) + (long)(b - 0x100000) * pm - (zpTerm << right);
                    long kNeg = s < 0 ? k - 0x80000000L : k;

                    // acc = field − 2^20 + b is negative exactly when field < 2^20 − b.
                    long negBelow = 0x100000 - b;

                    // Every row loop below stores an output by the same three-way test on f (window of k, below fLo, window
                    // of kNeg), written out in each loop on purpose: a call per output would cost nanoCLR about ten IL.
                    // Windows of the field (class summary): q = floor((f·pm + k) / 2^right) lies in 0..range
                    // exactly for pLo ≤ f ≤ pLo + pSpan (k) or nLo ≤ f ≤ nLo + nSpan (kNeg, acc < 0), and is
                    // below 0 exactly for f < fLo. Under a ReLU-type clamp k serves every field.
                    // (Long division truncates towards zero: ceil(n / pm) and floor(n / pm) are one step from n / pm.)
                    // v = lim: q ≤ range exactly when f·pm + k < lim.
                    v = (rangeL + 1) << right;
                    long fLo = -k / pm;
                    if (fLo * pm < -k)
                    {
                        fLo++;
                    }

                    // e = pHi, the last field with q ≤ range under k.
                    e = (v - 1 - k) / pm;
                    if (e * pm > v - 1 - k)
                    {
                        e--;
                    }

                    long pLo = fLo;
                    long nLo = EmptyWindow;
                    long nSpan = 0;
                    if (!relu)
                    {
                        pLo = fLo > negBelow ? fLo : negBelow;
                        nLo = -kNeg / pm;
                        if (nLo * pm < -kNeg)
                        {
                            nLo++;
                        }

                        // u = nHi, the last field with q ≤ range under kNeg, and below negBelow.
                        u = (v - 1 - kNeg) / pm;
                        if (u * pm > v - 1 - kNeg)
                        {
                            u--;
                        }

                        if (u >= negBelow)
                        {
                            u = negBelow - 1;
                        }

                        fLo = nLo < negBelow ? nLo : pLo;
                        if (u < nLo)
                        {
                            nLo = EmptyWindow;
                            u = nLo;
                        }

                        nSpan = u - nLo;
                    }

                    // Every field lies within FieldOffset ± FieldReach, so with pLo clamped there the loops read
                    // f − pLo as the signed top field (a >> 43) and the window test is one unsigned compare.
                    if (pLo < FieldOffset - FieldReach)
                    {
                        pLo = FieldOffset - FieldReach;
                    }

                    if (pLo > FieldOffset + FieldReach)
                    {
                        pLo = FieldOffset + FieldReach;
                    }

                    if (e < pLo)
                    {
                        pLo = FieldOffset + FieldReach;
                        e = pLo;
                    }

                    long pSpan = e - pLo;
                    fLo -= pLo;
                    nLo -= pLo;

                    // The store reads f − pLo and adds actMin back: y = floor(((f − pLo)·pm + k + pLo·pm + actMin·2^right) / 2^right).
                    h = (actMinL << right) + pLo * pm;
                    k += h;
                    kNeg += h;

                    if (p.StrideW == 2)
                    {
                        // Two fields: column 2x + 1 adds w[r,1] to output x (top field), column 2x + 2 adds w[r,2] to
                        // output x (top) and w[r,0] to output x + 1 (middle field).
                        long po0 = (long)weights[wb + 1] << 43;
                        long po1 = (long)weights[wb + 4] << 43;
                        long po2 = (long)weights[wb + 7] << 43;
                        w0 = weights[wb];
                        w3 = weights[wb + 3];
                        w6 = weights[wb + 6];
                        long pe0 = ((long)weights[wb + 2] << 43) + ((long)w0 << 22);
                        long pe1 = ((long)weights[wb + 5] << 43) + ((long)w3 << 22);
                        long pe2 = ((long)weights[wb + 8] << 43) + ((long)w6 << 22);
                        b0 = (FieldOffset + p.InputZeroPoint * (w0 + w3 + w6)) << 22;
                        cst = (-pLo << 43) + (FieldOffset << 22);

                        // Direct mode's edge rows, each over two input rows and a pad row (added as zp_in·w[r,·] in every pass):
                        // t = 0, output row 0 under the top pad row (window rows 1 and 2 are the input's rows 0 and 1);
                        // t = 1, the last output row over the bottom pad row (window rows 0 and 1 are the input's last two).
                        for (t = top ? 0 : 1; t < (bottom ? 2 : 1); t++)
                        {
                            if (t == 0)
                            {
                                d = po1;
                                g = po2;
                                u = pe1;
                                h = pe2;
                                e = cst + p.InputZeroPoint * (po0 + pe0);
                                i = bandStart + rowBytes;
                                oi = outStart;
                                a = leftPadded ? b0 : (FieldOffset + p.InputZeroPoint * w0 + band[i] * w3 + band[i + o3] * w6) << 22;
                            }
                            else
                            {
                                d = po0;
                                g = po1;
                                u = pe0;
                                h = pe1;
                                e = cst + p.InputZeroPoint * (po2 + pe2);
                                i = bandStart + rows * bandRowStep;
                                oi = outStart + rows * outRowBytes;
                                a = leftPadded ? b0 : (FieldOffset + band[i] * w0 + band[i + o3] * w3 + p.InputZeroPoint * w6) << 22;
                            }

                            end = oi + outRowBytes - lastCol;
                            i += bandC;
                            while (oi < end)
                            {
                                a = (a << 21) + e + band[i] * d + band[i + o3] * g + band[i + o1] * u + band[i + o4] * h;
                                f = a >> 43;
                                if ((ulong)f <= (ulong)pSpan)
                                {
                                    output[oi] = (sbyte)((f * pm + k) >> right);
                                }
                                else if (f < fLo)
                                {
                                    output[oi] = lo;
                                }
                                else
                                {
                                    output[oi] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                                }

                                i += o2;
                                oi += channels;
                            }
                        }

                        t = top ? 1 : 0;
                        // Rows of a triple (t, t + 1, t + 2) share the band rows between their windows (band row 2t + 2 is
                        // row 2 of t's window and row 0 of t + 1's), each loaded once; one or two rows left run singly.
                        while (t < rows)
                        {
                            i = bandStart + t * bandRowStep;
                            oi = outStart + t * outRowBytes;
                            end = oi + outRowBytes - lastCol;
                            if (triples && rows - t >= 3)
                            {
                                a = leftPadded ? b0 : (FieldOffset + (band[i] * w0 + band[i + o3] * w3 + band[i + o6] * w6)) << 22;
                                d = leftPadded ? b0 : (FieldOffset + (band[i + o6] * w0 + band[i + o9] * w3 + band[i + o12] * w6)) << 22;
                                g = leftPadded ? b0 : (FieldOffset + (band[i + o12] * w0 + band[i + o15] * w3 + band[i + o18] * w6)) << 22;
                                i += bandC;
                                while (oi < end)
                                {
                                    v = band[i + o6];
                                    e = band[i + o7];
                                    u = band[i + o12];
                                    h = band[i + o13];
                                    a = (a << 21) + cst + band[i] * po0 + band[i + o3] * po1 + v * po2
                                        + band[i + o1] * pe0 + band[i + o4] * pe1 + e * pe2;
                                    d = (d << 21) + cst + v * po0 + band[i + o9] * po1 + u * po2
                                        + e * pe0 + band[i + o10] * pe1 + h * pe2;
                                    g = (g << 21) + cst + u * po0 + band[i + o15] * po1 + band[i + o18] * po2
                                        + h * pe0 + band[i + o16] * pe1 + band[i + o19] * pe2;
                                    f = a >> 43;
                                    if ((ulong)f <= (ulong)pSpan)
                                    {
                                        output[oi] = (sbyte)((f * pm + k) >> right);
                                    }
                                    else if (f < fLo)
                                    {
                                        output[oi] = lo;
                                    }
                                    else
                                    {
                                        output[oi] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                                    }

                                    f = d >> 43;
                                    if ((ulong)f <= (ulong)pSpan)
                                    {
                                        output[oi + outRowBytes] = (sbyte)((f * pm + k) >> right);
                                    }
                                    else if (f < fLo)
                                    {
                                        output[oi + outRowBytes] = lo;
                                    }
                                    else
                                    {
                                        output[oi + outRowBytes] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                                    }

                                    f = g >> 43;
                                    if ((ulong)f <= (ulong)pSpan)
                                    {
                                        output[oi + outRows2] = (sbyte)((f * pm + k) >> right);
                                    }
                                    else if (f < fLo)
                                    {
                                        output[oi + outRows2] = lo;
                                    }
                                    else
                                    {
                                        output[oi + outRows2] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                                    }

                                    i += o2;
                                    oi += channels;
                                }

                                t += 3;
                                continue;
                            }

                            if (input != null)
                            {
                                Reload(ref p, input, inputOffset, band, rowBytes, t);
                            }

                            // Column 0 into output 0's field (the field of output −1 is discarded).
                            a = leftPadded ? b0 : (FieldOffset + (band[i] * w0 + band[i + o3] * w3 + band[i + o6] * w6)) << 22;
                            i += bandC;
                            while (oi < end)
                            {
                                a = (a << 21) + cst + band[i] * po0 + band[i + o3] * po1 + band[i + o6] * po2
                                    + band[i + o1] * pe0 + band[i + o4] * pe1 + band[i + o7] * pe2;
                                f = a >> 43;
                                if ((ulong)f <= (ulong)pSpan)
                                {
                                    output[oi] = (sbyte)((f * pm + k) >> right);
                                }
                                else if (f < fLo)
                                {
                                    output[oi] = lo;
                                }
                                else
                                {
                                    output[oi] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                                }

                                i += o2;
                                oi += channels;
                            }

                            t++;
                        }

                        if (lastCol != 0)
                        {
                            // Direct mode, the last output column over the right pad column: its taps in columns W − 2 and
                            // W − 1 and zp_in for the pad column and pad rows, summed directly, one output row after another.
                            e = FieldOffset - pLo + p.InputZeroPoint * (weights[wb + 2] + weights[wb + 5] + weights[wb + 8]);
                            for (t = 0; t < rows + (bottom ? 1 : 0); t++)
                            {
                                // Window rows 0..2 at band row 2t (row 1 is always an input row; row 0 is the pad row for
                                // t = 0 under a top pad, row 2 for the last row over a bottom pad), columns 2·Wo − 2, 2·Wo − 1.
                                i = bandStart + t * bandRowStep + (2 * outW - 2) * bandC;
                                f = e + band[i + o3] * w3 + band[i + o4] * weights[wb + 4]
                                    + (t == 0 && top ? p.InputZeroPoint * (w0 + weights[wb + 1]) : band[i] * w0 + band[i + o1] * weights[wb + 1])
                                    + (t == rows && bottom ? p.InputZeroPoint * (w6 + weights[wb + 7]) : band[i + o6] * w6 + band[i + o7] * weights[wb + 7]);
                                oi = outStart + t * outRowBytes + outRowBytes - channels;
                                if ((ulong)f <= (ulong)pSpan)
                                {
                                    output[oi] = (sbyte)((f * pm + k) >> right);
                                }
                                else if (f < fLo)
                                {
                                    output[oi] = lo;
                                }
                                else
                                {
                                    output[oi] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                                }
                            }
                        }

                        continue;
                    }

                    // Band row r's weights in one long: top field ← w[r,2], middle ← w[r,1], low ← w[r,0].
                    long pw0 = ((long)weights[wb + 2] << 43) + ((long)weights[wb + 1] << 22) + ((long)weights[wb] << 1);
                    long pw1 = ((long)weights[wb + 5] << 43) + ((long)weights[wb + 4] << 22) + ((long)weights[wb + 3] << 1);
                    long pw2 = ((long)weights[wb + 8] << 43) + ((long)weights[wb + 7] << 22) + ((long)weights[wb + 6] << 1);
                    cst = (-pLo << 43) + (FieldOffset << 1);

                    // Middle and low fields at FieldOffset, plus column 0 when it is a pad column (zp_in in every band row).
                    b0 = (FieldOffset << 22) + (FieldOffset << 1) + p.InputZeroPoint * (pw0 + pw1 + pw2);
                    for (t = 0; t < rows; t++)
                    {
                        if (input != null)
                        {
                            Reload(ref p, input, inputOffset, band, rowBytes, t);
                        }

                        i = bandStart + t * bandRowStep;
                        oi = outStart + t * outRowBytes;
                        end = oi + outRowBytes;

                        // Columns 0 and 1 of the row (the fields of outputs −2 and −1 are discarded).
                        a = leftPadded ? b0 : (FieldOffset << 22) + (FieldOffset << 1) + band[i] * pw0 + band[i + o3] * pw1 + band[i + o6] * pw2;
                        a = (a << 21) + cst + band[i + o1] * pw0 + band[i + o4] * pw1 + band[i + o7] * pw2;
                        i += o2;
                        while (oi < end)
                        {
                            a = (a << 21) + cst + band[i] * pw0 + band[i + o3] * pw1 + band[i + o6] * pw2;
                            f = a >> 43;
                            if ((ulong)f <= (ulong)pSpan)
                            {
                                output[oi] = (sbyte)((f * pm + k) >> right);
                            }
                            else if (f < fLo)
                            {
                                output[oi] = lo;
                            }
                            else
                            {
                                output[oi] = (ulong)(f - nLo) <= (ulong)nSpan ? (sbyte)((f * pm + kNeg) >> right) : hi;
                            }

                            i += bandC;
                            oi += channels;
                        }
                    }

                    continue;
                }

                w0 = weights[wb];
                int w1 = weights[wb + 1];
                int w2 = weights[wb + 2];
                w3 = weights[wb + 3];
                int w4 = weights[wb + 4];
                int w5 = weights[wb + 5];
                w6 = weights[wb + 6];
                int w7 = weights[wb + 7];
                int w8 = weights[wb + 8];
                long m = multiplier[c];
                for (t = 0; t < rows; t++)
                {
                    if (input != null)
                    {
                        Reload(ref p, input, inputOffset, band, rowBytes, t);
                    }

                    i = bandStart + t * bandRowStep;
                    end = i + rowSpan;
                    oi = outStart + t * outRowBytes;

                    // Two copies of the row loop so that neither pays for the other's half of MultiplyByQuantizedMultiplier:
                    // shift < 0 needs only the rounding right shift, shift >= 0 only the left shift (done as a
                    // multiply by 2^shift, which wraps exactly like the int32 shift). See Requantize for the math.
                    if (s < 0)
                    {
                        // One rounding step (Requantize.OneStepNudge): floor((acc·m + k) / 2^(31 − s)), k by the sign of acc.
                        int right = 31 - s;
                        long kPos = 0x40000000L + (1L << (30 - s));
                        long kNeg = kPos - 0x80000000L;
                        while (i < end)
                        {
                            int acc = b
                                + band[i] * w0 + band[i + o1] * w1 + band[i + o2] * w2
                                + band[i + o3] * w3 + band[i + o4] * w4 + band[i + o5] * w5
                                + band[i + o6] * w6 + band[i + o7] * w7 + band[i + o8] * w8;
                            int y = (int)((acc * m + (acc < 0 ? kNeg : kPos)) >> right) + zpOut;
                            if (y < actMin)
                            {
                                y = actMin;
                            }

                            if (y > actMax)
                            {
                                y = actMax;
                            }

                            output[oi] = (sbyte)y;
                            i += step;
                            oi += channels;
                        }
                    }
                    else
                    {
                        int pow2 = 1 << s;
                        while (i < end)
                        {
                            int y = (int)(((long)((b
                                + band[i] * w0 + band[i + o1] * w1 + band[i + o2] * w2
                                + band[i + o3] * w3 + band[i + o4] * w4 + band[i + o5] * w5
                                + band[i + o6] * w6 + band[i + o7] * w7 + band[i + o8] * w8) * pow2) * m + nudge) >> 31) + zpOut;
                            if (y < actMin)
                            {
                                y = actMin;
                            }

                            if (y > actMax)
                            {
                                y = actMax;
                            }

                            output[oi] = (sbyte)y;
                            i += step;
                            oi += channels;
                        }
                    }
                }
            }
        }
    }
}
