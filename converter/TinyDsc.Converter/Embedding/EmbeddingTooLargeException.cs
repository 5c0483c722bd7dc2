using System;

namespace TinyDsc.Converter.Embedding;

/// <summary>The data does not fit the array-initialiser budget of one nanoFramework assembly.</summary>
public sealed class EmbeddingTooLargeException : Exception
{
    public EmbeddingTooLargeException(string message, EmbeddingSize size) : base(message)
    {
        Size = size;
    }

    /// <summary>The byte counts that were over the limit.</summary>
    public EmbeddingSize Size { get; }
}
