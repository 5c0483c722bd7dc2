using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Report;
using TinyDsc.Converter.Tests.Cli;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Pipeline;

/// <summary>
/// Issue 14's batches across threads: run, reference, calibration and the report give the same bytes (and the same
/// observer sequence) on 1 thread and on several, with sample counts that do not split evenly over the workers.
/// </summary>
public sealed class ThreadCountTests
{
    private static readonly string Folder = Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn");
    private static readonly string Mbv2 = Path.Combine(Fixtures.Root, "tests", "fixtures", "models", "mbv2-fashion");

    /// <summary>The first <paramref name="n"/> bundled test images, NCHW.</summary>
    private static (float[] Data, int[] Shape) Images(int n)
    {
        NpyArray<float> all = Npy.ReadFloat32(Path.Combine(Folder, "test_images.npy"));
        int per = all.Data.Length / all.Shape[0];
        int[] shape = (int[])all.Shape.Clone();
        shape[0] = n;
        return (all.Data.AsSpan(0, n * per).ToArray(), shape);
    }

    private static Model Convert(FloatGraph graph, string folder, CalibrationOptions options)
    {
        NpyArray<float> calibration = Npy.ReadFloat32(Path.Combine(folder, "calibration.npy"));
        return ModelReader.Load(ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy", options).FileBytes);
    }

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Theory]
    [InlineData("fashion-dscnn", 2)]
    [InlineData("fashion-dscnn", 3)]
    [InlineData("mbv2-fashion", 7)]
    public void Int8Runner_GivesTheSameBytesOnAnyThreadCount(string model, int threads)
    {
        string folder = model == "fashion-dscnn" ? Folder : Mbv2;
        FloatGraph graph = OnnxImporter.Load(Path.Combine(folder, "model.onnx"));
        Model m = Convert(graph, folder, new CalibrationOptions { Threads = 1 });
        (float[] data, int[] shape) = Images(53);
        byte[] one = Bytes(new Int8Runner(m) { Threads = 1 }.Run(data, shape, "x.npy").Data);
        var runner = new Int8Runner(m) { Threads = threads };
        byte[] many = Bytes(runner.Run(data, shape, "x.npy").Data);
        Assert.Equal(one, many);
        // Again on the same runner (its worker interpreters are reused) and with fewer samples than threads.
        Assert.Equal(one, Bytes(runner.Run(data, shape, "x.npy").Data));
        (float[] two, int[] twoShape) = Images(2);
        Assert.Equal(one.AsSpan(0, one.Length / 53 * 2).ToArray(), Bytes(runner.Run(two, twoShape, "x.npy").Data));
    }

    [Fact]
    public void FloatRunner_GivesTheSameOutputsAndObserverSequenceOnAnyThreadCount()
    {
        FloatGraph graph = OnnxImporter.Load(Path.Combine(Mbv2, "model.onnx"));
        (float[] data, int[] shape) = Images(29);

        (byte[] Output, List<string> Seen) Run(int threads)
        {
            var seen = new List<string>();
            int caller = Environment.CurrentManagedThreadId;
            var runner = new FloatRunner(graph) { Threads = threads };
            runner.Observer = (name, values) =>
            {
                Assert.Equal(caller, Environment.CurrentManagedThreadId);
                seen.Add(name + ":" + System.Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan()))));
            };
            return (Bytes(runner.Run(data, shape, "x.npy").Data), seen);
        }

        var one = Run(1);
        var three = Run(3);
        Assert.Equal(one.Output, three.Output);
        Assert.Equal(one.Seen, three.Seen);
        Assert.True(one.Seen.Count > 29 * graph.Nodes.Count, $"{one.Seen.Count} observations");
        Assert.Equal(one.Output, Bytes(new FloatRunner(graph) { Threads = 4 }.Run(data, shape, "x.npy").Data));
    }

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Mse)]
    public void Calibration_GivesTheSameModelBytesOnAnyThreadCount(CalibrationMethod method)
    {
        FloatGraph graph = OnnxImporter.Load(Path.Combine(Folder, "model.onnx"));
        NpyArray<float> calibration = Npy.ReadFloat32(Path.Combine(Folder, "calibration.npy"));
        byte[] Bytes(int threads) => ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy",
            new CalibrationOptions { Method = method, Threads = threads }).FileBytes;
        Assert.Equal(Bytes(1), Bytes(3));
    }

    [Fact]
    public void Report_GivesTheSameStatisticsOnAnyThreadCount()
    {
        string onnx = Path.Combine(Mbv2, "model.onnx");
        FloatGraph graph = OnnxImporter.Load(onnx);
        Model model = Convert(graph, Mbv2, new CalibrationOptions { Threads = 1 });
        (float[] data, int[] shape) = Images(23);

        string Summary(int threads)
        {
            ModelReport r = ModelReportBuilder.Build(graph, model, 1000, onnx, "m.tdsc", data, shape, "x.npy", null, null, null, threads);
            return string.Join("\n", r.Tensors.Select(t => FormattableString.Invariant(
                $"{t.Name} {t.Count} {t.Signal:R} {t.Noise:R} {t.MaxAbsError:R} {t.Clipped} {t.Min:R} {t.Max:R} {string.Join(",", t.Histogram)}")))
                + FormattableString.Invariant($"\n{r.Output.SqnrDb:R} {r.Output.MaxAbsError:R}");
        }

        Assert.Equal(Summary(1), Summary(3));
    }

    [Fact]
    public void Cli_RunAndReference_WriteTheSameFileOnAnyThreadCount_AndRejectZeroThreads()
    {
        string dir = Directory.CreateTempSubdirectory("tinydsc-threads").FullName;
        try
        {
            string onnx = Path.Combine(Folder, "model.onnx"), tdsc = Path.Combine(dir, "m.tdsc");
            (float[] data, int[] shape) = Images(41);
            string x = Path.Combine(dir, "x.npy");
            File.WriteAllBytes(x, Npy.EncodeFloat32(x, shape, data));
            Assert.Equal(0, CliRunner.Run("convert", onnx, "--calibration", Path.Combine(Folder, "calibration.npy"), "--output", tdsc, "--threads", "3").Code);
            foreach (string command in new[] { "run", "reference" })
            {
                string model = command == "run" ? tdsc : onnx;
                string y1 = Path.Combine(dir, command + "1.npy"), y3 = Path.Combine(dir, command + "3.npy");
                Assert.Equal(0, CliRunner.Run(command, model, "--input", x, "--output", y1, "--threads", "1").Code);
                Assert.Equal(0, CliRunner.Run(command, model, "--input", x, "--output", y3, "--threads", "3").Code);
                Assert.Equal(File.ReadAllBytes(y1), File.ReadAllBytes(y3));
                CliRunner.AssertBadInput(CliRunner.Run(command, model, "--input", x, "--output", y1, "--threads", "0", "--force"),
                    "--threads must be between 1 and 1024, got 0");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
