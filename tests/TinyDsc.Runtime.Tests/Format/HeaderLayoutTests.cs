using System;
using System.Buffers.Binary;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// The writer's bytes checked field by field at the offsets of FORMAT.md, with expected values computed by hand
/// from the model (not read back through the reader).
/// </summary>
public class HeaderLayoutTests
{
    private static int I32(byte[] f, int offset) => BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(offset));

    [Fact]
    public void FcOnlyFileMatchesTheSpecifiedLayout()
    {
        Model model = TestModels.FcOnly();
        byte[] f = ModelWriter.Write(model);

        // 2 tensors, 1 op: tensor table at 64, operator table at 64 + 2·40 = 144, data at 144 + 128 = 272.
        // Data: weights 3·4 = 12 bytes at 0, no bias, multiplier 3·4 bytes at 12, shift at 24; data size 36; file 308.
        Assert.Equal(308, f.Length);
        Assert.Equal("TDSC"u8.ToArray(), f[0..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(4)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(6)));
        Assert.Equal(308, I32(f, 8));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(f.AsSpan(16)), BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(12)));
        Assert.Equal(64, I32(f, 16));
        Assert.Equal(2, I32(f, 20));
        Assert.Equal(1, I32(f, 24));
        Assert.Equal(0, I32(f, 28));
        Assert.Equal(1, I32(f, 32));
        Assert.Equal(7, I32(f, 36));   // 4 + 3 bytes, consecutive
        Assert.Equal(64, I32(f, 40));
        Assert.Equal(144, I32(f, 44));
        Assert.Equal(272, I32(f, 48));
        Assert.Equal(36, I32(f, 52));
        Assert.Equal(new byte[8], f[56..64]);

        // Tensor 0: rank 2, dims [1, 4, 1, 1], scale 0.5 (0x3F000000), zero point 0, arena 0, 4 bytes, reserved 0.
        Assert.Equal(new[] { 2, 1, 4, 1, 1, 0x3F000000, 0, 0, 4, 0 }, Slots(f, 64, 10));
        // Tensor 1: rank 2, dims [1, 3, 1, 1], scale 0.25 (0x3E800000), zero point -1, arena 4, 3 bytes.
        Assert.Equal(new[] { 2, 1, 3, 1, 1, 0x3E800000, -1, 4, 3, 0 }, Slots(f, 104, 10));

        OperatorInfo op = model.Operators[0];
        int[] expected =
        {
            2, 0, -1, 1, -128, 127, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, -1, 12, 24,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        };
        Assert.Equal(expected, Slots(f, 144, 32));

        for (int i = 0; i < 12; i++)
        {
            Assert.Equal((byte)op.Weights[i], f[272 + i]);
        }

        Assert.Equal(op.Multiplier, Slots(f, 272 + 12, 3));
        Assert.Equal(op.Shift, Slots(f, 272 + 24, 3));
    }

    [Fact]
    public void BlobsAfterAnOddWeightCountStartAtTheNextMultipleOfFour()
    {
        var b = new TestModels.Builder(seed: 7);
        int t0 = b.Tensor(1f, 0, 1, 3);
        int t1 = b.Tensor(1f, 0, 1, 1);
        b.Fc(t0, t1, bias: true);
        byte[] f = ModelWriter.Write(b.Build(t0, t1));

        // Data at 64 + 80 + 128 = 272: weights 3 bytes at 0, one zero pad byte, bias at 4, multiplier at 8, shift at 12.
        Assert.Equal(new[] { 0, 4, 8, 12 }, Slots(f, 144 + 4 * 17, 4));
        Assert.Equal(272, I32(f, 48));
        Assert.Equal(16, I32(f, 52));
        Assert.Equal(288, f.Length);
        Assert.Equal(0, f[272 + 3]);
    }

    [Fact]
    public void ReaderAcceptsAnyMinorVersion()
    {
        Model model = TestModels.EveryOp();
        byte[] f = ModelWriter.Write(model);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(6), 7);   // outside the CRC range [16, size)
        ModelAssert.Equal(model, ModelReader.Load(f));
    }

    private static int[] Slots(byte[] f, int offset, int count)
    {
        var v = new int[count];
        for (int i = 0; i < count; i++)
        {
            v[i] = I32(f, offset + 4 * i);
        }

        return v;
    }
}
