using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Kernels;

namespace TinyDsc.Runtime.Tests.Interpreter;

/// <summary>Builds small int8 models in memory (no file format involved): tensors placed one after another in the arena.</summary>
internal sealed class ModelBuilder
{
    private readonly List<TensorInfo> _tensors = new();
    private readonly List<OperatorInfo> _ops = new();
    private int _arena;

    public int Tensor(int[] dims, float scale, int zeroPoint)
    {
        var d = new[] { 1, 1, 1, 1 };
        Array.Copy(dims, d, dims.Length);
        int size = 1;
        foreach (int x in dims)
        {
            size *= x;
        }

        _tensors.Add(new TensorInfo { Rank = dims.Length, Dims = d, Scale = scale, ZeroPoint = zeroPoint, ArenaOffset = _arena, ByteSize = size });
        _arena += size;
        return _tensors.Count - 1;
    }

    public TensorInfo Info(int t) => _tensors[t];

    public OperatorInfo Op(OperatorInfo op)
    {
        _ops.Add(op);
        return op;
    }

    public Model Build(int input, int output) => new()
    {
        Tensors = _tensors.ToArray(),
        Operators = _ops.ToArray(),
        InputTensor = input,
        OutputTensor = output,
        ArenaSize = _arena,
    };

    /// <summary>A Conv2D record with random weights, bias and requantization for the given tensors.</summary>
    public OperatorInfo Conv(Random rng, int input, int output, int k, int stride, int pt, int pl, int pb, int pr, int groups, bool relu = false)
    {
        int cin = Info(input).Dims[3];
        int cout = Info(output).Dims[3];
        var op = new OperatorInfo
        {
            OpCode = OpCodes.Conv2D, Input0 = input, Output = output, KernelH = k, KernelW = k, StrideH = stride, StrideW = stride,
            PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr, Groups = groups,
            Weights = RandomWeights(rng, cout * k * k * (cin / groups)),
        };
        RandomRequant(rng, op, cout);
        if (relu)
        {
            op.ActMin = Info(output).ZeroPoint;
        }

        return Op(op);
    }

    public OperatorInfo FullyConnected(Random rng, int input, int output)
    {
        int cin = Info(input).ByteSize;
        int cout = Info(output).ByteSize;
        var op = new OperatorInfo { OpCode = OpCodes.FullyConnected, Input0 = input, Output = output, Weights = RandomWeights(rng, cout * cin) };
        RandomRequant(rng, op, cout);
        return Op(op);
    }

    private static sbyte[] RandomWeights(Random rng, int n)
    {
        var w = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = (sbyte)rng.Next(-127, 128);
        }

        return w;
    }

    /// <summary>Bias and realistic requantization (outputs neither all saturated nor all zero).</summary>
    private static void RandomRequant(Random rng, OperatorInfo op, int channels)
    {
        op.Bias = new int[channels];
        op.Multiplier = new int[channels];
        op.Shift = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            op.Bias[c] = rng.Next(-3000, 3001);
            op.Multiplier[c] = rng.Next(1 << 30, int.MaxValue);
            op.Shift[c] = rng.Next(-11, -7);
        }
    }

    /// <summary>
    /// A DS-CNN-like net touching every op code and every conv kernel: stem conv (dense), depthwise 3x3,
    /// two pointwise, residual Add, average pool (count_include_pad), max pool, depthwise with multiplier 2
    /// (general depthwise), global average pool, reshape, fully connected.
    /// </summary>
    public static Model Network(int seed)
    {
        var rng = new Random(seed);
        var b = new ModelBuilder();
        int x = b.Tensor(new[] { 1, 8, 8, 3 }, 0.02f, -5);
        int stem = b.Tensor(new[] { 1, 4, 4, 8 }, 0.05f, -128);
        b.Conv(rng, x, stem, 3, 2, 0, 0, 1, 1, 1, relu: true);
        int dw = b.Tensor(new[] { 1, 4, 4, 8 }, 0.04f, -128);
        b.Conv(rng, stem, dw, 3, 1, 1, 1, 1, 1, 8, relu: true);
        int expand = b.Tensor(new[] { 1, 4, 4, 16 }, 0.06f, 3);
        b.Conv(rng, dw, expand, 1, 1, 0, 0, 0, 0, 1);
        int project = b.Tensor(new[] { 1, 4, 4, 8 }, 0.05f, -2);
        b.Conv(rng, expand, project, 1, 1, 0, 0, 0, 0, 1);
        int sum = b.Tensor(new[] { 1, 4, 4, 8 }, 0.07f, 1);
        b.Op(new OperatorInfo
        {
            OpCode = OpCodes.Add, Input0 = dw, Input1 = project, Output = sum,
            Params = new[] { 20, 1518500250, -1, 1280000000, -1, 1900000000, -19, 0, 0, 0, 0 },
        });
        int avg = b.Tensor(new[] { 1, 4, 4, 8 }, 0.07f, 1);
        b.Op(new OperatorInfo
        {
            OpCode = OpCodes.AveragePool, Input0 = sum, Output = avg, KernelH = 2, KernelW = 2, PadBottom = 1, PadRight = 1,
            Params = new[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
        });
        int max = b.Tensor(new[] { 1, 2, 2, 8 }, 0.07f, 1);
        b.Op(new OperatorInfo { OpCode = OpCodes.MaxPool, Input0 = avg, Output = max, KernelH = 2, KernelW = 2, StrideH = 2, StrideW = 2 });
        int dw2 = b.Tensor(new[] { 1, 2, 2, 16 }, 0.05f, -7);
        b.Conv(rng, max, dw2, 3, 1, 1, 1, 1, 1, 8);
        int gap = b.Tensor(new[] { 1, 1, 1, 16 }, 0.05f, -7);
        b.Op(new OperatorInfo { OpCode = OpCodes.GlobalAveragePool, Input0 = dw2, Output = gap });
        int flat = b.Tensor(new[] { 1, 16 }, 0.05f, -7);
        b.Op(new OperatorInfo { OpCode = OpCodes.Reshape, Input0 = gap, Output = flat });
        int logits = b.Tensor(new[] { 1, 5 }, 0.1f, 4);
        b.FullyConnected(rng, flat, logits);
        return b.Build(x, logits);
    }
}
