using System;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Import.Tflite.Schema;
using TinyDsc.Converter.Planning;
using TinyDsc.Converter.Report;
using TinyDsc.Converter.Tests.Import.Tflite;
using Xunit;

namespace TinyDsc.Converter.Tests.Report;

/// <summary>
/// The report's pairing of an imported .tflite with its float graph at the places the two differ in structure: a float
/// input behind a QUANTIZE, a float output behind a DEQUANTIZE, and a MEAN without keep_dims (one file op, two .tdsc
/// operators with a [1, 1, 1, C] tensor the file does not have).
/// </summary>
public sealed class TfliteReportMappingTests
{
    // float x [1, 2, 2, 3] → QUANTIZE → q (int8) → MEAN over H, W without keep_dims → m [1, 3] (int8) → DEQUANTIZE → y (float).
    private static byte[] EdgeModel()
    {
        var t = new TinyTflite();
        int x = t.Tensor(new[] { 1, 2, 2, 3 }, TensorType.FLOAT32);
        int q = t.Tensor(new[] { 1, 2, 2, 3 }, scale: 0.05f, zeroPoint: 3);
        var axes = new byte[8];
        BitConverter.TryWriteBytes(axes.AsSpan(0), 1);
        BitConverter.TryWriteBytes(axes.AsSpan(4), 2);
        int a = t.Tensor(new[] { 2 }, TensorType.INT32, data: axes);
        int m = t.Tensor(new[] { 1, 3 }, scale: 0.04f, zeroPoint: -2);
        int y = t.Tensor(new[] { 1, 3 }, TensorType.FLOAT32);
        t.Op(BuiltinOperator.QUANTIZE, 1, new[] { x }, new[] { q });
        t.Op(BuiltinOperator.MEAN, 2, new[] { q, a }, new[] { m }, b => (BuiltinOptions.ReducerOptions, ReducerOptions.CreateReducerOptions(b, false).Value));
        t.Op(BuiltinOperator.DEQUANTIZE, 2, new[] { m }, new[] { y });
        return t.Build(x, y);
    }

    [Fact]
    public void Edges_and_a_mean_without_keep_dims_pair_with_the_float_values_that_hold_them()
    {
        byte[] bytes = EdgeModel();
        TfliteImport import = TfliteImporter.Import(bytes, "edges.tflite");
        ModelMemoryPlanner.Apply(import.Quantized.Model);
        (FloatGraph graph, Func<TfliteTensorOrigin, string?> valueOf) = TfliteFloatGraph.BuildWithOrigins(bytes, "edges.tflite");
        ReportMapping map = TfliteReportMapping.Map(import, valueOf, null, graph, "edges.tflite", "edges.tflite");

        var model = import.Quantized.Model;
        Assert.Equal(3, model.Tensors.Length);   // q, the [1, 1, 1, 3] mean, m
        Assert.Equal(new TfliteTensorOrigin(1, false), import.TensorOrigins[model.InputTensor]);   // QUANTIZE's int8 output
        Assert.Equal(graph.Input, map.Values[model.InputTensor]);                                  // holds the float input's values
        Assert.Equal(graph.Output, map.Values[model.OutputTensor]);                                // m, which DEQUANTIZE passes on
        int keepDims = Enumerable.Range(0, 3).Single(i => i != model.InputTensor && i != model.OutputTensor);
        Assert.Equal(new TfliteTensorOrigin(3, true), import.TensorOrigins[keepDims]);
        Assert.Equal(new[] { 1, 3, 1, 1 }, graph.Values[map.Values[keepDims]].Shape);
        Assert.Equal(graph.Nodes[0].Output, map.Values[keepDims]);                                  // the mean before the Reshape
        Assert.Equal(("t3", "t3/keep_dims"), (map.TensorNames[model.OutputTensor], map.TensorNames[keepDims]));   // the file's names

        // The pairing drives a whole report: every tensor compared on every value of every sample.
        var batch = new float[2 * 12];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = (i % 7 - 3) * 0.1f;
        }
        var source = new ReportSource
        {
            Graph = graph,
            Model = model,
            ModelBytes = 1000,
            ReferenceFile = "edges.tflite",
            ReferenceKind = "int8 .tflite, dequantized",
            ModelFile = "edges.tflite",
            Nhwc = true,
            Map = _ => map,
        };
        ModelReport r = ModelReportBuilder.Build(source, batch, new[] { 2, 3, 2, 2 }, "x.npy", null, null, null, 1);
        Assert.Equal(new long[] { 24, 6, 6 }, new[] { model.InputTensor, keepDims, model.OutputTensor }.Select(t => r.Tensors[t].Count));
        Assert.Equal(new[] { 1, 2, 2, 3 }, r.Tensors[model.InputTensor].Shape);   // shown NHWC
    }

    [Fact]
    public void Graphs_of_another_network_do_not_correspond()
    {
        FloatGraph a = TfliteFloatGraph.Build(EdgeModel(), "a.tflite");
        var t = new TinyTflite();
        int x = t.Tensor(new[] { 1, 2, 2, 3 });
        int y = t.Tensor(new[] { 1, 1, 1, 3 });
        t.Op(BuiltinOperator.AVERAGE_POOL_2D, 1, new[] { x }, new[] { y }, b => (BuiltinOptions.Pool2DOptions,
            Pool2DOptions.CreatePool2DOptions(b, Padding.VALID, 1, 1, 2, 2, ActivationFunctionType.NONE).Value));
        FloatGraph b = TfliteFloatGraph.Build(t.Build(x, y), "b.tflite");
        var e = Assert.Throws<TinyDsc.Converter.Pipeline.PipelineInputException>(() => TfliteReportMapping.Correspond(a, b, "a.tflite", "b.tflite"));
        Assert.Contains("a.tflite and b.tflite are not the same network", e.Message, StringComparison.Ordinal);
        var same = TfliteReportMapping.Correspond(a, a, "a.tflite", "a.tflite");
        Assert.All(a.Nodes, n => Assert.Equal(n.Output, same[n.Output]));
    }
}
