using System;
using TinyDsc.Converter.Graph;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Report;

/// <summary>What <see cref="ModelReportBuilder"/> compares: a float reference graph and an int8 model, and how they pair.</summary>
public sealed class ReportSource
{
    /// <summary>The float reference (NCHW), run by the converter's float reference.</summary>
    public required FloatGraph Graph { get; init; }

    /// <summary>The int8 model as the device runs it (fused blocks included).</summary>
    public required Model Model { get; init; }

    /// <summary>Size of the model's .tdsc file.</summary>
    public required long ModelBytes { get; init; }

    public required string ReferenceFile { get; init; }

    /// <summary>What the reference is, for the page.</summary>
    public required string ReferenceKind { get; init; }

    public required string ModelFile { get; init; }

    /// <summary>True for a model with NHWC edges (a .tflite's): shapes are shown NHWC. The batch is NCHW either way.</summary>
    public bool Nhwc { get; init; }

    /// <summary>Appended to a "was not converted from" error: where such a model is reported instead, or null.</summary>
    public string? MismatchHint { get; init; }

    /// <summary>The pairing for the model as the comparison runs it (unfused: <see cref="Planning.BlockFusion.Defuse"/>).</summary>
    public required Func<Model, ReportMapping> Map { get; init; }
}
