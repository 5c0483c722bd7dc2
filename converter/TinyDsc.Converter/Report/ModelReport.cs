using System.Collections.Generic;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Validation;

namespace TinyDsc.Converter.Report;

/// <summary>Everything `tinydsc report` shows, computed by <see cref="ModelReportBuilder"/>.</summary>
public sealed class ModelReport
{
    /// <summary>The float reference: an ONNX model, or a .tflite (int8 dequantized, or float).</summary>
    public required string ReferenceFile { get; init; }

    /// <summary>What the reference is, for the page ("ONNX", "int8 .tflite, dequantized", "float .tflite").</summary>
    public required string ReferenceKind { get; init; }

    /// <summary>The int8 model: a .tdsc, or an int8 .tflite imported in memory.</summary>
    public required string TdscFile { get; init; }

    /// <summary>True when the model's edges are NHWC (a .tflite's own layout): tensor shapes are shown NHWC.</summary>
    public bool Nhwc { get; init; }
    public required string InputFile { get; init; }
    public string? LabelsFile { get; init; }

    /// <summary>The same numbers `tinydsc verify` prints for these files (its default --task auto).</summary>
    public required OutputComparison Output { get; init; }

    /// <summary>Every tensor, by tensor index (the input first).</summary>
    public required IReadOnlyList<TensorStats> Tensors { get; init; }

    /// <summary>Operator names (float-graph node names, or the .tflite operators), by operator index.</summary>
    public required IReadOnlyList<string> OperatorNames { get; init; }

    /// <summary>Output tensor index of each operator.</summary>
    public required IReadOnlyList<int> OperatorOutputs { get; init; }

    public required IReadOnlyList<WeightStats> Weights { get; init; }
    public required IReadOnlyList<OperatorCost> Costs { get; init; }

    /// <summary>One series per way of running the model (unfused today).</summary>
    public required IReadOnlyList<ArenaSeries> Arena { get; init; }

    /// <summary>Fused blocks in the .tdsc (0: unfused). The comparison and cost rows are per operator, run unfused.</summary>
    public required int FusedBlocks { get; init; }

    public required long ModelBytes { get; init; }
    public required long ArenaBytes { get; init; }
    public required long ScratchBytes { get; init; }
    public required long PreparedBytes { get; init; }

    /// <summary>The device heap estimate (<see cref="BoardFit"/>, shared with convert and inspect).</summary>
    public required HeapEstimate Heap { get; init; }

    /// <summary>The fit on each board of <see cref="BoardFit.Boards"/>.</summary>
    public required IReadOnlyList<BoardVerdict> Boards { get; init; }
}
