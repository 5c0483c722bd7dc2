using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using TinyDsc.Cli;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Tests.Pipeline;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

public sealed class CliCommandTests
{
    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    [Fact]
    public void Help_ListsCommandsAndExitsZero()
    {
        (int code, string output, _) = CliRunner.Run("--help");
        Assert.Equal(ExitCodes.Success, code);
        foreach (string command in new[] { "convert", "run", "reference", "verify", "inspect", "demo" })
        {
            Assert.Contains(command, output);
        }
    }

    [Fact]
    public void UnknownCommand_IsAUsageError()
    {
        CliRunner.AssertBadInput(CliRunner.Run("frobnicate"), "frobnicate");
    }

    [Fact]
    public void MissingRequiredOption_IsAUsageError()
    {
        CliRunner.AssertBadInput(CliRunner.Run("convert", "m.onnx", "--output", "x.tdsc"), "--calibration");
    }

    [Fact]
    public void ConvertRunReferenceVerifyInspect_AgreeWithEachOther()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = Fixture("ds_block", "model.onnx"), input = Fixture("ds_block", "input.npy");
        string tdsc = temp.File("m.tdsc"), y = temp.File("y.npy"), r = temp.File("r.npy"), labels = temp.File("l.npy");

        var convert = CliRunner.Run("convert", onnx, "--calibration", input, "--output", tdsc);
        Assert.True(convert.Code == 0, convert.Err);
        Assert.Equal("", convert.Err);
        Model model = ModelReader.Load(File.ReadAllBytes(tdsc));
        Assert.Contains(model.ArenaSize.ToString(CultureInfo.InvariantCulture), convert.Out);

        var run = CliRunner.Run("run", tdsc, "--input", input, "--output", y);
        Assert.True(run.Code == 0, run.Err);
        (float[] int8, int[] int8Shape) = TensorFiles.ReadFloat32(y);
        Assert.Equal(new[] { 2, 16, 8, 8 }, int8Shape);

        var reference = CliRunner.Run("reference", onnx, "--input", input, "--output", r);
        Assert.True(reference.Code == 0, reference.Err);
        (float[] f, int[] fShape) = TensorFiles.ReadFloat32(r);
        Assert.Equal(int8Shape, fShape);
        // The float reference follows PyTorch up to float32 summation order.
        (float[] torch, _) = TensorFiles.ReadFloat32(Fixture("ds_block", "output.npy"));
        for (int i = 0; i < torch.Length; i++)
        {
            Assert.True(Math.Abs(torch[i] - f[i]) <= 1e-4f * (1 + Math.Abs(torch[i])), $"element {i}: {f[i]} vs {torch[i]}");
        }

        var verify = CliRunner.Run("verify", onnx, tdsc, "--input", input);
        Assert.True(verify.Code == 0, verify.Err);
        VerifyMetrics expected = VerifyMetrics.Compute(f, int8, 2);
        Assert.Contains(TinyDsc.Cli.Commands.Format.Db(expected.SqnrDb), verify.Out);
        Assert.Contains(TinyDsc.Cli.Commands.Format.Number(expected.MaxAbsError), verify.Out);
        // ds_block outputs a feature map, not class scores: labels make no sense for it.
        Fixtures.WriteInt64(labels, new long[] { 3, 5 });
        CliRunner.AssertBadInput(CliRunner.Run("verify", onnx, tdsc, "--input", input, "--labels", labels),
            "--labels needs a classification model", "[N,16,8,8]");

        var inspect = CliRunner.Run("inspect", tdsc);
        Assert.True(inspect.Code == 0, inspect.Err);
        long fileBytes = new FileInfo(tdsc).Length;
        Assert.Contains(TinyDsc.Cli.Commands.Format.Bytes(fileBytes), inspect.Out);
        Assert.Matches(new Regex("data: arena \\+ scratch \\+ model"), inspect.Out);
        Assert.Contains("board fit (estimate: ESP32 nanoCLR managed heap)", inspect.Out);
        Assert.Contains("Conv2D", inspect.Out);
    }

    [Fact]
    public void Run_FlatOutput_KeepsTheModelsRank2Shape()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = Fixture("flatten_spatial_linear", "model.onnx"), input = Fixture("flatten_spatial_linear", "input.npy");
        string tdsc = temp.File("m.tdsc"), y = temp.File("y.npy");
        Assert.Equal(0, CliRunner.Run("convert", onnx, "--calibration", input, "--output", tdsc).Code);
        Assert.Equal(0, CliRunner.Run("run", tdsc, "--input", input, "--output", y).Code);
        Assert.Equal(new[] { 2, 6 }, TensorFiles.ReadFloat32(y).Shape);
    }

    [Fact]
    public void Convert_PercentileOption_Works()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("p.tdsc");
        var result = CliRunner.Run("convert", Fixture("relu6", "model.onnx"), "--calibration", Fixture("relu6", "input.npy"),
            "--output", tdsc, "--calibration-method", "percentile", "--percentile", "99.9");
        Assert.True(result.Code == 0, result.Err);
        Assert.True(File.Exists(tdsc));
        CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("relu6", "model.onnx"), "--calibration",
            Fixture("relu6", "input.npy"), "--output", tdsc, "--calibration-method", "median"), "median");
    }

    [Fact]
    public void Demo_OnAModelFolder_PrintsOneTable()
    {
        // The demo's own folder layout, filled from a fixture: the tiny DS-CNN with 3 samples and made-up labels.
        using Fixtures.TempFolder temp = Fixtures.Temp();
        File.Copy(Fixture("opset13_dscnn", "model.onnx"), temp.File("model.onnx"));
        File.Copy(Fixture("opset13_dscnn", "input.npy"), temp.File("calibration.npy"));
        File.Copy(Fixture("opset13_dscnn", "input.npy"), temp.File("test_images.npy"));
        Fixtures.WriteInt64(temp.File("test_labels.npy"), new long[] { 0, 1, 2 });
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TinyDsc.Cli.Commands.DemoCommand.Run(new CliContext(output, error), temp.Path);
        Assert.True(code == 0, error.ToString());
        string text = output.ToString();
        foreach (string row in new[] { "accuracy", "top-1 agreement", "SQNR", ".onnx", ".tdsc", "arena", "ESP32 heap peak (estimate)", "ms" })
        {
            Assert.Contains(row, text);
        }
    }

    [Fact]
    public void Demo_OnTheBundledModel_ExitsZero()
    {
        string folder = Path.Combine(Fixtures.Root, TinyDsc.Cli.Commands.DemoCommand.ModelFolder);
        Assert.True(File.Exists(Path.Combine(folder, "model.onnx")), $"bundled model missing: {folder}");
        string previous = Environment.CurrentDirectory;
        (int code, string output, string err) = CliRunner.Run("demo");
        Assert.True(code == 0, err);
        Assert.Equal(previous, Environment.CurrentDirectory);
        // The trained model: int8 within one point of float accuracy, and nearly always the same top-1 class.
        Match accuracy = Regex.Match(output, @"accuracy\s*│\s*([\d.]+) %[^│]*│\s*([\d.]+) %");
        Assert.True(accuracy.Success, output);
        double floatAccuracy = double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture);
        double int8Accuracy = double.Parse(accuracy.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(int8Accuracy >= floatAccuracy - 1.0, $"float {floatAccuracy} %, int8 {int8Accuracy} %");
        Match agreement = Regex.Match(output, @"top-1 agreement[^%]*?([\d.]+) %");
        Assert.True(agreement.Success && double.Parse(agreement.Groups[1].Value, CultureInfo.InvariantCulture) >= 98.0, output);
    }
}
