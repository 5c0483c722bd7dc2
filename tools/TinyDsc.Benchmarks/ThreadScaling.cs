using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
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
/// `-- threads MODEL.onnx [ROUNDS]`: how int8 time scales from 1 thread to the core count. Alternates, round by round on
/// one batch of 256 bundled test images: Int8Runner at 1 and at the core count; "bare" runs (quantized inputs,
/// persistent threads started once, one interpreter each on one shared DesktopKernels, a contiguous share each) at 1 and
/// at the core count on the Vnni512, Vnni and Vector256 paths; ONNX Runtime at 1 and at the core count (followed by a
/// 100 ms pause, PROBE_SETTLE_MS: its intra-op threads spin for about 40 ms after a Run and would take a core from the
/// next variant). Prints per variant the median and fastest wall time per image, the median process CPU time per image,
/// gen-0 collections, and for bare runs the workers' own thread CPU time per image (CLOCK_THREAD_CPUTIME_ID, which
/// excludes time spent waiting for a core) and bytes allocated: on a shared machine wall time follows the load, while
/// CPU time per image growing with threads shows contention or extra work. A quick look, not a benchmark.
/// Environment: PROBE_ONLY=name,name (variants whose name contains one), PROBE_PAUSE_MS (sleep after every variant),
/// PROBE_TICKS=1 (GC allocation ticks by type and thread), PROBE_SPIN=1 (process CPU while asleep after ORT runs),
/// PROBE_SPAWN=1 (cost of one Workers.ForRanges call with an empty body), PROBE_FUSED=1 (bare runs on the model as
/// converted, fused blocks kept, instead of Int8Runner's unfused model).
/// </summary>
internal static class ThreadScaling
{
    private const int Batch = 256;

    private static readonly int Pause = int.Parse(Environment.GetEnvironmentVariable("PROBE_PAUSE_MS") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly int SpinSettle = int.Parse(Environment.GetEnvironmentVariable("PROBE_SETTLE_MS") ?? "100", System.Globalization.CultureInfo.InvariantCulture);

    public static int Run(string[] args)
    {
        string onnx = Path.GetFullPath(args[1]);
        int rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20;
        int cores = Environment.ProcessorCount;
        string folder = Path.GetDirectoryName(onnx)!;
        Model model = ProbeData.Convert(onnx, OnnxImporter.Load(onnx));
        Model run = Environment.GetEnvironmentVariable("PROBE_FUSED") == "1" ? model : Int8Runner.DesktopModel(model);
        float[] batch = ProbeData.TestImages(onnx, Batch, out int per, out int[] shape);
        TensorInfo input = run.Tensors[run.InputTensor];
        var quantized = new sbyte[Batch * per];
        InputQuantizer.Quantize(batch, 0, Batch * per, input.Scale, input.ZeroPoint, quantized, 0);

        var variants = new List<(string Name, Action Body, IDisposable? Owner)>();
        string only = Environment.GetEnvironmentVariable("PROBE_ONLY") ?? "";
        foreach (int t in new[] { 1, cores })
        {
            var runner = new Int8Runner(model) { Threads = t };
            variants.Add(($"Int8Runner {t}t", () => runner.Run(batch, shape, "images"), null));
        }

        foreach (KernelPath path in new[] { KernelPath.Vnni512, KernelPath.Vnni, KernelPath.Vector256 })
        {
            if (!DesktopKernels.IsSupported(path))
            {
                continue;
            }

            var kernels = new DesktopKernels(path);
            foreach (int t in new[] { 1, cores })
            {
                var bare = new Bare(run, kernels, t, quantized, per);
                variants.Add(($"bare {path} {t}t", bare.Run, bare));
            }
        }

        foreach (int t in new[] { 1, cores })
        {
            var ort = new InferenceSession(onnx, new SessionOptions { IntraOpNumThreads = t, InterOpNumThreads = 1 });
            string name = ort.InputMetadata.Keys.Single();
            var tensor = new DenseTensor<float>(batch, shape);
            variants.Add(($"ORT {t}t", () =>
            {
                using var results = ort.Run(new[] { NamedOnnxValue.CreateFromTensor(name, tensor) });
                _ = results.First().AsTensor<float>().GetValue(0);
            }, ort));
        }

        variants = variants.Where(v => only.Length == 0 || only.Split(',').Any(o => v.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToList();
        using var ticks = Environment.GetEnvironmentVariable("PROBE_TICKS") == "1" ? new AllocationTicks() : null;
        if (Environment.GetEnvironmentVariable("PROBE_SPAWN") == "1")
        {
            // Cost of one Workers.ForRanges call on the core count with an empty body (threads started per call).
            for (int round = 0; round < 3; round++)
            {
                const int Calls = 200;
                long s0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < Calls; i++)
                {
                    Workers.ForRanges(cores, cores, (_, _, _) => { });
                }

                Console.WriteLine($"  Workers.ForRanges({cores}, {cores}, empty): {(Stopwatch.GetTimestamp() - s0) * 1e6 / Stopwatch.Frequency / Calls:F1} µs per call");
            }

            return 0;
        }

        if (Environment.GetEnvironmentVariable("PROBE_SPIN") == "1")
        {
            // Process CPU time while the process sleeps, right after ONNX Runtime runs on the core count.
            var (_, ortN, _) = variants.Last();
            using Process me = Process.GetCurrentProcess();
            foreach (int ms in new[] { 1, 5, 20, 50, 100, 200 })
            {
                for (int i = 0; i < 3; i++)
                {
                    ortN();
                }

                me.Refresh();
                TimeSpan a = me.TotalProcessorTime;
                Thread.Sleep(ms);
                me.Refresh();
                Console.WriteLine($"  after ORT {cores}t: {ms} ms asleep, process CPU {(me.TotalProcessorTime - a).TotalMilliseconds:F1} ms");
            }

            return 0;
        }

        var wall = variants.Select(_ => new List<double>()).ToArray();
        var threadCpu = variants.Select(_ => new List<double>()).ToArray();
        var cpu = variants.Select(_ => new List<double>()).ToArray();
        var gcs = new int[variants.Count];
        using Process self = Process.GetCurrentProcess();
        for (int r = -3; r < rounds; r++)
        {
            for (int v = 0; v < variants.Count; v++)
            {
                self.Refresh();
                TimeSpan c0 = self.TotalProcessorTime;
                int g0 = GC.CollectionCount(0);
                long t0 = Stopwatch.GetTimestamp();
                variants[v].Body();
                long t1 = Stopwatch.GetTimestamp();
                self.Refresh();
                TimeSpan c1 = self.TotalProcessorTime;
                if (Pause > 0)
                {
                    Thread.Sleep(Pause);
                }

                if (variants[v].Owner is InferenceSession)
                {
                    // ONNX Runtime's intra-op threads spin for a while after a Run; let them park before the next variant.
                    Thread.Sleep(SpinSettle);
                }
                if (r < 0 && variants[v].Owner is Bare warm)
                {
                    warm.TakeCpuNs();
                }

                if (r >= 0)
                {
                    wall[v].Add((t1 - t0) * 1e6 / Stopwatch.Frequency / Batch);
                    cpu[v].Add((c1 - c0).TotalMicroseconds / Batch);
                    gcs[v] += GC.CollectionCount(0) - g0;
                    if (variants[v].Owner is Bare b)
                    {
                        threadCpu[v].Add(b.TakeCpuNs() / 1e3 / Batch);
                    }
                }
            }
        }

        Console.WriteLine($"{Path.GetFileName(folder)}: {Batch} images per call, {rounds} rounds, default path " +
            $"{DesktopKernels.Default?.Path.ToString() ?? "device"}; µs per image (median, fastest), CPU µs per image (median)");
        for (int v = 0; v < variants.Count; v++)
        {
            string worker = threadCpu[v].Count > 0 ? $"   worker-thread cpu {Median(threadCpu[v]),7:F1} {threadCpu[v].Min(),7:F1} alloc {((Bare)variants[v].Owner!).Allocated}" : "";
            Console.WriteLine($"  {variants[v].Name,-22} wall {Median(wall[v]),7:F1} {wall[v].Min(),7:F1}   cpu {Median(cpu[v]),7:F1}   gen0 GCs {gcs[v]}{worker}");
            variants[v].Owner?.Dispose();
        }

        return 0;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), ns.</summary>
    internal static long ThreadCpuNs()
    {
        ClockGetTime(3, out TimeSpec t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    /// <summary>Counts GC allocation ticks (one per ~100 KB allocated) by type and thread.</summary>
    private sealed class AllocationTicks : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<string, int> _counts = new();

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName != null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal))
            {
                int i = e.PayloadNames!.IndexOf("TypeName");
                string key = $"{(i >= 0 ? e.Payload![i] : "?")} thread {e.OSThreadId}";
                lock (_counts)
                {
                    _counts[key] = _counts.GetValueOrDefault(key) + 1;
                }
            }
        }

        public override void Dispose()
        {
            lock (_counts)
            {
                foreach (var kv in _counts.OrderByDescending(kv => kv.Value))
                {
                    Console.WriteLine($"  alloc ticks {kv.Value,6} {kv.Key}");
                }
            }

            base.Dispose();
        }
    }

    private static double Median(List<double> x) => x.OrderBy(v => v).ElementAt(x.Count / 2);

    /// <summary>Persistent threads, one interpreter each, each a contiguous share of the quantized batch.</summary>
    private sealed class Bare : IDisposable
    {
        private readonly Interpreter[] _its;
        private readonly Thread[] _threads;
        private readonly Barrier _start;
        private readonly Barrier _done;
        private readonly sbyte[] _quantized;
        private readonly int _per;
        private volatile bool _stop;

        public Bare(Model model, DesktopKernels kernels, int threads, sbyte[] quantized, int per)
        {
            _its = Enumerable.Range(0, threads).Select(_ => new Interpreter(model, kernels)).ToArray();
            _quantized = quantized;
            _per = per;
            _start = new Barrier(threads);
            _done = new Barrier(threads);
            _threads = Enumerable.Range(1, threads - 1).Select(w => new Thread(() =>
            {
                while (true)
                {
                    _start.SignalAndWait();
                    if (_stop)
                    {
                        return;
                    }

                    Work(w);
                    _done.SignalAndWait();
                }
            }) { IsBackground = true }).ToArray();
            foreach (Thread t in _threads)
            {
                t.Start();
            }
        }

        public void Run()
        {
            _start.SignalAndWait();
            Work(0);
            _done.SignalAndWait();
        }

        private void Work(int w)
        {
            int n = _quantized.Length / _per, workers = _its.Length;
            Interpreter it = _its[w];
            var output = new float[it.OutputLength];
            long c0 = ThreadCpuNs(), a0 = GC.GetAllocatedBytesForCurrentThread();
            for (int s = n * w / workers, end = n * (w + 1) / workers; s < end; s++)
            {
                it.SetInput(_quantized, s * _per);
                it.Invoke();
                it.GetOutput(output, 0);
            }

            Interlocked.Add(ref _cpuNs, ThreadCpuNs() - c0);
            Interlocked.Add(ref Allocated, GC.GetAllocatedBytesForCurrentThread() - a0);
        }

        private long _cpuNs;

        /// <summary>Bytes the workers allocated, all calls.</summary>
        public long Allocated;

        /// <summary>Worker CPU time (their own threads only) since the last call, ns.</summary>
        public long TakeCpuNs() => Interlocked.Exchange(ref _cpuNs, 0);

        public void Dispose()
        {
            _stop = true;
            _start.SignalAndWait();
        }
    }
}
