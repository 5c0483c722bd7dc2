using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Format;
using TinyDsc.Runtime.Tests.NanoCheck;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Runtime.Tests.Fuzz;

/// <summary>
/// Loader fuzzing: mutants of valid files either load (and then pass ModelValidator and survive a write/read round
/// trip and run through Interpreter.Invoke) or throw ModelFormatException — never another exception, never a hang — and the bytes allocated by Load
/// stay within a bound proportional to the file size. Seeded; TINYDSC_FUZZ_CASES and TINYDSC_FUZZ_SEED override the
/// defaults. Mutants that ever broke a rule are kept in Fuzz/Regressions and replayed by <see cref="Regressions"/>.
/// </summary>
public class LoaderFuzzTests
{
    /// <summary>
    /// Allocation bound of one Load: per file byte the reader allocates at most about 3.2 bytes (measured: 1.1 for the
    /// 46 KB fashion DS-CNN, 1.9–3.2 for the small test models: a TensorInfo with its dims array per 40-byte record, an
    /// OperatorInfo with its params per 128-byte record, blobs the size of their bytes), plus the exception and its
    /// message on failure. 4 per byte plus 16 KB leaves headroom without hiding a quadratic or count-driven allocation
    /// (4096 tensor objects alone would exceed it for any file that does not hold 4096 records).
    /// </summary>
    public static long AllocationBound(int fileLength) => 4L * fileLength + 16 * 1024;

    private const int DefaultCases = 100_000;
    private const int DefaultSeed = 20261126;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly ITestOutputHelper output;

    public LoaderFuzzTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void MutantsLoadOrThrowModelFormatException()
    {
        int cases = EnvInt("TINYDSC_FUZZ_CASES", DefaultCases);
        int seed = EnvInt("TINYDSC_FUZZ_SEED", DefaultSeed);
        byte[][] seeds = TestModels.Names.Select(n => ModelWriter.Write(TestModels.Get(n))).ToArray();

        FuzzReport? report = null;
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                report = Run(seeds, cases, seed);
            }
            catch (Exception e)
            {
                crash = e;
            }
        })
        {
            IsBackground = true,   // a hung load must not keep the test host alive after the timeout fails the test
        };
        thread.Start();
        Assert.True(thread.Join(Timeout), $"fuzz run of {cases} cases (seed {seed}) did not finish within {Timeout}: a load hangs");
        Assert.Null(crash);
        FuzzReport r = report!;

        output.WriteLine($"seed {seed}: {r.Cases} cases in {r.Elapsed.TotalSeconds:F1} s, slowest case {r.SlowestCase.TotalMilliseconds:F2} ms, "
            + $"largest allocation {r.MaxAllocated} bytes for a {r.MaxAllocatedLength}-byte file (bound {AllocationBound(r.MaxAllocatedLength)})");
        output.WriteLine($"loaded {r.Loaded}, rejected {r.Rejected}, failures {r.Failures.Count}; "
            + $"{r.InterpreterRuns} loaded models run through Interpreter.Invoke (the others have an arena above {InterpreterRun.MaxArenaToRun} bytes)");
        foreach (var kind in r.ByKind.OrderBy(k => Array.IndexOf(TdscMutator.Kinds, k.Key)))
        {
            output.WriteLine($"  {kind.Key,-28} loaded {kind.Value.Loaded,6}  rejected {kind.Value.Rejected,6}");
        }

        output.WriteLine("rejections by message (digits as #):");
        foreach (var m in r.Messages.OrderByDescending(m => m.Value).Take(40))
        {
            output.WriteLine($"  {m.Value,7}  {m.Key}");
        }

        foreach (string failure in r.Failures.Take(20))
        {
            output.WriteLine("FAILURE " + failure);
        }

        Assert.True(r.Cases >= Math.Min(cases, DefaultCases));
        Assert.True(r.InterpreterRuns > 0, "no loaded mutant was run through the interpreter");
        Assert.True(r.Failures.Count == 0, $"{r.Failures.Count} failing mutants (saved under {FailureFolder}); first: {r.Failures.FirstOrDefault()}");
    }

    /// <summary>
    /// Replays every file in Fuzz/Regressions (mutants that once broke a rule, named by what they broke); each must
    /// load or throw ModelFormatException within the allocation bound, like any fuzz case.
    /// </summary>
    [Fact]
    public void Regressions()
    {
        string[] files = Directory.GetFiles(RegressionFolder, "*.tdsc").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        output.WriteLine($"{files.Length} regression files in {RegressionFolder}");
        foreach (string path in files)
        {
            byte[] file = File.ReadAllBytes(path);
            string? failure = Check(file, new[] { file }, out string? rejection, out _, out Model? model);
            if (failure == null && model != null)
            {
                failure = InterpreterRun.Run(model, new Random(1), out _);
            }

            Assert.True(failure == null, $"{Path.GetFileName(path)}: {failure}");
            output.WriteLine($"{Path.GetFileName(path)}: {rejection ?? "loaded"}");
        }
    }

    private static string RegressionFolder => Path.Combine(NanoPaths.RepoRoot, "tests", "TinyDsc.Runtime.Tests", "Fuzz", "Regressions");

    private static string FailureFolder => Path.Combine(AppContext.BaseDirectory, "fuzz-failures");

    private static FuzzReport Run(byte[][] seeds, int cases, int seed)
    {
        var random = new Random(seed);
        var mutator = new TdscMutator(random);
        var report = new FuzzReport();

        // Warm up the static CRC table and the exception path so they are not charged to the first cases.
        ModelReader.Load(seeds[0]);
        try
        {
            ModelReader.Load(new byte[1]);
        }
        catch (ModelFormatException)
        {
        }

        var total = Stopwatch.StartNew();
        var one = new Stopwatch();
        for (int i = 0; i < cases; i++)
        {
            int kind = i % TdscMutator.Kinds.Length;
            byte[] mutant = mutator.Mutate(seeds[random.Next(seeds.Length)], kind);
            byte[][] chunks = random.Next(4) == 0 ? Split(mutant, random) : new[] { mutant };

            one.Restart();
            string? failure = Check(mutant, chunks, out string? rejection, out long allocated, out Model? model);
            one.Stop();
            if (failure == null && model != null)
            {
                failure = InterpreterRun.Run(model, random, out bool ran);
                report.InterpreterRuns += ran ? 1 : 0;
            }

            report.Cases++;
            if (one.Elapsed > report.SlowestCase)
            {
                report.SlowestCase = one.Elapsed;
            }

            if (allocated > report.MaxAllocated)
            {
                report.MaxAllocated = allocated;
                report.MaxAllocatedLength = mutant.Length;
            }

            var byKind = report.Kind(TdscMutator.Kinds[kind]);
            if (failure != null)
            {
                report.Failures.Add($"case {i} ({TdscMutator.Kinds[kind]}): {failure}");
                Directory.CreateDirectory(FailureFolder);
                File.WriteAllBytes(Path.Combine(FailureFolder, $"seed{seed}-case{i}.tdsc"), mutant);
            }
            else if (rejection == null)
            {
                report.Loaded++;
                byKind.Loaded++;
            }
            else
            {
                report.Rejected++;
                byKind.Rejected++;
                string key = Regex.Replace(rejection, "-?[0-9]+", "#");
                key = key.Length > 90 ? key[..90] : key;
                report.Messages[key] = report.Messages.GetValueOrDefault(key) + 1;
            }
        }

        report.Elapsed = total.Elapsed;
        return report;
    }

    /// <summary>Null when the mutant behaves; else what went wrong. rejection: the ModelFormatException message, if any.</summary>
    private static string? Check(byte[] file, byte[][] chunks, out string? rejection, out long allocated, out Model? model)
    {
        rejection = null;
        model = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            model = chunks.Length == 1 ? ModelReader.Load(chunks[0]) : ModelReader.Load(chunks);
        }
        catch (ModelFormatException e)
        {
            rejection = e.Message;
        }
        catch (Exception e)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return $"{e.GetType().Name}: {e.Message} ({file.Length} bytes, {chunks.Length} chunks)";
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBound(file.Length))
        {
            return $"Load allocated {allocated} bytes for a {file.Length}-byte file, above the bound {AllocationBound(file.Length)}";
        }

        if (rejection == null)
        {
            if (model == null)
            {
                return "Load returned null";
            }

            try
            {
                ModelValidator.Validate(model);
                ModelAssert.Equal(model, ModelReader.Load(ModelWriter.Write(model)));
            }
            catch (Exception e)
            {
                return $"loaded model does not survive Validate + write/read: {e.GetType().Name}: {e.Message}";
            }
        }
        else if (rejection.Length == 0)
        {
            return "ModelFormatException without a message";
        }

        return null;
    }

    private static byte[][] Split(byte[] file, Random random)
    {
        var chunks = new List<byte[]>();
        int pos = 0;
        while (pos < file.Length)
        {
            int n = random.Next(0, Math.Min(file.Length - pos, 700) + 1);
            chunks.Add(file[pos..(pos + n)]);
            pos += n;
        }

        chunks.Add(Array.Empty<byte>());
        return chunks.ToArray();
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int v) && v > 0 ? v : fallback;

    private sealed class FuzzReport
    {
        public int Cases;
        public int Loaded;
        public int Rejected;
        public int InterpreterRuns;
        public TimeSpan Elapsed;
        public TimeSpan SlowestCase;
        public long MaxAllocated;
        public int MaxAllocatedLength;
        public readonly List<string> Failures = new();
        public readonly Dictionary<string, int> Messages = new();
        public readonly Dictionary<string, KindCount> ByKind = new();

        public KindCount Kind(string name)
        {
            if (!ByKind.TryGetValue(name, out KindCount? k))
            {
                k = new KindCount();
                ByKind[name] = k;
            }

            return k;
        }
    }

    private sealed class KindCount
    {
        public int Loaded;
        public int Rejected;
    }
}
