using System.IO;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Reference;
using TinyDsc.Converter.Tests.Conformance;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.EndToEnd;

/// <summary>
/// tests/fixtures/models/mbv3-tiny-32 (tools/python/make_mbv3_tiny.py: torchvision's MobileNetV3 class with three
/// blocks, committed so the device lane can embed it): its float reference reproduces PyTorch's stored output, it has
/// the MobileNetV3 ops (HardSwish, the squeeze-and-excite HardSigmoid and per-channel Mul), and its int8 output stays
/// close to PyTorch's (the 25 dB bar issue 12 sets for mobilenet_v3_small).
/// </summary>
public sealed class Mbv3TinyFixtureTests
{
    private static string File(string name) => Path.Combine(Fixtures.Root, "tests", "fixtures", "models", "mbv3-tiny-32", name);

    [Fact]
    public void ReferenceReproducesPytorchAndInt8StaysClose()
    {
        var input = Npy.ReadFloat32(File("input.npy"));
        var expected = Npy.ReadFloat32(File("output.npy"));
        var graph = OnnxImporter.Load(File("model.onnx"));
        // Two squeeze-and-excite blocks (HardSigmoid gate, per-channel Mul); HardSwish after the stem, the expand and
        // depthwise convs of the two "HS" blocks, the last conv and the first Linear (HardSigmoid · x recognised).
        Assert.Equal(2, graph.Nodes.Count(n => n.Kind == NodeKind.Mul));
        Assert.Equal(2, graph.Nodes.Count(n => n.Kind == NodeKind.HardSigmoid));
        Assert.Equal(7, graph.Nodes.Count(n => n.Kind == NodeKind.HardSwish));

        var actual = FloatReference.RunBatch(graph, input.Data, input.Shape[0]);
        Compare.Close(expected.Data, actual, "mbv3-tiny-32 vs PyTorch");

        var calibration = Npy.ReadFloat32(File("calibration.npy"));
        ConversionResult converted = ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy", new CalibrationOptions());
        BatchResult int8 = new Int8Runner(ModelReader.Load(converted.FileBytes)).Run(input.Data, input.Shape, "input.npy");
        VerifyMetrics m = VerifyMetrics.Compute(expected.Data, int8.Data, input.Shape[0]);
        Assert.True(m.SqnrDb >= 25.0, $"SQNR {m.SqnrDb:F2} dB");
    }
}
