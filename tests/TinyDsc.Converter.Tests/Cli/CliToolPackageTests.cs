using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using TinyDsc.Converter.Tests.Pipeline;
using Xunit;

namespace TinyDsc.Converter.Tests.Cli;

/// <summary>
/// The .NET tool a user installs (README "Install"): `dotnet pack` of converter/TinyDsc.Cli makes the TinyDsc.Cli
/// package whose command is `tinydsc`; it installs into a tool path, offline, from the packed folder alone; the
/// installed command prints its version and converts the bundled model.
/// The pack reuses this test run's build (--no-build), NuGet sees only the packed folder (a nuget.config with
/// &lt;clear/&gt;) and a fresh package folder (NUGET_PACKAGES), so the test needs no network and leaves the user's
/// NuGet cache alone.
/// </summary>
public sealed class CliToolPackageTests
{
    [Fact]
    public void PackedTool_InstallsAndRuns()
    {
        using Fixtures.TempFolder temp = Fixtures.Temp();
        string packed = temp.File("packed"), tools = temp.File("tools");
        string config = temp.File("nuget.config");
        File.WriteAllText(config, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n" +
            $"    <add key=\"packed\" value=\"{packed}\" />\n  </packageSources>\n</configuration>\n");
        // bin/<Configuration>/net10.0/: pack the configuration this test assembly was built in.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string project = Path.Combine(Fixtures.Root, "converter", "TinyDsc.Cli", "TinyDsc.Cli.csproj");

        Run(temp, Dotnet, "pack", project, "-c", configuration, "--no-build", "-o", packed);
        string version = typeof(TinyDsc.Cli.Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        string packageVersion = version.Split('+')[0];
        Assert.True(File.Exists(Path.Combine(packed, $"TinyDsc.Cli.{packageVersion}.nupkg")), string.Join(", ", Directory.GetFiles(packed)));

        Run(temp, Dotnet, "tool", "install", "TinyDsc.Cli", "--tool-path", tools, "--configfile", config);
        string tinydsc = Path.Combine(tools, OperatingSystem.IsWindows() ? "tinydsc.exe" : "tinydsc");
        Assert.Equal(version, Run(temp, tinydsc, "--version").Trim());

        string model = Path.Combine(Fixtures.Root, "firmware-samples", "models", "fashion-dscnn");
        string tdsc = temp.File("model.tdsc");
        string converted = Run(temp, tinydsc, "convert", Path.Combine(model, "model.onnx"), "--calibration",
            Path.Combine(model, "calibration.npy"), "--output", tdsc);
        Assert.Contains("ESP32 without PSRAM", converted);
        Assert.Equal(46_888, new FileInfo(tdsc).Length);   // the bundled model with its two fused-block records
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string Run(Fixtures.TempFolder temp, string file, params string[] args) => RunIn(temp, file, temp.Path, args);

    private static string RunIn(Fixtures.TempFolder temp, string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["NUGET_PACKAGES"] = temp.File("nuget-packages");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (Path.IsPathRooted(Dotnet))
        {
            // The installed apphost finds the runtime the tests run on.
            start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet);
        }
        using Process process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), $"{file} {string.Join(' ', args)} did not finish in 5 minutes");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
