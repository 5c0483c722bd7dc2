using System;
using System.IO;
using System.Text.RegularExpressions;
using TinyDsc.Converter.Tests.Import;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>The rough edges a new user hit (issue 9): each case is one thing tinydsc used to get wrong.</summary>
public sealed class CliUsabilityTests
{
    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    /// <summary>stdout carries only results: redirected to a file it holds no progress bar lines.</summary>
    [Fact]
    public void Progress_StaysOffRedirectedStdout()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        var convert = CliRunner.Run("convert", Fixture("ds_block", "model.onnx"), "--calibration",
            Fixture("ds_block", "input.npy"), "--output", temp.File("m.tdsc"));
        Assert.True(convert.Code == 0, convert.Err);
        Assert.DoesNotContain("calibrating", convert.Out);
        Assert.DoesNotContain("%", convert.Out);
        var run = CliRunner.Run("run", temp.File("m.tdsc"), "--input", Fixture("ds_block", "input.npy"), "--output", temp.File("y.npy"));
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal("", run.Out);
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void Help_ShowsEachDefaultOnce()
    {
        (int code, string output, _) = CliRunner.Run("convert", "--help");
        Assert.Equal(0, code);
        Assert.Single(Regex.Matches(output, @"99\.99"));
        Assert.Single(Regex.Matches(output, @"default: minmax|minmax \(default\)"));
        Assert.DoesNotContain("(default 99.99)", output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("minmax")]
    public void Percentile_WithoutPercentileMethod_IsAnError(string explicitMethod)
    {
        string[] method = explicitMethod == "" ? Array.Empty<string>() : new[] { "--calibration-method", explicitMethod };
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string[] args = [.. new[] { "convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration", Fixture("conv3x3_bias", "input.npy"),
            "--output", temp.File("m.tdsc"), "--percentile", "99.9" }, .. method];
        CliRunner.AssertBadInput(CliRunner.Run(args), "--percentile applies only to --calibration-method percentile", "minmax");
        Assert.False(File.Exists(temp.File("m.tdsc")));
        // With the method it belongs to, the same value is accepted.
        var ok = CliRunner.Run([.. args[..8], "--calibration-method", "percentile"]);
        Assert.True(ok.Code == 0, ok.Err);
    }

    [Theory]
    [InlineData("mse")]
    [InlineData("auto")]
    public void HistogramMethods_Convert(string method)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        var result = CliRunner.Run("convert", Fixture("ds_block", "model.onnx"), "--calibration", Fixture("ds_block", "input.npy"),
            "--output", temp.File("m.tdsc"), "--calibration-method", method);
        Assert.True(result.Code == 0, result.Err);
        CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("ds_block", "model.onnx"), "--calibration",
            Fixture("ds_block", "input.npy"), "--output", temp.File("m.tdsc"), "--calibration-method", method, "--percentile", "99"),
            $"the method is {method}");
    }

    [Fact]
    public void FolderAsInput_IsCalledAFolder()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string folder = temp.File("data.npy");
        Directory.CreateDirectory(folder);
        string onnx = Fixture("conv3x3_bias", "model.onnx");
        CliRunner.AssertBadInput(CliRunner.Run("reference", onnx, "--input", folder, "--output", temp.File("y.npy")),
            folder, "is a folder, not a file");
        CliRunner.AssertBadInput(CliRunner.Run("convert", temp.Path, "--calibration", Fixture("conv3x3_bias", "input.npy"),
            "--output", temp.File("m.tdsc")), "is a folder, not a file (the ONNX model)");
        CliRunner.AssertBadInput(CliRunner.Run("inspect", folder), "is a folder, not a file");
    }

    [Theory]
    [InlineData("LogSoftmax")]
    public void LogSoftmax_RejectionRepeatsReadmeAdvice(string op)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        var b = new OnnxModelBuilder().Input("x", new[] { 4 }).Output("y");
        b.Node(op, new[] { "x" }, "y", "head", ("axis", 1L));
        string onnx = temp.File("softmax.onnx");
        File.WriteAllBytes(onnx, b.Build());
        string x = temp.File("x.npy");
        TinyDsc.Converter.IO.Npy.WriteFloat32(x, new[] { 1, 4 }, new float[] { 1, 2, 3, 4 });
        CliRunner.AssertBadInput(CliRunner.Run("convert", onnx, "--calibration", x, "--output", temp.File("m.tdsc")),
            $"op {op} is not supported", "export Softmax instead (supported over the class axis)");
    }

    /// <summary>flatten_spatial_linear has 6 classes: labels 0..5 are fine, 6, 9 and −1 are not.</summary>
    [Theory]
    [InlineData(9L)]
    [InlineData(6L)]
    [InlineData(-1L)]
    public void LabelOutsideTheClasses_IsAnError(long bad)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        (string onnx, string tdsc, string x) = Converted(temp, "flatten_spatial_linear");
        string labels = temp.File("l.npy");
        Fixtures.WriteInt64(labels, new[] { 0L, bad });
        CliRunner.AssertBadInput(CliRunner.Run("verify", onnx, tdsc, "--input", x, "--labels", labels),
            "l.npy", $"label {bad} (sample 1)", "6 classes", "0 to 5");
    }

    /// <summary>uint8 labels (how Fashion-MNIST ships them) are read like int64 ones; float labels get one message naming the dtype.</summary>
    [Fact]
    public void LabelDtypes_IntegersAccepted_FloatsRefusedClearly()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        (string onnx, string tdsc, string x) = Converted(temp, "flatten_spatial_linear");
        string i64 = temp.File("i64.npy"), u8 = temp.File("u8.npy"), f32 = temp.File("f32.npy");
        Fixtures.WriteInt64(i64, new[] { 5L, 2L });
        Fixtures.WriteNpy(u8, "|u1", new[] { 2 }, new byte[] { 5, 2 });
        Fixtures.WriteNpy(f32, "<f4", new[] { 2 }, [.. BitConverter.GetBytes(5f), .. BitConverter.GetBytes(2f)]);
        var a = CliRunner.Run("verify", onnx, tdsc, "--input", x, "--labels", i64);
        var b = CliRunner.Run("verify", onnx, tdsc, "--input", x, "--labels", u8);
        Assert.True(a.Code == 0, a.Err);
        Assert.True(b.Code == 0, b.Err);
        Assert.Equal(a.Out, b.Out);
        CliRunner.AssertBadInput(CliRunner.Run("verify", onnx, tdsc, "--input", x, "--labels", f32),
            "f32.npy", "dtype '<f4' is not an integer type", "class labels must be integers", "'|u1'", "'<i8'");
    }

    private static (string Onnx, string Tdsc, string X) Converted(Fixtures.TempFolder temp, string name)
    {
        string onnx = Fixture(name, "model.onnx"), x = Fixture(name, "input.npy"), tdsc = temp.File("m.tdsc");
        var convert = CliRunner.Run("convert", onnx, "--calibration", x, "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        return (onnx, tdsc, x);
    }
}
