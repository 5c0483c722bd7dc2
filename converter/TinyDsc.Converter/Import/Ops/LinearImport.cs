using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using static TinyDsc.Converter.Import.ImportContext;
using static TinyDsc.Converter.Import.Ops.WindowAttributes;

namespace TinyDsc.Converter.Import.Ops;

/// <summary>Import of fully connected layers: Gemm, MatMul with a constant right operand.</summary>
internal static class LinearImport
{
    internal static void LowerGemm(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        if (xs.Length != 2)
        {
            throw node.Fail($"input A must be 2-D [N, K], got {ctx.Describe(x)} (insert Flatten)");
        }
        if (node.Int("transA", 0) != 0)
        {
            throw node.Fail("transA=1 is not supported");
        }
        var b = ctx.Const(node, 1, "B");
        if (b.Rank != 2)
        {
            throw node.Fail($"B must be 2-D, got {ConstTensor.Format(b.Shape)}");
        }
        bool transB = node.Int("transB", 0) != 0;
        int k = xs[1];
        int bk = (int)(transB ? b.Shape[1] : b.Shape[0]);
        int cout = (int)(transB ? b.Shape[0] : b.Shape[1]);
        if (bk != k)
        {
            throw node.Fail($"B {ConstTensor.Format(b.Shape)} (transB={(transB ? 1 : 0)}) does not fit input {FormatShape(xs)}: needs {k} rows of K");
        }
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        var bv = b.AsFloats();
        var weight = new float[cout * k];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weight[o * k + i] = alpha * (transB ? bv[o * k + i] : bv[i * cout + o]);
            }
        }
        float[]? bias = null;
        var c = ctx.OptionalConst(node, 2, "C");
        if (c != null)
        {
            var cv = c.AsFloats();
            bool perOutput = cv.Length == cout && c.Shape.Take(c.Rank - 1).All(d => d == 1);
            if (cv.Length != 1 && !perOutput)
            {
                throw node.Fail($"C of shape {ConstTensor.Format(c.Shape)} is supported only as a scalar or [{cout}] / [1, {cout}]");
            }
            bias = Enumerable.Range(0, cout).Select(o => beta * cv[cv.Length == 1 ? 0 : o]).ToArray();
        }
        var n = ctx.AddNode(node, LoweredOp.FullyConnected, x, new[] { 1, cout });
        n.Params.Weight = weight;
        n.Params.WeightShape = new[] { cout, k };
        n.Params.Bias = bias;
    }

    internal static void LowerMatMul(ImportContext ctx, NodeView node)
    {
        string x = ctx.Activation(node, 0);
        var xs = ctx.Shapes[x];
        var b = ctx.Const(node, 1, "B");
        if (xs.Length != 2 || b.Rank != 2 || b.Shape[0] != xs[1])
        {
            throw node.Fail($"only [N, K] x [K, M] with a constant right operand is supported, got {ctx.Describe(x)} x {ConstTensor.Format(b.Shape)}");
        }
        int k = xs[1], cout = (int)b.Shape[1];
        var bv = b.AsFloats();
        var weight = new float[cout * k];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weight[o * k + i] = bv[i * cout + o];
            }
        }
        var n = ctx.AddNode(node, LoweredOp.FullyConnected, x, new[] { 1, cout });
        n.Params.Weight = weight;
        n.Params.WeightShape = new[] { cout, k };
    }
}
