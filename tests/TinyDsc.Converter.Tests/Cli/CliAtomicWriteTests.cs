using System;
using System.IO;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// Nothing half-written: every file a command writes replaces the old one by renaming a complete temporary file over
/// it, and a failing command leaves the old one as it was. One row per command and file it writes.
/// </summary>
public sealed class CliAtomicWriteTests
{
    private static readonly byte[] Sentinel = { 0x5A, 1, 2, 3, 4, 5, 6, 7 };

    private static string Fixture(string name, string file) => Path.Combine(Fixtures.Onnx(name), file);

    /// <summary>Arguments of a successful command writing <c>out.*</c> in <paramref name="folder"/>.</summary>
    private static string[] Succeeding(string command, string folder)
    {
        string onnx = Fixture("conv3x3_bias", "model.onnx"), x = Fixture("conv3x3_bias", "input.npy");
        string tdsc = Path.Combine(folder, "given.tdsc");
        return command switch
        {
            "convert" => new[] { "convert", onnx, "--calibration", x, "--output", Path.Combine(folder, "out.tdsc") },
            "convert_emit_csharp" => new[] { "convert", onnx, "--calibration", x, "--output", Path.Combine(folder, "model.tdsc"),
                "--emit-csharp", Path.Combine(folder, "out.cs"), "--emit-golden", "1" },
            "run" => new[] { "run", tdsc, "--input", x, "--output", Path.Combine(folder, "out.npy") },
            "reference" => new[] { "reference", onnx, "--input", x, "--output", Path.Combine(folder, "out.npy") },
            _ => throw new ArgumentException(command),
        };
    }

    /// <summary>The same command failing on bad input after its other inputs were read.</summary>
    private static string[] Failing(string command, string folder)
    {
        string[] args = Succeeding(command, folder);
        string bad = Path.Combine(Fixtures.Bad("wrong_input_shape"), "input.npy"); // [2,4,8,8] for a [N,3,8,8] model
        args[3] = bad; // the calibration data or the input
        return args;
    }

    private static string Output(string command, string folder) =>
        Path.Combine(folder, command switch { "convert" => "out.tdsc", "convert_emit_csharp" => "out.cs", _ => "out.npy" });

    private static void Prepare(string folder)
    {
        var converted = CliRunner.Run("convert", Fixture("conv3x3_bias", "model.onnx"), "--calibration",
            Fixture("conv3x3_bias", "input.npy"), "--output", Path.Combine(folder, "given.tdsc"));
        Assert.True(converted.Code == 0, converted.Err);
    }

    [Theory]
    [InlineData("convert")]
    [InlineData("convert_emit_csharp")]
    [InlineData("run")]
    [InlineData("reference")]
    public void Success_ReplacesTheOutputByRename(string command)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        Prepare(temp.Path);
        string output = Output(command, temp.Path);
        File.WriteAllBytes(output, Sentinel);
        // A reader holding the old file keeps reading the old bytes: the new file is a different file renamed into
        // place. A writer that truncated and rewrote the file in place would show its new bytes here.
        using (var reader = new FileStream(output, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            var result = CliRunner.Run(Succeeding(command, temp.Path));
            Assert.True(result.Code == 0, result.Err);
            var old = new byte[64];
            int n = reader.Read(old, 0, old.Length);
            Assert.Equal(Sentinel, old[..n]);
        }
        Assert.NotEqual(Sentinel, File.ReadAllBytes(output)[..Math.Min(Sentinel.Length, (int)new FileInfo(output).Length)]);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("convert")]
    [InlineData("convert_emit_csharp")]
    [InlineData("run")]
    [InlineData("reference")]
    public void Failure_LeavesTheOutputUntouched(string command)
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        Prepare(temp.Path);
        string output = Output(command, temp.Path);
        File.WriteAllBytes(output, Sentinel);
        DateTime written = File.GetLastWriteTimeUtc(output);
        CliRunner.AssertBadInput(CliRunner.Run(Failing(command, temp.Path)), "input.npy", "has shape [2,4,8,8]");
        Assert.Equal(Sentinel, File.ReadAllBytes(output));
        Assert.Equal(written, File.GetLastWriteTimeUtc(output));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
        if (command == "convert_emit_csharp")
        {
            Assert.False(File.Exists(Path.Combine(temp.Path, "model.tdsc")), "a failed convert wrote its .tdsc");
        }
    }

    /// <summary>A refused embedding (over the initialiser limit) writes neither the .cs nor the .tdsc.</summary>
    [Fact]
    public void RefusedEmbedding_LeavesBothOutputsUntouched()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("m.tdsc"), cs = temp.File("M.cs");
        File.WriteAllBytes(tdsc, Sentinel);
        File.WriteAllBytes(cs, Sentinel);
        // ds_block's model is small; 300 golden vectors of its input are not.
        string many = temp.File("many.npy");
        (float[] data, int[] shape) = TinyDsc.Converter.Pipeline.TensorFiles.ReadFloat32(Fixture("ds_block", "input.npy"));
        int size = data.Length / shape[0];
        var repeated = new float[300 * size];
        for (int i = 0; i < repeated.Length; i++)
        {
            repeated[i] = data[i % data.Length];
        }
        TinyDsc.Converter.IO.Npy.WriteFloat32(many, new[] { 300, shape[1], shape[2], shape[3] }, repeated);
        string line = CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("ds_block", "model.onnx"), "--calibration",
            Fixture("ds_block", "input.npy"), "--output", tdsc, "--emit-csharp", cs, "--golden-input", many), "M.cs", "not written",
            "over the limit of 60000");
        Assert.Contains("binary resource", line);
        Assert.Equal(Sentinel, File.ReadAllBytes(tdsc));
        Assert.Equal(Sentinel, File.ReadAllBytes(cs));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }
}
