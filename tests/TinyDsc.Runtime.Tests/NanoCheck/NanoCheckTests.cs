using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TinyDsc.NanoCheck;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Runtime.Tests.NanoCheck;

public class NanoCheckTests
{
    private readonly ITestOutputHelper output;

    public NanoCheckTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void NanoBuildOfTheRuntimePassesAndReferencesOnlyMscorlib()
    {
        string path = NanoPaths.NanoRuntime;
        IReadOnlyList<Violation> violations = NanoChecker.Scan(path);
        foreach (Violation v in violations)
        {
            output.WriteLine(v.ToString());
        }

        Assert.Empty(violations);
        Assert.Equal(new[] { "mscorlib" }, NanoChecker.ReferencedAssemblies(path));
        output.WriteLine($"nanoCLR bytecode: {NanoChecker.NanoBytecodeBytes(path)} of {NanoChecker.MaxIlBytes} bytes (.NET method-body IL {NanoChecker.IlBytes(path)})");
    }

    [Fact]
    public void MoreThan64KilobytesOfIlFires()
    {
        // Each statement "R += a * k;" compiles to 18 bytes of IL, 14 of nanoCLR bytecode (ldsfld and stsfld tokens take
        // 2 bytes instead of 4): 12 methods of 600 statements pass 64 KB, one such method does not.
        static string Methods(int count)
        {
            var lines = new List<string> { "public static class Big { public static int R;" };
            for (int m = 0; m < count; m++)
            {
                lines.Add($"public static void M{m}(int a) {{");
                for (int i = 0; i < 600; i++)
                {
                    lines.Add($"R += a * {1000 + i};");
                }

                lines.Add("}");
            }

            lines.Add("}");
            return string.Join("\n", lines);
        }

        Assert.DoesNotContain(ScanSnippet(Methods(1)), v => v.Rule == NanoRule.TooMuchIl);
        Violation big = Assert.Single(ScanSnippet(Methods(12)), v => v.Rule == NanoRule.TooMuchIl);
        Assert.Contains("65536-byte limit", big.Detail, StringComparison.Ordinal);
        Assert.Contains("nanoCLR bytecode", big.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLineExitCodes()
    {
        // nanocheck: 0 when clean, 1 with violations, 2 for a file it cannot read.
        var main = typeof(NanoChecker).Assembly.EntryPoint!;
        int Run(params string[] args) => (int)main.Invoke(null, new object[] { args })!;
        Assert.Equal(0, Run(NanoPaths.NanoRuntime));
        Assert.Equal(1, Run(typeof(TinyDsc.Runtime.Format.Model).Assembly.Location));
        Assert.Equal(2, Run(Path.Combine(Path.GetTempPath(), "no-such-assembly.dll")));
        Assert.Equal(2, Run());
        Assert.Equal(0, Run("--allow", "System.Runtime", typeof(TinyDsc.Runtime.Format.Model).Assembly.Location));
    }

    [Fact]
    public void CleanSnippetHasNoViolations()
    {
        // Everything the runtime relies on: arrays, loops, long arithmetic, exceptions, statics, structs, interfaces.
        var violations = ScanSnippet("""
            public interface IOp { int Run(sbyte[] a, int n); }
            public struct Range { public int Start; public int Length; }
            public sealed class Op : IOp
            {
                private static readonly int[] Table = new int[16];
                public int Run(sbyte[] a, int n)
                {
                    long acc = 0;
                    for (int i = 0; i < n; i++) { acc += a[i] * Table[i & 15]; }
                    if (acc > int.MaxValue) { throw new System.ArgumentException("too big"); }
                    var r = new Range { Start = 1, Length = (int)acc };
                    return r.Start + r.Length;
                }
            }
            """);
        Assert.Empty(violations);
    }

    public static TheoryData<string, string, NanoRule, string> RuleSnippets => new()
    {
        { "generic type definition", "public class Box<T> { public T Value; }", NanoRule.Generic, "generic type definition" },
        { "generic method definition and instantiation", "public static class G { public static T Id<T>(T x) => x; public static int Use() => Id(3); }", NanoRule.Generic, "generic method instantiation Id<Int32>" },
        { "generic type instantiation", "public class Box<T> { public T Value; } public static class U { public static int Get(Box<int> b) => b.Value; }", NanoRule.Generic, "TypeSpec row 1: type spec Box`1<Int32>" },
        { "pointer parameter", "public static unsafe class P { public static int Read(int* p) => *p; }", NanoRule.Pointer, "Int32*" },
        { "byref of pointer", "public static unsafe class P { public static void Set(ref int* p) { p = null; } }", NanoRule.Pointer, "Int32*&" },
        { "pointer local", "public static unsafe class P { public static int Sum(int[] a) { fixed (int* p = a) { int* q = p + 1; return *q; } } }", NanoRule.Pointer, "local" },
        { "function pointer", "public static unsafe class F { public static int Two(int x) => 2 * x; public static int Call() { delegate*<int, int> f = &Two; return f(3); } }", NanoRule.Pointer, "delegate*" },
        { "calli opcode", "public static unsafe class F { public static int Two(int x) => 2 * x; public static int Call() { delegate*<int, int> f = &Two; return f(3); } }", NanoRule.UnsupportedOpCode, "calli at IL offset" },
        { "stackalloc is localloc", "public static unsafe class S { public static int First() { int* p = stackalloc int[4]; p[0] = 1; return p[0]; } }", NanoRule.UnsupportedOpCode, "localloc at IL offset" },
        { "multi-dimensional array field", "public class M { public int[,] Grid = new int[2, 3]; }", NanoRule.MultiDimensionalArray, "Int32[,]" },
        { "multi-dimensional array local", "public static class M { public static int Get() { var g = new int[2, 2]; return g.Length; } }", NanoRule.MultiDimensionalArray, "Int32[,]" },
        { "too many locals", ManyLocals(300), NanoRule.TooManyLocals, "locals (at most 255)" },
    };

    [Theory]
    [MemberData(nameof(RuleSnippets))]
    public void EachRuleFires(string name, string source, NanoRule rule, string detail)
    {
        IReadOnlyList<Violation> violations = ScanSnippet(source);
        foreach (Violation v in violations)
        {
            output.WriteLine($"{name}: {v}");
        }

        Assert.Contains(violations, v => v.Rule == rule && v.ToString().Contains(detail, StringComparison.Ordinal));
    }

    [Fact]
    public void TwoHundredFiftyFiveLocalsAreAllowed()
    {
        Assert.DoesNotContain(ScanSnippet(ManyLocals(255)), v => v.Rule == NanoRule.TooManyLocals);
        Assert.Contains(ScanSnippet(ManyLocals(256)), v => v.Rule == NanoRule.TooManyLocals && v.Detail.StartsWith("256 locals", StringComparison.Ordinal));
    }

    [Fact]
    public void ReferenceToAnAssemblyOtherThanMscorlibFires()
    {
        byte[] other = Compile("Other", "public static class Helper { public static int One() => 1; }");
        MetadataReference otherRef = MetadataReference.CreateFromImage(other);
        byte[] image = Compile("UsesOther", "public static class User { public static int Two() => Helper.One() + 1; }", otherRef);
        var violations = NanoChecker.Scan(new MemoryStream(image));
        Assert.Contains(violations, v => v.Rule == NanoRule.AssemblyReference && v.Detail.StartsWith("Other ", StringComparison.Ordinal));
    }

    [Fact]
    public void DesktopBuildsAreFlagged()
    {
        // The desktop runtime references System.Runtime; the converter uses generics throughout.
        string runtime = typeof(TinyDsc.Runtime.Format.Model).Assembly.Location;
        Assert.Contains(NanoChecker.Scan(runtime), v => v.Rule == NanoRule.AssemblyReference && v.Detail.StartsWith("System.Runtime", StringComparison.Ordinal));
        string converter = typeof(TinyDsc.Converter.Format.ModelWriter).Assembly.Location;
        Assert.Contains(NanoChecker.Scan(converter), v => v.Rule == NanoRule.Generic);
    }

    [Theory]
    [InlineData("jmp", new byte[] { 0x27, 0, 0, 0, 0x06 }, 0)]                        // jmp <method token>
    [InlineData("cpblk", new byte[] { 0x00, 0x02, 0x03, 0x04, 0xFE, 0x17, 0x2A }, 4)]   // nop ldarg.0 ldarg.1 ldarg.2 cpblk ret
    [InlineData("initblk", new byte[] { 0x02, 0x16, 0x1F, 0x10, 0xFE, 0x18, 0x2A }, 4)] // ldarg.0 ldc.i4.0 ldc.i4.s 16 initblk ret
    [InlineData("localloc", new byte[] { 0x1A, 0xFE, 0x0F, 0x26, 0x2A }, 1)]            // ldc.i4.4 localloc pop ret
    [InlineData("calli", new byte[] { 0x02, 0x29, 1, 0, 0, 0x11, 0x2A }, 1)]            // ldarg.0 calli <sig> ret
    public void OpCodeScanFindsUnsupportedOpCodes(string opCode, byte[] il, int offset)
    {
        Assert.Equal(new[] { (offset, opCode) }, NanoChecker.FindUnsupportedOpCodes(il));
    }

    [Fact]
    public void OpCodeScanSkipsOperandsThatLookLikeOpCodes()
    {
        // ldc.i4 0x0F_FE_27_29 holds the bytes of calli, jmp and localloc as an operand; switch with 2 targets whose
        // bytes are 0x27; ldc.i8; ret. None of those bytes is an instruction.
        byte[] il =
        {
            0x20, 0x29, 0x27, 0xFE, 0x0F,
            0x45, 2, 0, 0, 0, 0x27, 0, 0, 0, 0x29, 0, 0, 0,
            0x21, 0x27, 0x27, 0x27, 0x27, 0x29, 0x29, 0x29, 0x29,
            0x2A,
        };
        Assert.Empty(NanoChecker.FindUnsupportedOpCodes(il));
    }

    [Fact]
    public void TruncatedIlIsReported()
    {
        Assert.Throws<BadImageFormatException>(() => NanoChecker.FindUnsupportedOpCodes(new byte[] { 0x20, 1, 2 }));
    }

    [Fact]
    public void FirmwareSampleAssembliesPass()
    {
        // nanoFramework builds of the firmware samples (firmware-samples/NanoBuild/*), when they have been built: every
        // assembly in a build folder that references mscorlib is scanned; it may reference the other assemblies of
        // its folder (deployed with it), which are scanned in turn.
        string root = Path.Combine(NanoPaths.RepoRoot, "firmware-samples");
        var folders = Directory.Exists(root)
            ? Directory.GetFiles(root, "*.dll", SearchOption.AllDirectories)
                .Where(p => p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Where(p => NanoChecker.ReferencedAssemblies(p).Contains("mscorlib"))
                .GroupBy(p => Path.GetDirectoryName(p)!)
                .ToList()
            : new List<IGrouping<string, string>>();
        output.WriteLine($"{folders.Sum(f => f.Count())} firmware-sample assemblies in {folders.Count} build folders under {root}");
        foreach (var folder in folders)
        {
            var local = folder.Select(p => Path.GetFileNameWithoutExtension(p)).ToList();
            foreach (string path in folder)
            {
                IReadOnlyList<Violation> violations = NanoChecker.Scan(path, local);
                output.WriteLine($"{path}: {violations.Count} violations");
                Assert.True(violations.Count == 0, $"{path}:\n{string.Join("\n", violations)}");
            }
        }
    }

    [Fact]
    public void AllowedReferencesAreNotReported()
    {
        byte[] other = Compile("Other", "public static class Helper { public static int One() => 1; }");
        byte[] image = Compile("UsesOther", "public static class User { public static int Two() => Helper.One() + 1; }", MetadataReference.CreateFromImage(other));
        Assert.Empty(NanoChecker.Scan(new MemoryStream(image), new[] { "Other" }));
    }

    private static string ManyLocals(int count)
    {
        // A void method storing to a static: the Debug build then declares exactly the locals written here.
        var lines = new List<string> { "public static class L { public static int R; public static void Chain(int a) {" };
        for (int i = 0; i < count; i++)
        {
            lines.Add($"int v{i} = {(i == 0 ? "a" : $"v{i - 1}")} + 1;");
        }

        lines.Add($"R = v{count - 1}; }} }}");
        return string.Join("\n", lines);
    }

    private static IReadOnlyList<Violation> ScanSnippet(string source) => NanoChecker.Scan(new MemoryStream(Compile("Snippet", source)));

    /// <summary>Compiles C# against nanoFramework's mscorlib (Debug, so locals are kept as written).</summary>
    private static byte[] Compile(string name, string source, params MetadataReference[] extra)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Debug, allowUnsafe: true);
        var references = new List<MetadataReference> { MetadataReference.CreateFromFile(NanoPaths.NanoMscorlib) };
        references.AddRange(extra);
        CSharpCompilation compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            options);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return stream.ToArray();
    }
}
