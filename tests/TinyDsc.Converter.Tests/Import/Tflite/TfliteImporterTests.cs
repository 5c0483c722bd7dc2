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
