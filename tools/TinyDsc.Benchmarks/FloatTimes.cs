using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Reference;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `-- floattimes MODEL.onnx [THREADS] [ROUNDS]`: where the float reference's time goes. First every node's median
/// time per image in one FloatExecutor of FloatReference.BatchSize images (one thread, bundled test images); then
/// FloatRunner and ONNX Runtime's float session alternating on batches of 256 images at THREADS threads (default 1),
/// median time per image of each and their ratio. A rough look on a shared machine (alternation and medians spread
/// the load evenly), not a benchmark: ThroughputBenchmarks is the measurement.
/// </summary>
internal static class FloatTimes
{
    public static int Run(string[] args)
    {
        const int Batch = 256;
        string onnx = Path.GetFullPath(args[1]);
        int threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
        int rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 40;
        FloatGraph graph = OnnxImporter.Load(onnx);
        float[] batch = ProbeData.TestImages(onnx, Batch, out int per, out int[] shape);

        // FLOATTIMES_DUMP=FILE: every node's value for the 256 images (batches of 8) as raw float32, to compare builds byte for byte.
        string? dump = Environment.GetEnvironmentVariable("FLOATTIMES_DUMP");
        if (!string.IsNullOrEmpty(dump))
        {
            var probe = new FloatExecutor(graph, FloatReference.BatchSize);
            using var file = new BinaryWriter(File.Create(dump));
            var sink = new float[probe.Capacity * probe.OutputSize];
            for (int at = 0; at < Batch; at += probe.Capacity)
            {
                probe.Run(batch.AsSpan(at * per, probe.Capacity * per), probe.Capacity, sink, (_, _, values) =>
                {
                    foreach (float v in values)
                    {
                        file.Write(v);
                    }
                });
            }
        }

        // Per node, one worker's batch.
        var executor = new FloatExecutor(graph, FloatReference.BatchSize);
        int n = executor.Capacity, steps = executor.StepCount, runs = rounds * 10;
        var output = new float[n * executor.OutputSize];
        var ticks = new long[steps][];
        for (int i = 0; i < steps; i++)
        {
            ticks[i] = new long[runs];
        }
        var step = new long[steps];
        executor.StepTicks = step;
        for (int r = -20; r < runs; r++)
        {
            Array.Clear(step);
            int at = ((r + 20) % (Batch / n)) * n * per;
            executor.Run(batch.AsSpan(at, n * per), n, output);
            for (int i = 0; r >= 0 && i < steps; i++)
            {
                ticks[i][r] = step[i];
            }
        }
        executor.StepTicks = null;
        double total = 0;
        Console.WriteLine($"{"#",3} {"node",-72} {"µs/image",9}");
        for (int i = 0; i < steps; i++)
        {
            Array.Sort(ticks[i]);
            double us = ticks[i][runs / 2] * 1e6 / Stopwatch.Frequency / n;
            total += us;
            Console.WriteLine($"{i,3} {executor.StepLabel(i),-72} {us,9:F2}");
        }
        Console.WriteLine($"{"",3} {"total (sum of medians)",-72} {total,9:F2}");

        // FloatRunner against ONNX Runtime, alternating.
        var runner = new FloatRunner(graph) { Threads = threads };
        using var ort = new InferenceSession(onnx, new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 });
        string input = ort.InputMetadata.Keys.Single();
        var tensor = new DenseTensor<float>(batch, shape);
        var mine = new double[rounds];
        var theirs = new double[rounds];
        for (int r = -5; r < rounds; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            runner.Run(batch, shape, "images");
            long t1 = Stopwatch.GetTimestamp();
            using (var results = ort.Run(new[] { NamedOnnxValue.CreateFromTensor(input, tensor) }))
            {
                _ = results.First().AsTensor<float>().GetValue(0);
            }
            long t2 = Stopwatch.GetTimestamp();
            if (r >= 0)
            {
                mine[r] = (t1 - t0) * 1e6 / Stopwatch.Frequency / Batch;
                theirs[r] = (t2 - t1) * 1e6 / Stopwatch.Frequency / Batch;
            }
        }
        Array.Sort(mine);
        Array.Sort(theirs);
        Console.WriteLine($"{threads} thread(s), {rounds} rounds of {Batch} images: reference {mine[rounds / 2]:F2} µs/image (fastest {mine[0]:F2}), "
            + $"ORT {theirs[rounds / 2]:F2} (fastest {theirs[0]:F2}); reference/ORT images/s {theirs[rounds / 2] / mine[rounds / 2]:F2} (fastest {theirs[0] / mine[0]:F2})");
        return 0;
    }
}
