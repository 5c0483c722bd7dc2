using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace TinyDsc.Firmware.Tests;

/// <summary>Where the repository, the samples and the built nanoFramework assemblies are.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Samples => Path.Combine(RepoRoot, "firmware-samples");

    /// <summary>Build configuration of this test assembly; the ProjectReferences built the compile checks with it.</summary>
    public static string Configuration => Metadata("Configuration");

    /// <summary>nanoFramework.CoreLibrary 1.17.11's mscorlib.dll.</summary>
    public static string NanoMscorlib => Metadata("NanoMscorlib");

    /// <summary>Output of a compile-check project under firmware-samples/NanoBuild (e.g. "SelfTest").</summary>
    public static string NanoSampleAssembly(string sample) => Path.Combine(
        Samples, "NanoBuild", sample + ".Nano", "bin", Configuration, "netstandard2.0", "TinyDsc.Samples." + sample + ".dll");

    /// <summary>Output of runtime/TinyDsc.Runtime.Nano.</summary>
    public static string NanoRuntimeAssembly => Path.Combine(
        RepoRoot, "runtime", "TinyDsc.Runtime.Nano", "bin", Configuration, "netstandard2.0", "TinyDsc.Runtime.dll");

    /// <summary>TinyDsc.Runtime.Native.dll (FirmwareKernels), built by the samples' NanoBuild projects.</summary>
    public static string NanoRuntimeNativeAssembly => Path.Combine(
        RepoRoot, "runtime", "TinyDsc.Runtime.Native", "bin", Configuration, "netstandard2.0", "TinyDsc.Runtime.Native.dll");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException("assembly metadata " + key + " is empty");

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "TinyDsc.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("TinyDsc.sln not found above " + AppContext.BaseDirectory);
    }
}
