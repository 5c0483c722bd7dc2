using System.Collections.Generic;

namespace TinyDsc.Converter.Graph;

/// <summary>
/// The lowered float graph the importer produces and every later stage consumes: only ops the runtime executes,
/// activations fused, BatchNorm and constant weight arithmetic folded, pads merged into the next conv or pool.
/// Shapes are ONNX/PyTorch layout (NCHW for 4-D, [N, C] for 2-D) with batch 1.
/// </summary>
public sealed class FloatGraph
{
    /// <summary>Every activation value by name (graph input, node outputs).</summary>
    public Dictionary<string, ValueInfo> Values { get; } = new();

    /// <summary>Nodes in execution (topological) order.</summary>
    public List<FloatNode> Nodes { get; } = new();

    /// <summary>Name of the single graph input.</summary>
    public string Input { get; set; } = "";

    /// <summary>Name of the single graph output.</summary>
    public string Output { get; set; } = "";
}

/// <summary>An activation value: its name and shape (NCHW or [N, C], batch 1).</summary>
public sealed record ValueInfo(string Name, int[] Shape);

public enum NodeKind
{
    /// <summary>Conv with Groups (1, grouped, depthwise with multiplier), Weight [Cout, Cin/groups, kh, kw].</summary>
    Conv,
    /// <summary>Fully connected: Weight [Cout, Cin], input [N, Cin] (flattened in NCHW order).</summary>
    FullyConnected,
    /// <summary>Element-wise add of Inputs[0] and Inputs[1], same shape.</summary>
    Add,
    AveragePool,
    MaxPool,
    GlobalAveragePool,
    /// <summary>Flatten / Reshape to [N, -1]: same elements, new shape.</summary>
    Reshape,
    /// <summary>y = x · min(max(x + 3, 0), 6) / 6 (ONNX HardSwish, PyTorch Hardswish).</summary>
    HardSwish,
    /// <summary>y = max(0, min(1, Alpha · x + Beta)) (ONNX HardSigmoid; PyTorch's Hardsigmoid has Alpha = 1/6, Beta = 0.5).</summary>
    HardSigmoid,
    /// <summary>y = 1 / (1 + e^−x).</summary>
    Sigmoid,
    /// <summary>y = tanh x.</summary>
    Tanh,
    /// <summary>y = x for x ≥ 0, Alpha · x otherwise.</summary>
    LeakyRelu,
    /// <summary>y = min(max(x, Alpha), Beta) (Clip other than ReLU / ReLU6, PyTorch Hardtanh).</summary>
    Hardtanh,
    /// <summary>Element-wise product of Inputs[0] and Inputs[1]: same shape, or Inputs[1] [N, C, 1, 1] broadcast over Inputs[0]'s H and W.</summary>
    Mul,
    /// <summary>y[c] = e^x[c] / Σ e^x over the class axis of [N, C] (ONNX Softmax, axis -1 or 1).</summary>
    Softmax,
    /// <summary>Inputs (2..4) joined along the channel axis (NCHW axis 1, or the C of [N, C]), in order.</summary>
    Concat,
    /// <summary>y = x for x ≥ 0, Weight[c] · x otherwise: one slope per channel (Weight, length C).</summary>
    PRelu,
}

public enum Activation
{
    None,
    Relu,
    /// <summary>Clamp to [0, 6].</summary>
    Relu6,
}

/// <summary>One lowered op. Fields an op kind does not use keep their defaults.</summary>
public sealed class FloatNode
{
    /// <summary>The ONNX node name this came from (for error messages), or a generated one.</summary>
    public string Name { get; set; } = "";
    public NodeKind Kind { get; set; }
    public List<string> Inputs { get; } = new();
    public string Output { get; set; } = "";

    /// <summary>Fused activation applied to the output (Conv, FullyConnected, Add).</summary>
    public Activation Activation { get; set; } = Activation.None;

    /// <summary>Conv: [Cout, Cin/groups, kh, kw] row-major; FullyConnected: [Cout, Cin].</summary>
    public float[]? Weight { get; set; }
    public int[]? WeightShape { get; set; }
    /// <summary>[Cout]; null means zero bias.</summary>
    public float[]? Bias { get; set; }

    public int Groups { get; set; } = 1;
    public int KernelH { get; set; } = 1;
    public int KernelW { get; set; } = 1;
    public int StrideH { get; set; } = 1;
    public int StrideW { get; set; } = 1;
    public int DilationH { get; set; } = 1;
    public int DilationW { get; set; } = 1;
    public int PadTop { get; set; }
    public int PadLeft { get; set; }
    public int PadBottom { get; set; }
    public int PadRight { get; set; }

    /// <summary>AveragePool: whether padded taps count in the divisor (ONNX count_include_pad).</summary>
    public bool CountIncludePad { get; set; }

    /// <summary>HardSigmoid: slope; LeakyRelu: negative slope; Hardtanh: lower bound.</summary>
    public float Alpha { get; set; }

    /// <summary>HardSigmoid: offset; Hardtanh: upper bound.</summary>
    public float Beta { get; set; }
}
