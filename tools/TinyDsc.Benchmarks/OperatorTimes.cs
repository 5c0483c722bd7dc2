using System;
using System.Diagnostics;
using System.IO;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `-- optimes MODEL.tdsc [RUNS]`: mean wall time of every operator of a model on the device kernels and on each
/// desktop kernel path this CPU has (single thread, random inputs), to see where a model's time goes. A rough look on
/// a shared machine, not a benchmark: ThroughputBenchmarks is the measurement.
/// </summary>
internal static class OperatorTimes
{
    public static int Run(string[] args)
    {
        Model model = ModelReader.Load(File.ReadAllBytes(args[1]));
        int runs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300;
        var columns = new System.Collections.Generic.List<(string Name, double[] Ms)>();
        columns.Add(("device", Time(new Interpreter(model), model, runs)));
        foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512 })
        {
            if (DesktopKernels.IsSupported(path))
            {
                columns.Add((path.ToString(), Time(new Interpreter(model, new DesktopKernels(path)), model, runs)));
            }
        }

        var names = new Interpreter(model, new DesktopKernels());
        Console.Write($"{"#",3} {"kernel",-36}");
        foreach (var c in columns)
        {
            Console.Write($" {c.Name,10}");
        }

        Console.WriteLine("   (µs per invoke)");
        for (int i = 0; i <= model.Operators.Length; i++)
        {
            Console.Write(i < model.Operators.Length ? $"{i,3} {names.KernelName(i),-36}" : $"{"",3} {"total",-36}");
            foreach (var c in columns)
            {
                Console.Write($" {c.Ms[i] * 1000,10:F1}");
            }

            Console.WriteLine();
        }

        return 0;
    }

    private static double[] Time(Interpreter it, Model model, int runs)
    {
        var observer = new Clock(model.Operators.Length);
        it.Observer = observer;
        var input = new sbyte[it.InputLength];
        var rng = new Random(14);
        for (int r = -20; r < runs; r++)
        {
            rng.NextBytes((byte[])(Array)input);
            it.SetInput(input, 0);
            observer.Start(r >= 0);
            it.Invoke();
        }

        var ms = new double[model.Operators.Length + 1];
        for (int i = 0; i < model.Operators.Length; i++)
        {
            ms[i] = observer.Ticks[i] * 1000.0 / Stopwatch.Frequency / runs;
            ms[^1] += ms[i];
        }

        return ms;
    }

    private sealed class Clock : IOperatorObserver
    {
        public readonly long[] Ticks;
        private long _last;
        private bool _count;

        public Clock(int operators) => Ticks = new long[operators];

        public void Start(bool count)
        {
            _count = count;
            _last = Stopwatch.GetTimestamp();
        }

        public void OperatorDone(Interpreter interpreter, int operatorIndex)
        {
            long now = Stopwatch.GetTimestamp();
            if (_count)
            {
                Ticks[operatorIndex] += now - _last;
            }

            _last = now;
        }
    }
}
