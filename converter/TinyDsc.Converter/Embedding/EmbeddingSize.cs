namespace TinyDsc.Converter.Embedding;

/// <summary>
/// Array-initialiser bytes a generated file puts into its assembly's initialiser table, by section.
/// An array whose elements are all zero is emitted as <c>new T[n]</c> and counts 0.
/// </summary>
public sealed record EmbeddingSize(int ModelBytes, int GoldenBytes, int InputBytes, int Limit)
{
    /// <summary>All initialiser bytes of the file.</summary>
    public int Total => ModelBytes + GoldenBytes + InputBytes;
}

/// <summary>The generated C# source and what it costs.</summary>
public sealed record EmbeddingResult(string Source, EmbeddingSize Size, int ChunkCount);
