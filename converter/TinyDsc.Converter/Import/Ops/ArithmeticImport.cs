using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>Import of Add / Sub / Mul / Div: activation + activation (Add), or an activation and a per-channel constant (affine).</summary>
internal static class ArithmeticImport
{
    internal static void LowerArithmetic(ImportContext ctx, NodeView node)
    {
        string a = node.Input(0), b = node.Input(1);
        bool aConst = ctx.Consts.ContainsKey(a), bConst = ctx.Consts.ContainsKey(b);
        string op = node.OpType;
        if (!aConst && !bConst)
        {
            if (op == "Mul")
            {
                LowerActivationProduct(ctx, node);
                return;
            }
            if (op != "Add")
            {
                throw node.Fail($"{op} of two activations is not supported (only Add, for residual connections, and Mul)");
            }
            string xa = ctx.Activation(node, 0), xb = ctx.Activation(node, 1);
            if (!ctx.LogicalShape(xa).SequenceEqual(ctx.LogicalShape(xb)))
            {
                throw node.Fail($"input shapes {ctx.Describe(xa)} and {ctx.Describe(xb)} differ; only same-shape Add is supported");
            }
            var n = ctx.AddNode(node, LoweredOp.Add, xa);
            n.Inputs.Add(xb);
            return;
        }
        int xi = aConst ? 1 : 0;
        string x = ctx.Activation(node, xi);
        var c = ctx.Consts[aConst ? a : b];
        var xs = ctx.Shapes[x];
        float[] perChannel = PerChannel(node, c, ctx.LogicalShape(x), constIsB: !aConst);
        int ch = xs[1];
        var scale = new float[ch];
        var shift = new float[ch];
        for (int i = 0; i < ch; i++)
        {
            float v = perChannel[i];
            (scale[i], shift[i]) = (op, aConst) switch
            {
                ("Add", _) => (1f, v),
                ("Sub", false) => (1f, -v),
                ("Sub", true) => (-1f, v),
                ("Mul", _) => (v, 0f),
                ("Div", false) => (1f / v, 0f),
                _ => throw node.Fail("dividing a constant by an activation is not supported"),
            };
        }
        var affine = ctx.AddNode(node, LoweredOp.Affine, x);
        affine.Scale = scale;
        affine.Shift = shift;
    }

    /// <summary>
    /// Mul of two activations: same shape, or one of them [N, C, 1, 1] (squeeze-and-excite's channel weights) times
    /// an [N, C, H, W] one (on 1-D values: [N, C, 1] times [N, C, L]); the per-channel operand becomes Inputs[1].
    /// </summary>
    private static void LowerActivationProduct(ImportContext ctx, NodeView node)
    {
        string xa = ctx.Activation(node, 0), xb = ctx.Activation(node, 1);
        int[] sa = ctx.Shapes[xa], sb = ctx.Shapes[xb];
        static bool PerChannelOf(int[] c, int[] x) => c.Length == 4 && x.Length == 4 && c[1] == x[1] && c[2] == 1 && c[3] == 1;
        if (ctx.IsOneD(xa) != ctx.IsOneD(xb))
        {
            throw node.Fail($"input shapes {ctx.Describe(xa)} and {ctx.Describe(xb)}: Mul of a 1-D [N, C, L] and a 2-D [N, C, H, W] activation is not supported");
        }
        if (!sa.SequenceEqual(sb))
        {
            if (PerChannelOf(sa, sb))
            {
                (xa, xb) = (xb, xa);
            }
            else if (!PerChannelOf(sb, sa))
            {
                throw node.Fail($"input shapes {ctx.Describe(xa)} and {ctx.Describe(xb)}: Mul of two activations needs equal shapes " +
                    "or [N, C, 1, 1] times [N, C, H, W] (squeeze-and-excite)");
            }
        }
        var n = ctx.AddNode(node, LoweredOp.Mul, xa);
        n.Inputs.Add(xb);
    }

    /// <summary>
    /// The constant operand as one value per channel of activation shape <paramref name="xs"/>; it must broadcast
    /// without changing the activation's shape and vary only along the channel axis (scalar, [C], [C,1,1], [1,C,1,1]).
    /// </summary>
    internal static float[] PerChannel(NodeView node, ConstTensor c, int[] xs, bool constIsB)
    {
        var cShape = constIsB ? ConstantEvaluator.AlignForBroadcast(node, xs.Length, c.Shape) : c.Shape;
        int rank = xs.Length;
        bool ok = cShape.Length <= rank;
        var full = new long[rank];
        for (int i = 0; ok && i < rank; i++)
        {
            int j = i - (rank - cShape.Length);
            full[i] = j >= 0 ? cShape[j] : 1;
            if (full[i] != 1 && (i != 1 || full[i] != xs[1]))
            {
                ok = false;
            }
        }
        if (!ok)
        {
            throw node.Fail(
                $"constant operand of shape {ConstTensor.Format(c.Shape)} with activation {FormatShape(xs)} is supported only per channel " +
                "(scalar, [C], [C, 1, 1] or [1, C, 1, 1])");
        }
        var values = c.AsFloats();
        var r = new float[xs[1]];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = values.Length == 1 ? values[0] : values[i];
        }
        return r;
    }
}
