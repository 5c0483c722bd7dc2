using System;
using System.IO;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// No lost files: a command checks every output path before it writes any, commits all of its outputs or none, refuses
/// to replace a read-only file without --force, and never names its internal temporary files.
/// </summary>
public sealed class CliOutputSafetyTests
{
    private static readonly byte[] Sentinel = { 0x5A, 1, 2, 3, 4, 5, 6, 7 };

    private static string Fixture(string file) => Path.Combine(Fixtures.Onnx("conv3x3_bias"), file);

    /// <summary>A folder nobody may create files in: a chmod 555 folder for a normal user; as root (which ignores
    /// permission bits) /sys, where even root cannot create files. Null where neither works (then the test says so).</summary>
    private static string? UnwritableFolder(Fixtures.TempFolder temp)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        if (Environment.UserName != "root")
        {
            string folder = temp.File("locked");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return folder;
        }
        return Directory.Exists("/sys/kernel") ? "/sys" : null;
    }

    private static void Unlock(Fixtures.TempFolder temp)
    {
        string folder = temp.File("locked");
        if (!OperatingSystem.IsWindows() && Directory.Exists(folder))
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The lost file: --emit-csharp into a missing folder replaced the .tdsc, then failed.</summary>
    [Fact]
    public void EmitCSharpIntoMissingFolder_LeavesTheExistingTdscUntouched()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("m.tdsc");
        File.WriteAllBytes(tdsc, Sentinel);
        string cs = Path.Combine(temp.Path, "missing_dir", "x.cs");
        CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("model.onnx"), "--calibration", Fixture("input.npy"),
            "--output", tdsc, "--emit-csharp", cs), cs, "missing_dir does not exist");
        Assert.Equal(Sentinel, File.ReadAllBytes(tdsc));
        Assert.Equal(new[] { tdsc }, Directory.GetFiles(temp.Path));
    }

    [Theory]
    [InlineData("convert")]
    [InlineData("run")]
    [InlineData("reference")]
    public void ReadOnlyOutput_IsRefusedWithoutForce_AndReplacedWithForce(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permission bits; Windows read-only attributes take the same code path.
        }
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("given.tdsc");
        Assert.Equal(0, CliRunner.Run("convert", Fixture("model.onnx"), "--calibration", Fixture("input.npy"), "--output", tdsc).Code);
        string output = temp.File(command == "convert" ? "out.tdsc" : "out.npy");
        File.WriteAllBytes(output, Sentinel);
        const UnixFileMode readOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(output, readOnly);
        string[] args = command switch
        {
            "convert" => new[] { "convert", Fixture("model.onnx"), "--calibration", Fixture("input.npy"), "--output", output },
            "run" => new[] { "run", tdsc, "--input", Fixture("input.npy"), "--output", output },
            _ => new[] { "reference", Fixture("model.onnx"), "--input", Fixture("input.npy"), "--output", output },
        };

        string line = CliRunner.AssertBadInput(CliRunner.Run(args), output, "is read-only", "--force");
        Assert.DoesNotContain(".tmp", line);
        Assert.Equal(Sentinel, File.ReadAllBytes(output));
        Assert.Equal(readOnly, File.GetUnixFileMode(output));

        var forced = CliRunner.Run([.. args, "--force"]);
        Assert.True(forced.Code == 0, forced.Err);
        Assert.NotEqual(Sentinel, File.ReadAllBytes(output)[..Sentinel.Length]);
        // --force replaces the contents, not the user's choice of permissions.
        Assert.Equal(readOnly, File.GetUnixFileMode(output));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void UnwritableFolder_IsNamed_NotTheTemporaryFile()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string? folder = UnwritableFolder(temp);
        if (folder == null)
        {
            Console.WriteLine("skipped: no folder this user cannot write to");
            return;
        }
        try
        {
            string output = Path.Combine(folder, "x.tdsc");
            string line = CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("model.onnx"), "--calibration",
                Fixture("input.npy"), "--output", output), output, "permission denied", folder);
            Assert.DoesNotContain(".tmp", line);
            Assert.DoesNotContain(".x.tdsc.", line);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Unlock(temp);
        }
    }

    /// <summary>The second output's folder refuses files: the first output, already computed, is not replaced either.</summary>
    [Fact]
    public void SecondOutputUnwritable_NeitherOutputChanges()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string? folder = UnwritableFolder(temp);
        if (folder == null)
        {
            Console.WriteLine("skipped: no folder this user cannot write to");
            return;
        }
        try
        {
            string tdsc = temp.File("m.tdsc");
            File.WriteAllBytes(tdsc, Sentinel);
            string cs = Path.Combine(folder, "M.cs");
            CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("model.onnx"), "--calibration", Fixture("input.npy"),
                "--output", tdsc, "--emit-csharp", cs), cs, "permission denied");
            Assert.Equal(Sentinel, File.ReadAllBytes(tdsc));
            Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
            Assert.False(File.Exists(cs));
        }
        finally
        {
            Unlock(temp);
        }
    }

    [Fact]
    public void SameFileTwice_IsRefusedBeforeAnyWork()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string tdsc = temp.File("m.tdsc");
        CliRunner.AssertBadInput(CliRunner.Run("convert", Fixture("model.onnx"), "--calibration", Fixture("input.npy"),
            "--output", tdsc, "--emit-csharp", Path.Combine(temp.Path, ".", "m.tdsc")), "also the --output file");
        Assert.Empty(Directory.GetFiles(temp.Path));
    }
}
