using System.Collections.Generic;
using TinyDsc.Converter.Quantization;

namespace TinyDsc.Converter.Import.Tflite;

/// <summary>One boundary tensor of an imported .tflite: the file's own name, NHWC shape, type and quantization.</summary>
/// <param name="TfliteIndex">Tensor index in the .tflite subgraph.</param>
/// <param name="Name">The file's tensor name.</param>
/// <param name="Shape">The file's shape (NHWC for images), batch 1.</param>
/// <param name="Scale">int8 scale of the .tdsc boundary tensor.</param>
/// <param name="ZeroPoint">int8 zero point of the .tdsc boundary tensor.</param>
/// <param name="FloatEdge">True when the .tflite's own boundary is float32 behind a QUANTIZE (input) or DEQUANTIZE
/// (output) that the .tdsc runtime performs itself in SetInput(float[]) / GetOutput(float[]).</param>
public sealed record TfliteEdge(int TfliteIndex, string Name, int[] Shape, float Scale, int ZeroPoint, bool FloatEdge);

/// <summary>
/// Where a .tdsc tensor of an imported .tflite comes from: the file's tensor <paramref name="Tensor"/> (subgraph
/// index), or, with <paramref name="KeepDims"/>, the [1, 1, 1, C] result the importer adds before the Reshape of a
/// MEAN without keep_dims, whose file output <paramref name="Tensor"/> is [1, C].
/// </summary>
public sealed record TfliteTensorOrigin(int Tensor, bool KeepDims);

/// <summary>What <see cref="TfliteImporter"/> produced: the int8 model (arena not yet planned) and its edges.</summary>
public sealed class TfliteImport
{
    public TfliteImport(QuantizedModel quantized, TfliteEdge input, TfliteEdge output, IReadOnlyList<string> notes,
        IReadOnlyList<TfliteTensorOrigin> tensorOrigins)
    {
        TensorOrigins = tensorOrigins;
        Quantized = quantized;
        Input = input;
        Output = output;
        Notes = notes;
    }

    /// <summary>The .tdsc model, tensor and operator names from the file.</summary>
    public QuantizedModel Quantized { get; }

    public TfliteEdge Input { get; }

    public TfliteEdge Output { get; }

    /// <summary>What the import did beyond a one-to-one op mapping (folded PAD, QUANTIZE/DEQUANTIZE edges, ops after the chosen output left out).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The .tflite tensor each .tdsc tensor quantizes, by .tdsc tensor index (the report pairs them with the
    /// float reference's values through it).</summary>
    public IReadOnlyList<TfliteTensorOrigin> TensorOrigins { get; }
}
