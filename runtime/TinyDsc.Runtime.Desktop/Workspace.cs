using System;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// Reusable buffers (padded images, im2col rows, accumulators) of one interpreter, kept with its arena (an interpreter
/// runs on one thread at a time, and so does its arena): grown on demand, never shrunk. Kept per arena rather than per
/// thread so that an interpreter finds its buffers already grown on whichever thread runs it (a batch runner's worker
/// interpreters need not run on the same threads from one batch to the next).
/// </summary>
internal sealed class Workspace
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<sbyte[], Workspace> ByArena = new();

    [ThreadStatic]
    private static sbyte[]? _lastArena;

    [ThreadStatic]
    private static Workspace? _last;

    private readonly sbyte[][] _bytes = { Array.Empty<sbyte>(), Array.Empty<sbyte>() };
    private readonly byte[][] _unsigned = { Array.Empty<byte>(), Array.Empty<byte>() };
    private readonly int[][] _ints = { Array.Empty<int>(), Array.Empty<int>() };

    /// <summary>The workspace of the interpreter whose arena is <paramref name="arena"/>.</summary>
    public static Workspace For(sbyte[] arena)
    {
        if (ReferenceEquals(arena, _lastArena) && _last != null)
        {
            return _last;
        }

        Workspace ws = ByArena.GetValue(arena, _ => new Workspace());
        _lastArena = arena;
        _last = ws;
        return ws;
    }

    /// <summary>Byte buffer number <paramref name="slot"/> (0 or 1), at least <paramref name="length"/> long.</summary>
    public sbyte[] Bytes(int slot, int length)
    {
        if (_bytes[slot].Length < length)
        {
            _bytes[slot] = new sbyte[Math.Max(length, _bytes[slot].Length * 2)];
        }

        return _bytes[slot];
    }

    /// <summary>Unsigned byte buffer number <paramref name="slot"/> (0 or 1), at least <paramref name="length"/> long.</summary>
    public byte[] Unsigned(int slot, int length)
    {
        if (_unsigned[slot].Length < length)
        {
            _unsigned[slot] = new byte[Math.Max(length, _unsigned[slot].Length * 2)];
        }

        return _unsigned[slot];
    }

    /// <summary>Int buffer number <paramref name="slot"/> (0 or 1), at least <paramref name="length"/> long.</summary>
    public int[] Ints(int slot, int length)
    {
        if (_ints[slot].Length < length)
        {
            _ints[slot] = new int[Math.Max(length, _ints[slot].Length * 2)];
        }

        return _ints[slot];
    }
}
