using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Desktop;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Benchmarks;

/// <summary>
/// Desktop throughput side by side (issue 14): `tinydsc run` (Int8Runner: the int8 interpreter on the desktop kernels),
/// `tinydsc reference` (FloatRunner) and ONNX Runtime's float CPU session (default graph optimisations, the whole batch
/// in one Run) on the bundled fashion-dscnn and on mbv2-fashion, at 1 thread and at the core count (ORT's intra-op
/// threads). Each invocation runs 256 bundled test images; times are per image (OperationsPerInvoke), so images/s is
/// 10^9 / Mean[ns] (column images/s), and column "images/s vs ORT" is ORT's Mean / the row's Mean at the same model and
/// thread count (the inverse of BenchmarkDotNet's time Ratio). Short job, run in process (no per-run project build).
/// Run: dotnet run --project tools/TinyDsc.Benchmarks -c Release -- --filter '*ThroughputBenchmarks*'
/// </summary>
[Config(typeof(ShortInProcess))]
public class ThroughputBenchmarks
{
    private const int Batch = 256;

    private float[] _images = Array.Empty<float>();
    private int[] _shape = Array.Empty<int>();
    private Int8Runner _int8 = null!;
    private FloatRunner _float = null!;
    private InferenceSession _ort = null!;
    private string _ortInput = "";
    private DenseTensor<float> _ortTensor = null!;

    /// <summary>fashion-dscnn (bundled) or mbv2-fashion (tests/fixtures/models).</summary>
    [Params("fashion-dscnn", "mbv2-fashion")]
    public string Model { get; set; } = "";

    /// <summary>Worker threads: 1 and the core count.</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>1 and the core count (just 1 on a one-core machine).</summary>
    public static IEnumerable<int> ThreadCounts() => Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 };

    [GlobalSetup]
    public void Setup()
    {
        string root = Root();
        string folder = Model == "fashion-dscnn"
            ? Path.Combine(root, "firmware-samples", "models", "fashion-dscnn")
            : Path.Combine(root, "tests", "fixtures", "models", Model);
        NpyArray<float> all = Npy.ReadFloat32(Path.Combine(root, "firmware-samples", "models", "fashion-dscnn", "test_images.npy"));
        int per = all.Data.Length / all.Shape[0];
        _images = all.Data.AsSpan(0, Batch * per).ToArray();
        _shape = (int[])all.Shape.Clone();
        _shape[0] = Batch;

        string onnx = Path.Combine(folder, "model.onnx");
        FloatGraph graph = OnnxImporter.Load(onnx);
        NpyArray<float> calibration = Npy.ReadFloat32(Path.Combine(folder, "calibration.npy"));
        Model model = ModelReader.Load(ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy",
            new CalibrationOptions()).FileBytes);
        _int8 = new Int8Runner(model) { Threads = Threads };
        _float = new FloatRunner(graph) { Threads = Threads };
        Console.WriteLine($"// {Model}: desktop kernel path {DesktopKernels.Default?.Path.ToString() ?? "device"}, {Threads} thread(s)");

        var options = new SessionOptions { IntraOpNumThreads = Threads, InterOpNumThreads = 1 };
        _ort = new InferenceSession(onnx, options);
        _ortInput = _ort.InputMetadata.Keys.Single();
        _ortTensor = new DenseTensor<float>(_images, _shape);
    }

    [GlobalCleanup]
    public void Cleanup() => _ort.Dispose();

    [Benchmark(Description = "TinyDsc int8 run", OperationsPerInvoke = Batch)]
    public float[] TinyDscInt8() => _int8.Run(_images, _shape, "images").Data;

    [Benchmark(Description = "TinyDsc float reference", OperationsPerInvoke = Batch)]
    public float[] TinyDscFloat() => _float.Run(_images, _shape, "images").Data;

    [Benchmark(Baseline = true, Description = "ONNX Runtime float", OperationsPerInvoke = Batch)]
    public float OnnxRuntimeFloat()
    {
        using var results = _ort.Run(new[] { NamedOnnxValue.CreateFromTensor(_ortInput, _ortTensor) });
        return results.First().AsTensor<float>().GetValue(0);
    }

    /// <summary>One launch, 2 warm-up and 5 measured iterations, in this process.</summary>
    private sealed class ShortInProcess : ManualConfig
    {
        public ShortInProcess()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Throughput)
                .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5));
            AddColumn(new ImagesPerSecond(), new SpeedVersusOrt());
        }
    }

    /// <summary>Images per second: 10^9 / Mean[ns] (Mean is per image, OperationsPerInvoke).</summary>
    private sealed class ImagesPerSecond : IColumn
    {
        public string Id => nameof(ImagesPerSecond);
        public string ColumnName => "images/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Images per second (10^9 / Mean in ns)";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is double ns && ns > 0 ? (1e9 / ns).ToString("N0", CultureInfo.InvariantCulture) : "-";
        }
    }

    /// <summary>
    /// Images per second relative to ONNX Runtime at the same model and thread count: ORT's Mean / this Mean (the
    /// inverse of BenchmarkDotNet's time Ratio); ≥ 1.00 means faster than ORT. Issue 14's goal reads this column.
    /// </summary>
    private sealed class SpeedVersusOrt : IColumn
    {
        public string Id => nameof(SpeedVersusOrt);
        public string ColumnName => "images/s vs ORT";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Images per second relative to ONNX Runtime float at the same model and threads (ORT Mean / Mean)";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkCase? baseline = summary.Reports.Select(r => r.BenchmarkCase).FirstOrDefault(c => c.Descriptor.Baseline
                && c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
            double? mine = summary[benchmarkCase]?.ResultStatistics?.Mean;
            double? ort = baseline == null ? null : summary[baseline]?.ResultStatistics?.Mean;
            return mine is double m && ort is double o && m > 0 ? (o / m).ToString("F2", CultureInfo.InvariantCulture) : "-";
        }
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TinyDsc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no TinyDsc.sln above {AppContext.BaseDirectory}");
    }
}
