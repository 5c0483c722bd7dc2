namespace TinyDsc.Benchmarks;

internal static class Program
{
    /// <summary>
    /// `-- ilcount`: IL instructions per MAC of each convolution kernel (static loop counts and an exact dynamic
    /// count from IlCounter). `-- ilcount-model [PATH.tdsc]`: the same count for every operator of a whole model
    /// (default: the bundled fashion-dscnn); `-- model-source OUT.cs`: the bundled model as C# for the mono
    /// timing driver; `-- optimes MODEL.tdsc [RUNS]`: per-operator wall time on the device and desktop kernels; `-- floattimes MODEL.onnx [THREADS]`: the float reference per node, then against ONNX Runtime; `-- runtimes MODEL.onnx [THREADS]`: Int8Runner per image; `-- threads MODEL.onnx [ROUNDS]`: 1 thread against the core count (ThreadScaling). Anything else goes to BenchmarkDotNet (e.g. `-- --filter '*KernelBenchmarks*'`).
    /// </summary>
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ilcount")
        {
            return IlCount.Run();
        }

        if (args.Length > 0 && args[0] == "ilcount-model")
        {
            return ModelIlCount.Run(args);
        }

        if (args.Length > 1 && args[0] == "optimes")
        {
            return OperatorTimes.Run(args);
        }

        if (args.Length > 1 && args[0] == "floattimes")
        {
            return FloatTimes.Run(args);
        }

        if (args.Length > 1 && args[0] == "runtimes")
        {
            return RunnerTimes.Run(args);
        }

        if (args.Length > 1 && args[0] == "threads")
        {
            return ThreadScaling.Run(args);
        }

        if (args.Length > 0 && args[0] == "model-source")
        {
            return ModelIlCount.WriteSource(args);
        }

        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
