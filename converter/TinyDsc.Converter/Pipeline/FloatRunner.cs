using System;
using System.Diagnostics;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;

namespace TinyDsc.Converter.Pipeline;

/// <summary>Runs the float reference over a batch in PyTorch layout, one sample at a time.</summary>
public sealed class FloatRunner
{
    private readonly FloatGraph _graph;

    public FloatRunner(FloatGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
        InputShape = ModelShapes.WithBatch(graph.Values[graph.Input].Shape, 1);
        OutputShape = ModelShapes.WithBatch(graph.Values[graph.Output].Shape, 1);
    }

    public int[] InputShape { get; }

    public int[] OutputShape { get; }

    /// <summary>Called with every value's name and values for every sample (e.g. <see cref="Validation.ClipCounter.Observe"/>); null for none.</summary>
    public Action<string, float[]>? Observer { get; set; }

    public BatchResult Run(float[] batch, int[] shape, string file, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int n = ModelShapes.BatchOf(file, shape, InputShape);
        int inSize = ModelShapes.SampleSize(InputShape);
        int outSize = ModelShapes.SampleSize(OutputShape);
        if (batch.Length != (long)n * inSize)
        {
            throw new PipelineInputException($"{file} holds {batch.Length} values, not {n}·{inSize}");
        }
        InputValues.RequireFinite(file, batch, inSize);
        var output = new float[(long)n * outSize];
        var sample = new float[inSize];
        var watch = new Stopwatch();
        for (int s = 0; s < n; s++)
        {
            Array.Copy(batch, s * inSize, sample, 0, inSize);
            watch.Start();
            float[] y = FloatReference.Run(_graph, sample, Observer);
            watch.Stop();
            if (y.Length != outSize)
            {
                throw new InvalidOperationException($"float reference returned {y.Length} values, expected {outSize}");
            }
            Array.Copy(y, 0, output, s * outSize, outSize);
            progress?.Invoke(s + 1, n);
        }
        return new BatchResult(output, ModelShapes.WithBatch(OutputShape, n), watch.Elapsed.TotalMilliseconds / n);
    }
}
