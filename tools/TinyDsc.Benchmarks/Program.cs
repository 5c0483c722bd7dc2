namespace TinyDsc.Benchmarks;

internal static class Program
{
    /// <summary>
    /// `-- ilcount`: IL instructions per MAC of each convolution kernel (static loop counts and an exact dynamic
    /// count from IlCounter). Anything else goes to BenchmarkDotNet (e.g. `-- --filter '*KernelBenchmarks*'`).
    /// </summary>
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ilcount")
        {
            return IlCount.Run();
        }

        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
