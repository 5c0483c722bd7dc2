using TinyDsc.Converter.Graph;

namespace TinyDsc.Converter.Import;

/// <summary>Ops of the importer's working graph: the final <see cref="NodeKind"/>s plus ops the passes remove.</summary>
internal enum LoweredOp
{
    Conv,
    FullyConnected,
    Add,
    AveragePool,
    MaxPool,
    GlobalAveragePool,
    Reshape,
    /// <summary>Per-channel y = x · Scale[c] + Shift[c] (BatchNormalization, Add/Sub/Mul/Div by a constant).</summary>
    Affine,
    Relu,
    Relu6,
    /// <summary>Zero padding of H and W by <see cref="LoweredNode.Pads"/> (top, left, bottom, right).</summary>
    Pad,
    HardSwish,
    HardSigmoid,
    Sigmoid,
    Tanh,
    LeakyRelu,
    Hardtanh,
    /// <summary>Product of two activations (same shape, or Inputs[1] [1, C, 1, 1] per channel).</summary>
    Mul,
    /// <summary>Softmax over the class axis of [N, C].</summary>
    Softmax,
    /// <summary>Concatenation of Inputs (2..4) along the channel axis (NCHW axis 1, or the C of [N, C]).</summary>
    Concat,
    /// <summary>y = x for x ≥ 0, Weight[c] · x otherwise (ONNX PRelu with a per-channel or scalar slope).</summary>
    PRelu,
}

/// <summary>A node of the importer's working graph; <see cref="Params"/> carries the final node's fields.</summary>
internal sealed class LoweredNode
{
    public LoweredNode(LoweredOp op, string name, string where)
    {
        Op = op;
        Params.Name = name;
        Where = where;
    }

    public LoweredOp Op { get; set; }

    /// <summary>"node 'bn1' (BatchNormalization)" for messages.</summary>
    public string Where { get; }

    public System.Collections.Generic.List<string> Inputs => Params.Inputs;

    public string Output
    {
        get => Params.Output;
        set => Params.Output = value;
    }

    public FloatNode Params { get; } = new();

    public float[]? Scale { get; set; }
    public float[]? Shift { get; set; }
    public int[] Pads { get; set; } = new int[4];
}
