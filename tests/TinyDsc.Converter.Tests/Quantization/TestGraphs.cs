using System;
using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Tests.Quantization;

/// <summary>Small float graphs built by hand for quantizer and pipeline tests.</summary>
internal static class TestGraphs
{
    /// <summary>
    /// One 1-channel 2×2 conv over a [1,1,2,2] input, bias 0.25, ReLU6, output [1,1,1,1]. Chosen so every scale is
    /// a power of two: input range [0, 255/64] → scale 1/64, zp -128; weights {0.5, -0.25, 127/128, 0} → s_w = 1/128,
    /// q = {64, -32, 127, 0}; bias 0.25 / (1/64 · 1/128) = 2048; output range [-1, 255/32 - 1] → scale 1/32, zp -96;
    /// M = (1/64 · 1/128) / (1/32) = 1/256 = 0.5 · 2^-7 → multiplier 2^30, shift -7;
    /// ReLU6 clamp [-96, min(127, -96 + 192)] = [-96, 96].
    /// </summary>
    public static (FloatGraph Graph, Dictionary<string, ValueRange> Ranges) SingleConv()
    {
        var g = new FloatGraph { Input = "x", Output = "y" };
        g.Values["x"] = new ValueInfo("x", new[] { 1, 1, 2, 2 });
        g.Values["y"] = new ValueInfo("y", new[] { 1, 1, 1, 1 });
        var conv = new FloatNode
        {
            Name = "conv",
            Kind = NodeKind.Conv,
            Output = "y",
            Activation = Activation.Relu6,
            Weight = new[] { 0.5f, -0.25f, 127f / 128f, 0f },
            WeightShape = new[] { 1, 1, 2, 2 },
            Bias = new[] { 0.25f },
            KernelH = 2,
            KernelW = 2,
        };
        conv.Inputs.Add("x");
        g.Nodes.Add(conv);
        var ranges = new Dictionary<string, ValueRange>
        {
            ["x"] = new ValueRange(0f, 255f / 64f),
            ["y"] = new ValueRange(-1f, 255f / 32f - 1f),
        };
        return (g, ranges);
    }

    /// <summary>
    /// conv 3×3 (2→4 ch, pad 1) + ReLU → depthwise 3×3 stride 2 (multiplier 1) → residual-free flatten → FC 3,
    /// with seeded random weights; input [1,2,6,6]. Flatten of [1,4,3,3] exercises the CHW → HWC column permutation.
    /// </summary>
    public static FloatGraph SmallNet(int seed)
    {
        var rng = new Random(seed);
        float[] Random(int n, float amplitude)
        {
            var a = new float[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = (float)((rng.NextDouble() * 2 - 1) * amplitude);
            }
            return a;
        }

        var g = new FloatGraph { Input = "x", Output = "logits" };
        g.Values["x"] = new ValueInfo("x", new[] { 1, 2, 6, 6 });
        g.Values["c1"] = new ValueInfo("c1", new[] { 1, 4, 6, 6 });
        g.Values["dw"] = new ValueInfo("dw", new[] { 1, 4, 3, 3 });
        g.Values["flat"] = new ValueInfo("flat", new[] { 1, 36 });
        g.Values["logits"] = new ValueInfo("logits", new[] { 1, 3 });

        var c1 = new FloatNode
        {
            Name = "c1", Kind = NodeKind.Conv, Output = "c1", Activation = Activation.Relu,
            Weight = Random(4 * 2 * 9, 0.5f), WeightShape = new[] { 4, 2, 3, 3 }, Bias = Random(4, 0.1f),
            KernelH = 3, KernelW = 3, PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1,
        };
        c1.Inputs.Add("x");
        var dw = new FloatNode
        {
            Name = "dw", Kind = NodeKind.Conv, Output = "dw", Groups = 4,
            Weight = Random(4 * 9, 0.5f), WeightShape = new[] { 4, 1, 3, 3 }, Bias = Random(4, 0.1f),
            KernelH = 3, KernelW = 3, StrideH = 2, StrideW = 2, PadTop = 1, PadLeft = 1, PadBottom = 0, PadRight = 0,
        };
        dw.Inputs.Add("c1");
        var flat = new FloatNode { Name = "flatten", Kind = NodeKind.Reshape, Output = "flat" };
        flat.Inputs.Add("dw");
        var fc = new FloatNode
        {
            Name = "fc", Kind = NodeKind.FullyConnected, Output = "logits",
            Weight = Random(3 * 36, 0.3f), WeightShape = new[] { 3, 36 }, Bias = Random(3, 0.1f),
        };
        fc.Inputs.Add("flat");
        g.Nodes.Add(c1);
        g.Nodes.Add(dw);
        g.Nodes.Add(flat);
        g.Nodes.Add(fc);
        return g;
    }
}
