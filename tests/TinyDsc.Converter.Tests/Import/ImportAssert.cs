using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Reference;
using TinyDsc.Converter.Tests.Conformance;
using Xunit;

namespace TinyDsc.Converter.Tests.Import;

internal static class ImportAssert
{
    /// <summary>
    /// Imports <paramref name="model"/>, runs a random batch of <paramref name="batch"/> samples through the float
    /// reference and ONNX Runtime and compares them (tolerance: <see cref="Compare.RelativeTolerance"/>).
    /// Returns the imported graph for structural checks.
    /// </summary>
    public static FloatGraph MatchesOnnxRuntime(byte[] model, int[] sampleShape, int batch = 2, int seed = 1, float inputScale = 1f)
    {
        var graph = OnnxImporter.Import(model);
        Assert.Equal(new[] { 1 }.Concat(sampleShape).ToArray(), graph.Values[graph.Input].Shape);
        int size = sampleShape.Aggregate(1, (a, b) => a * b);
        var input = OnnxModelBuilder.Random(size * batch, seed, inputScale);
        var actual = FloatReference.RunBatch(graph, input, batch);
        var expected = OrtRunner.Run(model, input, new[] { batch }.Concat(sampleShape).ToArray());
        Compare.Close(expected, actual, "reference vs ONNX Runtime");
        return graph;
    }

    public static OnnxImportException Rejects(byte[] model, string fragment)
    {
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain("\n", e.Message);
        return e;
    }

    public static string Kinds(FloatGraph g) =>
        string.Join(" ", g.Nodes.Select(n => n.Kind + (n.Activation == Activation.None ? "" : "+" + n.Activation)));
}
