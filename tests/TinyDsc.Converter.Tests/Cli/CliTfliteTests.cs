using System;
using System.IO;
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
}
