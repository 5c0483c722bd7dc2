using System;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// ModelReader.Load(IModelSource): the same model as the whole-file load, two passes in chunk order holding one
/// chunk at a time, and rejection of sources whose chunks disagree with their length or between the passes.
/// (The rejection corpus of ReaderRejectionTests also runs through this entry point.)
/// </summary>
public class StreamedLoadTests
{
    public static TheoryData<string> Models => new(TestModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void StreamedLoadEqualsWholeLoad(string name)
    {
        byte[] file = ModelWriter.Write(TestModels.Get(name));
        Model whole = ModelReader.Load(file);

        // Chunk sizes that split the header, records, i32 blob values and blobs at many places, with and without
        // empty chunks in between; file.Length: a single chunk.
        foreach (int size in new[] { 1, 3, 7, 16, 64, 1000, file.Length })
        {
            ModelAssert.Equal(whole, ModelReader.Load(new RecordingSource(file, size)));
            ModelAssert.Equal(whole, ModelReader.Load(new RecordingSource(file, size, emptyChunks: true)));
        }
    }

    [Theory]
    [InlineData("every-op", 64)]
    [InlineData("ds-cnn-ping-pong", 100)]
    [InlineData("inverted-residual", 1)]
    public void ChunksAreRequestedInTwoOrderedPasses_AndNoneIsHeldWhenTheNextIsRequested(string name, int chunkSize)
    {
        byte[] file = ModelWriter.Write(TestModels.Get(name));
        var source = new RecordingSource(file, chunkSize) { ProbeLiveness = chunkSize > 1 };
        if (chunkSize == 1)
        {
            // One-byte chunks: order only (a collection per byte would be slow).
            ModelReader.Load(source);
        }
        else
        {
            Model model = ModelReader.Load(source);
            Assert.NotNull(model);
            Assert.Equal(0, source.MaxAliveAtRequest);
            Assert.Equal(0, source.AliveCount()); // the model keeps no chunk either
        }

        int[] once = Enumerable.Range(0, source.ChunkCount).ToArray();
        Assert.Equal(once.Concat(once), source.Requests);
    }

    /// <summary>The liveness probe above can fail: a chunk still referenced when the next is requested is counted.</summary>
    [Fact]
    public void LivenessProbe_CountsAChunkStillHeld()
    {
        var source = new RecordingSource(ModelWriter.Write(TestModels.FcOnly()), 64) { ProbeLiveness = true };
        byte[] held = source.ReadChunk(0);
        source.ReadChunk(1);
        Assert.Equal(1, source.MaxAliveAtRequest);
        GC.KeepAlive(held);
    }

    /// <summary>
    /// The second request of a chunk returns other bytes (a weight changed to another valid weight, so the changed
    /// model would pass every other check): the CRC of the first pass does not vouch for them.
    /// </summary>
    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, -1)]
    [InlineData(40, 1)]
    public void ChunkChangedOnTheSecondPass_IsRejectedNamingTheChunk(int weightIndex, int delta)
    {
        byte[] file = ModelWriter.Write(TestModels.EveryOp());
        int weight = new TdscBytes(file).Blob(0, 17) + weightIndex; // a weight of operator 0
        const int size = 32;
        int chunk = weight / size;
        sbyte original = (sbyte)file[weight];
        int changed = original + delta is >= -127 and <= 127 ? original + delta : original - delta; // still a valid weight
        var source = new RecordingSource(file, size)
        {
            Tamper = (request, index, bytes) =>
            {
                if (request >= file.Length / size && index == chunk)
                {
                    bytes[weight - chunk * size] = (byte)changed;
                }

                return bytes;
            },
        };

        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(source));

        Assert.Contains($"chunk {chunk} (bytes [{chunk * size}, {chunk * size + size}))", error.Message);
        Assert.Contains("differs between the first read", error.Message);
    }

    [Fact]
    public void ChunkOfAnotherLengthOnTheSecondPass_IsRejected()
    {
        byte[] file = ModelWriter.Write(TestModels.EveryOp());
        int chunks = (file.Length + 99) / 100;
        var source = new RecordingSource(file, 100)
        {
            Tamper = (request, index, bytes) => request >= chunks && index == 2 ? bytes[..99] : bytes,
        };

        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(source));

        Assert.Equal("file: chunk 2 has 99 bytes on the second read, 100 on the first", error.Message);
    }

    [Theory]
    [InlineData(false, "file: chunk 3 is null")]
    [InlineData(true, "file: chunk 3 is null on the second read")]
    public void NullChunk_IsRejected(bool secondPass, string expected)
    {
        byte[] file = ModelWriter.Write(TestModels.EveryOp());
        int chunks = (file.Length + 99) / 100;
        var source = new RecordingSource(file, 100)
        {
            Tamper = (request, index, bytes) => index == 3 && (request >= chunks) == secondPass ? null : bytes,
        };

        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(source));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void LengthAboveTheChunksTotal_IsRejected()
    {
        byte[] file = ModelWriter.Write(TestModels.FcOnly());
        var source = new RecordingSource(file, 100) { Length = file.Length + 4 };

        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(source));

        Assert.Equal($"file: the {source.ChunkCount} chunks hold {file.Length} bytes, the source's length is {file.Length + 4}", error.Message);
    }

    [Fact]
    public void LengthBelowTheChunksTotal_IsRejectedAtTheChunkThatPassesIt()
    {
        byte[] file = ModelWriter.Write(TestModels.FcOnly());
        var source = new RecordingSource(file, 100) { Length = 250 };

        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(source));

        Assert.Equal("file: chunk 2 ends at byte 300, past the source's length 250", error.Message);
        Assert.Equal(new[] { 0, 1, 2 }, source.Requests);
    }

    [Theory]
    [InlineData(-1, 3, "file: source length -1 is negative")]
    [InlineData(100, -2, "file: source chunk count -2 is negative")]
    public void NegativeLengthOrCount_IsRejected(int length, int count, string expected)
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelReader.Load(new FixedSource(length, count)));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void NullSource_ThrowsArgumentNull()
    {
        var e = Assert.Throws<ArgumentNullException>(() => ModelReader.Load((IModelSource)null!));
        Assert.Equal("source", e.ParamName);
    }

    /// <summary>
    /// Load allocates the model's arrays, the copy of header and tables, and small bookkeeping — not the file: from a
    /// source whose chunks exist already, at most the data section + twice the tables + 8 KB, and no more than the
    /// whole-file load.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void StreamedLoadAllocation_IsBoundedByTheFileSize(string name)
    {
        byte[] file = ModelWriter.Write(TestModels.Get(name));
        var f = new TdscBytes(file);
        var source = new PrebuiltSource(file, 64);
        ModelReader.Load(source); // warm up (JIT, static tables)

        long before = GC.GetAllocatedBytesForCurrentThread();
        Model model = ModelReader.Load(source);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(model);
        long bound = f.DataSize + 2L * f.DataOffset + 8192;
        Assert.True(allocated <= bound, $"{name}: Load allocated {allocated} bytes for a {file.Length}-byte file (data {f.DataSize}, tables {f.DataOffset}), bound {bound}");
        Assert.True(allocated <= 4L * file.Length + 16384, $"{name}: {allocated} bytes for a {file.Length}-byte file");
    }

    /// <summary>Reports a length and count but has no chunks: the reader must fail before requesting one.</summary>
    private sealed class FixedSource : IModelSource
    {
        public FixedSource(int length, int count)
        {
            Length = length;
            ChunkCount = count;
        }

        public int Length { get; }

        public int ChunkCount { get; }

        public byte[] ReadChunk(int index) => throw new InvalidOperationException("no chunk should be requested");
    }
}
