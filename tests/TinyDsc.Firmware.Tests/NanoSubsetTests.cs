using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.NanoCheck;
using Xunit;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// The samples' nanoFramework builds (compile checks, built through ProjectReference) pass the project's IL scan
/// (tools/TinyDsc.NanoCheck): no construct nanoCLR v1 rejects although the compiler accepts it.
/// </summary>
public class NanoSubsetTests
{
    [Theory]
    [MemberData(nameof(SampleProjectTests.Samples), MemberType = typeof(SampleProjectTests))]
    public void CompiledSample_PassesTheNanoFrameworkIlScan(string sample)
    {
        string assembly = TestPaths.NanoSampleAssembly(sample);
        Assert.True(File.Exists(assembly), "compile check output missing: " + assembly);

        IReadOnlyList<Violation> violations = NanoChecker.Scan(assembly, new[] { "TinyDsc.Runtime", "TinyDsc.Runtime.Native" });

        Assert.True(violations.Count == 0, assembly + ":\n" + string.Join("\n", violations));
        Assert.Equal(new[] { "TinyDsc.Runtime", "TinyDsc.Runtime.Native", "mscorlib" }, NanoChecker.ReferencedAssemblies(assembly).OrderBy(n => n, System.StringComparer.Ordinal));
    }

    /// <summary>The runtime assembly the samples reference (runtime/TinyDsc.Runtime.Nano) passes the scan too.</summary>
    [Fact]
    public void ReferencedRuntime_PassesTheNanoFrameworkIlScan()
    {
        Assert.True(File.Exists(TestPaths.NanoRuntimeAssembly), "runtime nano build missing: " + TestPaths.NanoRuntimeAssembly);

        IReadOnlyList<Violation> violations = NanoChecker.Scan(TestPaths.NanoRuntimeAssembly);

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
