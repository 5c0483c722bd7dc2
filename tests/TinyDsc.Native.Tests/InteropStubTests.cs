using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace TinyDsc.Native.Tests;

/// <summary>
/// The hand-maintained interop stubs (runtime/TinyDsc.Runtime.Native/Stubs) against the built interop assembly:
/// nanoCLR binds native code by position in method_lookup and refuses a .pe whose native checksum differs from the
/// table's, so both must follow the assembly. Recomputed here by MetadataProcessor's rules (NativeMethodsCrc,
/// nanoTablesContext.GetOrderedMethods): types by full name; per type virtual methods, then other instance
/// methods, then static ones, each in declaration order; a method is native when it has no body (RVA 0) and is not
/// abstract; CRC-32 (polynomial 0x04C11DB7, MSB first, no reflection, init 0) chained over assembly name, type name
/// (namespace_type, dots as underscores) and handler name for each native method, "NULL" for the others. Until the
/// first native method has been counted, MetadataProcessor reads the running CRC as 0 before each step (its
/// CurrentCrc), so everything before the first native method's handler name drops out, its assembly and type names
/// included. The device lane confirmed the value: nanoCLR compares it with the .pe that MetadataProcessor writes.
/// </summary>
public sealed class InteropStubTests
{
    private static readonly string StubFolder = Path.Combine(NativeLib.Repo, "runtime", "TinyDsc.Runtime.Native", "Stubs");

    private static readonly string InteropDll = typeof(InteropStubTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TinyDscInteropAssembly").Value!;

    /// <summary>The interop assembly is device code: the nanoFramework IL scan passes, and it references only mscorlib and the runtime.</summary>
    [Fact]
    public void InteropAssembly_PassesTheNanoFrameworkIlScan()
    {
        var violations = TinyDsc.NanoCheck.NanoChecker.Scan(InteropDll, new[] { "TinyDsc.Runtime" });
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.Equal(new[] { "TinyDsc.Runtime", "mscorlib" }, TinyDsc.NanoCheck.NanoChecker.ReferencedAssemblies(InteropDll).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void MethodLookupAndChecksum_MatchTheBuiltAssembly()
    {
        string dll = InteropDll;
        using var pe = new PEReader(File.OpenRead(dll));
        MetadataReader md = pe.GetMetadataReader();
        string assemblyName = md.GetString(md.GetAssemblyDefinition().Name);

        var entries = new List<string>();
        uint crc = 0;
        int natives = 0;
        var types = md.TypeDefinitions.Select(md.GetTypeDefinition)
            .Where(t => md.GetString(t.Name) != "<Module>" && (t.Attributes & TypeAttributes.Interface) == 0)
            .OrderBy(t => md.GetString(t.Namespace) + "." + md.GetString(t.Name), StringComparer.Ordinal);
        foreach (TypeDefinition type in types)
        {
            string typeName = (md.GetString(type.Namespace) + "_" + md.GetString(type.Name)).Replace('.', '_').TrimStart('_');
            var methods = type.GetMethods().Select(md.GetMethodDefinition).ToList();
            IEnumerable<MethodDefinition> ordered = methods.Where(m => (m.Attributes & MethodAttributes.Virtual) != 0)
                .Concat(methods.Where(m => (m.Attributes & (MethodAttributes.Virtual | MethodAttributes.Static)) == 0))
                .Concat(methods.Where(m => (m.Attributes & MethodAttributes.Static) != 0));
            foreach (MethodDefinition m in ordered)
            {
                bool native = m.RelativeVirtualAddress == 0 && (m.Attributes & MethodAttributes.Abstract) == 0;
                // MetadataProcessor's NativeMethodsCrc.CurrentCrc: 0 while no native method has been counted.
                uint Current() => natives == 0 ? 0 : crc;
                if (!native)
                {
                    entries.Add("nullptr");
                    crc = Crc(Encoding.ASCII.GetBytes("NULL"), Current());
                    continue;
                }

                MethodSignature<string> sig = m.DecodeSignature(new NanoTypeNames(), null);
                string handler = md.GetString(m.Name) + ((m.Attributes & MethodAttributes.Static) != 0 ? "___STATIC__" : "___")
                    + string.Join("__", new[] { sig.ReturnType }.Concat(sig.ParameterTypes));
                entries.Add($"Library_{assemblyName.Replace('.', '_')}_{typeName}::{handler}");
                crc = Crc(Encoding.ASCII.GetBytes(assemblyName), Current());
                crc = Crc(Encoding.ASCII.GetBytes(typeName), Current());
                crc = Crc(Encoding.ASCII.GetBytes(handler), Current());
                natives++;
            }
        }

        string table = File.ReadAllText(Path.Combine(StubFolder, "TinyDsc_Runtime_Native.cpp"));
        string lookup = Regex.Match(table, @"method_lookup\[\]\s*=\s*\{(?<body>[^}]*)\}").Groups["body"].Value;
        string[] stubEntries = lookup.Split(',').Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
        Assert.Equal(entries, stubEntries);

        Match data = Regex.Match(table, "\"" + Regex.Escape(assemblyName) + "\",\\s*0x(?<crc>[0-9A-Fa-f]{8}),");
        Assert.True(data.Success, "TinyDsc_Runtime_Native.cpp names no assembly " + assemblyName);
        Assert.Equal(crc.ToString("X8"), data.Groups["crc"].Value.ToUpperInvariant());
        Assert.Equal(2, natives);

        // The marshalling file and the declarations use the same handler names.
        string header = File.ReadAllText(Path.Combine(StubFolder, "TinyDsc_Runtime_Native.h"));
        string mshl = File.ReadAllText(Path.Combine(StubFolder, "TinyDsc_Runtime_Native_TinyDsc_Runtime_Native_FirmwareKernels_mshl.cpp"));
        foreach (string e in entries.Where(e => e != "nullptr"))
        {
            string handler = e.Substring(e.IndexOf("::", StringComparison.Ordinal) + 2);
            Assert.Contains($"NANOCLR_NATIVE_DECLARE({handler})", header);
            Assert.Contains($"::{handler}(CLR_RT_StackFrame &stack)", mshl);
        }
    }

    /// <summary>The CRC-32 of MetadataProcessor's Crc32.Compute: table-driven, MSB first, polynomial 0x04C11DB7.</summary>
    private static uint Crc(byte[] bytes, uint crc)
    {
        foreach (byte b in bytes)
        {
            uint c = ((crc >> 24) ^ b) & 0xFF;
            c <<= 24;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }

            crc = c ^ (crc << 8);
        }

        return crc;
    }

    /// <summary>nanoCLR data type names of the signature elements an interop method can use.</summary>
    private sealed class NanoTypeNames : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Void => "VOID",
            PrimitiveTypeCode.Boolean => "BOOLEAN",
            PrimitiveTypeCode.Char => "CHAR",
            PrimitiveTypeCode.SByte => "I1",
            PrimitiveTypeCode.Byte => "U1",
            PrimitiveTypeCode.Int16 => "I2",
            PrimitiveTypeCode.UInt16 => "U2",
            PrimitiveTypeCode.Int32 => "I4",
            PrimitiveTypeCode.UInt32 => "U4",
            PrimitiveTypeCode.Int64 => "I8",
            PrimitiveTypeCode.UInt64 => "U8",
            PrimitiveTypeCode.Single => "R4",
            PrimitiveTypeCode.Double => "R8",
            PrimitiveTypeCode.String => "STRING",
            _ => throw new NotSupportedException("interop signature type " + typeCode),
        };

        public string GetSZArrayType(string elementType) => "SZARRAY_" + elementType;

        public string GetArrayType(string elementType, ArrayShape shape) => throw new NotSupportedException("multi-dimensional array");
        public string GetByReferenceType(string elementType) => "BYREF_" + elementType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => throw new NotSupportedException();
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => throw new NotSupportedException();
        public string GetGenericMethodParameter(object? genericContext, int index) => throw new NotSupportedException();
        public string GetGenericTypeParameter(object? genericContext, int index) => throw new NotSupportedException();
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
        public string GetPointerType(string elementType) => throw new NotSupportedException();
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => throw new NotSupportedException();
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => throw new NotSupportedException();
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => throw new NotSupportedException();
    }
}
