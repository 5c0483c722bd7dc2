using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TinyDsc.Converter.Graph;
using TinyDsc.Converter.Onnx;

namespace TinyDsc.Converter.Import;

/// <summary>
/// One import: validates the graph's inputs and outputs, orders the nodes, evaluates constant subgraphs, lowers each
/// activation node to a <see cref="LoweredNode"/> with its batch-1 output shape, then runs <see cref="GraphPasses"/>.
/// </summary>
internal sealed class GraphLowering
{
    private readonly GraphProto _graph;
    private readonly int _opset;
    private readonly Dictionary<string, ConstTensor> _consts = new();
    private readonly Dictionary<string, int[]> _shapes = new();
    private readonly Dictionary<string, string> _alias = new();
    /// <summary>Outputs of a node that TinyDsc does not compute (BatchNorm running stats, MaxPool indices, Dropout mask).</summary>
    private readonly Dictionary<string, string> _uncomputed = new();
    private readonly List<LoweredNode> _nodes = new();
    private string _input = "";
    private long _declaredBatch = 1;

    public GraphLowering(GraphProto graph, int opset)
    {
        _graph = graph;
        _opset = opset;
    }

    public FloatGraph Run()
    {
        foreach (var t in _graph.Initializer)
        {
            _consts[t.Name] = TensorReader.Read(t, $"initializer '{t.Name}'");
        }
        ReadInput();
        if (_graph.Output.Count != 1)
        {
            throw new OnnxImportException(
                $"the graph has {_graph.Output.Count} outputs ({string.Join(", ", _graph.Output.Select(o => "'" + o.Name + "'"))}); TinyDsc needs exactly one");
        }
        var order = TopologicalOrder();
        // An op TinyDsc knows nothing about is the most useful thing to report, ahead of a known op used unsupportedly.
        var unknown = order.FirstOrDefault(n => !OnnxImporter.SupportedOps.Contains(n.OpType) && !ConstantEvaluator.SupportedOps.Contains(n.OpType));
        if (unknown != null)
        {
            throw UnsupportedOp(unknown);
        }
        foreach (var node in order)
        {
            Lower(node);
        }
        string outName = _graph.Output[0].Name;
        if (_uncomputed.TryGetValue(outName, out string? producer))
        {
            throw new OnnxImportException($"graph output '{outName}' is an output of {producer} that TinyDsc does not compute");
        }
        if (_consts.ContainsKey(outName))
        {
            throw new OnnxImportException($"graph output '{outName}' is a constant; it does not depend on the graph input");
        }
        string output = Resolve(outName);
        if (!_shapes.ContainsKey(output))
        {
            throw new OnnxImportException($"graph output '{outName}' is not produced by any node");
        }
        if (output == _input)
        {
            throw new OnnxImportException($"graph output '{outName}' is the graph input itself (only Identity/Dropout in between); there is nothing to run");
        }
        var passes = new GraphPasses(_nodes, _input, output, _shapes);
        passes.Run();
        return passes.Build();
    }

    private void ReadInput()
    {
        var inputs = _graph.Input.Where(i => !_consts.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new OnnxImportException(
                $"the graph has {inputs.Count} non-initializer inputs ({string.Join(", ", inputs.Select(i => "'" + i.Name + "'"))}); TinyDsc needs exactly one");
        }
        var vi = inputs[0];
        _input = vi.Name;
        var tt = vi.Type?.TensorType ?? throw new OnnxImportException($"graph input '{vi.Name}' is not a tensor");
        if (tt.ElemType != ConstTensor.Float)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has element type {TensorReader.TypeName(tt.ElemType)}; TinyDsc needs a float32 input");
        }
        if (tt.Shape == null)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has no shape; TinyDsc needs [N, C, H, W] or [N, C] with known C, H, W");
        }
        var dims = tt.Shape.Dim;
        string Shown() => "[" + string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.HasDimParam ? d.DimParam : "?")) + "]";
        if (dims.Count != 4 && dims.Count != 2)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}; TinyDsc needs [N, C, H, W] or [N, C]");
        }
        var shape = new int[dims.Count];
        shape[0] = 1;
        if (dims[0].HasDimValue)
        {
            if (dims[0].DimValue <= 0)
            {
                throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: batch dim {dims[0].DimValue} must be positive");
            }
            _declaredBatch = dims[0].DimValue;
        }
        for (int i = 1; i < dims.Count; i++)
        {
            if (!dims[i].HasDimValue)
            {
                throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: dim {i} must be a fixed number (only the batch dim may be symbolic)");
            }
            if (dims[i].DimValue <= 0)
            {
                throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: dim {i} must be positive");
            }
            if (dims[i].DimValue > OnnxImporter.MaxTensorElements)
            {
                throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: dim {i} alone is over TinyDsc's limit of " +
                    $"{OnnxImporter.MaxTensorElements} elements per sample ({OnnxImporter.MaxTensorElementsText})");
            }
            shape[i] = (int)dims[i].DimValue;
        }
        long elements = ElementsPerSample(shape.Select(d => (long)d));
        if (elements > OnnxImporter.MaxTensorElements)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: {elements} elements per sample, " +
                $"over TinyDsc's limit of {OnnxImporter.MaxTensorElements} ({OnnxImporter.MaxTensorElementsText})");
        }
        _shapes[_input] = shape;
    }

    /// <summary>Kahn's algorithm, keeping file order among ready nodes; reports dangling inputs and cycles.</summary>
    private List<NodeView> TopologicalOrder()
    {
        var nodes = _graph.Node.Select((n, i) => new NodeView(n, i, _opset)).ToList();
        var producer = new Dictionary<string, int>();
        foreach (var n in nodes)
        {
            foreach (string o in n.Proto.Output.Where(o => o.Length > 0))
            {
                if (producer.ContainsKey(o) || _consts.ContainsKey(o) || o == _input)
                {
                    throw new OnnxImportException($"{n.Where}: output '{o}' is defined more than once in the graph");
                }
                producer[o] = n.Index;
            }
        }
        var pending = new int[nodes.Count];
        var users = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            users[i] = new List<int>();
        }
        foreach (var n in nodes)
        {
            foreach (string name in n.Proto.Input.Where(s => s.Length > 0).Distinct())
            {
                if (producer.TryGetValue(name, out int p))
                {
                    pending[n.Index]++;
                    users[p].Add(n.Index);
                }
                else if (!_consts.ContainsKey(name) && name != _input)
                {
                    throw new OnnxImportException(
                        $"{n.Where}: input '{name}' is not a graph input, an initializer or the output of any node (missing initializer?)");
                }
            }
        }
        var ready = new SortedSet<int>(Enumerable.Range(0, nodes.Count).Where(i => pending[i] == 0));
        var order = new List<NodeView>();
        while (ready.Count > 0)
        {
            int i = ready.Min;
            ready.Remove(i);
            order.Add(nodes[i]);
            foreach (int u in users[i])
            {
                if (--pending[u] == 0)
                {
                    ready.Add(u);
                }
            }
        }
        if (order.Count != nodes.Count)
        {
            var stuck = nodes.First(n => pending[n.Index] > 0);
            throw new OnnxImportException($"the graph has a cycle: {stuck.Where} depends on its own output");
        }
        return order;
    }

    private string Resolve(string name)
    {
        while (_alias.TryGetValue(name, out string? next))
        {
            name = next;
        }
        return name;
    }

    private void CheckComputed(NodeView node)
    {
        foreach (string i in node.Proto.Input)
        {
            if (_uncomputed.TryGetValue(i, out string? producer))
            {
                throw node.Fail($"uses '{i}', an output of {producer} that TinyDsc does not compute");
            }
        }
    }

    private void Lower(NodeView node)
    {
        if (node.Proto.Domain != "" && node.Proto.Domain != "ai.onnx")
        {
            throw node.Fail($"op domain '{node.Proto.Domain}' is not supported (only the default ONNX domain)");
        }
        if (node.Proto.Output.Count == 0 || node.Output.Length == 0)
        {
            throw node.Fail("has no output");
        }
        CheckComputed(node);
        for (int i = 1; i < node.Proto.Output.Count; i++)
        {
            if (node.Proto.Output[i].Length > 0)
            {
                _uncomputed[node.Proto.Output[i]] = node.Where;
            }
        }
        if (node.OpType == "Constant")
        {
            _consts[node.Output] = ConstantEvaluator.ConstantValue(node);
            return;
        }
        if (node.OpType == "Shape")
        {
            _consts[node.Output] = ShapeOf(node);
            return;
        }
        var present = node.Proto.Input.Where(s => s.Length > 0).ToList();
        if (present.All(_consts.ContainsKey) && ConstantEvaluator.CanEvaluate(node.OpType))
        {
            var inputs = node.Proto.Input.Select(s => s.Length > 0 ? _consts[s] : null).ToList();
            try
            {
                _consts[node.Output] = ConstantEvaluator.Evaluate(node, inputs);
            }
            catch (ArgumentException e)
            {
                throw node.Fail(e.Message);
            }
            return;
        }
        switch (node.OpType)
        {
            case "Identity":
                _alias[node.Output] = Activation(node, 0);
                return;
            case "Dropout":
                LowerDropout(node);
                return;
            case "Relu":
                AddNode(node, LoweredOp.Relu, Activation(node, 0));
                return;
            case "Clip":
                LowerClip(node);
                return;
            case "Conv":
                LowerConv(node);
                return;
            case "BatchNormalization":
                LowerBatchNorm(node);
                return;
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
                LowerArithmetic(node);
                return;
            case "GlobalAveragePool":
            {
                string x = Activation(node, 0);
                var s = Rank4(node, x);
                AddNode(node, LoweredOp.GlobalAveragePool, x, new[] { 1, s[1], 1, 1 });
                return;
            }
            case "AveragePool":
            case "MaxPool":
                LowerPool(node);
                return;
            case "Pad":
                LowerPad(node);
                return;
            case "Flatten":
                LowerFlatten(node);
                return;
            case "Squeeze":
                LowerSqueeze(node);
                return;
            case "ReduceMean":
                LowerReduceMean(node);
                return;
            case "Reshape":
                LowerReshape(node);
                return;
            case "Gemm":
                LowerGemm(node);
                return;
            case "MatMul":
                LowerMatMul(node);
                return;
            default:
                throw UnsupportedOp(node);
        }
    }

    private static OnnxImportException UnsupportedOp(NodeView node)
    {
        bool constOnly = ConstantEvaluator.SupportedOps.Contains(node.OpType);
        // README's advice for the usual last layer: the logits' argmax is the class already.
        string advice = node.OpType is "Softmax" or "LogSoftmax"
            ? "; export the model without it (return the logits) and apply it on the host side of the logits, if at all: the argmax of the logits is already the class"
            : "";
        return node.Fail(
            $"op {node.OpType} is not supported{(constOnly ? " on activations (only on constants)" : "")}{advice}; " +
            $"supported ops: {string.Join(", ", OnnxImporter.SupportedOps)} " +
            $"(and, on constants only: {string.Join(", ", ConstantEvaluator.SupportedOps.Except(OnnxImporter.SupportedOps))})");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>Input <paramref name="i"/> as an activation name (aliases resolved); fails if it is a constant.</summary>
    private string Activation(NodeView node, int i)
    {
        string name = node.Input(i);
        if (name.Length == 0)
        {
            throw node.Fail($"input {i} is missing");
        }
        if (_consts.ContainsKey(name))
        {
            throw node.Fail($"input {i} '{name}' is a constant, but TinyDsc needs it to be computed from the graph input here");
        }
        string r = Resolve(name);
        if (!_shapes.ContainsKey(r))
        {
            throw node.Fail($"input {i} '{name}' has no known shape");
        }
        return r;
    }

    /// <summary>Input <paramref name="i"/> as a constant; null when the optional input is absent.</summary>
    private ConstTensor? OptionalConst(NodeView node, int i, string what)
    {
        string name = node.Input(i);
        if (name.Length == 0)
        {
            return null;
        }
        if (!_consts.TryGetValue(name, out var t))
        {
            throw node.Fail($"{what} '{name}' must be a constant (initializer, Constant or constant subgraph), but it depends on the graph input");
        }
        return t;
    }

    private ConstTensor Const(NodeView node, int i, string what) =>
        OptionalConst(node, i, what) ?? throw node.Fail($"{what} (input {i}) is missing");

    private static string Format(int[] s) => "[" + string.Join(", ", s) + "]";

    private int[] Rank4(NodeView node, string x)
    {
        var s = _shapes[x];
        if (s.Length != 4)
        {
            throw node.Fail($"needs a 4-D NCHW input, got shape {Format(s)}");
        }
        return s;
    }

    /// <summary>Product of a batch-1 shape's dims (saturating at long.MaxValue, so any int dims are safe).</summary>
    private static long ElementsPerSample(IEnumerable<long> shape) =>
        shape.Aggregate(1L, (a, d) => d <= 0 ? a : a > long.MaxValue / d ? long.MaxValue : a * d);

    private LoweredNode AddNode(NodeView node, LoweredOp op, string input, int[]? shape = null)
    {
        var n = new LoweredNode(op, node.Name, node.Where) { Output = node.Output };
        n.Inputs.Add(input);
        _nodes.Add(n);
        shape ??= _shapes[input];
        long elements = ElementsPerSample(shape.Select(d => (long)d));
        if (elements > OnnxImporter.MaxTensorElements)
        {
            throw node.Fail($"output shape {Format(shape)} has {elements} elements per sample, " +
                $"over TinyDsc's limit of {OnnxImporter.MaxTensorElements} ({OnnxImporter.MaxTensorElementsText})");
        }
        _shapes[node.Output] = shape;
        return n;
    }

    private ConstTensor ShapeOf(NodeView node)
    {
        string name = node.Input(0);
        long[] shape;
        if (_consts.TryGetValue(name, out var c))
        {
            shape = c.Shape;
        }
        else
        {
            shape = _shapes[Activation(node, 0)].Select(d => (long)d).ToArray();
        }
        int rank = shape.Length;
        long start = node.Int("start", 0), end = node.Int("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var r = end > start ? shape[(int)start..(int)end] : Array.Empty<long>();
        return ConstTensor.FromInts(new long[] { r.Length }, r);
    }

    private static string Show(float v) =>
        float.IsPositiveInfinity(v) ? "+inf" : float.IsNegativeInfinity(v) ? "-inf" : v.ToString(CultureInfo.InvariantCulture);

    private static int ToInt(NodeView node, long v, string what)
    {
        if (v < int.MinValue || v > int.MaxValue)
        {
            throw node.Fail($"{what} {v} is out of range");
        }
        return (int)v;
    }

    // ---- ops ----------------------------------------------------------------------------------------------------

    private void LowerDropout(NodeView node)
    {
        if (_opset >= 12 && OptionalConst(node, 2, "training_mode") is { } mode && mode.Count == 1 && mode[0] != 0)
        {
            throw node.Fail("training_mode is true; TinyDsc imports inference graphs only");
        }
        _alias[node.Output] = Activation(node, 0);
    }

    private void LowerClip(NodeView node)
    {
        string x = Activation(node, 0);
        float min, max;
        if (_opset < 11)
        {
            min = node.Float("min", float.NegativeInfinity);
            max = node.Float("max", float.PositiveInfinity);
        }
        else
        {
            var lo = OptionalConst(node, 1, "min");
            var hi = OptionalConst(node, 2, "max");
            if ((lo != null && lo.Count != 1) || (hi != null && hi.Count != 1))
            {
                throw node.Fail("min and max must be scalars");
            }
            min = lo == null ? float.NegativeInfinity : (float)lo[0];
            max = hi == null ? float.PositiveInfinity : (float)hi[0];
        }
        // float.MaxValue is the old opsets' documented default for an absent max.
        bool maxUnbounded = float.IsPositiveInfinity(max) || max == float.MaxValue;
        if (min == 0 && max == 6)
        {
            AddNode(node, LoweredOp.Relu6, x);
        }
        else if (min == 0 && maxUnbounded)
        {
            AddNode(node, LoweredOp.Relu, x);
        }
        else
        {
            throw node.Fail($"Clip(min={Show(min)}, max={Show(max)}) is not supported; only [0, 6] (ReLU6) and [0, +inf) (ReLU)");
        }
    }

    /// <summary>Explicit pads (top, left, bottom, right) and output size for a 2-D window op, honouring auto_pad.</summary>
    private static (int[] Pads, int OutH, int OutW) Window(
        NodeView node, int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, bool ceilMode = false)
    {
        string autoPad = node.String("auto_pad", "NOTSET");
        var pads = new int[4];
        int effH = (kh - 1) * dh + 1, effW = (kw - 1) * dw + 1;
        switch (autoPad)
        {
            case "NOTSET":
            {
                var p = node.Ints("pads") ?? new long[4];
                if (p.Length != 4)
                {
                    throw node.Fail($"pads has {p.Length} values; a 2-D op needs 4 (top, left, bottom, right)");
                }
                if (p.Any(v => v < 0))
                {
                    throw node.Fail($"negative pads [{string.Join(", ", p)}] are not supported");
                }
                pads = p.Select(v => ToInt(node, v, "pad")).ToArray();
                break;
            }
            case "VALID":
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                int[] Same(int inSize, int s, int eff)
                {
                    int outSize = (inSize + s - 1) / s;
                    int total = Math.Max(0, (outSize - 1) * s + eff - inSize);
                    int small = total / 2, big = total - small;
                    return autoPad == "SAME_UPPER" ? new[] { small, big } : new[] { big, small };
                }
                var ph = Same(inH, sh, effH);
                var pw = Same(inW, sw, effW);
                pads = new[] { ph[0], pw[0], ph[1], pw[1] };
                break;
            }
            default:
                throw node.Fail($"auto_pad '{autoPad}' is not supported");
        }
        int spanH = inH + pads[0] + pads[2] - effH, spanW = inW + pads[1] + pads[3] - effW;
        if (spanH < 0 || spanW < 0)
        {
            throw node.Fail(
                $"window {kh}x{kw} (dilation {dh}x{dw}) does not fit input {inH}x{inW} with pads [{string.Join(", ", pads)}]");
        }
        int outH = spanH / sh + 1, outW = spanW / sw + 1;
        if (ceilMode && (spanH % sh != 0 || spanW % sw != 0))
        {
            throw node.Fail("ceil_mode=1 is not supported where it changes the output size");
        }
        return (pads, outH, outW);
    }

    private static int[] Pair(NodeView node, string name, int fallback)
    {
        var v = node.Ints(name);
        if (v == null)
        {
            return new[] { fallback, fallback };
        }
        if (v.Length != 2)
        {
            throw node.Fail($"{name} has {v.Length} values; a 2-D op needs 2");
        }
        if (v.Any(x => x <= 0))
        {
            throw node.Fail($"{name} [{string.Join(", ", v)}] must be positive");
        }
        return v.Select(x => ToInt(node, x, name)).ToArray();
    }

    private void LowerConv(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        if (xs.Length != 4)
        {
            throw node.Fail($"only 2-D convolution on NCHW input is supported, got input shape {Format(xs)}");
        }
        var w = Const(node, 1, "weight");
        if (w.Rank != 4)
        {
            throw node.Fail($"weight must be 4-D [Cout, Cin/groups, kh, kw], got {ConstTensor.Format(w.Shape)}");
        }
        int groups = ToInt(node, node.Int("group", 1), "group");
        int cout = (int)w.Shape[0], cin = xs[1];
        if (groups < 1)
        {
            throw node.Fail($"groups={groups} must be positive");
        }
        if (cout % groups != 0)
        {
            throw node.Fail($"groups={groups} requires weight dim 0 divisible by {groups}, got {cout} " +
                $"(in PyTorch terms: out_channels={cout} is not divisible by groups={groups})");
        }
        if (cin % groups != 0)
        {
            throw node.Fail($"groups={groups} requires input channels divisible by {groups}, got {cin} " +
                $"(in PyTorch terms: in_channels={cin} is not divisible by groups={groups})");
        }
        if (w.Shape[1] != cin / groups)
        {
            throw node.Fail(
                $"groups={groups} with {cin} input channels requires weight dim 1 = {cin}/{groups} = {cin / groups}, got {w.Shape[1]} " +
                $"(in PyTorch terms: Conv2d(in_channels={cin}, groups={groups}) has a weight of shape [out_channels, {cin / groups}, kh, kw])");
        }
        int kh = (int)w.Shape[2], kw = (int)w.Shape[3];
        if (kh <= 0 || kw <= 0 || cout <= 0)
        {
            throw node.Fail($"weight shape {ConstTensor.Format(w.Shape)} has a zero dim");
        }
        var ks = node.Ints("kernel_shape");
        if (ks != null && (ks.Length != 2 || ks[0] != kh || ks[1] != kw))
        {
            throw node.Fail($"kernel_shape [{string.Join(", ", ks)}] does not match weight shape {ConstTensor.Format(w.Shape)}");
        }
        var bias = OptionalConst(node, 2, "bias");
        if (bias != null && (bias.Count != cout || bias.Rank != 1))
        {
            throw node.Fail($"bias has shape {ConstTensor.Format(bias.Shape)}, expected [{cout}]");
        }
        var strides = Pair(node, "strides", 1);
        var dil = Pair(node, "dilations", 1);
        var (pads, oh, ow) = Window(node, xs[2], xs[3], kh, kw, strides[0], strides[1], dil[0], dil[1]);
        var n = AddNode(node, LoweredOp.Conv, x, new[] { 1, cout, oh, ow });
        var p = n.Params;
        // Copies: the passes fold into these arrays, and one initializer may feed several nodes.
        p.Weight = (float[])w.AsFloats().Clone();
        p.WeightShape = w.Shape.Select(d => (int)d).ToArray();
        p.Bias = (float[]?)bias?.AsFloats().Clone();
        p.Groups = groups;
        p.KernelH = kh;
        p.KernelW = kw;
        p.StrideH = strides[0];
        p.StrideW = strides[1];
        p.DilationH = dil[0];
        p.DilationW = dil[1];
        p.PadTop = pads[0];
        p.PadLeft = pads[1];
        p.PadBottom = pads[2];
        p.PadRight = pads[3];
    }

    private void LowerBatchNorm(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        int c = xs[1];
        if (_opset >= 14 && node.Int("training_mode", 0) != 0)
        {
            throw node.Fail("training_mode=1 is not supported; export the model in eval mode");
        }
        string[] names = { "scale", "B", "mean", "var" };
        var p = new float[4][];
        for (int i = 0; i < 4; i++)
        {
            var t = Const(node, i + 1, names[i]);
            if (t.Count != c)
            {
                throw node.Fail($"{names[i]} has shape {ConstTensor.Format(t.Shape)}, expected [{c}] for input {Format(xs)}");
            }
            p[i] = t.AsFloats();
        }
        double eps = node.Float("epsilon", 1e-5f);
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            // y = scale · (x − mean) / sqrt(var + eps) + B, as x · a + b.
            double a = p[0][i] / Math.Sqrt(p[3][i] + eps);
            scale[i] = (float)a;
            shift[i] = (float)(p[1][i] - p[2][i] * a);
        }
        var n = AddNode(node, LoweredOp.Affine, x);
        n.Scale = scale;
        n.Shift = shift;
    }

    private void LowerArithmetic(NodeView node)
    {
        string a = node.Input(0), b = node.Input(1);
        bool aConst = _consts.ContainsKey(a), bConst = _consts.ContainsKey(b);
        string op = node.OpType;
        if (!aConst && !bConst)
        {
            if (op != "Add")
            {
                throw node.Fail($"{op} of two activations is not supported (only Add, for residual connections)");
            }
            string xa = Activation(node, 0), xb = Activation(node, 1);
            if (!_shapes[xa].SequenceEqual(_shapes[xb]))
            {
                throw node.Fail($"input shapes {Format(_shapes[xa])} and {Format(_shapes[xb])} differ; only same-shape Add is supported");
            }
            var n = AddNode(node, LoweredOp.Add, xa);
            n.Inputs.Add(xb);
            return;
        }
        int xi = aConst ? 1 : 0;
        string x = Activation(node, xi);
        var c = _consts[aConst ? a : b];
        var xs = _shapes[x];
        float[] perChannel = PerChannel(node, c, xs, constIsB: !aConst);
        int ch = xs[1];
        var scale = new float[ch];
        var shift = new float[ch];
        for (int i = 0; i < ch; i++)
        {
            float v = perChannel[i];
            (scale[i], shift[i]) = (op, aConst) switch
            {
                ("Add", _) => (1f, v),
                ("Sub", false) => (1f, -v),
                ("Sub", true) => (-1f, v),
                ("Mul", _) => (v, 0f),
                ("Div", false) => (1f / v, 0f),
                _ => throw node.Fail("dividing a constant by an activation is not supported"),
            };
        }
        var affine = AddNode(node, LoweredOp.Affine, x);
        affine.Scale = scale;
        affine.Shift = shift;
    }

    /// <summary>
    /// The constant operand as one value per channel of activation shape <paramref name="xs"/>; it must broadcast
    /// without changing the activation's shape and vary only along the channel axis (scalar, [C], [C,1,1], [1,C,1,1]).
    /// </summary>
    private float[] PerChannel(NodeView node, ConstTensor c, int[] xs, bool constIsB)
    {
        var cShape = constIsB ? ConstantEvaluator.AlignForBroadcast(node, xs.Length, c.Shape) : c.Shape;
        int rank = xs.Length;
        bool ok = cShape.Length <= rank;
        var full = new long[rank];
        for (int i = 0; ok && i < rank; i++)
        {
            int j = i - (rank - cShape.Length);
            full[i] = j >= 0 ? cShape[j] : 1;
            if (full[i] != 1 && (i != 1 || full[i] != xs[1]))
            {
                ok = false;
            }
        }
        if (!ok)
        {
            throw node.Fail(
                $"constant operand of shape {ConstTensor.Format(c.Shape)} with activation {Format(xs)} is supported only per channel " +
                "(scalar, [C], [C, 1, 1] or [1, C, 1, 1])");
        }
        var values = c.AsFloats();
        var r = new float[xs[1]];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = values.Length == 1 ? values[0] : values[i];
        }
        return r;
    }

    private void LowerPool(NodeView node)
    {
        bool isMax = node.OpType == "MaxPool";
        string x = Activation(node, 0);
        var xs = Rank4(node, x);
        var k = node.Ints("kernel_shape") ?? throw node.Fail("attribute kernel_shape is missing");
        if (k.Length != 2)
        {
            throw node.Fail($"kernel_shape [{string.Join(", ", k)}] is not 2-D; only 2-D pooling on NCHW input is supported");
        }
        var kernel = Pair(node, "kernel_shape", 1);
        var strides = Pair(node, "strides", 1);
        var dil = Pair(node, "dilations", 1);
        if (dil[0] != 1 || dil[1] != 1)
        {
            throw node.Fail($"dilations [{dil[0]}, {dil[1]}] are not supported for pooling (only 1)");
        }
        bool ceil = node.Int("ceil_mode", 0) != 0;
        var (pads, oh, ow) = Window(node, xs[2], xs[3], kernel[0], kernel[1], strides[0], strides[1], 1, 1, ceil);
        var n = AddNode(node, isMax ? LoweredOp.MaxPool : LoweredOp.AveragePool, x, new[] { 1, xs[1], oh, ow });
        var p = n.Params;
        p.KernelH = kernel[0];
        p.KernelW = kernel[1];
        p.StrideH = strides[0];
        p.StrideW = strides[1];
        p.PadTop = pads[0];
        p.PadLeft = pads[1];
        p.PadBottom = pads[2];
        p.PadRight = pads[3];
        p.CountIncludePad = !isMax && node.Int("count_include_pad", 0) != 0;
    }

    private void LowerPad(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        string mode = node.String("mode", "constant");
        if (mode != "constant")
        {
            throw node.Fail($"mode '{mode}' is not supported (only constant zero padding)");
        }
        long[] pads;
        float value;
        if (_opset < 11)
        {
            pads = node.Ints("pads") ?? node.Ints("paddings") ?? throw node.Fail("attribute pads is missing");
            value = node.Float("value", 0f);
        }
        else
        {
            pads = Const(node, 1, "pads").AsInts(node.Where);
            var v = OptionalConst(node, 2, "constant_value");
            value = v == null ? 0f : (float)v[0];
        }
        if (value != 0)
        {
            throw node.Fail($"padding value {Show(value)} is not supported (only 0)");
        }
        int r = xs.Length;
        if (pads.Length != 2 * r)
        {
            throw node.Fail($"pads has {pads.Length} values; input {Format(xs)} needs {2 * r}");
        }
        if (pads.Any(p => p < 0))
        {
            throw node.Fail($"negative pads [{string.Join(", ", pads)}] (cropping) are not supported");
        }
        if (r != 4 || pads[0] != 0 || pads[1] != 0 || pads[r] != 0 || pads[r + 1] != 0)
        {
            throw node.Fail($"pads [{string.Join(", ", pads)}] on input {Format(xs)}: only H and W of a 4-D NCHW tensor can be padded");
        }
        int top = ToInt(node, pads[2], "pad"), left = ToInt(node, pads[3], "pad");
        int bottom = ToInt(node, pads[6], "pad"), right = ToInt(node, pads[7], "pad");
        var n = AddNode(node, LoweredOp.Pad, x, new[] { 1, xs[1], xs[2] + top + bottom, xs[3] + left + right });
        n.Pads = new[] { top, left, bottom, right };
    }

    private void LowerFlatten(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        long axis = node.Int("axis", 1);
        if (axis < 0)
        {
            axis += xs.Length;
        }
        if (axis != 1)
        {
            throw node.Fail($"axis {node.Int("axis", 1)} is not supported (only 1: [N, C, H, W] to [N, C·H·W])");
        }
        Flatten(node, x, xs);
    }

    private void Flatten(NodeView node, string x, int[] xs)
    {
        if (xs.Length == 2)
        {
            _alias[node.Output] = x;
            return;
        }
        AddNode(node, LoweredOp.Reshape, x, new[] { 1, xs.Skip(1).Aggregate(1, (a, b) => a * b) });
    }

    /// <summary>Squeeze of the unit spatial dims of [N, C, 1, 1] (after global pooling) is a flatten to [N, C].</summary>
    private void LowerSqueeze(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        long[]? axes = _opset >= 13 ? OptionalConst(node, 1, "axes")?.AsInts(node.Where) : node.Ints("axes");
        var norm = axes?.Select(a => a < 0 ? a + xs.Length : a).OrderBy(a => a).ToArray();
        bool spatial = xs.Length == 4 && xs[2] == 1 && xs[3] == 1 && (norm == null || norm.SequenceEqual(new long[] { 2, 3 }));
        if (!spatial)
        {
            throw node.Fail($"Squeeze of {Format(xs)} on axes [{string.Join(", ", axes ?? Array.Empty<long>())}] is not supported (only [N, C, 1, 1] to [N, C] on axes 2, 3)");
        }
        Flatten(node, x, xs);
    }

    /// <summary>ReduceMean over H and W (<c>x.mean((2, 3))</c>) is a GlobalAveragePool, then a flatten when keepdims=0.</summary>
    private void LowerReduceMean(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        long[]? axes = node.Ints("axes");
        var norm = axes?.Select(a => a < 0 ? a + xs.Length : a).OrderBy(a => a).ToArray();
        if (xs.Length != 4 || norm == null || !norm.SequenceEqual(new long[] { 2, 3 }))
        {
            throw node.Fail($"ReduceMean of {Format(xs)} on axes [{string.Join(", ", axes ?? Array.Empty<long>())}] is not supported (only over H and W, axes 2, 3)");
        }
        var pooled = new[] { 1, xs[1], 1, 1 };
        if (node.Int("keepdims", 1) != 0)
        {
            AddNode(node, LoweredOp.GlobalAveragePool, x, pooled);
            return;
        }
        string mid = node.Output + "/pooled";
        var gap = new LoweredNode(LoweredOp.GlobalAveragePool, node.Name, node.Where) { Output = mid };
        gap.Inputs.Add(x);
        _nodes.Add(gap);
        _shapes[mid] = pooled;
        AddNode(node, LoweredOp.Reshape, mid, new[] { 1, xs[1] });
    }

    private void LowerReshape(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        long[] t = Const(node, 1, "shape").AsInts(node.Where);
        int rest = xs.Skip(1).Aggregate(1, (a, b) => a * b);
        bool allowZero = node.Int("allowzero", 0) != 0;
        if (t.Length == 2)
        {
            long t0 = t[0], t1 = t[1];
            if (t1 == 0 && !allowZero)
            {
                t1 = xs[1];
            }
            // The first entry is the batch: 0 (copy), 1 (batch 1), -1 (inferred) or the batch the input declares.
            bool batchFirst = (t0 == 0 && !allowZero) || t0 == 1 || t0 == _declaredBatch || t0 == -1;
            bool restSecond = t1 == -1 ? t0 != -1 : t1 == rest;
            if (batchFirst && restSecond)
            {
                Flatten(node, x, xs);
                return;
            }
        }
        if (t.Length == xs.Length)
        {
            long[] target = ConstantEvaluator.ReshapeTarget(node, xs.Select(d => (long)d).ToArray(), t.Select((v, i) => i == 0 && v == _declaredBatch ? 1 : v).ToArray(), allowZero);
            if (target.SequenceEqual(xs.Select(d => (long)d)))
            {
                _alias[node.Output] = x;
                return;
            }
        }
        throw node.Fail($"Reshape of {Format(xs)} to [{string.Join(", ", t)}] is not supported (only flattening to [N, -1] or [N, C·H·W])");
    }

    private void LowerGemm(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        if (xs.Length != 2)
        {
            throw node.Fail($"input A must be 2-D [N, K], got {Format(xs)} (insert Flatten)");
        }
        if (node.Int("transA", 0) != 0)
        {
            throw node.Fail("transA=1 is not supported");
        }
        var b = Const(node, 1, "B");
        if (b.Rank != 2)
        {
            throw node.Fail($"B must be 2-D, got {ConstTensor.Format(b.Shape)}");
        }
        bool transB = node.Int("transB", 0) != 0;
        int k = xs[1];
        int bk = (int)(transB ? b.Shape[1] : b.Shape[0]);
        int cout = (int)(transB ? b.Shape[0] : b.Shape[1]);
        if (bk != k)
        {
            throw node.Fail($"B {ConstTensor.Format(b.Shape)} (transB={(transB ? 1 : 0)}) does not fit input {Format(xs)}: needs {k} rows of K");
        }
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        var bv = b.AsFloats();
        var weight = new float[cout * k];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weight[o * k + i] = alpha * (transB ? bv[o * k + i] : bv[i * cout + o]);
            }
        }
        float[]? bias = null;
        var c = OptionalConst(node, 2, "C");
        if (c != null)
        {
            var cv = c.AsFloats();
            bool perOutput = cv.Length == cout && c.Shape.Take(c.Rank - 1).All(d => d == 1);
            if (cv.Length != 1 && !perOutput)
            {
                throw node.Fail($"C of shape {ConstTensor.Format(c.Shape)} is supported only as a scalar or [{cout}] / [1, {cout}]");
            }
            bias = Enumerable.Range(0, cout).Select(o => beta * cv[cv.Length == 1 ? 0 : o]).ToArray();
        }
        var n = AddNode(node, LoweredOp.FullyConnected, x, new[] { 1, cout });
        n.Params.Weight = weight;
        n.Params.WeightShape = new[] { cout, k };
        n.Params.Bias = bias;
    }

    private void LowerMatMul(NodeView node)
    {
        string x = Activation(node, 0);
        var xs = _shapes[x];
        var b = Const(node, 1, "B");
        if (xs.Length != 2 || b.Rank != 2 || b.Shape[0] != xs[1])
        {
            throw node.Fail($"only [N, K] x [K, M] with a constant right operand is supported, got {Format(xs)} x {ConstTensor.Format(b.Shape)}");
        }
        int k = xs[1], cout = (int)b.Shape[1];
        var bv = b.AsFloats();
        var weight = new float[cout * k];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weight[o * k + i] = bv[i * cout + o];
            }
        }
        var n = AddNode(node, LoweredOp.FullyConnected, x, new[] { 1, cout });
        n.Params.Weight = weight;
        n.Params.WeightShape = new[] { cout, k };
    }
}
