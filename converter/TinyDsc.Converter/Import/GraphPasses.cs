using System;
using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Import;

/// <summary>
/// Rewrites the lowered graph into FloatGraph ops, each rewrite exact in real arithmetic:
/// <list type="number">
/// <item>dead nodes (not reaching the output) are dropped;</item>
/// <item>a per-channel affine (BatchNorm, Add/Sub/Mul/Div by a constant) right after a Conv/FullyConnected whose output
///   has no other consumer folds into its weights and bias: W'[o] = W[o]·s[o], b'[o] = b[o]·s[o] + t[o];</item>
/// <item>an affine whose input is another affine with no other consumer merges into it (input normalisation
///   (x − mean) / std exports as Sub then Div): y = x·(s1·s2) + (t1·s2 + t2);</item>
/// <item>an affine whose only consumer is an unpadded Conv or a FullyConnected folds into that layer's weights and bias:
///   W'[o, c, k] = W[o, c, k]·s[c], b'[o] = b[o] + Σ W[o, c, k]·t[c]. Not into a padded Conv: its zero pads would
///   become (0 − mean)/std-shifted values at the borders;</item>
/// <item>a remaining affine becomes a depthwise 1×1 Conv (4-D) or a diagonal FullyConnected (2-D);</item>
/// <item>a zero Pad merges into the next Conv (conv padding is zero), AveragePool (as count_include_pad=1, since the
///   padded zeros are real inputs to the average) or MaxPool (only when its input is known non-negative and every
///   window keeps a real element, so a padded zero never wins over the −inf MaxPool pads with); otherwise it becomes
///   a padded identity depthwise 1×1 Conv;</item>
/// <item>consecutive clamps (ReLU, ReLU6, Hardtanh; PyTorch's F.relu6 exports as Relu then Clip(0, 6)) merge into one
///   clamp to the intersection of their ranges, clamp(clamp(x, a, b), c, d) = clamp(x, max(a, c), min(b, d)) when
///   that intersection is not empty;</item>
/// <item>ReLU/ReLU6 fuse into the producing Conv/FullyConnected/Add, also across MaxPool and Reshape, which commute with
///   any non-decreasing function, also onto a producer already carrying ReLU/ReLU6 (the intersection); a remaining one becomes an identity depthwise 1×1 Conv (4-D) or FullyConnected (2-D)
///   carrying the activation.</item>
/// </list>
/// </summary>
internal sealed class GraphPasses
{
    private readonly List<LoweredNode> _nodes;
    private readonly string _input;
    private readonly Dictionary<string, int[]> _shapes;
    private string _output;

    public GraphPasses(List<LoweredNode> nodes, string input, string output, Dictionary<string, int[]> shapes)
    {
        _nodes = nodes;
        _input = input;
        _output = output;
        _shapes = shapes;
    }

    public void Run()
    {
        RecogniseHardSwish();
        RemoveDeadNodes();
        FoldAffine();
        MergeAffineChains();
        FoldAffineIntoNextConv();
        LowerRemainingAffine();
        MergePads();
        MergeActivationChains();
        FuseActivations();
    }

    public FloatGraph Build()
    {
        var g = new FloatGraph { Input = _input, Output = _output };
        g.Values[_input] = new ValueInfo(_input, _shapes[_input]);
        foreach (var n in _nodes)
        {
            n.Params.Kind = n.Op switch
            {
                LoweredOp.Conv => NodeKind.Conv,
                LoweredOp.FullyConnected => NodeKind.FullyConnected,
                LoweredOp.Add => NodeKind.Add,
                LoweredOp.AveragePool => NodeKind.AveragePool,
                LoweredOp.MaxPool => NodeKind.MaxPool,
                LoweredOp.GlobalAveragePool => NodeKind.GlobalAveragePool,
                LoweredOp.Reshape => NodeKind.Reshape,
                LoweredOp.HardSwish => NodeKind.HardSwish,
                LoweredOp.HardSigmoid => NodeKind.HardSigmoid,
                LoweredOp.Sigmoid => NodeKind.Sigmoid,
                LoweredOp.Tanh => NodeKind.Tanh,
                LoweredOp.LeakyRelu => NodeKind.LeakyRelu,
                LoweredOp.Hardtanh => NodeKind.Hardtanh,
                LoweredOp.Mul => NodeKind.Mul,
                LoweredOp.Softmax => NodeKind.Softmax,
                LoweredOp.Concat => NodeKind.Concat,
                LoweredOp.PRelu => NodeKind.PRelu,
                _ => throw new InvalidOperationException($"{n.Where}: internal error, {n.Op} left after lowering"),
            };
            g.Nodes.Add(n.Params);
            g.Values[n.Output] = new ValueInfo(n.Output, _shapes[n.Output]);
        }
        return g;
    }

    private LoweredNode? Producer(string value) => _nodes.FirstOrDefault(n => n.Output == value);

    private int ConsumerCount(string value) => _nodes.Sum(n => n.Inputs.Count(i => i == value)) + (value == _output ? 1 : 0);

    private List<LoweredNode> Consumers(string value) => _nodes.Where(n => n.Inputs.Contains(value)).ToList();

    /// <summary>Removes <paramref name="n"/>; <paramref name="producer"/> now writes <paramref name="n"/>'s output name.</summary>
    private void Bypass(LoweredNode n, LoweredNode producer)
    {
        producer.Output = n.Output;
        _nodes.Remove(n);
    }

    /// <summary>
    /// x · HardSigmoid(x) with PyTorch's Hardsigmoid slope 1/6 and offset 0.5 is x · min(max(x + 3, 0), 6) / 6, i.e.
    /// HardSwish: PyTorch exports nn.Hardswish that way before opset 14. The Mul becomes a HardSwish of x when the
    /// HardSigmoid has no other consumer (it is then dead and dropped).
    /// </summary>
    private void RecogniseHardSwish()
    {
        foreach (var mul in _nodes.Where(n => n.Op == LoweredOp.Mul && n.Inputs.Count == 2).ToList())
        {
            for (int side = 0; side < 2; side++)
            {
                var gate = Producer(mul.Inputs[side]);
                string x = mul.Inputs[1 - side];
                if (gate is { Op: LoweredOp.HardSigmoid } && gate.Inputs[0] == x
                    && MathF.Abs(gate.Params.Alpha - 1f / 6f) <= 1e-6f && gate.Params.Beta == 0.5f && ConsumerCount(gate.Output) == 1)
                {
                    mul.Op = LoweredOp.HardSwish;
                    mul.Inputs.Clear();
                    mul.Inputs.Add(x);
                    break;
                }
            }
        }
    }

    private void RemoveDeadNodes()
    {
        var live = new HashSet<string> { _output };
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            if (live.Contains(_nodes[i].Output))
            {
                live.UnionWith(_nodes[i].Inputs);
            }
            else
            {
                _nodes.RemoveAt(i);
            }
        }
    }

    private void FoldAffine()
    {
        foreach (var n in _nodes.Where(n => n.Op == LoweredOp.Affine).ToList())
        {
            var p = Producer(n.Inputs[0]);
            if (p == null || (p.Op != LoweredOp.Conv && p.Op != LoweredOp.FullyConnected) || ConsumerCount(p.Output) != 1)
            {
                continue;
            }
            var w = p.Params.Weight!;
            int cout = p.Params.WeightShape![0];
            int per = w.Length / cout;
            var bias = new float[cout];
            for (int o = 0; o < cout; o++)
            {
                float s = n.Scale![o];
                for (int k = 0; k < per; k++)
                {
                    w[o * per + k] *= s;
                }
                bias[o] = (p.Params.Bias?[o] ?? 0f) * s + n.Shift![o];
            }
            p.Params.Bias = bias;
            Bypass(n, p);
        }
    }

    private void MergeAffineChains()
    {
        foreach (var second in _nodes.Where(n => n.Op == LoweredOp.Affine).ToList())
        {
            var first = Producer(second.Inputs[0]);
            if (first is not { Op: LoweredOp.Affine } || ConsumerCount(first.Output) != 1)
            {
                continue;
            }
            for (int c = 0; c < second.Scale!.Length; c++)
            {
                second.Shift![c] += first.Shift![c] * second.Scale[c];
                second.Scale[c] *= first.Scale![c];
            }
            second.Inputs[0] = first.Inputs[0];
            _nodes.Remove(first);
        }
    }

    private void FoldAffineIntoNextConv()
    {
        foreach (var n in _nodes.Where(n => n.Op == LoweredOp.Affine).ToList())
        {
            var users = Consumers(n.Output);
            if (ConsumerCount(n.Output) != 1 || users.Count != 1)
            {
                continue;
            }
            var user = users[0];
            var p = user.Params;
            bool conv = user.Op == LoweredOp.Conv && (p.PadTop | p.PadLeft | p.PadBottom | p.PadRight) == 0;
            // A FullyConnected reads the affine's channels as its features only on a 2-D input.
            bool fc = user.Op == LoweredOp.FullyConnected && _shapes[n.Output].Length == 2;
            if (!conv && !fc)
            {
                continue;
            }
            var w = (float[])p.Weight!.Clone();
            int cout = p.WeightShape![0], cinPerGroup = p.WeightShape[1];
            int kernel = w.Length / (cout * cinPerGroup);
            int groups = conv ? p.Groups : 1;
            int outPerGroup = cout / groups;
            var bias = p.Bias ?? new float[cout];
            for (int o = 0; o < cout; o++)
            {
                double extra = 0;
                for (int ci = 0; ci < cinPerGroup; ci++)
                {
                    int c = (o / outPerGroup) * cinPerGroup + ci;
                    for (int k = 0; k < kernel; k++)
                    {
                        int i = (o * cinPerGroup + ci) * kernel + k;
                        extra += (double)w[i] * n.Shift![c];
                        w[i] *= n.Scale![c];
                    }
                }
                bias[o] = (float)(bias[o] + extra);
            }
            (p.Weight, p.Bias) = (w, bias);
            user.Inputs[user.Inputs.IndexOf(n.Output)] = n.Inputs[0];
            _nodes.Remove(n);
        }
    }

    private void LowerRemainingAffine()
    {
        foreach (var n in _nodes.Where(n => n.Op == LoweredOp.Affine))
        {
            MakeIdentityLayer(n, n.Scale!, n.Shift!);
        }
    }

    /// <summary>
    /// Turns <paramref name="n"/> into y = x · scale[c] + shift[c]: a depthwise 1×1 Conv (groups = C) on 4-D values,
    /// a diagonal FullyConnected on 2-D ones. Pads already set in <see cref="LoweredNode.Pads"/> are kept (zeros out).
    /// </summary>
    private void MakeIdentityLayer(LoweredNode n, float[]? scale = null, float[]? shift = null)
    {
        var xs = _shapes[n.Inputs[0]];
        int c = xs[1];
        scale ??= Enumerable.Repeat(1f, c).ToArray();
        var p = n.Params;
        if (xs.Length == 4)
        {
            n.Op = LoweredOp.Conv;
            p.Weight = (float[])scale.Clone();
            p.WeightShape = new[] { c, 1, 1, 1 };
            p.Groups = c;
            (p.PadTop, p.PadLeft, p.PadBottom, p.PadRight) = (n.Pads[0], n.Pads[1], n.Pads[2], n.Pads[3]);
        }
        else
        {
            n.Op = LoweredOp.FullyConnected;
            p.Weight = new float[c * c];
            for (int i = 0; i < c; i++)
            {
                p.Weight[i * c + i] = scale[i];
            }
            p.WeightShape = new[] { c, c };
        }
        p.Bias = shift == null ? null : (float[])shift.Clone();
    }

    private bool NonNegative(string value)
    {
        var p = Producer(value);
        return p != null && p.Op switch
        {
            LoweredOp.Relu or LoweredOp.Relu6 or LoweredOp.HardSigmoid or LoweredOp.Sigmoid => true,
            LoweredOp.Conv or LoweredOp.FullyConnected or LoweredOp.Add => p.Params.Activation != Activation.None,
            LoweredOp.MaxPool or LoweredOp.AveragePool or LoweredOp.GlobalAveragePool or LoweredOp.Reshape or LoweredOp.Pad => NonNegative(p.Inputs[0]),
            LoweredOp.Concat => p.Inputs.All(NonNegative),
            _ => false,
        };
    }

    private void MergePads()
    {
        foreach (var pad in _nodes.Where(n => n.Op == LoweredOp.Pad).ToList())
        {
            var users = Consumers(pad.Output);
            if (ConsumerCount(pad.Output) == 1 && users.Count == 1 && TryMergePad(pad, users[0]))
            {
                users[0].Inputs[users[0].Inputs.IndexOf(pad.Output)] = pad.Inputs[0];
                _nodes.Remove(pad);
            }
            else
            {
                MakeIdentityLayer(pad);
            }
        }
    }

    private bool TryMergePad(LoweredNode pad, LoweredNode user)
    {
        var p = user.Params;
        int[] sum = { p.PadTop + pad.Pads[0], p.PadLeft + pad.Pads[1], p.PadBottom + pad.Pads[2], p.PadRight + pad.Pads[3] };
        switch (user.Op)
        {
            case LoweredOp.Conv:
                break;
            case LoweredOp.AveragePool:
                // Own pads excluded from the divisor cannot be combined with explicit zeros that count.
                if (!p.CountIncludePad && (p.PadTop | p.PadLeft | p.PadBottom | p.PadRight) != 0)
                {
                    return false;
                }
                p.CountIncludePad = true;
                break;
            case LoweredOp.MaxPool:
                if (!NonNegative(pad.Inputs[0]) || sum[0] >= p.KernelH || sum[2] >= p.KernelH || sum[1] >= p.KernelW || sum[3] >= p.KernelW)
                {
                    return false;
                }
                break;
            default:
                return false;
        }
        (p.PadTop, p.PadLeft, p.PadBottom, p.PadRight) = (sum[0], sum[1], sum[2], sum[3]);
        return true;
    }

    /// <summary>The clamp range [lo, hi] of a ReLU/ReLU6/Hardtanh node, or null for any other node.</summary>
    private static (float Lo, float Hi)? ClampRange(LoweredNode n) => n.Op switch
    {
        LoweredOp.Relu => (0f, float.PositiveInfinity),
        LoweredOp.Relu6 => (0f, 6f),
        LoweredOp.Hardtanh => (n.Params.Alpha, n.Params.Beta),
        _ => null,
    };

    /// <summary>
    /// A clamp whose input is another clamp with no other consumer becomes one clamp to the intersection of both
    /// ranges; the first is removed. Chains of any length collapse because nodes are visited in topological order.
    /// An empty intersection (the output is then a constant) is left alone.
    /// </summary>
    private void MergeActivationChains()
    {
        foreach (var second in _nodes.Where(n => ClampRange(n) != null).ToList())
        {
            var first = Producer(second.Inputs[0]);
            if (first == null || ClampRange(first) is not { } r1 || ConsumerCount(first.Output) != 1)
            {
                continue;
            }
            var r2 = ClampRange(second)!.Value;
            float lo = MathF.Max(r1.Lo, r2.Lo), hi = MathF.Min(r1.Hi, r2.Hi);
            if (!(lo < hi))
            {
                continue;
            }
            second.Op = lo == 0f && float.IsPositiveInfinity(hi) ? LoweredOp.Relu
                : lo == 0f && hi == 6f ? LoweredOp.Relu6
                : LoweredOp.Hardtanh;
            (second.Params.Alpha, second.Params.Beta) = second.Op == LoweredOp.Hardtanh ? (lo, hi) : (0f, 0f);
            second.Inputs[0] = first.Inputs[0];
            _nodes.Remove(first);
        }
    }

    private void FuseActivations()
    {
        foreach (var act in _nodes.Where(n => n.Op is LoweredOp.Relu or LoweredOp.Relu6).ToList())
        {
            var kind = act.Op == LoweredOp.Relu ? Activation.Relu : Activation.Relu6;
            // Walk up through single-consumer MaxPool/Reshape nodes to the producer that can carry the activation.
            var chain = new List<LoweredNode>();
            var cur = Producer(act.Inputs[0]);
            while (cur != null && cur.Op is LoweredOp.MaxPool or LoweredOp.Reshape && ConsumerCount(cur.Output) == 1)
            {
                chain.Add(cur);
                cur = Producer(cur.Inputs[0]);
            }
            if (cur != null && cur.Op is LoweredOp.Conv or LoweredOp.FullyConnected or LoweredOp.Add
                && cur.Params.Activation is Activation.None or Activation.Relu or Activation.Relu6 && ConsumerCount(cur.Output) == 1)
            {
                // Relu after Relu6 (or the reverse) is Relu6: the intersection of [0, +inf) and [0, 6].
                cur.Params.Activation = cur.Params.Activation == Activation.Relu6 ? Activation.Relu6 : kind;
                Bypass(act, chain.Count > 0 ? chain[0] : cur);
            }
            else
            {
                MakeIdentityLayer(act);
                act.Params.Activation = kind;
            }
        }
    }
}
