using System;
using System.Diagnostics;
using System.IO;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `-- optimes MODEL.tdsc|MODEL.onnx [RUNS]`: median wall time of every operator of a model on the device kernels and on each
/// desktop kernel path this CPU has (single thread, random inputs), to see where a model's time goes. A rough look on
/// a shared machine, not a benchmark: ThroughputBenchmarks is the measurement.
/// </summary>
internal static class OperatorTimes
{
    public static int Run(string[] args)
    {
        Model model = Load(args[1]);
        int runs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300;
        var columns = new System.Collections.Generic.List<(string Name, double[] Ms)>();
        columns.Add(("device", Time(new Interpreter(model), model, runs)));
        foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Vnni, KernelPath.Vnni512 })
        {
            if (DesktopKernels.IsSupported(path))
            {
                columns.Add((path.ToString(), Time(new Interpreter(model, new DesktopKernels(path)), model, runs)));
            }
        }

        var names = new Interpreter(model, new DesktopKernels());
        Console.Write($"{"#",3} {"kernel",-36} {"in -> out (NHWC)",-26}");
        foreach (var c in columns)
        {
            Console.Write($" {c.Name,10}");
        }

        Console.WriteLine("   (µs per invoke)");
        for (int i = 0; i <= model.Operators.Length; i++)
        {
            Console.Write(i < model.Operators.Length ? $"{i,3} {names.KernelName(i),-36}" : $"{"",3} {"total",-36}");
            if (i < model.Operators.Length)
            {
                OperatorInfo op = model.Operators[i];
                Console.Write($" {Dims(model.Tensors[op.Input0]),-12}->{Dims(model.Tensors[op.Output]),-12}");
            }
            else
            {
                Console.Write($" {"",-26}");
            }
            foreach (var c in columns)
            {
                Console.Write($" {c.Ms[i] * 1000,10:F1}");
            }

            Console.WriteLine();
        }

        return 0;
    }

    /// <summary>A .tdsc file, or a model.onnx converted with the calibration.npy beside it (default options).</summary>
    private static Model Load(string path)
    {
        if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            return ModelReader.Load(File.ReadAllBytes(path));
        }

        var graph = TinyDsc.Converter.Import.OnnxImporter.Load(path);
        string calibrationPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "calibration.npy");
        var calibration = TinyDsc.Converter.IO.Npy.ReadFloat32(calibrationPath);
        Model model = ModelReader.Load(TinyDsc.Converter.Pipeline.ModelConverter.Convert(graph, calibration.Data, calibration.Shape,
            "calibration.npy", new TinyDsc.Converter.Calibration.CalibrationOptions()).FileBytes);
        return TinyDsc.Converter.Pipeline.Int8Runner.DesktopModel(model);
    }

    private static string Dims(TensorInfo t) => string.Join("x", t.Dims[..t.Rank]);

    // Median over the runs per operator (a loaded machine's stalls land on single runs; the median ignores them).
    private static double[] Time(Interpreter it, Model model, int runs)
    {
        var observer = new Clock(model.Operators.Length, runs);
        it.Observer = observer;
        var input = new sbyte[it.InputLength];
        var rng = new Random(14);
        for (int r = -20; r < runs; r++)
        {
            rng.NextBytes((byte[])(Array)input);
            it.SetInput(input, 0);
            observer.Start(r);
            it.Invoke();
        }

        var ms = new double[model.Operators.Length + 1];
        for (int i = 0; i < model.Operators.Length; i++)
        {
            long[] t = observer.Ticks[i];
            Array.Sort(t);
            ms[i] = t[runs / 2] * 1000.0 / Stopwatch.Frequency;
            ms[^1] += ms[i];
        }

        return ms;
    }

    private sealed class Clock : IOperatorObserver
    {
        public readonly long[][] Ticks;
        private long _last;
        private int _run;

        public Clock(int operators, int runs)
        {
            Ticks = new long[operators][];
            for (int i = 0; i < operators; i++)
            {
                Ticks[i] = new long[runs];
            }
        }

        public void Start(int run)
        {
            _run = run;
            _last = Stopwatch.GetTimestamp();
        }

        public void OperatorDone(Interpreter interpreter, int operatorIndex)
        {
            long now = Stopwatch.GetTimestamp();
            if (_run >= 0)
            {
                Ticks[operatorIndex][_run] = now - _last;
            }

            _last = now;
        }
    }
}
