using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Reference;

namespace TinyDsc.Converter.Pipeline;

/// <summary>
/// Runs the float reference over a batch in PyTorch layout, in batches of FloatReference.BatchSize per worker (each
/// worker's FloatExecutor is kept for the next Run), samples split over
/// <see cref="Threads"/> workers (<see cref="Workers"/>): every sample's output is the same for any thread count.
/// </summary>
public sealed class FloatRunner
{
    private readonly FloatGraph _graph;
    private readonly ConcurrentBag<FloatExecutor> _executors = new();

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
        RunSamples(_graph, batch, n, inSize, _threads, Observer, output, outSize, tick, _executors);
        watch.Stop();
        return new BatchResult(output, ModelShapes.WithBatch(OutputShape, n), watch.Elapsed.TotalMilliseconds / Math.Max(1, n));
    }

    /// <summary>
    /// Runs samples [0, n) of <paramref name="batch"/> on <paramref name="threads"/> workers, writing each output to
    /// <paramref name="output"/> (when given) at its index. Each worker runs its range <see cref="FloatReference.BatchSize"/>
    /// samples at a time on its own <see cref="FloatExecutor"/> (taken from <paramref name="executors"/> when given, and
    /// put back). With an <paramref name="observer"/>, samples run in chunks: workers record each sample's observations
    /// (fresh arrays), then the calling thread replays them sample by sample in sample order, so the observer sees
    /// exactly the one-sample-at-a-time sequence on any thread count.
    /// </summary>
    internal static void RunSamples(FloatGraph graph, float[] batch, int n, int inSize, int threads,
        Action<string, float[]>? observer, float[]? output, int outSize, Action? tick, ConcurrentBag<FloatExecutor>? executors = null)
    {
        executors ??= new ConcurrentBag<FloatExecutor>();
        int chunk = observer == null ? n : Math.Max(1, threads) * FloatReference.BatchSize;
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            var recorded = observer == null ? null : new List<(string, float[])>[count];
            Workers.ForRanges(count, threads, (worker, first, end) =>
            {
                int want = Math.Min(FloatReference.BatchSize, end - first);
                if (!executors.TryTake(out FloatExecutor? executor) || executor.Capacity < want)
                {
                    executor = new FloatExecutor(graph, want);
                }
                int size = output == null ? executor.OutputSize : outSize;
                var result = output == null ? new float[executor.Capacity * size] : null;
                try
                {
                    for (int i = first; i < end; i += executor.Capacity)
                    {
                        int m = Math.Min(executor.Capacity, end - i);
                        long s = start + i;
                        Action<int, string, float[]>? record = null;
                        if (recorded != null)
                        {
                            for (int j = 0; j < m; j++)
                            {
                                recorded[i + j] = new List<(string, float[])>();
                            }
                            int at = i;
                            record = (sample, name, values) => recorded[at + sample].Add((name, values));
                        }
                        Span<float> y = output == null ? result.AsSpan(0, m * size) : output.AsSpan((int)(s * outSize), m * outSize);
                        executor.Run(batch.AsSpan((int)(s * inSize), m * inSize), m, y, record);
                        for (int j = 0; j < m; j++)
                        {
                            tick?.Invoke();
                        }
                    }
                }
                finally
                {
                    executors.Add(executor);
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
