using System.IO;
using TinyDsc.Converter.IO;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Converter.Validation;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>verify picks its metrics by output kind and warns when the numbers say the int8 model is off.</summary>
public sealed class CliVerifyTests
{
    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    private static string Convert(Fixtures.TempFolder temp, string name, string calibration)
    {
        string tdsc = temp.File(name + ".tdsc");
        var convert = CliRunner.Run("convert", Fixture(name, "model.onnx"), "--calibration", calibration, "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        return tdsc;
    }

    /// <summary>ds_block outputs a feature map [N,16,8,8]: an argmax over its flattened values is no "top-1".</summary>
    [Fact]
    public void FeatureMap_GetsSqnrMaxErrorCosine_NoTop1()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string x = Fixture("ds_block", "input.npy");
        string tdsc = Convert(temp, "ds_block", x);
        var verify = CliRunner.Run("verify", Fixture("ds_block", "model.onnx"), tdsc, "--input", x);
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("SQNR", verify.Out);
        Assert.Contains("max abs error", verify.Out);
        Assert.Contains("cosine similarity", verify.Out);
        Assert.Contains("regression", verify.Out);
        Assert.DoesNotContain("top-1", verify.Out);

        var asked = CliRunner.Run("verify", Fixture("ds_block", "model.onnx"), tdsc, "--input", x, "--task", "classification");
        Assert.True(asked.Code == 0, asked.Err);
        Assert.Contains("top-1 agreement", asked.Out);
    }

    /// <summary>The printed numbers are OutputComparison's on the runners' outputs (the report shows the same class's).</summary>
    [Fact]
    public void Classification_PrintsOutputComparisonNumbers()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string name = "flatten_spatial_linear", x = Fixture(name, "input.npy");
        string tdsc = Convert(temp, name, x);
        string labels = temp.File("l.npy");
        Fixtures.WriteInt64(labels, new long[] { 3, 5 });
        var verify = CliRunner.Run("verify", Fixture(name, "model.onnx"), tdsc, "--input", x, "--labels", labels);
        Assert.True(verify.Code == 0, verify.Err);

        (float[] data, int[] shape) = TensorFiles.ReadFloat32(x);
        BatchResult f = new FloatRunner(TinyDsc.Converter.Import.OnnxImporter.Load(Fixture(name, "model.onnx"))).Run(data, shape, x);
        BatchResult q = new Int8Runner(TinyDsc.Runtime.Format.ModelReader.Load(File.ReadAllBytes(tdsc))).Run(data, shape, x);
        OutputComparison m = OutputComparison.Compute(f.Data, q.Data, 2, OutputTask.Classification, new long[] { 3, 5 });
        Assert.Contains(TinyDsc.Cli.Commands.Format.Db(m.SqnrDb), verify.Out);
        Assert.Contains(m.Cosine.ToString("F6", System.Globalization.CultureInfo.InvariantCulture), verify.Out);
        Assert.Contains(TinyDsc.Cli.Commands.Format.Percent(m.Top1Agreement!.Value, 2), verify.Out);
        Assert.Contains(TinyDsc.Cli.Commands.Format.Percent(m.Int8Accuracy!.Value, 2), verify.Out);
        Assert.Contains("classification", verify.Out);
    }

    /// <summary>Calibrated on data 100× smaller than what it then sees: most activations clip, SQNR collapses.</summary>
    [Fact]
    public void ClippingCalibration_Warns_OnStderr()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string name = "flatten_spatial_linear", x = Fixture(name, "input.npy");
        (float[] data, int[] shape) = TensorFiles.ReadFloat32(x);
        var small = new float[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            small[i] = data[i] / 100;
        }
        string calibration = temp.File("small.npy");
        Npy.WriteFloat32(calibration, shape, small);
        string tdsc = Convert(temp, name, calibration);

        var verify = CliRunner.Run("verify", Fixture(name, "model.onnx"), tdsc, "--input", x);
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("tinydsc: warning: SQNR", verify.Err);
        Assert.Contains("is below 20 dB", verify.Err);
        Assert.Contains("% of the model input values ('", verify.Err);
        Assert.Contains("fall outside its calibrated range and are clipped (over 1 %)", verify.Err);
        Assert.DoesNotContain("warning", verify.Out);

        // Calibrated on the data it is verified on: nothing clips, nothing to warn about.
        string good = Convert(temp, name, x);
        var fine = CliRunner.Run("verify", Fixture(name, "model.onnx"), good, "--input", x);
        Assert.True(fine.Code == 0, fine.Err);
        Assert.Equal("", fine.Err);
    }

    [Fact]
    public void LabelsWithRegressionTask_AreAnError()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string name = "flatten_spatial_linear", x = Fixture(name, "input.npy");
        string tdsc = Convert(temp, name, x);
        string labels = temp.File("l.npy");
        Fixtures.WriteInt64(labels, new long[] { 3, 5 });
        CliRunner.AssertBadInput(CliRunner.Run("verify", Fixture(name, "model.onnx"), tdsc, "--input", x, "--labels", labels,
            "--task", "regression"), "--labels needs a classification model", "--task is regression");
    }
}
