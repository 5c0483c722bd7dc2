using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection.Metadata;

namespace TinyDsc.NanoCheck;

/// <summary>A decoded signature type: a readable name plus the nanoFramework-relevant constructs it contains.</summary>
internal sealed record SignatureShape(string Name, bool Generic, bool Pointer, bool MultiDim)
{
    public static SignatureShape Plain(string name) => new(name, false, false, false);

    public SignatureShape With(string name, bool generic = false, bool pointer = false, bool multiDim = false) =>
        new(name, Generic || generic, Pointer || pointer, MultiDim || multiDim);
}

/// <summary>Decodes signatures into <see cref="SignatureShape"/> for System.Reflection.Metadata's SignatureDecoder.</summary>
internal sealed class SignatureShapeProvider : ISignatureTypeProvider<SignatureShape, object?>
{
    public static readonly SignatureShapeProvider Instance = new();

    public SignatureShape GetPrimitiveType(PrimitiveTypeCode typeCode) => SignatureShape.Plain(typeCode.ToString());

    public SignatureShape GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        SignatureShape.Plain(reader.GetString(reader.GetTypeDefinition(handle).Name));

    public SignatureShape GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
        SignatureShape.Plain(reader.GetString(reader.GetTypeReference(handle).Name));

    public SignatureShape GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public SignatureShape GetSZArrayType(SignatureShape elementType) => elementType.With(elementType.Name + "[]");

    public SignatureShape GetArrayType(SignatureShape elementType, ArrayShape shape) =>
        elementType.With(elementType.Name + "[" + new string(',', Math.Max(0, shape.Rank - 1)) + "]", multiDim: true);

    public SignatureShape GetByReferenceType(SignatureShape elementType) => elementType.With(elementType.Name + "&");

    public SignatureShape GetPointerType(SignatureShape elementType) => elementType.With(elementType.Name + "*", pointer: true);

    public SignatureShape GetFunctionPointerType(MethodSignature<SignatureShape> signature)
    {
        SignatureShape s = new("delegate*", false, true, false);
        foreach (SignatureShape p in signature.ParameterTypes)
        {
            s = s.With(s.Name, p.Generic, p.Pointer, p.MultiDim);
        }

        return s.With(s.Name, signature.ReturnType.Generic, signature.ReturnType.Pointer, signature.ReturnType.MultiDim);
    }

    public SignatureShape GetGenericInstantiation(SignatureShape genericType, ImmutableArray<SignatureShape> typeArguments)
    {
        SignatureShape s = genericType.With(genericType.Name + "<" + string.Join(", ", typeArguments.Select(t => t.Name)) + ">", generic: true);
        foreach (SignatureShape a in typeArguments)
        {
            s = s.With(s.Name, a.Generic, a.Pointer, a.MultiDim);
        }

        return s;
    }

    public SignatureShape GetGenericMethodParameter(object? genericContext, int index) => new("!!" + index, true, false, false);

    public SignatureShape GetGenericTypeParameter(object? genericContext, int index) => new("!" + index, true, false, false);

    public SignatureShape GetModifiedType(SignatureShape modifier, SignatureShape unmodifiedType, bool isRequired) => unmodifiedType;

    public SignatureShape GetPinnedType(SignatureShape elementType) => elementType.With(elementType.Name + " pinned");
}
