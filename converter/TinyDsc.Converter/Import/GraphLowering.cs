using System;
using System.Collections.Generic;
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
    private readonly ImportContext _ctx;

    public GraphLowering(GraphProto graph, int opset)
    {
        _graph = graph;
        _opset = opset;
        _ctx = new ImportContext(opset);
    }

    public FloatGraph Run()
    {
        foreach (var t in _graph.Initializer)
        {
            _ctx.Consts[t.Name] = TensorReader.Read(t, $"initializer '{t.Name}'");
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
        if (_ctx.Uncomputed.TryGetValue(outName, out string? producer))
        {
            throw new OnnxImportException($"graph output '{outName}' is an output of {producer} that TinyDsc does not compute");
        }
        if (_ctx.Consts.ContainsKey(outName))
        {
            throw new OnnxImportException($"graph output '{outName}' is a constant; it does not depend on the graph input");
        }
        string output = _ctx.Resolve(outName);
        if (!_ctx.Shapes.ContainsKey(output))
        {
            throw new OnnxImportException($"graph output '{outName}' is not produced by any node");
        }
        if (output == _ctx.Input)
        {
            throw new OnnxImportException($"graph output '{outName}' is the graph input itself (only Identity/Dropout in between); there is nothing to run");
        }
        var passes = new GraphPasses(_ctx.Nodes, _ctx.Input, output, _ctx.Shapes);
        passes.Run();
        return passes.Build();
    }

    private void ReadInput()
    {
        var inputs = _graph.Input.Where(i => !_ctx.Consts.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new OnnxImportException(
                $"the graph has {inputs.Count} non-initializer inputs ({string.Join(", ", inputs.Select(i => "'" + i.Name + "'"))}); TinyDsc needs exactly one");
        }
        var vi = inputs[0];
        _ctx.Input = vi.Name;
        var tt = vi.Type?.TensorType ?? throw new OnnxImportException($"graph input '{vi.Name}' is not a tensor");
        if (tt.ElemType != ConstTensor.Float)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has element type {TensorReader.TypeName(tt.ElemType)}; TinyDsc needs a float32 input");
        }
        if (tt.Shape == null)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has no shape; TinyDsc needs [N, C, H, W], [N, C, L] or [N, C] with known C, H, W, L");
        }
        var dims = tt.Shape.Dim;
        string Shown() => "[" + string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.HasDimParam ? d.DimParam : "?")) + "]";
        if (dims.Count != 4 && dims.Count != 3 && dims.Count != 2)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}; TinyDsc needs [N, C, H, W], [N, C, L] or [N, C]");
        }
        var shape = new int[dims.Count];
        shape[0] = 1;
        if (dims[0].HasDimValue)
        {
            if (dims[0].DimValue <= 0)
            {
                throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: batch dim {dims[0].DimValue} must be positive");
            }
            _ctx.DeclaredBatch = dims[0].DimValue;
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
        long elements = ImportContext.ElementsPerSample(shape.Select(d => (long)d));
        if (elements > OnnxImporter.MaxTensorElements)
        {
            throw new OnnxImportException($"graph input '{vi.Name}' has shape {Shown()}: {elements} elements per sample, " +
                $"over TinyDsc's limit of {OnnxImporter.MaxTensorElements} ({OnnxImporter.MaxTensorElementsText})");
        }
        if (shape.Length == 3)
        {
            // A 1-D input [N, C, L] is held as [1, C, 1, L]: 1-D ops become 2-D ops with H = 1.
            shape = new[] { 1, shape[1], 1, shape[2] };
            _ctx.OneD.Add(_ctx.Input);
        }
        _ctx.Shapes[_ctx.Input] = shape;
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
                if (producer.ContainsKey(o) || _ctx.Consts.ContainsKey(o) || o == _ctx.Input)
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
                else if (!_ctx.Consts.ContainsKey(name) && name != _ctx.Input)
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

    private void CheckComputed(NodeView node)
    {
        foreach (string i in node.Proto.Input)
        {
            if (_ctx.Uncomputed.TryGetValue(i, out string? producer))
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
                _ctx.Uncomputed[node.Proto.Output[i]] = node.Where;
            }
        }
        if (node.OpType == "Constant")
        {
            _ctx.Consts[node.Output] = ConstantEvaluator.ConstantValue(node);
            return;
        }
        if (node.OpType == "Shape")
        {
            _ctx.Consts[node.Output] = ShapeOf(node);
            return;
        }
        var present = node.Proto.Input.Where(s => s.Length > 0).ToList();
        if (present.All(_ctx.Consts.ContainsKey) && ConstantEvaluator.CanEvaluate(node.OpType))
        {
            var inputs = node.Proto.Input.Select(s => s.Length > 0 ? _ctx.Consts[s] : null).ToList();
            try
            {
                _ctx.Consts[node.Output] = ConstantEvaluator.Evaluate(node, inputs);
            }
            catch (ArgumentException e)
            {
                throw node.Fail(e.Message);
            }
            return;
        }
        var op = ImportOps.Find(node.OpType) ?? throw UnsupportedOp(node);
        op.Lower(_ctx, node);
    }

    private static OnnxImportException UnsupportedOp(NodeView node)
    {
        bool constOnly = ConstantEvaluator.SupportedOps.Contains(node.OpType);
        // README's advice for the usual last layer: the logits' argmax is the class already.
        string advice = node.OpType is "LogSoftmax"
            ? "; export Softmax instead (supported over the class axis) or the logits alone: the argmax of the logits is already the class"
            : "";
        return node.Fail(
            $"op {node.OpType} is not supported{(constOnly ? " on activations (only on constants)" : "")}{advice}; " +
            $"supported ops: {string.Join(", ", OnnxImporter.SupportedOps)} " +
            $"(and, on constants only: {string.Join(", ", ConstantEvaluator.SupportedOps.Except(OnnxImporter.SupportedOps))})");
    }

    private ConstTensor ShapeOf(NodeView node)
    {
        string name = node.Input(0);
        long[] shape;
        if (_ctx.Consts.TryGetValue(name, out var c))
        {
            shape = c.Shape;
        }
        else
        {
            shape = _ctx.LogicalShape(_ctx.Activation(node, 0)).Select(d => (long)d).ToArray();
        }
        int rank = shape.Length;
        long start = node.Int("start", 0), end = node.Int("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var r = end > start ? shape[(int)start..(int)end] : Array.Empty<long>();
        return ConstTensor.FromInts(new long[] { r.Length }, r);
    }
}
