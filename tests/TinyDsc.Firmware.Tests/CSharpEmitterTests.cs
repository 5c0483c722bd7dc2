using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Samples.Generator;
using Xunit;

namespace TinyDsc.Firmware.Tests;

public class CSharpEmitterTests
{
    private static readonly byte[] Model = SyntheticModel.Bytes();

    private static EmbeddingOptions Options(int chunkSize = EmbeddingOptions.MaxChunkSize, int limit = EmbeddingOptions.DefaultInitializerByteLimit) =>
        new() { Namespace = "Emitted.Test", ClassName = "Data", ChunkSize = chunkSize, InitializerByteLimit = limit, Source = "unit test" };

    [Theory]
    [InlineData(16384)] // whole synthetic model in one chunk
    [InlineData(1000)] // several chunks, last one partial
    [InlineData(512)] // 2048 bytes: chunks of exactly equal size, no partial chunk
    public void Chunks_ReassembleToTheModelBytes(int chunkSize)
    {
        EmbeddingResult result = CSharpEmitter.Emit(new EmbeddingContent(Model), Options(chunkSize));
        Assembly asm = EmittedCode.CompileAndLoad(result.Source);

        var source = (IModelSource)EmittedCode.Call(asm, "Emitted.Test.Data", "ModelSource")!;

        Assert.Equal((Model.Length + chunkSize - 1) / chunkSize, source.ChunkCount);
        Assert.Equal(result.ChunkCount, source.ChunkCount);
        Assert.Equal(Model.Length, source.Length);
        for (int i = 0; i < source.ChunkCount; i++)
        {
            byte[] chunk = source.ReadChunk(i);
            Assert.True(chunk.Length <= chunkSize);
            Assert.NotSame(chunk, source.ReadChunk(i)); // built afresh per request: nothing caches the file
            Assert.Equal(chunk, (byte[])EmittedCode.Call(asm, "Emitted.Test.Data", "ModelChunk", i)!);
        }

        Assert.Equal(Model, ModelSources.Bytes(source));
        Assert.Equal(Model.Length, (int)asm.GetType("Emitted.Test.Data")!.GetField("ModelLength")!.GetValue(null)!);
        Assert.Equal(Model, ModelWriter.Write(ModelReader.Load(source)));
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadChunk(source.ChunkCount));
        Assert.Contains("ModelChunk: index must be 0..", outOfRange.Message);
    }

    [Fact]
    public void GoldenVectorsAndInputs_RoundTrip()
    {
        var builder = new GoldenVectorBuilder(Model);
        builder.AddRandom(7);
        builder.AddConstant(0); // all-zero input: emitted as new sbyte[n], no initialiser bytes
        sbyte[] image = SyntheticModel.RandomInput(5);
        var content = new EmbeddingContent(Model)
        {
            GoldenVectors = builder.Vectors,
            Inputs = new[] { new LabeledInput(image, 3) },
            ClassNames = Enumerable.Range(0, 10).Select(i => i == 3 ? "quote \" backslash \\ é" : "c" + i).ToArray(),
        };

        Assembly asm = EmittedCode.CompileAndLoad(CSharpEmitter.Emit(content, Options()).Source);

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(builder.Vectors[i].Name, EmittedCode.Call(asm, "Emitted.Test.Data", "GoldenName", i));
            Assert.Equal(builder.Vectors[i].Input, (sbyte[])EmittedCode.Call(asm, "Emitted.Test.Data", "GoldenInput", i)!);
            Assert.Equal(builder.Vectors[i].ExpectedOutput, (sbyte[])EmittedCode.Call(asm, "Emitted.Test.Data", "GoldenOutput", i)!);
        }

        Assert.Equal(image, (sbyte[])EmittedCode.Call(asm, "Emitted.Test.Data", "Input", 0)!);
        Assert.Equal(3, EmittedCode.Call(asm, "Emitted.Test.Data", "Label", 0));
        Assert.Equal(content.ClassNames, (string[])EmittedCode.Call(asm, "Emitted.Test.Data", "ClassNames")!);
        var outOfRange = Assert.Throws<TargetInvocationException>(() => EmittedCode.Call(asm, "Emitted.Test.Data", "GoldenInput", 2));
        Assert.IsType<ArgumentOutOfRangeException>(outOfRange.InnerException);
    }

    [Fact]
    public void Output_IsDeterministic_WithUnixLineEnds()
    {
        var builder = new GoldenVectorBuilder(Model);
        builder.AddRandom(1);
        var content = new EmbeddingContent(Model) { GoldenVectors = builder.Vectors };

        string first = CSharpEmitter.Emit(content, Options(700)).Source;
        string second = CSharpEmitter.Emit(content, Options(700)).Source;

        Assert.Equal(first, second);
        Assert.DoesNotContain('\r', first);
    }

    /// <summary>
    /// The emitter's count is checked against what the compiler really stores: the array-initialiser blobs of the
    /// assembly compiled against nanoFramework's mscorlib. The compiler stores identical blobs once (two golden
    /// outputs can be equal), so it may store less than the emitter counts, never more.
    /// </summary>
    [Theory]
    [InlineData(16, 16384, 0)]
    [InlineData(16, 1000, 3)]
    [InlineData(96, 4096, 6)]
    public void InitializerCount_BoundsTheCompiledAssembly(int channels, int chunkSize, int randomCases)
    {
        byte[] model = SyntheticModel.Bytes(seed: 3, pointwiseChannels: channels);
        var builder = new GoldenVectorBuilder(model);
        for (uint s = 1; s <= randomCases; s++)
        {
            builder.AddRandom(s);
        }

        EmbeddingResult result = CSharpEmitter.Emit(new EmbeddingContent(model) { GoldenVectors = builder.Vectors }, Options(chunkSize));
        byte[] pe = EmittedCode.CompileForNano(result.Source);

        int measured = InitializerTable.Measure(new MemoryStream(pe));
        Assert.Empty(TinyDsc.NanoCheck.NanoChecker.Scan(new MemoryStream(pe), new[] { "TinyDsc.Runtime" }));

        var arrays = model.Chunk(chunkSize).Concat(builder.Vectors.SelectMany(g => new[] { (byte[])(Array)g.Input, (byte[])(Array)g.ExpectedOutput }));
        int distinct = arrays.Where(a => a.Any(b => b != 0)).Select(Convert.ToHexString).Distinct().Sum(h => h.Length / 2);
        Assert.Equal(distinct, measured);
        Assert.True(measured <= result.Size.Total, $"compiler stored {measured} initialiser bytes, emitter counted {result.Size.Total}");
        Assert.Equal(model.Length, result.Size.ModelBytes);
        Assert.Equal(randomCases * (builder.InputLength + builder.OutputLength), result.Size.GoldenBytes);
    }

    [Fact]
    public void ModelOverTheLimit_IsRefusedWithTheAlternatives()
    {
        byte[] big = SyntheticModel.Bytes(seed: 2, pointwiseChannels: 2400); // ~70 KB: 30 bytes of blobs per pointwise channel
        Assert.True(big.Length > EmbeddingOptions.DefaultInitializerByteLimit, "test model must exceed the limit, has " + big.Length);

        var e = Assert.Throws<EmbeddingTooLargeException>(() => CSharpEmitter.Emit(new EmbeddingContent(big), Options()));

        Assert.Equal(big.Length, e.Size.ModelBytes);
        Assert.Contains(big.Length.ToString(), e.Message);
        Assert.Contains("64 KB", e.Message);
        Assert.Contains("resource", e.Message);
        Assert.Contains("file system", e.Message);
        Assert.Contains("ModelReader.Load", e.Message);
    }

    [Fact]
    public void GoldenVectorsPushingOverTheLimit_AreCounted()
    {
        var builder = new GoldenVectorBuilder(Model);
        for (uint s = 1; s <= 10; s++)
        {
            builder.AddRandom(s);
        }

        var content = new EmbeddingContent(Model) { GoldenVectors = builder.Vectors };
        EmbeddingSize size = CSharpEmitter.Measure(content, Options());
        Assert.Equal(10 * (builder.InputLength + builder.OutputLength), size.GoldenBytes);

        // A limit between the model alone and model plus golden vectors.
        var e = Assert.Throws<EmbeddingTooLargeException>(() => CSharpEmitter.Emit(content, Options(limit: Model.Length + 1000)));
        Assert.Equal(size.Total, e.Size.Total);
        Assert.Contains("golden vectors " + size.GoldenBytes, e.Message);

        CSharpEmitter.Emit(content, Options(limit: size.Total)); // exactly at the limit is allowed
    }

    public static IEnumerable<object[]> BadContent()
    {
        var builder = new GoldenVectorBuilder(Model);
        sbyte[] input = new sbyte[builder.InputLength];
        yield return new object[] { "golden input length", new EmbeddingContent(Model) { GoldenVectors = new[] { new GoldenVector("short", new sbyte[5], new sbyte[10]) } }, "has 5 values" };
        yield return new object[] { "golden output length", new EmbeddingContent(Model) { GoldenVectors = new[] { new GoldenVector("long", input, new sbyte[11]) } }, "11 values" };
        yield return new object[] { "label out of range", new EmbeddingContent(Model) { Inputs = new[] { new LabeledInput(input, 10) }, ClassNames = Names(10) }, "label 10" };
        yield return new object[] { "class name count", new EmbeddingContent(Model) { Inputs = new[] { new LabeledInput(input, 1) }, ClassNames = Names(4) }, "4 class names" };
        yield return new object[] { "inputs without names", new EmbeddingContent(Model) { Inputs = new[] { new LabeledInput(input, 1) } }, "class names" };
    }

    [Theory]
    [MemberData(nameof(BadContent))]
    public void BadContent_IsRejectedWithAClearMessage(string what, EmbeddingContent content, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => CSharpEmitter.Emit(content, Options()));
        Assert.True(e.Message.Contains(expected), what + ": message was: " + e.Message);
    }

    [Theory]
    [InlineData("1Bad", "Data")]
    [InlineData("Good.", "Data")]
    [InlineData("Good", "Da ta")]
    public void BadNames_AreRejected(string ns, string cls)
    {
        var e = Assert.Throws<ArgumentException>(() => CSharpEmitter.Emit(new EmbeddingContent(Model), new EmbeddingOptions { Namespace = ns, ClassName = cls }));
        Assert.Contains("identifier", e.Message);
    }

    [Fact]
    public void NotATdscFile_IsRejected()
    {
        byte[] corrupt = (byte[])Model.Clone();
        corrupt[Model.Length - 1] ^= 0x40; // payload byte: CRC mismatch
        Assert.Throws<ModelFormatException>(() => CSharpEmitter.Emit(new EmbeddingContent(corrupt), Options()));
    }

    /// <summary>The generated class nests a class of this name; a class of the same name would not compile.</summary>
    [Fact]
    public void ClassNameOfTheNestedSource_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => CSharpEmitter.Emit(new EmbeddingContent(Model), new EmbeddingOptions { ClassName = "ModelChunkSource" }));
        Assert.Contains("nested model source", e.Message);
    }

    private static string[] Names(int n) => Enumerable.Range(0, n).Select(i => "c" + i).ToArray();
}
