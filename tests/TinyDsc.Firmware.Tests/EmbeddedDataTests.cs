using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Embedding;
using TinyDsc.Samples.Generator;
using Xunit;
using Classifier = TinyDsc.Samples.ImageClassifier.EmbeddedModel;
using SelfTest = TinyDsc.Samples.SelfTest.GoldenData;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// The committed .g.cs files are exactly what the generator writes from their own model and inputs today:
/// golden outputs are recomputed by the desktop runtime and the text re-emitted, so a change of kernels, format or
/// emitter that the files do not reflect fails here (regenerate as firmware-samples/README.md says).
/// </summary>
public class EmbeddedDataTests
{
    private static string Committed(string relative) => File.ReadAllText(Path.Combine(TestPaths.Samples, relative));

    private static string SourceLine(string text) =>
        Regex.Match(text, "^// Model: (.*)$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : throw new InvalidDataException("no '// Model:' line");

    private static byte[] Concat(byte[][] chunks) => chunks.SelectMany(c => c).ToArray();

    [Fact]
    public void SelfTestData_IsCurrent()
    {
        string committed = Committed(SampleEmbeddings.SelfTestFile);
        byte[] model = Concat(SelfTest.ModelChunks());
        var images = Enumerable.Range(0, SelfTest.GoldenCount)
            .Where(i => SelfTest.GoldenName(i).StartsWith("image ", StringComparison.Ordinal))
            .Select(SelfTest.GoldenInput).ToList();
        Assert.Equal(SampleEmbeddings.GoldenImages, images.Count);

        EmbeddingResult regenerated = CSharpEmitter.Emit(SampleEmbeddings.SelfTestContent(model, images), SampleEmbeddings.SelfTestOptions(SourceLine(committed)));

        Assert.Equal(regenerated.Source, committed);
    }

    [Fact]
    public void ClassifierData_IsCurrent()
    {
        string committed = Committed(SampleEmbeddings.ClassifierFile);
        byte[] model = Concat(Classifier.ModelChunks());
        var images = Enumerable.Range(0, Classifier.InputCount).Select(Classifier.Input).ToList();
        var labels = Enumerable.Range(0, Classifier.InputCount).Select(Classifier.Label).ToList();

        EmbeddingResult regenerated = CSharpEmitter.Emit(
            SampleEmbeddings.ClassifierContent(model, images, labels, Classifier.ClassNames()), SampleEmbeddings.ClassifierOptions(SourceLine(committed)));

        Assert.Equal(regenerated.Source, committed);
        Assert.Equal(SampleEmbeddings.ClassifierImages, Classifier.InputCount);
    }

    [Fact]
    public void BothSamples_EmbedTheSameModel()
    {
        Assert.Equal(Concat(Classifier.ModelChunks()), Concat(SelfTest.ModelChunks()));
    }
}
