using System;
using System.Linq;
using TinyDsc.Converter.Embedding;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;
using TinyDsc.Samples.Generator;
using Xunit;

namespace TinyDsc.Firmware.Tests;

public class GoldenVectorBuilderTests
{
    /// <summary>Input [1, 2, 2, 3] (scale 0.5, zero point 3) reshaped to the output [1, 12]: the output is the input's bytes.</summary>
    private static byte[] ReshapeModel()
    {
        var input = new TensorInfo { Rank = 4, Dims = new[] { 1, 2, 2, 3 }, Scale = 0.5f, ZeroPoint = 3, ArenaOffset = 0, ByteSize = 12 };
        var output = new TensorInfo { Rank = 2, Dims = new[] { 1, 12, 1, 1 }, Scale = 0.5f, ZeroPoint = 3, ArenaOffset = 12, ByteSize = 12 };
        var model = new Model
        {
            Tensors = new[] { input, output },
            Operators = new[] { new OperatorInfo { OpCode = OpCodes.Reshape, Input0 = 0, Output = 1 } },
            InputTensor = 0,
            OutputTensor = 1,
            ArenaSize = 24,
        };
        return ModelWriter.Write(model);
    }

    [Fact]
    public void QuantizeNchwInput_TransposesToNhwc_AndRoundsHalfAwayFromZero()
    {
        var builder = new GoldenVectorBuilder(ReshapeModel());
        // NCHW [1, 3, 2, 2]: channel c, row y, column x holds 10c + 3y + x (in units of the scale, 0.5).
        var nchw = new float[12];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 2; y++)
            {
                for (int x = 0; x < 2; x++)
                {
                    nchw[(c * 2 + y) * 2 + x] = 0.5f * (10 * c + 3 * y + x);
                }
            }
        }

        sbyte[] q = builder.QuantizeNchwInput(nchw);

        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 2; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(10 * c + 3 * y + x + 3, q[(y * 2 + x) * 3 + c]);
                }
            }
        }

        // 0.25 / 0.5 = 0.5 -> 1 and -0.25 / 0.5 = -0.5 -> -1 (away from zero); saturation at both ends.
        sbyte[] edge = builder.QuantizeNchwInput(new[] { 0.25f, -0.25f, 1000f, -1000f, 0, 0, 0, 0, 0, 0, 0, 0 });
        Assert.Equal(new sbyte[] { 4, 2, 127, -128 }, new[] { edge[0], edge[3], edge[6], edge[9] });
    }

    [Fact]
    public void Vectors_HoldTheInterpretersOutput_AndCopiesOfTheInput()
    {
        var builder = new GoldenVectorBuilder(ReshapeModel());
        sbyte[] input = Enumerable.Range(0, 12).Select(i => (sbyte)(i * 20 - 120)).ToArray();

        GoldenVector v = builder.Add("ramp", input);
        input[0] = 99; // the vector keeps its own copy

        Assert.Equal(-120, v.Input[0]);
        Assert.Equal(v.Input, v.ExpectedOutput); // reshape copies bytes
        Assert.Equal("all -7", builder.AddConstant(-7).Name);
        Assert.All(builder.Vectors[1].ExpectedOutput, b => Assert.Equal(-7, b));
    }

    [Fact]
    public void RandomInputs_AreFixedPerSeed()
    {
        var a = new GoldenVectorBuilder(SyntheticModel.Bytes());
        var b = new GoldenVectorBuilder(SyntheticModel.Bytes());

        Assert.Equal(a.AddRandom(5).Input, b.AddRandom(5).Input);
        Assert.NotEqual(a.AddRandom(6).Input, a.Vectors[0].Input);
        Assert.Contains(a.Vectors[0].Input, x => x < -64);
        Assert.Contains(a.Vectors[0].Input, x => x > 64);
    }

    [Fact]
    public void WrongInputLength_IsRejected()
    {
        var builder = new GoldenVectorBuilder(ReshapeModel());

        var e = Assert.Throws<ArgumentException>(() => builder.Add("short", new sbyte[11]));
        Assert.Contains("11 values", e.Message);
        Assert.Contains("12", e.Message);
    }
}
