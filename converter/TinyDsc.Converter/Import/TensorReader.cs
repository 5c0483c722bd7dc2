using System;
using System.Buffers.Binary;
using TinyDsc.Converter.Onnx;

namespace TinyDsc.Converter.Import;

/// <summary>
/// Decodes an ONNX <see cref="TensorProto"/> into a <see cref="ConstTensor"/>. Values may sit in raw_data
/// (little-endian, as the ONNX spec fixes) or in the typed repeated fields; which typed field holds which element type
/// follows the spec's table (float_data: FLOAT; int32_data: INT32, INT16, INT8, UINT16, UINT8, BOOL; int64_data:
/// INT64; double_data: DOUBLE; uint64_data: UINT32, UINT64). External data and segments are rejected.
/// </summary>
internal static class TensorReader
{
    public static ConstTensor Read(TensorProto t, string what)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
        {
            throw new OnnxImportException(
                $"{what}: tensor data is stored in an external file; TinyDsc reads only self-contained .onnx files (save with all tensors inside the model)");
        }
        if (t.Segment != null)
        {
            throw new OnnxImportException($"{what}: segmented tensors are not supported");
        }
        var shape = new long[t.Dims.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (t.Dims[i] < 0)
            {
                throw new OnnxImportException($"{what}: negative dimension {t.Dims[i]} in tensor dims {ConstTensor.Format(ToArray(t))}");
            }
            shape[i] = t.Dims[i];
        }
        long count = ConstTensor.CountOf(shape);
        if (count > int.MaxValue / 8)
        {
            throw new OnnxImportException($"{what}: tensor of {count} elements is too large");
        }
        int n = (int)count;
        int dt = t.DataType;
        if (t.HasRawData)
        {
            return ReadRaw(t.RawData.Span, dt, shape, n, what);
        }
        switch (dt)
        {
            case ConstTensor.Float:
                CheckCount(t.FloatData.Count, n, shape, what, "float_data");
                return ConstTensor.FromFloats(shape, Copy(t.FloatData));
            case ConstTensor.Double:
            {
                CheckCount(t.DoubleData.Count, n, shape, what, "double_data");
                var f = new float[n];
                for (int i = 0; i < n; i++)
                {
                    f[i] = (float)t.DoubleData[i];
                }
                return ConstTensor.FromFloats(shape, f, ConstTensor.Double);
            }
            case ConstTensor.Int64:
                CheckCount(t.Int64Data.Count, n, shape, what, "int64_data");
                return ConstTensor.FromInts(shape, Copy(t.Int64Data));
            case ConstTensor.Int32 or 5 or 3 or 4 or 2 or ConstTensor.Bool:
            {
                CheckCount(t.Int32Data.Count, n, shape, what, "int32_data");
                var v = new long[n];
                for (int i = 0; i < n; i++)
                {
                    v[i] = t.Int32Data[i];
                }
                return ConstTensor.FromInts(shape, v, dt);
            }
            case 12 or 13:
            {
                CheckCount(t.Uint64Data.Count, n, shape, what, "uint64_data");
                var v = new long[n];
                for (int i = 0; i < n; i++)
                {
                    v[i] = checked((long)t.Uint64Data[i]);
                }
                return ConstTensor.FromInts(shape, v, dt);
            }
            default:
                throw new OnnxImportException($"{what}: tensor element type {TypeName(dt)} is not supported (float, double and integer types are)");
        }
    }

    private static ConstTensor ReadRaw(ReadOnlySpan<byte> raw, int dt, long[] shape, int n, string what)
    {
        int size = dt switch
        {
            ConstTensor.Float or ConstTensor.Int32 or 12 => 4,
            ConstTensor.Double or ConstTensor.Int64 or 13 => 8,
            5 or 4 => 2,
            3 or 2 or ConstTensor.Bool => 1,
            _ => throw new OnnxImportException($"{what}: tensor element type {TypeName(dt)} is not supported (float, double and integer types are)"),
        };
        if (raw.Length != (long)n * size)
        {
            throw new OnnxImportException(
                $"{what}: raw_data has {raw.Length} bytes but dims {ConstTensor.Format(shape)} of {TypeName(dt)} need {(long)n * size}");
        }
        if (dt == ConstTensor.Float || dt == ConstTensor.Double)
        {
            var f = new float[n];
            for (int i = 0; i < n; i++)
            {
                f[i] = dt == ConstTensor.Float
                    ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i))
                    : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(8 * i));
            }
            return ConstTensor.FromFloats(shape, f, dt);
        }
        var v = new long[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = dt switch
            {
                ConstTensor.Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i)),
                13 => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(raw.Slice(8 * i))),
                ConstTensor.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i)),
                12 => BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(4 * i)),
                5 => BinaryPrimitives.ReadInt16LittleEndian(raw.Slice(2 * i)),
                4 => BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(2 * i)),
                3 => (sbyte)raw[i],
                _ => raw[i],
            };
        }
        return ConstTensor.FromInts(shape, v, dt);
    }

    public static string TypeName(int dt) => dt switch
    {
        0 => "UNDEFINED",
        1 => "FLOAT",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        6 => "INT32",
        7 => "INT64",
        8 => "STRING",
        9 => "BOOL",
        10 => "FLOAT16",
        11 => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        _ => $"type {dt}",
    };

    private static void CheckCount(int have, int need, long[] shape, string what, string field)
    {
        if (have != need)
        {
            throw new OnnxImportException($"{what}: {field} has {have} values but dims {ConstTensor.Format(shape)} need {need}");
        }
    }

    private static T[] Copy<T>(Google.Protobuf.Collections.RepeatedField<T> r)
    {
        var a = new T[r.Count];
        r.CopyTo(a, 0);
        return a;
    }

    private static long[] ToArray(TensorProto t)
    {
        var a = new long[t.Dims.Count];
        t.Dims.CopyTo(a, 0);
        return a;
    }
}
