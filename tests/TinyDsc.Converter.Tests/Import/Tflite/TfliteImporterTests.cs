using System;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Format;
using TinyDsc.Converter.Import.Tflite;
using BuiltinOperator = TinyDsc.Converter.Import.Tflite.Schema.BuiltinOperator;
using BuiltinOptions = TinyDsc.Converter.Import.Tflite.Schema.BuiltinOptions;
using SoftmaxOptions = TinyDsc.Converter.Import.Tflite.Schema.SoftmaxOptions;
using TinyDsc.Runtime.Format;
using Xunit;

namespace TinyDsc.Converter.Tests.Import.Tflite;

public class TfliteImporterTests
{
    [Theory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void FixtureImportsWritesAndReadsBack(string name)
    {
        TfliteImport import = TfliteFixtures.Import(name);
        byte[] bytes = ModelWriter.Write(import.Quantized.Model);
        Model back = ModelReader.Load(bytes);
        Assert.Equal(import.Quantized.Model.Operators.Length, back.Operators.Length);
        Assert.Equal(TfliteFixtures.Logits[name], import.Output.Name);
        Assert.False(import.Input.FloatEdge);
    }

    [Theory]
    [MemberData(nameof(TfliteFixtures.Names), MemberType = typeof(TfliteFixtures))]
    public void FinalSoftmaxBecomesOp18WithTflitesInputMultiplier(string name)
    {
        TfliteImport import = TfliteFixtures.ImportWhole(name);
        var ops = import.Quantized.Model.Operators;
        var softmax = ops[^1];
        Assert.Equal(OpCodes.Softmax, softmax.OpCode);
        TensorInfo input = import.Quantized.Model.Tensors[softmax.Input0], output = import.Quantized.Model.Tensors[softmax.Output];
        Assert.Equal((1f / 256, -128), (output.Scale, output.ZeroPoint));
        // PreprocessSoftmaxScaling by hand: s_in · 2^26 = f · 2^shift with f in [0.5, 1), multiplier round(f · 2^31).
        double real = (double)input.Scale * (1 << 26);
        int shift = (int)Math.Floor(Math.Log2(real)) + 1;
        Assert.Equal(shift, softmax.Params[1]);
        Assert.Equal((long)Math.Round(real / Math.Pow(2, shift) * 2147483648.0, MidpointRounding.AwayFromZero), softmax.Params[0]);
    }

    [Theory]
    [InlineData(0.5f, "beta = 0.5; only beta = 1 is supported")]
    [InlineData(1f, null)]
    public void SoftmaxBetaOtherThanOneIsRefused(float beta, string? error)
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 3 }, scale: 0.1f, zeroPoint: 5);
        int y = m.Tensor(new[] { 1, 3 }, scale: 1f / 256, zeroPoint: -128);
        m.Op(BuiltinOperator.SOFTMAX, 2, new[] { x }, new[] { y }, b => (BuiltinOptions.SoftmaxOptions, SoftmaxOptions.CreateSoftmaxOptions(b, beta).Value));
        if (error == null)
        {
            Assert.Equal(OpCodes.Softmax, TfliteImporter.Import(m.Build(x, y), "s.tflite").Quantized.Model.Operators[0].OpCode);
            return;
        }
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(m.Build(x, y), "s.tflite"));
        Assert.Equal("s.tflite: operator 0 (SOFTMAX v2): " + error + " (TinyDsc's softmax kernel has no beta)", e.Message);
    }

    [Fact]
    public void SoftmaxOutputOtherThanTflitesFixedQuantizationIsRefused()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 3 }, scale: 0.1f);
        int y = m.Tensor(new[] { 1, 3 }, scale: 1f / 128, zeroPoint: 0);
        m.Op(BuiltinOperator.SOFTMAX, 1, new[] { x }, new[] { y }, b => (BuiltinOptions.SoftmaxOptions, SoftmaxOptions.CreateSoftmaxOptions(b, 1f).Value));
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(m.Build(x, y), "s.tflite"));
        Assert.Contains("int8 softmax requires 1/256 and -128", e.Message, StringComparison.Ordinal);
    }
}

public class PersonDetectTests
{
    /// <summary>
    /// TFLM's person_detection_test: the person image scores person (index 1) above no person (index 0), the no-person
    /// image the other way round: on the whole model (its SOFTMAX included) and on the scores before it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScoresTfliteMicrosTestImagesAsItsTestExpects(bool whole)
    {
        TfliteImport import = whole ? TfliteFixtures.ImportWhole("person_detect") : TfliteFixtures.Import("person_detect");
        byte[] inputs = File.ReadAllBytes(TfliteFixtures.Path_("person_detect", "inputs.bin"));
        sbyte[] scores = TfliteFixtures.RunRuntime(import.Quantized.Model, inputs).Select(b => (sbyte)b).ToArray();
        Assert.Equal(4, scores.Length);
        Assert.True(scores[1] > scores[0], $"person image: person {scores[1]} vs no person {scores[0]}");
        Assert.True(scores[2] > scores[3], $"no-person image: no person {scores[2]} vs person {scores[3]}");
    }
}
