using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Pipeline;

/// <summary>
/// Converting the same model with the same calibration data twice gives the same bytes: no iteration over hashed
/// collections, clocks or randomness reaches the .tdsc. Each conversion imports the ONNX file afresh.
/// </summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData("fashion_dscnn_bundled", CalibrationMethod.MinMax)]
    [InlineData("fashion_dscnn_bundled", CalibrationMethod.Percentile)]
    [InlineData("ds_block", CalibrationMethod.MinMax)]
    [InlineData("inverted_residual", CalibrationMethod.MinMax)]
    [InlineData("opset13_dscnn", CalibrationMethod.Percentile)]
    [InlineData("grouped_conv", CalibrationMethod.MinMax)]
    [InlineData("asym_pad_zeropad2d", CalibrationMethod.MinMax)]
    public void ConvertingTwice_GivesIdenticalBytes(string model, CalibrationMethod method)
    {
        string folder = model == "fashion_dscnn_bundled"
            ? Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn")
            : Fixtures.Onnx(model);
        string calibration = Path.Combine(folder, model == "fashion_dscnn_bundled" ? "calibration.npy" : "input.npy");
        var options = new CalibrationOptions { Method = method };

        byte[] Convert()
        {
            (float[] data, int[] shape) = TensorFiles.ReadFloat32(calibration);
            return ModelConverter.Convert(OnnxImporter.Load(Path.Combine(folder, "model.onnx")), data, shape, calibration, options).FileBytes;
        }

        byte[] first = Convert();
        byte[] second = Convert();
        Assert.True(first.Length > 64);
        Assert.Equal(first, second);
    }
}
