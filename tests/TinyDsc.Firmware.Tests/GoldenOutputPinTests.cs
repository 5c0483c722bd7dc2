using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using Xunit;
using SelfTest = TinyDsc.Samples.SelfTest.GoldenData;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// Regression pin on the int8 outputs of the bundled model (firmware-samples/models/fashion-dscnn). The golden vectors
/// in firmware-samples/SelfTest/GoldenData.g.cs were produced earlier by the converter and the desktop runtime; this
/// test recomputes every one of them through the whole path from the ONNX file — import, calibration, quantization,
/// memory planning, .tdsc writing, reading back, interpreting — and compares the int8 outputs byte for byte.
/// It guards determinism across versions of TinyDsc: any change in any stage that moves a single output value fails
/// here. It is not a correctness reference: those are PyTorch, ONNX Runtime and the reference kernels, checked by the
/// conformance and kernel tests. After an intended change of the numbers, regenerate the samples' data
/// (firmware-samples/README.md) and say why in the commit.
/// </summary>
public class GoldenOutputPinTests
{
    private static string Bundled(string file) => Path.Combine(TestPaths.Samples, "models", "fashion-dscnn", file);

    [Fact]
    public void GoldenOutputs_AreReproducedFromTheOnnxModel()
    {
        (float[] calibration, int[] shape) = TensorFiles.ReadFloat32(Bundled("calibration.npy"));
        byte[] converted = ModelConverter.Convert(OnnxImporter.Load(Bundled("model.onnx")), calibration, shape, "calibration.npy",
            new CalibrationOptions()).FileBytes;
        var builder = new GoldenVectorBuilder(converted);
        (float[] images, _) = TensorFiles.ReadFloat32(Bundled("test_images.npy"));
        int size = builder.InputLength;

        Assert.True(SelfTest.GoldenCount >= 4, "the pin needs golden vectors");
        int imageCases = 0;
        for (int i = 0; i < SelfTest.GoldenCount; i++)
        {
            string name = SelfTest.GoldenName(i);
            sbyte[] input = SelfTest.GoldenInput(i);
            if (name.StartsWith("image ", StringComparison.Ordinal))
            {
                // Image cases start from the float test images: the input quantization is part of the path.
                int image = int.Parse(name["image ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(input, builder.QuantizeNchwInput(images.AsSpan(image * size, size)));
                imageCases++;
            }
            sbyte[] expected = SelfTest.GoldenOutput(i);
            sbyte[] actual = builder.Run(input);
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"golden vector {i} ('{name}'): expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
        }
        Assert.True(imageCases > 0, "no image golden vectors");
        Assert.NotEqual(SelfTest.GoldenOutput(0), SelfTest.GoldenOutput(1)); // the pin is not of a constant output
    }
}
