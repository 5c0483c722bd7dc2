using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>
/// Import of pooling: AveragePool, MaxPool, GlobalAveragePool, ReduceMean over H and W; on 1-D [N, C, L] input the
/// same ops over L (held as [1, C, 1, L], so a window 1 × k).
/// </summary>
internal static class PoolingImport
{
    internal static void LowerGlobalAveragePool(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var s = ctx.Rank4(node, x);
        ctx.AddNode(node, LoweredOp.GlobalAveragePool, x, new[] { 1, s[1], 1, 1 });
    }

    internal static void LowerPool(ImportContext ctx, NodeView node)
    {
        bool isMax = node.OpType == "MaxPool";
        string x = ctx.Activation(node, 0);
        var xs = ctx.Rank4(node, x);
        bool oneD = ctx.IsOneD(x);
        var k = node.Ints("kernel_shape") ?? throw node.Fail("attribute kernel_shape is missing");
        if (k.Length != (oneD ? 1 : 2))
        {
            throw node.Fail(oneD
                ? $"kernel_shape [{string.Join(", ", k)}] is not 1-D, but input {ctx.Describe(x)} is [N, C, L]"
                : $"kernel_shape [{string.Join(", ", k)}] is not 2-D; only 1-D pooling on NCL input and 2-D pooling on NCHW input are supported");
        }
        var kernel = Pair(node, "kernel_shape", 1, oneD);
        var strides = Pair(node, "strides", 1, oneD);
        var dil = Pair(node, "dilations", 1, oneD);
        if (dil[0] != 1 || dil[1] != 1)
        {
            throw node.Fail($"dilations [{string.Join(", ", node.Ints("dilations")!)}] are not supported for pooling (only 1)");
        }
        bool ceil = node.Int("ceil_mode", 0) != 0;
        var (pads, oh, ow) = Window(node, xs[2], xs[3], kernel[0], kernel[1], strides[0], strides[1], 1, 1, ceil, oneD);
        var n = ctx.AddNode(node, isMax ? LoweredOp.MaxPool : LoweredOp.AveragePool, x, new[] { 1, xs[1], oh, ow });
        var p = n.Params;
        p.KernelH = kernel[0];
        p.KernelW = kernel[1];
        p.StrideH = strides[0];
        p.StrideW = strides[1];
        p.PadTop = pads[0];
        p.PadLeft = pads[1];
        p.PadBottom = pads[2];
        p.PadRight = pads[3];
        p.CountIncludePad = !isMax && node.Int("count_include_pad", 0) != 0;
    }

    /// <summary>
    /// ReduceMean over H and W (<c>x.mean((2, 3))</c>), or over L of a 1-D value (<c>x.mean(2)</c>), is a
    /// GlobalAveragePool, then a flatten when keepdims=0.
    /// </summary>
    internal static void LowerReduceMean(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        var logical = ctx.LogicalShape(x);
        bool oneD = ctx.IsOneD(x);
        long[]? axes = node.Ints("axes");
        var norm = axes?.Select(a => a < 0 ? a + logical.Length : a).OrderBy(a => a).ToArray();
        if (xs.Length != 4 || norm == null || !norm.SequenceEqual(oneD ? new long[] { 2 } : new long[] { 2, 3 }))
        {
            throw node.Fail($"ReduceMean of {FormatShape(logical)} on axes [{string.Join(", ", axes ?? Array.Empty<long>())}] is not supported " +
                (oneD ? "(only over L, axis 2)" : "(only over H and W, axes 2, 3)"));
        }
        var pooled = new[] { 1, xs[1], 1, 1 };
        if (node.Int("keepdims", 1) != 0)
        {
            ctx.AddNode(node, LoweredOp.GlobalAveragePool, x, pooled);
            return;
        }
        string mid = node.Output + "/pooled";
        var gap = new LoweredNode(LoweredOp.GlobalAveragePool, node.Name, node.Where) { Output = mid };
        gap.Inputs.Add(x);
        ctx.Nodes.Add(gap);
        ctx.Shapes[mid] = pooled;
        ctx.AddNode(node, LoweredOp.Reshape, mid, new[] { 1, xs[1] });
    }
}
