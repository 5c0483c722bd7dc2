using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>Import of ops that move or pad elements: Identity, Dropout, Pad, Flatten, Squeeze, Reshape.</summary>
internal static class ShapeImport
{
    internal static void LowerIdentity(ImportContext ctx, NodeView node) =>
        ctx.Alias[node.Output] = ctx.Activation(node, 0);

    internal static void LowerDropout(ImportContext ctx, NodeView node)
    {
        if (ctx.Opset >= 12 && ctx.OptionalConst(node, 2, "training_mode") is { } mode && mode.Count == 1 && mode[0] != 0)
        {
            throw node.Fail("training_mode is true; TinyDsc imports inference graphs only");
        }
        ctx.Alias[node.Output] = ctx.Activation(node, 0);
    }

    /// <summary>Zero Pad of H and W of [N, C, H, W], or of L of a 1-D [N, C, L] (as W, with H = 1).</summary>
    internal static void LowerPad(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.LogicalShape(x);
        string mode = node.String("mode", "constant");
        if (mode != "constant")
        {
            throw node.Fail($"mode '{mode}' is not supported (only constant zero padding)");
        }
        long[] pads;
        float value;
        if (ctx.Opset < 11)
        {
            pads = node.Ints("pads") ?? node.Ints("paddings") ?? throw node.Fail("attribute pads is missing");
            value = node.Float("value", 0f);
        }
        else
        {
            pads = ctx.Const(node, 1, "pads").AsInts(node.Where);
            var v = ctx.OptionalConst(node, 2, "constant_value");
            value = v == null ? 0f : (float)v[0];
        }
        if (value != 0)
        {
            throw node.Fail($"padding value {Show(value)} is not supported (only 0)");
        }
        int r = xs.Length;
        if (pads.Length != 2 * r)
        {
            throw node.Fail($"pads has {pads.Length} values; input {FormatShape(xs)} needs {2 * r}");
        }
        if (pads.Any(p => p < 0))
        {
            throw node.Fail($"negative pads [{string.Join(", ", pads)}] (cropping) are not supported");
        }
        if (r == 2 || pads[0] != 0 || pads[1] != 0 || pads[r] != 0 || pads[r + 1] != 0)
        {
            throw node.Fail($"pads [{string.Join(", ", pads)}] on input {FormatShape(xs)}: only H and W of a 4-D NCHW tensor, or L of a 3-D NCL tensor, can be padded");
        }
        bool oneD = r == 3;
        int top = oneD ? 0 : ToInt(node, pads[2], "pad"), left = ToInt(node, pads[r - 1], "pad");
        int bottom = oneD ? 0 : ToInt(node, pads[6], "pad"), right = ToInt(node, pads[2 * r - 1], "pad");
        var held = ctx.Shapes[x];
        var n = ctx.AddNode(node, LoweredOp.Pad, x, new[] { 1, held[1], held[2] + top + bottom, held[3] + left + right });
        n.Pads = new[] { top, left, bottom, right };
    }

    internal static void LowerFlatten(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        long axis = node.Int("axis", 1);
        if (axis < 0)
        {
            axis += ctx.LogicalShape(x).Length;
        }
        if (axis != 1)
        {
            throw node.Fail($"axis {node.Int("axis", 1)} is not supported (only 1: [N, C, H, W] to [N, C·H·W], [N, C, L] to [N, C·L])");
        }
        Flatten(ctx, node, x, xs);
    }

    internal static void Flatten(ImportContext ctx, NodeView node, string x, int[] xs)
    {
        if (xs.Length == 2)
        {
            ctx.Alias[node.Output] = x;
            return;
        }
        ctx.AddNode(node, LoweredOp.Reshape, x, new[] { 1, xs.Skip(1).Aggregate(1, (a, b) => a * b) });
    }

    /// <summary>
    /// Squeeze of the unit spatial dims of [N, C, 1, 1] or of 1-D [N, C, 1] (after global pooling) is a flatten to [N, C].
    /// </summary>
    internal static void LowerSqueeze(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        var logical = ctx.LogicalShape(x);
        long[]? axes = ctx.Opset >= 13 ? ctx.OptionalConst(node, 1, "axes")?.AsInts(node.Where) : node.Ints("axes");
        var norm = axes?.Select(a => a < 0 ? a + logical.Length : a).OrderBy(a => a).ToArray();
        var spatialAxes = ctx.IsOneD(x) ? new long[] { 2 } : new long[] { 2, 3 };
        bool spatial = xs.Length == 4 && xs[2] == 1 && xs[3] == 1 && (norm == null || norm.SequenceEqual(spatialAxes));
        if (!spatial)
        {
            throw node.Fail($"Squeeze of {FormatShape(logical)} on axes [{string.Join(", ", axes ?? Array.Empty<long>())}] is not supported " +
                "(only [N, C, 1, 1] to [N, C] on axes 2, 3, or [N, C, 1] to [N, C] on axis 2)");
        }
        Flatten(ctx, node, x, xs);
    }

    internal static void LowerReshape(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        long[] t = ctx.Const(node, 1, "shape").AsInts(node.Where);
        int rest = xs.Skip(1).Aggregate(1, (a, b) => a * b);
        bool allowZero = node.Int("allowzero", 0) != 0;
        if (t.Length == 2)
        {
            long t0 = t[0], t1 = t[1];
            if (t1 == 0 && !allowZero)
            {
                t1 = xs[1];
            }
            // The first entry is the batch: 0 (copy), 1 (batch 1), -1 (inferred) or the batch the input declares.
            bool batchFirst = (t0 == 0 && !allowZero) || t0 == 1 || t0 == ctx.DeclaredBatch || t0 == -1;
            bool restSecond = t1 == -1 ? t0 != -1 : t1 == rest;
            if (batchFirst && restSecond)
            {
                Flatten(ctx, node, x, xs);
                return;
            }
        }
        var logical = ctx.LogicalShape(x).Select(d => (long)d).ToArray();
        if (t.Length == logical.Length)
        {
            long[] target = ConstantEvaluator.ReshapeTarget(node, logical, t.Select((v, i) => i == 0 && v == ctx.DeclaredBatch ? 1 : v).ToArray(), allowZero);
            if (target.SequenceEqual(logical))
            {
                ctx.Alias[node.Output] = x;
                return;
            }
        }
        throw node.Fail($"Reshape of {FormatShape(ctx.LogicalShape(x))} to [{string.Join(", ", t)}] is not supported (only flattening to [N, -1] or [N, C·H·W])");
    }
}
