using System;
using System.Collections.Generic;

namespace TinyDsc.Converter.Embedding;

/// <summary>
/// What <see cref="CSharpEmitter"/> writes into one generated C# file: the .tdsc bytes, and optionally golden
/// vectors (for a self-test) and labelled int8 inputs with class names (for a classifier demo).
/// </summary>
public sealed class EmbeddingContent
{
    public EmbeddingContent(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The complete .tdsc file.</summary>
    public byte[] Model { get; }

    /// <summary>Int8 inputs with the exact int8 outputs the desktop runtime produced for them.</summary>
    public IReadOnlyList<GoldenVector> GoldenVectors { get; init; } = Array.Empty<GoldenVector>();

    /// <summary>Int8 model inputs (already quantized with the input tensor's scale and zero point) with a label.</summary>
    public IReadOnlyList<LabeledInput> Inputs { get; init; } = Array.Empty<LabeledInput>();

    /// <summary>Class names indexed by output channel; required when <see cref="Inputs"/> is not empty.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = Array.Empty<string>();
}

/// <summary>One golden case: an int8 input and the int8 output the desktop interpreter produced for it.</summary>
public sealed class GoldenVector
{
    public GoldenVector(string name, sbyte[] input, sbyte[] expectedOutput)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(expectedOutput);
        Name = name;
        Input = input;
        ExpectedOutput = expectedOutput;
    }

    /// <summary>Short description printed by the device ("image 3", "random seed 7", "all -128").</summary>
    public string Name { get; }

    public sbyte[] Input { get; }

    public sbyte[] ExpectedOutput { get; }
}

/// <summary>One int8 model input with its true class index.</summary>
public sealed class LabeledInput
{
    public LabeledInput(sbyte[] input, int label)
    {
        ArgumentNullException.ThrowIfNull(input);
        Input = input;
        Label = label;
    }

    public sbyte[] Input { get; }

    public int Label { get; }
}
