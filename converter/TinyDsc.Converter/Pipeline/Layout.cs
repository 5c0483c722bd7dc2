using System;

namespace TinyDsc.Converter.Pipeline;

/// <summary>Transposes one sample between PyTorch's channel-first and the runtime's channel-last layout.</summary>
public static class Layout
{
    /// <summary>dst[(y·W + x)·C + c] = src[srcOffset + (c·H + y)·W + x] for one [C, H, W] sample.</summary>
    public static void NchwToNhwc(float[] src, int srcOffset, int c, int h, int w, float[] dst)
    {
        Check(src, srcOffset, c, h, w, dst);
        int hw = h * w;
        if (c == 1)
        {
            Array.Copy(src, srcOffset, dst, 0, hw);
            return;
        }

        for (int ch = 0; ch < c; ch++)
        {
            int from = srcOffset + ch * hw;
            for (int p = 0; p < hw; p++)
            {
                dst[p * c + ch] = src[from + p];
            }
        }
    }

    /// <summary>dst[dstOffset + (c·H + y)·W + x] = src[(y·W + x)·C + c] for one [H, W, C] sample.</summary>
    public static void NhwcToNchw(float[] src, int c, int h, int w, float[] dst, int dstOffset)
    {
        Check(dst, dstOffset, c, h, w, src);
        int hw = h * w;
        if (c == 1)
        {
            Array.Copy(src, 0, dst, dstOffset, hw);
            return;
        }

        for (int ch = 0; ch < c; ch++)
        {
            int to = dstOffset + ch * hw;
            for (int p = 0; p < hw; p++)
            {
                dst[to + p] = src[p * c + ch];
            }
        }
    }

    private static void Check(float[] batch, int offset, int c, int h, int w, float[] sample)
    {
        long n = (long)c * h * w;
        if (offset < 0 || offset + n > batch.Length || sample.Length < n)
        {
            throw new ArgumentException($"[{c},{h},{w}] sample at {offset} does not fit arrays of {batch.Length} and {sample.Length}");
        }
    }
}
