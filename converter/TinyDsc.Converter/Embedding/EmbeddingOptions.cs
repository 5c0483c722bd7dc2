namespace TinyDsc.Converter.Embedding;

/// <summary>Names and limits for <see cref="CSharpEmitter"/>.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>Largest chunk the emitter writes; the device allocates one array per chunk.</summary>
    public const int MaxChunkSize = 16 * 1024;

    /// <summary>
    /// Default cap on array-initialiser bytes per generated file. nanoFramework keeps all array-initialiser data
    /// of an assembly in one table of 64 KB that overflows without an error; the rest of the assembly's
    /// initialisers must fit in what is left.
    /// </summary>
    public const int DefaultInitializerByteLimit = 60_000;

    /// <summary>Namespace of the generated class (dotted C# identifiers).</summary>
    public string Namespace { get; init; } = "TinyDsc.Embedded";

    /// <summary>Name of the generated static class (a C# identifier).</summary>
    public string ClassName { get; init; } = "EmbeddedModel";

    /// <summary>Bytes per model chunk, 1..<see cref="MaxChunkSize"/>.</summary>
    public int ChunkSize { get; init; } = MaxChunkSize;

    /// <summary>Refuse to emit more array-initialiser bytes than this (1..65,536).</summary>
    public int InitializerByteLimit { get; init; } = DefaultInitializerByteLimit;

    /// <summary>
    /// One line naming where the model came from (e.g. "fashion-dscnn/model.onnx"), written into the header
    /// comment; keep it free of dates so the output stays deterministic.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>Command that regenerates the file, written into the header comment.</summary>
    public string? RegenerateCommand { get; init; }
}
