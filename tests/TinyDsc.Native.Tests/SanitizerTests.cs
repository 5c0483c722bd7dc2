using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Native.Tests;

/// <summary>
/// The sanitizer run: the named cases, a slice of the random shapes and every operator call of every fixture model
/// (one input each), with the managed kernels' arenas as expected bytes, replayed by runtime/native/tests/tdsc_replay
/// built with -fsanitize=address,undefined -fno-sanitize-recover=all. Any ASan/UBSan report aborts the driver with a
/// non-zero exit code, any byte difference makes it exit 1: both fail this test, which prints the driver's output.
/// </summary>
public sealed class SanitizerTests
{
    private const int RandomPerKernel = 40;
    private readonly ITestOutputHelper _output;

    public SanitizerTests(ITestOutputHelper output) => _output = output;

    [NativeFact]
    public void ReplayUnderAddressAndUndefinedBehaviorSanitizers_IsClean()
    {
        if (!File.Exists(NativeLib.ReplayPath))
        {
            // Built beside the release library unless the sanitizer runtime is missing (libasan/libubsan with gcc).
            Assert.Fail($"{NativeLib.ReplayPath} missing: the sanitized build failed (see the build output of TinyDsc.Native.Tests)");
        }

        var vectors = new List<(KernelCase, int, sbyte[])>();
        var managed = new ManagedKernels();
        foreach (KernelCase c in NamedCases.BuildAll())
        {
            vectors.Add((c, 0, c.RunOn(managed).Arena));
        }

        foreach (KernelCase c in RandomShapes.All(RandomPerKernel))
        {
            vectors.Add((c, 0, c.RunOn(managed).Arena));
        }

        foreach (object[] row in FixtureModels.Names)
        {
            string name = (string)row[0];
            Model model = FixtureModels.Get(name);
            var recording = new ComparingKernels { Prefix = name, Record = true };
            var interpreter = new Interpreter(model, recording);
            interpreter.SetInput(FixtureModels.Inputs(model, 11, 3)[2], 0);
            interpreter.Invoke();
            foreach ((KernelCase c, sbyte[] expected) in recording.Recorded)
            {
                vectors.Add((c, 0, expected));
            }
        }

        string path = Path.Combine(Path.GetTempPath(), $"tinydsc-vectors-{Environment.ProcessId}.bin");
        try
        {
            VectorFile.Write(path, vectors);
            var start = new ProcessStartInfo(NativeLib.ReplayPath, path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Leak checking is off: the driver frees what it allocates, and LSan needs ptrace, absent in some containers.
            start.Environment["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0:exitcode=86";
            start.Environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=87";
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _output.WriteLine($"{vectors.Count} vectors; {stdout.Trim()}");
            Assert.True(process.ExitCode == 0, $"tdsc_replay exit code {process.ExitCode}\n{stdout}\n{stderr}");
            Assert.Contains($"{vectors.Count} vectors, 0 mismatches", stdout);
            Assert.DoesNotContain("runtime error", stderr);
            Assert.DoesNotContain("Sanitizer", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
