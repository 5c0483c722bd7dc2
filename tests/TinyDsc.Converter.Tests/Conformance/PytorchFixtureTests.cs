using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Reference;
using Xunit;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>
/// The PyTorch-exported fixtures in tests/fixtures/onnx (see its README): each model imported and run by the float
/// reference, sample by sample, against PyTorch's own output and against ONNX Runtime on the same model.
/// </summary>
public sealed class PytorchFixtureTests
{
    public static readonly string FixtureRoot = FindFixtures();

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(Path.Combine(candidate, "onnx")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/fixtures/onnx not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<object[]> Cases() =>
        Directory.GetDirectories(Path.Combine(FixtureRoot, "onnx")).Select(Path.GetFileName).Order().Select(c => new object[] { c! });

    [Fact]
    public void FixturesArePresent()
    {
        // Guards the theory below against passing vacuously if the folder moves.
        Assert.True(Cases().Count() >= 40, $"expected the PyTorch fixtures under {FixtureRoot}/onnx");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceMatchesPytorchAndOnnxRuntime(string name)
    {
        string dir = Path.Combine(FixtureRoot, "onnx", name);
        byte[] model = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
        var input = Npy.ReadFloat32(Path.Combine(dir, "input.npy"));
        var expected = Npy.ReadFloat32(Path.Combine(dir, "output.npy"));

        var graph = OnnxImporter.Import(model);
        Assert.Equal(1, graph.Values[graph.Input].Shape[0]);
        Assert.Equal(input.Shape[1..], graph.Values[graph.Input].Shape[1..]);
        Assert.Equal(expected.Shape[1..], graph.Values[graph.Output].Shape[1..]);
        var actual = FloatReference.RunBatch(graph, input.Data, input.Shape[0]);

        Compare.Close(expected.Data, actual, $"{name} vs PyTorch");
        Compare.Close(OrtRunner.Run(model, input.Data, input.Shape), actual, $"{name} vs ONNX Runtime");
    }

    [Theory]
    [InlineData("bad_groups", "node '/Conv' (Conv): groups=3 requires weight dim 0 divisible by 3, got 64")]
    [InlineData("unsupported_lstm", "(LSTM): op LSTM is not supported")]
    [InlineData("truncated_model", "not an ONNX model (protobuf parse failed")]
    [InlineData("not_onnx", "not an ONNX model (protobuf parse failed")]
    public void BadModelIsRejectedWithOneLineMessage(string name, string fragment)
    {
        string path = Path.Combine(FixtureRoot, "onnx-bad", name, "model.onnx");
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(path));
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith("model.onnx: ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void TruncatedInputNpyIsRejected()
    {
        string path = Path.Combine(FixtureRoot, "onnx-bad", "truncated_input_npy", "input.npy");
        var e = Assert.Throws<NpyException>(() => Npy.ReadFloat32(path));
        Assert.Contains("input.npy: header says shape (2, 3, 8, 8) of <f4 (1536 data bytes) but the file has 1436 data bytes", e.Message);
    }

    [Fact]
    public void WrongInputShapeIsNamed()
    {
        string dir = Path.Combine(FixtureRoot, "onnx-bad", "wrong_input_shape");
        var graph = OnnxImporter.Load(Path.Combine(dir, "model.onnx"));
        var input = Npy.ReadFloat32(Path.Combine(dir, "input.npy"));
        var e = Assert.Throws<NpyException>(() => input.ExpectShape(new[] { -1 }.Concat(graph.Values[graph.Input].Shape[1..]).ToArray()));
        Assert.EndsWith("input.npy: array has shape (2, 4, 8, 8), expected (N, 3, 8, 8)", e.Message);
    }
}
