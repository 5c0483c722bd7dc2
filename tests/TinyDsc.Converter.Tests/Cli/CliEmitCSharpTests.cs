using System;
using System.IO;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// convert --emit-csharp: the written C# holds exactly the written .tdsc and golden vectors of the chosen samples;
/// usage mistakes and oversized embeddings are refused with one line and exit code 1. (The firmware tests compile
/// emitted code against nanoFramework's mscorlib; here the wiring is checked.)
/// </summary>
public sealed class CliEmitCSharpTests
{
    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    private static string Bundled(string file) => Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn", file);

    /// <summary>The model bytes as the emitted ModelChunks() arrays hold them (hex literals in order).</summary>
    private static byte[] EmbeddedModelBytes(string source)
    {
        int start = source.IndexOf("private static byte[] Chunk0()", StringComparison.Ordinal);
        int end = source.IndexOf("public const int GoldenCount", StringComparison.Ordinal);
        string chunks = source[start..(end < 0 ? source.Length : end)];
        var bytes = new System.Collections.Generic.List<byte>();
        foreach (Match m in Regex.Matches(chunks, "0x([0-9A-F]{2}),"))
        {
            bytes.Add(Convert.ToByte(m.Groups[1].Value, 16));
        }
        return bytes.ToArray();
    }

    [Fact]
    public void BundledModel_EmbedsTheWrittenTdscAndGoldenVectorsOfTheFirstCalibrationSamples()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("model.tdsc"), cs = temp.File("Model.g.cs");
        var result = CliRunner.Run("convert", Bundled("model.onnx"), "--calibration", Bundled("calibration.npy"), "--output", tdsc,
            "--emit-csharp", cs, "--emit-golden", "3", "--emit-namespace", "Demo.Device");
        Assert.True(result.Code == 0, result.Err);
        Assert.Matches(@"golden vectors\s*│\s*3", result.Out);

        byte[] model = File.ReadAllBytes(tdsc);
        string source = File.ReadAllText(cs);
        Assert.Contains("namespace Demo.Device\n{", source);
        Assert.Contains("internal static class EmbeddedModel", source);
        Assert.Contains($"public const int ModelLength = {model.Length};", source);
        Assert.Contains("public const int GoldenCount = 3;", source);
        Assert.Contains("// Model: model.onnx\n", source);
        Assert.Equal(model, EmbeddedModelBytes(source));
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains($"return \"calibration.npy sample {i}\";", source);
        }
        Assert.DoesNotContain("calibration.npy sample 3", source);

        // Golden vectors: the first three calibration images, quantized and run by the desktop interpreter.
        var builder = new GoldenVectorBuilder(model);
        (float[] calibration, _) = TensorFiles.ReadFloat32(Bundled("calibration.npy"));
        for (int i = 0; i < 3; i++)
        {
            builder.Add($"calibration.npy sample {i}", builder.QuantizeNchwInput(calibration.AsSpan(i * 784, 784)));
        }
        string expected = CSharpEmitter.Emit(new EmbeddingContent(model) { GoldenVectors = builder.Vectors }, new EmbeddingOptions
        {
            Namespace = "Demo.Device",
            Source = "model.onnx",
            RegenerateCommand = "tinydsc convert model.onnx --calibration calibration.npy --emit-csharp Model.g.cs",
        }).Source;
        Assert.Equal(expected, source);
    }

    [Fact]
    public void GoldenInput_WithoutCount_EmbedsEverySample_AndDefaultsApply()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string cs = temp.File("Ds.cs");
        var result = CliRunner.Run("convert", Fixture("ds_block", "model.onnx"), "--calibration", Fixture("ds_block", "input.npy"),
            "--output", temp.File("m.tdsc"), "--emit-csharp", cs, "--golden-input", Fixture("ds_block", "input.npy"));
        Assert.True(result.Code == 0, result.Err);
        string source = File.ReadAllText(cs);
        Assert.Contains("namespace TinyDsc.Embedded\n", source);
        Assert.Contains("public const int GoldenCount = 2;", source);
        Assert.Contains("\"input.npy sample 1\"", source);

        // Without golden options: the model only.
        var plain = CliRunner.Run("convert", Fixture("ds_block", "model.onnx"), "--calibration", Fixture("ds_block", "input.npy"),
            "--output", temp.File("m.tdsc"), "--emit-csharp", cs);
        Assert.True(plain.Code == 0, plain.Err);
        Assert.DoesNotContain("GoldenCount", File.ReadAllText(cs));
    }

    [Theory]
    [InlineData("golden_without_emit", "--emit-golden needs --emit-csharp FILE.cs", "--emit-golden", "1")]
    [InlineData("golden_input_without_emit", "--golden-input needs --emit-csharp FILE.cs", "--golden-input", "x.npy")]
    [InlineData("namespace_without_emit", "--emit-namespace needs --emit-csharp FILE.cs", "--emit-namespace", "A.B")]
    [InlineData("bad_namespace", "--emit-namespace: Namespace must be dotted C# identifiers, got \"1st.Model\"", "--emit-csharp", "out.cs", "--emit-namespace", "1st.Model")]
    [InlineData("negative_golden", "--emit-golden must be 0 or more, got -2", "--emit-csharp", "out.cs", "--emit-golden", "-2")]
    [InlineData("more_golden_than_samples", "--emit-golden 5: ", "--emit-csharp", "out.cs", "--emit-golden", "5")]
    [InlineData("golden_input_wrong_shape", "input.npy has shape [2,4,8,8] but the model expects [N,3,8,8]", "--emit-csharp", "out.cs", "--golden-input", "BAD")]
    [InlineData("missing_golden_input", "nope.npy: no such file (the golden inputs)", "--emit-csharp", "out.cs", "--golden-input", "nope.npy")]
    [InlineData("cs_is_the_output", "is also the --output file", "--emit-csharp", "out.tdsc")]
    public void UsageMistakes_AreRefusedAndWriteNothing(string why, string message, params string[] extra)
    {
        _ = why;
        using Fixtures.TempFolder temp = Fixtures.Temp();
        for (int i = 0; i < extra.Length; i++)
        {
            extra[i] = extra[i] switch
            {
                "BAD" => Path.Combine(Fixtures.Bad("wrong_input_shape"), "input.npy"),
                "out.cs" or "out.tdsc" or "x.npy" or "nope.npy" => temp.File(extra[i]),
                _ => extra[i],
            };
        }
        string[] args = { "convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration", Fixture("conv3x3_bias", "input.npy"),
            "--output", temp.File("out.tdsc") };
        CliRunner.AssertBadInput(CliRunner.Run([.. args, .. extra]), message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }
}
