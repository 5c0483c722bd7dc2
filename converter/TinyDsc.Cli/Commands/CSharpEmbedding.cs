using System;
using System.Globalization;
using System.IO;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Pipeline;

namespace TinyDsc.Cli.Commands;

/// <summary>
/// convert's --emit-csharp: the converted model (and optionally golden vectors) as a C# source file for a
/// nanoFramework project, made by <see cref="CSharpEmitter"/>. Golden inputs are the first N samples of the golden
/// input file (the calibration data unless --golden-input names another), quantized with the model's input scale;
/// their expected outputs are what the desktop interpreter computes for them.
/// </summary>
internal static class CSharpEmbedding
{
    /// <summary>What to embed and where, as given on the command line. <paramref name="Golden"/> null: every sample
    /// of the golden input file.</summary>
    internal sealed record Request(string CsPath, int? Golden, string GoldenPath, string Namespace, string Source, string Regenerate);

    /// <summary>Builds the C# text and counts its golden vectors; nothing is written. Errors name the option or file at fault.</summary>
    /// <exception cref="PipelineInputException">Bad namespace or golden count, golden data of the wrong shape, or
    /// data over the emitter's array-initialiser limit (its refusal message, prefixed with the .cs file).</exception>
    public static (EmbeddingResult Result, int GoldenCount) Build(Request request, byte[] model)
    {
        var builder = new GoldenVectorBuilder(model);
        if (request.Golden is int negative && negative < 0)
        {
            throw new PipelineInputException($"--emit-golden must be 0 or more, got {negative}");
        }
        if (request.Golden != 0)
        {
            (float[] data, int[] shape) = CommandFiles.ReadTensor(request.GoldenPath, "golden inputs");
            int[] perSample = ModelShapes.Nchw(builder.Model.Tensors[builder.Model.InputTensor]);
            int available = ModelShapes.BatchOf(request.GoldenPath, shape, perSample);
            int size = ModelShapes.SampleSize(perSample);
            InputValues.RequireFinite(request.GoldenPath, data, size);
            int golden = request.Golden ?? available;
            if (golden > available)
            {
                throw new PipelineInputException(
                    $"--emit-golden {golden}: {request.GoldenPath} holds only {available} sample{(available == 1 ? "" : "s")}");
            }
            string file = Path.GetFileName(request.GoldenPath);
            for (int i = 0; i < golden; i++)
            {
                sbyte[] q = builder.QuantizeNchwInput(data.AsSpan(i * size, size));
                builder.Add(file + " sample " + i.ToString(CultureInfo.InvariantCulture), q);
            }
        }

        var content = new EmbeddingContent(model) { GoldenVectors = builder.Vectors };
        var options = new EmbeddingOptions { Namespace = request.Namespace, Source = request.Source, RegenerateCommand = request.Regenerate };
        try
        {
            return (CSharpEmitter.Emit(content, options), builder.Vectors.Count);
        }
        catch (EmbeddingTooLargeException e)
        {
            throw new PipelineInputException($"{request.CsPath}: not written: {e.Message}");
        }
        catch (ArgumentException e) when (e.ParamName == "options")
        {
            // The only option a user sets is the namespace.
            throw new PipelineInputException($"--emit-namespace: {e.Message.Replace(" (Parameter 'options')", "", StringComparison.Ordinal)}");
        }
    }
}
