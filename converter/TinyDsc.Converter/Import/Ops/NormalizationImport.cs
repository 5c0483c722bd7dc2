using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>
/// Import of BatchNormalization (BatchNorm2d, and BatchNorm1d on [N, C] or [N, C, L]) as a per-channel affine: the
/// passes fold it into the preceding Conv/FullyConnected, or the following unpadded one, or lower it to a depthwise
/// 1×1 Conv / diagonal FullyConnected.
/// </summary>
internal static class NormalizationImport
{
    internal static void LowerBatchNorm(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        int c = xs[1];
        if (ctx.Opset >= 14 && node.Int("training_mode", 0) != 0)
        {
            throw node.Fail("training_mode=1 is not supported; export the model in eval mode");
        }
        string[] names = { "scale", "B", "mean", "var" };
        var p = new float[4][];
        for (int i = 0; i < 4; i++)
        {
            var t = ctx.Const(node, i + 1, names[i]);
            if (t.Count != c)
            {
                throw node.Fail($"{names[i]} has shape {ConstTensor.Format(t.Shape)}, expected [{c}] for input {ctx.Describe(x)}");
            }
            p[i] = t.AsFloats();
        }
        double eps = node.Float("epsilon", 1e-5f);
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            // y = scale · (x − mean) / sqrt(var + eps) + B, as x · a + b.
            double a = p[0][i] / Math.Sqrt(p[3][i] + eps);
            scale[i] = (float)a;
            shift[i] = (float)(p[1][i] - p[2][i] * a);
        }
        var n = ctx.AddNode(node, LoweredOp.Affine, x);
        n.Scale = scale;
        n.Shift = shift;
    }
}
