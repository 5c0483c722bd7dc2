using System;
using System.Linq;

namespace TinyDsc.Converter.Import;

/// <summary>
/// A tensor known at import time (initializer, Constant node, or the result of evaluating a constant subgraph).
/// Floating types (FLOAT, DOUBLE) are held as float32 in <see cref="Floats"/>; integer and BOOL types as int64 in
/// <see cref="Ints"/>. <see cref="DataType"/> keeps the ONNX element type code so Cast and error messages stay exact.
/// </summary>
internal sealed class ConstTensor
{
    public const int Float = 1, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;

    public long[] Shape { get; }
    public int DataType { get; }
    public float[]? Floats { get; }
    public long[]? Ints { get; }

    private ConstTensor(long[] shape, int dataType, float[]? floats, long[]? ints)
    {
        Shape = shape;
        DataType = dataType;
        Floats = floats;
        Ints = ints;
    }

    public static ConstTensor FromFloats(long[] shape, float[] values, int dataType = Float)
    {
        Check(shape, values.Length);
        return new ConstTensor(shape, dataType, values, null);
    }

    public static ConstTensor FromInts(long[] shape, long[] values, int dataType = Int64)
    {
        Check(shape, values.Length);
        return new ConstTensor(shape, dataType, null, values);
    }

    public bool IsFloat => Floats != null;

    public int Count => IsFloat ? Floats!.Length : Ints!.Length;

    public int Rank => Shape.Length;

    public static bool IsFloatType(int dataType) => dataType == Float || dataType == Double;

    public static bool IsIntType(int dataType) => dataType is 2 or 3 or 4 or 5 or Int32 or Int64 or Bool or 12 or 13;

    /// <summary>Element <paramref name="i"/> as double (exact for every value these tensors hold in practice).</summary>
    public double this[int i] => IsFloat ? Floats![i] : Ints![i];

    /// <summary>The values as float32 (integers converted).</summary>
    public float[] AsFloats() => Floats ?? Ints!.Select(v => (float)v).ToArray();

    /// <summary>The values as int64; floating values must be integral.</summary>
    public long[] AsInts(string what)
    {
        if (Ints != null)
        {
            return Ints;
        }
        var r = new long[Floats!.Length];
        for (int i = 0; i < r.Length; i++)
        {
            float f = Floats[i];
            if (f != MathF.Floor(f))
            {
                throw new OnnxImportException($"{what}: expected integer values, got {f.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
            r[i] = (long)f;
        }
        return r;
    }

    public ConstTensor WithShape(long[] shape) => IsFloat ? FromFloats(shape, Floats!, DataType) : FromInts(shape, Ints!, DataType);

    public static long CountOf(long[] shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
        }
        return n;
    }

    public static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static void Check(long[] shape, int count)
    {
        if (CountOf(shape) != count)
        {
            throw new ArgumentException($"shape {Format(shape)} needs {CountOf(shape)} values, got {count}");
        }
    }
}
