using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TinyDsc.Firmware.Tests;

/// <summary>Compiles emitted C# with Roslyn, against .NET (to run it) or nanoFramework's mscorlib (C# 7.3).</summary>
internal static class EmittedCode
{
    /// <summary>
    /// Compiles against nanoFramework.CoreLibrary's mscorlib and the runtime's nanoFramework build (the emitted model
    /// source implements its IModelSource); returns the PE image. Fails on any diagnostic warning or error.
    /// </summary>
    public static byte[] CompileForNano(string source)
    {
        var references = new[] { MetadataReference.CreateFromFile(TestPaths.NanoMscorlib), MetadataReference.CreateFromFile(TestPaths.NanoRuntimeAssembly) };
        return Compile(source, references, LanguageVersion.CSharp7_3);
    }

    /// <summary>Compiles against the running .NET and loads the assembly.</summary>
    public static Assembly CompileAndLoad(string source)
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = tpa.Split(Path.PathSeparator).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
        return Assembly.Load(Compile(source, references, LanguageVersion.CSharp7_3));
    }

    /// <summary>Calls a public static method of the generated class.</summary>
    public static object Call(Assembly assembly, string typeName, string method, params object[] args)
    {
        Type type = assembly.GetType(typeName, throwOnError: true)!;
        MethodInfo m = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException(typeName, method);
        return m.Invoke(null, args);
    }

    private static byte[] Compile(string source, IEnumerable<MetadataReference> references, LanguageVersion version)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(version));
        var compilation = CSharpCompilation.Create(
            "Emitted" + Guid.NewGuid().ToString("N"),
            new[] { tree },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!result.Success || problems.Count > 0)
        {
            throw new InvalidOperationException("emitted code does not compile cleanly:\n" + string.Join("\n", problems));
        }

        return pe.ToArray();
    }
}
