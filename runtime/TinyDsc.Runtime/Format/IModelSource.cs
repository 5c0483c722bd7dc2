namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// A .tdsc file handed to <see cref="ModelReader.Load(IModelSource)"/> one chunk at a time, so the whole file never
    /// has to be in memory at once (an embedded model rebuilt from its array initialisers chunk by chunk, a file read
    /// from flash in blocks). Laid end to end, chunks 0 .. ChunkCount - 1 hold the file's Length bytes.
    /// </summary>
    /// <remarks>
    /// The reader requests every chunk twice, in the order 0 .. ChunkCount - 1 both times (first to verify the CRC,
    /// then to copy the blobs), and keeps no reference to a chunk after it has consumed it. Both requests of a chunk
    /// must return the same bytes; the reader checks the length and the CRC of each chunk on the second request.
    /// A source may build a fresh array per call; it need not cache anything.
    /// </remarks>
    public interface IModelSource
    {
        /// <summary>Total bytes of the file (the sum of all chunk lengths).</summary>
        int Length { get; }

        /// <summary>Number of chunks (empty chunks are allowed).</summary>
        int ChunkCount { get; }

        /// <summary>Chunk <paramref name="index"/> (0 .. ChunkCount - 1) of the file; never null.</summary>
        byte[] ReadChunk(int index);
    }
}
