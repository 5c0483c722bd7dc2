using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Firmware.Tests;

/// <summary>Helpers over the generated model sources: their bytes, a tampered copy, and how a compiled sample loads.</summary>
internal static class ModelSources
{
    /// <summary>The whole file: every chunk of the source, in order.</summary>
    public static byte[] Bytes(IModelSource source) => Enumerable.Range(0, source.ChunkCount).SelectMany(source.ReadChunk).ToArray();

    /// <summary>Largest chunk the source hands out.</summary>
    public static int LargestChunk(IModelSource source) => Enumerable.Range(0, source.ChunkCount).Max(i => source.ReadChunk(i).Length);

    /// <summary>
    /// The parameter type of every ModelReader.Load overload the assembly calls: "IModelSource", or "array" for
    /// Load(byte[]) / Load(byte[][]) (read from the MemberRef signatures of the compiled assembly).
    /// </summary>
    public static IReadOnlyList<string> LoadOverloadsCalled(string assemblyPath)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var found = new List<string>();
        foreach (MemberReferenceHandle handle in md.MemberReferences)
        {
            MemberReference member = md.GetMemberReference(handle);
            if (md.GetString(member.Name) != "Load" || member.Parent.Kind != HandleKind.TypeReference
                || md.GetString(md.GetTypeReference((TypeReferenceHandle)member.Parent).Name) != "ModelReader")
            {
                continue;
            }

            BlobReader sig = md.GetBlobReader(member.Signature);
            sig.ReadSignatureHeader();
            int parameters = sig.ReadCompressedInteger();
            if (parameters != 1 || sig.ReadSignatureTypeCode() != SignatureTypeCode.TypeHandle)
            {
                throw new InvalidDataException("unexpected ModelReader.Load signature in " + assemblyPath);
            }

            sig.ReadTypeHandle(); // returns Model
            SignatureTypeCode parameter = sig.ReadSignatureTypeCode();
            if (parameter == SignatureTypeCode.SZArray)
            {
                found.Add("array");
            }
            else
            {
                EntityHandle type = sig.ReadTypeHandle();
                found.Add(type.Kind == HandleKind.TypeReference ? md.GetString(md.GetTypeReference((TypeReferenceHandle)type).Name) : "?");
            }
        }

        return found;
    }
}

/// <summary>A source that returns another source's chunks, with one byte of one chunk xor-ed on every request.</summary>
internal sealed class TamperedSource : IModelSource
{
    private readonly IModelSource inner;
    private readonly int chunk;
    private readonly int index;
    private readonly byte xor;

    public TamperedSource(IModelSource inner, int chunk, int index, byte xor)
    {
        this.inner = inner;
        this.chunk = chunk;
        this.index = index;
        this.xor = xor;
    }

    public int Length => inner.Length;

    public int ChunkCount => inner.ChunkCount;

    public byte[] ReadChunk(int i)
    {
        byte[] bytes = inner.ReadChunk(i);
        if (i == chunk)
        {
            bytes[index >= 0 ? index : bytes.Length + index] ^= xor;
        }

        return bytes;
    }
}

/// <summary>
/// Wraps a source and counts, at each request, how many chunks it handed out earlier are still reachable after a full
/// collection (0 throughout: the reader held no chunk when it asked for the next).
/// </summary>
internal sealed class LivenessProbe : IModelSource
{
    private readonly IModelSource inner;
    private readonly List<WeakReference> handedOut = new();

    public LivenessProbe(IModelSource inner)
    {
        this.inner = inner;
    }

    public int Length => inner.Length;

    public int ChunkCount => inner.ChunkCount;

    public int MaxAliveAtRequest { get; private set; }

    public List<int> Requests { get; } = new();

    public byte[] ReadChunk(int i)
    {
        MaxAliveAtRequest = Math.Max(MaxAliveAtRequest, AliveCount());
        byte[] bytes = inner.ReadChunk(i);
        Requests.Add(i);
        handedOut.Add(new WeakReference(bytes));
        return bytes;
    }

    public int AliveCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return handedOut.Count(w => w.IsAlive);
    }
}
