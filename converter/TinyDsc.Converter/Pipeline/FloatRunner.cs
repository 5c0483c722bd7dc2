using System;
using System.Collections.Generic;
using System.Diagnostics;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Runs the float reference over a batch in PyTorch layout, one sample at a time per worker, samples split over
/// <see cref="Threads"/> workers (<see cref="Workers"/>): every sample's output is the same for any thread count.
/// </summary>
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

    /// <summary>Worker threads of <see cref="Run"/> (default: the core count).</summary>
    /// <exception cref="PipelineInputException">the value is not in 1..1024.</exception>
    public int Threads
    {
        get => _threads;
        set
        {
            Workers.Check(value);
            _threads = value;
        }
    }

    private int _threads = Workers.DefaultThreads;

    /// <summary>Called with every value's name and values for every sample, in sample order and on the calling thread
    /// whatever <see cref="Threads"/> is (workers record a chunk of samples, then the observations are replayed) (e.g. <see cref="Validation.ClipCounter.Observe"/>); null for none.</summary>
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
        Action? tick = Workers.Counter(progress, n);
        var watch = Stopwatch.StartNew();
        RunSamples(_graph, batch, n, inSize, _threads, Observer, output, outSize, tick);
        watch.Stop();
        return new BatchResult(output, ModelShapes.WithBatch(OutputShape, n), watch.Elapsed.TotalMilliseconds / Math.Max(1, n));
    }

    /// <summary>
    /// Runs samples [0, n) of <paramref name="batch"/> on <paramref name="threads"/> workers, writing each output to
    /// <paramref name="output"/> (when given) at its index. With an <paramref name="observer"/>, samples run in chunks:
    /// workers record each sample's observations, then the calling thread replays them in sample order (the value arrays
    /// are the executor's fresh ones, kept until replayed), so the observer sees exactly the one-thread sequence.
    /// </summary>
    internal static void RunSamples(FloatGraph graph, float[] batch, int n, int inSize, int threads,
        Action<string, float[]>? observer, float[]? output, int outSize, Action? tick)
    {
        int chunk = observer == null ? n : Math.Max(1, threads) * 4;
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            var recorded = observer == null || threads == 1 ? null : new List<(string, float[])>[count];
            Workers.ForRanges(count, threads, (worker, first, end) =>
            {
                var sample = new float[inSize];
                for (int i = first; i < end; i++)
                {
                    int s = start + i;
                    Array.Copy(batch, (long)s * inSize, sample, 0, inSize);
                    Action<string, float[]>? record = observer;
                    if (recorded != null)
                    {
                        var list = new List<(string, float[])>();
                        recorded[i] = list;
                        record = (name, values) => list.Add((name, values));
                    }
                    float[] y = FloatReference.Run(graph, sample, record);
                    if (output != null)
                    {
                        if (y.Length != outSize)
                        {
                            throw new InvalidOperationException($"float reference returned {y.Length} values, expected {outSize}");
                        }
                        Array.Copy(y, 0, output, (long)s * outSize, outSize);
                    }
                    tick?.Invoke();
                }
            });
            if (recorded != null)
            {
                foreach (var list in recorded)
                {
                    foreach ((string name, float[] values) in list)
                    {
                        observer!(name, values);
                    }
                }
            }
        }
    }
}
