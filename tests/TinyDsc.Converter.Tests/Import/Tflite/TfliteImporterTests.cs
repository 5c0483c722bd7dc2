using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Import.Tflite;

public class TfliteImporterTests
{
    [Theory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void FixtureImportsWritesAndReadsBack(string name)
    {
        TfliteImport import = TfliteFixtures.Import(name);
        byte[] bytes = ModelWriter.Write(import.Quantized.Model);
        Model back = ModelReader.Load(bytes);
        Assert.Equal(import.Quantized.Model.Operators.Length, back.Operators.Length);
        Assert.Equal(TfliteFixtures.Logits[name], import.Output.Name);
        Assert.False(import.Input.FloatEdge);
    }

    [Theory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void FinalSoftmaxIsNamedWithItsVersionAndTheWayAround(string name)
    {
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(TfliteFixtures.Model(name), "model.tflite"));
        Assert.Contains("(SOFTMAX v", e.Message, StringComparison.Ordinal);
        Assert.Contains("--output-tensor '" + TfliteFixtures.Logits[name] + "'", e.Message, StringComparison.Ordinal);
    }
}

public class PersonDetectTests
{
    /// <summary>
    /// TFLM's person_detection_test: the person image scores person (index 1) above no person (index 0), the no-person
    /// image the other way round. Softmax keeps the order, so the scores before it must already be ordered.
    /// </summary>
    [Fact]
    public void ScoresTfliteMicrosTestImagesAsItsTestExpects()
    {
        TfliteImport import = TfliteFixtures.Import("person_detect");
        byte[] inputs = File.ReadAllBytes(TfliteFixtures.Path_("person_detect", "inputs.bin"));
        sbyte[] scores = TfliteFixtures.RunRuntime(import.Quantized.Model, inputs).Select(b => (sbyte)b).ToArray();
        Assert.Equal(4, scores.Length);
        Assert.True(scores[1] > scores[0], $"person image: person {scores[1]} vs no person {scores[0]}");
        Assert.True(scores[2] > scores[3], $"no-person image: no person {scores[2]} vs person {scores[3]}");
    }
}
