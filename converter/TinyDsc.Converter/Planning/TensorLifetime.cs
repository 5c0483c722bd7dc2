namespace TinyDsc.Converter.Planning;

/// <summary>
/// One activation buffer to place in the arena: its size in bytes and the inclusive range of operator indices
/// (execution order) during which it must hold its value. A buffer is live from the op that writes it (0 for the
/// graph input) through the last op that reads it (the last op for the graph output).
/// </summary>
public readonly record struct TensorLifetime(int Size, int FirstOp, int LastOp)
{
    /// <summary>True when both buffers are live during at least one common op.</summary>
    public bool Intersects(TensorLifetime other) => FirstOp <= other.LastOp && other.FirstOp <= LastOp;
}
