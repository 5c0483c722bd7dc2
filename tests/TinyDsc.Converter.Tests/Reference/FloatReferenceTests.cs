using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Reference;

/// <summary>Tiny hand-checked cases for each op of the float reference (the ONNX comparisons cover the rest).</summary>
public sealed class FloatReferenceTests
{
    private static FloatGraph Single(FloatNode node, int[] inShape, int[] outShape)
    {
        var g = new FloatGraph { Input = "x", Output = "y" };
        g.Values["x"] = new ValueInfo("x", inShape);
        g.Values["y"] = new ValueInfo("y", outShape);
        node.Name = "n";
        node.Inputs.Add("x");
        node.Output = "y";
        g.Nodes.Add(node);
        return g;
    }

    private static readonly float[] OneToNine = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    [Fact]
    public void ConvTwoByTwoValid()
    {
        var conv = new FloatNode { Kind = NodeKind.Conv, Weight = new[] { 1f, 1, 1, 1 }, WeightShape = new[] { 1, 1, 2, 2 }, KernelH = 2, KernelW = 2 };
        var y = FloatReference.Run(Single(conv, new[] { 1, 1, 3, 3 }, new[] { 1, 1, 2, 2 }), OneToNine);
        Assert.Equal(new[] { 12f, 16, 24, 28 }, y);
    }

    [Fact]
    public void ConvStrideTwoPadOneReadsZerosOutside()
    {
        var conv = new FloatNode
        {
            Kind = NodeKind.Conv, Weight = new[] { 1f, 1, 1, 1 }, WeightShape = new[] { 1, 1, 2, 2 }, KernelH = 2, KernelW = 2,
            StrideH = 2, StrideW = 2, PadTop = 1, PadLeft = 1, Bias = new[] { 0.5f },
        };
        var y = FloatReference.Run(Single(conv, new[] { 1, 1, 3, 3 }, new[] { 1, 1, 2, 2 }), OneToNine);
        // Windows start at (−1, −1), (−1, 1), (1, −1), (1, 1): {1}, {2, 3}, {4, 7}, {5, 6, 8, 9}, plus bias 0.5.
        Assert.Equal(new[] { 1.5f, 5.5f, 11.5f, 28.5f }, y);
    }

    [Fact]
    public void ConvDilationTwo()
    {
        var conv = new FloatNode { Kind = NodeKind.Conv, Weight = new[] { 1f, 10, 100, 1000 }, WeightShape = new[] { 1, 1, 2, 2 }, KernelH = 2, KernelW = 2, DilationH = 2, DilationW = 2 };
        var y = FloatReference.Run(Single(conv, new[] { 1, 1, 3, 3 }, new[] { 1, 1, 1, 1 }), OneToNine);
        // Taps at (0,0), (0,2), (2,0), (2,2): 1 + 10·3 + 100·7 + 1000·9.
        Assert.Equal(new[] { 9731f }, y);
    }

    [Fact]
    public void DepthwiseWithMultiplierReadsInputChannelOcOverK()
    {
        // Cin 2, multiplier 2: out channels 0, 1 read input 0; 2, 3 read input 1.
        var conv = new FloatNode { Kind = NodeKind.Conv, Groups = 2, Weight = new[] { 1f, -1, 2, 3 }, WeightShape = new[] { 4, 1, 1, 1 } };
        var y = FloatReference.Run(Single(conv, new[] { 1, 2, 1, 1 }, new[] { 1, 4, 1, 1 }), new[] { 5f, 7f });
        Assert.Equal(new[] { 5f, -5, 14, 21 }, y);
    }

    [Fact]
    public void GroupedConvReadsItsGroupsChannels()
    {
        // Cin 4, Cout 2, groups 2: out0 = 1·x0 + 2·x1, out1 = 3·x2 + 4·x3.
        var conv = new FloatNode { Kind = NodeKind.Conv, Groups = 2, Weight = new[] { 1f, 2, 3, 4 }, WeightShape = new[] { 2, 2, 1, 1 } };
        var y = FloatReference.Run(Single(conv, new[] { 1, 4, 1, 1 }, new[] { 1, 2, 1, 1 }), new[] { 1f, 10, 100, 1000 });
        Assert.Equal(new[] { 21f, 4300 }, y);
    }

    [Theory]
    [InlineData(false, new[] { 1f, 1.5f, 2f, 2.5f })]
    [InlineData(true, new[] { 0.25f, 0.75f, 1f, 2.5f })]
    public void AveragePoolDivisorWithPadding(bool countIncludePad, float[] expected)
    {
        // 2x2 input [1 2; 3 4], kernel 2, stride 1, pad top/left 1: windows {1}, {1,2}, {1,3}, {1,2,3,4}.
        var pool = new FloatNode { Kind = NodeKind.AveragePool, KernelH = 2, KernelW = 2, PadTop = 1, PadLeft = 1, CountIncludePad = countIncludePad };
        var y = FloatReference.Run(Single(pool, new[] { 1, 1, 2, 2 }, new[] { 1, 1, 2, 2 }), new[] { 1f, 2, 3, 4 });
        Assert.Equal(expected, y);
    }

    [Fact]
    public void MaxPoolPaddingNeverWins()
    {
        var pool = new FloatNode { Kind = NodeKind.MaxPool, KernelH = 2, KernelW = 2, PadTop = 1, PadLeft = 1 };
        var y = FloatReference.Run(Single(pool, new[] { 1, 1, 2, 2 }, new[] { 1, 1, 2, 2 }), new[] { -1f, -2, -3, -4 });
        Assert.Equal(new[] { -1f, -1, -1, -1 }, y);
    }

    [Fact]
    public void GlobalAveragePoolAndFullyConnectedWithRelu6()
    {
        var g = new FloatGraph { Input = "x", Output = "y" };
        g.Values["x"] = new ValueInfo("x", new[] { 1, 2, 2, 2 });
        g.Values["p"] = new ValueInfo("p", new[] { 1, 2, 1, 1 });
        g.Values["f"] = new ValueInfo("f", new[] { 1, 2 });
        g.Values["y"] = new ValueInfo("y", new[] { 1, 3 });
        var gap = new FloatNode { Name = "gap", Kind = NodeKind.GlobalAveragePool, Output = "p" };
        gap.Inputs.Add("x");
        var flat = new FloatNode { Name = "flat", Kind = NodeKind.Reshape, Output = "f" };
        flat.Inputs.Add("p");
        var fc = new FloatNode
        {
            Name = "fc", Kind = NodeKind.FullyConnected, Output = "y", Activation = Activation.Relu6,
            Weight = new[] { 1f, 0, 0, -1, 2, 2 }, WeightShape = new[] { 3, 2 }, Bias = new[] { 0f, 0, 1 },
        };
        fc.Inputs.Add("f");
        g.Nodes.AddRange(new[] { gap, flat, fc });

        var all = FloatReference.RunAll(g, new[] { 1f, 2, 3, 4, 10, 20, 30, 40 });

        Assert.Equal(new[] { "x", "p", "f", "y" }, all.Keys);
        Assert.Equal(new[] { 2.5f, 25f }, all["p"]);
        // fc: [2.5, −25, 2·2.5 + 2·25 + 1 = 56] → ReLU6 → [2.5, 0, 6].
        Assert.Equal(new[] { 2.5f, 0f, 6f }, all["y"]);
    }

    [Fact]
    public void AddWithRelu()
    {
        var g = new FloatGraph { Input = "x", Output = "y" };
        g.Values["x"] = new ValueInfo("x", new[] { 1, 3 });
        g.Values["y"] = new ValueInfo("y", new[] { 1, 3 });
        var add = new FloatNode { Name = "add", Kind = NodeKind.Add, Output = "y", Activation = Activation.Relu };
        add.Inputs.Add("x");
        add.Inputs.Add("x");
        g.Nodes.Add(add);
        Assert.Equal(new[] { 2f, 0f, 4f }, FloatReference.Run(g, new[] { 1f, -1f, 2f }));
    }

    [Fact]
    public void ObserverSeesEveryValueInOrder()
    {
        var conv = new FloatNode { Kind = NodeKind.Conv, Weight = new[] { 2f }, WeightShape = new[] { 1, 1, 1, 1 } };
        var seen = new List<(string, float[])>();
        var y = FloatReference.Run(Single(conv, new[] { 1, 1, 1, 2 }, new[] { 1, 1, 1, 2 }), new[] { 1f, 3f }, (n, v) => seen.Add((n, v.ToArray())));
        Assert.Equal(new[] { "x", "y" }, seen.Select(s => s.Item1));
        Assert.Equal(new[] { 1f, 3f }, seen[0].Item2);
        Assert.Equal(new[] { 2f, 6f }, y);
    }

    [Fact]
    public void RunBatchEqualsPerSampleRuns()
    {
        var conv = new FloatNode { Kind = NodeKind.Conv, Weight = new[] { 1f, 1, 1, 1 }, WeightShape = new[] { 1, 1, 2, 2 }, KernelH = 2, KernelW = 2 };
        var g = Single(conv, new[] { 1, 1, 3, 3 }, new[] { 1, 1, 2, 2 });
        var second = OneToNine.Select(v => -v).ToArray();
        var batch = FloatReference.RunBatch(g, OneToNine.Concat(second).ToArray(), 2);
        Assert.Equal(FloatReference.Run(g, OneToNine).Concat(FloatReference.Run(g, second)), batch);
    }

    [Fact]
    public void WrongInputLengthNamesTheShape()
    {
        var conv = new FloatNode { Kind = NodeKind.Conv, Weight = new[] { 1f }, WeightShape = new[] { 1, 1, 1, 1 } };
        var e = Assert.Throws<ArgumentException>(() => FloatReference.Run(Single(conv, new[] { 1, 1, 3, 3 }, new[] { 1, 1, 3, 3 }), new float[8]));
        Assert.StartsWith("input has 8 values but graph input 'x' of shape [1, 1, 3, 3] needs 9", e.Message);
        Assert.Throws<ArgumentException>(() => FloatReference.RunBatch(Single(conv, new[] { 1, 1, 3, 3 }, new[] { 1, 1, 3, 3 }), new float[17], 2));
    }
}
