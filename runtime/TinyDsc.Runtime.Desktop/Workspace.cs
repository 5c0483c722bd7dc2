using System;

namespace TinyDsc.Runtime.Desktop;

/// <summary>One thread's reusable buffers (padded images, im2col rows, accumulators): grown on demand, never shrunk.</summary>
internal sealed class Workspace
{
    [ThreadStatic]
    private static Workspace? _current;

    private readonly sbyte[][] _bytes = { Array.Empty<sbyte>(), Array.Empty<sbyte>() };
    private readonly byte[][] _unsigned = { Array.Empty<byte>(), Array.Empty<byte>() };
    private readonly int[][] _ints = { Array.Empty<int>(), Array.Empty<int>() };

    /// <summary>The calling thread's workspace.</summary>
    public static Workspace Current => _current ??= new Workspace();

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
