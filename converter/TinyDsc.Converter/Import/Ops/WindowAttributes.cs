using System;
using System.Linq;
using static TinyDsc.Converter.Import.ImportContext;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>
/// Attributes of window ops (Conv, pooling): kernel/stride/dilation pairs, pads and auto_pad, output size. A 1-D op
/// (<c>oneD</c>, input [N, C, L] held as [1, C, 1, L]) has one value per attribute and pads (begin, end); it reads as
/// the 2-D op with H = 1: kernel, stride and dilation 1 along H, no H pads.
/// </summary>
internal static class WindowAttributes
{
    /// <summary>Explicit pads (top, left, bottom, right) and output size for a window op, honouring auto_pad.</summary>
    internal static (int[] Pads, int OutH, int OutW) Window(
        NodeView node, int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, bool ceilMode = false, bool oneD = false)
    {
        string autoPad = node.String("auto_pad", "NOTSET");
        var pads = new int[4];
        int effH = (kh - 1) * dh + 1, effW = (kw - 1) * dw + 1;
        switch (autoPad)
        {
            case "NOTSET":
            {
                var p = node.Ints("pads") ?? new long[oneD ? 2 : 4];
                if (p.Length != (oneD ? 2 : 4))
                {
                    throw node.Fail(oneD
                        ? $"pads has {p.Length} values; a 1-D op needs 2 (begin, end)"
                        : $"pads has {p.Length} values; a 2-D op needs 4 (top, left, bottom, right)");
                }
                if (p.Any(v => v < 0))
                {
                    throw node.Fail($"negative pads [{string.Join(", ", p)}] are not supported");
                }
                pads = p.Select(v => ToInt(node, v, "pad")).ToArray();
                if (oneD)
                {
                    pads = new[] { 0, pads[0], 0, pads[1] };
                }
                break;
            }
            case "VALID":
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                int[] Same(int inSize, int s, int eff)
                {
                    int outSize = (inSize + s - 1) / s;
                    int total = Math.Max(0, (outSize - 1) * s + eff - inSize);
                    int small = total / 2, big = total - small;
                    return autoPad == "SAME_UPPER" ? new[] { small, big } : new[] { big, small };
                }
                var ph = Same(inH, sh, effH);
                var pw = Same(inW, sw, effW);
                pads = new[] { ph[0], pw[0], ph[1], pw[1] };
                break;
            }
            default:
                throw node.Fail($"auto_pad '{autoPad}' is not supported");
        }
        int spanH = inH + pads[0] + pads[2] - effH, spanW = inW + pads[1] + pads[3] - effW;
        if (spanH < 0 || spanW < 0)
        {
            throw node.Fail(oneD
                ? $"window {kw} (dilation {dw}) does not fit input length {inW} with pads [{pads[1]}, {pads[3]}]"
                : $"window {kh}x{kw} (dilation {dh}x{dw}) does not fit input {inH}x{inW} with pads [{string.Join(", ", pads)}]");
        }
        int outH = spanH / sh + 1, outW = spanW / sw + 1;
        if (ceilMode && (spanH % sh != 0 || spanW % sw != 0))
        {
            throw node.Fail("ceil_mode=1 is not supported where it changes the output size");
        }
        return (pads, outH, outW);
    }

    /// <summary>
    /// Attribute <paramref name="name"/> as (H, W); a 1-D op's single value is W, and H is 1 (the attribute's neutral
    /// value for kernel, stride and dilation).
    /// </summary>
    internal static int[] Pair(NodeView node, string name, int fallback, bool oneD = false)
    {
        var v = node.Ints(name);
        if (v == null)
        {
            return new[] { oneD ? 1 : fallback, fallback };
        }
        if (v.Length != (oneD ? 1 : 2))
        {
            throw node.Fail(oneD ? $"{name} has {v.Length} values; a 1-D op needs 1" : $"{name} has {v.Length} values; a 2-D op needs 2");
        }
        if (v.Any(x => x <= 0))
        {
            throw node.Fail($"{name} [{string.Join(", ", v)}] must be positive");
        }
        var r = v.Select(x => ToInt(node, x, name)).ToArray();
        return oneD ? new[] { 1, r[0] } : r;
    }
}
