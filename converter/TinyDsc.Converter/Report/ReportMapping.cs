using System;
using System.Collections.Generic;
using TinyDsc.Converter.Graph;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Report;

/// <summary>
/// How the report pairs an int8 model with its float reference: for every .tdsc tensor the float-graph value it
/// quantizes, and for every operator with weights the float node whose weights they are. Built by
/// <see cref="FromGraph"/> (the .tdsc was quantized from the graph: ONNX, or a float .tflite through calibration) or by
/// <see cref="TfliteReportMapping"/> (an int8 .tflite: the importer records which file tensor each .tdsc tensor is).
/// </summary>
public sealed class ReportMapping
{
    /// <summary>Float-graph value name of each tensor, by tensor index (the comparison reads it).</summary>
    public required IReadOnlyList<string> Values { get; init; }

    /// <summary>Name shown for each tensor, by tensor index.</summary>
    public required IReadOnlyList<string> TensorNames { get; init; }

    /// <summary>Name shown for each operator, by operator index.</summary>
    public required IReadOnlyList<string> OperatorNames { get; init; }

    /// <summary>Per operator: the float node holding the real weights its int8 weights quantize, or null (no weights).</summary>
    public required IReadOnlyList<FloatNode?> WeightNodes { get; init; }

    /// <summary>
    /// True when the converter quantized the weights from the float graph (s_w[c] = max|w_c| / 127), so a .tdsc scale
    /// that disagrees with the float weights means another model; false for an int8 .tflite, whose scales are the file's.
    /// </summary>
    public required bool WeightScalesFromFloat { get; init; }

    /// <summary>
    /// The mapping of a .tdsc quantized from <paramref name="graph"/> (<see cref="TensorMapping"/>: one operator per
    /// lowered node, in node order, checked op by op).
    /// </summary>
    /// <exception cref="Pipeline.PipelineInputException">The model was not converted from this graph.</exception>
    public static ReportMapping FromGraph(FloatGraph graph, Model model, string referenceFile, string tdscFile)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(model);
        string[] values = TensorMapping.Map(graph, model, referenceFile, tdscFile);
        var opNames = new string[model.Operators.Length];
        var nodes = new FloatNode?[model.Operators.Length];
        for (int i = 0; i < opNames.Length; i++)
        {
            opNames[i] = graph.Nodes[i].Name;
            nodes[i] = graph.Nodes[i];
        }
        return new ReportMapping { Values = values, TensorNames = values, OperatorNames = opNames, WeightNodes = nodes, WeightScalesFromFloat = true };
    }
}
