using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>
/// The C kernels of runtime/native as this test project's build made them (BuildTinyDscNative in the .csproj):
/// the shared library for P/Invoke and the sanitized replay driver. Desktop-only code.
/// </summary>
internal static class NativeLib
{
    public const string LibraryName = "tinydsc_kernels";

    public static readonly string BuildDir = Metadata("TinyDscNativeBuild");
    public static readonly string Repo = Metadata("TinyDscRepo");
    public static readonly string LibraryPath = Path.Combine(BuildDir, "release", "libtinydsc_kernels.so");
    public static readonly string ReplayPath = Path.Combine(BuildDir, "asan", "tdsc_replay");

    public static bool Present => File.Exists(LibraryPath);

    public static string MissingMessage =>
        $"native kernels not built ({LibraryPath} missing): the build needs cmake and a C compiler (apt-get install cmake gcc; .ci/run has them)";

    static NativeLib()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLib).Assembly, (name, _, _) =>
            name == LibraryName && Present ? NativeLibrary.Load(LibraryPath) : IntPtr.Zero);
    }

    /// <summary>Forces the static constructor (the resolver) before the first P/Invoke.</summary>
    public static void EnsureResolver()
    {
    }

    private static string Metadata(string key) =>
        typeof(NativeLib).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [DllImport(LibraryName, EntryPoint = "tdsc_run")]
    public static extern int Run(int kernel, int[] parameters, int paramCount, sbyte[] arena, int arenaLength,
        int in0, int in1, int output, sbyte[] weights, int weightsLength, int[] bias, int biasLength,
        int[] multiplier, int multiplierLength, int[] shift, int shiftLength, sbyte[] scratch, int scratchLength);

    [DllImport(LibraryName, EntryPoint = "tdsc_multiply_by_quantized_multiplier")]
    public static extern int MultiplyByQuantizedMultiplier(int acc, int multiplier, int shift);

    [DllImport(LibraryName, EntryPoint = "tdsc_divide_round_half_away")]
    public static extern int DivideRoundHalfAway(int n, int d);

    [DllImport(LibraryName, EntryPoint = "tdsc_version")]
    public static extern int Version();
}

/// <summary>A [Fact] skipped, with a message, when the native library was not built (no cmake or C compiler).</summary>
public sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute()
    {
        if (!NativeLib.Present)
        {
            Skip = NativeLib.MissingMessage;
        }
    }
}

/// <summary>A [Theory] skipped, with a message, when the native library was not built.</summary>
public sealed class NativeTheoryAttribute : TheoryAttribute
{
    public NativeTheoryAttribute()
    {
        if (!NativeLib.Present)
        {
            Skip = NativeLib.MissingMessage;
        }
    }
}
