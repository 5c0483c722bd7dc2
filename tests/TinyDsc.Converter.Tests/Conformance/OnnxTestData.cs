using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Onnx;
using Xunit;

namespace TinyDsc.Converter.Tests.Conformance;

/// <summary>Location of ONNX's conformance data as Debian's libonnx-testdata installs it.</summary>
internal static class OnnxTestData
{
    public const string Root = "/usr/share/libonnx-testdata/data";
    public static readonly string PytorchConverted = Path.Combine(Root, "pytorch-converted");
    public static readonly string Node = Path.Combine(Root, "node");

    public static bool Present => Directory.Exists(PytorchConverted);

    public const string MissingMessage = "ONNX conformance data not installed (apt-get install libonnx-testdata; .ci/run does this)";

    /// <summary>A TensorProto file (input_0.pb, output_0.pb) as shape and float32 values.</summary>
    public static (int[] Shape, float[] Values) ReadTensor(string path)
    {
        var t = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var c = TensorReader.Read(t, path);
        return (c.Shape.Select(d => (int)d).ToArray(), c.AsFloats());
    }
}

/// <summary>A [Fact] that is skipped, with a message, when the ONNX conformance data is not installed.</summary>
public sealed class OnnxTestDataFactAttribute : FactAttribute
{
    public OnnxTestDataFactAttribute()
    {
        if (!OnnxTestData.Present)
        {
            Skip = OnnxTestData.MissingMessage;
        }
    }
}

/// <summary>A [Theory] that is skipped, with a message, when the ONNX conformance data is not installed.</summary>
public sealed class OnnxTestDataTheoryAttribute : TheoryAttribute
{
    public OnnxTestDataTheoryAttribute()
    {
        if (!OnnxTestData.Present)
        {
            Skip = OnnxTestData.MissingMessage;
        }
    }
}
