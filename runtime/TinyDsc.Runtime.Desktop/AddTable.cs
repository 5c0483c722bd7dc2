using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Desktop;

/// <summary>
/// The int8 Add as a table: its output byte depends on nothing but the two input bytes, so the device's formula
/// (Add.Run, QuantMath.MultiplyByQuantizedMultiplier) is evaluated once for each of the 65,536 pairs, with the device's
/// own code, and the kernel looks the pairs up (input 0 in the high byte of the index). Same bytes by construction;
/// each element is read before it is written, so an output overlaying an input is fine (as on the device). Tables are
/// kept per parameter array (the Interpreter's per step) and checked against its values at every use.
/// </summary>
internal sealed class AddTable
{
    private static readonly ConditionalWeakTable<int[], AddTable> Tables = new();

    private readonly int[] _values;
    private readonly sbyte[] _table = new sbyte[65536];

    private AddTable(int[] v)
    {
        _values = (int[])v.Clone();
        var p = new AddParams
        {
            LeftShift = v[0], Input0Multiplier = v[1], Input0Shift = v[2], Input1Multiplier = v[3], Input1Shift = v[4],
            OutputMultiplier = v[5], OutputShift = v[6], Input0ZeroPoint = v[7], Input1ZeroPoint = v[8],
            OutputZeroPoint = v[9], ActMin = v[10], ActMax = v[11],
        };
        var a = new sbyte[256];
        var b = new sbyte[256];
        var row = new sbyte[256];
        for (int x = 0; x < 256; x++)
        {
            // Row x: input 0 is the byte x for every input-1 byte y; the device kernel computes the 256 outputs.
            for (int y = 0; y < 256; y++)
            {
                b[y] = (sbyte)x;
                a[y] = (sbyte)y;
            }

            Add.Run(ref p, b, 0, a, 0, row, 0, 256);
            Buffer.BlockCopy(row, 0, _table, x * 256, 256);
        }
    }

    /// <summary>
    /// True when the parameters are Add's 13 values with shifts the device takes (−31..30; LeftShift 0..30) and every
    /// range lies in the arena; otherwise the device kernel runs (and throws what it throws).
    /// </summary>
    public static bool Fits(int[] v, sbyte[] arena, int in0, int in1, int output)
    {
        if (v.Length < 13 || v[0] < 0 || v[0] > 30 || !Shift(v[2]) || !Shift(v[4]) || !Shift(v[6]))
        {
            return false;
        }

        long count = v[12];
        return count >= 0 && in0 >= 0 && in1 >= 0 && output >= 0 && in0 + count <= arena.Length && in1 + count <= arena.Length
            && output + count <= arena.Length;
    }

    private static bool Shift(int s) => s >= -31 && s <= 30;

    /// <summary>The table of these parameters (built on first use).</summary>
    public static AddTable Of(int[] v)
    {
        if (Tables.TryGetValue(v, out AddTable? t) && t.Matches(v))
        {
            return t;
        }

        t = new AddTable(v);
        Tables.AddOrUpdate(v, t);
        return t;
    }

    private bool Matches(int[] v) => v.AsSpan(0, 13).SequenceEqual(_values.AsSpan(0, 13));

    /// <summary>out[k] = table[in0[k], in1[k]] for k &lt; count (ranges checked by Fits).</summary>
    public void Run(sbyte[] arena, int in0, int in1, int output, int count)
    {
        ref byte a = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(arena));
        ref sbyte t = ref MemoryMarshal.GetArrayDataReference(_table);
        ref sbyte o = ref MemoryMarshal.GetArrayDataReference(arena);
        for (int k = 0; k < count; k++)
        {
            Unsafe.Add(ref o, output + k) = Unsafe.Add(ref t, (Unsafe.Add(ref a, in0 + k) << 8) | Unsafe.Add(ref a, in1 + k));
        }
    }
}
