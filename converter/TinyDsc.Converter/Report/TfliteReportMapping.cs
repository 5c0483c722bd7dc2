using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Report;

/// <summary>
/// The report's pairing for a model imported from an int8 .tflite. No structural guessing: the importer records the
/// file tensor behind each .tdsc tensor (<see cref="TfliteImport.TensorOrigins"/>), and the float graph of the same
/// file names the value that holds that tensor's real values (<see cref="TfliteFloatGraph.BuildWithOrigins"/>). When
/// the reference is another file (the float .tflite of the same network), the two float graphs are matched node by
/// node (<see cref="Correspond"/>), which requires the same operators, wiring, shapes and weight counts.
/// Every pairing is checked: the float value's shape must be the int8 tensor's.
/// </summary>
public static class TfliteReportMapping
{
    /// <param name="import">The int8 .tflite imported (its model unfused and planned).</param>
    /// <param name="valueOf">The model file's own float graph's value for each file tensor.</param>
    /// <param name="toReference">Model-file graph value → reference graph value, or null when the reference is the model's own float graph.</param>
    /// <param name="reference">The float graph the report runs.</param>
    /// <exception cref="PipelineInputException">A tensor has no float counterpart of its shape.</exception>
    public static ReportMapping Map(TfliteImport import, Func<TfliteTensorOrigin, string?> valueOf,
        IReadOnlyDictionary<string, string>? toReference, FloatGraph reference, string modelFile, string referenceFile)
    {
        ArgumentNullException.ThrowIfNull(import);
        ArgumentNullException.ThrowIfNull(valueOf);
        ArgumentNullException.ThrowIfNull(reference);
        Model model = import.Quantized.Model;
        var values = new string[model.Tensors.Length];
        for (int t = 0; t < values.Length; t++)
        {
            string name = import.Quantized.TensorNames[t];
            string? value = valueOf(import.TensorOrigins[t]);
            if (value != null && toReference != null)
            {
                value = toReference.TryGetValue(value, out string? mapped) ? mapped : null;
            }
            if (value == null || !reference.Values.TryGetValue(value, out ValueInfo? info))
            {
                throw new PipelineInputException($"{modelFile}: tensor {t} ('{name}') has no value in {referenceFile}'s float execution");
            }
            int[] floatShape = ModelShapes.WithBatch(info.Shape, 1);
            int[] intShape = ModelShapes.Nchw(model.Tensors[t]);
            if (!((ReadOnlySpan<int>)floatShape).SequenceEqual(intShape))
            {
                throw new PipelineInputException($"{modelFile}: tensor {t} ('{name}') is {ModelShapes.Text(intShape)} (NCHW) but its " +
                    $"value in {referenceFile} is {ModelShapes.Text(floatShape)}");
            }
            values[t] = value;
        }

        var nodes = new FloatNode?[model.Operators.Length];
        for (int i = 0; i < nodes.Length; i++)
        {
            OperatorInfo op = model.Operators[i];
            if (op.Weights == null || op.Multiplier == null)
            {
                continue;
            }
            string output = values[op.Output];
            FloatNode node = reference.Nodes.FirstOrDefault(n => n.Output == output)
                ?? throw new PipelineInputException($"{modelFile}: no node of {referenceFile} computes operator {i}'s output '{import.Quantized.TensorNames[op.Output]}'");
            if ((node.Weight?.Length ?? 0) != op.Weights.Length)
            {
                throw new PipelineInputException($"{modelFile}: operator {i} ('{import.Quantized.OperatorNames[i]}') has {op.Weights.Length} weights, " +
                    $"its node in {referenceFile} {node.Weight?.Length ?? 0}");
            }
            nodes[i] = node;
        }
        return new ReportMapping
        {
            Values = values,
            TensorNames = import.Quantized.TensorNames,
            OperatorNames = import.Quantized.OperatorNames,
            WeightNodes = nodes,
            WeightScalesFromFloat = false,
        };
    }

    /// <summary>
    /// Pairs the values of two float graphs of the same network (an int8 .tflite's dequantized graph and the float
    /// .tflite it was converted from): node k of one with node k of the other, which must agree in kind, inputs (as
    /// paired so far), output shape, weight count and window (kernel, stride, padding, groups).
    /// </summary>
    /// <returns><paramref name="from"/>'s value names → <paramref name="to"/>'s.</returns>
    /// <exception cref="PipelineInputException">The graphs differ; the message names the first node where they do.</exception>
    public static Dictionary<string, string> Correspond(FloatGraph from, FloatGraph to, string fromFile, string toFile)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        string differ = $"{fromFile} and {toFile} are not the same network";
        if (from.Nodes.Count != to.Nodes.Count)
        {
            throw new PipelineInputException($"{differ}: {from.Nodes.Count} operators in one, {to.Nodes.Count} in the other");
        }
        var map = new Dictionary<string, string> { [from.Input] = to.Input };
        RequireShape(from, to, from.Input, to.Input, differ, "the input");
        for (int k = 0; k < from.Nodes.Count; k++)
        {
            FloatNode a = from.Nodes[k], b = to.Nodes[k];
            string where = $"operator {k} ({a.Kind} '{a.Output}')";
            if (a.Kind != b.Kind)
            {
                throw new PipelineInputException($"{differ}: {where} is {b.Kind} '{b.Output}' in {toFile}");
            }
            if (a.Inputs.Count != b.Inputs.Count
                || a.Inputs.Where((input, i) => !map.TryGetValue(input, out string? m) || m != b.Inputs[i]).Any())
            {
                throw new PipelineInputException($"{differ}: {where} reads other values in {toFile} ('{string.Join("', '", b.Inputs)}')");
            }
            if ((a.Weight?.Length ?? 0) != (b.Weight?.Length ?? 0)
                || (a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.Groups) != (b.KernelH, b.KernelW, b.StrideH, b.StrideW, b.Groups)
                || (a.PadTop, a.PadBottom, a.PadLeft, a.PadRight) != (b.PadTop, b.PadBottom, b.PadLeft, b.PadRight))
            {
                throw new PipelineInputException($"{differ}: {where} has other weights or another window in {toFile}");
            }
            RequireShape(from, to, a.Output, b.Output, differ, where);
            map[a.Output] = b.Output;
        }
        return map;
    }

    private static void RequireShape(FloatGraph from, FloatGraph to, string a, string b, string differ, string where)
    {
        int[] sa = from.Values[a].Shape, sb = to.Values[b].Shape;
        if (!((ReadOnlySpan<int>)ModelShapes.WithBatch(sa, 1)).SequenceEqual(ModelShapes.WithBatch(sb, 1)))
        {
            throw new PipelineInputException($"{differ}: {where} is {ModelShapes.Text(sa)} in one and {ModelShapes.Text(sb)} in the other");
        }
    }
}
