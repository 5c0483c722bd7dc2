using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
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

    [Fact]
    public void SelfTestData_IsCurrent()
    {
        string committed = Committed(SampleEmbeddings.SelfTestFile);
        byte[] model = ModelSources.Bytes(SelfTest.ModelSource());
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
        byte[] model = ModelSources.Bytes(Classifier.ModelSource());
        var images = Enumerable.Range(0, Classifier.InputCount).Select(Classifier.Input).ToList();
        var labels = Enumerable.Range(0, Classifier.InputCount).Select(Classifier.Label).ToList();

        EmbeddingResult regenerated = CSharpEmitter.Emit(
            SampleEmbeddings.ClassifierContent(model, images, labels, Classifier.ClassNames()), SampleEmbeddings.ClassifierOptions(SourceLine(committed)));

        Assert.Equal(regenerated.Source, committed);
        Assert.Equal(SampleEmbeddings.ClassifierImages, Classifier.InputCount);
    }

    private static string Bundled(string file) => Path.Combine(TestPaths.Samples, "models", "fashion-dscnn", file);

    /// <summary>
    /// The embedded model is what the converter makes of the bundled ONNX model today (the README's regeneration
    /// command); after a converter change that alters the bytes, regenerate the samples' data.
    /// </summary>
    [Fact]
    public void EmbeddedModel_IsTheConvertersOutputForTheBundledModel()
    {
        (float[] calibration, int[] shape) = TensorFiles.ReadFloat32(Bundled("calibration.npy"));

        byte[] converted = ModelConverter.Convert(OnnxImporter.Load(Bundled("model.onnx")), calibration, shape, "calibration.npy", new CalibrationOptions()).FileBytes;

        Assert.True(converted.AsSpan().SequenceEqual(ModelSources.Bytes(Classifier.ModelSource())),
            "the samples embed an older conversion of models/fashion-dscnn/model.onnx; regenerate them (firmware-samples/README.md)");
    }

    /// <summary>The classifier's images and labels are the first test images of the bundled data set, quantized with the model's input scale.</summary>
    [Fact]
    public void EmbeddedImages_AreTheFirstBundledTestImages()
    {
        var builder = new GoldenVectorBuilder(ModelSources.Bytes(Classifier.ModelSource()));
        NpyFile images = NpyFile.Read(Bundled("test_images.npy"));
        NpyFile labels = NpyFile.Read(Bundled("test_labels.npy"));
        int size = builder.InputLength;

        for (int i = 0; i < Classifier.InputCount; i++)
        {
            float[] nchw = images.Data.Skip(i * size).Take(size).Select(v => (float)v).ToArray();
            Assert.Equal(builder.QuantizeNchwInput(nchw), Classifier.Input(i));
            Assert.Equal((int)labels.Data[i], Classifier.Label(i));
        }

        Assert.Equal(File.ReadAllLines(Bundled("classes.txt")).Where(l => l.Trim().Length > 0).Select(l => l.Trim()), Classifier.ClassNames());
    }

    /// <summary>
    /// Each sample's streamed source loads the same model as the whole file in one array (compared by writing both
    /// back: the writer serialises every field, and writing a loaded model reproduces its file byte for byte).
    /// </summary>
    [Fact]
    public void StreamedLoad_EqualsWholeFileLoad_ForBothSamples()
    {
        foreach (TinyDsc.Runtime.Format.IModelSource source in new[] { Classifier.ModelSource(), SelfTest.ModelSource() })
        {
            byte[] file = ModelSources.Bytes(source);
            byte[] streamed = TinyDsc.Converter.Format.ModelWriter.Write(TinyDsc.Runtime.Format.ModelReader.Load(source));
            byte[] whole = TinyDsc.Converter.Format.ModelWriter.Write(TinyDsc.Runtime.Format.ModelReader.Load(file));
            Assert.Equal(file, whole);
            Assert.Equal(whole, streamed);
        }
    }

    [Fact]
    public void BothSamples_EmbedTheSameModel()
    {
        Assert.Equal(ModelSources.Bytes(Classifier.ModelSource()), ModelSources.Bytes(SelfTest.ModelSource()));
        for (int i = 0; i < SampleEmbeddings.GoldenImages; i++)
        {
            Assert.Equal("image " + i, SelfTest.GoldenName(i));
            Assert.Equal(Classifier.Input(i), SelfTest.GoldenInput(i));
        }
    }
}
