using System;

namespace TinyDsc.Runtime.Kernels
{
    /// <summary>
    /// The padded input band of the windowed specialised convolutions (DepthwiseConv3x3, DepthwiseConv3x3Multiplier,
    /// DepthwiseConv, Conv2DDense): `rows` band rows of rowBytes = (W + pl + pr) · C bytes each, laid out
    /// [row][pl pad columns | W input columns | pr pad columns][C]. Pad columns and rows outside the input hold zp_in
    /// (real zero), so the kernels' tap loops need no bounds tests. Runs per call and per output row, never per tap.
    /// </summary>
    internal static class PaddedBand
    {
        /// <summary>Writes zp_in into the pad columns of all band rows; row loads only write between them.</summary>
        internal static void PadColumns(sbyte[] band, int rows, int rowBytes, int leftPadBytes, int inRowBytes, sbyte zpIn)
        {
            PadColumnsAt(band, 0, rows, rowBytes, leftPadBytes, inRowBytes, zpIn);
        }

        /// <summary>As PadColumns, for a band starting at band[bandOffset] (FusedBlock's band in the arena).</summary>
        internal static void PadColumnsAt(sbyte[] band, int bandOffset, int rows, int rowBytes, int leftPadBytes, int inRowBytes, sbyte zpIn)
        {
            int rightPadStart = leftPadBytes + inRowBytes;
            for (int r = 0; r < rows; r++)
            {
                int rowStart = bandOffset + r * rowBytes;
                for (int i = 0; i < leftPadBytes; i++)
                {
                    band[rowStart + i] = zpIn;
                }

                for (int i = rightPadStart; i < rowBytes; i++)
                {
                    band[rowStart + i] = zpIn;
                }
            }
        }

        /// <summary>
        /// Band row r (0 ≤ r &lt; rows) receives input row iy0 + r·dy (Array.Copy), or zp_in where that row lies outside
        /// 0..inH−1 (a pad row).
        /// </summary>
        internal static void LoadRows(
            sbyte[] input, int inputOffset, int inH, int inRowBytes, int iy0, int dy, int rows,
            sbyte[] band, int rowBytes, int leftPadBytes, sbyte zpIn)
        {
            LoadRowsAt(input, inputOffset, inH, inRowBytes, iy0, dy, rows, band, 0, rowBytes, leftPadBytes, zpIn);
        }

        /// <summary>As LoadRows, for a band starting at band[bandOffset] (FusedBlock's band in the arena).</summary>
        internal static void LoadRowsAt(
            sbyte[] input, int inputOffset, int inH, int inRowBytes, int iy0, int dy, int rows,
            sbyte[] band, int bandOffset, int rowBytes, int leftPadBytes, sbyte zpIn)
        {
            int iy = iy0;
            int dst = bandOffset + leftPadBytes;
            for (int r = 0; r < rows; r++)
            {
                if (iy >= 0 && iy < inH)
                {
                    Array.Copy(input, inputOffset + iy * inRowBytes, band, dst, inRowBytes);
                }
                else
                {
                    for (int i = 0; i < inRowBytes; i++)
                    {
                        band[dst + i] = zpIn;
                    }
                }

                iy += dy;
                dst += rowBytes;
            }
        }
    }
}
