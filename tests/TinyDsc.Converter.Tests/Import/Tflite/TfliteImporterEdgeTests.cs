using System;
using System.IO;
using Google.FlatBuffers;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Import.Tflite.Schema;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime;
using Xunit;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>Small hand-built .tflite files: op semantics worked out by hand, and the importer's errors.</summary>
public class TfliteImporterEdgeTests
{
    // Input [1, 2, 3, 1]: row 0 = 1 2 7, row 1 = 3 5 -4 (scale 0.1, zp 0 on input and output).
    private static readonly byte[] PoolInput = { 1, 2, 7, 3, 5, unchecked((byte)-4) };

    private static sbyte[] RunPool(BuiltinOperator code)
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 2, 3, 1 });
        int y = m.Tensor(new[] { 1, 1, 2, 1 });
        m.Op(code, 1, new[] { x }, new[] { y }, b => (BuiltinOptions.Pool2DOptions,
            Pool2DOptions.CreatePool2DOptions(b, Padding.SAME, 2, 2, 2, 2, ActivationFunctionType.NONE).Value));
        TfliteImport import = TfliteImporter.Import(m.Build(x, y), "pool.tflite");
        ModelMemoryPlanner.Apply(import.Quantized.Model);
        var interpreter = new Interpreter(import.Quantized.Model);
        interpreter.SetInput(Array.ConvertAll(PoolInput, v => (sbyte)v), 0);
        interpreter.Invoke();
        var output = new sbyte[2];
        interpreter.GetOutput(output, 0);
        return output;
    }

    [Fact]
    public void AveragePoolSameDividesByTheTapsInsideTheInput()
    {
        // SAME, 2x2 stride 2 on 2x3: one column of padding on the right. Window 0: (1 + 2 + 3 + 5) / 4 = 2.75 → 3;
        // window 1 holds only 7 and -4: 3 / 2 = 1.5 → 2 (TFLite rounds halves away from zero; padded taps do not count).
        Assert.Equal(new sbyte[] { 3, 2 }, RunPool(BuiltinOperator.AVERAGE_POOL_2D));
    }

    [Fact]
    public void MaxPoolSameIgnoresThePadding()
    {
        Assert.Equal(new sbyte[] { 5, 7 }, RunPool(BuiltinOperator.MAX_POOL_2D));
    }

    [Fact]
    public void UnsupportedOpIsNamedWithItsVersion()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 4 });
        int y = m.Tensor(new[] { 1, 4 });
        // TFLite's TANH (builtin 28): outside the schema subset, so named by its number.
        m.Op((BuiltinOperator)28, 2, new[] { x }, new[] { y });
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(m.Build(x, y), "m.tflite"));
        Assert.StartsWith("m.tflite: operator 0: builtin op 28 (version 2) is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpVersionAboveTheMappedOnesIsRejected()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 2, 3, 1 });
        int y = m.Tensor(new[] { 1, 1, 2, 1 });
        m.Op(BuiltinOperator.MAX_POOL_2D, 4, new[] { x }, new[] { y }, b => (BuiltinOptions.Pool2DOptions,
            Pool2DOptions.CreatePool2DOptions(b, Padding.SAME, 2, 2, 2, 2).Value));
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(m.Build(x, y), "m.tflite"));
        Assert.Equal("m.tflite: operator 0: MAX_POOL_2D version 4 is not supported (versions 1–3 are)", e.Message);
    }

    [Fact]
    public void FloatTfliteIsRejectedWithTheReason()
    {
        byte[] bytes = File.ReadAllBytes(TfliteFixtures.Path_("kws_ref_model", "model_float32.tflite"));
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(bytes, "f.tflite",
            new TfliteImportOptions { OutputTensor = "functional_1/dense/BiasAdd" }));
        Assert.Contains("is FLOAT32, expected INT8", e.Message, StringComparison.Ordinal);
        Assert.Contains("a float .tflite converts through calibration", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherFilesAreNotTflite()
    {
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(new byte[64], "x.tflite"));
        Assert.Equal("x.tflite: not a .tflite file (file identifier is not 'TFL3')", e.Message);
    }

    [Fact]
    public void TruncatedFileFailsWithOneLine()
    {
        byte[] bytes = TfliteFixtures.Model("person_detect");
        Array.Resize(ref bytes, 4096);
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(bytes, "cut.tflite",
            new TfliteImportOptions { OutputTensor = "MobilenetV1/Logits/SpatialSqueeze" }));
        Assert.StartsWith("cut.tflite: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
