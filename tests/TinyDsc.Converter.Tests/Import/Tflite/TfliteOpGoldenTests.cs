using System;
using System.IO;
using TinyDsc.Converter.Import.Tflite;
using TinyDsc.Converter.Import.Tflite.Schema;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime.Format;
using TdscModel = TinyDsc.Runtime.Format.Model;
using Xunit;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>
/// HARD_SWISH, LOGISTIC, MUL and CONCATENATION imported from small int8 .tflite files (TfliteOpFixtures) and run by
/// the .tdsc runtime, byte for byte against TensorFlow Lite Micro: against the goldens committed in
/// tests/fixtures/tflite-ops (written by tools/tflm/op_goldens.sh with TFLM's reference interpreter) always, and
/// against a live TFLM run when the TFLM lane is built.
/// </summary>
public class TfliteOpGoldenTests
{
    private static string PathOf(string name, string file) => Path.Combine(TfliteOpFixtures.Root, name, file);

    /// <summary>
    /// The committed model.tflite and inputs.bin are what TfliteOpFixtures builds (their provenance). With
    /// TINYDSC_WRITE_TFLITE_OP_FIXTURES=1 the test writes them first (then run tools/tflm/op_goldens.sh).
    /// </summary>
    [Theory]
    [MemberData(nameof(TfliteOpFixtures.Names), MemberType = typeof(TfliteOpFixtures))]
    public void CommittedFilesAreWhatTheBuilderWrites(string name)
    {
        (byte[] model, byte[] inputs) = TfliteOpFixtures.All[name]();
        if (Environment.GetEnvironmentVariable("TINYDSC_WRITE_TFLITE_OP_FIXTURES") == "1")
        {
            Directory.CreateDirectory(Path.Combine(TfliteOpFixtures.Root, name));
            File.WriteAllBytes(PathOf(name, "model.tflite"), model);
            File.WriteAllBytes(PathOf(name, "inputs.bin"), inputs);
        }
        Assert.Equal(model, File.ReadAllBytes(PathOf(name, "model.tflite")));
        Assert.Equal(inputs, File.ReadAllBytes(PathOf(name, "inputs.bin")));
    }

    [Theory]
    [MemberData(nameof(TfliteOpFixtures.Names), MemberType = typeof(TfliteOpFixtures))]
    public void OutputsEqualTflmGoldensByteForByte(string name)
    {
        byte[] golden = File.ReadAllBytes(PathOf(name, "golden_tflm_output.bin"));
        byte[] actual = TfliteFixtures.RunRuntime(Import(name), File.ReadAllBytes(PathOf(name, "inputs.bin")));
        AssertSameBytes(golden, actual, $"{name} vs golden_tflm_output.bin");
    }

    [TflmLaneTheory]
    [MemberData(nameof(TfliteOpFixtures.Names), MemberType = typeof(TfliteOpFixtures))]
    public void OutputsEqualALiveTflmRunByteForByte(string name)
    {
        string output = Path.Combine(Path.GetTempPath(), $"tinydsc-tflm-op-{name}-{Guid.NewGuid():N}.bin");
        try
        {
            string stdout = TflmLane.Run(TflmLane.Runner!, PathOf(name, "model.tflite"), PathOf(name, "inputs.bin"), output);
            Assert.Matches(@"arena_used_bytes=\d+", stdout);
            byte[] actual = TfliteFixtures.RunRuntime(Import(name), File.ReadAllBytes(PathOf(name, "inputs.bin")));
            AssertSameBytes(File.ReadAllBytes(output), actual, $"{name} vs live TFLM ({TflmLane.Runner})");
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void FixturesMapOntoLookupMulAndConcat()
    {
        Assert.Equal(new[] { OpCodes.Lookup }, Codes("hard_swish"));
        Assert.Equal(new[] { OpCodes.Lookup }, Codes("logistic"));
        Assert.Equal(new[] { OpCodes.GlobalAveragePool, OpCodes.Lookup, OpCodes.Mul }, Codes("squeeze_excite"));
        Assert.Equal(new[] { OpCodes.Lookup, OpCodes.MaxPool, OpCodes.Concat }, Codes("concatenation"));
        // The per-channel gate is the Mul's input 1 whichever operand order the file has.
        foreach (string name in new[] { "squeeze_excite", "squeeze_excite_gate_first" })
        {
            TdscModel m = Import(name);
            OperatorInfo mul = m.Operators[^1];
            Assert.Equal(16, m.Tensors[mul.Input1].ByteSize);
        }
    }

    /// <summary>
    /// An independent check of TfliteLogistic, valid without TFLM: TFLM's fixed-point logistic is within 1/256 (one
    /// output step) of the real 1/(1 + e^−x) on every input (its Q0.31 result is accurate to ~1e-6, then rounded once).
    /// </summary>
    [Theory]
    [InlineData(0.06f, -5)]
    [InlineData(0.23f, 127)]
    [InlineData(0.004f, -128)]
    public void LogisticTableIsWithinOneStepOfTheRealFunction(float scale, int zeroPoint)
    {
        sbyte[] table = TfliteLogistic.Table(scale, zeroPoint, "test");
        for (int q = -128; q <= 127; q++)
        {
            double x = scale * (q - zeroPoint);
            double expected = Math.Clamp(256.0 / (1.0 + Math.Exp(-x)) - 128, -128, 127);
            Assert.True(Math.Abs(table[q + 128] - expected) <= 1.0, $"q = {q}: {table[q + 128]} vs {expected:F3}");
        }
    }

    [Fact]
    public void ConcatenationOfInputsAtAnotherScaleIsRejected()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 2, 2, 3 }, scale: 0.05f);
        int h = m.Tensor(new[] { 1, 2, 2, 3 }, scale: 0.1f);
        int y = m.Tensor(new[] { 1, 2, 2, 6 }, scale: 0.05f);
        m.Op(BuiltinOperator.HARD_SWISH, 1, new[] { x }, new[] { h });
        m.Op(BuiltinOperator.CONCATENATION, 2, new[] { x, h }, new[] { y }, b => (BuiltinOptions.ConcatenationOptions,
            ConcatenationOptions.CreateConcatenationOptions(b, 3, ActivationFunctionType.NONE).Value));
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(m.Build(x, y), "c.tflite"));
        Assert.Contains("operator 1 (CONCATENATION v2): input 't1' has scale/zero point 0.100000001/0, output 0.0500000007/0", e.Message);
    }

    [Fact]
    public void ConcatenationAlongAnotherAxisIsRejected()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 2, 2, 3 });
        int y = m.Tensor(new[] { 1, 4, 2, 3 });
        m.Op(BuiltinOperator.CONCATENATION, 2, new[] { x, x }, new[] { y }, b => (BuiltinOptions.ConcatenationOptions,
            ConcatenationOptions.CreateConcatenationOptions(b, 1, ActivationFunctionType.NONE).Value));
        var e = Assert.Throws<TfliteImportException>(() => TfliteImporter.Import(m.Build(x, y), "c.tflite"));
        Assert.Contains("axis 1 of output [1, 4, 2, 3]; TinyDsc concatenates along the last (channel) axis only", e.Message);
    }

    private static int[] Codes(string name) => Array.ConvertAll(Import(name).Operators, o => o.OpCode);

    private static TdscModel Import(string name)
    {
        TfliteImport import = TfliteImporter.Import(File.ReadAllBytes(PathOf(name, "model.tflite")), name + "/model.tflite");
        ModelMemoryPlanner.Apply(import.Quantized.Model);
        return import.Quantized.Model;
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} bytes, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}: byte {i} is {(sbyte)actual[i]}, TFLM has {(sbyte)expected[i]}");
        }
    }
}
