using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Reference;
using TinyDsc.Converter.Tests.Cli;
using TinyDsc.Converter.Tests.Conformance;
using TinyDsc.Converter.Tests.Import;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Converter.Tests.EndToEnd;

/// <summary>
/// Issue 12's 1-D bar on tests/fixtures/models/accel-dscnn-1d (tools/python/make_accel_dscnn.py: a 1-D
/// depthwise-separable CNN trained on generated 3×128 accelerometer windows, BatchNorm1d kept in the ONNX graph):
/// it converts, its float reference reproduces PyTorch's logits, and its int8 accuracy on the 150 labelled test windows
/// is within 1 point of PyTorch's float accuracy. The float side is PyTorch's stored logits, not this project's code.
/// </summary>
public sealed class AccelDsCnn1dTests
{
    private readonly ITestOutputHelper _output;

    public AccelDsCnn1dTests(ITestOutputHelper output) => _output = output;

    private static string Folder => Path.Combine(Fixtures.Root, "tests", "fixtures", "models", "accel-dscnn-1d");

    private static string File(string name) => Path.Combine(Folder, name);

    [Fact]
    public void LowersToTwoDimensionalOpsWithUnitHeight()
    {
        var graph = OnnxImporter.Load(File("model.onnx"));
        Assert.Equal(new[] { 1, 3, 1, 128 }, graph.Values[graph.Input].Shape);
        Assert.Equal(new[] { 1, 6 }, graph.Values[graph.Output].Shape);
        // stem + three depthwise-separable blocks; every BatchNorm1d folded, every ReLU fused; AvgPool1d's Pad merged.
        Assert.Equal("Conv+Relu Conv+Relu Conv+Relu MaxPool Conv+Relu Conv+Relu AveragePool Conv+Relu Conv+Relu GlobalAveragePool Reshape FullyConnected",
            ImportAssert.Kinds(graph));
        Assert.All(graph.Nodes.Where(n => n.Kind == NodeKind.Conv), c => Assert.Equal((1, 1, 0, 0), (c.KernelH, c.StrideH, c.PadTop, c.PadBottom)));
        Assert.Equal(48, graph.Nodes[4].WeightShape![0]); // depthwise with multiplier 2: 24 → 48
        Assert.Equal(24, graph.Nodes[4].Groups);
        Assert.Equal(2, graph.Nodes[7].DilationW);
    }

    [Fact]
    public void ReferenceReproducesPytorchLogits()
    {
        var inputs = Npy.ReadFloat32(File("test_inputs.npy"));
        var expected = Npy.ReadFloat32(File("test_logits.npy"));
        var graph = OnnxImporter.Load(File("model.onnx"));
        const int samples = 40;
        var actual = FloatReference.RunBatch(graph, inputs.Data[..(samples * 3 * 128)], samples);
        for (int i = 0; i < samples; i++)
        {
            Compare.Close(expected.Data.AsSpan(i * 6, 6), actual.AsSpan(i * 6, 6), $"window {i}");
        }
    }

    [Fact]
    public void Int8_StaysWithinOnePointOfPytorchFloat()
    {
        var inputs = Npy.ReadFloat32(File("test_inputs.npy"));
        long[] labels = Npy.ReadInt64(File("test_labels.npy")).Data;
        var pytorch = Npy.ReadFloat32(File("test_logits.npy"));
        var calibration = Npy.ReadFloat32(File("calibration.npy"));
        Assert.Equal(new[] { 150, 3, 128 }, inputs.Shape);

        var graph = OnnxImporter.Load(File("model.onnx"));
        ConversionResult converted = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy", new CalibrationOptions());
        Model model = ModelReader.Load(converted.FileBytes);
        BatchResult int8 = new Int8Runner(model).Run(inputs.Data, inputs.Shape, "test_inputs.npy");

        VerifyMetrics m = VerifyMetrics.Compute(pytorch.Data, int8.Data, labels.Length, labels);
        _output.WriteLine($"accel-dscnn-1d: PyTorch float {m.FloatAccuracy:P2}, TinyDsc int8 {m.Int8Accuracy:P2}, " +
            $"top-1 agreement {m.Top1Agreement:P2}, SQNR {m.SqnrDb:F2} dB, {converted.FileBytes.Length} B");

        Assert.True(m.Int8Accuracy >= m.FloatAccuracy - 0.01, $"float {m.FloatAccuracy:P2}, int8 {m.Int8Accuracy:P2}");
        // Not a trivial task: the generated classes overlap (README: 96.67 % float), so the bar has misses to keep.
        Assert.InRange(m.FloatAccuracy!.Value, 0.9, 0.99);
        Assert.True(m.Top1Agreement >= 0.98, $"top-1 agreement {m.Top1Agreement:P2}");
        // The same 25 dB bar issue 12 sets for MobileNetV3.
        Assert.True(m.SqnrDb >= 25.0, $"SQNR {m.SqnrDb:F2} dB");
    }

    /// <summary>
    /// README: on the device a 1-D model's input is NHWC [1, 1, L, C], time steps in order with the channels
    /// interleaved (x0 y0 z0 x1 …). Fed that way, the interpreter gives exactly what the NCL pipeline gives.
    /// </summary>
    [Fact]
    public void DeviceInputIsTimeMajorWithInterleavedChannels()
    {
        var inputs = Npy.ReadFloat32(File("test_inputs.npy"));
        var calibration = Npy.ReadFloat32(File("calibration.npy"));
        var graph = OnnxImporter.Load(File("model.onnx"));
        Model model = ModelReader.Load(ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy", new CalibrationOptions()).FileBytes);
        Assert.Equal(new[] { 1, 1, 128, 3 }, model.Tensors[model.InputTensor].Dims);
        const int window = 7;
        var ncl = inputs.Data.AsSpan(window * 3 * 128, 3 * 128).ToArray();
        BatchResult expected = new Int8Runner(model).Run(ncl, new[] { 1, 3, 128 }, "window");

        var interleaved = new float[3 * 128];
        for (int t = 0; t < 128; t++)
        {
            for (int c = 0; c < 3; c++)
            {
                interleaved[t * 3 + c] = ncl[c * 128 + t];
            }
        }
        var interpreter = new TinyDsc.Runtime.Interpreter(model);
        interpreter.SetInput(interleaved, 0);
        interpreter.Invoke();
        var scores = new float[6];
        interpreter.GetOutput(scores, 0);
        Assert.Equal(expected.Data, scores);
    }

    /// <summary>The README's commands: the CLI takes the fixture's [N, 3, 128] files as they are.</summary>
    [Fact]
    public void CliConvertsAndVerifiesWithLabels()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("accel.tdsc");
        var convert = CliRunner.Run("convert", File("model.onnx"), "--calibration", File("calibration.npy"), "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        var verify = CliRunner.Run("verify", File("model.onnx"), tdsc, "--input", File("test_inputs.npy"), "--labels", File("test_labels.npy"));
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("int8 accuracy", verify.Out);
        Assert.Contains("[N,6], classification", verify.Out);

        string y = temp.File("y.npy");
        var run = CliRunner.Run("run", tdsc, "--input", File("test_inputs.npy"), "--output", y);
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal(new[] { 150, 6 }, Npy.ReadFloat32(y).Shape);

        // A window of the wrong length names both accepted shapes.
        string bad = temp.File("bad.npy");
        Npy.WriteFloat32(bad, new[] { 2, 3, 100 }, new float[2 * 3 * 100]);
        var rejected = CliRunner.Run("run", tdsc, "--input", bad, "--output", y);
        CliRunner.AssertBadInput(rejected, "has shape [2,3,100] but the model expects [N,3,1,128] or [N,3,128]");
    }
}
