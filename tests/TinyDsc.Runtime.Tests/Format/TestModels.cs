using System;
using System.Collections.Generic;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Runtime.Tests.Format;

/// <summary>
/// Valid models built in memory, each named by what it covers. Shapes are computed by hand in the comments
/// (FORMAT.md's Ho = (H + pt + pb − dh·(kh−1) − 1) / sh + 1), not by the validator.
/// </summary>
public static class TestModels
{
    public static IEnumerable<string> Names => new[] { "every-op", "fc-only", "arena-reuse", "depthwise-multiplier", "inverted-residual", "ds-cnn-ping-pong", "requantized-gap", "fused-inverted-residual", "fused-ds-cnn", "squeeze-excite", "concat-prelu", "softmax-head", "softmax-rows" };

    public static Model Get(string name) => name switch
    {
        "every-op" => EveryOp(),
        "fc-only" => FcOnly(),
        "arena-reuse" => ArenaReuse(),
        "depthwise-multiplier" => DepthwiseMultiplier(),
        "inverted-residual" => InvertedResidual(),
        "ds-cnn-ping-pong" => DsCnnPingPong(),
        "requantized-gap" => RequantizedGap(),
        "fused-inverted-residual" => Fused(InvertedResidual()),
        "fused-ds-cnn" => Fused(DsCnnPingPong()),
        "squeeze-excite" => SqueezeExcite(),
        "concat-prelu" => ConcatPRelu(),
        "softmax-head" => SoftmaxHead(),
        "softmax-rows" => SoftmaxRows(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>
    /// The model with its chains grouped into fused blocks (format v1.1, op 8: internal tensors at arena offset -1, a
    /// work area per block) by the converter's BlockFusion and planned again: inverted-residual gives one 4-member
    /// block (expand, depthwise, project, Add); ds-cnn a producer → depthwise block (p4 = 1, minor 2: the 3×3 stem
    /// into the stride-2 depthwise, operators 1 and 2 under the group record 0) and a 3-member block (1×1, depthwise, 1×1).
    /// </summary>
    public static Model Fused(Model model)
    {
        var names = new string[model.Operators.Length];
        var tensorNames = new string[model.Tensors.Length];
        Model fused = TinyDsc.Converter.Planning.BlockFusion.Fuse(
            new TinyDsc.Converter.Quantization.QuantizedModel(model, tensorNames, names), TinyDsc.Converter.Planning.FusionMode.All).Model;
        TinyDsc.Converter.Planning.ModelMemoryPlanner.Apply(fused);
        return fused;
    }

    /// <summary>All seven op codes: conv, depthwise with multiplier, grouped 1×1, add, both pools, dilated conv, GAP, reshape, FC.</summary>
    public static Model EveryOp()
    {
        var b = new Builder(seed: 1);
        int t0 = b.Tensor(0.05f, -3, 1, 8, 8, 3);
        int t1 = b.Tensor(0.1f, -128, 1, 8, 8, 8);
        int t2 = b.Tensor(0.07f, 5, 1, 4, 4, 16);   // (8 + 0 + 1 - 2 - 1) / 2 + 1 = 4
        int t3 = b.Tensor(0.09f, -2, 1, 4, 4, 16);
        int t4 = b.Tensor(0.12f, 1, 1, 4, 4, 16);
        int t5 = b.Tensor(0.12f, 1, 1, 4, 4, 16);   // avg 2x2 s1 pads (0,0,1,1): (4 + 1 - 1 - 1) / 1 + 1 = 4
        int t6 = b.Tensor(0.12f, 1, 1, 2, 2, 16);   // max 3x3 s2 p1: (4 + 2 - 2 - 1) / 2 + 1 = 2
        int t7 = b.Tensor(0.2f, 0, 1, 2, 2, 8);     // 2x2 dilation 2 pads 1: (2 + 2 - 2 - 1) / 1 + 1 = 2
        int t8 = b.Tensor(0.2f, 0, 1, 1, 1, 8);
        int t9 = b.Tensor(0.2f, 0, 1, 8);
        int t10 = b.Tensor(0.3f, 7, 1, 10);

        b.Conv(t0, t1, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 1, bias: true, act: (-128, 127));
        b.Conv(t1, t2, k: 3, stride: 2, pads: (0, 0, 1, 1), groups: 8, bias: false, act: (5, 127));
        b.Conv(t2, t3, k: 1, stride: 1, pads: (0, 0, 0, 0), groups: 4, bias: true, act: (-128, 100));
        b.Add(t2, t3, t4);
        b.Pool(OpCodes.AveragePool, t4, t5, k: 2, stride: 1, pads: (0, 0, 1, 1), countPad: 1);
        b.Pool(OpCodes.MaxPool, t5, t6, k: 3, stride: 2, pads: (1, 1, 1, 1), countPad: 0);
        OperatorInfo dilated = b.Conv(t6, t7, k: 2, stride: 1, pads: (1, 1, 1, 1), groups: 1, bias: true, act: (0, 127));
        dilated.DilationH = 2;
        dilated.DilationW = 2;
        b.Simple(OpCodes.GlobalAveragePool, t7, t8);
        b.Simple(OpCodes.Reshape, t8, t9);
        b.Fc(t9, t10, bias: true);
        return b.Build(t0, t10);
    }

    /// <summary>The smallest model: one FullyConnected op on rank-2 tensors.</summary>
    public static Model FcOnly()
    {
        var b = new Builder(seed: 2);
        int t0 = b.Tensor(0.5f, 0, 1, 4);
        int t1 = b.Tensor(0.25f, -1, 1, 3);
        b.Fc(t0, t1, bias: false);
        return b.Build(t0, t1);
    }

    /// <summary>Tensors share arena bytes once they are dead (ping-pong between two regions), as the planner lays them out.</summary>
    public static Model ArenaReuse()
    {
        var b = new Builder(seed: 3);
        int t0 = b.TensorAt(0, 0.05f, 0, 1, 6, 6, 4);            // bytes [0, 144)
        int t1 = b.TensorAt(144, 0.05f, 3, 1, 6, 6, 8);          // [144, 432)
        int t2 = b.TensorAt(0, 0.05f, 3, 1, 3, 3, 8);            // max 2x2 s2: (6 - 1 - 1) / 2 + 1 = 3; [0, 72)
        int t3 = b.TensorAt(144, 0.05f, 3, 1, 72);               // reshape: [144, 216)
        int t4 = b.TensorAt(0, 0.1f, -5, 1, 5);                  // [0, 5)
        b.Conv(t0, t1, k: 1, stride: 1, pads: (0, 0, 0, 0), groups: 1, bias: true, act: (-128, 127));
        b.Pool(OpCodes.MaxPool, t1, t2, k: 2, stride: 2, pads: (0, 0, 0, 0), countPad: 0);
        b.Simple(OpCodes.Reshape, t2, t3);
        b.Fc(t3, t4, bias: true);
        return b.Build(t0, t4, arenaSize: 432);
    }

    /// <summary>Depthwise 3x3 with depth multiplier 3 (groups = Cin = 4, Cout = 12), stride 2, asymmetric pads.</summary>
    public static Model DepthwiseMultiplier()
    {
        var b = new Builder(seed: 4);
        int t0 = b.Tensor(0.02f, 10, 1, 9, 7, 4);
        int t1 = b.Tensor(0.04f, -20, 1, 5, 3, 12);  // h: (9 + 1 + 1 - 2 - 1) / 2 + 1 = 5; w: (7 + 0 + 1 - 2 - 1) / 2 + 1 = 3
        b.Conv(t0, t1, k: 3, stride: 2, pads: (1, 0, 1, 1), groups: 4, bias: true, act: (-20, 127));
        return b.Build(t0, t1);
    }

    /// <summary>
    /// MobileNetV2 block on shapes the interpreter's specialised kernels take: 1x1 expand, depthwise 3x3 stride 1 pad 1
    /// (multiplier 1), 1x1 project, residual Add reading the model input again, then GAP, reshape and FC.
    /// </summary>
    public static Model InvertedResidual()
    {
        var b = new Builder(seed: 5);
        int t0 = b.Tensor(0.03f, 2, 1, 6, 6, 4);
        int t1 = b.Tensor(0.05f, -128, 1, 6, 6, 8);
        int t2 = b.Tensor(0.06f, -128, 1, 6, 6, 8);   // (6 + 1 + 1 - 2 - 1) / 1 + 1 = 6
        int t3 = b.Tensor(0.04f, 3, 1, 6, 6, 4);
        int t4 = b.Tensor(0.05f, -1, 1, 6, 6, 4);
        int t5 = b.Tensor(0.05f, -1, 1, 1, 1, 4);
        int t6 = b.Tensor(0.05f, -1, 1, 4);
        int t7 = b.Tensor(0.1f, 0, 1, 3);
        b.Conv(t0, t1, k: 1, stride: 1, pads: (0, 0, 0, 0), groups: 1, bias: true, act: (-128, -8));
        b.Conv(t1, t2, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 8, bias: true, act: (-128, 127));
        b.Conv(t2, t3, k: 1, stride: 1, pads: (0, 0, 0, 0), groups: 1, bias: true, act: (-128, 127));
        b.Add(t3, t0, t4);
        b.Simple(OpCodes.GlobalAveragePool, t4, t5);
        b.Simple(OpCodes.Reshape, t5, t6);
        b.Fc(t6, t7, bias: true);
        return b.Build(t0, t7);
    }

    /// <summary>
    /// A small DS-CNN whose activations alternate between two arena regions, [0, 1152) and [1152, 2304), as a planner
    /// lays out a chain: each op reads one region and writes the other.
    /// </summary>
    public static Model DsCnnPingPong()
    {
        var b = new Builder(seed: 6);
        const int B = 1152;
        int t0 = b.TensorAt(0, 0.02f, -10, 1, 12, 12, 1);
        int t1 = b.TensorAt(B, 0.03f, -128, 1, 12, 12, 8);   // 12·12·8 = 1152
        int t2 = b.TensorAt(0, 0.03f, -128, 1, 6, 6, 8);     // (12 + 0 + 1 - 2 - 1) / 2 + 1 = 6
        int t3 = b.TensorAt(B, 0.04f, -128, 1, 6, 6, 16);
        int t4 = b.TensorAt(0, 0.04f, -128, 1, 6, 6, 16);
        int t5 = b.TensorAt(B, 0.05f, -128, 1, 6, 6, 16);
        int t6 = b.TensorAt(0, 0.05f, -128, 1, 1, 1, 16);
        int t7 = b.TensorAt(B, 0.05f, -128, 1, 16);
        int t8 = b.TensorAt(0, 0.2f, 3, 1, 10);
        b.Conv(t0, t1, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 1, bias: true, act: (-128, 127));
        b.Conv(t1, t2, k: 3, stride: 2, pads: (0, 0, 1, 1), groups: 8, bias: true, act: (-128, 127));
        b.Conv(t2, t3, k: 1, stride: 1, pads: (0, 0, 0, 0), groups: 1, bias: true, act: (-128, 127));
        b.Conv(t3, t4, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 16, bias: true, act: (-128, 127));
        b.Conv(t4, t5, k: 1, stride: 1, pads: (0, 0, 0, 0), groups: 1, bias: true, act: (-128, 127));
        b.Simple(OpCodes.GlobalAveragePool, t5, t6);
        b.Simple(OpCodes.Reshape, t6, t7);
        b.Fc(t7, t8, bias: true);
        return b.Build(t0, t8, arenaSize: 2 * B);
    }

    /// <summary>
    /// A GlobalAveragePool that requantizes (multiplier and shift blobs of one value each) between a ReLU6-range conv
    /// output and the classifier: M = s_in / (s_out · H·W) = (6/255) / (0.004 · 25) ≈ 0.2353 = 0.9412 · 2^-2.
    /// </summary>
    public static Model RequantizedGap()
    {
        var b = new Builder(seed: 7);
        int t0 = b.Tensor(0.02f, -10, 1, 5, 5, 3);
        int t1 = b.Tensor(6f / 255f, -128, 1, 5, 5, 8);
        int t2 = b.Tensor(0.004f, -128, 1, 1, 1, 8);
        int t3 = b.Tensor(0.004f, -128, 1, 8);
        int t4 = b.Tensor(0.1f, 2, 1, 4);
        b.Conv(t0, t1, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 1, bias: true, act: (-128, 127));
        OperatorInfo gap = b.Simple(OpCodes.GlobalAveragePool, t1, t2);
        gap.Multiplier = new[] { 2021161081 };   // ≈ 0.9412 · 2^31
        gap.Shift = new[] { -2 };
        b.Simple(OpCodes.Reshape, t2, t3);
        b.Fc(t3, t4, bias: true);
        return b.Build(t0, t4);
    }

    /// <summary>
    /// Lookup (a HardSwish-like table) and both Mul forms: squeeze-and-excite's per-channel gate
    /// ([1,4,4,C] × [1,1,1,C]) and a same-shape product; a requantizing GAP with p0 = 1 (TFLite's MEAN).
    /// </summary>
    public static Model SqueezeExcite()
    {
        var b = new Builder(seed: 11);
        int t0 = b.Tensor(0.02f, -10, 1, 4, 4, 3);
        int t1 = b.Tensor(0.05f, 3, 1, 4, 4, 6);
        int t2 = b.Tensor(0.04f, -20, 1, 4, 4, 6);
        int t3 = b.Tensor(0.01f, -128, 1, 1, 1, 6);
        int t4 = b.Tensor(1f / 256f, -128, 1, 1, 1, 6);
        int t5 = b.Tensor(0.03f, 0, 1, 4, 4, 6);
        int t6 = b.Tensor(0.06f, -128, 1, 4, 4, 6);
        b.Conv(t0, t1, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 1, bias: true, act: (-128, 127));
        OperatorInfo swish = b.Simple(OpCodes.Lookup, t1, t2);
        swish.Weights = new sbyte[256];
        for (int i = 0; i < 256; i++)
        {
            swish.Weights[i] = (sbyte)(i < 100 ? -20 : Math.Min(127, i - 120));   // -128 allowed in a table, not needed here
        }

        swish.Weights[0] = -128;
        OperatorInfo gap = b.Simple(OpCodes.GlobalAveragePool, t2, t3);
        gap.Multiplier = new[] { 1073741824 };
        gap.Shift = new[] { 3 };
        gap.Params[0] = 1;
        OperatorInfo gate = b.Simple(OpCodes.Lookup, t3, t4);
        gate.Weights = new sbyte[256];
        for (int i = 0; i < 256; i++)
        {
            gate.Weights[i] = (sbyte)(i - 128);
        }

        OperatorInfo mul = b.Simple(OpCodes.Mul, t2, t5);
        mul.Input1 = t4;
        mul.Params[0] = 1431655765;   // (0.04 · 1/256 / 0.03) = 0.0052 = 0.6667 · 2^-7
        mul.Params[1] = -7;
        OperatorInfo square = b.Simple(OpCodes.Mul, t5, t6);
        square.Input1 = t5;
        square.Params[0] = 1288490189;   // 0.03 · 0.03 / 0.06 = 0.015 = 0.96 · 2^-6
        square.Params[1] = -6;
        square.ActMin = -128;
        square.ActMax = 100;
        return b.Build(t0, t6);
    }

    /// <summary>
    /// Concat (op 19) and PRelu (op 20): a 3×3 conv and a PRelu of the input, joined with the input itself along the
    /// channels (3 inputs: one requantized, one requantized with an edge zero point, one with the output's own scale
    /// and zero point, i.e. copied), then a 2-input Concat of rank-2 vectors ([1, 2] + [1, 3]) after a PRelu of one channel.
    /// </summary>
    public static Model ConcatPRelu()
    {
        var b = new Builder(19);
        int t0 = b.Tensor(0.05f, -3, 1, 4, 4, 3);
        int t1 = b.Tensor(0.08f, 127, 1, 4, 4, 5);
        int t2 = b.Tensor(0.04f, -128, 1, 4, 4, 3);
        int t3 = b.Tensor(0.05f, -3, 1, 4, 4, 11);
        b.Conv(t0, t1, k: 3, stride: 1, pads: (1, 1, 1, 1), groups: 1, bias: true, act: (-128, 127));
        OperatorInfo prelu = b.Simple(OpCodes.PRelu, t0, t2);
        prelu.Weights = new sbyte[] { 64, -128, 127 };
        prelu.Params[0] = 1342177280;   // 0.05 / 0.04 = 1.25 = 0.625 · 2^1
        prelu.Params[1] = 1;
        prelu.Params[2] = 1342177280;   // 0.05 · (1/128) / 0.04 = 0.625 · 2^-6
        prelu.Params[3] = -6;
        prelu.Params[4] = 3;
        OperatorInfo concat = b.Simple(OpCodes.Concat, t1, t3);
        concat.Input1 = t2;
        concat.Params[0] = 3;
        concat.Params[1] = t0;
        concat.Params[3] = 1717986918;   // 0.08 / 0.05 = 1.6 = 0.8 · 2^1
        concat.Params[4] = 1;
        concat.Params[5] = 1717986918;   // 0.04 / 0.05 = 0.8 · 2^0
        concat.Params[6] = 0;
        concat.Params[7] = 1073741824;   // the input itself: M = 1, copied
        concat.Params[8] = 1;
        int t4 = b.Tensor(0.05f, -3, 1, 2);
        int t5 = b.Tensor(0.02f, 10, 1, 2);
        int t6 = b.Tensor(0.05f, -3, 1, 3);
        int t7 = b.Tensor(0.1f, 0, 1, 5);
        b.Fc(t3, t4, bias: true);
        OperatorInfo vectorPrelu = b.Simple(OpCodes.PRelu, t4, t5);
        vectorPrelu.Weights = new sbyte[] { 100, 30 };
        vectorPrelu.Params[0] = 1342177280;   // 0.05 / 0.02 = 2.5 = 0.625 · 2^2
        vectorPrelu.Params[1] = 2;
        vectorPrelu.Params[2] = 1073741824;
        vectorPrelu.Params[3] = -5;
        b.Fc(t3, t6, bias: false);
        OperatorInfo join = b.Simple(OpCodes.Concat, t5, t7);
        join.Input1 = t6;
        join.Params[0] = 2;
        join.Params[3] = 1717986918;   // 0.02 / 0.1 = 0.8 · 2^-2
        join.Params[4] = -2;
        join.Params[5] = 1073741824;   // 0.05 / 0.1 = 0.5 · 2^0
        join.Params[6] = 0;
        return b.Build(t0, t7);
    }

    /// <summary>
    /// Softmax (op 18) after a fully connected head: 24 inputs, 10 logits at scale 0.11, softmax output at TFLite's fixed
    /// 1/256 and -128. The input multiplier and shift are TFLite's for s_in = 0.11: s_in · 2^26 = 0.11 · 2^26 =
    /// 0.88 · 2^23, so p0 = round(0.88 · 2^31) = 1889785610 and p1 = 23.
    /// </summary>
    public static Model SoftmaxHead()
    {
        var b = new Builder(18);
        int t0 = b.Tensor(0.05f, 4, 1, 24);
        int t1 = b.Tensor(0.11f, -7, 1, 10);
        int t2 = b.Tensor(1f / 256, -128, 1, 10);
        b.Fc(t0, t1, bias: true);
        OperatorInfo softmax = b.Simple(OpCodes.Softmax, t1, t2);
        softmax.Params[0] = 1889785610;
        softmax.Params[1] = 23;
        return b.Build(t0, t2);
    }

    /// <summary>
    /// Softmax (op 18) twice: over the channels of a [1, 2, 2, 6] map (4 rows of 6), then, after a Reshape, over one
    /// row of 24; parameters as TFLite forms them from each input scale (SoftmaxReference.Scaling).
    /// </summary>
    public static Model SoftmaxRows()
    {
        var b = new Builder(seed: 18);
        int t0 = b.Tensor(0.07f, 12, 1, 2, 2, 6);
        int t1 = b.Tensor(1f / 256, -128, 1, 2, 2, 6);
        int t2 = b.Tensor(1f / 256, -128, 1, 24);
        int t3 = b.Tensor(1f / 256, -128, 1, 24);
        OperatorInfo first = b.Simple(OpCodes.Softmax, t0, t1);
        (first.Params[0], first.Params[1]) = Kernels.SoftmaxReference.Scaling(0.07f);
        b.Simple(OpCodes.Reshape, t1, t2);
        OperatorInfo second = b.Simple(OpCodes.Softmax, t2, t3);
        (second.Params[0], second.Params[1]) = Kernels.SoftmaxReference.Scaling(1f / 256);
        return b.Build(t0, t3);
    }

    /// <summary>Assembles tensors and operators; tensors get consecutive arena ranges unless an offset is given.</summary>
    public sealed class Builder
    {
        private readonly List<TensorInfo> tensors = new();
        private readonly List<OperatorInfo> ops = new();
        private readonly Random random;
        private int nextOffset;

        public Builder(int seed)
        {
            random = new Random(seed);
        }

        public int Tensor(float scale, int zeroPoint, params int[] dims) => Tensor(scale, zeroPoint, dims, -1);

        public int TensorAt(int arenaOffset, float scale, int zeroPoint, int n, int c) => Tensor(scale, zeroPoint, new[] { n, c }, arenaOffset);

        public int TensorAt(int arenaOffset, float scale, int zeroPoint, int n, int h, int w, int c) => Tensor(scale, zeroPoint, new[] { n, h, w, c }, arenaOffset);

        private int Tensor(float scale, int zeroPoint, int[] dims, int arenaOffset)
        {
            var t = new TensorInfo { Rank = dims.Length, Scale = scale, ZeroPoint = zeroPoint };
            int size = 1;
            for (int k = 0; k < dims.Length; k++)
            {
                t.Dims[k] = dims[k];
                size *= dims[k];
            }

            t.ByteSize = size;
            t.ArenaOffset = arenaOffset >= 0 ? arenaOffset : nextOffset;
            nextOffset = Math.Max(nextOffset, t.ArenaOffset + size);
            tensors.Add(t);
            return tensors.Count - 1;
        }

        public OperatorInfo Conv(int input, int output, int k, int stride, (int Top, int Left, int Bottom, int Right) pads, int groups, bool bias, (int Min, int Max) act)
        {
            int cin = tensors[input].Dims[3];
            int cout = tensors[output].Dims[3];
            var op = new OperatorInfo
            {
                OpCode = OpCodes.Conv2D, Input0 = input, Output = output, KernelH = k, KernelW = k, StrideH = stride, StrideW = stride,
                PadTop = pads.Top, PadLeft = pads.Left, PadBottom = pads.Bottom, PadRight = pads.Right, Groups = groups,
                ActMin = act.Min, ActMax = act.Max,
            };
            FillArrays(op, cout * k * k * (cin / groups), cout, bias);
            ops.Add(op);
            return op;
        }

        public OperatorInfo Fc(int input, int output, bool bias)
        {
            int cin = tensors[input].ByteSize;
            int cout = tensors[output].Dims[1];
            var op = new OperatorInfo { OpCode = OpCodes.FullyConnected, Input0 = input, Output = output };
            FillArrays(op, cout * cin, cout, bias);
            ops.Add(op);
            return op;
        }

        public OperatorInfo Add(int input0, int input1, int output)
        {
            var op = new OperatorInfo { OpCode = OpCodes.Add, Input0 = input0, Input1 = input1, Output = output, ActMin = -100, ActMax = 120 };
            int[] p = { 20, 1518500250, -1, 1395864371, -1, 1717986918, -18 };
            Array.Copy(p, op.Params, p.Length);
            ops.Add(op);
            return op;
        }

        public OperatorInfo Pool(int opCode, int input, int output, int k, int stride, (int Top, int Left, int Bottom, int Right) pads, int countPad)
        {
            var op = new OperatorInfo
            {
                OpCode = opCode, Input0 = input, Output = output, KernelH = k, KernelW = k, StrideH = stride, StrideW = stride,
                PadTop = pads.Top, PadLeft = pads.Left, PadBottom = pads.Bottom, PadRight = pads.Right,
            };
            op.Params[0] = countPad;
            ops.Add(op);
            return op;
        }

        public OperatorInfo Simple(int opCode, int input, int output)
        {
            var op = new OperatorInfo { OpCode = opCode, Input0 = input, Output = output };
            ops.Add(op);
            return op;
        }

        public Model Build(int input, int output, int arenaSize = -1) => new()
        {
            Tensors = tensors.ToArray(),
            Operators = ops.ToArray(),
            InputTensor = input,
            OutputTensor = output,
            ArenaSize = arenaSize > 0 ? arenaSize : nextOffset,
        };

        private void FillArrays(OperatorInfo op, int weights, int channels, bool bias)
        {
            op.Weights = new sbyte[weights];
            for (int i = 0; i < weights; i++)
            {
                op.Weights[i] = (sbyte)random.Next(-127, 128);
            }

            op.Bias = bias ? new int[channels] : null;
            op.Multiplier = new int[channels];
            op.Shift = new int[channels];
            for (int c = 0; c < channels; c++)
            {
                if (bias)
                {
                    op.Bias![c] = random.Next(-50000, 50000);
                }

                op.Multiplier[c] = random.Next(1 << 30, int.MaxValue);
                op.Shift[c] = random.Next(-12, 2);
            }
        }
    }
}
