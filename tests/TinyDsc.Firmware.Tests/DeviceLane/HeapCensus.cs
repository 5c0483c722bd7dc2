#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace TinyDsc.Firmware.Tests.DeviceLane;

/// <summary>
/// What an object graph occupies on nanoCLR's heap, by its layout rules: every object is one header block plus one
/// block per instance field; a struct-typed field of a class is also a separate boxed object (header + its fields);
/// an array is a header plus its elements packed (1 byte per sbyte, 4 per int, one block per reference), rounded up
/// to whole blocks. On an ESP32 (32-bit) a block is 12 bytes and an array header 20; on the 64-bit Linux host 24 and
/// 32. Walks the desktop objects by reflection (the runtime is the same source), so it counts exactly the objects a
/// graph holds; the lane checks its host figure against nanoCLR's own heap dump.
/// </summary>
internal sealed class HeapCensus
{
    public int Objects { get; private set; }
    public int Fields { get; private set; }
    public int BoxedStructs { get; private set; }
    public int BoxedFields { get; private set; }
    public List<(Type Element, int Length)> Arrays { get; } = new();

    public static HeapCensus Of(params object[] roots)
    {
        var census = new HeapCensus();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object root in roots)
        {
            census.Walk(root, seen);
        }

        return census;
    }

    /// <summary>Bytes of class instances (headers and field blocks).</summary>
    public long ClassBytes(Layout l) => (long)(Objects + Fields) * l.Block;

    /// <summary>Bytes of boxed struct fields.</summary>
    public long ValueTypeBytes(Layout l) => (long)(BoxedStructs + BoxedFields) * l.Block;

    /// <summary>Bytes of arrays whose element type matches.</summary>
    public long ArrayBytes(Layout l, Func<Type, bool> element) =>
        Arrays.Where(a => element(a.Element)).Sum(a => RoundUp(l.ArrayHeader + (long)a.Length * ElementBytes(a.Element, l), l.Block));

    public long Total(Layout l) => ClassBytes(l) + ValueTypeBytes(l) + ArrayBytes(l, _ => true);

    private static long RoundUp(long bytes, int block) => (bytes + block - 1) / block * block;

    private static int ElementBytes(Type t, Layout l) =>
        !t.IsValueType ? l.Block : t == typeof(sbyte) || t == typeof(byte) || t == typeof(bool) ? 1
        : t == typeof(short) || t == typeof(ushort) || t == typeof(char) ? 2
        : t == typeof(long) || t == typeof(ulong) || t == typeof(double) ? 8 : 4;

    private void Walk(object o, HashSet<object> seen)
    {
        if (o == null || !seen.Add(o))
        {
            return;
        }

        if (o is Array a)
        {
            Type element = a.GetType().GetElementType()!;
            Arrays.Add((element, a.Length));
            if (!element.IsValueType)
            {
                foreach (object item in a)
                {
                    Walk(item, seen);
                }
            }

            return;
        }

        Objects++;
        foreach (FieldInfo f in InstanceFields(o.GetType()))
        {
            Fields++;
            object? value = f.GetValue(o);
            if (f.FieldType.IsValueType && !f.FieldType.IsPrimitive && !f.FieldType.IsEnum)
            {
                BoxedStructs++;
                BoxedFields += InstanceFields(f.FieldType).Count();
            }
            else if (!f.FieldType.IsValueType && value != null)
            {
                Walk(value, seen);
            }
        }
    }

    private static IEnumerable<FieldInfo> InstanceFields(Type t)
    {
        for (Type? x = t; x != null && x != typeof(object); x = x.BaseType)
        {
            foreach (FieldInfo f in x.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return f;
            }
        }
    }
}

/// <summary>Heap block and array-header sizes of a nanoCLR build.</summary>
internal sealed record Layout(string Name, int Block, int ArrayHeader)
{
    /// <summary>ESP32 and every 32-bit target: CLR_RT_HeapBlock 12 bytes, CLR_RT_HeapBlock_Array 20.</summary>
    public static readonly Layout Esp32 = new("ESP32", 12, 20);

    /// <summary>The 64-bit Linux host build: CLR_RT_HeapBlock 24 bytes, CLR_RT_HeapBlock_Array 32.</summary>
    public static readonly Layout Host64 = new("64-bit host", 24, 32);
}
