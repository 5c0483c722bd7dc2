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

    internal static void LowerSigmoid(ImportContext ctx, NodeView node) =>
        ctx.AddNode(node, LoweredOp.Sigmoid, ctx.Activation(node, 0));

    /// <summary>
    /// Softmax over the class axis of an [N, C] tensor (after Gemm / Flatten): axis -1 or 1 (opset 13's default -1,
    /// earlier opsets' default 1, the same axis on rank 2). Other ranks or axes are refused with the shape.
    /// </summary>
    internal static void LowerSoftmax(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        int[] shape = ctx.Shapes[x];
        long axis = node.Int("axis", ctx.Opset >= 13 ? -1 : 1);
        if (shape.Length != 2 || (axis != -1 && axis != 1))
        {
            throw node.Fail($"softmax over axis {axis} of a {ctx.Describe(x)} tensor; only the class axis of an [N, C] tensor (axis -1 or 1, e.g. after Gemm or Flatten) is supported");
        }
        if (shape[1] > 4095)
        {
            throw node.Fail($"softmax over {shape[1]} classes; the int8 softmax sums at most 4095 (its int32 bound)");
        }
        ctx.AddNode(node, LoweredOp.Softmax, x);
    }

    internal static void LowerTanh(ImportContext ctx, NodeView node) =>
        ctx.AddNode(node, LoweredOp.Tanh, ctx.Activation(node, 0));

    internal static void LowerHardSwish(ImportContext ctx, NodeView node) =>
        ctx.AddNode(node, LoweredOp.HardSwish, ctx.Activation(node, 0));

    /// <summary>HardSigmoid(alpha, beta); a following Mul by its own input becomes a HardSwish (GraphPasses).</summary>
    internal static void LowerHardSigmoid(ImportContext ctx, NodeView node)
    {
        var n = ctx.AddNode(node, LoweredOp.HardSigmoid, ctx.Activation(node, 0));
        n.Params.Alpha = node.Float("alpha", 0.2f);
        n.Params.Beta = node.Float("beta", 0.5f);
    }

    internal static void LowerLeakyRelu(ImportContext ctx, NodeView node)
    {
        var n = ctx.AddNode(node, LoweredOp.LeakyRelu, ctx.Activation(node, 0));
        n.Params.Alpha = node.Float("alpha", 0.01f);
    }

    /// <summary>
    /// PRelu(x, slope): the slope a constant that varies only along the channel axis once broadcast to x (ONNX's
    /// unidirectional broadcast: a scalar, [C, 1, 1] as PyTorch's nn.PReLU exports for NCHW, [1, C, 1, 1], or [C] for
    /// an [N, C] input); kept as one slope per channel.
    /// </summary>
    internal static void LowerPRelu(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var slope = ctx.Const(node, 1, "slope");
        float[] alpha = ArithmeticImport.PerChannel(node, slope, ctx.LogicalShape(x), constIsB: true);
        foreach (float a in alpha)
        {
            if (!float.IsFinite(a))
            {
                throw node.Fail($"slope {Show(a)} is not finite");
            }
        }
        var n = ctx.AddNode(node, LoweredOp.PRelu, x);
        n.Params.Weight = alpha;
        n.Params.WeightShape = new[] { alpha.Length };
    }

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
        else if (float.IsFinite(min) && float.IsFinite(max) && min < max)
        {
            // Any other finite range (PyTorch Hardtanh): an int8 table like the other activations.
            var n = ctx.AddNode(node, LoweredOp.Hardtanh, x);
            n.Params.Alpha = min;
            n.Params.Beta = max;
        }
        else
        {
            throw node.Fail($"Clip(min={Show(min)}, max={Show(max)}) is not supported; only [0, 6] (ReLU6), [0, +inf) (ReLU) and finite min < max (Hardtanh)");
        }
    }
}
