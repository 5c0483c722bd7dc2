using System;
using Xunit;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// An array with guard bytes: the payload sits at Offset inside a larger array whose other bytes hold a sentinel,
/// so a kernel writing outside its range is caught by <see cref="AssertGuardsIntact"/>.
/// </summary>
public sealed class Guarded
{
    public const sbyte Sentinel = 0x5A;

    public readonly sbyte[] Array;
    public readonly int Offset;
    public readonly int Length;

    public Guarded(int length, int guardBefore = 13, int guardAfter = 17)
    {
        Array = new sbyte[guardBefore + length + guardAfter];
        System.Array.Fill(Array, Sentinel);
        Offset = guardBefore;
        Length = length;
    }

    public static Guarded From(sbyte[] data)
    {
        var g = new Guarded(data.Length);
        System.Array.Copy(data, 0, g.Array, g.Offset, data.Length);
        return g;
    }

    public sbyte[] Payload()
    {
        var p = new sbyte[Length];
        System.Array.Copy(Array, Offset, p, 0, Length);
        return p;
    }

    public void AssertGuardsIntact(string what)
    {
        for (int i = 0; i < Offset; i++)
        {
            Assert.True(Array[i] == Sentinel, $"{what}: guard byte {i - Offset} before the payload was overwritten");
        }

        for (int i = Offset + Length; i < Array.Length; i++)
        {
            Assert.True(Array[i] == Sentinel, $"{what}: guard byte {i - Offset - Length} after the payload was overwritten");
        }
    }
}
