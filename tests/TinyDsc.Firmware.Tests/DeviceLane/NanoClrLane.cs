#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace TinyDsc.Firmware.Tests.DeviceLane;

/// <summary>
/// The device lane's tools: nanoCLR's Linux host, the .dll → .pe compiler and nanoFramework.Runtime.Native.pe, all in
/// the folder TINYDSC_NANOCLR_HOME that tools/nanoclr/build-*.sh fill (README.md "Device lane"). When any is missing
/// the lane's tests skip with <see cref="Missing"/>.
/// </summary>
internal static class NanoClrLane
{
    public const string HomeVariable = "TINYDSC_NANOCLR_HOME";

    public static string? Home { get; } = Environment.GetEnvironmentVariable(HomeVariable);

    public static string NanoClr => Path.Combine(Home!, "nanoclr", "nanoclr");

    public static string PeCompiler => Path.Combine(Home!, "pe-compiler", "bin", "pe-compiler");

    public static string RuntimeNativeDll => Path.Combine(Home!, "lib", "nanoFramework.Runtime.Native.dll");

    public static string RuntimeNativePe => Path.Combine(Home!, "lib", "nanoFramework.Runtime.Native.pe");

    public static string MscorlibPe => Path.Combine(Path.GetDirectoryName(TestPaths.NanoMscorlib)!, "mscorlib.pe");

    /// <summary>Null when the lane can run; else why not, naming the variables and scripts.</summary>
    public static string? Missing { get; } = FindMissing();

    /// <summary>Output folder of tools/nanoclr/build-nanoclr-native.sh: nanoCLR built with TinyDsc.Runtime.Native.</summary>
    public const string NativeHomeVariable = "TINYDSC_NANOCLR_NATIVE_HOME";

    public static string? NativeHome { get; } = Environment.GetEnvironmentVariable(NativeHomeVariable);

    /// <summary>nanoCLR with the interop module (the lane's other tools come from TINYDSC_NANOCLR_HOME).</summary>
    public static string NativeNanoClr => Path.Combine(NativeHome!, "nanoclr", "nanoclr");

    /// <summary>Null when the native lane can run (the lane and the interop build present); else why not.</summary>
    public static string? MissingNative { get; } = FindMissingNative();

    private static string? FindMissingNative()
    {
        const string how = " (build it with tools/nanoclr/build-nanoclr-native.sh from the checkout named by TINYDSC_NF_INTERPRETER,"
            + " after the device lane's scripts; tools/nanoclr/README.md \"Native kernels\")";
        if (Missing != null)
        {
            return "native lane skipped: " + Missing;
        }

        if (string.IsNullOrEmpty(NativeHome))
        {
            return "native lane skipped: " + NativeHomeVariable + " is not set" + how;
        }

        return File.Exists(NativeNanoClr) ? null : "native lane skipped: " + NativeNanoClr + " not found" + how;
    }

    private static string? FindMissing()
    {
        const string how = " (build it with tools/nanoclr/build-nanoclr.sh, build-metadata-processor.sh and build-runtime-native.sh"
            + " from checkouts named by TINYDSC_NF_INTERPRETER, TINYDSC_METADATA_PROCESSOR and TINYDSC_RUNTIME_NATIVE; README.md \"Device lane\")";
        if (string.IsNullOrEmpty(Home))
        {
            return "device lane skipped: " + HomeVariable + " is not set" + how;
        }

        foreach (string file in new[] { NanoClr, PeCompiler, RuntimeNativeDll, RuntimeNativePe, MscorlibPe })
        {
            if (!File.Exists(file))
            {
                return "device lane skipped: " + file + " not found" + how;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes dir/project.csproj for a lane program: an executable named assemblyName, compiled as netstandard2.0 against
    /// nanoFramework's mscorlib from dir's *.cs (and extraCompile, a ';'-separated list, when given), referencing the
    /// nano-built TinyDsc.Runtime and TinyDsc.Runtime.Native; returns its path for <see cref="Build"/>.
    /// </summary>
    public static string WriteProgramProject(string dir, string project, string assemblyName, string? extraCompile = null)
    {
        string extra = extraCompile == null ? "" : $"""
                <Compile Include="{extraCompile}" />

            """;
        string path = Path.Combine(dir, project + ".csproj");
        File.WriteAllText(path, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>netstandard2.0</TargetFramework>
                <AssemblyName>{assemblyName}</AssemblyName>
                <OutputType>Exe</OutputType>
                <NoStdLib>true</NoStdLib>
                <NoStandardLib>true</NoStandardLib>
                <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>
                <GenerateAssemblyInfo>false</GenerateAssemblyInfo>
                <GenerateTargetFrameworkAttribute>false</GenerateTargetFrameworkAttribute>
                <LangVersion>7.3</LangVersion>
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
                <CopyLocalLockFileAssemblies>false</CopyLocalLockFileAssemblies>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
              </PropertyGroup>
              <ItemGroup>
                <Compile Include="*.cs" />
            {extra}    <Reference Include="mscorlib"><HintPath>{TestPaths.NanoMscorlib}</HintPath><Private>false</Private></Reference>
                <Reference Include="TinyDsc.Runtime"><HintPath>{TestPaths.NanoRuntimeAssembly}</HintPath></Reference>
                <Reference Include="TinyDsc.Runtime.Native"><HintPath>{TestPaths.NanoRuntimeNativeAssembly}</HintPath></Reference>
              </ItemGroup>
            </Project>
            """);
        return path;
    }

    /// <summary>Builds a nanoFramework project (netstandard2.0 against nanoFramework's mscorlib) as an executable into outDir.</summary>
    public static void Build(string project, string outDir, params string[] properties)
    {
        var args = new List<string> { "build", project, "-c", "Release", "-p:TinyDscDeviceLane=true", "-o", outDir, "--nologo", "-v", "q" };
        args.AddRange(properties.Select(p => "-p:" + p));
        Exec("dotnet", args, TimeSpan.FromMinutes(8));
    }

    /// <summary>Compiles each assembly to its .pe beside it (references: the other assemblies and mscorlib); returns the .pe paths in order.</summary>
    public static List<string> CompilePe(IReadOnlyList<string> assemblies)
    {
        var pes = new List<string>();
        foreach (string dll in assemblies)
        {
            string pe = Path.ChangeExtension(dll, ".pe");
            var args = new List<string> { dll, pe, TestPaths.NanoMscorlib };
            args.AddRange(assemblies.Where(a => a != dll));
            Exec(PeCompiler, args, TimeSpan.FromMinutes(2));
            pes.Add(pe);
        }

        return pes;
    }

    /// <summary>
    /// Runs nanoCLR on mscorlib.pe plus the given .pe files until a line starts with doneMarker (device programs sleep
    /// forever at the end), then stops it; returns the program's lines after nanoCLR's "Ready.".
    /// </summary>
    public static List<string> Run(IEnumerable<string> pes, string doneMarker, TimeSpan timeout, string? nanoClr = null)
    {
        var start = new ProcessStartInfo(nanoClr ?? NanoClr) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(MscorlibPe);
        foreach (string pe in pes)
        {
            start.ArgumentList.Add(pe);
        }

        var all = new List<string>();
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { };
        process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        bool done = false;
        var reader = process.StandardOutput;
        while (!done)
        {
            var read = reader.ReadLineAsync();
            if (!read.Wait(timeout - watch.Elapsed > TimeSpan.Zero ? timeout - watch.Elapsed : TimeSpan.Zero))
            {
                break;
            }

            string? line = read.Result;
            if (line == null)
            {
                break;
            }

            all.Add(line);
            done = line.StartsWith(doneMarker, StringComparison.Ordinal);
        }

        if (!process.HasExited)
        {
            process.Kill(true);
        }

        process.WaitForExit();
        int ready = all.IndexOf("Ready.");
        Assert.True(done, "nanoCLR did not print \"" + doneMarker + "\" within " + timeout + "; its output:\n" + string.Join("\n", all.TakeLast(60)));
        return all.Skip(ready + 1).ToList();
    }

    /// <summary>A fresh folder under the system temp folder for one lane build.</summary>
    public static string TempFolder(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tinydsc-lane", name + "-" + Environment.ProcessId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }

        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Exec(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(true);
            throw new TimeoutException(file + " " + string.Join(" ", start.ArgumentList) + " took longer than " + timeout);
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(file + " " + string.Join(" ", start.ArgumentList) + " failed (" + process.ExitCode + "):\n" + output);
        }
    }
}

/// <summary>A fact that skips, naming the variables, when the interop build of nanoCLR is absent (NanoClrLane.MissingNative).</summary>
public sealed class NativeLaneFactAttribute : FactAttribute
{
    public NativeLaneFactAttribute()
    {
        if (NanoClrLane.MissingNative != null)
        {
            Skip = NanoClrLane.MissingNative;
        }
    }
}

/// <summary>A fact that skips, naming the variables, when the device lane is not set up (NanoClrLane.Missing).</summary>
public sealed class DeviceLaneFactAttribute : FactAttribute
{
    public DeviceLaneFactAttribute()
    {
        if (NanoClrLane.Missing != null)
        {
            Skip = NanoClrLane.Missing;
        }
    }
}
