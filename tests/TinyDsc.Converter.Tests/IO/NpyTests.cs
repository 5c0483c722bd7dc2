using System;
using System.IO;
using System.Linq;
using System.Text;
using TinyDsc.Converter.IO;
using Xunit;

namespace TinyDsc.Converter.Tests.IO;

public sealed class NpyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinydsc-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A .npy file with the given header dict text and data, in format version <paramref name="major"/>.</summary>
    private static byte[] Make(string dict, byte[] data, int major = 1)
    {
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + "\n");
        var prefix = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var len = major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length);
        return prefix.Concat(len).Concat(header).Concat(data).ToArray();
    }

    private static byte[] Bytes<T>(params T[] values) where T : struct
    {
        var r = new byte[Buffer.ByteLength(values)];
        Buffer.BlockCopy(values, 0, r, 0, r.Length);
        return r;
    }

    [Fact]
    public void Float32RoundTrip()
    {
        string path = Path.Combine(_dir, "x.npy");
        float[] values = { 1.5f, -0f, float.MaxValue, 1e-30f, 3, 4 };
        Npy.WriteFloat32(path, new[] { 2, 1, 3 }, values);
        var a = Npy.ReadFloat32(path);
        Assert.Equal(new[] { 2, 1, 3 }, a.Shape);
        Assert.Equal(values, a.Data);
        var bytes = File.ReadAllBytes(path);
        // NumPy's layout: version 1.0, data aligned to 64 bytes, header ends with '\n'.
        Assert.Equal(1, bytes[6]);
        Assert.Equal(0, (bytes.Length - values.Length * 4) % 64);
        Assert.Equal((byte)'\n', bytes[bytes.Length - values.Length * 4 - 1]);
        Assert.Contains("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 3), }", Encoding.Latin1.GetString(bytes));
    }

    [Fact]
    public void Int64RoundTripAndOneDimShape()
    {
        string path = Path.Combine(_dir, "labels.npy");
        long[] values = { 0, 9, long.MinValue, long.MaxValue };
        Npy.WriteInt64(path, new[] { 4 }, values);
        var a = Npy.ReadInt64(path);
        Assert.Equal(new[] { 4 }, a.Shape);
        Assert.Equal(values, a.Data);
        Assert.Contains("'shape': (4,)", Encoding.Latin1.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void ScalarAndEmptyArrays()
    {
        string path = Path.Combine(_dir, "s.npy");
        Npy.WriteFloat32(path, Array.Empty<int>(), new[] { 7f });
        Assert.Equal(new[] { 7f }, Npy.ReadFloat32(path).Data);
        Npy.WriteFloat32(path, new[] { 0, 3 }, Array.Empty<float>());
        Assert.Equal(new[] { 0, 3 }, Npy.ReadFloat32(path).Shape);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsVersion2And3Headers(int major)
    {
        var a = Npy.ReadFloat32(Make("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Bytes(1f, 2f), major), "v.npy");
        Assert.Equal(new[] { 1f, 2f }, a.Data);
    }

    [Fact]
    public void ConvertsFloat64AndIntegersToFloat32()
    {
        Assert.Equal(new[] { 0.1f, -2.5f }, Npy.ReadFloat32(Make("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", Bytes(0.1, -2.5)), "d.npy").Data);
        Assert.Equal(new[] { 3f, -4f }, Npy.ReadFloat32(Make("{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}", Bytes(3L, -4L)), "l.npy").Data);
        Assert.Equal(new[] { 5f }, Npy.ReadFloat32(Make("{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (1,)}", Bytes(5)), "i.npy").Data);
        Assert.Equal(new long[] { 5, -1 }, Npy.ReadInt64(Make("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}", Bytes(5, -1)), "i.npy").Data);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "f.npy: Fortran-order arrays are not supported")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "f.npy: dtype '>f4' (big-endian) is not supported")]
    [InlineData("{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }", "f.npy: dtype '<f2' is not supported (expected '<f4'; '<f8', '<i4', '<i8' are converted)")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "f.npy: malformed header at character 10: expected a string, True/False or a tuple")]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "f.npy: header has no 'fortran_order' True/False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "f.npy: malformed header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", "f.npy: negative dimension in shape (2, -1)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", "f.npy: malformed header at character 56: expected ',' or '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "f.npy: header says shape (3,) of <f4 (12 data bytes) but the file has 8 data bytes (truncated?)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "f.npy: header says shape (1,) of <f4 (4 data bytes) but the file has 8 data bytes")]
    public void BadHeadersAndSizesAreNamed(string dict, string message)
    {
        var e = Assert.Throws<NpyException>(() => Npy.ReadFloat32(Make(dict, Bytes(1f, 2f)), "f.npy"));
        Assert.StartsWith(message, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void UnknownHeaderKeyIsNamed()
    {
        var e = Assert.Throws<NpyException>(() => Npy.ReadFloat32(Make("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 'y'}", Bytes(1f, 2f)), "f.npy"));
        Assert.Equal("f.npy: unexpected header key 'x'", e.Message);
    }

    [Fact]
    public void BadMagicVersionAndHeaderLength()
    {
        Assert.StartsWith("a.npy: not a .npy file", Assert.Throws<NpyException>(() => Npy.ReadFloat32(Encoding.ASCII.GetBytes("hello world, no magic"), "a.npy")).Message);
        var v4 = Make("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}", Array.Empty<byte>());
        v4[6] = 4;
        Assert.StartsWith("a.npy: .npy format version 4.0 is not supported", Assert.Throws<NpyException>(() => Npy.ReadFloat32(v4, "a.npy")).Message);
        var longHeader = Make("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}", Array.Empty<byte>());
        longHeader[8] = 0xff;
        Assert.StartsWith("a.npy: header length", Assert.Throws<NpyException>(() => Npy.ReadFloat32(longHeader, "a.npy")).Message);
    }

    [Fact]
    public void FloatFileReadAsIntegersIsRejected()
    {
        var e = Assert.Throws<NpyException>(() => Npy.ReadInt64(Make("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", Bytes(1f, 2f)), "l.npy"));
        Assert.Equal("l.npy: dtype '<f4' is not an integer type; class labels must be integers ('|u1', '|i1', '<u2', '<i2', " +
            "'<u4', '<i4', '<i8'), e.g. np.save(path, labels.astype(np.int64))", e.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(_dir, "missing.npy");
        Assert.StartsWith($"{path}: cannot read", Assert.Throws<NpyException>(() => Npy.ReadFloat32(path)).Message);
    }

    [Fact]
    public void ExpectShapeNamesBothShapes()
    {
        var a = new NpyArray<float>("in.npy", new[] { 2, 4, 8, 8 }, new float[512]);
        a.ExpectShape(-1, 4, 8, 8);
        Assert.Equal("in.npy: array has shape (2, 4, 8, 8), expected (N, 3, 8, 8)", Assert.Throws<NpyException>(() => a.ExpectShape(-1, 3, 8, 8)).Message);
        Assert.Throws<NpyException>(() => a.ExpectShape(-1, 256));
    }

    [Fact]
    public void WriteRejectsCountMismatchAndLeavesNoFile()
    {
        string path = Path.Combine(_dir, "bad.npy");
        var e = Assert.Throws<NpyException>(() => Npy.WriteFloat32(path, new[] { 2, 2 }, new float[3]));
        Assert.Equal($"{path}: shape (2, 2) needs 4 values, got 3", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void FailedWriteKeepsTheOldFileAndLeavesNoTemporary()
    {
        string path = Path.Combine(_dir, "keep.npy");
        Npy.WriteFloat32(path, new[] { 1 }, new[] { 1f });
        // A directory in the way of the rename makes the final step fail after the temporary file was written.
        string blocked = Path.Combine(_dir, "dir.npy");
        Directory.CreateDirectory(blocked);
        Assert.Throws<NpyException>(() => Npy.WriteFloat32(blocked, new[] { 1 }, new[] { 2f }));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
        Npy.WriteFloat32(path, new[] { 2 }, new[] { 3f, 4f });
        Assert.Equal(new[] { 3f, 4f }, Npy.ReadFloat32(path).Data);
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }
}
