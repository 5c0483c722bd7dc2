using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using System.Reflection.Metadata;
using System.Linq;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using OperandType = System.Reflection.Emit.OperandType;

namespace TinyDsc.NanoCheck;

/// <summary>
/// Static IL check of an assembly built for nanoFramework (mscorlib v1): the compiler accepts constructs that
/// nanoCLR rejects, so the built assembly is scanned for them. Rules: <see cref="NanoRule"/>.
/// </summary>
public static class NanoChecker
{
    /// <summary>Most locals a nanoCLR method may declare.</summary>
    public const int MaxLocals = 255;

    /// <summary>
    /// Most bytecode one nanoFramework assembly may hold: a .pe addresses each method's code by a 16-bit offset into
    /// its bytecode table (docs/DESIGN.md). Measured by <see cref="NanoBytecodeBytes(string)"/>, not by the .NET IL
    /// size, which is larger (4-byte tokens and branch offsets).
    /// </summary>
    public const int MaxIlBytes = 65536;

    private static readonly Dictionary<ushort, (string Name, OperandType Operand)> OpCodeTable = BuildOpCodeTable();

    private static readonly Dictionary<ushort, string> Unsupported = new()
    {
        [0xFE0F] = "localloc",
        [0xFE17] = "cpblk",
        [0xFE18] = "initblk",
        [0x29] = "calli",
        [0x27] = "jmp",
    };

    /// <summary>
    /// Scans the assembly at <paramref name="path"/> and returns every violation (empty when it passes).
    /// <paramref name="allowedReferences"/>: assembly names it may reference besides mscorlib (an app's own class
    /// libraries deployed with it, e.g. TinyDsc.Runtime for a firmware sample).
    /// </summary>
    /// <exception cref="BadImageFormatException">the file is not a .NET assembly.</exception>
    public static IReadOnlyList<Violation> Scan(string path, IEnumerable<string>? allowedReferences = null)
    {
        using FileStream stream = File.OpenRead(path);
        return Scan(stream, allowedReferences);
    }

    /// <summary>Scans an assembly image; see <see cref="Scan(string, IEnumerable{string}?)"/>.</summary>
    public static IReadOnlyList<Violation> Scan(Stream image, IEnumerable<string>? allowedReferences = null)
    {
        using var pe = new PEReader(image, PEStreamOptions.LeaveOpen | PEStreamOptions.PrefetchEntireImage);
        if (!pe.HasMetadata)
        {
            throw new BadImageFormatException("not a .NET assembly (no metadata)");
        }

        MetadataReader md = pe.GetMetadataReader();
        var found = new List<Violation>();
        var allowed = new HashSet<string>(allowedReferences ?? Array.Empty<string>(), StringComparer.Ordinal) { "mscorlib" };
        ScanReferences(md, allowed, found);
        ScanTypeSpecs(md, found);
        ScanMethodSpecs(md, found);
        ScanMemberRefs(md, found);
        ScanTypes(md, pe, found);
        return found;
    }

    /// <summary>Names of the assemblies the assembly at <paramref name="path"/> references.</summary>
    public static IReadOnlyList<string> ReferencedAssemblies(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
        {
            names.Add(md.GetString(md.GetAssemblyReference(h).Name));
        }

        return names;
    }

    /// <summary>
    /// Offsets and names of the unsupported opcodes (localloc, cpblk, initblk, calli, jmp) in a method body's IL.
    /// </summary>
    /// <exception cref="BadImageFormatException">the IL has an unknown opcode or is truncated inside an instruction.</exception>
    public static IReadOnlyList<(int Offset, string OpCode)> FindUnsupportedOpCodes(byte[] il)
    {
        var hits = new List<(int, string)>();
        int pos = 0;
        while (pos < il.Length)
        {
            int start = pos;
            ushort code = il[pos++];
            if (code == 0xFE)
            {
                if (pos >= il.Length)
                {
                    throw new BadImageFormatException($"IL truncated after prefix 0xFE at offset {start}");
                }

                code = (ushort)(0xFE00 | il[pos++]);
            }

            if (!OpCodeTable.TryGetValue(code, out var info))
            {
                throw new BadImageFormatException($"unknown IL opcode 0x{code:X} at offset {start}");
            }

            if (Unsupported.TryGetValue(code, out string? name))
            {
                hits.Add((start, name));
            }

            pos += OperandSize(info.Operand, il, pos);
            if (pos > il.Length)
            {
                throw new BadImageFormatException($"IL truncated inside {info.Name} at offset {start}");
            }
        }

        return hits;
    }

    private static void ScanReferences(MetadataReader md, HashSet<string> allowed, List<Violation> found)
    {
        foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
        {
            AssemblyReference r = md.GetAssemblyReference(h);
            string name = md.GetString(r.Name);
            if (!allowed.Contains(name))
            {
                found.Add(new(NanoRule.AssemblyReference, "assembly references", $"{name} {r.Version} (allowed: {string.Join(", ", allowed.Order(StringComparer.Ordinal))})"));
            }
        }
    }

    private static void ScanTypeSpecs(MetadataReader md, List<Violation> found)
    {
        for (int row = 1; row <= md.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            TypeSpecificationHandle h = MetadataTokens.TypeSpecificationHandle(row);
            SignatureShape s = md.GetTypeSpecification(h).DecodeSignature(SignatureShapeProvider.Instance, null);
            Report(found, s, $"TypeSpec row {row}", "type spec");
        }
    }

    private static void ScanMethodSpecs(MetadataReader md, List<Violation> found)
    {
        for (int row = 1; row <= md.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = md.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            ImmutableArray<SignatureShape> args = spec.DecodeSignature(SignatureShapeProvider.Instance, null);
            found.Add(new(NanoRule.Generic, $"MethodSpec row {row}", $"generic method instantiation {MethodName(md, spec.Method)}<{string.Join(", ", args.Select(a => a.Name))}>"));
        }
    }

    private static void ScanMemberRefs(MetadataReader md, List<Violation> found)
    {
        foreach (MemberReferenceHandle h in md.MemberReferences)
        {
            MemberReference m = md.GetMemberReference(h);
            string where = $"member reference {md.GetString(m.Name)}";
            if (m.GetKind() == MemberReferenceKind.Method)
            {
                MethodSignature<SignatureShape> sig = m.DecodeMethodSignature(SignatureShapeProvider.Instance, null);
                if (sig.GenericParameterCount > 0)
                {
                    found.Add(new(NanoRule.Generic, where, $"generic method signature with {sig.GenericParameterCount} type parameters"));
                }

                ReportMethodSignature(found, sig, where);
            }
            else
            {
                Report(found, m.DecodeFieldSignature(SignatureShapeProvider.Instance, null), where, "field type");
            }
        }
    }

    /// <summary>Method-body IL bytes (code only, no headers) of the assembly at <paramref name="path"/>.</summary>
    public static long IlBytes(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream, PEStreamOptions.PrefetchEntireImage);
        return IlBytes(pe.GetMetadataReader(), pe);
    }

    private static long IlBytes(MetadataReader md, PEReader pe)
    {
        long total = 0;
        foreach (MethodDefinitionHandle mh in md.MethodDefinitions)
        {
            MethodDefinition method = md.GetMethodDefinition(mh);
            if (method.RelativeVirtualAddress != 0)
            {
                total += pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader().Length;
            }
        }

        return total;
    }

    /// <summary>
    /// Size of the bytecode table nanoFramework's MetadataProcessor writes for the assembly at <paramref name="path"/>:
    /// every method's IL as in the .dll, except that a string, method, field or type token and a long branch offset
    /// take 2 bytes instead of 4, a switch has a 1-byte count and 2-byte targets, and a method with exception clauses
    /// appends 12 bytes per clause and a 1-byte count. No method headers, no padding between methods.
    /// </summary>
    public static long NanoBytecodeBytes(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream, PEStreamOptions.PrefetchEntireImage);
        return NanoBytecodeBytes(pe.GetMetadataReader(), pe);
    }

    private static long NanoBytecodeBytes(MetadataReader md, PEReader pe)
    {
        long total = 0;
        foreach (MethodDefinitionHandle mh in md.MethodDefinitions)
        {
            MethodDefinition method = md.GetMethodDefinition(mh);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            byte[] il = body.GetILBytes() ?? Array.Empty<byte>();
            long size = il.Length;
            int pos = 0;
            while (pos < il.Length)
            {
                ushort code = il[pos++];
                if (code == 0xFE && pos < il.Length)
                {
                    code = (ushort)(0xFE00 | il[pos++]);
                }

                if (!OpCodeTable.TryGetValue(code, out var info))
                {
                    throw new BadImageFormatException($"unknown IL opcode 0x{code:X} at offset {pos - 1}");
                }

                switch (info.Operand)
                {
                    case OperandType.InlineString:
                    case OperandType.InlineMethod:
                    case OperandType.InlineField:
                    case OperandType.InlineType:
                    case OperandType.InlineBrTarget:
                        size -= 2;
                        break;
                    case OperandType.InlineSwitch:
                        size -= 3 + 2 * (long)BitConverter.ToUInt32(il, pos);
                        break;
                    case OperandType.InlineSig:
                        size -= 4;
                        break;
                }

                pos += OperandSize(info.Operand, il, pos);
            }

            if (body.ExceptionRegions.Length > 0)
            {
                size += 1 + 12 * body.ExceptionRegions.Length;
            }

            total += size;
        }

        return total;
    }

    private static void ScanTypes(MetadataReader md, PEReader pe, List<Violation> found)
    {
        long bytecode = NanoBytecodeBytes(md, pe);
        if (bytecode > MaxIlBytes)
        {
            found.Add(new(NanoRule.TooMuchIl, "assembly", $"{bytecode} bytes of nanoCLR bytecode ({IlBytes(md, pe)} bytes of .NET IL), over the {MaxIlBytes}-byte limit of one nanoFramework assembly (16-bit method offsets)"));
        }

        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(th);
            string typeName = TypeName(md, type);
            if (type.GetGenericParameters().Count > 0)
            {
                found.Add(new(NanoRule.Generic, typeName, $"generic type definition with {type.GetGenericParameters().Count} type parameters"));
            }

            foreach (FieldDefinitionHandle fh in type.GetFields())
            {
                FieldDefinition field = md.GetFieldDefinition(fh);
                Report(found, field.DecodeSignature(SignatureShapeProvider.Instance, null), $"{typeName}.{md.GetString(field.Name)}", "field type");
            }

            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(mh);
                string where = $"{typeName}.{md.GetString(method.Name)}";
                if (method.GetGenericParameters().Count > 0)
                {
                    found.Add(new(NanoRule.Generic, where, $"generic method definition with {method.GetGenericParameters().Count} type parameters"));
                }

                ReportMethodSignature(found, method.DecodeSignature(SignatureShapeProvider.Instance, null), where);
                if (method.RelativeVirtualAddress != 0)
                {
                    ScanBody(md, pe.GetMethodBody(method.RelativeVirtualAddress), where, found);
                }
            }
        }
    }

    private static void ScanBody(MetadataReader md, MethodBodyBlock body, string where, List<Violation> found)
    {
        if (!body.LocalSignature.IsNil)
        {
            StandaloneSignature sig = md.GetStandaloneSignature(body.LocalSignature);
            ImmutableArray<SignatureShape> locals = sig.DecodeLocalSignature(SignatureShapeProvider.Instance, null);
            if (locals.Length > MaxLocals)
            {
                found.Add(new(NanoRule.TooManyLocals, where, $"{locals.Length} locals (at most {MaxLocals})"));
            }

            for (int i = 0; i < locals.Length; i++)
            {
                Report(found, locals[i], where, $"local {i}");
            }
        }

        byte[] il = body.GetILBytes() ?? Array.Empty<byte>();
        foreach ((int offset, string opCode) in FindUnsupportedOpCodes(il))
        {
            found.Add(new(NanoRule.UnsupportedOpCode, where, $"{opCode} at IL offset 0x{offset:X4}"));
        }
    }

    private static void ReportMethodSignature(List<Violation> found, MethodSignature<SignatureShape> sig, string where)
    {
        Report(found, sig.ReturnType, where, "return type");
        for (int i = 0; i < sig.ParameterTypes.Length; i++)
        {
            Report(found, sig.ParameterTypes[i], where, $"parameter {i}");
        }
    }

    private static void Report(List<Violation> found, SignatureShape s, string where, string what)
    {
        if (s.Generic)
        {
            found.Add(new(NanoRule.Generic, where, $"{what} {s.Name} is generic"));
        }

        if (s.Pointer)
        {
            found.Add(new(NanoRule.Pointer, where, $"{what} {s.Name} is or contains a pointer"));
        }

        if (s.MultiDim)
        {
            found.Add(new(NanoRule.MultiDimensionalArray, where, $"{what} {s.Name} is or contains a multi-dimensional array"));
        }
    }

    private static string TypeName(MetadataReader md, TypeDefinition type)
    {
        string ns = md.GetString(type.Namespace);
        string name = md.GetString(type.Name);
        return ns.Length > 0 ? ns + "." + name : name;
    }

    private static string MethodName(MetadataReader md, EntityHandle method) => method.Kind switch
    {
        HandleKind.MethodDefinition => md.GetString(md.GetMethodDefinition((MethodDefinitionHandle)method).Name),
        HandleKind.MemberReference => md.GetString(md.GetMemberReference((MemberReferenceHandle)method).Name),
        _ => method.Kind.ToString(),
    };

    private static int OperandSize(OperandType operand, byte[] il, int pos) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => pos + 4 <= il.Length ? 4 + 4 * (int)Math.Min(BitConverter.ToUInt32(il, pos), (uint)il.Length) : 4,
        _ => 4,
    };

    private static Dictionary<ushort, (string, OperandType)> BuildOpCodeTable()
    {
        var table = new Dictionary<ushort, (string, OperandType)>();
        foreach (FieldInfo f in typeof(System.Reflection.Emit.OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (f.GetValue(null) is System.Reflection.Emit.OpCode op)
            {
                table[(ushort)op.Value] = (op.Name ?? f.Name, op.OperandType);
            }
        }

        return table;
    }
}
