using System;
using System.Linq;
using Google.Protobuf;
using TinyDsc.Converter.Onnx;

namespace TinyDsc.Converter.Tests.Import;

/// <summary>Builds small ONNX models in memory with the importer's generated protobuf classes.</summary>
internal sealed class OnnxModelBuilder
{
    private readonly ModelProto _model;
    private int _autoName;

    public OnnxModelBuilder(int opset = 13, long irVersion = 8)
    {
        _model = new ModelProto { IrVersion = irVersion, ProducerName = "TinyDsc tests", Graph = new GraphProto { Name = "test" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    public GraphProto Graph => _model.Graph;

    /// <summary>
    /// An input of one sample's shape <paramref name="sampleDims"/> (C, H, W or C) behind a batch dim that is the
    /// symbolic "N", or <paramref name="batch"/> when given.
    /// </summary>
    public OnnxModelBuilder Input(string name, int[] sampleDims, int elemType = 1, long? batch = null)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch == null
            ? new TensorShapeProto.Types.Dimension { DimParam = "N" }
            : new TensorShapeProto.Types.Dimension { DimValue = batch.Value });
        foreach (int d in sampleDims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return AddInput(name, shape, elemType);
    }

    private OnnxModelBuilder AddInput(string name, TensorShapeProto shape, int elemType)
    {
        Graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } },
        });
        return this;
    }

    public OnnxModelBuilder Output(string name)
    {
        Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        return this;
    }

    public static TensorProto FloatTensor(string name, long[] dims, float[] values, bool raw = true)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.Add(dims);
        if (raw)
        {
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            t.RawData = ByteString.CopyFrom(bytes);
        }
        else
        {
            t.FloatData.Add(values);
        }
        return t;
    }

    public static TensorProto Int64Tensor(string name, long[] dims, long[] values, bool raw = false)
    {
        var t = new TensorProto { Name = name, DataType = 7 };
        t.Dims.Add(dims);
        if (raw)
        {
            var bytes = new byte[values.Length * 8];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            t.RawData = ByteString.CopyFrom(bytes);
        }
        else
        {
            t.Int64Data.Add(values);
        }
        return t;
    }

    /// <summary>Adds an initializer; with <paramref name="listAsInput"/> also lists it among graph inputs (IR &lt; 4 style).</summary>
    public string Init(string name, long[] dims, float[] values, bool raw = true, bool listAsInput = false)
    {
        Graph.Initializer.Add(FloatTensor(name, dims, values, raw));
        if (listAsInput)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            AddInput(name, shape, 1);
        }
        return name;
    }

    public string InitInt64(string name, long[] dims, long[] values, bool raw = false)
    {
        Graph.Initializer.Add(Int64Tensor(name, dims, values, raw));
        return name;
    }

    /// <summary>A Constant node producing <paramref name="output"/>.</summary>
    public string Constant(string output, TensorProto value)
    {
        Node("Constant", Array.Empty<string>(), output, null, ("value", value));
        return output;
    }

    public NodeProto Node(string op, string[] inputs, string output, string? name = null, params (string Name, object Value)[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name ?? $"{op.ToLowerInvariant()}{_autoName++}" };
        n.Input.Add(inputs);
        n.Output.Add(output);
        foreach (var (an, av) in attributes)
        {
            n.Attribute.Add(Attribute(an, av));
        }
        Graph.Node.Add(n);
        return n;
    }

    public static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = i;
                break;
            case long l:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = l;
                break;
            case float f:
                a.Type = AttributeProto.Types.AttributeType.Float;
                a.F = f;
                break;
            case string s:
                a.Type = AttributeProto.Types.AttributeType.String;
                a.S = ByteString.CopyFromUtf8(s);
                break;
            case int[] ints:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.Add(ints.Select(x => (long)x));
                break;
            case long[] longs:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.Add(longs);
                break;
            case float[] floats:
                a.Type = AttributeProto.Types.AttributeType.Floats;
                a.Floats.Add(floats);
                break;
            case TensorProto t:
                a.Type = AttributeProto.Types.AttributeType.Tensor;
                a.T = t;
                break;
            default:
                throw new ArgumentException($"unsupported attribute value {value.GetType()}");
        }
        return a;
    }

    public byte[] Build() => _model.ToByteArray();

    /// <summary>Deterministic values in [-1, 1) from a fixed seed.</summary>
    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
    }
}
