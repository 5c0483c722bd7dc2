using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace TinyDsc.Converter.IO;

/// <summary>
/// NumPy .npy files (format versions 1.0, 2.0 and 3.0), C order, little-endian.
/// Reading as float32 accepts <c>&lt;f4</c> as is, <c>&lt;f8</c> rounded to the nearest float32, and <c>&lt;i4</c>/<c>&lt;i8</c>
/// converted to float32 (exact up to 2^24 in magnitude). Reading as int64 accepts <c>&lt;i8</c> and <c>&lt;i4</c>.
/// Fortran order, other dtypes, malformed headers and data shorter or longer than the header states are rejected
/// with an <see cref="NpyException"/> naming the file. Writing produces version 1.0 (2.0 if the header needs it)
/// files through a temporary file renamed into place, so a failed write never leaves a partial file.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Reads <paramref name="path"/> as float32.</summary>
    /// <exception cref="NpyException">Unreadable file, bad header, unsupported dtype or order, size mismatch.</exception>
    public static NpyArray<float> ReadFloat32(string path) => ReadFloat32(ReadFile(path), path);

    /// <summary>Reads <paramref name="path"/> as int64 (labels, class indices).</summary>
    public static NpyArray<long> ReadInt64(string path) => ReadInt64(ReadFile(path), path);

    public static NpyArray<float> ReadFloat32(byte[] bytes, string source)
    {
        var (descr, shape, segment) = Parse(bytes, source);
        ReadOnlySpan<byte> data = segment;
        int n = data.Length / ItemSize(descr);
        var r = new float[n];
        switch (descr)
        {
            case "<f4":
                for (int i = 0; i < n; i++)
                {
                    r[i] = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(4 * i));
                }
                break;
            case "<f8":
                for (int i = 0; i < n; i++)
                {
                    r[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(8 * i));
                }
                break;
            case "<i4":
                for (int i = 0; i < n; i++)
                {
                    r[i] = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(4 * i));
                }
                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    r[i] = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(8 * i));
                }
                break;
        }
        return new NpyArray<float>(source, shape, r);
    }

    /// <summary>Reads integers (labels, class indices): any of <see cref="IntegerTypes"/>; floats and other dtypes
    /// are refused with one message naming the dtype and the integer types accepted.</summary>
    public static NpyArray<long> ReadInt64(byte[] bytes, string source)
    {
        var (descr, shape, segment) = Parse(bytes, source, IntegerTypes);
        ReadOnlySpan<byte> data = segment;
        int size = ItemSize(descr);
        int n = data.Length / size;
        var r = new long[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> v = data.Slice(size * i);
            r[i] = descr switch
            {
                "|u1" => v[0],
                "|i1" => (sbyte)v[0],
                "<u2" => BinaryPrimitives.ReadUInt16LittleEndian(v),
                "<i2" => BinaryPrimitives.ReadInt16LittleEndian(v),
                "<u4" => BinaryPrimitives.ReadUInt32LittleEndian(v),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(v),
                _ => BinaryPrimitives.ReadInt64LittleEndian(v),
            };
        }
        return new NpyArray<long>(source, shape, r);
    }

    /// <summary>The dtypes <see cref="ReadInt64(string)"/> accepts: signed and unsigned integers up to 64 bits (not uint64).</summary>
    public static readonly string[] IntegerTypes = { "|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<i8" };

    private static readonly string[] FloatTypes = { "<f4", "<f8", "<i4", "<i8" };

    /// <summary>Writes float32 values of <paramref name="shape"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="NpyException">Shape and value count disagree, or the file cannot be written.</exception>
    public static void WriteFloat32(string path, int[] shape, ReadOnlySpan<float> values) =>
        WriteAtomically(path, EncodeFloat32(path, shape, values));

    /// <summary>The bytes of a .npy file holding float32 values of <paramref name="shape"/> (for <see cref="OutputFiles"/>).</summary>
    /// <param name="path">The file the bytes are meant for, named in errors.</param>
    /// <exception cref="NpyException">Shape and value count disagree.</exception>
    public static byte[] EncodeFloat32(string path, int[] shape, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return Encode(path, "<f4", shape, values.Length, bytes);
    }

    /// <summary>Writes int64 values of <paramref name="shape"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteInt64(string path, int[] shape, ReadOnlySpan<long> values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        }
        WriteAtomically(path, Encode(path, "<i8", shape, values.Length, bytes));
    }

    public static string FormatShape(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new NpyException($"{path}: cannot read: {e.Message}", e);
        }
    }

    private static int ItemSize(string descr) => descr[2] - '0';

    private static (string Descr, int[] Shape, ArraySegment<byte> Data) Parse(byte[] bytes, string source) =>
        Parse(bytes, source, FloatTypes);

    private static (string Descr, int[] Shape, ArraySegment<byte> Data) Parse(byte[] bytes, string source, string[] accepted)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new NpyException($"{source}: not a .npy file (missing \\x93NUMPY magic)");
        }
        int major = bytes[6];
        int headerLen, headerStart;
        if (major == 1)
        {
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            headerStart = 10;
        }
        else if (major == 2 || major == 3)
        {
            if (bytes.Length < 12)
            {
                throw new NpyException($"{source}: header is truncated");
            }
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            if (len > int.MaxValue - 12)
            {
                throw new NpyException($"{source}: header length {len} is larger than the file");
            }
            headerLen = (int)len;
            headerStart = 12;
        }
        else
        {
            throw new NpyException($"{source}: .npy format version {major}.{bytes[7]} is not supported (1.0, 2.0, 3.0 are)");
        }
        if (headerStart + headerLen > bytes.Length)
        {
            throw new NpyException($"{source}: header length {headerLen} runs past the end of the {bytes.Length}-byte file");
        }
        string header = major == 3
            ? Encoding.UTF8.GetString(bytes, headerStart, headerLen)
            : Encoding.Latin1.GetString(bytes, headerStart, headerLen);
        var dict = new HeaderParser(header, source).ParseDict();
        foreach (string key in dict.Keys)
        {
            if (key != "descr" && key != "fortran_order" && key != "shape")
            {
                throw new NpyException($"{source}: unexpected header key '{key}'");
            }
        }
        if (!dict.TryGetValue("descr", out object? d) || d is not string descr)
        {
            throw new NpyException($"{source}: header has no 'descr' string (structured dtypes are not supported)");
        }
        if (!dict.TryGetValue("fortran_order", out object? f) || f is not bool fortran)
        {
            throw new NpyException($"{source}: header has no 'fortran_order' True/False");
        }
        if (!dict.TryGetValue("shape", out object? s) || s is not List<long> dims)
        {
            throw new NpyException($"{source}: header has no 'shape' tuple");
        }
        if (fortran)
        {
            throw new NpyException($"{source}: Fortran-order arrays are not supported (save a C-order array, e.g. np.ascontiguousarray)");
        }
        if (Array.IndexOf(accepted, descr) < 0)
        {
            string hint = descr.Length > 0 && descr[0] == '>' ? " (big-endian)" : "";
            throw new NpyException(accepted == FloatTypes
                ? $"{source}: dtype '{descr}'{hint} is not supported (expected '<f4'; '<f8', '<i4', '<i8' are converted)"
                : $"{source}: dtype '{descr}'{hint} is not an integer type; class labels must be integers " +
                  $"({string.Join(", ", accepted.Select(t => "'" + t + "'"))}), e.g. np.save(path, labels.astype(np.int64))");
        }
        long count = 1;
        foreach (long dim in dims)
        {
            if (dim < 0)
            {
                throw new NpyException($"{source}: negative dimension in shape ({string.Join(", ", dims)})");
            }
            count *= dim;
            if (count > int.MaxValue / 8)
            {
                throw new NpyException($"{source}: shape ({string.Join(", ", dims)}) is too large");
            }
        }
        int size = ItemSize(descr);
        long need = count * size;
        long have = bytes.Length - headerStart - headerLen;
        var shape = dims.Select(x => (int)x).ToArray();
        if (have != need)
        {
            throw new NpyException(
                $"{source}: header says shape {FormatShape(shape)} of {descr} ({need} data bytes) but the file has {have} data bytes{(have < need ? " (truncated?)" : "")}");
        }
        return (descr, shape, new ArraySegment<byte>(bytes, headerStart + headerLen, (int)need));
    }

    private static byte[] Encode(string path, string descr, int[] shape, int count, byte[] data)
    {
        long expected = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new NpyException($"{path}: cannot write shape {FormatShape(shape)} with a negative dimension");
            }
            expected *= d;
        }
        if (expected != count)
        {
            throw new NpyException($"{path}: shape {FormatShape(shape)} needs {expected} values, got {count}");
        }
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {FormatShape(shape)}, }}";
        // Pad with spaces and end with '\n' so the data starts on a 64-byte boundary, as NumPy writes it.
        bool v2 = dict.Length + 11 > ushort.MaxValue;
        int prefix = v2 ? 12 : 10;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefix - 1) + "\n";
        using var ms = new MemoryStream();
        ms.Write(Magic);
        ms.WriteByte(v2 ? (byte)2 : (byte)1);
        ms.WriteByte(0);
        var len = new byte[v2 ? 4 : 2];
        if (v2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        }
        ms.Write(len);
        ms.Write(Encoding.Latin1.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        try
        {
            OutputFiles.Write(path, bytes);
        }
        catch (OutputFileException e)
        {
            throw new NpyException(e.Message, e);
        }
    }

    /// <summary>Parses the Python dict literal of a .npy header: string keys; string, True/False and int-tuple values.</summary>
    private sealed class HeaderParser
    {
        private readonly string _s;
        private readonly string _source;
        private int _pos;

        public HeaderParser(string s, string source)
        {
            _s = s;
            _source = source;
        }

        public Dictionary<string, object> ParseDict()
        {
            var r = new Dictionary<string, object>();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }
                string key = ParseString();
                Expect(':');
                if (!r.TryAdd(key, ParseValue()))
                {
                    throw Error($"duplicate key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != '}')
                {
                    throw Error("expected ',' or '}'");
                }
            }
            SkipSpace();
            if (_pos != _s.Length)
            {
                throw Error("unexpected text after the dict");
            }
            return r;
        }

        private object ParseValue()
        {
            SkipSpace();
            char c = Peek();
            if (c == '\'' || c == '"')
            {
                return ParseString();
            }
            if (c == '(')
            {
                return ParseTuple();
            }
            if (Take("True"))
            {
                return true;
            }
            if (Take("False"))
            {
                return false;
            }
            throw Error("expected a string, True/False or a tuple");
        }

        private List<long> ParseTuple()
        {
            Expect('(');
            var r = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _pos++;
                    return r;
                }
                int start = _pos;
                if (Peek() == '-')
                {
                    _pos++;
                }
                while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
                {
                    _pos++;
                }
                // Python 2 era headers may write long ints with an L suffix.
                string digits = _s[start.._pos];
                if (_pos < _s.Length && _s[_pos] == 'L')
                {
                    _pos++;
                }
                if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                {
                    throw Error("expected an integer in the shape tuple");
                }
                r.Add(v);
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != ')')
                {
                    throw Error("expected ',' or ')' in the shape tuple");
                }
            }
        }

        private string ParseString()
        {
            SkipSpace();
            char q = Peek();
            if (q != '\'' && q != '"')
            {
                throw Error("expected a quoted key");
            }
            int end = _s.IndexOf(q, _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }
            string v = _s[(_pos + 1)..end];
            _pos = end + 1;
            return v;
        }

        private bool Take(string word)
        {
            if (string.CompareOrdinal(_s, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                return true;
            }
            return false;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }
            _pos++;
        }

        private char Peek() => _pos < _s.Length ? _s[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < _s.Length && char.IsWhiteSpace(_s[_pos]))
            {
                _pos++;
            }
        }

        private NpyException Error(string what) =>
            new($"{_source}: malformed header at character {_pos}: {what} (header: {_s.Trim()})");
    }
}
