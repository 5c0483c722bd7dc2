using System;
using System.Collections.Immutable;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// Measures the array-initialiser data a compiled assembly carries: the sizes of all fields with an RVA (the
/// compiler's &lt;PrivateImplementationDetails&gt; blobs that RuntimeHelpers.InitializeArray copies from).
/// nanoFramework puts this data into one 64 KB table per assembly.
/// </summary>
internal static class InitializerTable
{
    public static int Measure(string assemblyPath)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        return Measure(stream);
    }

    public static int Measure(Stream peImage)
    {
        using var pe = new PEReader(peImage, PEStreamOptions.LeaveOpen);
        MetadataReader md = pe.GetMetadataReader();
        int total = 0;
        foreach (FieldDefinitionHandle handle in md.FieldDefinitions)
        {
            FieldDefinition field = md.GetFieldDefinition(handle);
            if (field.GetRelativeVirtualAddress() == 0)
            {
                continue;
            }

            total += FieldSize(md, field);
        }

        return total;
    }

    private static int FieldSize(MetadataReader md, FieldDefinition field)
    {
        BlobReader sig = md.GetBlobReader(field.Signature);
        sig.ReadSignatureHeader();
        SignatureTypeCode code = sig.ReadSignatureTypeCode();
        switch (code)
        {
            case SignatureTypeCode.Boolean:
            case SignatureTypeCode.SByte:
            case SignatureTypeCode.Byte:
                return 1;
            case SignatureTypeCode.Char:
            case SignatureTypeCode.Int16:
            case SignatureTypeCode.UInt16:
                return 2;
            case SignatureTypeCode.Int32:
            case SignatureTypeCode.UInt32:
            case SignatureTypeCode.Single:
                return 4;
            case SignatureTypeCode.Int64:
            case SignatureTypeCode.UInt64:
            case SignatureTypeCode.Double:
                return 8;
            case SignatureTypeCode.TypeHandle:
                EntityHandle type = sig.ReadTypeHandle();
                if (type.Kind != HandleKind.TypeDefinition)
                {
                    throw new InvalidDataException("field with RVA has a type defined in another assembly");
                }

                TypeLayout layout = md.GetTypeDefinition((TypeDefinitionHandle)type).GetLayout();
                return layout.Size;
            default:
                throw new InvalidDataException("field with RVA has an unexpected type code " + code);
        }
    }
}
