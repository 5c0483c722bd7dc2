using System.Collections.Generic;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Xunit;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// The samples' nanoFramework builds use no construct nanoCLR v1 rejects although the compiler accepts it:
/// generic instantiations, multi-dimensional arrays, pointers, more than 255 locals in a method.
/// </summary>
public class NanoSubsetTests
{
    [Theory]
    [MemberData(nameof(SampleProjectTests.Samples), MemberType = typeof(SampleProjectTests))]
    public void CompiledSample_UsesOnlyTheNanoFrameworkSubset(string sample)
    {
        string assembly = TestPaths.NanoSampleAssembly(sample);
        Assert.True(File.Exists(assembly), "compile check output missing: " + assembly);

        Assert.Empty(Violations(assembly));
    }

    /// <summary>The scan itself finds what it looks for (a generic, a 2-D array, a pointer) in code compiled here.</summary>
    [Fact]
    public void Scan_FindsForbiddenConstructs()
    {
        string source = """
            namespace Probe
            {
                public sealed class Box<T> { public T Value; }
                public static class Uses
                {
                    public static int Generic() { return new Box<int>().Value; }
                    public static int TwoD() { int[,] a = new int[2, 2]; return a[1, 1]; }
                    public static unsafe int Pointer(int* p) { return *p; }
                }
            }
            """;
        string path = Path.Combine(Path.GetTempPath(), "tinydsc-probe-" + System.Guid.NewGuid().ToString("N") + ".dll");
        File.WriteAllBytes(path, EmittedCode.CompileForNano(source, allowUnsafe: true));
        try
        {
            List<string> found = Violations(path);

            Assert.Contains(found, v => v.Contains("generic instantiation"));
            Assert.Contains(found, v => v.Contains("multi-dimensional array"));
            Assert.Contains(found, v => v.Contains("pointer"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<string> Violations(string assemblyPath)
    {
        var found = new List<string>();
        using FileStream stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        for (int row = 1; row <= md.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            TypeSpecificationHandle handle = MetadataTokens.TypeSpecificationHandle(row);
            BlobReader sig = md.GetBlobReader(md.GetTypeSpecification(handle).Signature);
            CheckType(ref sig, "type spec " + MetadataTokens.GetToken(handle).ToString("X8"), found);
        }

        if (md.GetTableRowCount(TableIndex.MethodSpec) > 0)
        {
            found.Add("generic instantiation: " + md.GetTableRowCount(TableIndex.MethodSpec) + " generic method instantiation(s)");
        }

        foreach (MethodDefinitionHandle handle in md.MethodDefinitions)
        {
            MethodDefinition method = md.GetMethodDefinition(handle);
            string name = md.GetString(md.GetTypeDefinition(method.GetDeclaringType()).Name) + "." + md.GetString(method.Name);
            BlobReader sig = md.GetBlobReader(method.Signature);
            if (sig.ReadSignatureHeader().IsGeneric)
            {
                found.Add("generic instantiation: generic method " + name);
                sig.ReadCompressedInteger();
            }

            int parameters = sig.ReadCompressedInteger();
            for (int i = 0; i <= parameters; i++)
            {
                CheckType(ref sig, name + " signature", found);
            }

            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (body.LocalSignature.IsNil)
            {
                continue;
            }

            BlobReader locals = md.GetBlobReader(md.GetStandaloneSignature(body.LocalSignature).Signature);
            locals.ReadSignatureHeader();
            int count = locals.ReadCompressedInteger();
            if (count > 255)
            {
                found.Add(name + ": " + count + " locals (nanoCLR allows 255)");
            }

            for (int i = 0; i < count; i++)
            {
                CheckType(ref locals, name + " local " + i, found);
            }
        }

        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            if (type.GetGenericParameters().Count > 0)
            {
                found.Add("generic instantiation: generic type " + md.GetString(type.Name));
            }

            foreach (FieldDefinitionHandle f in type.GetFields())
            {
                BlobReader sig = md.GetBlobReader(md.GetFieldDefinition(f).Signature);
                sig.ReadSignatureHeader();
                CheckType(ref sig, md.GetString(type.Name) + "." + md.GetString(md.GetFieldDefinition(f).Name), found);
            }
        }

        return found;
    }

    /// <summary>Reads one type from a signature blob and records forbidden forms.</summary>
    private static void CheckType(ref BlobReader sig, string where, List<string> found)
    {
        SignatureTypeCode code = sig.ReadSignatureTypeCode();
        switch (code)
        {
            case SignatureTypeCode.GenericTypeInstance:
                found.Add("generic instantiation in " + where);
                sig.ReadSignatureTypeCode();
                sig.ReadTypeHandle();
                int args = sig.ReadCompressedInteger();
                for (int i = 0; i < args; i++)
                {
                    CheckType(ref sig, where, found);
                }

                break;
            case SignatureTypeCode.Array:
                found.Add("multi-dimensional array in " + where);
                CheckType(ref sig, where, found);
                int rank = sig.ReadCompressedInteger();
                int sizes = sig.ReadCompressedInteger();
                for (int i = 0; i < sizes; i++)
                {
                    sig.ReadCompressedInteger();
                }

                int bounds = sig.ReadCompressedInteger();
                for (int i = 0; i < bounds; i++)
                {
                    sig.ReadCompressedSignedInteger();
                }

                _ = rank;
                break;
            case SignatureTypeCode.Pointer:
            case SignatureTypeCode.FunctionPointer:
                found.Add("pointer type in " + where);
                if (code == SignatureTypeCode.Pointer)
                {
                    CheckType(ref sig, where, found);
                }

                break;
            case SignatureTypeCode.SZArray:
            case SignatureTypeCode.ByReference:
            case SignatureTypeCode.Pinned:
                CheckType(ref sig, where, found);
                break;
            case SignatureTypeCode.TypeHandle:
                sig.ReadTypeHandle();
                break;
            case SignatureTypeCode.GenericTypeParameter:
            case SignatureTypeCode.GenericMethodParameter:
                found.Add("generic instantiation (type parameter) in " + where);
                sig.ReadCompressedInteger();
                break;
            case SignatureTypeCode.RequiredModifier:
            case SignatureTypeCode.OptionalModifier:
                sig.ReadTypeHandle();
                CheckType(ref sig, where, found);
                break;
            default:
                break; // primitives, void, string, object, typedbyref
        }
    }
}
