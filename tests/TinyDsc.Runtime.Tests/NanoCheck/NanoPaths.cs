using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace TinyDsc.Runtime.Tests.NanoCheck;

/// <summary>Paths the IL-check tests use, recorded at build time by the test project (AssemblyMetadata).</summary>
public static class NanoPaths
{
    public static string NanoMscorlib => Existing(Metadata("NanoMscorlib"));

    /// <summary>runtime/TinyDsc.Runtime.Nano's output, built through the test project's ProjectReference.</summary>
    public static string NanoRuntime => Existing(Metadata("NanoRuntime"));

    /// <summary>The folder holding TinyDsc.sln, found upwards from the test assembly.</summary>
    public static string RepoRoot
    {
        get
        {
            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "TinyDsc.sln")))
                {
                    return d.FullName;
                }
            }

            throw new InvalidOperationException($"TinyDsc.sln not found above {AppContext.BaseDirectory}");
        }
    }

    private static string Metadata(string key) =>
        typeof(NanoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");

    private static string Existing(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{full} does not exist (is it built?)", full);
        }

        return full;
    }
}
