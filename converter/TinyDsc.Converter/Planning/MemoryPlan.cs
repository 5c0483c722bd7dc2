using System.Collections.Generic;

namespace TinyDsc.Converter.Planning;

/// <summary>The result of planning: an arena offset per buffer, the arena size and the lower bound it is compared to.</summary>
public sealed class MemoryPlan
{
    public MemoryPlan(IReadOnlyList<int> offsets, int arenaBytes, int lowerBoundBytes)
    {
        Offsets = offsets;
        ArenaBytes = arenaBytes;
        LowerBoundBytes = lowerBoundBytes;
    }

    /// <summary>Arena offset of each buffer, in the order the buffers were given.</summary>
    public IReadOnlyList<int> Offsets { get; }

    /// <summary>Bytes the arena needs: max over buffers of offset + size.</summary>
    public int ArenaBytes { get; }

    /// <summary>
    /// Max over ops of the bytes live during that op. No placement of these lifetimes can use less, since every
    /// buffer live at the same op needs its own bytes.
    /// </summary>
    public int LowerBoundBytes { get; }
}
