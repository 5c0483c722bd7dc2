using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Runtime.Tests.Format;

public class RoundTripTests
{
    public static TheoryData<string> Models => new(TestModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void WriteThenReadGivesTheSameModel(string name)
    {
        Model model = TestModels.Get(name);
        byte[] file = ModelWriter.Write(model);
        Model loaded = ModelReader.Load(file);
        ModelAssert.Equal(model, loaded);
        // Writing the loaded model reproduces the file byte for byte (one canonical layout).
        Assert.Equal(file, ModelWriter.Write(loaded));
    }

    [Fact]
    public void EveryOpCodeIsCovered()
    {
        var codes = new HashSet<int>(TestModels.Names.SelectMany(n => TestModels.Get(n).Operators.Select(o => o.OpCode)));
        for (int code = 1; code <= OpCodes.Max; code++)
        {
            if (!OpCodes.IsKnown(code))
            {
                continue;
            }

            Assert.Contains(code, codes);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ChunkedLoadAtEverySplitPointEqualsWholeLoad(string name)
    {
        Model model = TestModels.Get(name);
        byte[] file = ModelWriter.Write(model);
        // Two chunks split at every position (fields straddling the boundary included) ...
        for (int split = 0; split <= file.Length; split++)
        {
            ModelAssert.Equal(model, ModelReader.Load(new[] { file[..split], file[split..] }));
        }

        // ... and many small chunks of odd sizes, with empty chunks mixed in.
        foreach (int size in new[] { 1, 3, 7, 64, 1000 })
        {
            var chunks = new List<byte[]> { Array.Empty<byte>() };
            for (int p = 0; p < file.Length; p += size)
            {
                chunks.Add(file[p..Math.Min(file.Length, p + size)]);
                chunks.Add(Array.Empty<byte>());
            }

            ModelAssert.Equal(model, ModelReader.Load(chunks.ToArray()));
        }
    }

    [Fact]
    public void BlobsAreFourByteAlignedAndInOperatorOrder()
    {
        byte[] file = ModelWriter.Write(TestModels.EveryOp());
        int tensors = BitConverter.ToInt32(file, 20);
        int ops = BitConverter.ToInt32(file, 24);
        int previousEnd = 0;
        for (int j = 0; j < ops; j++)
        {
            int record = 64 + 40 * tensors + 128 * j;
            for (int slot = 17; slot <= 20; slot++)
            {
                int offset = BitConverter.ToInt32(file, record + 4 * slot);
                if (offset == -1)
                {
                    continue;
                }

                Assert.Equal(0, offset % 4);
                Assert.True(offset >= previousEnd, $"operator {j} slot {slot}: offset {offset} before {previousEnd}");
                previousEnd = offset + 1;
            }
        }
    }

    [Fact]
    public void WriteFileReplacesTheTargetAndLeavesNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("tdsc-write").FullName;
        try
        {
            string path = Path.Combine(folder, "m.tdsc");
            File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
            Model model = TestModels.FcOnly();
            ModelWriter.WriteFile(model, path);
            Assert.Equal(ModelWriter.Write(model), File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void WriteFileOfAnInvalidModelLeavesTheExistingFileUntouched()
    {
        string folder = Directory.CreateTempSubdirectory("tdsc-write").FullName;
        try
        {
            string path = Path.Combine(folder, "m.tdsc");
            byte[] before = { 9, 8, 7, 6 };
            File.WriteAllBytes(path, before);
            Model model = TestModels.FcOnly();
            model.Operators[0].Shift[1] = 31;
            var error = Assert.Throws<ModelFormatException>(() => ModelWriter.WriteFile(model, path));
            Assert.Contains("shift[1] = 31", error.Message);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void WriteFileIntoAMissingFolderFailsWithoutLeavingFiles()
    {
        string folder = Directory.CreateTempSubdirectory("tdsc-write").FullName;
        try
        {
            string path = Path.Combine(folder, "missing", "m.tdsc");
            Assert.ThrowsAny<IOException>(() => ModelWriter.WriteFile(TestModels.FcOnly(), path));
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
