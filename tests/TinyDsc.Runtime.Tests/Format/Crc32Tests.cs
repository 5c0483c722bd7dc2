using System;
using TinyDsc.Runtime.Format;
using Xunit;
using TinyDsc.Tests;

namespace TinyDsc.Runtime.Tests.Format;

public class Crc32Tests
{
    [Fact]
    public void KnownCheckValue()
    {
        // The standard CRC-32 check value: CRC of ASCII "123456789" is 0xCBF43926.
        byte[] text = "123456789"u8.ToArray();
        Assert.Equal(0xCBF43926u, Crc32.Compute(text));
        Assert.Equal(0u, Crc32.Compute(Array.Empty<byte>()));
    }

    [Fact]
    public void MatchesSystemIoHashingForManyLengths()
    {
        TestSeed.Run(1234, random =>
        {
            for (int length = 0; length <= 1100; length += length < 300 ? 1 : 37)
            {
                var data = new byte[length];
                random.NextBytes(data);
                uint expected = System.IO.Hashing.Crc32.HashToUInt32(data);
                Assert.Equal(expected, Crc32.Compute(data));
            }
        });
    }

    [Fact]
    public void IncrementalUpdateAcrossChunksEqualsOneShot()
    {
        TestSeed.Run(99, random =>
        {
            for (int trial = 0; trial < 200; trial++)
            {
                var data = new byte[random.Next(0, 700)];
                random.NextBytes(data);
                uint expected = System.IO.Hashing.Crc32.HashToUInt32(data);

                uint crc = 0;
                int pos = 0;
                while (pos < data.Length)
                {
                    int n = random.Next(0, Math.Min(64, data.Length - pos) + 1);
                    crc = Crc32.Update(crc, data, pos, n);
                    pos += n;
                }

                Assert.Equal(expected, crc);
            }
        });
    }

    [Fact]
    public void OffsetRangeIsHonoured()
    {
        var data = new byte[100];
        new Random(5).NextBytes(data);
        uint expected = System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(10, 50));
        Assert.Equal(expected, Crc32.Update(0, data, 10, 50));
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(0, -1)]
    [InlineData(8, 3)]
    [InlineData(0, 11)]
    public void RangeOutsideBufferThrows(int offset, int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Crc32.Update(0, new byte[10], offset, count));
    }
}
