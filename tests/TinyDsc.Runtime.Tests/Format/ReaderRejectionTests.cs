using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// One field of a valid file (TestModels.EveryOp) broken at its FORMAT.md offset; the loader must throw
/// ModelFormatException naming the field and values. Field-level cases recompute the CRC so they reach the check
/// they target. Each case is loaded through all three entry points (one array, two arrays, a streamed source).
/// EveryOp: 11 tensors, 10 ops (0 conv 3x3, 1 depthwise, 2 grouped 1x1, 3 add, 4 avg pool, 5 max pool, 6 dilated conv, 7 GAP, 8 reshape, 9 FC); tensor t is ops' output t - 1; arena offsets consecutive.
/// </summary>
public class ReaderRejectionTests
{
    private sealed record Case(Action<TdscBytes> Mutate, bool FixCrc, params string[] Expect);

    // Tensor record slots and operator record slots as numbered in FORMAT.md.
    private const int Rank = 0, Dim0 = 1, Dim2 = 3, Scale = 5, Zp = 6, Arena = 7, Size = 8, TReserved = 9;
    private const int Code = 0, In0 = 1, In1 = 2, Out = 3, ActMin = 4, ActMax = 5, KernelH = 6, StrideH = 8, DilationH = 10;
    private const int PadTop = 12, Groups = 16, WOff = 17, BOff = 18, MOff = 19, SOff = 20, P0 = 21;

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["shorter than header"] = new(f => f.Bytes = f.Bytes[..40], false, "header", "40 bytes", "64-byte header"),
        ["empty file"] = new(f => f.Bytes = Array.Empty<byte>(), false, "header", "0 bytes"),
        ["bad magic"] = new(f => f.Bytes[0] = (byte)'X', false, "magic", "TDSC"),
        ["wrong major version"] = new(f => BinaryPrimitives.WriteUInt16LittleEndian(f.Bytes.AsSpan(4), 2), false, "version major 2"),
        ["file size field mismatch"] = new(f => f.SetI32(8, 9999), false, "file size field 9999", "bytes given"),
        ["truncated by 4 bytes"] = new(f => f.Bytes = f.Bytes[..^4], false, "file size field"),
        ["one extra byte"] = new(f => f.Bytes = f.Bytes.Concat(new byte[1]).ToArray(), false, "file size field"),
        ["crc mismatch"] = new(f => f.Bytes[f.DataOffset + 5] ^= 0x10, false, "CRC32"),
        ["crc field corrupted"] = new(f => f.Bytes[12] ^= 1, false, "CRC32 field"),
        ["header size 60"] = new(f => f.SetI32(16, 60), true, "header size 60"),
        ["tensor count 0"] = new(f => f.SetI32(20, 0), true, "tensor count 0", "1..4096"),
        ["tensor count 4097"] = new(f => f.SetI32(20, 4097), true, "tensor count 4097"),
        ["tensor count negative"] = new(f => f.SetI32(20, int.MinValue), true, "tensor count -2147483648"),
        ["tensor count inconsistent with tables"] = new(f => f.SetI32(20, 12), true, "operator table offset 504", "64 + 40 · 12 = 544"),
        ["operator count 0"] = new(f => f.SetI32(24, 0), true, "operator count 0"),
        ["operator count 5000"] = new(f => f.SetI32(24, 5000), true, "operator count 5000"),
        ["operator count inconsistent with data offset"] = new(f => f.SetI32(24, 9), true, "data offset 1784", "504 + 128 · 9 = 1656"),
        ["tensor table offset"] = new(f => f.SetI32(40, 68), true, "tensor table offset 68"),
        ["operator table offset"] = new(f => f.SetI32(44, int.MaxValue), true, "operator table offset 2147483647"),
        ["data offset"] = new(f => f.SetI32(48, 1788), true, "data offset 1788"),
        ["data size not multiple of 4"] = new(f => f.SetI32(52, f.DataSize - 2), true, "data size", "multiple of 4"),
        ["data size past file"] = new(f => f.SetI32(52, f.DataSize + 4), true, "data offset + data size"),
        ["data size negative"] = new(f => f.SetI32(52, -4), true, "data size -4"),
        ["reserved header byte"] = new(f => f.Bytes[61] = 1, true, "reserved byte 61"),
        ["input tensor out of range"] = new(f => f.SetI32(28, 11), true, "input tensor index 11", "0..10"),
        ["output tensor negative"] = new(f => f.SetI32(32, -1), true, "output tensor index -1"),
        ["output equals input"] = new(f => f.SetI32(32, 0), true, "output tensor 0 is the same as the input"),
        ["arena size 0"] = new(f => f.SetI32(36, 0), true, "arena size 0"),
        ["arena size above 2^30"] = new(f => f.SetI32(36, (1 << 30) + 1), true, "arena size 1073741825"),
        ["tensor rank 5"] = new(f => f.SetTensor(3, Rank, 5), true, "tensor 3: rank 5"),
        ["tensor rank 0"] = new(f => f.SetTensor(3, Rank, 0), true, "tensor 3: rank 0"),
        ["tensor dim 0"] = new(f => f.SetTensor(3, Dim2, 0), true, "tensor 3: dims[2] = 0"),
        ["tensor dim beyond rank"] = new(f => f.SetTensor(9, Dim2, 2), true, "tensor 9: dims[2] = 2", "beyond rank 2"),
        ["tensor batch 2"] = new(f => f.SetTensor(1, Dim0, 2), true, "tensor 1: batch dims[0] = 2"),
        ["tensor element count overflow"] = new(f => { f.SetTensor(1, Dim0 + 1, 65536); f.SetTensor(1, Dim2, 65536); }, true, "tensor 1", "exceeds 2^30"),
        ["tensor byte size mismatch"] = new(f => f.SetTensor(2, Size, 513), true, "tensor 2: byte size 513", "element count 256"),
        ["tensor scale zero"] = new(f => f.SetTensor(2, Scale, 0), true, "tensor 2: scale 0"),
        ["tensor scale negative"] = new(f => f.SetTensor(2, Scale, BitConverter.SingleToInt32Bits(-1f)), true, "tensor 2: scale -1"),
        ["tensor scale NaN"] = new(f => f.SetTensor(2, Scale, 0x7FC00000), true, "tensor 2: scale NaN"),
        ["tensor scale infinite"] = new(f => f.SetTensor(2, Scale, 0x7F800000), true, "tensor 2: scale", "finite"),
        ["tensor zero point 128"] = new(f => f.SetTensor(2, Zp, 128), true, "tensor 2: zero point 128"),
        ["tensor past arena"] = new(f => f.SetTensor(10, Arena, 1845), true, "tensor 10: arena range [1845, 1855)", "[0, 1850)"),
        ["tensor offset negative"] = new(f => f.SetTensor(10, Arena, -2), true, "tensor 10: arena range [-2"),
        ["tensor offset -1 outside a fused block"] = new(f => f.SetTensor(10, Arena, -1), true, "tensor 10: arena offset -1 is allowed only for a tensor inside a fused block"),
        ["tensor reserved"] = new(f => f.SetTensor(4, TReserved, 9), true, "tensor 4: reserved field = 9"),
        ["op code 0"] = new(f => f.SetOp(4, Code, 0), true, "operator 4 (op code 0): op code 0 is unknown"),
        ["op code 9"] = new(f => f.SetOp(4, Code, 9), true, "operator 4 (op code 9)", "unknown"),
        ["fused block without members"] = new(f => f.SetOp(4, Code, 8), true, "operator 4 (FusedBlock): "),
        ["input index out of range"] = new(f => f.SetOp(2, In0, 99), true, "operator 2 (Conv2D): input 0 index 99"),
        ["input 1 on conv"] = new(f => f.SetOp(2, In1, 0), true, "operator 2 (Conv2D): input 1 = 0, must be -1"),
        ["add input 1 negative"] = new(f => f.SetOp(3, In1, -1), true, "operator 3 (Add): input 1 index -1"),
        ["output index negative"] = new(f => f.SetOp(0, Out, -5), true, "operator 0 (Conv2D): output index -5"),
        ["output is own input"] = new(f => f.SetOp(0, Out, 0), true, "operator 0 (Conv2D): output tensor 0 is also an input"),
        ["act min above act max"] = new(f => { f.SetOp(0, ActMin, 10); f.SetOp(0, ActMax, 5); }, true, "operator 0 (Conv2D): act max 5"),
        ["act min -129"] = new(f => f.SetOp(0, ActMin, -129), true, "operator 0 (Conv2D): act min -129"),
        ["act on max pool"] = new(f => f.SetOp(5, ActMin, 0), true, "operator 5 (MaxPool): act min/max = 0..127"),
        ["kernel 0"] = new(f => f.SetOp(0, KernelH, 0), true, "operator 0 (Conv2D): kernel h = 0"),
        ["stride 0"] = new(f => f.SetOp(0, StrideH, 0), true, "operator 0 (Conv2D): stride h = 0"),
        ["pad negative"] = new(f => f.SetOp(0, PadTop, -1), true, "operator 0 (Conv2D): pad top = -1"),
        ["kernel on add"] = new(f => f.SetOp(3, KernelH, 3), true, "operator 3 (Add): kernel h = 3, must be 1"),
        ["dilation on pool"] = new(f => f.SetOp(5, DilationH, 2), true, "operator 5 (MaxPool): dilation h = 2, must be 1"),
        ["conv output height mismatch"] = new(f => f.SetOp(0, StrideH, 2), true, "operator 0 (Conv2D): output h = 8", "/ 2 + 1 = 4"),
        ["conv pad not less than kernel extent"] = new(f => f.SetOp(0, PadTop, 3), true, "operator 0 (Conv2D): pad top = 3", "kernel extent 3"),
        ["conv kernel larger than padded input"] = new(f => { f.SetOp(6, KernelH, 6); }, true, "operator 6 (Conv2D): kernel extent 11 on h exceeds"),
        ["groups not dividing Cin"] = new(f => f.SetOp(1, Groups, 3), true, "operator 1 (Conv2D): groups = 3 must divide input channels Cin = 8"),
        ["groups not dividing Cout"] = new(f => f.SetOp(0, Groups, 3), true, "operator 0 (Conv2D): groups = 3 must divide output channels Cout = 8"),
        ["groups 0"] = new(f => f.SetOp(0, Groups, 0), true, "operator 0 (Conv2D): groups = 0"),
        ["accumulator bound exceeded"] = new(f => f.SetOp(0, KernelH, 30000), true, "operator 0 (Conv2D): accumulator bound", "30000·3·3/1", "66311"),
        ["add left shift 31"] = new(f => f.SetOp(3, P0, 31), true, "operator 3 (Add): p0 (left shift) = 31"),
        ["add multiplier below 2^30"] = new(f => f.SetOp(3, P0 + 1, 1000), true, "operator 3 (Add): p1 (input 0 multiplier) = 1000"),
        ["add shift 31"] = new(f => f.SetOp(3, P0 + 6, 31), true, "operator 3 (Add): p6 (output shift) = 31"),
        ["avg pool p0 2"] = new(f => f.SetOp(4, P0, 2), true, "operator 4 (AveragePool): p0 (count padded taps) = 2"),
        ["unused param"] = new(f => f.SetOp(0, P0 + 3, 1), true, "operator 0 (Conv2D): p3 = 1, must be 0"),
        ["weights blob past data section"] = new(f => f.SetOp(9, WOff, f.DataSize - 4), true, "operator 9 (FullyConnected): weights blob [offset", "80 bytes] extends past data section of"),
        ["weights offset huge"] = new(f => f.SetOp(9, WOff, int.MaxValue), true, "operator 9 (FullyConnected): weights blob [offset 2147483647"),
        ["bias offset misaligned"] = new(f => f.SetOp(0, BOff, f.Op(0, BOff) + 2), true, "operator 0 (Conv2D): bias offset", "not a multiple of 4"),
        ["shift offset misaligned"] = new(f => f.SetOp(9, SOff, f.Op(9, SOff) + 1), true, "operator 9 (FullyConnected): shift offset", "not a multiple of 4"),
        ["blob offset negative"] = new(f => f.SetOp(0, MOff, -8), true, "operator 0 (Conv2D): multiplier offset = -8 is negative"),
        ["weights missing on conv"] = new(f => f.SetOp(0, WOff, -1), true, "operator 0 (Conv2D): weights offset is -1"),
        ["multiplier missing on fc"] = new(f => f.SetOp(9, MOff, -1), true, "operator 9 (FullyConnected): multiplier offset is -1"),
        ["blob on pool"] = new(f => f.SetOp(4, BOff, 0), true, "operator 4 (AveragePool): bias offset = 0, must be -1"),
        ["blobs overlap"] = new(f => f.SetOp(2, WOff, f.Op(1, WOff)), true, "operator 2 (Conv2D): weights blob", "starts before the end"),
        ["weight -128"] = new(f => f.Bytes[f.Blob(0, WOff) + 2] = 0x80, true, "operator 0 (Conv2D): weights[2] = -128"),
        ["multiplier below 2^30"] = new(f => f.SetI32(f.Blob(6, MOff) + 4, 12345), true, "operator 6 (Conv2D): multiplier[1] = 12345"),
        ["multiplier negative"] = new(f => f.SetI32(f.Blob(6, MOff), int.MinValue), true, "operator 6 (Conv2D): multiplier[0] = -2147483648"),
        ["shift 31"] = new(f => f.SetI32(f.Blob(9, SOff) + 8, 31), true, "operator 9 (FullyConnected): shift[2] = 31"),
        ["shift -32"] = new(f => f.SetI32(f.Blob(9, SOff), -32), true, "operator 9 (FullyConnected): shift[0] = -32"),
        ["input not produced earlier"] = new(f => f.SetOp(3, In1, 5), true, "operator 3 (Add): input 1 tensor 5 is neither the model input nor"),
        ["output overlaps own input"] = new(f => f.SetTensor(1, Arena, 100), true, "operator 0 (Conv2D): output tensor 1 [arena 100, 612) overlaps input 0 tensor 0 [arena 0, 192)"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void LoaderRejectsWithAMessageNamingTheField(string name)
    {
        Case c = Cases[name];
        var f = new TdscBytes(ModelWriter.Write(TestModels.EveryOp()));
        c.Mutate(f);
        if (c.FixCrc)
        {
            f.FixCrc();
        }

        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(f.Bytes));
        foreach (string fragment in c.Expect)
        {
            Assert.Contains(fragment, error.Message);
        }

        // Chunked loading reports the same error.
        int half = f.Bytes.Length / 2 + 1;
        var chunked = Assert.Throws<ModelFormatException>(() => ModelReader.Load(new[] { f.Bytes[..Math.Min(half, f.Bytes.Length)], f.Bytes[Math.Min(half, f.Bytes.Length)..] }));
        Assert.Equal(error.Message, chunked.Message);

        // So does a streamed source (7-byte chunks built on request, so many fields straddle a boundary).
        var streamed = Assert.Throws<ModelFormatException>(() => ModelReader.Load(new RecordingSource(f.Bytes, 7)));
        Assert.Equal(error.Message, streamed.Message);
    }

    [Fact]
    public void BaseFileLoads()
    {
        // The cases above start from this file; it must be valid, so each failure is due to its mutation.
        Assert.NotNull(ModelReader.Load(ModelWriter.Write(TestModels.EveryOp())));
    }

    [Fact]
    public void NullChunkIsReported()
    {
        byte[] f = ModelWriter.Write(TestModels.FcOnly());
        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(new[] { f, null! }));
        Assert.Contains("chunk 1 is null", error.Message);
    }

    [Fact]
    public void NullArgumentsThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ModelReader.Load((byte[])null!));
        Assert.Throws<ArgumentNullException>(() => ModelReader.Load((byte[][])null!));
    }
}
