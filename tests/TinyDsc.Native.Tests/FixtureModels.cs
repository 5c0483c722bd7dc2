using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Native.Tests;

/// <summary>
/// Every fixture model as a .tdsc: each tests/fixtures/onnx case converted with its own input.npy as calibration data,
/// and the two trained models (firmware-samples/models/fashion-dscnn, tests/fixtures/models/mbv2-fashion) with their
/// calibration.npy. Converted once per test run.
/// </summary>
internal static class FixtureModels
{
    private static readonly Lazy<Dictionary<string, Model>> Models = new(ConvertAll);

    public static IEnumerable<object[]> Names => Folders().Select(f => new object[] { f.Name });

    public static Model Get(string name) => Models.Value[name];

    private static IEnumerable<(string Name, string Onnx, string Calibration)> Folders()
    {
        string onnx = Path.Combine(NativeLib.Repo, "tests", "fixtures", "onnx");
        foreach (string dir in Directory.GetDirectories(onnx).OrderBy(d => d, StringComparer.Ordinal))
        {
            string model = Path.Combine(dir, "model.onnx");
            string input = Path.Combine(dir, "input.npy");
            if (File.Exists(model) && File.Exists(input))
            {
                yield return (Path.GetFileName(dir), model, input);
            }
        }

        foreach (string trained in new[] { "firmware-samples/models/fashion-dscnn", "tests/fixtures/models/mbv2-fashion" })
        {
            string dir = Path.Combine(NativeLib.Repo, trained);
            yield return (Path.GetFileName(trained), Path.Combine(dir, "model.onnx"), Path.Combine(dir, "calibration.npy"));
        }
    }

    private static Dictionary<string, Model> ConvertAll()
    {
        var models = new Dictionary<string, Model>(StringComparer.Ordinal);
        foreach ((string name, string onnx, string calibration) in Folders())
        {
            var graph = OnnxImporter.Load(onnx);
            (float[] data, int[] shape) = TensorFiles.ReadFloat32(calibration);
            ConversionResult converted = ModelConverter.Convert(graph, data, shape, calibration, new CalibrationOptions());
            models[name] = ModelReader.Load(converted.FileBytes);
        }

        return models;
    }

    /// <summary>Fixed-seed int8 inputs for a model: all zero points, extremes, and random bytes.</summary>
    public static sbyte[][] Inputs(Model model, int seed, int count)
    {
        int length = model.Tensors[model.InputTensor].ByteSize;
        var rng = new Random(seed);
        var inputs = new sbyte[count][];
        for (int n = 0; n < count; n++)
        {
            inputs[n] = new sbyte[length];
            for (int i = 0; i < length; i++)
            {
                inputs[n][i] = n switch
                {
                    0 => (sbyte)model.Tensors[model.InputTensor].ZeroPoint,
                    1 => (sbyte)(i % 2 == 0 ? -128 : 127),
                    _ => (sbyte)rng.Next(-128, 128),
                };
            }
        }

        return inputs;
    }
}
