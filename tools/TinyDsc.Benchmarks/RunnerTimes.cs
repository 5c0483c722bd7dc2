using System;
using System.Diagnostics;
using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Benchmarks;

/// <summary>
/// `-- runtimes MODEL.onnx [THREADS]`: `tinydsc run`'s Int8Runner over the bundled test images (256), converted with the
/// calibration.npy beside the model; the fastest of 9 batches, per image. A quick look between ThroughputBenchmarks runs
/// on a loaded machine (the minimum is the least disturbed batch), not a benchmark.
/// </summary>
internal static class RunnerTimes
{
    public static int Run(string[] args)
    {
        string onnx = Path.GetFullPath(args[1]);
        int threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var graph = OnnxImporter.Load(onnx);
        var calibration = Npy.ReadFloat32(Path.Combine(Path.GetDirectoryName(onnx)!, "calibration.npy"));
        Model model = ModelReader.Load(ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy",
            new CalibrationOptions()).FileBytes);
        string images = Path.Combine(Path.GetDirectoryName(onnx)!, "..", "..", "..", "..", "firmware-samples", "models", "fashion-dscnn", "test_images.npy");
        if (!File.Exists(images))
        {
            images = Path.Combine(Path.GetDirectoryName(onnx)!, "test_images.npy");
        }

        NpyArray<float> all = Npy.ReadFloat32(images);
        int per = all.Data.Length / all.Shape[0];
        float[] batch = all.Data.AsSpan(0, 256 * per).ToArray();
        int[] shape = (int[])all.Shape.Clone();
        shape[0] = 256;
        var runner = new Int8Runner(model) { Threads = threads };
        double best = double.MaxValue;
        for (int r = 0; r < 12; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            runner.Run(batch, shape, "images");
            double us = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency / 256;
            if (r >= 3)
            {
                best = Math.Min(best, us);
            }
        }

        var it = TinyDsc.Runtime.Desktop.DesktopKernels.CreateInterpreter(runner.RunModel);
        var nhwc = new float[per];
        double invoke = double.MaxValue;
        for (int r = 0; r < 12; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < 256; i++)
            {
                Array.Copy(batch, i * per, nhwc, 0, per);
                it.SetInput(nhwc, 0);
                it.Invoke();
            }

            double us = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency / 256;
            if (r >= 3)
            {
                invoke = Math.Min(invoke, us);
            }
        }

        Console.WriteLine($"  SetInput + Invoke alone (1 thread): {invoke:F1} µs per image");
        Console.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(onnx))}: Int8Runner {threads} thread(s): {best:F1} µs per image (fastest of 9 batches of 256)");
        return 0;
    }
}
