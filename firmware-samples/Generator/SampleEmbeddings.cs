using System;
using System.Collections.Generic;
using TinyDsc.Converter.Embedding;

namespace TinyDsc.Samples.Generator;

/// <summary>
/// What each sample embeds and under which names. The generator writes the files with these settings and the
/// tests re-emit them to check that the committed files are current.
/// </summary>
public static class SampleEmbeddings
{
    /// <summary>Images the ImageClassifier sample embeds (the first ones of the test set).</summary>
    public const int ClassifierImages = 8;

    /// <summary>Test-set images among the SelfTest golden vectors; the other cases are synthetic.</summary>
    public const int GoldenImages = 4;

    /// <summary>Seeds of the random-input golden vectors.</summary>
    public static readonly uint[] RandomSeeds = { 1, 2, 3 };

    public const string ClassifierFile = "ImageClassifier/EmbeddedModel.g.cs";

    public const string SelfTestFile = "SelfTest/GoldenData.g.cs";

    public const string RegenerateCommand =
        "dotnet run --project firmware-samples/Generator -c Release -- (see firmware-samples/README.md)";

    public static EmbeddingOptions ClassifierOptions(string source) => new()
    {
        Namespace = "TinyDsc.Samples.ImageClassifier",
        ClassName = "EmbeddedModel",
        Source = source,
        RegenerateCommand = RegenerateCommand,
    };

    public static EmbeddingOptions SelfTestOptions(string source) => new()
    {
        Namespace = "TinyDsc.Samples.SelfTest",
        ClassName = "GoldenData",
        Source = source,
        RegenerateCommand = RegenerateCommand,
    };

    /// <summary>The classifier's content: the model, int8 images with their labels, and class names.</summary>
    public static EmbeddingContent ClassifierContent(byte[] model, IReadOnlyList<sbyte[]> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        if (images.Count != labels.Count)
        {
            throw new ArgumentException($"{images.Count} images but {labels.Count} labels");
        }

        var inputs = new List<LabeledInput>();
        for (int i = 0; i < images.Count; i++)
        {
            inputs.Add(new LabeledInput(images[i], labels[i]));
        }

        return new EmbeddingContent(model) { Inputs = inputs, ClassNames = classNames };
    }

    /// <summary>
    /// The self-test's content: the model and golden vectors whose outputs the desktop runtime computes now — the
    /// given images, every input at the zero point, at -128 and at 127, and fixed-seed random inputs.
    /// </summary>
    public static EmbeddingContent SelfTestContent(byte[] model, IReadOnlyList<sbyte[]> images)
    {
        var builder = new GoldenVectorBuilder(model);
        for (int i = 0; i < images.Count; i++)
        {
            builder.Add("image " + i.ToString(System.Globalization.CultureInfo.InvariantCulture), images[i]);
        }

        sbyte zeroPoint = (sbyte)builder.Model.Tensors[builder.Model.InputTensor].ZeroPoint;
        builder.AddConstant(zeroPoint);
        if (zeroPoint != -128)
        {
            builder.AddConstant(-128);
        }

        if (zeroPoint != 127)
        {
            builder.AddConstant(127);
        }

        foreach (uint seed in RandomSeeds)
        {
            builder.AddRandom(seed);
        }

        return new EmbeddingContent(model) { GoldenVectors = builder.Vectors };
    }
}
