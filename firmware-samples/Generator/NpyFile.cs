using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace TinyDsc.Samples.Generator;

/// <summary>Reads a NumPy .npy file (format 1.x/2.x/3.x, C order) of float32/float64/int8/uint8/int32/int64 into doubles.</summary>
public sealed class NpyFile
{
    private NpyFile(int[] shape, double[] data)
    {
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    /// <summary>Elements in C (row-major) order.</summary>
    public double[] Data { get; }

    /// <exception cref="InvalidDataException">The file is not a supported .npy file (message names what is wrong).</exception>
    public static NpyFile Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException(path + ": not a .npy file (no \\x93NUMPY magic)");
        }

        int major = bytes[6];
        int headerLength;
        int headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            headerStart = 10;
        }
        else if (major is 2 or 3)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            headerStart = 12;
        }
        else
        {
            throw new InvalidDataException(path + ": unsupported .npy format version " + major.ToString(CultureInfo.InvariantCulture));
        }

        if (headerStart + headerLength > bytes.Length)
        {
            throw new InvalidDataException(path + ": header runs past the end of the file");
        }

        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        string descr = Field(header, "descr", path);
        if (Regex.IsMatch(header, @"'fortran_order'\s*:\s*True"))
        {
            throw new InvalidDataException(path + ": Fortran-order arrays are not supported");
        }

        Match shapeMatch = Regex.Match(header, @"'shape'\s*:\s*\(([^)]*)\)");
        if (!shapeMatch.Success)
        {
            throw new InvalidDataException(path + ": header has no shape");
        }

        string[] parts = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int[] shape = Array.ConvertAll(parts, p => int.Parse(p, CultureInfo.InvariantCulture));
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }

        int size = descr switch
        {
            "<f4" or "<i4" => 4,
            "<f8" or "<i8" => 8,
            "|u1" or "|i1" or "<u1" or "<i1" => 1,
            _ => throw new InvalidDataException(path + ": unsupported dtype " + descr + " (expected float32, float64, int8, uint8, int32 or int64)"),
        };
        int dataStart = headerStart + headerLength;
        if (dataStart + count * size != bytes.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: shape ({shapeMatch.Groups[1].Value}) of {descr} needs {count * size} data bytes, the file has {bytes.Length - dataStart}"));
        }

        var data = new double[count];
        ReadOnlySpan<byte> raw = bytes.AsSpan(dataStart);
        for (int i = 0; i < count; i++)
        {
            data[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4)),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8)),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4)),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * 8)),
                "|i1" or "<i1" => (sbyte)raw[i],
                _ => raw[i],
            };
        }

        return new NpyFile(shape, data);
    }

    private static string Field(string header, string name, string path)
    {
        Match m = Regex.Match(header, "'" + name + @"'\s*:\s*'([^']*)'");
        if (!m.Success)
        {
            throw new InvalidDataException(path + ": header has no " + name);
        }

        return m.Groups[1].Value;
    }
}
