using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>
/// The trained Fashion-MNIST sample models (DS-CNN and MobileNetV2-style, exported with BN fused): the float reference
/// reproduces PyTorch's stored logits on the first test images, and the lowered graphs have the expected shape.
/// </summary>
public sealed class TrainedModelTests
{
    private const int Samples = 40;

    private static string Repo => Directory.GetParent(PytorchFixtureTests.FixtureRoot)!.Parent!.FullName;

    [Theory]
    [InlineData("firmware-samples/models/fashion-dscnn/model.onnx", "firmware-samples/models/fashion-dscnn/test_logits.npy", 11, 0)]
    [InlineData("tests/fixtures/models/mbv2-fashion/model.onnx", "tests/fixtures/models/mbv2-fashion/test_logits.npy", 19, 3)]
    public void ReferenceReproducesPytorchLogits(string model, string logits, int convs, int adds)
    {
        var images = Npy.ReadFloat32(Path.Combine(Repo, "firmware-samples/models/fashion-dscnn/test_images.npy"));
        var expected = Npy.ReadFloat32(Path.Combine(Repo, logits));
        var graph = OnnxImporter.Load(Path.Combine(Repo, model));

        Assert.Equal(convs, graph.Nodes.Count(n => n.Kind == NodeKind.Conv));
        Assert.Equal(adds, graph.Nodes.Count(n => n.Kind == NodeKind.Add));
        Assert.Equal(new[] { 1, 10 }, graph.Values[graph.Output].Shape);

        int size = images.Shape.Skip(1).Aggregate(1, (a, b) => a * b);
        var actual = FloatReference.RunBatch(graph, images.Data[..(Samples * size)], Samples);
        for (int i = 0; i < Samples; i++)
        {
            Compare.Close(expected.Data.AsSpan(i * 10, 10), actual.AsSpan(i * 10, 10), $"{Path.GetFileName(Path.GetDirectoryName(model))} image {i}");
        }
    }
}
