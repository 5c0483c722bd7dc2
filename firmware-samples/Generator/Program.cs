using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Embedding;
using TinyDsc.Runtime;

namespace TinyDsc.Samples.Generator;

/// <summary>
/// generator --model MODEL.tdsc --images X.npy --labels L.npy --classes classes.txt [--source TEXT] [--samples DIR]
/// generator --synthetic [--samples DIR]
/// Writes DIR/ImageClassifier/EmbeddedModel.g.cs and DIR/SelfTest/GoldenData.g.cs (DIR defaults to the
/// firmware-samples folder above the current directory).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            Run(Parse(args));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or ModelFormatException or EmbeddingTooLargeException)
        {
            Console.Error.WriteLine("generator: " + e.Message);
            return 1;
        }
    }

    private static void Run(Dictionary<string, string> options)
    {
        string samples = options.TryGetValue("--samples", out string? dir) ? dir : FindSamplesFolder();
        byte[] model;
        List<sbyte[]> images = new();
        List<int> labels = new();
        string[] classNames;
        string source;
        if (options.ContainsKey("--synthetic"))
        {
            model = SyntheticModel.Bytes();
            var builder = new GoldenVectorBuilder(model);
            for (uint seed = 100; seed < 100 + SampleEmbeddings.ClassifierImages; seed++)
            {
                sbyte[] image = SyntheticModel.RandomInput(seed);
                images.Add(image);
                labels.Add(ArgMax(builder.Run(image)));
            }

            classNames = Enumerable.Range(0, SyntheticModel.Classes).Select(i => "class " + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            source = "synthetic model with random weights (SyntheticModel.Bytes()); random images labelled with the desktop runtime's own predictions";
        }
        else
        {
            string modelPath = Required(options, "--model");
            model = File.ReadAllBytes(modelPath);
            var builder = new GoldenVectorBuilder(model);
            NpyFile x = NpyFile.Read(Required(options, "--images"));
            NpyFile y = NpyFile.Read(Required(options, "--labels"));
            classNames = File.ReadAllLines(Required(options, "--classes")).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            int perImage = builder.InputLength;
            int available = x.Shape.Length > 0 ? x.Shape[0] : 0;
            if (x.Data.Length != available * perImage)
            {
                throw new InvalidDataException($"images: shape ({string.Join(", ", x.Shape)}) does not hold N inputs of {perImage} values for this model");
            }

            if (y.Data.Length < SampleEmbeddings.ClassifierImages || available < SampleEmbeddings.ClassifierImages)
            {
                throw new InvalidDataException($"need at least {SampleEmbeddings.ClassifierImages} images and labels, got {available} and {y.Data.Length}");
            }

            for (int i = 0; i < SampleEmbeddings.ClassifierImages; i++)
            {
                float[] nchw = x.Data.AsSpan(i * perImage, perImage).ToArray().Select(v => (float)v).ToArray();
                images.Add(builder.QuantizeNchwInput(nchw));
                labels.Add((int)y.Data[i]);
            }

            source = options.TryGetValue("--source", out string? s) ? s : Path.GetFileName(modelPath);
        }

        EmbeddingResult classifier = CSharpEmitter.Emit(
            SampleEmbeddings.ClassifierContent(model, images, labels, classNames), SampleEmbeddings.ClassifierOptions(source));
        EmbeddingResult selfTest = CSharpEmitter.Emit(
            SampleEmbeddings.SelfTestContent(model, images.Take(SampleEmbeddings.GoldenImages).ToList()), SampleEmbeddings.SelfTestOptions(source));
        Write(Path.Combine(samples, SampleEmbeddings.ClassifierFile), classifier);
        Write(Path.Combine(samples, SampleEmbeddings.SelfTestFile), selfTest);
    }

    private static void Write(string path, EmbeddingResult result)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, result.Source);
        File.Move(temp, path, overwrite: true);
        Console.WriteLine($"{path}: {result.ChunkCount} chunk(s), {result.Size.Total} of {result.Size.Limit} array-initialiser bytes " +
            $"(model {result.Size.ModelBytes}, golden {result.Size.GoldenBytes}, inputs {result.Size.InputBytes})");
    }

    private static int ArgMax(sbyte[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] valued = { "--model", "--images", "--labels", "--classes", "--source", "--samples" };
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--synthetic")
            {
                options[args[i]] = "";
            }
            else if (valued.Contains(args[i]) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unknown or incomplete option '{args[i]}'; usage: --model M.tdsc --images X.npy --labels L.npy --classes classes.txt [--source TEXT] [--samples DIR] | --synthetic");
            }
        }

        return options;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out string? value) ? value : throw new ArgumentException("missing " + name + " (or use --synthetic)");

    private static string FindSamplesFolder()
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "firmware-samples");
            if (Directory.Exists(Path.Combine(candidate, "SelfTest")))
            {
                return candidate;
            }
        }

        throw new ArgumentException("cannot find the firmware-samples folder above the current directory; pass --samples DIR");
    }
}
