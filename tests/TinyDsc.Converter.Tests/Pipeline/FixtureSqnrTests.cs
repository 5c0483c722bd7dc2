using System.IO;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Import;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Converter.Tests.Pipeline;

/// <summary>
/// Converts each ONNX fixture (calibrated on its own input.npy, 2–3 samples), runs the int8 runtime and the float
/// reference on that input, and checks the SQNR of int8 against float.
///
/// Thresholds: a single conv / depthwise / pointwise layer loses precision only to input, weight and output
/// rounding (about 6 dB per bit, ~48 dB ideal for 8 bits, less for ragged distributions): ≥ 35 dB (measured
/// 38–43 dB). Max pool only selects quantized inputs: ≥ 35 dB. Average pools keep their input's scale and zero point,
/// but averaging k zero-mean fixture values shrinks the signal by about √k while the step stays the input's: a 3×3
/// average pool loses up to ~9.5 dB against its input, so ≥ 30 dB (measured 33–34). The global average pool
/// requantizes to its output's calibrated scale (FORMAT.md), so its output uses the full int8 range again: the lone
/// global average over a 7×7 conv output ≥ 35 dB (measured 39.5; 26.0 when it kept the input's scale), and
/// gap_flatten_linear ≥ 45 dB (measured 50.9; 41.7 before); gap_linear_softmax, the same head with a Softmax,
/// ≥ 30 dB on its probabilities (measured 44.7: outputs in steps of 1/256, max error 0.002). Each further quantized
/// layer adds its own rounding noise on top of what it inherits, so two-layer blocks get ≥ 30 dB and the 5-conv
/// DS-CNNs and the inverted residual (three convs plus an Add that rescales both inputs) ≥ 25 dB (measured 36–44:
/// the thresholds leave room for other seeds, not for layout bugs: without the FC column permutation
/// flatten_spatial_linear measures −1.4 dB).
/// </summary>
public sealed class FixtureSqnrTests
{
    private readonly ITestOutputHelper _output;

    public FixtureSqnrTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("conv3x3_bias", 35)]
    [InlineData("conv3x3_nobias", 35)]
    [InlineData("conv1x1", 35)]
    [InlineData("depthwise_k1", 35)]
    [InlineData("depthwise_k2", 35)]
    [InlineData("depthwise_k3", 35)]
    [InlineData("grouped_conv", 35)]
    [InlineData("grouped_conv_1x1", 35)]
    [InlineData("dilation2", 35)]
    [InlineData("depthwise_dilation2", 35)]
    [InlineData("stride2_odd9_depthwise", 35)]
    [InlineData("stride2_k5", 35)]
    [InlineData("kernel_1x3", 35)]
    [InlineData("asym_pad_zeropad2d", 35)]
    [InlineData("asym_pad_fpad_depthwise", 35)]
    [InlineData("conv_bn", 35)]
    [InlineData("relu6", 35)]
    [InlineData("depthwise_bn_relu6", 35)]
    [InlineData("avgpool_include_pad", 30)]
    [InlineData("avgpool_exclude_pad", 30)]
    [InlineData("maxpool_pad_stride", 35)]
    [InlineData("kernel_3x1", 35)]
    [InlineData("nonsquare_input", 35)]
    [InlineData("stride2_odd7", 35)]
    [InlineData("stride2_odd9_valid", 35)]
    [InlineData("static_batch", 35)]
    [InlineData("relu", 35)]
    [InlineData("conv_bias_bn_relu", 35)]
    [InlineData("conv_bn_folded", 35)]
    [InlineData("lone_batchnorm", 35)]
    [InlineData("lone_relu6", 35)]
    [InlineData("batchnorm_then_conv", 35)]
    [InlineData("computed_weight", 35)]
    [InlineData("computed_weight_depthwise", 35)]
    [InlineData("opset10_relu6", 35)]
    [InlineData("maxpool_2x2", 35)]
    [InlineData("avgpool_2x2", 30)]
    [InlineData("global_avgpool", 35)]
    [InlineData("gap_flatten_linear", 45)]
    [InlineData("gap_linear_softmax", 30)]
    [InlineData("flatten_spatial_linear", 30)]
    [InlineData("dw_multiplier_pointwise", 30)]
    [InlineData("ds_block", 30)]
    [InlineData("inverted_residual", 25)]
    [InlineData("opset9_block", 25)]
    [InlineData("opset13_dscnn", 25)]
    [InlineData("opset13_dscnn_folded", 25)]
    public void Int8FollowsFloat(string name, double minDb)
    {
        string folder = Fixtures.Onnx(name);
        FloatGraph graph = OnnxImporter.Load(Path.Combine(folder, "model.onnx"));
        string inputPath = Path.Combine(folder, "input.npy");
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(inputPath);

        ConversionResult converted = ModelConverter.Convert(graph, data, shape, inputPath, new CalibrationOptions());
        Model model = ModelReader.Load(converted.FileBytes);
        BatchResult int8 = new Int8Runner(model).Run(data, shape, inputPath);
        BatchResult reference = new FloatRunner(graph).Run(data, shape, inputPath);
        Assert.Equal(reference.Shape, int8.Shape);
        VerifyMetrics m = VerifyMetrics.Compute(reference.Data, int8.Data, shape[0]);

        _output.WriteLine($"{name}: SQNR {m.SqnrDb:F2} dB (threshold {minDb}), max abs error {m.MaxAbsError:G4}, " +
            $"top-1 agreement {m.Top1Agreement:P0}, arena {converted.Plan.ArenaBytes} B (lower bound " +
            $"{converted.Plan.LowerBoundBytes} B), {converted.FileBytes.Length} B .tdsc");
        Assert.True(m.SqnrDb >= minDb, $"{name}: SQNR {m.SqnrDb:F2} dB < {minDb} dB");
        Assert.True(converted.Plan.ArenaBytes >= converted.Plan.LowerBoundBytes);
    }

    [Fact]
    public void PercentileCalibration_ConvertsAndStaysClose()
    {
        string folder = Fixtures.Onnx("ds_block");
        FloatGraph graph = OnnxImporter.Load(Path.Combine(folder, "model.onnx"));
        string inputPath = Path.Combine(folder, "input.npy");
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(inputPath);
        var options = new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = 99.9 };
        ConversionResult minmax = ModelConverter.Convert(graph, data, shape, inputPath, new CalibrationOptions());
        ConversionResult percentile = ModelConverter.Convert(graph, data, shape, inputPath, options);
        // Percentile ranges lie inside the min/max ones (both contain 0).
        foreach ((string value, ValueRange r) in percentile.Ranges)
        {
            Assert.InRange(r.Min, minmax.Ranges[value].Min, 0f);
            Assert.InRange(r.Max, 0f, minmax.Ranges[value].Max);
        }
        BatchResult int8 = new Int8Runner(ModelReader.Load(percentile.FileBytes)).Run(data, shape, inputPath);
        BatchResult reference = new FloatRunner(graph).Run(data, shape, inputPath);
        VerifyMetrics m = VerifyMetrics.Compute(reference.Data, int8.Data, shape[0]);
        _output.WriteLine($"ds_block, percentile 99.9: SQNR {m.SqnrDb:F2} dB");
        // Clipping 0.1 % of each tail costs some accuracy on the calibration data itself, but not most of it.
        Assert.True(m.SqnrDb >= 20, $"SQNR {m.SqnrDb:F2} dB");
    }
}
