using System.Collections.Generic;
using System.Linq;
using TinyDsc.Converter.Onnx;

namespace TinyDsc.Converter.Import;

/// <summary>An ONNX node with typed attribute access and error messages that name it.</summary>
internal sealed class NodeView
{
    private readonly Dictionary<string, AttributeProto> _attributes = new();

    public NodeView(NodeProto node, int index, int opset)
    {
        Proto = node;
        Index = index;
        Opset = opset;
        foreach (var a in node.Attribute)
        {
            _attributes[a.Name] = a;
        }
        Where = node.Name.Length > 0
            ? $"node '{node.Name}' ({node.OpType})"
            : $"node #{index} ({node.OpType}, output '{node.Output.FirstOrDefault() ?? ""}')";
    }

    public NodeProto Proto { get; }
    public int Index { get; }
    public int Opset { get; }
    public string OpType => Proto.OpType;
    public string Name => Proto.Name.Length > 0 ? Proto.Name : Output;

    /// <summary>"node 'conv1' (Conv)" — the prefix of every message about this node.</summary>
    public string Where { get; }

    public string Output => Proto.Output.Count > 0 ? Proto.Output[0] : "";

    /// <summary>Input <paramref name="i"/>, or "" when absent (omitted trailing or empty optional input).</summary>
    public string Input(int i) => i < Proto.Input.Count ? Proto.Input[i] : "";

    public bool Has(string name) => _attributes.ContainsKey(name);

    public OnnxImportException Fail(string message) => new($"{Where}: {message}");

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;

    public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    public AttributeProto? Attribute(string name) => _attributes.GetValueOrDefault(name);
}
