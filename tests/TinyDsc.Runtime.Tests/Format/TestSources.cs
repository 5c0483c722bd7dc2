using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// A file served as an <see cref="IModelSource"/> in chunks of a fixed size (optionally with an empty chunk after
/// each), built fresh on every request the way an emitted embedding builds them. Records the requested indices and,
/// with <see cref="ProbeLiveness"/>, how many chunks it handed out earlier are still reachable when a new one is
/// requested (weak references, after a full collection). <see cref="Tamper"/> may change what a request returns.
/// </summary>
public sealed class RecordingSource : IModelSource
{
    private readonly byte[] file;
    private readonly List<(int Start, int Length)> slices = new();
    private readonly List<WeakReference> handedOut = new();

    public RecordingSource(byte[] file, int chunkSize, bool emptyChunks = false)
    {
        this.file = file;
        for (int p = 0; p < file.Length; p += chunkSize)
        {
            slices.Add((p, Math.Min(chunkSize, file.Length - p)));
            if (emptyChunks)
            {
                slices.Add((p, 0));
            }
        }

        Length = file.Length;
    }

    /// <summary>The length the source reports; tests may make it disagree with the chunks.</summary>
    public int Length { get; set; }

    public int ChunkCount => slices.Count;

    /// <summary>Chunk indices in the order they were requested.</summary>
    public List<int> Requests { get; } = new();

    public bool ProbeLiveness { get; init; }

    /// <summary>Largest number of earlier chunks still reachable at any request (0: the reader held none).</summary>
    public int MaxAliveAtRequest { get; private set; }

    /// <summary>(request number from 0, chunk index, fresh chunk) → what to return.</summary>
    public Func<int, int, byte[], byte[]?>? Tamper { get; init; }

    public byte[] ReadChunk(int index)
    {
        if (ProbeLiveness)
        {
            MaxAliveAtRequest = Math.Max(MaxAliveAtRequest, AliveCount());
        }

        (int start, int length) = slices[index];
        byte[] chunk = file.AsSpan(start, length).ToArray();
        int request = Requests.Count;
        Requests.Add(index);
        byte[]? result = Tamper == null ? chunk : Tamper(request, index, chunk);
        if (result != null)
        {
            handedOut.Add(new WeakReference(result));
        }

        return result!;
    }

    /// <summary>Chunks handed out so far that a full collection does not reclaim.</summary>
    public int AliveCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return handedOut.Count(w => w.IsAlive);
    }
}

/// <summary>Arrays built beforehand, served as a source without allocating (for allocation measurements).</summary>
public sealed class PrebuiltSource : IModelSource
{
    private readonly byte[][] chunks;

    public PrebuiltSource(byte[] file, int chunkSize)
    {
        chunks = file.Chunk(chunkSize).ToArray();
        Length = file.Length;
    }

    public int Length { get; }

    public int ChunkCount => chunks.Length;

    public byte[] ReadChunk(int index) => chunks[index];
}
