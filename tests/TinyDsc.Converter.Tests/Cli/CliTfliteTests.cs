using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Tests.Import.Tflite;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>convert / inspect on an int8 .tflite fixture (tests/fixtures/tflite).</summary>
public class CliTfliteTests
{
    private const string Logits = "functional_1/dense/BiasAdd";

    [Fact]
    public void ConvertWritesATdscThatLoadsAndInspectShowsBothArenas()
    {
        string model = TfliteFixtures.Path_("kws_ref_model", "model.tflite");
        string dir = Path.Combine(Path.GetTempPath(), "tinydsc-tflite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string tdsc = Path.Combine(dir, "kws.tdsc");
            var convert = CliRunner.Run("convert", model, "--output", tdsc, "--output-tensor", Logits);
            Assert.True(convert.Code == 0, convert.Err);
            Model m = ModelReader.Load(File.ReadAllBytes(tdsc));
            Assert.Equal(12, m.Tensors[m.OutputTensor].ByteSize);

            // The whole file, its final SOFTMAX included: op 18, and inspect lists it.
            string whole = Path.Combine(dir, "kws-whole.tdsc");
            var convertWhole = CliRunner.Run("convert", model, "--output", whole);
            Assert.True(convertWhole.Code == 0, convertWhole.Err);
            Model w = ModelReader.Load(File.ReadAllBytes(whole));
            Assert.Equal(OpCodes.Softmax, w.Operators[^1].OpCode);
            Assert.Equal((1f / 256, -128), (w.Tensors[w.OutputTensor].Scale, w.Tensors[w.OutputTensor].ZeroPoint));
            var inspectWhole = CliRunner.Run("inspect", whole);
            Assert.True(inspectWhole.Code == 0, inspectWhole.Err);
            Assert.Contains("Softmax", inspectWhole.Out, StringComparison.Ordinal);

            var inspect = CliRunner.Run("inspect", model, "--output-tensor", Logits);
            Assert.True(inspect.Code == 0, inspect.Err);
            Assert.Contains("TFLM arena_used_bytes", inspect.Out, StringComparison.Ordinal);
            // TFLM's figure: measured by the lane when built, else the committed tflm.txt (24,000 B); either way a number.
            Assert.DoesNotContain("│ — ", inspect.Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void CalibrationIsAOneLineError()
    {
        string model = TfliteFixtures.Path_("kws_ref_model", "model.tflite");
        string tdsc = Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N") + ".tdsc");
        CliRunner.AssertBadInput(CliRunner.Run("convert", model, "--output", tdsc, "--calibration", "x.npy"), "--calibration does not apply to an int8 .tflite");
        Assert.False(File.Exists(tdsc));
    }

    /// <summary>
    /// A float .tflite (the KWS fixture's model_float32.tflite: float activations, int8 conv weights that are
    /// dequantized) converts through calibration like an ONNX model, on samples in its own NHWC layout. The samples are
    /// the fixture's four inputs, dequantized with the int8 model's input scale and zero point. Checked against verify's
    /// float execution of the .tflite: SQNR at least 18 dB (4 calibration samples, per-tensor activation ranges,
    /// probabilities after the softmax; 22.05 dB today) and the same class on every input. (The fixture's inputs are
    /// synthetic, so the official int8 model's TFLM goldens are no class reference: they differ from the float model's.)
    /// </summary>
    [Fact]
    public void FloatTfliteConvertsThroughCalibration()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tinydsc-tflite-float-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            TfliteImport int8 = TfliteFixtures.ImportWhole("kws_ref_model");
            byte[] inputs = File.ReadAllBytes(TfliteFixtures.Path_("kws_ref_model", "inputs.bin"));
            int perSample = 49 * 10;
            int n = inputs.Length / perSample;
            float[] data = inputs.Select(b => ((sbyte)b - int8.Input.ZeroPoint) * int8.Input.Scale).ToArray();
            string calibration = Path.Combine(dir, "calibration.npy");
            Npy.WriteFloat32(calibration, new[] { n, 49, 10, 1 }, data);

            string model = TfliteFixtures.Path_("kws_ref_model", "model_float32.tflite");
            string tdsc = Path.Combine(dir, "kws-float.tdsc");
            CliRunner.AssertBadInput(CliRunner.Run("convert", model, "--output", tdsc), "--calibration CALIB.npy is required for a float .tflite");
            var convert = CliRunner.Run("convert", model, "--calibration", calibration, "--output", tdsc);
            Assert.True(convert.Code == 0, convert.Err);

            var verify = CliRunner.Run("verify", model, tdsc, "--input", calibration);
            Assert.True(verify.Code == 0, verify.Err);
            System.Text.RegularExpressions.Match sqnr = System.Text.RegularExpressions.Regex.Match(verify.Out, @"SQNR \(int8 vs float\)\s*│\s*([0-9.]+) dB");
            Assert.True(sqnr.Success, verify.Out);
            Assert.True(double.Parse(sqnr.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 18, verify.Out);

            Assert.Contains("100.00 % (4/4)", verify.Out, StringComparison.Ordinal);   // top-1 agreement with the float .tflite
            Model m = ModelReader.Load(File.ReadAllBytes(tdsc));
            Assert.Equal(OpCodes.Softmax, m.Operators[^1].OpCode);
            Assert.Equal(new[] { 1, 49, 10, 1 }, m.Tensors[m.InputTensor].Dims.Take(4).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
