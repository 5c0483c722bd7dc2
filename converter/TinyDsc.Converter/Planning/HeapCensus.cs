using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace TinyDsc.Converter.Planning;

/// <summary>
/// What an object graph occupies on nanoCLR's heap, by its layout rules: every object is one header block plus one
/// block per instance field; a struct-typed field of a class is also a separate boxed object (header + its fields);
/// an array is a header plus its elements packed (1 byte per sbyte, 4 per int, one block per reference), rounded up
/// to whole blocks. On an ESP32 (32-bit) a block is 12 bytes and an array header 20; on the 64-bit Linux host 24 and
/// 32. Walks the desktop objects by reflection (the runtime is the same source), so it counts exactly the objects a
/// graph holds. The device lane (tests/TinyDsc.Firmware.Tests/DeviceLane) checks its host figure against nanoCLR's own
/// heap dump; <see cref="BoardFit"/> uses its ESP32 figure.
/// </summary>
public sealed class HeapCensus
{
    /// <summary>Class instances counted.</summary>
    public int Objects { get; private set; }
    /// <summary>Their instance fields, one block each.</summary>
    public int Fields { get; private set; }
    /// <summary>Struct-typed fields of classes, each a boxed object.</summary>
    public int BoxedStructs { get; private set; }
    /// <summary>The fields of those boxed structs.</summary>
    public int BoxedFields { get; private set; }
    /// <summary>Every array counted: element type and length.</summary>
    public List<(Type Element, int Length)> Arrays { get; } = new();

    /// <summary>Counts every object reachable from <paramref name="roots"/>, each once.</summary>
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
    public long ClassBytes(HeapLayout l) => (long)(Objects + Fields) * l.Block;

    /// <summary>Bytes of boxed struct fields.</summary>
    public long ValueTypeBytes(HeapLayout l) => (long)(BoxedStructs + BoxedFields) * l.Block;

    /// <summary>Bytes of arrays whose element type matches.</summary>
    public long ArrayBytes(HeapLayout l, Func<Type, bool> element) =>
        Arrays.Where(a => element(a.Element)).Sum(a => RoundUp(l.ArrayHeader + (long)a.Length * ElementBytes(a.Element, l), l.Block));

    /// <summary>Bytes of everything counted.</summary>
    public long Total(HeapLayout l) => ClassBytes(l) + ValueTypeBytes(l) + ArrayBytes(l, _ => true);

    private static long RoundUp(long bytes, int block) => (bytes + block - 1) / block * block;

    private static int ElementBytes(Type t, HeapLayout l) =>
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
public sealed record HeapLayout(string Name, int Block, int ArrayHeader)
{
    /// <summary>ESP32 and every 32-bit target: CLR_RT_HeapBlock 12 bytes, CLR_RT_HeapBlock_Array 20.</summary>
    public static readonly HeapLayout Esp32 = new("ESP32", 12, 20);

    /// <summary>The 64-bit Linux host build: CLR_RT_HeapBlock 24 bytes, CLR_RT_HeapBlock_Array 32.</summary>
    public static readonly HeapLayout Host64 = new("64-bit host", 24, 32);
}
