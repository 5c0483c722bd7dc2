using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `-- runtimes MODEL.onnx [THREADS] [ROUNDS]`: `tinydsc run`'s Int8Runner, its interpreter's SetInput + Invoke alone,
/// and ONNX Runtime's float session, alternating batches of 64 bundled test images, median and fastest time per image of each
/// and the ratios. A quick look on a loaded machine (alternation and medians spread the load evenly), not a benchmark:
/// ThroughputBenchmarks is the measurement. `-- threads` (ThreadScaling) compares 1 thread with the core count.
/// </summary>
internal static class RunnerTimes
{
    public static int Run(string[] args)
    {
        const int Batch = 64;
        string onnx = Path.GetFullPath(args[1]);
        int threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
        int rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 40;
        Model model = ProbeData.Convert(onnx, OnnxImporter.Load(onnx));
        float[] batch = ProbeData.TestImages(onnx, Batch, out int per, out int[] shape);
        var runner = new Int8Runner(model) { Threads = threads };
        Interpreter it = DesktopKernels.CreateInterpreter(runner.RunModel);
        var sample = new float[per];
        using var ort = new InferenceSession(onnx, new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 });
        string input = ort.InputMetadata.Keys.Single();
        var tensor = new DenseTensor<float>(batch, shape);
        var times = new double[3][];
        for (int i = 0; i < 3; i++)
        {
            times[i] = new double[rounds];
        }

        for (int r = -5; r < rounds; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            runner.Run(batch, shape, "images");
            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batch; i++)
            {
                Array.Copy(batch, i * per, sample, 0, per);
                it.SetInput(sample, 0);
                it.Invoke();
            }

            long t2 = Stopwatch.GetTimestamp();
            using (var results = ort.Run(new[] { NamedOnnxValue.CreateFromTensor(input, tensor) }))
            {
                _ = results.First().AsTensor<float>().GetValue(0);
            }

            long t3 = Stopwatch.GetTimestamp();
            if (threads > 1)
            {
                // ONNX Runtime's intra-op threads spin for about 40 ms after a Run (measured with `-- threads`,
                // PROBE_SPIN=1): let them park, or they take a core from the next round's Int8Runner.
                System.Threading.Thread.Sleep(100);
            }

            if (r >= 0)
            {
                times[0][r] = (t1 - t0) * 1e6 / Stopwatch.Frequency / Batch;
                times[1][r] = (t2 - t1) * 1e6 / Stopwatch.Frequency / Batch;
                times[2][r] = (t3 - t2) * 1e6 / Stopwatch.Frequency / Batch;
            }
        }

        double[] median = times.Select(t => t.OrderBy(x => x).ElementAt(rounds / 2)).ToArray();
        double[] min = times.Select(t => t.Min()).ToArray();
        Console.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(onnx))}, {threads} thread(s), path {DesktopKernels.Default?.Path.ToString() ?? "device"}, " +
            $"median µs per image: Int8Runner {median[0]:F1}, SetInput+Invoke (1 thread) {median[1]:F1}, ORT {median[2]:F1}; " +
            $"int8/ORT images/s {median[2] / median[0]:F2}; fastest batch: {min[0]:F1}, {min[1]:F1}, {min[2]:F1}, ratio {min[2] / min[0]:F2}");
        return 0;
    }
}
