using System;
using System.Collections.Generic;
using TinyDsc.Converter.Calibration;
using TinyDsc.Converter.Graph;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Quantization;

/// <summary>
/// Turns a float graph and the calibrated range of each of its values into the runtime's int8 model
/// (TFLite's int8 scheme; runtime/FORMAT.md gives the arithmetic). Arena offsets are left at 0; Planning assigns them.
///
/// - Activations: asymmetric int8 from the calibrated range (<see cref="QuantParams.FromRange"/>), the graph input
///   included. Pool and reshape outputs take their input's scale and zero point; a global average pool gets its
///   output's calibrated parameters, one multiplier / shift for M = s_in / s_out and p0 = 1 (TFLite's MEAN: the
///   kernel divides the requantized sum by H·W; <see cref="Requantization.GlobalAveragePool"/>). Average pools stay on the input's parameters: their divisor
///   varies at padded borders.
/// - Conv / FullyConnected: per-output-channel symmetric weights with float32 scales, int32 bias at s_in · s_w[c], per-channel
///   multiplier and shift for M = s_in · s_w[c] / s_out, fused ReLU / ReLU6 as an int8 clamp.
/// - Add: TFLite-style rescaling of both inputs (<see cref="Requantization.AddParams"/>).
/// - Layout: 4-D values become NHWC tensors, conv weights OIHW → OHWI, and a fully connected layer reading a
///   flattened 4-D value with H·W &gt; 1 gets its weight columns permuted from CHW to HWC order.
/// </summary>
public static class GraphQuantizer
{
    /// <summary>
    /// Largest taps per output for which taps · 127 · 255 (the worst |Σ (q − zp) · w|) stays below 2^31: the
    /// format's own limit, so the converter rejects exactly what the validator and interpreter would.
    /// </summary>
    public const int MaxTapsPerOutput = FormatLayout.MaxAccumulatorTaps;

    public static QuantizedModel Quantize(FloatGraph graph, IReadOnlyDictionary<string, ValueRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(ranges);
        if (graph.Nodes.Count == 0)
        {
            throw new QuantizationException("the graph has no nodes");
        }

        var producers = new Dictionary<string, FloatNode>();
        var consumers = new Dictionary<string, List<FloatNode>>();
        foreach (FloatNode node in graph.Nodes)
        {
            producers[node.Output] = node;
            foreach (string input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out List<FloatNode>? list))
                {
                    consumers[input] = list = new List<FloatNode>();
                }
                list.Add(node);
            }
        }

        var tensors = new List<TensorInfo>();
        var tensorNames = new List<string>();
        var index = new Dictionary<string, int>();
        var quant = new Dictionary<string, QuantParams>();

        int AddTensor(string name, QuantParams qp)
        {
            int[] shape = Shape(graph, name);
            var t = new TensorInfo { Scale = qp.Scale, ZeroPoint = qp.ZeroPoint };
            if (shape.Length == 4)
            {
                t.Rank = 4;
                t.Dims = new[] { 1, shape[2], shape[3], shape[1] };
            }
            else if (shape.Length == 2)
            {
                t.Rank = 2;
                t.Dims = new[] { 1, shape[1], 1, 1 };
            }
            else
            {
                throw new QuantizationException($"value '{name}' has rank {shape.Length} ({ShapeText(shape)}); " +
                    "only NCHW (rank 4) and [N, C] (rank 2) values are supported");
            }
            long bytes = (long)t.Dims[0] * t.Dims[1] * t.Dims[2] * t.Dims[3];
            if (bytes <= 0 || bytes > (1 << 30))
            {
                throw new QuantizationException($"value '{name}' has {bytes} elements (shape {ShapeText(shape)})");
            }
            t.ByteSize = (int)bytes;
            tensors.Add(t);
            tensorNames.Add(name);
            index[name] = tensors.Count - 1;
            quant[name] = qp;
            return tensors.Count - 1;
        }

        QuantParams Calibrated(string name, string what)
        {
            if (!ranges.TryGetValue(name, out ValueRange range))
            {
                throw new QuantizationException($"no calibration range for {what} '{name}'");
            }
            return QuantParams.FromRange(range);
        }

        AddTensor(graph.Input, Calibrated(graph.Input, "graph input"));

        var ops = new List<OperatorInfo>();
        var opNames = new List<string>();
        foreach (FloatNode node in graph.Nodes)
        {
            foreach (string input in node.Inputs)
            {
                if (!index.ContainsKey(input))
                {
                    throw new QuantizationException($"{node.Kind} '{node.Name}' reads '{input}' before it is computed");
                }
            }
            if (index.ContainsKey(node.Output))
            {
                throw new QuantizationException($"{node.Kind} '{node.Name}' writes '{node.Output}', already written");
            }
            QuantParams inQ = quant[node.Inputs[0]];
            var op = new OperatorInfo { Input0 = index[node.Inputs[0]], OpCode = OpCodeOf(node.Kind) };
            switch (node.Kind)
            {
                case NodeKind.Conv:
                {
                    QuantParams outQ = Calibrated(node.Output, "output of Conv");
                    op.Output = AddTensor(node.Output, outQ);
                    QuantizeConv(graph, node, op, inQ, outQ);
                    break;
                }
                case NodeKind.FullyConnected:
                {
                    QuantParams outQ = Calibrated(node.Output, "output of FullyConnected");
                    op.Output = AddTensor(node.Output, outQ);
                    QuantizeFullyConnected(graph, producers, node, op, inQ, outQ);
                    break;
                }
                case NodeKind.Add:
                {
                    if (node.Inputs.Count != 2)
                    {
                        throw new QuantizationException($"Add '{node.Name}' has {node.Inputs.Count} inputs, expected 2");
                    }
                    RequireSameShape(graph, node, node.Inputs[0], node.Inputs[1]);
                    RequireSameShape(graph, node, node.Inputs[0], node.Output);
                    op.Input1 = index[node.Inputs[1]];
                    QuantParams outQ = Calibrated(node.Output, "output of Add");
                    op.Output = AddTensor(node.Output, outQ);
                    op.Params = Pad(Requantization.AddParams(inQ.Scale, quant[node.Inputs[1]].Scale, outQ.Scale));
                    (op.ActMin, op.ActMax) = outQ.ActivationBounds(node.Activation);
                    break;
                }
                case NodeKind.AveragePool:
                case NodeKind.MaxPool:
                {
                    RequireNoActivation(node);
                    op.Output = AddTensor(node.Output, inQ);
                    op.KernelH = node.KernelH;
                    op.KernelW = node.KernelW;
                    op.StrideH = node.StrideH;
                    op.StrideW = node.StrideW;
                    op.PadTop = node.PadTop;
                    op.PadLeft = node.PadLeft;
                    op.PadBottom = node.PadBottom;
                    op.PadRight = node.PadRight;
                    if (node.Kind == NodeKind.AveragePool && node.CountIncludePad)
                    {
                        op.Params[0] = 1;
                    }
                    break;
                }
                case NodeKind.GlobalAveragePool:
                {
                    RequireNoActivation(node);
                    int[] inShape = Shape(graph, node.Inputs[0]);
                    long pixels = inShape.Length == 4 ? (long)inShape[2] * inShape[3] : 1;
                    QuantParams outQ = Calibrated(node.Output, "output of GlobalAveragePool");
                    (int multiplier, int shift)? requant = Requantization.GlobalAveragePool(inQ.Scale, outQ.Scale, pixels);
                    if (requant is (int m, int sh))
                    {
                        op.Output = AddTensor(node.Output, outQ);
                        op.Multiplier = new[] { m };
                        op.Shift = new[] { sh };
                        op.Params[0] = 1;   // TFLite's MEAN: M = s_in / s_out, the sum divided by H·W in the kernel
                    }
                    else
                    {
                        op.Output = AddTensor(node.Output, inQ);
                    }
                    break;
                }
                case NodeKind.HardSwish:
                case NodeKind.HardSigmoid:
                case NodeKind.Sigmoid:
                case NodeKind.Tanh:
                case NodeKind.LeakyRelu:
                case NodeKind.Hardtanh:
                {
                    RequireNoActivation(node);
                    // TFLite fixes the int8 logistic's output to [0, 1) and tanh's to [-1, 1).
                    QuantParams outQ = node.Kind switch
                    {
                        NodeKind.Sigmoid => new QuantParams(1f / 256f, -128),
                        NodeKind.Tanh => new QuantParams(1f / 128f, 0),
                        _ => Calibrated(node.Output, $"output of {node.Kind}"),
                    };
                    op.Output = AddTensor(node.Output, outQ);
                    op.Weights = ActivationTables.For(node, inQ, outQ);
                    break;
                }
                case NodeKind.Mul:
                {
                    RequireNoActivation(node);
                    if (node.Inputs.Count != 2)
                    {
                        throw new QuantizationException($"Mul '{node.Name}' has {node.Inputs.Count} inputs, expected 2");
                    }
                    RequireSameShape(graph, node, node.Inputs[0], node.Output);
                    op.Input1 = index[node.Inputs[1]];
                    QuantParams outQ = Calibrated(node.Output, "output of Mul");
                    op.Output = AddTensor(node.Output, outQ);
                    // TFLite's int8 MUL: M = s0 · s1 / s_out in double from the float32 scales.
                    (int m, int sh) = Requantization.Quantize((double)inQ.Scale * quant[node.Inputs[1]].Scale / outQ.Scale);
                    if (sh > 15)
                    {
                        throw new QuantizationException($"Mul '{node.Name}': multiplier s0·s1/s_out = 2^{sh} would overflow the product bound (shift ≤ 15)");
                    }
                    op.Params[0] = m;
                    op.Params[1] = sh;
                    break;
                }
                case NodeKind.Softmax:
                {
                    RequireNoActivation(node);
                    // TFLite's int8 softmax: output fixed to [0, 1) as 1/256, -128; input multiplier from the calibrated input scale.
                    op.Output = AddTensor(node.Output, new QuantParams(Requantization.SoftmaxOutputScale, Requantization.SoftmaxOutputZeroPoint));
                    (op.Params[0], op.Params[1]) = Requantization.Softmax(inQ.Scale);
                    break;
                }
                case NodeKind.Concat:
                {
                    RequireNoActivation(node);
                    int n = node.Inputs.Count;
                    if (n < 2 || n > OperatorInputs.ConcatMaxInputs)
                    {
                        throw new QuantizationException($"Concat '{node.Name}' has {n} inputs, expected 2..{OperatorInputs.ConcatMaxInputs}");
                    }
                    // One calibrated range for the joined tensor (the union of its inputs' values); each input is
                    // requantized to it as TFLite's int8 requantize does: M = (double) s_i / (double) s_out.
                    QuantParams outQ = Calibrated(node.Output, "output of Concat");
                    op.Output = AddTensor(node.Output, outQ);
                    op.Input1 = index[node.Inputs[1]];
                    op.Params[0] = n;
                    for (int k = 0; k < n; k++)
                    {
                        if (k >= 2)
                        {
                            op.Params[k - 1] = index[node.Inputs[k]];
                        }
                        (int m, int sh) = Requantization.Quantize((double)quant[node.Inputs[k]].Scale / outQ.Scale);
                        if (sh > 23)
                        {
                            throw new QuantizationException($"Concat '{node.Name}': input {k} scale / output scale = 2^{sh} would overflow the requantization bound (shift ≤ 23)");
                        }
                        op.Params[3 + 2 * k] = m;
                        op.Params[4 + 2 * k] = sh;
                    }
                    break;
                }
                case NodeKind.PRelu:
                {
                    RequireNoActivation(node);
                    RequireSameShape(graph, node, node.Inputs[0], node.Output);
                    QuantParams outQ = Calibrated(node.Output, "output of PRelu");
                    op.Output = AddTensor(node.Output, outQ);
                    (op.Weights, float alphaScale) = PReluAlpha(node);
                    // TFLite's int8 PRELU: M1 = s_in / s_out for x ≥ 0, M2 = s_in · s_alpha / s_out for x < 0, in double.
                    (int m1, int s1) = Requantization.Quantize((double)inQ.Scale / outQ.Scale);
                    (int m2, int s2) = Requantization.Quantize((double)inQ.Scale * alphaScale / outQ.Scale);
                    if (s1 > 23 || s2 > 15)
                    {
                        throw new QuantizationException($"PRelu '{node.Name}': multipliers 2^{s1} and 2^{s2} exceed the bounds (shifts ≤ 23 and ≤ 15)");
                    }
                    op.Params[0] = m1;
                    op.Params[1] = s1;
                    op.Params[2] = m2;
                    op.Params[3] = s2;
                    break;
                }
                case NodeKind.Reshape:
                    RequireNoActivation(node);
                    CheckReshapeConsumers(graph, consumers, node);
                    op.Output = AddTensor(node.Output, inQ);
                    break;
                default:
                    throw new QuantizationException($"node '{node.Name}' has kind {node.Kind}, which has no int8 op");
            }
            ops.Add(op);
            opNames.Add(node.Name);
        }

        if (!index.TryGetValue(graph.Output, out int output))
        {
            throw new QuantizationException($"graph output '{graph.Output}' is not computed by any node");
        }
        var model = new Model
        {
            Tensors = tensors.ToArray(),
            Operators = ops.ToArray(),
            InputTensor = index[graph.Input],
            OutputTensor = output,
            ArenaSize = 0,
        };
        return new QuantizedModel(model, tensorNames, opNames);
    }

    private static void QuantizeConv(FloatGraph graph, FloatNode node, OperatorInfo op, QuantParams inQ, QuantParams outQ)
    {
        int[] inShape = Shape(graph, node.Inputs[0]);
        int[] outShape = Shape(graph, node.Output);
        int[] w = node.WeightShape ?? throw new QuantizationException($"Conv '{node.Name}' has no weight shape");
        float[] weights = node.Weight ?? throw new QuantizationException($"Conv '{node.Name}' has no weights");
        if (inShape.Length != 4 || outShape.Length != 4 || w.Length != 4)
        {
            throw new QuantizationException($"Conv '{node.Name}': input {ShapeText(inShape)}, output " +
                $"{ShapeText(outShape)} and weight {ShapeText(w)} must all be rank 4");
        }
        int cout = w[0], cinPerGroup = w[1], kh = w[2], kw = w[3];
        int groups = node.Groups;
        if (groups < 1 || inShape[1] % groups != 0 || cout % groups != 0 || inShape[1] / groups != cinPerGroup
            || outShape[1] != cout || kh != node.KernelH || kw != node.KernelW)
        {
            throw new QuantizationException($"Conv '{node.Name}': groups={groups}, input {ShapeText(inShape)}, " +
                $"weight {ShapeText(w)}, output {ShapeText(outShape)}, kernel {node.KernelH}x{node.KernelW} do not agree");
        }
        long taps = (long)kh * kw * cinPerGroup;
        if (taps > MaxTapsPerOutput)
        {
            throw new QuantizationException($"Conv '{node.Name}': {taps} taps per output (kh·kw·Cin/groups) could " +
                $"overflow the int32 accumulator (taps · 127 · 255 must stay below 2^31, i.e. ≤ {MaxTapsPerOutput} taps)");
        }

        (sbyte[] q, double[] scales) = WeightQuantization.PerChannel(weights, cout);
        op.Weights = WeightQuantization.OihwToOhwi(q, cout, cinPerGroup, kh, kw);
        op.Bias = WeightQuantization.Bias(node.Bias, inQ.Scale, scales);
        (op.Multiplier, op.Shift) = Requantization.PerChannel(inQ.Scale, scales, outQ.Scale);
        (op.ActMin, op.ActMax) = outQ.ActivationBounds(node.Activation);
        op.KernelH = kh;
        op.KernelW = kw;
        op.StrideH = node.StrideH;
        op.StrideW = node.StrideW;
        op.DilationH = node.DilationH;
        op.DilationW = node.DilationW;
        op.PadTop = node.PadTop;
        op.PadLeft = node.PadLeft;
        op.PadBottom = node.PadBottom;
        op.PadRight = node.PadRight;
        op.Groups = groups;
    }

    private static void QuantizeFullyConnected(FloatGraph graph, Dictionary<string, FloatNode> producers,
        FloatNode node, OperatorInfo op, QuantParams inQ, QuantParams outQ)
    {
        int[] w = node.WeightShape ?? throw new QuantizationException($"FullyConnected '{node.Name}' has no weight shape");
        float[] weights = node.Weight ?? throw new QuantizationException($"FullyConnected '{node.Name}' has no weights");
        int[] inShape = Shape(graph, node.Inputs[0]);
        int[] outShape = Shape(graph, node.Output);
        long inElements = Elements(inShape);
        if (w.Length != 2 || w[1] != inElements || outShape.Length != 2 || outShape[1] != w[0])
        {
            throw new QuantizationException($"FullyConnected '{node.Name}': weight {ShapeText(w)} does not fit input " +
                $"{ShapeText(inShape)} and output {ShapeText(outShape)}");
        }
        int cout = w[0], cin = w[1];
        if (cin > MaxTapsPerOutput)
        {
            throw new QuantizationException($"FullyConnected '{node.Name}': {cin} inputs per output could overflow " +
                $"the int32 accumulator (must be ≤ {MaxTapsPerOutput})");
        }

        // The runtime flattens NHWC tensors; PyTorch flattened NCHW. Find the 4-D value behind any reshapes (or the
        // input itself when the layer reads a 4-D value directly).
        string source = node.Inputs[0];
        while (producers.TryGetValue(source, out FloatNode? p) && p.Kind == NodeKind.Reshape)
        {
            source = p.Inputs[0];
        }
        int[] sourceShape = Shape(graph, source);
        float[] ordered = weights;
        if (sourceShape.Length == 4 && sourceShape[2] * sourceShape[3] > 1 && sourceShape[1] > 1)
        {
            ordered = WeightQuantization.ChwColumnsToHwc(weights, cout, sourceShape[1], sourceShape[2], sourceShape[3]);
        }

        (sbyte[] q, double[] scales) = WeightQuantization.PerChannel(ordered, cout);
        op.Weights = q;
        op.Bias = WeightQuantization.Bias(node.Bias, inQ.Scale, scales);
        (op.Multiplier, op.Shift) = Requantization.PerChannel(inQ.Scale, scales, outQ.Scale);
        (op.ActMin, op.ActMax) = outQ.ActivationBounds(node.Activation);
    }

    /// <summary>
    /// A reshape of a 4-D value with C &gt; 1 and H·W &gt; 1 changes element order between NCHW (the float graph)
    /// and NHWC (the runtime). Only a fully connected layer (through further reshapes) can absorb that, by permuting
    /// its weight columns; any other reader, or the graph output, would see the elements in the wrong order.
    /// </summary>
    private static void CheckReshapeConsumers(FloatGraph graph, Dictionary<string, List<FloatNode>> consumers, FloatNode node)
    {
        int[] inShape = Shape(graph, node.Inputs[0]);
        if (Elements(inShape) != Elements(Shape(graph, node.Output)))
        {
            throw new QuantizationException($"Reshape '{node.Name}': input {ShapeText(inShape)} and output " +
                $"{ShapeText(Shape(graph, node.Output))} have different element counts");
        }
        if (inShape.Length != 4 || inShape[1] == 1 || inShape[2] * inShape[3] == 1)
        {
            return;
        }
        var pending = new Stack<string>();
        pending.Push(node.Output);
        while (pending.Count > 0)
        {
            string value = pending.Pop();
            if (value == graph.Output)
            {
                throw new QuantizationException($"Reshape '{node.Name}' flattens {ShapeText(inShape)} into the graph " +
                    "output; the runtime's NHWC order would differ from the model's NCHW order");
            }
            if (!consumers.TryGetValue(value, out List<FloatNode>? readers))
            {
                continue;
            }
            foreach (FloatNode reader in readers)
            {
                if (reader.Kind == NodeKind.Reshape)
                {
                    pending.Push(reader.Output);
                }
                else if (reader.Kind != NodeKind.FullyConnected)
                {
                    throw new QuantizationException($"Reshape '{node.Name}' flattens {ShapeText(inShape)} and is read " +
                        $"by {reader.Kind} '{reader.Name}'; only FullyConnected can follow a flatten of a tensor with H·W > 1");
                }
            }
        }
    }

    /// <summary>
    /// PRelu slopes as int8, symmetric per tensor (zero point 0, FORMAT.md p4 = 0): s_alpha = max |alpha| / 127 as a
    /// float32 (1 when every slope is 0), q = round half away from zero of alpha / s_alpha.
    /// </summary>
    internal static (sbyte[] Alpha, float Scale) PReluAlpha(FloatNode node)
    {
        float[] alpha = node.Weight ?? throw new QuantizationException($"PRelu '{node.Name}' has no slopes");
        float max = 0f;
        foreach (float a in alpha)
        {
            max = MathF.Max(max, MathF.Abs(a));
        }
        float scale = max > 0f ? max / 127f : 1f;
        var q = new sbyte[alpha.Length];
        for (int c = 0; c < alpha.Length; c++)
        {
            q[c] = (sbyte)Math.Clamp(MathF.Round(alpha[c] / scale, MidpointRounding.AwayFromZero), -127f, 127f);
        }
        return (q, scale);
    }

    private static void RequireNoActivation(FloatNode node)
    {
        if (node.Activation != Activation.None)
        {
            throw new QuantizationException($"{node.Kind} '{node.Name}' has a fused {node.Activation}, which the " +
                "runtime supports only on Conv, FullyConnected and Add");
        }
    }

    private static void RequireSameShape(FloatGraph graph, FloatNode node, string a, string b)
    {
        int[] sa = Shape(graph, a), sb = Shape(graph, b);
        if (!((ReadOnlySpan<int>)sa).SequenceEqual(sb))
        {
            throw new QuantizationException($"{node.Kind} '{node.Name}': '{a}' has shape {ShapeText(sa)} but '{b}' " +
                $"has {ShapeText(sb)}");
        }
    }

    private static int[] Shape(FloatGraph graph, string name)
    {
        if (!graph.Values.TryGetValue(name, out ValueInfo? info))
        {
            throw new QuantizationException($"value '{name}' has no shape in the graph");
        }
        return info.Shape;
    }

    private static long Elements(int[] shape)
    {
        long n = 1;
        for (int i = 1; i < shape.Length; i++)
        {
            n *= shape[i];
        }
        return n;
    }

    private static int[] Pad(int[] values)
    {
        var p = new int[OperatorInfo.ParamCount];
        Array.Copy(values, p, values.Length);
        return p;
    }

    internal static string ShapeText(int[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>
    /// The one table from a float-graph node kind to the .tdsc op code it becomes (runtime/FORMAT.md); 0 for a kind
    /// with no int8 op of its own. The quantizer and the report's tensor mapping both read it.
    /// </summary>
    public static int OpCodeOf(NodeKind kind) => kind switch
    {
        NodeKind.Conv => OpCodes.Conv2D,
        NodeKind.FullyConnected => OpCodes.FullyConnected,
        NodeKind.Add => OpCodes.Add,
        NodeKind.AveragePool => OpCodes.AveragePool,
        NodeKind.MaxPool => OpCodes.MaxPool,
        NodeKind.GlobalAveragePool => OpCodes.GlobalAveragePool,
        NodeKind.Mul => OpCodes.Mul,
        NodeKind.Softmax => OpCodes.Softmax,
        NodeKind.Concat => OpCodes.Concat,
        NodeKind.PRelu => OpCodes.PRelu,
        NodeKind.HardSwish or NodeKind.HardSigmoid or NodeKind.Sigmoid or NodeKind.Tanh or NodeKind.LeakyRelu or NodeKind.Hardtanh => OpCodes.Lookup,
        NodeKind.Reshape => OpCodes.Reshape,
        _ => 0,
    };
}
