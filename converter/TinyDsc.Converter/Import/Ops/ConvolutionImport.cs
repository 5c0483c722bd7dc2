using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>
/// Import of Conv: 2-D (grouped, depthwise with multiplier), and 1-D on [N, C, L] as the 2-D conv with H = 1
/// (weight [Cout, Cin/groups, k] read as [Cout, Cin/groups, 1, k], the same values in the same order).
/// </summary>
internal static class ConvolutionImport
{
    internal static void LowerConv(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        bool oneD = ctx.IsOneD(x);
        if (xs.Length != 4)
        {
            throw node.Fail($"only 1-D convolution on NCL input and 2-D convolution on NCHW input are supported, got input shape {FormatShape(xs)}");
        }
        var w = ctx.Const(node, 1, "weight");
        if (oneD && w.Rank != 3)
        {
            throw node.Fail($"input {ctx.Describe(x)} is 1-D [N, C, L], so the weight must be 3-D [Cout, Cin/groups, k], got {ConstTensor.Format(w.Shape)}");
        }
        if (!oneD && w.Rank != 4)
        {
            throw node.Fail($"weight must be 4-D [Cout, Cin/groups, kh, kw] for input {FormatShape(xs)}, got {ConstTensor.Format(w.Shape)}");
        }
        int groups = ToInt(node, node.Int("group", 1), "group");
        int cout = (int)w.Shape[0], cin = xs[1];
        if (groups < 1)
        {
            throw node.Fail($"groups={groups} must be positive");
        }
        if (cout % groups != 0)
        {
            throw node.Fail($"groups={groups} requires weight dim 0 divisible by {groups}, got {cout} " +
                $"(in PyTorch terms: out_channels={cout} is not divisible by groups={groups})");
        }
        if (cin % groups != 0)
        {
            throw node.Fail($"groups={groups} requires input channels divisible by {groups}, got {cin} " +
                $"(in PyTorch terms: in_channels={cin} is not divisible by groups={groups})");
        }
        if (w.Shape[1] != cin / groups)
        {
            throw node.Fail(
                $"groups={groups} with {cin} input channels requires weight dim 1 = {cin}/{groups} = {cin / groups}, got {w.Shape[1]} " +
                (oneD
                    ? $"(in PyTorch terms: Conv1d(in_channels={cin}, groups={groups}) has a weight of shape [out_channels, {cin / groups}, k])"
                    : $"(in PyTorch terms: Conv2d(in_channels={cin}, groups={groups}) has a weight of shape [out_channels, {cin / groups}, kh, kw])"));
        }
        int kh = oneD ? 1 : (int)w.Shape[2], kw = (int)w.Shape[oneD ? 2 : 3];
        if (kh <= 0 || kw <= 0 || cout <= 0)
        {
            throw node.Fail($"weight shape {ConstTensor.Format(w.Shape)} has a zero dim");
        }
        var ks = node.Ints("kernel_shape");
        if (ks != null && (oneD ? ks.Length != 1 || ks[0] != kw : ks.Length != 2 || ks[0] != kh || ks[1] != kw))
        {
            throw node.Fail($"kernel_shape [{string.Join(", ", ks)}] does not match weight shape {ConstTensor.Format(w.Shape)}");
        }
        var bias = ctx.OptionalConst(node, 2, "bias");
        if (bias != null && (bias.Count != cout || bias.Rank != 1))
        {
            throw node.Fail($"bias has shape {ConstTensor.Format(bias.Shape)}, expected [{cout}]");
        }
        var strides = Pair(node, "strides", 1, oneD);
        var dil = Pair(node, "dilations", 1, oneD);
        var (pads, oh, ow) = Window(node, xs[2], xs[3], kh, kw, strides[0], strides[1], dil[0], dil[1], oneD: oneD);
        var n = ctx.AddNode(node, LoweredOp.Conv, x, new[] { 1, cout, oh, ow });
        var p = n.Params;
        // Copies: the passes fold into these arrays, and one initializer may feed several nodes.
        p.Weight = (float[])w.AsFloats().Clone();
        p.WeightShape = oneD ? new[] { cout, (int)w.Shape[1], 1, kw } : w.Shape.Select(d => (int)d).ToArray();
        p.Bias = (float[]?)bias?.AsFloats().Clone();
        p.Groups = groups;
        p.KernelH = kh;
        p.KernelW = kw;
        p.StrideH = strides[0];
        p.StrideW = strides[1];
        p.DilationH = dil[0];
        p.DilationW = dil[1];
        p.PadTop = pads[0];
        p.PadLeft = pads[1];
        p.PadBottom = pads[2];
        p.PadRight = pads[3];
    }
}
