using System.IO;
using Google.Protobuf;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Onnx;
using Xunit;
using static TinyDsc.Converter.Tests.Import.OnnxModelBuilder;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>Every way a model can be unusable gets a one-line message naming the node or tensor.</summary>
public sealed class ImportErrorTests
{
    private static OnnxModelBuilder ConvModel(int group = 1, int cin = 4, long[]? weightDims = null, int opset = 13)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { cin, 5, 5 }).Output("y");
        weightDims ??= new long[] { 6, cin / group, 3, 3 };
        b.Init("w", weightDims, new float[ConstTensor.CountOf(weightDims)]);
        b.Node("Conv", new[] { "x", "w" }, "y", "conv1", ("group", group));
        return b;
    }

    [Fact]
    public void GroupsNotDividingWeightDim0()
    {
        ImportAssert.Rejects(ConvModel(group: 3, cin: 3, weightDims: new long[] { 64, 1, 3, 3 }).Build(),
            "node 'conv1' (Conv): groups=3 requires weight dim 0 divisible by 3, got 64");
    }

    [Fact]
    public void GroupsNotDividingInputChannels()
    {
        ImportAssert.Rejects(ConvModel(group: 3, cin: 4, weightDims: new long[] { 6, 1, 3, 3 }).Build(),
            "node 'conv1' (Conv): groups=3 requires input channels divisible by 3, got 4");
    }

    [Fact]
    public void WeightDim1NotInputChannelsOverGroups()
    {
        ImportAssert.Rejects(ConvModel(group: 2, cin: 4, weightDims: new long[] { 6, 4, 3, 3 }).Build(),
            "node 'conv1' (Conv): groups=2 with 4 input channels requires weight dim 1 = 4/2 = 2, got 4");
    }

    [Fact]
    public void KernelLargerThanPaddedInput()
    {
        ImportAssert.Rejects(ConvModel(weightDims: new long[] { 6, 4, 7, 7 }).Build(),
            "node 'conv1' (Conv): window 7x7 (dilation 1x1) does not fit input 5x5 with pads [0, 0, 0, 0]");
    }

    [Fact]
    public void KernelShapeAttributeDisagreeingWithWeight()
    {
        var b = ConvModel();
        b.Graph.Node[0].Attribute.Add(Attribute("kernel_shape", new[] { 5, 5 }));
        ImportAssert.Rejects(b.Build(), "node 'conv1' (Conv): kernel_shape [5, 5] does not match weight shape [6, 4, 3, 3]");
    }

    [Fact]
    public void MissingInitializer()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("Conv", new[] { "x", "w" }, "y", "conv1");
        ImportAssert.Rejects(b.Build(),
            "node 'conv1' (Conv): input 'w' is not a graph input, an initializer or the output of any node (missing initializer?)");
    }

    [Fact]
    public void WeightComputedFromInput()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("Conv", new[] { "x", "x" }, "y", "conv1");
        ImportAssert.Rejects(b.Build(), "node 'conv1' (Conv): weight 'x' must be a constant (initializer, Constant or constant subgraph)");
    }

    [Fact]
    public void Cycle()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("Add", new[] { "x", "b" }, "a", "add1");
        b.Node("Relu", new[] { "a" }, "b", "relu1");
        b.Node("Relu", new[] { "a" }, "y", "relu2");
        ImportAssert.Rejects(b.Build(), "the graph has a cycle: node 'add1' (Add) depends on its own output");
    }

    [Fact]
    public void TwoGraphInputs()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4 }).Input("z", new[] { 4 }).Output("y");
        b.Node("Add", new[] { "x", "z" }, "y", "add");
        ImportAssert.Rejects(b.Build(), "the graph has 2 non-initializer inputs ('x', 'z'); TinyDsc needs exactly one");
    }

    [Fact]
    public void TwoGraphOutputs()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4 }).Output("y").Output("z");
        b.Node("Relu", new[] { "x" }, "y", "r1");
        b.Node("Relu", new[] { "x" }, "z", "r2");
        ImportAssert.Rejects(b.Build(), "the graph has 2 outputs ('y', 'z'); TinyDsc needs exactly one");
    }

    [Fact]
    public void NonFloatInput()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4 }, elemType: 7).Output("y");
        b.Node("Relu", new[] { "x" }, "y", "r");
        ImportAssert.Rejects(b.Build(), "graph input 'x' has element type INT64; TinyDsc needs a float32 input");
    }

    [Theory]
    [InlineData(0, "graph input 'x' has shape [N, 4, 0, 5]: dim 2 must be positive")]
    [InlineData(-3, "graph input 'x' has shape [N, 4, -3, 5]: dim 2 must be positive")]
    public void ZeroOrNegativeDim(int dim, string message)
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, dim, 5 }).Output("y");
        b.Node("Relu", new[] { "x" }, "y", "r");
        ImportAssert.Rejects(b.Build(), message);
    }

    [Fact]
    public void SymbolicNonBatchDim()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimParam = "H" };
        b.Node("Relu", new[] { "x" }, "y", "r");
        ImportAssert.Rejects(b.Build(), "graph input 'x' has shape [N, 4, H, 5]: dim 2 must be a fixed number (only the batch dim may be symbolic)");
    }

    [Fact]
    public void ExternalData()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 5, 5 }).Output("y");
        var w = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        w.Dims.Add(new long[] { 2, 1, 1, 1 });
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        b.Graph.Initializer.Add(w);
        b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("group", 2));
        ImportAssert.Rejects(b.Build(), "initializer 'w': tensor data is stored in an external file");
    }

    [Fact]
    public void TensorDataShorterThanDims()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 5, 5 }).Output("y");
        b.Graph.Initializer.Add(FloatTensor("w", new long[] { 2, 1, 1, 1 }, new[] { 1f }));
        b.Node("Conv", new[] { "x", "w" }, "y", "conv", ("group", 2));
        ImportAssert.Rejects(b.Build(), "initializer 'w': raw_data has 4 bytes but dims [2, 1, 1, 1] of FLOAT need 8");
    }

    [Fact]
    public void UnsupportedOpListsSupportedOnes()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("Erf", new[] { "x" }, "y", "gate");
        ImportAssert.Rejects(b.Build(),
            "node 'gate' (Erf): op Erf is not supported; supported ops: Conv, BatchNormalization, Relu, Clip, HardSwish, HardSigmoid, " +
            "Sigmoid, Tanh, LeakyRelu, Softmax, PRelu, Add, Sub, Mul, Div, GlobalAveragePool, AveragePool, MaxPool, Pad, Flatten, Reshape, Squeeze, " +
            "ReduceMean, Gemm, MatMul, Identity, Dropout, Concat (and, on constants only: Constant, Shape,");
    }

    [Fact]
    public void ConstantOpOnActivation()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("Transpose", new[] { "x" }, "y", "t");
        ImportAssert.Rejects(b.Build(), "node 't' (Transpose): op Transpose is not supported on activations (only on constants)");
    }

    [Theory]
    [InlineData(5, "opset 5 is not supported (TinyDsc reads opsets 6–17)")]
    [InlineData(18, "opset 18 is not supported (TinyDsc reads opsets 6–17)")]
    public void OpsetOutOfRange(int opset, string message)
    {
        var b = new OnnxModelBuilder(opset).Input("x", new[] { 4 }).Output("y");
        b.Node("Relu", new[] { "x" }, "y", "r");
        ImportAssert.Rejects(b.Build(), message);
    }

    [Fact]
    public void UnnamedNodeIsIdentifiedByIndexAndOutput()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4, 5, 5 }).Output("y");
        b.Node("Relu", new[] { "x" }, "r", "");
        b.Node("LogSoftmax", new[] { "r" }, "y", "");
        ImportAssert.Rejects(b.Build(), "node #1 (LogSoftmax, output 'y'): op LogSoftmax is not supported");
    }

    [Fact]
    public void UncomputedSecondOutput()
    {
        var b = new OnnxModelBuilder(opset: 11).Input("x", new[] { 2, 4, 4 }).Output("y");
        var pool = b.Node("MaxPool", new[] { "x" }, "p", "pool", ("kernel_shape", new[] { 2, 2 }));
        pool.Output.Add("indices");
        b.Node("Add", new[] { "p", "indices" }, "y", "add");
        ImportAssert.Rejects(b.Build(), "node 'add' (Add): uses 'indices', an output of node 'pool' (MaxPool) that TinyDsc does not compute");
    }

    [Fact]
    public void AddOfDifferentShapes()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.Node("MaxPool", new[] { "x" }, "p", "pool", ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }));
        b.Node("Add", new[] { "x", "p" }, "y", "add");
        ImportAssert.Rejects(b.Build(), "node 'add' (Add): input shapes [1, 2, 4, 4] and [1, 2, 2, 2] differ; only same-shape Add is supported");
    }

    [Fact]
    public void SpatiallyVaryingConstantAdd()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 2, 2 }).Output("y");
        b.Init("c", new long[] { 1, 1, 2, 2 }, new[] { 1f, 2f, 3f, 4f });
        b.Node("Add", new[] { "x", "c" }, "y", "add");
        ImportAssert.Rejects(b.Build(), "node 'add' (Add): constant operand of shape [1, 1, 2, 2] with activation [1, 2, 2, 2] is supported only per channel");
    }

    [Fact]
    public void UnsupportedReshape()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 2, 4, 4 }).Output("y");
        b.InitInt64("s", new long[] { 3 }, new long[] { 1, 8, 4 });
        b.Node("Reshape", new[] { "x", "s" }, "y", "reshape");
        ImportAssert.Rejects(b.Build(), "node 'reshape' (Reshape): Reshape of [1, 2, 4, 4] to [1, 8, 4] is not supported (only flattening to [N, -1] or [N, C·H·W])");
    }

    [Fact]
    public void PoolCeilModeThatChangesOutputSize()
    {
        var b = new OnnxModelBuilder(11).Input("x", new[] { 2, 5, 5 }).Output("y");
        b.Node("MaxPool", new[] { "x" }, "y", "pool", ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }), ("ceil_mode", 1));
        ImportAssert.Rejects(b.Build(), "node 'pool' (MaxPool): ceil_mode=1 is not supported where it changes the output size");
    }

    [Fact]
    public void GraphThatOnlyPassesItsInputThrough()
    {
        var b = new OnnxModelBuilder().Input("x", new[] { 4 }).Output("y");
        b.Node("Identity", new[] { "x" }, "y", "id");
        ImportAssert.Rejects(b.Build(), "graph output 'y' is the graph input itself (only Identity/Dropout in between); there is nothing to run");
    }

    [Fact]
    public void NotAModel()
    {
        ImportAssert.Rejects(new byte[] { 0xff, 0xff, 0xff, 0xff }, "not an ONNX model (protobuf parse failed");
        ImportAssert.Rejects(new ModelProto().ToByteArray(), "the model has no graph");
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), "tinydsc-no-such-model.onnx");
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(path));
        Assert.StartsWith($"cannot read ONNX model '{path}'", e.Message);
    }
}
