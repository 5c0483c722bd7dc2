using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Onnx;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

public sealed class ConstantEvaluatorTests
{
    private static ConstTensor Eval(string op, int opset, ConstTensor?[] inputs, params (string, object)[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = "n" };
        n.Output.Add("y");
        foreach (var (name, value) in attributes)
        {
            n.Attribute.Add(Attribute(name, value));
        }
        return ConstantEvaluator.Evaluate(new NodeView(n, 0, opset), inputs);
    }

    private static ConstTensor I(long[] shape, params long[] v) => ConstTensor.FromInts(shape, v);

    private static ConstTensor F(long[] shape, params float[] v) => ConstTensor.FromFloats(shape, v);

    [Fact]
    public void MulOnInitializerBecomesTheConvWeight()
    {
        // F.conv2d(x, self.weight * self.scale, groups=2): the product is the weight the Conv sees.
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        var w = Random(4 * 2 * 3 * 3, 7);
        b.Init("weight", new long[] { 4, 2, 3, 3 }, w);
        b.Init("scale", new long[] { 4, 1, 1, 1 }, new[] { 0.5f, 2f, -1f, 3f });
        b.Node("Mul", new[] { "weight", "scale" }, "w2", "mul");
        b.Node("Conv", new[] { "x", "w2" }, "y", "conv", ("group", 2), ("pads", new[] { 1, 1, 1, 1 }));

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 4, 5, 5 });

        var conv = Assert.Single(g.Nodes);
        float[] scale = { 0.5f, 2f, -1f, 3f };
        Assert.Equal(w.Select((v, i) => v * scale[i / 18]).ToArray(), conv.Weight);
    }

    /// <summary>The subgraph PyTorch (opset 13) emits for F.pad(x, (1, 0, 1, 0)): pads computed from constants.</summary>
    private static OnnxModelBuilder PadSubgraph(out string pads)
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 3, 6, 6 }).Output("y");
        b.Constant("p", Int64Tensor("", new long[] { 4 }, new long[] { 1, 0, 1, 0 }));
        b.Constant("zero", Int64Tensor("", new long[0], new long[] { 0 }));
        b.Node("Shape", new[] { "p" }, "shape");
        b.Node("Gather", new[] { "shape", "zero" }, "len", null, ("axis", 0));
        b.Constant("two", Int64Tensor("", new long[] { 1 }, new long[] { 2 }));
        b.Constant("rank", Int64Tensor("", new long[0], new long[] { 4 }));
        b.Node("Mul", new[] { "two", "rank" }, "twice");
        b.Node("Sub", new[] { "twice", "len" }, "missing");
        b.Node("Cast", new[] { "p" }, "p64", null, ("to", 7));
        b.Node("ConstantOfShape", new[] { "missing" }, "zeros", null, ("value", Int64Tensor("", new long[] { 1 }, new long[] { 0 })));
        b.Node("Concat", new[] { "p64", "zeros" }, "all", null, ("axis", 0));
        b.Constant("pairs", Int64Tensor("", new long[] { 2 }, new long[] { -1, 2 }));
        b.Node("Reshape", new[] { "all", "pairs" }, "m");
        b.Constant("starts", Int64Tensor("", new long[] { 1 }, new long[] { -1 }));
        b.Constant("ends", Int64Tensor("", new long[] { 1 }, new long[] { long.MinValue + 1 }));
        b.Constant("axes", Int64Tensor("", new long[] { 1 }, new long[] { 0 }));
        b.Constant("steps", Int64Tensor("", new long[] { 1 }, new long[] { -1 }));
        b.Node("Slice", new[] { "m", "starts", "ends", "axes", "steps" }, "rev");
        b.Node("Transpose", new[] { "rev" }, "t", null, ("perm", new[] { 1, 0 }));
        b.Constant("flat", Int64Tensor("", new long[] { 1 }, new long[] { -1 }));
        b.Node("Reshape", new[] { "t", "flat" }, "r");
        b.Node("Cast", new[] { "r" }, "pads", null, ("to", 7));
        pads = "pads";
        return b;
    }

    [Fact]
    public void PadSubgraphEvaluatesToOnnxPadsAndMergesIntoConv()
    {
        var b = PadSubgraph(out string pads);
        b.Constant("value", FloatTensor("", new long[0], new[] { 0f }));
        b.Node("Pad", new[] { "x", pads, "value" }, "padded", "pad", ("mode", "constant"));
        b.Init("w", new long[] { 4, 3, 3, 3 }, Random(108, 5));
        b.Node("Conv", new[] { "padded", "w" }, "y", "conv", ("strides", new[] { 2, 2 }));

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 3, 6, 6 });

        var conv = Assert.Single(g.Nodes);
        // PyTorch's (left 1, right 0, top 1, bottom 0) is ONNX pads [0, 0, 1, 1, 0, 0, 0, 0]: top 1, left 1.
        Assert.Equal((1, 1, 0, 0), (conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
        Assert.Equal(new[] { 1, 4, 3, 3 }, g.Values[g.Output].Shape);
    }

    [Fact]
    public void GatherWithNegativeIndexAndMatrixIndices()
    {
        var data = I(new long[] { 3, 2 }, 10, 11, 20, 21, 30, 31);
        var r = Eval("Gather", 13, new[] { data, I(new long[] { 2 }, -1, 0) });
        Assert.Equal(new long[] { 2, 2 }, r.Shape);
        Assert.Equal(new long[] { 30, 31, 10, 11 }, r.Ints);
        var c = Eval("Gather", 13, new[] { data, I(new long[0], 1) }, ("axis", 1));
        Assert.Equal(new long[] { 3 }, c.Shape);
        Assert.Equal(new long[] { 11, 21, 31 }, c.Ints);
    }

    [Fact]
    public void UnsqueezeAndSqueezeTakeAxesFromAttributeBeforeOpset13AndInputAfter()
    {
        var x = F(new long[] { 3 }, 1, 2, 3);
        Assert.Equal(new long[] { 1, 3, 1 }, Eval("Unsqueeze", 11, new[] { x }, ("axes", new[] { 0, -1 })).Shape);
        var u = Eval("Unsqueeze", 13, new[] { x, I(new long[] { 1 }, 0) });
        Assert.Equal(new long[] { 1, 3 }, u.Shape);
        Assert.Equal(new long[] { 3 }, Eval("Squeeze", 13, new ConstTensor?[] { u, null }).Shape);
        Assert.Equal(new long[] { 3 }, Eval("Squeeze", 11, new[] { u }, ("axes", new[] { 0 })).Shape);
        var e = Assert.Throws<OnnxImportException>(() => Eval("Squeeze", 11, new[] { u }, ("axes", new[] { 1 })));
        Assert.Contains("cannot squeeze axis 1 of size 3", e.Message);
    }

    [Fact]
    public void SliceWithStepsAndClampedEnds()
    {
        var x = I(new long[] { 2, 5 }, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        var r = Eval("Slice", 13, new[] { x, I(new long[] { 1 }, 1), I(new long[] { 1 }, long.MaxValue), I(new long[] { 1 }, 1), I(new long[] { 1 }, 2) });
        Assert.Equal(new long[] { 2, 2 }, r.Shape);
        Assert.Equal(new long[] { 1, 3, 6, 8 }, r.Ints);
        var old = Eval("Slice", 9, new[] { x }, ("starts", new[] { 1 }), ("ends", new[] { 2 }));
        Assert.Equal(new long[] { 1, 5 }, old.Shape);
        Assert.Equal(new long[] { 5, 6, 7, 8, 9 }, old.Ints);
    }

    [Fact]
    public void ConcatTransposeReshapeCast()
    {
        var a = I(new long[] { 1, 2 }, 1, 2);
        var b = I(new long[] { 1, 2 }, 3, 4);
        var cat = Eval("Concat", 13, new[] { a, b }, ("axis", 0));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, cat.Ints);
        var t = Eval("Transpose", 13, new[] { cat });
        Assert.Equal(new long[] { 1, 3, 2, 4 }, t.Ints);
        var r = Eval("Reshape", 13, new[] { t, I(new long[] { 2 }, 0, -1) });
        Assert.Equal(new long[] { 2, 2 }, r.Shape);
        var f = Eval("Cast", 13, new[] { F(new long[] { 3 }, 1.9f, -1.9f, 0f) }, ("to", 7));
        Assert.Equal(new long[] { 1, -1, 0 }, f.Ints);
        var back = Eval("Cast", 13, new[] { I(new long[] { 2 }, 3, -4) }, ("to", 1));
        Assert.Equal(new[] { 3f, -4f }, back.Floats);
    }

    [Fact]
    public void ArithmeticBroadcastsAndKeepsFloat32Rounding()
    {
        var x = F(new long[] { 2, 2 }, 1, 2, 3, 4);
        Assert.Equal(new[] { 2f, 4f, 4f, 6f }, Eval("Add", 13, new[] { x, F(new long[] { 2 }, 1, 2) }).Floats);
        Assert.Equal(new[] { 0f, 1f, 1f, 2f }, Eval("Sub", 13, new[] { x, F(new long[] { 2, 1 }, 1, 2) }).Floats);
        Assert.Equal(new[] { 0.1f / 3f }, Eval("Div", 13, new[] { F(new long[0], 0.1f), F(new long[0], 3f) }).Floats);
        Assert.Equal(new[] { 1f, 4f, 9f, 16f }, Eval("Pow", 13, new[] { x, F(new long[0], 2f) }).Floats);
        Assert.Equal(new[] { 2f }, Eval("Sqrt", 13, new[] { F(new long[] { 1 }, 4f) }).Floats);
        Assert.Equal(new long[] { -7 }, Eval("Neg", 13, new[] { I(new long[] { 1 }, 7) }).Ints);
        Assert.Equal(new long[] { -3 }, Eval("Div", 13, new[] { I(new long[] { 1 }, -7), I(new long[] { 1 }, 2) }).Ints);
        // Opset 6 broadcast=1, axis=1 aligns a [2] operand with dim 1 of [2, 2, 1] (numpy would align it with dim 2).
        var legacy = Eval("Mul", 6, new[] { F(new long[] { 2, 2, 1 }, 1, 1, 1, 1), F(new long[] { 2 }, 5, 7) }, ("broadcast", 1), ("axis", 1));
        Assert.Equal(new long[] { 2, 2, 1 }, legacy.Shape);
        Assert.Equal(new[] { 5f, 7f, 5f, 7f }, legacy.Floats);
    }

    [Fact]
    public void ShapeOfActivationFeedsFlattenReshape()
    {
        // x.view(x.size(0), -1): Shape → Gather(0) → Unsqueeze → Concat with [-1] → Reshape.
        var b = new OnnxModelBuilder(opset: 11).Input("x", new[] { 2, 3, 3 }).Output("y");
        b.Init("w", new long[] { 4, 2, 1, 1 }, Random(8, 2));
        b.Node("Conv", new[] { "x", "w" }, "c", "conv");
        b.Node("Shape", new[] { "c" }, "s");
        b.Constant("i0", Int64Tensor("", new long[0], new long[] { 0 }));
        b.Node("Gather", new[] { "s", "i0" }, "n", null, ("axis", 0));
        b.Node("Unsqueeze", new[] { "n" }, "n1", null, ("axes", new[] { 0 }));
        b.Constant("m1", Int64Tensor("", new long[] { 1 }, new long[] { -1 }));
        b.Node("Concat", new[] { "n1", "m1" }, "target", null, ("axis", 0));
        b.Node("Reshape", new[] { "c", "target" }, "flat", "reshape");
        b.Init("fw", new long[] { 3, 36 }, Random(108, 4));
        b.Node("Gemm", new[] { "flat", "fw" }, "y", "fc", ("transB", 1));

        var g = ImportAssert.MatchesOnnxRuntime(b.Build(), new[] { 2, 3, 3 });

        Assert.Equal("Conv Reshape FullyConnected", ImportAssert.Kinds(g));
        Assert.Equal(new[] { 1, 36 }, g.Values["flat"].Shape);
    }

    [Fact]
    public void ConstantNodeValueAttributes()
    {
        var n = new NodeProto { OpType = "Constant", Name = "k" };
        n.Output.Add("y");
        n.Attribute.Add(Attribute("value_floats", new[] { 1f, 2f }));
        var t = ConstantEvaluator.ConstantValue(new NodeView(n, 0, 13));
        Assert.Equal(new[] { 1f, 2f }, t.Floats);
        Assert.Equal(new long[] { 2 }, t.Shape);
    }

    [Fact]
    public void UnsupportedConstantOpIsNamed()
    {
        var e = Assert.Throws<OnnxImportException>(() => Eval("Range", 13, new ConstTensor?[0]));
        Assert.Contains("node 'n' (Range): cannot be evaluated at import time (constant ops: Constant, Shape, Gather", e.Message);
    }

    public static IEnumerable<object[]> TensorEncodings() => new[]
    {
        new object[] { FloatTensor("w", new long[] { 2, 1, 1, 1 }, new[] { 1.5f, -2f }, raw: true) },
        new object[] { FloatTensor("w", new long[] { 2, 1, 1, 1 }, new[] { 1.5f, -2f }, raw: false) },
        new object[] { DoubleTensor() },
    };

    private static TensorProto DoubleTensor()
    {
        var t = new TensorProto { Name = "w", DataType = 11 };
        t.Dims.Add(new long[] { 2, 1, 1, 1 });
        t.DoubleData.Add(new[] { 1.5, -2.0 });
        return t;
    }

    [Theory]
    [MemberData(nameof(TensorEncodings))]
    public void WeightsReadFromRawDataAndTypedFields(TensorProto weight)
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 2, 2 }).Output("y");
        b.Graph.Initializer.Add(weight);
        b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("group", 2));
        var g = OnnxImporter.Import(b.Build());
        Assert.Equal(new[] { 1.5f, -2f }, g.Nodes[0].Weight);
    }

    [Fact]
    public void Int32DataAndInt64RawDataDecode()
    {
        var t = new TensorProto { DataType = 6 };
        t.Dims.Add(3);
        t.Int32Data.Add(new[] { -1, 0, 7 });
        Assert.Equal(new long[] { -1, 0, 7 }, TensorReader.Read(t, "t").Ints);
        Assert.Equal(new long[] { 5, -6 }, TensorReader.Read(Int64Tensor("", new long[] { 2 }, new long[] { 5, -6 }, raw: true), "t").Ints);
    }
}
