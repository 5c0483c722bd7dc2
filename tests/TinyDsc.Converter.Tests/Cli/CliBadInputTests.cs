using System.IO;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>Every bad input ends with exit code 1, one stderr line naming the problem, and no output written.</summary>
public sealed class CliBadInputTests
{
    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    private static string Bad(string name, string file) => Path.Combine(Fixtures.Bad(name), file);

    [Fact]
    public void MissingFiles_AreNamed()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string missing = temp.File("nope.onnx");
        string input = Fixture("conv3x3_bias", "input.npy");
        CliRunner.AssertBadInput(CliRunner.Run("convert", missing, "--calibration", input, "--output", temp.File("m.tdsc")), missing);
        CliRunner.AssertBadInput(CliRunner.Run("reference", missing, "--input", input, "--output", temp.File("y.npy")), missing);
        CliRunner.AssertBadInput(CliRunner.Run("run", temp.File("nope.tdsc"), "--input", input, "--output", temp.File("y.npy")), "nope.tdsc");
        CliRunner.AssertBadInput(CliRunner.Run("inspect", temp.File("nope.tdsc")), "nope.tdsc");
        CliRunner.AssertBadInput(CliRunner.Run("reference", Fixture("conv3x3_bias", "model.onnx"), "--input",
            temp.File("x.npy"), "--output", temp.File("y.npy")), "x.npy");
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void InputShapeMismatch_GivesExpectedAndActual()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string x = Bad("wrong_input_shape", "input.npy");
        CliRunner.AssertBadInput(CliRunner.Run("reference", Bad("wrong_input_shape", "model.onnx"), "--input", x,
            "--output", temp.File("y.npy")), $"{x} has shape [2,4,8,8] but the model expects [N,3,8,8]");
        string tdsc = temp.File("m.tdsc");
        Assert.Equal(0, CliRunner.Run("convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration",
            Fixture("conv3x3_bias", "input.npy"), "--output", tdsc).Code);
        CliRunner.AssertBadInput(CliRunner.Run("run", tdsc, "--input", x, "--output", temp.File("y.npy")),
            "has shape [2,4,8,8] but the model expects [N,3,8,8]");
        // Calibration data of the wrong shape is named too.
        CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration", x,
            "--output", temp.File("other.tdsc")), "has shape [2,4,8,8] but the model expects [N,3,8,8]");
        Assert.False(File.Exists(temp.File("y.npy")));
        Assert.False(File.Exists(temp.File("other.tdsc")));
    }

    [Fact]
    public void WrongNpyDtype_IsRejected()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        // uint8 images (a common slip: raw pixels instead of normalized float32).
        string x = temp.File("u8.npy");
        Fixtures.WriteNpy(x, "|u1", new[] { 1, 3, 8, 8 }, new byte[192]);
        CliRunner.AssertBadInput(CliRunner.Run("reference", Fixture("conv3x3_bias", "model.onnx"), "--input", x,
            "--output", temp.File("y.npy")), "u8.npy", "|u1");
        Assert.False(File.Exists(temp.File("y.npy")));
    }

    [Fact]
    public void TruncatedNpy_IsRejected()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        CliRunner.AssertBadInput(CliRunner.Run("reference", Bad("truncated_input_npy", "model.onnx"), "--input",
            Bad("truncated_input_npy", "input.npy"), "--output", temp.File("y.npy")), "input.npy");
    }

    [Theory]
    [InlineData("not_onnx")]
    [InlineData("truncated_model")]
    [InlineData("unsupported_lstm")]
    public void BadOnnx_IsRejected(string name)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        CliRunner.AssertBadInput(CliRunner.Run("convert", Bad(name, "model.onnx"), "--calibration",
            Fixture("conv3x3_bias", "input.npy"), "--output", temp.File("m.tdsc")));
        Assert.False(File.Exists(temp.File("m.tdsc")));
    }

    [Fact]
    public void BadGroups_NamesTheNode()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        CliRunner.AssertBadInput(CliRunner.Run("convert", Bad("bad_groups", "model.onnx"), "--calibration",
            Bad("bad_groups", "input.npy"), "--output", temp.File("m.tdsc")), "/Conv", "groups=3");
    }

    [Fact]
    public void NotATdsc_IsRejected()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string onnx = Fixture("conv3x3_bias", "model.onnx");
        CliRunner.AssertBadInput(CliRunner.Run("inspect", onnx), onnx, "not a valid .tdsc");
        CliRunner.AssertBadInput(CliRunner.Run("run", onnx, "--input", Fixture("conv3x3_bias", "input.npy"),
            "--output", temp.File("y.npy")), "not a valid .tdsc");
        CliRunner.AssertBadInput(CliRunner.Run("verify", onnx, onnx, "--input", Fixture("conv3x3_bias", "input.npy")),
            "not a valid .tdsc");
    }

    [Fact]
    public void FailingCommands_LeaveExistingOutputsUntouched()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string y = temp.File("y.npy"), tdsc = temp.File("m.tdsc");
        byte[] sentinel = { 1, 2, 3, 4, 5 };
        File.WriteAllBytes(y, sentinel);
        File.WriteAllBytes(tdsc, sentinel);

        CliRunner.AssertBadInput(CliRunner.Run("convert", Bad("bad_groups", "model.onnx"), "--calibration",
            Bad("bad_groups", "input.npy"), "--output", tdsc));
        CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration",
            Bad("wrong_input_shape", "input.npy"), "--output", tdsc));
        CliRunner.AssertBadInput(CliRunner.Run("reference", Bad("wrong_input_shape", "model.onnx"), "--input",
            Bad("wrong_input_shape", "input.npy"), "--output", y));
        CliRunner.AssertBadInput(CliRunner.Run("run", tdsc, "--input", Fixture("conv3x3_bias", "input.npy"), "--output", y));

        Assert.Equal(sentinel, File.ReadAllBytes(y));
        Assert.Equal(sentinel, File.ReadAllBytes(tdsc));
        Assert.Equal(2, Directory.GetFiles(temp.Path).Length); // no temporary files left behind
    }

    [Fact]
    public void Verbose_AddsTheStackTrace()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        var quiet = CliRunner.Run("inspect", temp.File("nope.tdsc"));
        var verbose = CliRunner.Run("inspect", temp.File("nope.tdsc"), "--verbose");
        CliRunner.AssertBadInput(quiet);
        Assert.Equal(1, verbose.Code);
        Assert.Contains(" at ", verbose.Err);
        Assert.DoesNotContain(" at ", quiet.Err);
    }

    [Fact]
    public void OutputInAMissingFolder_IsNamed()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string y = Path.Combine(temp.Path, "no-such-folder", "y.npy");
        CliRunner.AssertBadInput(CliRunner.Run("reference", Fixture("conv3x3_bias", "model.onnx"), "--input",
            Fixture("conv3x3_bias", "input.npy"), "--output", y), "no-such-folder", "does not exist");
    }

    [Fact]
    public void Verify_MismatchedModels_AreNamed()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("relu.tdsc");
        Assert.Equal(0, CliRunner.Run("convert", Fixture("relu", "model.onnx"), "--calibration", Fixture("relu", "input.npy"),
            "--output", tdsc).Code);
        // relu takes [N,3,6,6]; conv3x3_bias takes [N,3,8,8].
        CliRunner.AssertBadInput(CliRunner.Run("verify", Fixture("conv3x3_bias", "model.onnx"), tdsc, "--input",
            Fixture("conv3x3_bias", "input.npy")), "takes [N,3,8,8]", "takes [N,3,6,6]", "do not match");
    }
}
