using System;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Quantization;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Report;

/// <summary>
/// Names every tensor of a .tdsc model after the float-graph value it quantizes. A .tdsc stores no names; the
/// quantizer (GraphQuantizer) emits one operator per lowered float node, in node order, each writing that node's
/// output, so the mapping is rebuilt from the structure and checked op by op: operator kind, inputs, shapes and
/// weight counts must all agree, else the two files are not one model.
/// </summary>
public static class TensorMapping
{
    /// <summary>Float-graph value name of each tensor, by tensor index.</summary>
    /// <exception cref="PipelineInputException">The model was not converted from this graph; the message says where they differ.</exception>
    public static string[] Map(FloatGraph graph, Model model, string onnxFile, string tdscFile)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(model);
        string mismatch = $"{tdscFile} was not converted from {onnxFile}";
        if (graph.Nodes.Count != model.Operators.Length)
        {
            throw new PipelineInputException($"{mismatch}: {onnxFile} lowers to {graph.Nodes.Count} operators, " +
                $"{tdscFile} has {model.Operators.Length}");
        }
        var names = new string?[model.Tensors.Length];
        Bind(graph, model, names, model.InputTensor, graph.Input, mismatch, "the graph input");
        for (int i = 0; i < model.Operators.Length; i++)
        {
            FloatNode node = graph.Nodes[i];
            OperatorInfo op = model.Operators[i];
            string where = $"operator {i} ({OpCodes.Name(op.OpCode)}, node '{node.Name}')";
            if (GraphQuantizer.OpCodeOf(node.Kind) != op.OpCode)
            {
                throw new PipelineInputException($"{mismatch}: operator {i} is {OpCodes.Name(op.OpCode)} in {tdscFile} " +
                    $"but {node.Kind} '{node.Name}' in {onnxFile}");
            }
            int[] inputs = op.InputTensors();
            for (int k = 0; k < inputs.Length; k++)
            {
                Require(names, inputs[k], k < node.Inputs.Count ? node.Inputs[k] : "", mismatch, where);
            }
            if ((node.Weight?.Length ?? 0) != (op.Weights?.Length ?? 0))
            {
                throw new PipelineInputException($"{mismatch}: {where} has {op.Weights?.Length ?? 0} weights in {tdscFile}, " +
                    $"{node.Weight?.Length ?? 0} in {onnxFile}");
            }
            Bind(graph, model, names, op.Output, node.Output, mismatch, where);
        }
        for (int t = 0; t < names.Length; t++)
        {
            if (names[t] == null)
            {
                throw new PipelineInputException($"{mismatch}: tensor {t} of {tdscFile} is written by no operator");
            }
        }
        return names!;
    }

    private static void Bind(FloatGraph graph, Model model, string?[] names, int tensor, string value, string mismatch, string where)
    {
        if (tensor < 0 || tensor >= names.Length || names[tensor] != null)
        {
            throw new PipelineInputException($"{mismatch}: {where} writes tensor {tensor}, already written or out of range");
        }
        int[] floatShape = ModelShapes.WithBatch(graph.Values[value].Shape, 1);
        int[] intShape = ModelShapes.Nchw(model.Tensors[tensor]);
        if (!((ReadOnlySpan<int>)floatShape).SequenceEqual(intShape))
        {
            throw new PipelineInputException($"{mismatch}: {where} has shape {ModelShapes.Text(intShape)} in the .tdsc " +
                $"but '{value}' is {ModelShapes.Text(floatShape)} in the ONNX model");
        }
        names[tensor] = value;
    }

    private static void Require(string?[] names, int tensor, string value, string mismatch, string where)
    {
        if (tensor < 0 || tensor >= names.Length || names[tensor] != value)
        {
            throw new PipelineInputException($"{mismatch}: {where} reads tensor {tensor}, which is not '{value}'");
        }
    }
}
