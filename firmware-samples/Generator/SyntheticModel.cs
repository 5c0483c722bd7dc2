using System;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Samples.Generator;

/// <summary>
/// A small depthwise-separable int8 model with fixed-seed random weights, built in memory and written with the
/// converter's ModelWriter: conv 3x3 stride 2 (1 -> 8, ReLU) -> depthwise 3x3 -> pointwise 1x1 (8 -> 16, ReLU)
/// -> global average pool -> reshape -> fully connected (16 -> 10). Input [1, 28, 28, 1], output [1, 10].
/// Used for the samples until a trained model is bundled, and by the tests as a model of known structure.
/// </summary>
public static class SyntheticModel
{
    public const int Classes = 10;

    /// <summary>Builds the model; <paramref name="pointwiseChannels"/> widens the pointwise output, which enlarges the weights (for tests of size limits).</summary>
    public static Model Build(uint seed = 1, int pointwiseChannels = 16)
    {
        var rng = new XorShift(seed);
        var tensors = new[]
        {
            Tensor(new[] { 1, 28, 28, 1 }, 0.02f, -128),
            Tensor(new[] { 1, 14, 14, 8 }, 0.05f, -128),
            Tensor(new[] { 1, 14, 14, 8 }, 0.08f, 3),
            Tensor(new[] { 1, 14, 14, pointwiseChannels }, 0.06f, -128),
            Tensor(new[] { 1, 1, 1, pointwiseChannels }, 0.06f, -128),
            Tensor(new[] { 1, pointwiseChannels }, 0.06f, -128),
            Tensor(new[] { 1, Classes }, 0.1f, -5),
        };
        int offset = 0;
        int arenaEnd = 0;
        foreach (TensorInfo t in tensors)
        {
            // No overlap: a valid, if not minimal, arena plan; the arena ends with the last tensor (FORMAT.md).
            t.ArenaOffset = offset;
            arenaEnd = offset + t.ByteSize;
            offset += (t.ByteSize + 3) & ~3;
        }

        var stem = Conv(rng, 0, 1, 1, 8, 3, 1, -7, -128);
        stem.StrideH = stem.StrideW = 2;
        stem.PadTop = stem.PadLeft = stem.PadBottom = stem.PadRight = 1;
        var depthwise = Conv(rng, 1, 2, 8, 8, 3, 8, -8, -128);
        depthwise.PadTop = depthwise.PadLeft = depthwise.PadBottom = depthwise.PadRight = 1;
        var pointwise = Conv(rng, 2, 3, 8, pointwiseChannels, 1, 1, -8, -128);
        var pool = new OperatorInfo { OpCode = OpCodes.GlobalAveragePool, Input0 = 3, Output = 4 };
        var reshape = new OperatorInfo { OpCode = OpCodes.Reshape, Input0 = 4, Output = 5 };
        var fc = new OperatorInfo
        {
            OpCode = OpCodes.FullyConnected,
            Input0 = 5,
            Output = 6,
            Weights = Weights(rng, Classes * pointwiseChannels),
            Bias = Bias(rng, Classes),
            Multiplier = Multipliers(rng, Classes),
            Shift = Shifts(Classes, -9),
        };
        return new Model
        {
            Tensors = tensors,
            Operators = new[] { stem, depthwise, pointwise, pool, reshape, fc },
            InputTensor = 0,
            OutputTensor = 6,
            ArenaSize = arenaEnd,
        };
    }

    /// <summary>The model as .tdsc bytes.</summary>
    public static byte[] Bytes(uint seed = 1, int pointwiseChannels = 16) => ModelWriter.Write(Build(seed, pointwiseChannels));

    /// <summary>Fixed-seed random int8 images for the model's input.</summary>
    public static sbyte[] RandomInput(uint seed)
    {
        var rng = new XorShift(seed);
        var input = new sbyte[28 * 28];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (sbyte)rng.Next(-128, 128);
        }

        return input;
    }

    private static TensorInfo Tensor(int[] dims, float scale, int zeroPoint)
    {
        int size = 1;
        foreach (int d in dims)
        {
            size *= d;
        }

        var all = new[] { 1, 1, 1, 1 };
        Array.Copy(dims, all, dims.Length);
        return new TensorInfo { Rank = dims.Length, Dims = all, Scale = scale, ZeroPoint = zeroPoint, ByteSize = size };
    }

    private static OperatorInfo Conv(XorShift rng, int input, int output, int cin, int cout, int kernel, int groups, int shift, int actMin)
    {
        return new OperatorInfo
        {
            OpCode = OpCodes.Conv2D,
            Input0 = input,
            Output = output,
            KernelH = kernel,
            KernelW = kernel,
            Groups = groups,
            ActMin = actMin,
            Weights = Weights(rng, cout * kernel * kernel * (cin / groups)),
            Bias = Bias(rng, cout),
            Multiplier = Multipliers(rng, cout),
            Shift = Shifts(cout, shift),
        };
    }

    private static sbyte[] Weights(XorShift rng, int count)
    {
        var w = new sbyte[count];
        for (int i = 0; i < count; i++)
        {
            w[i] = (sbyte)rng.Next(-127, 128);
        }

        return w;
    }

    private static int[] Bias(XorShift rng, int count)
    {
        var b = new int[count];
        for (int i = 0; i < count; i++)
        {
            b[i] = rng.Next(-2000, 2001);
        }

        return b;
    }

    private static int[] Multipliers(XorShift rng, int count)
    {
        var m = new int[count];
        for (int i = 0; i < count; i++)
        {
            m[i] = (1 << 30) + rng.Next(0, 1 << 29);
        }

        return m;
    }

    private static int[] Shifts(int count, int shift)
    {
        var s = new int[count];
        Array.Fill(s, shift);
        return s;
    }

    /// <summary>xorshift32: the same sequence for a seed on every platform and .NET version.</summary>
    private sealed class XorShift
    {
        private uint state;

        public XorShift(uint seed)
        {
            state = seed == 0 ? 0x9E3779B9u : seed;
        }

        /// <summary>Uniform-ish integer in [min, max).</summary>
        public int Next(int min, int max)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return min + (int)(state % (uint)(max - min));
        }
    }
}
