using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TinyDsc.Converter.Import;

/// <summary>
/// State one import shares between <see cref="GraphLowering"/> and the op-family importers in <c>Import/Ops</c>:
/// constants, batch-1 shapes, aliases and the lowered nodes so far, plus the input accessors every importer uses.
/// </summary>
internal sealed class ImportContext
{
    public ImportContext(int opset)
    {
        Opset = opset;
    }

    public int Opset { get; }

    /// <summary>Values known at import time (initializers, Constant nodes, evaluated constant subgraphs).</summary>
    public Dictionary<string, ConstTensor> Consts { get; } = new();

    /// <summary>Batch-1 shape of every activation value lowered so far.</summary>
    public Dictionary<string, int[]> Shapes { get; } = new();

    /// <summary>Values that are another value under a new name (Identity, Dropout, a flatten of [N, C]).</summary>
    public Dictionary<string, string> Alias { get; } = new();

    /// <summary>Outputs of a node that TinyDsc does not compute (BatchNorm running stats, MaxPool indices, Dropout mask).</summary>
    public Dictionary<string, string> Uncomputed { get; } = new();

    public List<LoweredNode> Nodes { get; } = new();

    /// <summary>
    /// Activation values that are 1-D in the ONNX graph, [N, C, L], and held as [1, C, 1, L] (NCHW with H = 1): every
    /// 1-D op is lowered to its 2-D form over that shape. Node attributes and axes still refer to the 3-D shape
    /// (<see cref="LogicalShape"/>).
    /// </summary>
    public HashSet<string> OneD { get; } = new();

    public string Input { get; set; } = "";

    /// <summary>Batch dim the graph input declares (1 when symbolic): a Reshape may name it as its first target dim.</summary>
    public long DeclaredBatch { get; set; } = 1;

    public string Resolve(string name)
    {
        while (Alias.TryGetValue(name, out string? next))
        {
            name = next;
        }
        return name;
    }

    /// <summary>Input <paramref name="i"/> as an activation name (aliases resolved); fails if it is a constant.</summary>
    public string Activation(NodeView node, int i)
    {
        string name = node.Input(i);
        if (name.Length == 0)
        {
            throw node.Fail($"input {i} is missing");
        }
        if (Consts.ContainsKey(name))
        {
            throw node.Fail($"input {i} '{name}' is a constant, but TinyDsc needs it to be computed from the graph input here");
        }
        string r = Resolve(name);
        if (!Shapes.ContainsKey(r))
        {
            throw node.Fail($"input {i} '{name}' has no known shape");
        }
        return r;
    }

    /// <summary>Input <paramref name="i"/> as a constant; null when the optional input is absent.</summary>
    public ConstTensor? OptionalConst(NodeView node, int i, string what)
    {
        string name = node.Input(i);
        if (name.Length == 0)
        {
            return null;
        }
        if (!Consts.TryGetValue(name, out var t))
        {
            throw node.Fail($"{what} '{name}' must be a constant (initializer, Constant or constant subgraph), but it depends on the graph input");
        }
        return t;
    }

    public ConstTensor Const(NodeView node, int i, string what) =>
        OptionalConst(node, i, what) ?? throw node.Fail($"{what} (input {i}) is missing");

    /// <summary>Whether activation <paramref name="x"/> is a 1-D [N, C, L] value held as [1, C, 1, L].</summary>
    public bool IsOneD(string x) => OneD.Contains(x);

    /// <summary>The shape of <paramref name="x"/> as the ONNX graph sees it: [1, C, L] for a 1-D value, else its held shape.</summary>
    public int[] LogicalShape(string x) => OneD.Contains(x) ? new[] { 1, Shapes[x][1], Shapes[x][3] } : Shapes[x];

    /// <summary><see cref="LogicalShape"/> formatted for messages.</summary>
    public string Describe(string x) => FormatShape(LogicalShape(x));

    public int[] Rank4(NodeView node, string x)
    {
        var s = Shapes[x];
        if (s.Length != 4)
        {
            throw node.Fail($"needs a 4-D NCHW or 3-D NCL input, got shape {FormatShape(s)}");
        }
        return s;
    }

    /// <summary>
    /// Appends a node reading <paramref name="input"/> and writing the ONNX node's output with <paramref name="shape"/>
    /// (default: the input's). A 4-D output of a 1-D input is 1-D too (<see cref="OneD"/>).
    /// </summary>
    public LoweredNode AddNode(NodeView node, LoweredOp op, string input, int[]? shape = null)
    {
        var n = new LoweredNode(op, node.Name, node.Where) { Output = node.Output };
        n.Inputs.Add(input);
        Nodes.Add(n);
        shape ??= Shapes[input];
        long elements = ElementsPerSample(shape.Select(d => (long)d));
        if (elements > OnnxImporter.MaxTensorElements)
        {
            throw node.Fail($"output shape {FormatShape(shape)} has {elements} elements per sample, " +
                $"over TinyDsc's limit of {OnnxImporter.MaxTensorElements} ({OnnxImporter.MaxTensorElementsText})");
        }
        Shapes[node.Output] = shape;
        if (shape.Length == 4 && OneD.Contains(input))
        {
            OneD.Add(node.Output);
        }
        return n;
    }

    /// <summary>Product of a batch-1 shape's dims (saturating at long.MaxValue, so any int dims are safe).</summary>
    public static long ElementsPerSample(IEnumerable<long> shape) =>
        shape.Aggregate(1L, (a, d) => d <= 0 ? a : a > long.MaxValue / d ? long.MaxValue : a * d);

    public static string FormatShape(int[] s) => "[" + string.Join(", ", s) + "]";

    public static string Show(float v) =>
        float.IsPositiveInfinity(v) ? "+inf" : float.IsNegativeInfinity(v) ? "-inf" : v.ToString(CultureInfo.InvariantCulture);

    public static int ToInt(NodeView node, long v, string what)
    {
        if (v < int.MinValue || v > int.MaxValue)
        {
            throw node.Fail($"{what} {v} is out of range");
        }
        return (int)v;
    }
}
