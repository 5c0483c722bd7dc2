using System;
using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Benchmarks;

/// <summary>Inputs the quick-look probes (`runtimes`, `threads`, `floattimes`) share.</summary>
internal static class ProbeData
{
    /// <summary>
    /// The first <paramref name="count"/> test images (float NCHW, one after another) of the model whose ONNX file is
    /// <paramref name="onnx"/>: its folder's test_images.npy, else the bundled model's (the fixtures under tests/ have
    /// none). <paramref name="per"/> is the values per image, <paramref name="shape"/> the batch's shape.
    /// </summary>
    public static float[] TestImages(string onnx, int count, out int per, out int[] shape)
    {
        string folder = Path.GetDirectoryName(onnx)!;
        string images = Path.Combine(folder, "test_images.npy");
        if (!File.Exists(images))
        {
            images = Path.Combine(folder, "..", "..", "..", "..", "firmware-samples", "models", "fashion-dscnn", "test_images.npy");
        }

        NpyArray<float> all = Npy.ReadFloat32(images);
        per = all.Data.Length / all.Shape[0];
        shape = (int[])all.Shape.Clone();
        shape[0] = count;
        return all.Data.AsSpan(0, count * per).ToArray();
    }

    /// <summary>The model converted with its folder's calibration.npy and the default options, as `tinydsc convert` does.</summary>
    public static Model Convert(string onnx, FloatGraph graph)
    {
        var calibration = Npy.ReadFloat32(Path.Combine(Path.GetDirectoryName(onnx)!, "calibration.npy"));
        return ModelReader.Load(ModelConverter.Convert(graph, calibration.Data, calibration.Shape, "calibration.npy",
            new CalibrationOptions()).FileBytes);
    }
}
