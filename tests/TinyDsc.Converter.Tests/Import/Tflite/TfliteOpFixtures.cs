using System;
using System.Collections.Generic;
using System.IO;
using Google.FlatBuffers;
using TinyDsc.Converter.Import.Tflite.Schema;

namespace TinyDsc.Converter.Tests.Import.Tflite;

/// <summary>
/// Small int8 .tflite models for the ops TinyDsc maps onto its Lookup, Mul and Concat kernels (HARD_SWISH, LOGISTIC,
/// MUL with squeeze-and-excite broadcast, CONCATENATION), built here with the generated schema builders. Their files,
/// inputs and TFLM's outputs are committed in tests/fixtures/tflite-ops (README.md there): TfliteOpGoldenTests checks
/// that the committed model.tflite and inputs.bin are exactly what this class builds, and that TinyDsc's outputs equal
/// TFLM's golden bytes. Inputs cover every int8 value (and each in several positions) where a model's input holds
/// 256 values or more.
/// </summary>
internal static class TfliteOpFixtures
{
    public static readonly IReadOnlyDictionary<string, Func<(byte[] Model, byte[] Inputs)>> All = new Dictionary<string, Func<(byte[], byte[])>>
    {
        ["hard_swish"] = () => HardSwish(0.05f, 3, 0.03f, -20),
        ["hard_swish_edge"] = () => HardSwish(0.11f, -128, 0.25f, -100),
        ["logistic"] = () => Logistic(0.06f, -5),
        ["logistic_wide"] = () => Logistic(0.23f, 127),
        ["squeeze_excite"] = () => SqueezeExcite(gateFirst: false),
        ["squeeze_excite_gate_first"] = () => SqueezeExcite(gateFirst: true),
        ["mul_square"] = MulSquare,
        ["concatenation"] = Concatenation,
        ["concatenation_vectors"] = ConcatenationVectors,
    };

    public static IEnumerable<object[]> Names()
    {
        foreach (string name in All.Keys)
        {
            yield return new object[] { name };
        }
    }

    public static string Root => Path.Combine(Path.GetDirectoryName(TfliteFixtures.Root)!, "tflite-ops");

    /// <summary>Every int8 value once, in a seeded order, then the same values in a second order: 2 × 256 bytes.</summary>
    private static byte[] AllValues(int size, int inputs, int seed)
    {
        var r = new Random(seed);
        var data = new byte[size * inputs];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 256);
        }
        // Fisher–Yates within each input: every value keeps appearing, at changing positions (channels).
        for (int s = 0; s < inputs; s++)
        {
            for (int i = size - 1; i > 0; i--)
            {
                int k = r.Next(i + 1);
                (data[s * size + i], data[s * size + k]) = (data[s * size + k], data[s * size + i]);
            }
        }
        return data;
    }

    private static (byte[], byte[]) HardSwish(float sIn, int zpIn, float sOut, int zpOut)
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 4, 8, 8 }, scale: sIn, zeroPoint: zpIn);
        int y = m.Tensor(new[] { 1, 4, 8, 8 }, scale: sOut, zeroPoint: zpOut);
        m.Op(BuiltinOperator.HARD_SWISH, 1, new[] { x }, new[] { y });
        return (m.Build(x, y), AllValues(256, 2, 1));
    }

    private static (byte[], byte[]) Logistic(float sIn, int zpIn)
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 256 }, scale: sIn, zeroPoint: zpIn);
        int y = m.Tensor(new[] { 1, 256 }, scale: 1f / 256f, zeroPoint: -128);
        m.Op(BuiltinOperator.LOGISTIC, 2, new[] { x }, new[] { y });
        return (m.Build(x, y), AllValues(256, 2, 2));
    }

    /// <summary>x [1, 4, 4, 16] · LOGISTIC(MEAN(x)) [1, 1, 1, 16] with a fused RELU: MobileNetV3's squeeze-and-excite gate.</summary>
    private static (byte[], byte[]) SqueezeExcite(bool gateFirst)
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 4, 4, 16 }, scale: 0.04f, zeroPoint: -7);
        int axes = m.Tensor(new[] { 2 }, TensorType.INT32, data: Int32Bytes(1, 2));
        int mean = m.Tensor(new[] { 1, 1, 1, 16 }, scale: 0.02f, zeroPoint: 4);
        int gate = m.Tensor(new[] { 1, 1, 1, 16 }, scale: 1f / 256f, zeroPoint: -128);
        int y = m.Tensor(new[] { 1, 4, 4, 16 }, scale: 0.035f, zeroPoint: -128);
        m.Op(BuiltinOperator.MEAN, 2, new[] { x, axes }, new[] { mean }, b => (BuiltinOptions.ReducerOptions, ReducerOptions.CreateReducerOptions(b, true).Value));
        m.Op(BuiltinOperator.LOGISTIC, 2, new[] { mean }, new[] { gate });
        m.Op(BuiltinOperator.MUL, 2, gateFirst ? new[] { gate, x } : new[] { x, gate }, new[] { y },
            b => (BuiltinOptions.MulOptions, MulOptions.CreateMulOptions(b, ActivationFunctionType.RELU).Value));
        return (m.Build(x, y), AllValues(256, 3, 3));
    }

    /// <summary>MUL of a tensor by itself (same shapes), fused RELU6, an output scale that saturates the large products.</summary>
    private static (byte[], byte[]) MulSquare()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 8, 8, 4 }, scale: 0.07f, zeroPoint: 12);
        int y = m.Tensor(new[] { 1, 8, 8, 4 }, scale: 0.03f, zeroPoint: -128);
        m.Op(BuiltinOperator.MUL, 2, new[] { x, x }, new[] { y },
            b => (BuiltinOptions.MulOptions, MulOptions.CreateMulOptions(b, ActivationFunctionType.RELU6).Value));
        return (m.Build(x, y), AllValues(256, 2, 4));
    }

    /// <summary>
    /// CONCATENATION (axis −1) of HARD_SWISH(x), x and MAX_POOL_2D(x) (1×1), all at the output's quantization as
    /// TFLite's converter writes them: 3 + 3 + 3 channels, the input read twice.
    /// </summary>
    private static (byte[], byte[]) Concatenation()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 8, 8, 3 }, scale: 0.05f, zeroPoint: -10);
        int h = m.Tensor(new[] { 1, 8, 8, 3 }, scale: 0.05f, zeroPoint: -10);
        int p = m.Tensor(new[] { 1, 8, 8, 3 }, scale: 0.05f, zeroPoint: -10);
        int y = m.Tensor(new[] { 1, 8, 8, 9 }, scale: 0.05f, zeroPoint: -10);
        m.Op(BuiltinOperator.HARD_SWISH, 1, new[] { x }, new[] { h });
        m.Op(BuiltinOperator.MAX_POOL_2D, 1, new[] { x }, new[] { p }, b => (BuiltinOptions.Pool2DOptions,
            Pool2DOptions.CreatePool2DOptions(b, Padding.VALID, 1, 1, 1, 1, ActivationFunctionType.NONE).Value));
        m.Op(BuiltinOperator.CONCATENATION, 2, new[] { h, x, p }, new[] { y }, b => (BuiltinOptions.ConcatenationOptions,
            ConcatenationOptions.CreateConcatenationOptions(b, -1, ActivationFunctionType.NONE).Value));
        return (m.Build(x, y), AllValues(192, 4, 5));
    }

    /// <summary>CONCATENATION (axis 1) of two [1, 16] LOGISTIC outputs into [1, 32]: rank-2 vectors, 2 inputs.</summary>
    private static (byte[], byte[]) ConcatenationVectors()
    {
        var m = new TinyTflite();
        int x = m.Tensor(new[] { 1, 16 }, scale: 0.1f, zeroPoint: 0);
        int a = m.Tensor(new[] { 1, 16 }, scale: 1f / 256f, zeroPoint: -128);
        int hs = m.Tensor(new[] { 1, 16 }, scale: 1f / 256f, zeroPoint: -128);
        int y = m.Tensor(new[] { 1, 32 }, scale: 1f / 256f, zeroPoint: -128);
        m.Op(BuiltinOperator.LOGISTIC, 2, new[] { x }, new[] { a });
        m.Op(BuiltinOperator.HARD_SWISH, 1, new[] { a }, new[] { hs });
        m.Op(BuiltinOperator.CONCATENATION, 2, new[] { hs, a }, new[] { y }, b => (BuiltinOptions.ConcatenationOptions,
            ConcatenationOptions.CreateConcatenationOptions(b, 1, ActivationFunctionType.NONE).Value));
        return (m.Build(x, y), AllValues(16, 16, 6));
    }

    private static byte[] Int32Bytes(params int[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(b.AsSpan(4 * i), values[i]);
        }
        return b;
    }
}
