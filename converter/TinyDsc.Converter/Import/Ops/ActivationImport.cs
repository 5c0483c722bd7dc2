using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>Import of element-wise activations on activations: Relu, Clip (as ReLU / ReLU6).</summary>
internal static class ActivationImport
{
    internal static void LowerRelu(ImportContext ctx, NodeView node) =>
        ctx.AddNode(node, LoweredOp.Relu, ctx.Activation(node, 0));

    internal static void LowerClip(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        float min, max;
        if (ctx.Opset < 11)
        {
            min = node.Float("min", float.NegativeInfinity);
            max = node.Float("max", float.PositiveInfinity);
        }
        else
        {
            var lo = ctx.OptionalConst(node, 1, "min");
            var hi = ctx.OptionalConst(node, 2, "max");
            if ((lo != null && lo.Count != 1) || (hi != null && hi.Count != 1))
            {
                throw node.Fail("min and max must be scalars");
            }
            min = lo == null ? float.NegativeInfinity : (float)lo[0];
            max = hi == null ? float.PositiveInfinity : (float)hi[0];
        }
        // float.MaxValue is the old opsets' documented default for an absent max.
        bool maxUnbounded = float.IsPositiveInfinity(max) || max == float.MaxValue;
        if (min == 0 && max == 6)
        {
            ctx.AddNode(node, LoweredOp.Relu6, x);
        }
        else if (min == 0 && maxUnbounded)
        {
            ctx.AddNode(node, LoweredOp.Relu, x);
        }
        else
        {
            throw node.Fail($"Clip(min={Show(min)}, max={Show(max)}) is not supported; only [0, 6] (ReLU6) and [0, +inf) (ReLU)");
        }
    }
}
